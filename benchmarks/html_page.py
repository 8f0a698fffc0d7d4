"""Measure the offline HTML graph page: file size, export time and first draw in headless Chromium.

Two views: the whole curated graph (view "full"), and a synthetic view of about 20,000 nodes built by
the same view code over copies of the curated graph (``benchmarks/queries.py`` makes the copies).
For each: the export time in this process and as a whole ``mgraph export --format html`` process
(curated only), the file size, the first draw (milliseconds from navigation start to the first frame
drawn, as the page reports it), and how long a search selection and a timeline filter take in the
page. Aims (issue 9): the curated page under 5 MB and first drawn within 3 s. Prints, never asserts.

Usage: python benchmarks/html_page.py [--nodes 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS


def synthetic_view(nodes: int) -> Any:
    """The "full" view over copies of the curated graph, about ``nodes`` nodes."""
    from rdflib import Graph

    from mgraph.core.loader import load
    from mgraph.networks.views import build_view

    sys.path.insert(0, str(Path(__file__).parent))
    from queries import synthetic  # benchmarks/queries.py

    base = load().graph
    per_copy = build_view("full", graph=base).number_of_nodes()
    graph = Graph()
    for triple in synthetic(base, len(base) * max(1, round(nodes / per_copy))):
        graph.add(triple)
    return build_view("full", graph=graph)


def in_browser(browser: Any, path: Path, search: str, repeat: int) -> dict[str, float]:
    """Median first draw, search-to-selection and timeline filter times, in milliseconds."""
    figures: dict[str, list[float]] = {"first draw": [], "search select": [], "timeline filter": []}
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(re.compile(r"^(?!file:|data:).*"), lambda route: route.abort())
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        figures["first draw"].append(page.evaluate("window.mgraphFirstDraw"))
        start = time.perf_counter()
        page.fill("#search", search)
        page.wait_for_function("document.body.dataset.selected !== undefined")
        page.evaluate("window.mgraph.visibleNodeCount()")
        figures["search select"].append((time.perf_counter() - start) * 1000)
        figures["timeline filter"].append(
            page.evaluate(
                "() => { const t = performance.now(); window.mgraph.setPeriod(2023, 2023);"
                " window.mgraph.visibleNodeCount(); return performance.now() - t; }"
            )
        )
        context.close()
    return {name: statistics.median(values) for name, values in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000, help="size of the synthetic view")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from mgraph.exporters import html
    from mgraph.networks.views import build_view

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        start = time.perf_counter()
        command = [
            sys.executable,
            "-m",
            "mgraph",
            "export",
            "--format",
            "html",
            "--view",
            "full",
            "-o",
            str(Path(tmp) / "cli.html"),
        ]
        subprocess.run(command, check=True)
        process = time.perf_counter() - start
        plan = [
            ("curated (full view)", build_view("full"), "Burkina Faso"),
            (f"synthetic (~{args.nodes:,} nodes)", synthetic_view(args.nodes), "Burkina Faso"),
        ]
        for name, view, search in plan:
            start = time.perf_counter()
            page = html.export(view)
            export = time.perf_counter() - start
            path = Path(tmp) / "page.html"
            path.write_bytes(page)
            figures = in_browser(browser, path, search, args.repeat)
            rows.append((name, view.number_of_nodes(), view.number_of_edges(), len(page), export, figures))
        browser.close()

    print(f"mgraph export --format html --view full, whole process: {process:.2f} s (aim: under 2 s)")
    print(
        f"{'view':<28} {'nodes':>7} {'edges':>7} {'size MB':>8} {'export s':>9} {'first draw ms':>14} "
        f"{'search ms':>10} {'timeline ms':>12}"
    )
    for name, nodes, edges, size, export, figures in rows:
        browser_figures = " ".join(
            f"{figures[column]:>{width}.0f}"
            for column, width in (("first draw", 14), ("search select", 10), ("timeline filter", 12))
        )
        print(f"{name:<28} {nodes:>7} {edges:>7} {size / 1e6:>8.2f} {export:>9.2f} {browser_figures}")
    print("aims: curated page under 5 MB, first drawn within 3000 ms in headless Chromium")


if __name__ == "__main__":
    main()
