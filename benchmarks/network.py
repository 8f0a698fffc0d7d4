"""Time network views, exports and analytics on the curated graph and synthetic ~100k and ~1M
triple graphs (made by benchmarks/queries.py's generator), with peak memory.

Every measurement runs in its own subprocess, which reads the graph (N-Triples, pyoxigraph),
indexes it, builds the view, then does the one thing measured; it reports the time of each step,
its CPU time and its peak resident memory (ru_maxrss), so no measurement inherits another's
memory. The curated graph is also timed as whole ``mgraph`` commands (``python -m mgraph export``
...), start-up included. Prints figures; asserts nothing.

Aims (issue 9): any export of the curated graph under 2 s as a whole process; the 1M-triple graph
viewed and exported to GraphML under 60 s and 4 GB; ``analyze`` on it under 2 minutes with
sampled betweenness. Issue 20: ``analyze`` at 1M under 30 s; the GraphML export of the full view
within 1.5x of pyoxigraph plus networkx, in time and in peak memory. For that last aim each size
ends with both as whole processes side by side: ``mgraph export --view full --format graphml
--graph FILE`` and a plain script that reads the same file with pyoxigraph, keeps the same nodes
(typed entities but sources, claims, places and country groups) and links (IRI-valued relations
between them), and writes them with ``networkx.write_graphml`` (a label and the classes on each
node, the predicate on each edge: fewer attributes than mgraph writes).

Usage: python benchmarks/network.py [--sizes curated,100k,1m] [--quick] [--timeout SECONDS]
                                   [--only graphml|analyze]
  --only graphml: only the GraphML side by side; --only analyze: only ``mgraph analyze --graph
           FILE`` as a whole process (the aims of issue 20).
  --quick: on the synthetic graphs only the actors and full views, GraphML/GEXF/N-Triples
           exports and the whole analyze (the curated graph gets everything).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
SIZES = {"curated": None, "100k": 100_000, "1m": 1_000_000}
VIEWS = [("actors", False), ("actors", True), ("decisions", False), ("parties", False), ("full", False)]
EXPORT_VIEW = "full"  # the largest view: every format is timed on it
ANALYZE_VIEW = "actors"


def _generator() -> Any:
    """benchmarks/queries.py, imported (its ``synthetic`` makes the synthetic graphs)."""
    spec = importlib.util.spec_from_file_location("benchmark_queries", HERE / "queries.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graph_file(size: str) -> Path:
    """The graph of one size as N-Triples under benchmarks/.cache, made once per data version."""
    import pyoxigraph as ox

    from mgraph.core.loader import load
    from mgraph.core.terms import to_oxigraph
    from mgraph.publish.build import inputs_digest

    path = CACHE / f"network-{size}-{inputs_digest()[:12]}.nt"
    if path.is_file():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    base = load().graph
    target = SIZES[size]
    triples = list(base) if target is None else _generator().synthetic(base, target)
    temporary = path.with_suffix(".tmp")
    ox.serialize(
        [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples],
        output=str(temporary),
        format=ox.RdfFormat.N_TRIPLES,
    )
    os.replace(temporary, path)
    return path


# ---------------------------------------------------------------------------------------------
# One measurement (in a child process)


def baseline_graphml(graph: str, out: str) -> dict[str, Any]:
    """pyoxigraph plus networkx: the full view's nodes and links written as GraphML (the yardstick
    of the GraphML export; see the module doc). Wall and CPU time, peak memory, nodes and edges."""
    import networkx as nx
    import pyoxigraph as ox

    from mgraph.networks.index import RDF_TYPE, RDFS_LABEL
    from mgraph.networks.views import ALWAYS_HIDDEN

    types: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    links: list[tuple[str, str, str]] = []
    for triple in ox.parse(path=graph, format=ox.RdfFormat.N_TRIPLES):
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate == RDF_TYPE:
            types.setdefault(subject.value, set()).add(obj.value)
        elif isinstance(obj, ox.NamedNode):
            links.append((subject.value, obj.value, predicate))
        elif predicate == RDFS_LABEL:
            labels.setdefault(subject.value, obj.value)
    nodes = {entity for entity, classes in types.items() if classes.isdisjoint(ALWAYS_HIDDEN)}
    network = nx.MultiDiGraph()
    for node in sorted(nodes):
        network.add_node(node, label=labels.get(node, node), classes=" ".join(sorted(types[node])))
    for u, v, predicate in sorted(links):
        if u in nodes and v in nodes:
            network.add_edge(u, v, predicate=predicate)
    nx.write_graphml(network, out)
    return {"nodes": network.number_of_nodes(), "edges": network.number_of_edges()}


def child(task: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    if task["kind"] == "baseline":
        return baseline_graphml(task["graph"], task["out"])

    from mgraph.networks.index import index_triples
    from mgraph.networks.views import build_view

    steps: dict[str, float] = {}

    def timed(name: str, work: Any) -> Any:
        start = time.perf_counter()
        result = work()
        steps[name] = time.perf_counter() - start
        return result

    parsed = [timed("parse", lambda: list(ox.parse(path=task["graph"], format=ox.RdfFormat.N_TRIPLES)))]
    index = timed("index", lambda: index_triples(parsed.pop()))
    view = timed("view", lambda: build_view(task["view"], graph=index, fold=task["fold"]))
    info = {"nodes": view.number_of_nodes(), "edges": view.number_of_edges()}
    if task["kind"] == "export":
        from mgraph.exporters import get

        content = timed("op", lambda: get(task["target"]).export(view))
        info["bytes"] = len(content)
    elif task["kind"] == "analytic":
        from mgraph.networks import analyze as analytics

        if task["target"] == "analyze":
            result = timed("op", lambda: analytics.measure(view))
            info["betweenness"] = result["betweenness"]["method"]
        else:
            graph = analytics.undirected(view)
            function = analytics.ANALYTICS[task["target"]]
            result = timed("op", lambda: function(graph))
            if task["target"] == "betweenness":
                info["betweenness"] = result[1]["method"]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"steps": steps, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024, **info}


def run_child(task: dict[str, Any], timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(task)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.decode(errors="replace").strip().splitlines()[-1:]}
    return json.loads(done.stdout)


def run_command(argv: list[str], timeout: float, module: bool = True) -> dict[str, Any]:
    """A whole ``mgraph`` command (``module``; else a Python script and its arguments): wall time,
    CPU time and peak memory of its process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *(["-m", "mgraph"] if module else []), *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            process.wait()
            return {"error": f"over {timeout:.0f} s"}
        time.sleep(0.005)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return {"error": f"exit {code}"}
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


