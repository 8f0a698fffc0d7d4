"""The shortest chains of relations between two entities, with relation names and directions.

Entities are named as people write them: an id (cop-5), a code (COP-5, MC-5/3), a name or an
acronym (Burkina Faso, WHO). Chains run through the chosen view only, so never through source
documents or places. `A -relation-> B` reads "A has relation B" as stated in the graph; `A
<-relation- B` the reverse.
"""

from __future__ import annotations

import argparse

from mgraph.cli._common import emit, warn
from mgraph.cli._views import add_view_arguments, view_options, warn_if_stale

EXAMPLES = """
  mgraph path "Burkina Faso" Switzerland
  mgraph path WHO UNEP --max-length 3
  mgraph path COP-5 MC-5/3 --view decisions --format json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="A", help="the first entity")
    parser.add_argument("target", metavar="B", help="the second entity")
    parser.add_argument(
        "--max-length",
        type=int,
        default=6,
        metavar="N",
        help="longest chain to look for, in relations (default 6)",
    )
    parser.add_argument(
        "--limit", type=int, default=20, metavar="N", help="most chains to print (default 20)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    add_view_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from mgraph.analytics import paths, render_chains
    from mgraph.errors import EXIT_FAILED, EXIT_OK, InputError

    if args.limit < 1:
        raise InputError(f"--limit must be 1 or more, not {args.limit}")
    warn_if_stale(args)
    options = view_options(args)
    view = options.pop("view")
    found = paths(args.source, args.target, args.max_length, view, limit=args.limit, **options)
    if not found:
        warn(f"no chain of at most {args.max_length} relations links them in the {view} view")
        if args.format == "json":
            emit("[]")
        return EXIT_FAILED
    emit(render_chains(found, args.format))
    return EXIT_OK
