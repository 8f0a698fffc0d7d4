"""Time `mgraph push`: the curated graph into Oxigraph server and Virtuoso, the ~1M-triple
synthetic graph (benchmarks/queries.py's generator) into Oxigraph server.

Each push runs in a child process that reports its own peak memory (max RSS), so it is the
push's, not the generator's. Servers are started on 127.0.0.1 in a temporary folder (tests/servers.py) and
stopped afterwards. Prints figures; never asserts (aim: 1M triples in under 60 s, under 1 GB).

Measured 2026-12-02 on the 2-core machine, Oxigraph server 0.5.13: 1,004,773 triples in 187 s
(read 3 s, staging load 21 s with Oxigraph's bulk loader, MOVE 166 s), client peak 587 MB; the
one atomic MOVE update is the limit (Oxigraph moves about 6,000 triples a second in one update).
Usage: python benchmarks/push.py [--quick] [--size N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

CHILD = """
import json, sys, time
from mgraph.upload import push, read_trusted_file
started = time.monotonic()
source = read_trusted_file(sys.argv[1])
read = time.monotonic() - started
kwargs = json.loads(sys.argv[3])
if "auth" in kwargs:
    kwargs["auth"] = tuple(kwargs["auth"])
result = push(sys.argv[2], source=source, replace=True, **kwargs)
status = open("/proc/self/status").read()  # VmHWM: this process's own peak (ru_maxrss keeps the parent's)
peak = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"peak_kib": peak, "read": read, "push": result.seconds,
                  "load": result.load_seconds, "swap": result.swap_seconds,
                  "triples": result.triples, "after": result.after, "chunks": result.chunks,
                  "method": result.method}))
"""


def child_push(file: Path, endpoint: str, **kwargs: object) -> dict:
    """Push ``file`` from a child process; its figures and its peak memory in MB."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(file), endpoint, json.dumps(kwargs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = process.communicate()
    wall = time.monotonic() - started
    if process.returncode:
        raise SystemExit(f"push failed:\n{stderr[-2000:]}")
    out = argparse.Namespace(stdout=stdout)
    figures = json.loads(out.stdout)
    figures["wall"] = wall
    figures["peak_mb"] = figures.pop("peak_kib") / 1024
    return figures


def write_nt(triples: list, path: Path) -> None:
    import pyoxigraph as ox

    from mgraph.terms import to_oxigraph

    ox.serialize(
        (ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples),
        str(path),
        format=ox.RdfFormat.N_TRIPLES,
    )


def line(label: str, f: dict) -> str:
    rate = f["triples"] / f["push"] if f["push"] else float("nan")
    return (
        f"{label:<44} {f['triples']:>9,} {f['read']:>7.1f} {f['load']:>7.1f} {f['swap']:>7.1f} "
        f"{f['push']:>7.1f} {f['wall']:>7.1f} {rate:>9,.0f} {f['peak_mb']:>8.0f}  "
        f"{f['chunks']} x {f['method']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k synthetic triples, not 1M")
    parser.add_argument("--size", type=int, default=None, help="synthetic graph size")
    args = parser.parse_args()
    size = args.size or (100_000 if args.quick else 1_000_000)

    from servers import VIRTUOSO_USER, Oxigraph, Virtuoso, running

    from mgraph.loader import load
    from queries import synthetic

    base = load().graph
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        curated = folder / "curated.nt"
        write_nt(list(base), curated)
        big = folder / "synthetic.nt"
        generated = synthetic(base, size)
        write_nt(generated, big)
        count = len(generated)
        del generated
        print(f"curated graph: {len(base):,} triples; synthetic graph: {count:,} triples\n")
        with running(Oxigraph(folder / "oxigraph")) as ox, running(Virtuoso(folder / "virtuoso")) as vt:
            rows.append(line("curated -> Oxigraph (Graph Store)", child_push(curated, ox.query)))
            rows.append(
                line("curated -> Oxigraph (SPARQL Update)", child_push(curated, ox.query, store_endpoint=""))
            )
            rows.append(
                line(
                    "curated -> Virtuoso (Graph Store, Digest)",
                    child_push(curated, vt.query, auth=list(VIRTUOSO_USER)),
                )
            )
            rows.append(
                line(
                    f"synthetic {count // 1000}k -> Oxigraph (Graph Store)",
                    child_push(big, ox.query, graph="https://example.org/synthetic"),
                )
            )
    print(
        f"{'push':<44} {'triples':>9} {'read s':>7} {'load s':>7} {'swap s':>7} {'push s':>7} "
        f"{'wall s':>7} {'triples/s':>9} {'peak MB':>8}"
    )
    print("\n".join(rows))
    print(
        "\nread: parsing the N-Triples file; load: the chunks into the staging graph and their "
        "count; swap: the one MOVE update; push: all of it with the checks; wall: the whole child "
        "process; peak: its own peak memory (VmHWM)."
    )


if __name__ == "__main__":
    main()