# ---------------------------------------------------------------------------------------------
# The plan and the report


def tasks(graph: Path, quick: bool) -> list[tuple[str, dict[str, Any]]]:
    from mgraph.exporters import names
    from mgraph.networks.analyze import ANALYTICS

    plan: list[tuple[str, dict[str, Any]]] = []
    views = [v for v in VIEWS if v in (("actors", False), ("full", False))] if quick else VIEWS
    for view, fold in views:
        label = f"view {view}{' --fold' if fold else ''}"
        plan.append((label, {"kind": "view", "view": view, "fold": fold, "target": None}))
    formats = ["graphml", "gexf", "ntriples"] if quick else list(names())
    for fmt in formats:
        plan.append(
            (
                f"export {fmt} ({EXPORT_VIEW})",
                {"kind": "export", "view": EXPORT_VIEW, "fold": False, "target": fmt},
            )
        )
    analytics = ["analyze"] if quick else [*ANALYTICS, "analyze"]
    for name in analytics:
        plan.append(
            (
                f"{name} ({ANALYZE_VIEW})",
                {"kind": "analytic", "view": ANALYZE_VIEW, "fold": False, "target": name},
            )
        )
    for _, task in plan:
        task["graph"] = str(graph)
    return plan


def whole_commands(timeout: float) -> list[tuple[str, dict[str, Any]]]:
    from mgraph.exporters import names

    out = []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in names():
            argv = ["export", "--format", fmt, "-o", str(Path(folder) / f"view.{fmt}")]
            out.append((f"mgraph export --format {fmt}", run_command(argv, timeout)))
        out.append(("mgraph analyze", run_command(["analyze"], timeout)))
        out.append(("mgraph analyze --view full", run_command(["analyze", "--view", "full"], timeout)))
        out.append(
            (
                "mgraph path 'Burkina Faso' Switzerland",
                run_command(["path", "Burkina Faso", "Switzerland"], timeout),
            )
        )
    return out


