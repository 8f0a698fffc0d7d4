"""Time `mgraph push` and the ways the stores offer to load a graph, side by side.

Pushes: the curated graph into Oxigraph server and Virtuoso; the ~1M-triple synthetic graph
(benchmarks/queries.py's generator) into Oxigraph server, in one Graph Store request into the
empty target (what `mgraph push` does there), and (``--slow``) through a staging graph and
``MOVE``, and replacing a graph that holds the same 1M triples. Each push runs in a child process
that reports its own peak memory (max RSS), so it is the push's, not the generator's. Beside them,
the raw requests a store offers, timed with one HTTP request each (server time): Oxigraph Graph
Store ``POST`` (one transaction: all or nothing), ``POST ?no_transaction`` (bulk loader: not
atomic), ``PUT`` (clears, then loads: two steps, not atomic), ``DROP GRAPH`` of 1M triples, and
Virtuoso's Graph Store ``POST`` at the size given by ``--virtuoso-size``. Servers are started on
127.0.0.1 in a temporary folder (tests/servers.py) and stopped afterwards. Prints figures; never
asserts (aim: 1M triples atomically in under 60 s, under 1 GB).

Which store gives which guarantee (see mgraph/publish/push.py): Oxigraph server applies one request
(one Graph Store POST, one update of any number of operations) in one transaction; its
``no_transaction`` bulk load and its ``PUT`` are not atomic. Virtuoso applies one update
operation whole but not the operations of one request together, and its ``MOVE`` from a missing
graph empties the target.

Measured 2026-12-07 on the 2-core machine shared with eight other jobs (load average 6-13: every
figure is 2-5 times an idle machine's), Oxigraph server 0.5.13, Virtuoso 7.2, 1,012,392 triples
(seconds):

    push                                           read  load  swap  push  peak MB
    at load average 6-8:
    1M -> Oxigraph, one request (empty target)      4.8   2.0  44.7  47.2  587  (53.4 s wall)
    1M replacing 1M with 1% changed, by difference  5.2  29.7   1.5  31.6 1063
    1M replacing the same 1M, by difference         4.2  18.9   0.0  19.5 1153
    at load average 10-13:
    1M -> Oxigraph, one request (empty target)      9.4   3.4 120.0 124.7  587
    raw Graph Store POST of the file, beside it                     209.9  (bulk loader: 67.7)
    1M -> Oxigraph, staging + MOVE (empty target)  11.6  85.8 348.3 435.1  588
    1M -> Virtuoso, staging + MOVE (empty target)  17.5  72.3  47.2 119.5  588
    1M replacing 1M -> Virtuoso                    refused: SR325, log after-image over its limit
    100k -> Virtuoso, staging + MOVE                0.4   2.1   0.9   3.1  125

On an idle machine earlier the same day (curl, Oxigraph): the raw POST of 1M in one transaction
46 s, with ``?no_transaction`` 28 s, ``DROP GRAPH`` of 1M 156 s, ``DROP`` + ``LOAD`` of 1M in one
update 723 s; the issue's figures: ``MOVE`` of 1M 187 s, the raw POST 35 s.
Usage: python benchmarks/push.py [--quick] [--size N] [--slow] [--virtuoso-size N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

CHILD = """
import json, sys, time
from mgraph.publish.push import push, read_trusted_file
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
                  "method": result.method, "server": result.endpoints.server}))
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

    from mgraph.core.terms import to_oxigraph

    ox.serialize(
        (ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples),
        str(path),
        format=ox.RdfFormat.N_TRIPLES,
    )


def line(label: str, f: dict) -> str:
    rate = f["triples"] / f["push"] if f["push"] else float("nan")
    return (
        f"{label:<52} {f['triples']:>9,} {f['read']:>7.1f} {f['load']:>7.1f} {f['swap']:>7.1f} "
        f"{f['push']:>7.1f} {f['wall']:>7.1f} {rate:>9,.0f} {f['peak_mb']:>8.0f}  "
        f"{f['chunks']} x {f['method']} ({f['server'] or 'store not named'})"
    )


def raw(
    method: str, url: str, *, file: Path | None = None, update: str | None = None, **auth: object
) -> float:
    """Seconds one raw request takes (the server's work: streaming a file is cheap)."""
    import httpx

    started = time.monotonic()
    if update is not None:
        response = httpx.post(
            url,
            content=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=3600,
            **auth,  # type: ignore[arg-type]
        )
    else:
        assert file is not None
        with file.open("rb") as stream:
            # Digest sends the body twice (after the challenge): bytes, not a stream, then
            body: bytes | BinaryIO = stream.read() if auth else stream
            response = httpx.request(
                method,
                url,
                content=body,
                headers={"Content-Type": "application/n-triples"},
                timeout=3600,
                **auth,  # type: ignore[arg-type]
            )
    response.raise_for_status()
    return time.monotonic() - started


