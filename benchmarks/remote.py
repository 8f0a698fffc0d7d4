"""`mgraph query --endpoint`: httpx (RemoteStore, the default) and SPARQLWrapper (SPARQLWrapperStore)
side by side on the same Oxigraph server (tests/servers.py, 127.0.0.1, a temporary folder) holding
the query fixture (tests/queries/fixture.ttl).

Prints the median time of each query form through each client, and their ratio (below 1: httpx
is faster). ``--runs N`` (default 40) repeats each query; the first run of each is left out.

    python benchmarks/remote.py --runs 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

FIXTURE = ROOT / "tests" / "queries" / "fixture.ttl"
QUERIES = {
    "select-few": "SELECT ?s ?l WHERE { ?s a mg:Convention ; rdfs:label ?l } ORDER BY ?s",
    "select-all": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "ask": "ASK { ?s a mg:Convention }",
    "construct-all": "CONSTRUCT WHERE { ?s ?p ?o }",
}


def main() -> None:
    from servers import Oxigraph, running
    from SPARQLWrapper import SPARQLWrapper

    from mgraph.core.store import RemoteStore, SPARQLWrapperStore

    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=40)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder, running(Oxigraph(Path(folder), union=False)) as server:
        load = urllib.request.Request(
            f"{server.store}?default",
            data=FIXTURE.read_bytes(),
            method="PUT",
            headers={"Content-Type": "text/turtle"},
        )
        urllib.request.urlopen(load, timeout=30).read()
        stores = {
            "httpx": RemoteStore(server.query, 30),
            "SPARQLWrapper": SPARQLWrapperStore(SPARQLWrapper(server.query), 30),
        }
        print(f"{'query':<15}{'httpx':>12}{'SPARQLWrapper':>16}{'ratio':>8}")
        for name, query in QUERIES.items():
            medians = {}
            for label, store in stores.items():
                store.query(query)  # the first run opens the connection
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    store.query(query)
                    times.append(time.perf_counter() - started)
                medians[label] = statistics.median(times) * 1000
            ratio = medians["httpx"] / medians["SPARQLWrapper"]
            print(f"{name:<15}{medians['httpx']:>10.1f}ms{medians['SPARQLWrapper']:>14.1f}ms{ratio:>8.2f}")


if __name__ == "__main__":
    main()
