"""Load the built graph (or RDF files) into a running triple store, all or nothing.

The graph is sent in chunks into a fresh staging graph, the store's count is checked against
ours, and only then is it swapped into the target graph with one SPARQL update. On any failure
the target graph holds what it held before, and the message says what the store holds.

The target is the named graph https://w3id.org/mgraph/graph unless --graph is given. Without
--replace the triples are added to what the target holds (pushing twice changes nothing); with
--replace the target ends up holding exactly this graph.

Endpoints: give the store's SPARQL query endpoint; the others are derived from it:
  Oxigraph server  .../query   -> updates .../update, Graph Store .../store
  Virtuoso         .../sparql  -> updates /sparql-auth, Graph Store /sparql-graph-crud-auth
                                  (with credentials; /sparql and /sparql-graph-crud without)
  other stores     the endpoint takes updates; the graph is sent as INSERT DATA
Override with --update-endpoint and --store-endpoint (--store-endpoint none: use updates only).

The library queries (`mgraph query --endpoint`) ask the store's default graph: Virtuoso's is the
union of all its graphs; start Oxigraph server with --union-default-graph, or the pushed graph is
not seen (push warns when it is not).

Credentials go by HTTP Basic or Digest, as the server asks: --user and --password, or
--auth-env VAR with VAR holding USER:PASSWORD. They are never printed.
"""

from __future__ import annotations

import argparse
import os
import sys

from mgraph.cli._common import emit, warn

EXAMPLES = """
  mgraph push --endpoint http://127.0.0.1:7878/query
  mgraph push --endpoint http://127.0.0.1:8890/sparql --auth-env VIRTUOSO_AUTH --replace
  mgraph push --endpoint http://127.0.0.1:7878/query --graph https://example.org/g my.ttl
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="RDF files to push (default: the built graph dist/mercury.nt)",
    )
    parser.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query endpoint")
    parser.add_argument(
        "--graph", metavar="IRI", help="the named graph to load (default: https://w3id.org/mgraph/graph)"
    )
    parser.add_argument(
        "--replace", action="store_true", help="replace what the graph holds (default: add to it)"
    )
    parser.add_argument(
        "--update-endpoint", metavar="URL", help="SPARQL Update endpoint (default: derived from --endpoint)"
    )
    parser.add_argument(
        "--store-endpoint",
        metavar="URL",
        help="Graph Store Protocol endpoint, or 'none' to send updates only "
        "(default: derived from --endpoint)",
    )
    parser.add_argument("--user", metavar="USER", help="user name for HTTP Basic or Digest auth")
    parser.add_argument(
        "--password",
        metavar="PASSWORD",
        help="password (visible to other users of this machine: prefer --auth-env)",
    )
    parser.add_argument("--auth-env", metavar="VAR", help="environment variable holding USER:PASSWORD")
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up on a request after this long (default: 60)",
    )


def credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """(user, password) from --user/--password or --auth-env; errors never show the password."""
    from mgraph.errors import InputError

    if args.auth_env:
        if args.user or args.password:
            raise InputError("give either --auth-env or --user/--password, not both")
        value = os.environ.get(args.auth_env)
        if value is None:
            raise InputError(f"--auth-env: the environment variable {args.auth_env} is not set")
        user, sep, password = value.partition(":")
        if not sep or not user:
            raise InputError(f"--auth-env: {args.auth_env} must hold USER:PASSWORD")
        return user, password
    if args.password is not None and not args.user:
        raise InputError("--password needs --user")
    if args.user:
        if args.password is None:
            raise InputError("--user needs --password (or use --auth-env)")
        return args.user, args.password
    return None


class Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\rpushing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} triples")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from mgraph.errors import EXIT_OK
    from mgraph.upload import push

    auth = credentials(args)
    store = "" if args.store_endpoint == "none" else args.store_endpoint
    bar = Bar()
    try:
        result = push(
            args.endpoint,
            args.files or None,
            graph=args.graph,
            replace=args.replace,
            auth=auth,
            timeout=args.timeout,
            progress=bar,
            update_endpoint=args.update_endpoint,
            store_endpoint=store,
        )
    finally:
        bar.close()
    if result.replace:
        what = f"replaced: <{result.graph}> held {result.before} triples and now holds {result.after}"
    elif result.after == result.before:
        what = f"no change: <{result.graph}> already held these triples ({result.after})"
    else:
        what = (
            f"added {result.after - result.before} triples: <{result.graph}> held "
            f"{result.before} and now holds {result.after}"
        )
    emit(
        f"pushed {result.triples} triples in {result.chunks} chunk(s) by {result.method} "
        f"in {result.seconds:.1f} s; {what}"
    )
    if result.leftover:
        warn(f"note: {result.leftover}")
    if not result.visible:
        warn(
            "note: queries that name no graph do not see this graph on this store, so "
            "`mgraph query --endpoint` will not find it: start Oxigraph server with "
            "--union-default-graph (Virtuoso sees every graph by default)"
        )
    return EXIT_OK
