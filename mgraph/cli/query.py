"""Run a library query (see --list) or your own .rq file on our graph or a SPARQL endpoint.

The graph is dist/mercury.nt when it is built, else the curated data. Every query form works:
SELECT prints rows (table, csv, tsv, json, markdown); ASK prints true or false and exits 0 or 1;
CONSTRUCT and DESCRIBE print RDF (turtle, ntriples, jsonld). Our prefixes (mg:, rdf:, rdfs:,
owl:, xsd:, skos:, dcterms:, schema:, org:, prov:, time:, ... and one per record kind, as in
meeting:cop-5 or decision:mc-5-3) need no PREFIX line; tables write entities by these short
names. A class or property not in the ontology, or a plain string where the graph's labels carry
a language tag, is warned about on standard error.
A query's parameters are given as --param KEY=VALUE and bound as RDF terms, never pasted into the
query text; an entity may be given as people write it (COP-5, MC-5/3). A library query whose name
ends in -violation is a data check: it exits 1 when it finds rows. A local query stops after
--timeout seconds (default 60; 0: no limit), parsing included.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from mgraph.cli._common import add_width_argument, emit, show_warning, table_width, warn
from mgraph.core.query_engines import ENGINES

EXAMPLES = """
  mgraph query --list
  mgraph query decisions-by-meeting --param meeting=cop-5
  mgraph query my-question.rq --format csv
  mgraph query cop-timeline --endpoint http://127.0.0.1:7878/query
  mgraph query posts-held --columns holder_label,title,start --no-truncate
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mgraph.queries import GRAPH_FORMATS, ROW_FORMATS  # the library's (imports no RDF library)

    parser.add_argument(
        "query", nargs="?", metavar="NAME|FILE.rq", help="a library query name or a SPARQL file"
    )
    parser.add_argument("--list", action="store_true", help="list the library queries")
    parser.add_argument(
        "--show", action="store_true", help="print the query text with its header instead of running it"
    )
    parser.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a query parameter (repeatable); see the query's header",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=ROW_FORMATS + GRAPH_FORMATS,
        default="table",
        metavar="FORMAT",
        help="output format: table (default; long cells wrap to fit the terminal), "
        f"{', '.join(ROW_FORMATS[1:])}; {', '.join(GRAPH_FORMATS)} for CONSTRUCT "
        "and DESCRIBE (which print Turtle by default)",
    )
    parser.add_argument(
        "--columns",
        metavar="A,B",
        help="show only these columns, in this order (a table leaves out IRI "
        "columns beside their label columns unless asked here)",
    )
    add_width_argument(parser)
    parser.add_argument(
        "--no-truncate", action="store_true", help="print whole cells in tables, never wrapped or shortened"
    )
    parser.add_argument("--endpoint", metavar="URL", help="ask this SPARQL endpoint instead")
    parser.add_argument("--engine", choices=ENGINES, default=None, help="local engine (default: oxigraph)")
    parser.add_argument(
        "--graph", metavar="PATH", help="RDF file to query (default: dist/mercury.nt, else data/)"
    )
    parser.add_argument(
        "--allow-service", action="store_true", help="let the query call other endpoints through SERVICE"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop the query after this long (default: 60; 0: no limit, local queries only)",
    )


def parse_param_args(items: list[str]) -> dict[str, str]:
    """``["meeting=cop-5"]`` -> ``{"meeting": "cop-5"}``; the value may contain '='."""
    from mgraph.core.errors import InputError

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
    from mgraph.core.errors import EXIT_FAILED, EXIT_OK, InputError
    from mgraph.queries.library import get_query
    from mgraph.queries.query import DEFAULT_TIMEOUT
    from mgraph.queries.query import run as run_query
    from mgraph.queries.render import format_answer, format_list, format_rows, list_rows

    fmt = args.format
    if args.list:
        width = table_width(args.width)
        sys.stdout.write(format_list(width) if fmt == "table" else format_rows(list_rows(), fmt))
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
    if args.timeout is not None and args.timeout < 0:
        raise InputError("--timeout takes a number of seconds, 0 for no limit")
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answer = run_query(
            spec.path,
            params,
            engine=args.engine,
            graph=args.graph,
            endpoint=args.endpoint,
            timeout=timeout or None,
            allow_service=args.allow_service,
        )
    for warning in caught:
        show_warning(warning.message, warning.category)
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    sys.stdout.write(
        format_answer(
            answer, fmt, width=table_width(args.width), truncate=not args.no_truncate, columns=columns
        )
    )
    if isinstance(answer, bool):
        return EXIT_OK if answer else EXIT_FAILED
    if spec.is_check and answer:
        warn(f"{spec.name}: {len(answer)} problem row(s)")
        return EXIT_FAILED
    return EXIT_OK


def _warn_if_stale() -> None:
    from mgraph.publish.build import stale_note

    note = stale_note()
    if note:
        warn(note)
