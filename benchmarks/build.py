"""Time `mgraph build` by stage on the curated data, and each stage against the fastest engine.

Prints, never asserts: speed is measured here, not in tests.
Usage: python benchmarks/build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def median_time(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import pyoxigraph as ox

    from mgraph.core.loader import load
    from mgraph.core.serialize import prepare, to_turtle
    from mgraph.publish.build import build
    from mgraph.validation.validate import ENGINES, validate

    kg = load()
    print(f"curated graph: {len(kg.graph)} triples")
    rows: list[tuple[str, str, float]] = [
        ("load", "mgraph (PyYAML + rdflib)", median_time(load, args.repeat))
    ]
    for engine in ENGINES:
        rows.append(
            (
                "validate",
                engine,
                median_time(lambda e=engine: validate(kg.graph, engine=e, origins=kg.origins), args.repeat),
            )
        )
    rows.append(
        ("serialise turtle", "rdflib", median_time(lambda: kg.graph.serialize(format="turtle"), args.repeat))
    )
    rows.append(
        (
            "serialise turtle",
            "pyoxigraph (used, with sorting)",
            median_time(lambda: to_turtle(prepare(kg.graph)), args.repeat),
        )
    )
    triples = prepare(kg.graph)
    rows.append(
        (
            "serialise turtle",
            "pyoxigraph (already sorted)",
            median_time(lambda: ox.serialize(triples, format=ox.RdfFormat.TURTLE), args.repeat),
        )
    )

    fastest: dict[str, float] = {}
    for stage, _, seconds in rows:
        fastest[stage] = min(seconds, fastest.get(stage, seconds))
    print(f"{'stage':<18} {'engine':<32} {'seconds':>8} {'x fastest':>10}")
    for stage, engine, seconds in rows:
        print(f"{stage:<18} {engine:<32} {seconds:>8.3f} {seconds / fastest[stage]:>10.1f}")

    with tempfile.TemporaryDirectory() as tmp:
        result = build(out_dir=Path(tmp) / "dist")
    total = sum(result.timings.values())
    print(
        "\nmgraph build (default engines): "
        + ", ".join(
            f"{stage} {seconds:.2f}s ({seconds / total:.0%})" for stage, seconds in result.timings.items()
        )
        + f"; total {total:.2f}s"
    )


if __name__ == "__main__":
    main()
