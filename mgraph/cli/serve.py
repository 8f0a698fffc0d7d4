"""Serve the graph: a read-only SPARQL endpoint, a query page and entity pages.

The graph is dist/mercury.nt when it is built, else the curated data; or the RDF files given
(N-Triples, N-Quads, Turtle, TriG keep their named graphs; RDF/XML, JSON-LD, N3 go to the
default graph); or a store folder (--store DIR, opened read-only; with FILEs, DIR is created and
loaded the first time, so big graphs are parsed once). Each worker loads the graph into memory
when the copies fit (--in-memory auto), else reads the store on disk. Queries run in worker
processes: one that passes --timeout is stopped (HTTP 503) without disturbing the others; a result over
--max-results is an error (HTTP 500), never silently cut. SERVICE, LOAD, updates and FROM of
graphs the store does not hold are refused, so the server never makes an outgoing request.

Hostile clients: a client has --client-timeout seconds to send a request's head and its body;
open connections are capped (--max-connections, below the raised open-file limit), idle ones
closed first; a time limit counts from a request's arrival, queue included; one worker is kept
for short queries; --budget gives each client (by address, or X-Forwarded-For from a trusted
--trust-proxy) seconds of query time per minute, then HTTP 429 with Retry-After. --public sets
stricter defaults for an endpoint exposed beyond this machine (see the README). Each request is
logged in the Combined Log Format (path only, never the query). Stop it with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket

EXAMPLES = """
  mgraph serve                                   # http://127.0.0.1:8000/
  mgraph serve data.trig other.nt --port 8080
  mgraph serve --store /srv/mgraph-store big.nq  # loads once into the store
  mgraph serve --store /srv/mgraph-store         # later: serves it at once
  mgraph serve --graph https://example.org/g=extra.ttl  # into a named graph
  mgraph serve --public --budget 60    # behind a reverse proxy on this machine
  curl -H 'Accept: text/turtle' http://127.0.0.1:8000/id/decision/mc-5-3
  curl http://127.0.0.1:8000/sparql --data-urlencode 'query=ASK { ?s ?p ?o }'
