"""Serve the graph: a read-only SPARQL endpoint, a query page and entity pages.

The graph is dist/mercury.nt when it is built, else the curated data; or the RDF files given
(N-Triples, N-Quads, Turtle, TriG keep their named graphs; RDF/XML, JSON-LD, N3 go to the
default graph); or a store folder (--store DIR, opened read-only; with FILEs, DIR is created and
loaded the first time, so big graphs are parsed once). Queries run in worker processes: one that
passes --timeout is stopped (HTTP 503) without disturbing the others; a result over
--max-results is an error (HTTP 500), never silently cut. SERVICE, LOAD, updates and FROM of
graphs the store does not hold are refused, so the server never makes an outgoing request.
Stop it with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import sys

EXAMPLES = """
  mgraph serve                                   # http://127.0.0.1:8000/
  mgraph serve data.trig other.nt --port 8080
  mgraph serve --store /srv/mgraph-store big.nq  # loads once; later: mgraph serve --store /srv/mgraph-store
  curl -H 'Accept: text/turtle' http://127.0.0.1:8000/id/decision/mc-5-3
  curl http://127.0.0.1:8000/sparql --data-urlencode 'query=ASK { ?s ?p ?o }'
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="RDF files or datasets to serve")
    parser.add_argument(
        "--store", metavar="DIR", help="an on-disk store to serve (created from FILEs when it does not exist)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="query worker processes (default: the number of CPU cores)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS", help="time limit of one query (default: 30)"
    )
    parser.add_argument(
        "--max-results",
        type=int,
        default=100_000,
        metavar="N",
        help="most rows (or triples) one answer may hold; 0 for no limit (default: 100000)",
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=1024 * 1024,
        metavar="BYTES",
        help="largest request body accepted (default: 1048576)",
    )
    parser.add_argument(
        "--cors",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow browser pages from ORIGIN to query (repeatable; default: none)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")


def run(args: argparse.Namespace) -> int:
    import logging
    import signal

    from mgraph.errors import EXIT_OK, InputError

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: not a port number")
    if args.timeout <= 0:
        raise InputError("--timeout must be more than 0 seconds")
    if args.max_results < 0 or args.max_body < 1:
        raise InputError("--max-results must be 0 or more, --max-body 1 or more")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be 1 or more")

    import uvicorn

    from mgraph.server.app import Config, create_app
    from mgraph.server.dataset import prepare

    workers = args.workers or os.cpu_count() or 1
    _check_port_free(args.host, args.port)
    dataset = prepare(args.files, args.store)
    try:
        config = Config(
            timeout=args.timeout,
            max_results=args.max_results,
            max_body=args.max_body,
            workers=workers,
            cors=list(args.cors),
        )
        app = create_app(dataset, config)
        logging.basicConfig(
            level=logging.WARNING if args.quiet else logging.INFO,
            format="%(asctime)s %(message)s",
            stream=sys.stderr,
        )
        print(
            f"mgraph serve: {dataset.triples} triples from {dataset.description}; "
            f"{workers} workers; http://{args.host}:{args.port}/",
            file=sys.stderr,
            flush=True,
        )
        server = uvicorn.Server(
            uvicorn.Config(
                app, host=args.host, port=args.port, access_log=False, log_level="warning", lifespan="on"
            )
        )
        # uvicorn re-raises the stopping signal once it has shut down; a stop asked for is a
        # clean exit (0), so the handlers it restores are these no-ops.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, lambda *_: None)
        try:
            server.run()
        except SystemExit:  # uvicorn exits (code 3) when it cannot bind or start the application
            pass
        if not server.started:
            raise InputError(
                f"could not start on {args.host}:{args.port} (the address is in use or not "
                "allowed, or the query workers could not start; see the messages above)"
            )
    finally:
        dataset.close()
    return EXIT_OK


def _check_port_free(host: str, port: int) -> None:
    """A port already taken is an error before anything is announced (exit 2)."""
    import socket

    from mgraph.errors import InputError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise InputError(f"--host {host}: {err.strerror or err}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise InputError(
                f"could not start on {host}:{port}: {err.strerror or err} (another server may "
                "be running there; choose another --port)"
            ) from None
