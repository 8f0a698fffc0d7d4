"""Throughput and latency of ``mgraph serve`` against Oxigraph's server, side by side.

Four servers get the same data: ``oxigraph serve-read-only`` over an on-disk store (its usual
deployment), ``oxigraph serve`` with the graph in memory (loaded by a Graph Store ``POST``), and
``mgraph serve`` twice, its workers holding the graph in memory (``--in-memory yes``, what
``auto`` chooses for both graphs here) and reading the store on disk (``--in-memory no``). They
get the curated graph, then the ~1M-triple synthetic graph of benchmarks/queries.py, and the
same requests: every library query with its documented example parameters, bound once by the
library and sent as the same text to all (POST form, JSON results). 1, 8 and 32 clients
(asyncio + httpx) send queries back to back for a fixed time; printed are requests per second,
p50 and p99 latency, errors, and mgraph's throughput as a fraction of each Oxigraph server's.
Queries that alone take longer than ``--slow`` seconds on Oxigraph are left out of the mix (and
listed): a handful of multi-second queries would otherwise make a run of a few seconds measure
nothing but them, and mgraph's time limit must sit above every query of the mix so that it
stops only the runaway. Beside the throughput, the CPU time each server spent per request is
printed (its process, its worker processes, and the workers it killed and replaced: what a
request costs whatever else the machine runs), and mgraph's count of queries stopped on its
short-query worker. The throughput runs are the same for all servers; after them, mgraph's
(in memory) largest run is repeated with two runaway cartesian-product queries sent as well (a
line of its own): they must come back 503 at the time limit while the other clients see no
error, and the throughput that is left is printed.

The machine the figures come from matters: on a machine shared with other work, a server with
32 threads (Oxigraph) gets a larger share of the CPU than one with a worker per core (mgraph).

Printed, never asserted. Usage:
    python benchmarks/serve.py [--quick] [--seconds S] [--clients 1,8,32] [--workers N] [--rounds R]
``--quick`` runs the curated graph only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from servers import free_port  # noqa: E402  (the one free-port helper)

CALIBRATION_LIMIT = 60.0  # seconds: a query slower than this alone is left out without waiting longer
OXIGRAPH_DISK = "oxigraph serve-read-only"
OXIGRAPH_MEMORY = "oxigraph serve (memory)"
MGRAPH_MEMORY = "mgraph serve (memory)"
MGRAPH_DISK = "mgraph serve (disk)"
SERVERS = (OXIGRAPH_DISK, OXIGRAPH_MEMORY, MGRAPH_MEMORY, MGRAPH_DISK)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children, alive or reaped (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(one: int) -> float:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return sum(int(value) for value in fields[11:15]) / tick  # utime stime cutime cstime

    kids = []  # children of every thread (mgraph's workers are started from a thread pool)
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids += [int(kid) for kid in children.read_text().split()]
        except OSError:
            pass
    return own(pid) + sum(own(kid) for kid in kids)


def wait_ready(url: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} not ready within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def write_ntriples(triples: Any, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for s, p, o in triples:
            out.write(f"{s.n3()} {p.n3()} {o.n3()} .\n")
            count += 1
    return count


def workload(graph_file: Path) -> list[tuple[str, str]]:
    """(name, query text with the example parameters bound) for every library query."""
    from mgraph.core.store import bind_values, from_file
    from mgraph.queries.binding import bind_params
    from mgraph.queries.library import library
    from queries import example_params  # benchmarks/queries.py

    store = from_file(graph_file, trusted=True)
    out = []
    for name, query in library().items():
        bindings = bind_params(query, example_params(query), store)
        out.append((name, bind_values(query.text, bindings)))
    return out


async def hammer(
    url: str,
    queries: list[tuple[str, str]],
    clients: int,
    seconds: float,
    runaway: bool = False,
    timeout: float = 120,
) -> dict[str, Any]:
    """``clients`` loops sending queries for ``seconds``; latencies, errors, and the runaway's fate."""
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    runaway_result: dict[str, Any] = {}
    limits = httpx.Limits(max_connections=clients + 2, max_keepalive_connections=clients + 2)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        deadline = time.perf_counter() + seconds

        async def one(index: int) -> None:
            position = index * 7
            while time.perf_counter() < deadline:
                name, text = queries[position % len(queries)]
                position += 1
                start = time.perf_counter()
                try:
                    response = await client.post(
                        url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}
                    )
                    if response.status_code != 200:
                        errors.append(f"{name}: HTTP {response.status_code} {response.text[:100]}")
                except httpx.HTTPError as err:
                    errors.append(f"{name}: {type(err).__name__}")
                latencies.append(time.perf_counter() - start)

        async def slow(index: int) -> None:
            await asyncio.sleep(min(1.0, seconds / 4) + index * 0.2)
            start = time.perf_counter()
            response = await client.post(url, data={"query": RUNAWAY})
            runaway_result.setdefault("status", []).append(response.status_code)
            runaway_result.setdefault("seconds", []).append(time.perf_counter() - start)

        started = time.perf_counter()
        client_tasks = [asyncio.ensure_future(one(i)) for i in range(clients)]
        runaway_tasks = [asyncio.ensure_future(slow(i)) for i in range(2)] if runaway else []
        await asyncio.gather(*client_tasks)
        elapsed = time.perf_counter() - started  # the clients' time; the runaways may end later
        if runaway_tasks:
            await asyncio.gather(*runaway_tasks)
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan"),
        "requests": len(latencies),
        "errors": errors,
        "runaway": runaway_result,
    }