"""


PUBLIC = {"timeout": 10.0, "max_results": 10_000, "max_body": 65536, "budget": 60.0, "client_timeout": 5.0}
"""--public's defaults (each still set by its own flag)."""
LOCAL = {
    "timeout": 30.0,
    "max_results": 100_000,
    "max_body": 1024 * 1024,
    "budget": 0.0,
    "client_timeout": 10.0,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="RDF files or datasets to serve")
    parser.add_argument(
        "--graph",
        action="append",
        default=[],
        metavar="IRI=FILE",
        help="load FILE (triples) into the named graph IRI (repeatable)",
    )
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
        help="query worker processes (default: one per CPU core, and one kept for short queries)",
    )
    parser.add_argument(
        "--in-memory",
        choices=("auto", "yes", "no"),
        default="auto",
        help="each worker loads the graph into memory (faster queries, a copy per worker) or reads "
        "the store on disk; auto: memory when the copies fit in half the available memory (default)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time limit of one query, from its arrival (default: 30; --public 10)",
    )
    parser.add_argument(
        "--max-results",
        type=int,
        default=None,
        metavar="N",
        help="most rows (or triples) one answer may hold; 0 for no limit (default: 100000; --public 10000)",
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=None,
        metavar="BYTES",
        help="largest request body accepted (default: 1048576; --public 65536)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="query time per client per minute, then HTTP 429; 0 for none (default: 0; --public 60)",
    )
    parser.add_argument(
        "--client-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time a client has to send a request's head, and its body (default: 10; --public 5)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=None,
        metavar="N",
        help="open connections at once (default: the open-file limit less 100, at most 10000)",
    )
    parser.add_argument(
        "--trust-proxy",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="a reverse proxy whose X-Forwarded-For names the client (repeatable; default: 127.0.0.1, ::1)",
    )
    parser.add_argument(
        "--auth",
        metavar="FILE",
        help="bearer tokens, one 'NAME TOKEN' a line: a client sending one is counted by its name",
    )
    parser.add_argument(
        "--public",
        action="store_true",
        help="stricter defaults for an endpoint exposed beyond this machine (see the README)",
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

    from mgraph.core.errors import EXIT_OK, InputError

    defaults = PUBLIC if args.public else LOCAL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: not a port number")
    if args.timeout <= 0:
        raise InputError("--timeout must be more than 0 seconds")
    if args.max_results < 0 or args.max_body < 1:
        raise InputError("--max-results must be 0 or more, --max-body 1 or more")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be 1 or more")
    if args.budget < 0 or args.client_timeout <= 0:
        raise InputError("--budget must be 0 or more, --client-timeout more than 0 seconds")
    graphs = []
    for item in args.graph:
        iri, equals, file = item.partition("=")
        if not equals or not iri or not file:
            raise InputError(f"--graph {item}: give IRI=FILE")
        graphs.append((iri, file))

    tokens = _read_tokens(args.auth) if args.auth else {}

    import uvicorn

    from mgraph.server.app import Config, create_app
    from mgraph.server.connections import Guard, default_cap, protocol_class, raise_file_limit
    from mgraph.server.dataset import prepare

    file_limit = raise_file_limit()
    cap = args.max_connections if args.max_connections is not None else default_cap(file_limit)
    if not 1 <= cap <= file_limit - 32:
        raise InputError(
            f"--max-connections must be between 1 and {file_limit - 32} (the open-file limit less 32)"
        )
    guard = Guard(client_timeout=args.client_timeout, max_connections=cap, file_limit=file_limit)
    workers = args.workers or (os.cpu_count() or 1) + 1
    sockets = listen(args.host, args.port, backlog=min(2048, cap))  # held from now on, bound once
    dataset = None
    try:
        dataset = prepare(args.files, args.store, graphs)
        storage = dataset.choose_storage(args.in_memory, copies=workers + 1)  # the spare too
        config = Config(
            timeout=args.timeout,
            max_results=args.max_results,
            max_body=args.max_body,
            workers=workers,
            cors=list(args.cors),
            budget=args.budget,
            public=args.public,
            tokens=tokens,
        )
        app = create_app(dataset, config, guard)
        logging.basicConfig(
            level=logging.WARNING if args.quiet else logging.INFO,
            format="%(asctime)s %(message)s",
            stream=sys.stderr,
        )
        access = logging.getLogger("mgraph.serve.access")  # Combined Log Format lines, as they are
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.propagate = False
        access.setLevel(logging.WARNING if args.quiet else logging.INFO)
        mode = "public mode; " if args.public else ""
        print(
            f"mgraph serve: {dataset.triples} triples from {dataset.description}; "
            f"{workers} workers, the graph {'in memory' if storage == 'memory' else 'on disk'}; "
            f"{mode}up to {cap} connections (open-file limit {file_limit}); "
            f"http://{args.host}:{args.port}/",
            file=sys.stderr,
            flush=True,
        )
        if not args.public and args.host not in ("127.0.0.1", "localhost", "::1"):
            print(
                "mgraph serve: listening beyond this machine without --public (see the README)",
                file=sys.stderr,
                flush=True,
            )
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=args.host,
                port=args.port,
                access_log=False,
                log_level="warning",
                lifespan="on",
                http=protocol_class(guard),
                timeout_keep_alive=max(1, round(args.client_timeout)),  # idle: as long as a request may take
                forwarded_allow_ips=",".join(args.trust_proxy) if args.trust_proxy else "127.0.0.1,::1",
                server_header=not args.public,
                backlog=min(2048, cap),
            )
        )
        # uvicorn re-raises the stopping signal once it has shut down; a stop asked for is a
        # clean exit (0), so the handlers it restores are these no-ops.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, lambda *_: None)
        try:
            server.run(sockets=sockets)  # uvicorn serves on our sockets: it binds nothing itself
        except SystemExit:  # uvicorn exits (code 3) when it cannot start the application
            pass
        if not server.started:
            raise InputError(
                f"could not start on {args.host}:{args.port} (the query workers could not start; "
                "see the messages above)"
            )
    finally:
        for sock in sockets:
            sock.close()
        if dataset is not None:
            dataset.close()
    return EXIT_OK


def listen(host: str, port: int, backlog: int) -> list[socket.socket]:
    """Listening sockets on every address of ``host`` (as uvicorn would bind them), bound here,
    once, before anything is loaded or announced: a port already taken is an error (exit 2), and
    the port cannot be taken by another process between a check and the server's start."""
    import socket

    from mgraph.core.errors import InputError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as err:
        raise InputError(f"--host {host}: {err.strerror or err}") from None
    sockets: list[socket.socket] = []
    seen: set[tuple[int, object]] = set()
    try:
        for family, kind, proto, _, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not SO_REUSEPORT: one owner
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(backlog)
    except OSError as err:
        for sock in sockets:
            sock.close()
        raise InputError(
            f"could not start on {host}:{port}: {err.strerror or err} (another server may "
            "be running there; choose another --port)"
        ) from None
    return sockets


def _read_tokens(file: str) -> dict[str, str]:
    """``--auth FILE``: token -> name, from lines ``NAME TOKEN`` (blank lines and ``#`` comments skipped)."""
    from pathlib import Path

    from mgraph.core.errors import InputError

    path = Path(file)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read the tokens: {getattr(err, 'strerror', None) or err}") from None
    tokens: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or not parts[0].isprintable():
            raise InputError(f"{path}:{number}: give NAME TOKEN (two words)")
        name, token = parts
        if len(token) < 16:
            raise InputError(f"{path}:{number}: the token of {name} is shorter than 16 characters")
        if token in tokens:
            raise InputError(f"{path}:{number}: the token of {name} is also {tokens[token]}'s")
        tokens[token] = name
    if not tokens:
        raise InputError(f"{path}: no tokens")
    return tokens
