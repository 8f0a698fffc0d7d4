"""Run a library query (see --list) or your own .rq file on our graph or a SPARQL endpoint.

The graph is dist/mercury.nt when it is built, else the curated data. A query's parameters are
given as --param KEY=VALUE and bound as RDF terms, never pasted into the query text. A library
query whose name ends in -violation is a data check: it exits 1 when it finds rows.
"""

from __future__ import annotations

import argparse
import sys

from mgraph.cli._common import emit, warn

EXAMPLES = """
  mgraph query --list
  mgraph query decisions-by-meeting --param meeting=cop-5
  mgraph query my-question.rq --format csv
  mgraph query cop-timeline --endpoint http://127.0.0.1:7878/query
"""

FORMATS = ("table", "csv", "tsv", "json", "markdown")
ENGINES = ("oxigraph", "rdflib")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", metavar="NAME|FILE.rq",
                        help="a library query name or a SPARQL file")
    parser.add_argument("--list", action="store_true", help="list the library queries")
    parser.add_argument("--show", action="store_true",
                        help="print the query text with its header instead of running it")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                        help="a query parameter (repeatable); see the query's header")
    parser.add_argument("--format", "-f", choices=FORMATS, default="table",
                        help="output format (table cells are shortened; csv/tsv/json are full)")
    parser.add_argument("--endpoint", metavar="URL", help="ask this SPARQL endpoint instead")
    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help="local engine (default: oxigraph)")
    parser.add_argument("--graph", metavar="PATH",
                        help="RDF file to query (default: dist/mercury.nt, else data/)")
    parser.add_argument("--allow-service", action="store_true",
                        help="let the query call other endpoints through SERVICE")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="give up after this long (remote default: 60)")


def parse_param_args(items: list[str]) -> dict[str, str]:
    """``["meeting=cop-5"]`` -> ``{"meeting": "cop-5"}``; the value may contain '='."""
    from mgraph.errors import InputError

    out: dict[str, str] = {}
    problems = []
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(f"--param {item!r}: write KEY=VALUE")
        elif key in out:
            problems.append(f"--param {key!r} is given twice")
        else:
            out[key] = value
    if problems:
        raise InputError(problems)
    return out


def run(args: argparse.Namespace) -> int:
    """Exit 0, or 1 when a ``*-violation`` check finds rows, 2 on bad input."""
    from mgraph.errors import EXIT_FAILED, EXIT_OK, InputError
    from mgraph.queries import format_list, format_rows, get_query, list_rows
    from mgraph.queries import run as run_query

    fmt = args.format
    if args.list:
        sys.stdout.write(format_list() if fmt == "table" else format_rows(list_rows(), fmt))
        return EXIT_OK
    if not args.query:
        raise InputError("give a query name or a .rq file, or --list to see the library")
    spec = get_query(args.query)
    if args.show:
        emit(spec.text)
        return EXIT_OK
    params = parse_param_args(args.param)
    if not args.endpoint and args.graph is None:
        _warn_if_stale()
    rows = run_query(spec.path, params, engine=args.engine, graph=args.graph,
                     endpoint=args.endpoint, timeout=args.timeout,
                     allow_service=args.allow_service)
    sys.stdout.write(format_rows(rows, fmt))
    if spec.is_check and rows:
        warn(f"{spec.name}: {len(rows)} problem row(s)")
        return EXIT_FAILED
    return EXIT_OK


def _warn_if_stale() -> None:
    from mgraph.release import stale_note

    note = stale_note()
    if note:
        warn(note)