def start_mgraph(
    graph_file: Path, folder: Path, workers: int | None, timeout: float, memory: str
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    store = folder / f"mgraph-store-{memory}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(folder)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mgraph",
            "serve",
            "--store",
            str(store),
            str(graph_file),
            "--port",
            str(port),
            *(["--workers", str(workers)] if workers else []),
            "--timeout",
            str(timeout),
            "--max-results",
            "1000000",
            "--in-memory",
            memory,
            "--quiet",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(f"http://127.0.0.1:{port}/ready", process)
    return process, f"http://127.0.0.1:{port}/sparql"


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph binary is missing (pip install oxigraph)")
    return binary


def start_oxigraph(graph_file: Path | None, folder: Path) -> tuple[subprocess.Popen, str]:
    """Load ``graph_file`` into a store in ``folder`` (None: the store is there) and serve it."""
    binary = oxigraph_binary()
    location = folder / "oxigraph-store"
    if graph_file is not None:
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(graph_file)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
    return process, f"http://127.0.0.1:{port}/query"


def start_oxigraph_memory(graph_file: Path) -> tuple[subprocess.Popen, str]:
    """``oxigraph serve`` with no location (an in-memory store), the file POSTed into its default graph."""
    import httpx

    binary = oxigraph_binary()
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
    with graph_file.open("rb") as data:
        response = httpx.post(
            f"http://127.0.0.1:{port}/store?default",
            content=data,
            headers={"Content-Type": "application/n-triples"},
            timeout=600,
        )
    if response.status_code >= 300:
        raise SystemExit(f"oxigraph serve did not take the graph: HTTP {response.status_code}")
    return process, f"http://127.0.0.1:{port}/query"


def calibrate(
    url: str, queries: list[tuple[str, str]], budget: float
) -> tuple[list[tuple[str, str]], list[str]]:
    """Run each query once on Oxigraph; those slower than ``budget`` seconds leave the mix (listed).

    A query not answered within ``CALIBRATION_LIMIT`` seconds leaves it too (Oxigraph goes on
    running it: the caller restarts the server before measuring)."""
    import httpx

    kept, dropped = [], []
    for name, text in queries:
        start = time.perf_counter()
        try:
            httpx.post(
                url,
                data={"query": text},
                headers={"Accept": "application/sparql-results+json"},
                timeout=CALIBRATION_LIMIT,
            )
        except httpx.TimeoutException:
            dropped.append(f"{name} (over {CALIBRATION_LIMIT:g} s on oxigraph)")
            continue
        seconds = time.perf_counter() - start
        if seconds > budget:
            dropped.append(f"{name} ({seconds:.1f} s on oxigraph)")
        else:
            kept.append((name, text))
    return kept, dropped


def bench_graph(label: str, graph_file: Path, triples: int, args: argparse.Namespace) -> None:
    queries = workload(graph_file)
    print(f"\n== {label}: {triples} triples, {len(queries)} library queries, {args.seconds:g} s per run ==")
    print(f"{'server':<30}{'clients':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}  note")
    with tempfile.TemporaryDirectory(prefix="mgraph-bench-serve-") as tmp:
        folder = Path(tmp)
        started: dict[str, tuple[subprocess.Popen, str]] = {}
        start = time.perf_counter()
        started[OXIGRAPH_DISK] = start_oxigraph(graph_file, folder)
        oxigraph_start = time.perf_counter() - start
        queries, dropped = calibrate(started[OXIGRAPH_DISK][1], queries, args.slow)
        if dropped:
            print(f"left out of the mix (slower than {args.slow:g} s alone): {', '.join(dropped)}")
        if any(f"over {CALIBRATION_LIMIT:g} s" in text for text in dropped):
            stop(started[OXIGRAPH_DISK][0])  # it is still running the query it did not answer
            started[OXIGRAPH_DISK] = start_oxigraph(None, folder)
        try:
            start = time.perf_counter()
            started[OXIGRAPH_MEMORY] = start_oxigraph_memory(graph_file)
            memory_start = time.perf_counter() - start
            start = time.perf_counter()
            started[MGRAPH_MEMORY] = start_mgraph(graph_file, folder, args.workers, args.timeout, "yes")
            mgraph_start = time.perf_counter() - start
            started[MGRAPH_DISK] = start_mgraph(graph_file, folder, args.workers, args.timeout, "no")
            print(
                f"(start-up with load: mgraph serve in memory {mgraph_start:.1f} s, "
                f"oxigraph load+serve {oxigraph_start:.1f} s, oxigraph serve + POST {memory_start:.1f} s)"
            )

            def line(name: str, clients: int, result: dict[str, Any], note: str = "") -> None:
                if "cpu" in result and not note:
                    note = f"{result['cpu'] * 1000 / max(1, result['requests']):.1f} ms CPU per request"
                print(
                    f"{name:<30}{clients:>8}{result['rps']:>10.1f}{result['p50'] * 1000:>10.1f}"
                    f"{result['p99'] * 1000:>10.1f}{len(result['errors']):>8}  {note}"
                )
                for error in sorted(set(result["errors"]))[:5]:
                    print(f"    error: {error}")

            mgraph_url = started[MGRAPH_MEMORY][1]
            for clients in args.clients:
                results: dict[str, dict[str, Any]] = {}
                for name in SERVERS:
                    asyncio.run(hammer(started[name][1], queries, clients, min(2.0, args.seconds)))  # warm up
                for _ in range(args.rounds):  # alternated, the best kept: the machine's load varies
                    for name in SERVERS:
                        process, url = started[name]
                        before = cpu_seconds(process.pid)
                        result = asyncio.run(hammer(url, queries, clients, args.seconds))
                        result["cpu"] = cpu_seconds(process.pid) - before
                        if name not in results or result["rps"] > results[name]["rps"]:
                            results[name] = result
                for name in SERVERS:
                    line(name, clients, results[name])
                for mine in (MGRAPH_MEMORY, MGRAPH_DISK):
                    ratios = ", ".join(
                        f"{results[mine]['rps'] / results[theirs]['rps']:.2f} of {theirs}"
                        for theirs in (OXIGRAPH_DISK, OXIGRAPH_MEMORY)
                    )
                    print(f"{'':<30}{clients:>8}  {mine}: {ratios}")
                print(f"{'':<30}{clients:>8} {_counters(mgraph_url)}")
            clients = max(args.clients)
            result = asyncio.run(hammer(mgraph_url, queries, clients, args.seconds, runaway=True))
            fate = result["runaway"]
            note = "2 runaways: " + ", ".join(
                f"HTTP {status} after {seconds:.1f} s"
                for status, seconds in zip(fate.get("status", []), fate.get("seconds", []), strict=False)
            )
            line(f"{MGRAPH_MEMORY} + runaways", clients, result, note)
            ratio = result["rps"] / results[MGRAPH_MEMORY]["rps"]
            print(f"{'':<30}{clients:>8}  throughput kept with two runaways running: {ratio:.2f}")
        finally:
            for process, _ in started.values():
                stop(process)


def _counters(sparql_url: str) -> str:
    """mgraph's counts so far: queries stopped on the short-query worker, workers killed."""
    import json

    with urllib.request.urlopen(sparql_url.removesuffix("/sparql") + "/ready", timeout=10) as response:
        state = json.load(response)
    return (
        f" ({MGRAPH_MEMORY} so far: {state['preempted']} preempted, {state['demoted']} demoted, "
        f"{state['killed']} killed)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the curated graph only")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each timed run")
    parser.add_argument(
        "--slow",
        type=float,
        default=1.0,
        help="queries slower than this alone (on oxigraph) are left out of the mix",
    )
    parser.add_argument("--clients", default="1,8,32", help="comma-separated client counts")
    parser.add_argument(
        "--rounds", type=int, default=2, help="runs per server and client count, alternated; the best is kept"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="mgraph serve workers (default: the server's own)"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="mgraph serve --timeout (the runaway's limit)"
    )
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",")]

    from mgraph.core.loader import load
    from queries import synthetic  # benchmarks/queries.py: the one synthetic-graph generator

    workers = args.workers or f"{(os.cpu_count() or 1) + 1} (the default)"
    print(f"mgraph serve vs oxigraph's server; {os.cpu_count()} CPUs; {workers} mgraph workers")
    base = load().graph
    with tempfile.TemporaryDirectory(prefix="mgraph-bench-data-") as tmp:
        curated = Path(tmp) / "curated.nt"
        bench_graph("curated graph", curated, write_ntriples(base, curated), args)
        if not args.quick:
            big = Path(tmp) / "synthetic-1m.nt"
            count = write_ntriples(synthetic(base, 1_000_000), big)
            bench_graph("synthetic graph", big, count, args)


if __name__ == "__main__":
    main()
