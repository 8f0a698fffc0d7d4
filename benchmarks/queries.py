"""Time every library query on pyoxigraph and rdflib: the curated graph, then synthetic graphs.

The synthetic graphs have the curated graph's shape: copies of it, every record, claim and source
renamed per copy (copy 0 keeps the real IRIs, so each query's documented example parameters still
work), and one link in ten pointing into the previous copy so the copies are not islands. They are
generated deterministically here, scaled to about 100k and 1M triples.

Prints the median time of each query per engine and their ratio; never asserts. Queries rewritten
for speed are timed beside their previous text (``benchmarks/previous-queries/NAME.rq``, shown as
"NAME (before)"), and the one-entity lookups with their growth from the 100k to the 1M graph.
Usage: python benchmarks/queries.py [--quick] [--repeat N] [--rdflib-1m] [--oxigraph-only]
       [--budget SECONDS]
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MGID = "https://w3id.org/mgraph/id/"
PREVIOUS = Path(__file__).resolve().parent / "previous-queries"
BEFORE = " (before)"


def previous_texts() -> dict[str, Path]:
    """Each rewritten library query's previous text, by the query's name."""
    return {path.stem: path for path in sorted(PREVIOUS.glob("*.rq"))}


def lookups() -> list[str]:
    """The one-entity lookups: queries with a required parameter naming one record."""
    from mgraph.queries.library import library

    return [
        name for name, query in library().items() if any(p.required and p.type == "id" for p in query.params)
    ]


def example_params(query: Any) -> dict[str, str]:
    """The parameters of the query's first documented example."""
    words = shlex.split(query.examples[0]) if query.examples else []
    return dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")