def raw_line(label: str, triples: int, seconds: float, atomic: str) -> str:
    return f"{label:<58} {triples:>9,} {seconds:>8.1f} {triples / seconds:>10,.0f}  {atomic}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k synthetic triples, not 1M")
    parser.add_argument("--size", type=int, default=None, help="synthetic graph size")
    parser.add_argument(
        "--slow", action="store_true", help="also the staging-and-MOVE pushes (minutes at 1M)"
    )
    parser.add_argument("--virtuoso-size", type=int, default=100_000, help="triples pushed into Virtuoso")
    args = parser.parse_args()
    size = args.size or (100_000 if args.quick else 1_000_000)

    import httpx
    from servers import VIRTUOSO_USER, Oxigraph, Virtuoso, count, running

    from mgraph.core.loader import load
    from queries import synthetic

    base = load().graph
    rows, raws = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        curated = folder / "curated.nt"
        write_nt(list(base), curated)
        big = folder / "synthetic.nt"
        generated = synthetic(base, size)
        write_nt(generated, big)
        count_big = len(generated)
        changed = folder / "changed.nt"  # 1 triple in 100 with another object: a re-release
        from rdflib import Literal

        write_nt(
            [(t[0], t[1], Literal(f"changed {i}")) if i % 100 == 0 else t for i, t in enumerate(generated)],
            changed,
        )
        small = folder / "virtuoso.nt"
        write_nt(generated[: args.virtuoso_size], small)
        count_small = min(args.virtuoso_size, count_big)
        del generated
        k = f"{count_big // 1000}k"
        print(f"curated graph: {len(base):,} triples; synthetic graph: {count_big:,} triples\n", flush=True)
        with running(Oxigraph(folder / "oxigraph")) as ox, running(Virtuoso(folder / "virtuoso")) as vt:
            g = "https://example.org/"
            rows.append(
                line("curated -> Oxigraph, one request", child_push(curated, ox.query, graph=g + "c1"))
            )
            rows.append(
                line(
                    "curated -> Oxigraph, staging + MOVE",
                    child_push(curated, ox.query, graph=g + "c2", staging=True),
                )
            )
            rows.append(
                line(
                    "curated -> Oxigraph, INSERT DATA + MOVE",
                    child_push(curated, ox.query, graph=g + "c3", store_endpoint=""),
                )
            )
            rows.append(
                line(
                    "curated -> Virtuoso, staging + MOVE (Digest)",
                    child_push(curated, vt.query, graph=g + "c4", auth=list(VIRTUOSO_USER)),
                )
            )
            print("\n".join(rows), flush=True)
            rows.append(
                line(f"synthetic {k} -> Oxigraph, one request", child_push(big, ox.query, graph=g + "s1"))
            )
            print(rows[-1], flush=True)
            # The raw requests beside it (the load of the machine varies: compare neighbours).
            store = ox.store
            raws.append(
                raw_line(
                    f"Oxigraph GSP POST {k}, one transaction",
                    count_big,
                    raw("POST", f"{store}?graph={g}r1", file=big),
                    "all or nothing",
                )
            )
            print(raws[-1], flush=True)
            raws.append(
                raw_line(
                    f"Oxigraph GSP POST {k} ?no_transaction (bulk loader)",
                    count_big,
                    raw("POST", f"{store}?graph={g}r2&no_transaction", file=big),
                    "not atomic",
                )
            )
            print(raws[-1], flush=True)
            if args.slow:
                raws.append(
                    raw_line(
                        f"Oxigraph GSP PUT {k} over {k} (clear, then load)",
                        count_big,
                        raw("PUT", f"{store}?graph={g}r1", file=big),
                        "not atomic (two transactions)",
                    )
                )
                print(raws[-1], flush=True)
                raws.append(
                    raw_line(
                        f"Oxigraph DROP GRAPH of {k} (one update)",
                        count_big,
                        raw("POST", ox.update, update=f"DROP GRAPH <{g}r2>"),
                        "all or nothing",
                    )
                )
                print(raws[-1], flush=True)
            rows.append(
                line(
                    f"synthetic {k} replacing the same -> Oxigraph", child_push(big, ox.query, graph=g + "s1")
                )
            )
            print(rows[-1], flush=True)
            rows.append(
                line(
                    f"synthetic {k} replacing {k}, 1% changed -> Oxigraph",
                    child_push(changed, ox.query, graph=g + "s1"),
                )
            )
            print(rows[-1], flush=True)
            if args.slow:
                rows.append(
                    line(
                        f"synthetic {k} -> Oxigraph, staging + MOVE",
                        child_push(big, ox.query, graph=g + "s2", staging=True),
                    )
                )
                print(rows[-1], flush=True)
            v = f"{count_small // 1000}k"
            rows.append(
                line(
                    f"synthetic {v} -> Virtuoso, staging + MOVE",
                    child_push(small, vt.query, graph=g + "v1", auth=list(VIRTUOSO_USER)),
                )
            )
            print(rows[-1], flush=True)
            auth = {"auth": httpx.DigestAuth(*VIRTUOSO_USER)}
            raws.append(
                raw_line(
                    f"Virtuoso GSP POST {v}, one request",
                    count_small,
                    raw("POST", f"{vt.store}?graph={g}vr1", file=small, **auth),
                    "see note",
                )
            )
            print(raws[-1], flush=True)
            assert count(vt.query, f"{g}vr1") == count_small
    print(
        f"\n{'push':<52} {'triples':>9} {'read s':>7} {'load s':>7} {'swap s':>7} {'push s':>7} "
        f"{'wall s':>7} {'triples/s':>9} {'peak MB':>8}"
    )
    print("\n".join(rows))
    print(
        "\nread: parsing the N-Triples file; load: the probes, the count, and the chunks into the "
        "staging graph and their count; swap: the one MOVE update, or the one request into the "
        "target; push: all of it with the checks; wall: the whole child process; peak: its own "
        "peak memory (VmHWM)."
    )
    print(f"\n{'raw request':<58} {'triples':>9} {'s':>8} {'triples/s':>10}  guarantee")
    print("\n".join(raws))


if __name__ == "__main__":
    main()
