"""Find entities by id, code, name or acronym (case and punctuation ignored), best match first.

Use it to see how to name an entity for --focus, `mgraph path` and the other commands.
"""

from __future__ import annotations

import argparse

from mgraph.cli._common import add_width_argument, emit, table_width, warn

EXAMPLES = """
  mgraph search WHO
  mgraph search "burkina"
  mgraph search cop-5 --kind meeting --format json
  mgraph search Brésil --lang fr
  mgraph search M49:076
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="what to look for")
    parser.add_argument(
        "--limit", type=int, default=20, metavar="N", help="most matches to print (default 20)"
    )
    parser.add_argument(
        "--kind",
        action="append",
        metavar="KIND",
        help="only this record kind (country, meeting, decision...; repeatable)",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="table (default) or json"
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="show names in this UN language (ar, zh, en, es, fr, ru) where the data has them; default en",
    )
    parser.add_argument(
        "--graph",
        metavar="PATH",
        help="an RDF file to search (default: dist/mercury.nt when built, else data/)",
    )
    add_width_argument(parser)


def run(args: argparse.Namespace) -> int:
    import json

    from mgraph.core.errors import EXIT_FAILED, EXIT_OK
    from mgraph.networks.search import search

    found = search(args.text, args.limit, graph=args.graph, kinds=args.kind, lang=args.lang)
    if args.format == "json":
        emit(json.dumps(found, indent=1, ensure_ascii=False))
    elif not found:
        warn(f"no entity matches {args.text!r}")
    else:
        from mgraph.core.tables import render
        from mgraph.core.terms import compact_iri

        rows = [[compact_iri(m["iri"]), m["matched_on"], m["label"]] for m in found]
        emit(render(["entity", "matched on", "label"], rows, width=table_width(args.width)))
    return EXIT_OK if found else EXIT_FAILED