def synthetic(base: Any, target: int, seed: int = 5) -> list[tuple[Any, Any, Any]]:
    """``base`` copied until it holds about ``target`` triples, as described in the module doc."""
    from rdflib import URIRef

    copies = max(1, math.ceil(target / len(base)))
    subjects = {s for s in base.subjects() if isinstance(s, URIRef)}
    rng = random.Random(seed)
    triples = sorted(base, key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
    out = []

    def renamed(term: Any, copy: int) -> Any:
        if copy == 0 or term not in subjects:
            return term
        text = str(term)
        if text.startswith(MGID):
            return URIRef(f"{text}-s{copy}")
        return URIRef(f"{text}#s{copy}")  # a source document given by its URL

    for copy in range(copies):
        for s, p, o in triples:
            target_copy = copy - 1 if copy and o in subjects and rng.random() < 0.1 else copy
            out.append((renamed(s, copy), p, renamed(o, target_copy)))
    return out


def make_store(triples: list[tuple[Any, Any, Any]], engine: str) -> Any:
    """A store of the triples, built without an rdflib Graph when the engine is oxigraph."""
    from mgraph.core.store import OxigraphStore, RdflibStore
    from mgraph.core.terms import to_oxigraph as oxigraph_term

    if engine == "rdflib":
        from rdflib import Graph

        graph = Graph()
        for triple in triples:
            graph.add(triple)
        return RdflibStore(graph)
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(ox.Quad(*(oxigraph_term(t) for t in triple)) for triple in triples)
    return OxigraphStore(store)


def median_time(work: Callable[[], object], repeat: int, budget: float) -> tuple[float, int]:
    """Median seconds of ``repeat`` runs; fewer runs when one run alone exceeds ``budget``."""
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
        if sum(times) > budget:
            break
    return statistics.median(times), len(times)


def measure(
    triples: list[tuple[Any, Any, Any]],
    engines: list[str],
    repeat: int,
    budget: float,
    slow: dict[str, float] | None = None,
) -> dict[str, dict[str, float]]:
    """{engine: {query: median seconds}}, plus "load" (building the store) per engine.

    The stores are built first and the garbage collector then told to leave every object made so
    far alone (gc.freeze), so its pauses over a big heap of triples do not count as query time.
    ``slow``: the previous query texts (labels) that took over a quarter of ``budget`` on a
    smaller graph, with that time: not run again on this one (amendments-in-force's previous
    text grew with the square of the graph: 20 s at 100k triples).
    """
    from mgraph.queries.library import library
    from mgraph.queries.query import run

    slow = slow or {}
    stores, out = {}, {}
    for engine in engines:
        start = time.perf_counter()
        stores[engine] = make_store(triples, engine)
        out[engine] = {"load": time.perf_counter() - start}
    triples.clear()
    gc.collect()
    gc.freeze()
    previous = previous_texts()
    try:
        for engine, store in stores.items():
            for name, query in library().items():
                params = example_params(query)
                texts: list[tuple[str, Any]] = [(name, name)]
                if name in previous:
                    texts.append((name + BEFORE, previous[name]))
                for label, text in texts:
                    if label.endswith(BEFORE) and label in slow:
                        print(
                            f"  {engine:<8} {label:<45} not run: {slow[label]:.1f} s on the smaller graph",
                            file=sys.stderr,
                        )
                        continue
                    run(text, params, store=store)  # warm: screening, id lookup, rdflib's cache
                    seconds, runs = median_time(
                        lambda t=text, p=params, s=store: run(t, p, store=s), repeat, budget
                    )
                    out[engine][label] = seconds
                    print(
                        f"  {engine:<8} {label:<45} {seconds * 1000:10.1f} ms ({runs} runs)", file=sys.stderr
                    )
    finally:
        gc.unfreeze()
    return out


def report(sizes: list[tuple[str, int, dict[str, dict[str, float]]]]) -> None:
    from mgraph.queries.library import library

    previous = previous_texts()
    names = list(library())
    rows = [row for name in names for row in ([name, name + BEFORE] if name in previous else [name])]
    head = f"{'query':<45}" + "".join(
        f" | {label + f' ({triples // 1000}k)':^30}" for label, triples, _ in sizes
    )
    sub = f"{'':<45}" + "".join(f" | {'oxigraph':>9} {'rdflib':>9} {'ratio':>8}" for _ in sizes)
    print(head)
    print(sub)
    print("-" * len(sub))
    for name in ["load", *rows]:  # load: building the store from parsed triples
        line = f"{name:<45}"
        for _, _, timings in sizes:
            ox = timings.get("oxigraph", {}).get(name)
            rd = timings.get("rdflib", {}).get(name)
            line += f" | {_ms(ox):>9} {_ms(rd):>9} {_ratio(rd, ox):>8}"
        print(line)
    print("\ntimes in ms (median of the runs); ratio = rdflib time / oxigraph time; '-' = not run")
    for label, triples, timings in sizes:
        ox = timings.get("oxigraph", {})
        rd = timings.get("rdflib", {})
        ox_times = [ox[n] for n in names if n in ox]
        summary = (
            f"{label} ({triples} triples): oxigraph median "
            f"{_ms(statistics.median(ox_times))} ms, slowest "
            f"{max(ox_times) * 1000:.1f} ms "
            f"({max(names, key=lambda n: ox.get(n, 0))})"
        )
        if rd:
            ratios = sorted(rd[n] / ox[n] for n in names if n in rd and ox.get(n))
            rd_times = [rd[n] for n in names if n in rd]
            summary += (
                f"; rdflib median {_ms(statistics.median(rd_times))} ms; median of the "
                f"per-query ratios {statistics.median(ratios):.1f}x, "
                f"lowest {ratios[0]:.1f}x; ratio of the medians "
                f"{statistics.median(rd_times) / statistics.median(ox_times):.1f}x"
            )
        over = [n for n in names if ox.get(n, 0) > 0.5]
        summary += f"; oxigraph queries over 0.5 s: {', '.join(over) if over else 'none'}"
        print(summary)
    by_label = {label: timings.get("oxigraph", {}) for label, _, timings in sizes}
    small, large = (by_label.get("synthetic", {}), by_label.get("synthetic-1m", {}))
    if small and large:
        print("\none-entity lookups on oxigraph, growth from the 100k to the 1M graph (1.0x: flat):")
        for name in lookups():
            for label in (name, name + BEFORE):
                if label in small and label in large:
                    print(
                        f"  {label:<45} {_ms(small[label]):>8} ms -> {_ms(large[label]):>8} ms  "
                        f"{large[label] / small[label]:5.1f}x"
                    )
    if previous:
        print("\nrewritten queries on oxigraph, previous text -> this one:")
        for label, triples, timings in sizes:
            ox = timings.get("oxigraph", {})
            for name in previous:
                if name in ox and name + BEFORE in ox:
                    print(
                        f"  {label} ({triples // 1000}k) {name:<36} {_ms(ox[name + BEFORE]):>8} ms -> "
                        f"{_ms(ox[name]):>8} ms  (before / now {ox[name + BEFORE] / ox[name]:.1f}x)"
                    )


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def _ratio(slow: float | None, fast: float | None) -> str:
    return "-" if slow is None or not fast else f"{slow / fast:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="curated graph and a small synthetic one (two copies), 3 runs each",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    parser.add_argument(
        "--rdflib-1m", action="store_true", help="also run rdflib on the 1M graph (very slow)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="stop repeating a query once its runs took this many seconds",
    )
    parser.add_argument(
        "--oxigraph-only", action="store_true", help="leave rdflib out (the synthetic graphs take long on it)"
    )
    args = parser.parse_args()

    from mgraph.core.loader import load
    from mgraph.core.locations import DATA, ROOT

    if any(DATA.glob("*.yaml")):
        base, origin = load().graph, "curated data/"
    else:
        from rdflib import Graph

        base = Graph().parse(ROOT / "tests" / "queries" / "fixture.ttl")
        origin = "test fixture (data/ is empty)"
    repeat = 3 if args.quick else args.repeat
    plan = [("curated", None, ["oxigraph", "rdflib"])]
    if args.quick:
        plan.append(("synthetic", 20_000, ["oxigraph", "rdflib"]))
    else:
        plan.append(("synthetic", 100_000, ["oxigraph", "rdflib"]))
        plan.append(("synthetic-1m", 1_000_000, ["oxigraph", "rdflib"] if args.rdflib_1m else ["oxigraph"]))
    if args.oxigraph_only:
        plan = [(label, target, ["oxigraph"]) for label, target, _ in plan]
    print(f"base graph: {origin}, {len(base)} triples; {repeat} runs per query", file=sys.stderr)
    sizes = []
    for label, target, engines in plan:
        start = time.perf_counter()
        triples = list(base) if target is None else synthetic(base, target)
        print(
            f"{label}: {len(triples)} triples (made in {time.perf_counter() - start:.1f} s)", file=sys.stderr
        )
        count = len(triples)
        slow = {
            name: seconds
            for _, _, done in sizes
            for name, seconds in done.get("oxigraph", {}).items()
            if seconds > args.budget / 4  # ten times that at the next size, at the least
        }
        sizes.append((label, count, measure(triples, engines, repeat, args.budget, slow)))
    report(sizes)
    if not args.rdflib_1m and not args.quick:
        print("rdflib was not run on the 1M graph (add --rdflib-1m; expect hours).")


if __name__ == "__main__":
    main()