def graphml_side_by_side(graph: Path, timeout: float) -> list[str]:
    """The GraphML export of the full view beside pyoxigraph plus networkx, both whole
    processes run one after the other, with the ratios of wall time, CPU time and peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        ours = run_command(
            [
                "export",
                "--view",
                "full",
                "--format",
                "graphml",
                "--graph",
                str(graph),
                "-o",
                f"{folder}/m.graphml",
            ],
            timeout,
        )
        task = {"kind": "baseline", "graph": str(graph), "out": f"{folder}/nx.graphml"}
        theirs = run_command(
            [str(Path(__file__).resolve()), "--child", json.dumps(task)], timeout, module=False
        )
    lines = []
    for label, result in (
        ("mgraph export --view full --format graphml", ours),
        ("pyoxigraph + networkx", theirs),
    ):
        lines.append(f"  {label:<42} {_whole(result)}")
    if "error" not in ours and "error" not in theirs:
        lines.append(
            f"  {'ratio mgraph / pyoxigraph + networkx':<42} wall {ours['wall'] / theirs['wall']:.2f}x, "
            f"cpu {ours['cpu'] / theirs['cpu']:.2f}x, peak memory {ours['peak_mb'] / theirs['peak_mb']:.2f}x "
            "(aim: 1.5x or less)"
        )
    return lines


def _whole(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"error: {result['error']}"
    return f"{result['wall']:6.2f} s (cpu {result['cpu']:6.2f} s, {result['peak_mb']:6.0f} MB)"


def _cell(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"error: {result['error']}"
    steps = result["steps"]
    op = steps.get("op", steps["view"])
    total = sum(steps.values())
    return f"{op:7.2f} s (all {total:6.2f} s, cpu {result['cpu']:6.1f} s, {result['peak_mb']:6.0f} MB)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="curated,100k,1m", help="comma-separated: curated, 100k, 1m (default: all three)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer measurements on synthetic graphs")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per measurement")
    parser.add_argument(
        "--only", choices=("graphml", "analyze"), help="only the whole-process measures of issue 20's aims"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    sys.path.insert(0, str(ROOT))
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start", file=sys.stderr)
    for size in sizes:
        graph = graph_file(size)
        triples = sum(1 for _ in graph.open(encoding="utf-8"))
        print(f"\n== {size}: {triples} triples ({graph.name})")
        if args.only == "analyze":
            result = run_command(["analyze", "--graph", str(graph)], args.timeout)
            print(f"  mgraph analyze --graph FILE (whole process): {_whole(result)}", flush=True)
            continue
        print("measured step: its time (the whole child: parse + index + view + step; CPU time; peak memory)")
        for label, task in [] if args.only else tasks(graph, args.quick and size != "curated"):
            result = run_child(task, args.timeout)
            extra = ""
            if "nodes" in result:
                extra = f"  [{result['nodes']} nodes, {result['edges']} edges"
                extra += f", betweenness {result['betweenness']}]" if "betweenness" in result else "]"
            if "steps" in result and task["kind"] == "view":
                s = result["steps"]
                extra += f"  parse {s['parse']:.2f} s, index {s['index']:.2f} s"
            print(f"  {label:<42} {_cell(result)}{extra}", flush=True)
        print("\n  GraphML of the full view, whole processes side by side (wall, CPU, peak):")
        for line in graphml_side_by_side(graph, args.timeout):
            print(line, flush=True)
        if size == "curated" and not args.only:
            print("\n  whole commands on the project graph (start-up included; wall, CPU, peak):")
            for label, result in whole_commands(args.timeout):
                if "error" in result:
                    print(f"  {label:<42} error: {result['error']}")
                else:
                    print(
                        f"  {label:<42} {result['wall']:6.2f} s (cpu {result['cpu']:5.2f} s, "
                        f"{result['peak_mb']:5.0f} MB)",
                        flush=True,
                    )
    print(
        f"\nload average at the end: {os.getloadavg()[0]:.1f} (the machine is shared: compare CPU "
        "times when it is busy)"
    )


if __name__ == "__main__":
    main()
