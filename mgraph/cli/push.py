"""Load the built graph (or RDF files) into a running triple store, all or nothing.

The target is the named graph https://w3id.org/mgraph/graph unless --graph is given. Without
--replace the triples are added to what the target holds (pushing twice changes nothing); with
--replace the target ends up holding exactly this graph. Whatever stops the push (an error, the
connection dropped, Ctrl-C, SIGTERM, SIGKILL), the target holds either what it held before or the
new graph, and every message says what the store holds, counted where it can be.

On Oxigraph server, when the target is empty or the triples are added, the whole graph goes in one
Graph Store request (the store applies it whole or not at all); with --replace onto a graph that
holds triples, only the difference is staged and applied in one update. Otherwise the graph goes
into a staging graph urn:mgraph:staging:<time>-<pid>-<host>-<nonce>, is counted, and is swapped
in with one update (MOVE or ADD). An interrupted push removes its staging graph and checks it is gone; a
killed one cannot, so each push removes the staging graphs of pushes no longer running and says
so, and `mgraph push --clean --endpoint URL` removes every staging graph but a running push's.

Endpoints: give any URL of the store (its root, or its query, update or Graph Store endpoint);
the others are found by probing, and printed:
  Oxigraph server  /query, /update, /store
  Virtuoso         /sparql (queries), /sparql-auth and /sparql-graph-crud-auth with credentials
  Fuseki           /ds/query or /ds/sparql, /ds/update, /ds/data
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
  mgraph push --endpoint http://127.0.0.1:7878
  mgraph push --clean --endpoint http://127.0.0.1:7878
  mgraph push --endpoint http://127.0.0.1:8890/sparql \\
      --auth-env VIRTUOSO_AUTH --replace
  mgraph push --endpoint http://127.0.0.1:7878 \\
      --graph https://example.org/g my.ttl
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="RDF files to push (default: the built graph dist/mercury.nt)",
    )
    parser.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store: its root URL, or its query, update or Graph Store endpoint",
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="only remove the staging graphs left by interrupted pushes (not those of a push "
        "still running on this machine), then stop",
    )
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
    from mgraph.core.errors import InputError

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


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the push is, so that it cleans up as it does for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main else None
    try:
        return _run(args)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def _log(text: str) -> None:
    warn(f"push: {text}")


def _run(args: argparse.Namespace) -> int:
    from mgraph.core.errors import EXIT_OK, InputError
    from mgraph.publish.push import clean, push

    auth = credentials(args)
    store = "" if args.store_endpoint == "none" else args.store_endpoint
    if args.clean:
        if args.files or args.replace or args.graph:
            raise InputError("--clean only removes staging graphs: give no files, --graph or --replace")
        done = clean(
            args.endpoint,
            auth,
            timeout=args.timeout,
            update_endpoint=args.update_endpoint,
            store_endpoint=store,
            log=_log,
        )
        if done.endpoints is not None:
            _log(done.endpoints.describe())
        emit(
            f"removed {len(done.removed)} staging graph(s), checked gone; "
            f"{len(done.kept)} left in place (their push may still be running), "
            f"{len(done.failed)} could not be removed"
        )
        return EXIT_OK if not done.failed else 1
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
            log=_log,
        )
    except KeyboardInterrupt:  # before anything was sent (reading the files)
        warn("push interrupted before anything was sent to the store")
        return 130
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
    if result.method == "one graph store request":
        how = "in one request"
    elif result.method.startswith("difference"):
        how = f"by {result.method}"
    else:
        how = (
            f"in {result.chunks} chunk(s) by {result.method} into a staging graph, swapped in with one update"
        )
    emit(f"pushed {result.triples} triples {how} in {result.seconds:.1f} s; {what}")
    if result.leftover:
        warn(f"note: {result.leftover}")
    if not result.visible:
        warn(
            "note: queries that name no graph do not see this graph on this store, so "
            "`mgraph query --endpoint` will not find it: start Oxigraph server with "
            "--union-default-graph (Virtuoso sees every graph by default)"
        )
    return EXIT_OK
