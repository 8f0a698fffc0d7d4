"""The shortest chains of relations between two entities, with relation names and directions.

Entities are named as people write them: an id (cop-5), a code (COP-5, MC-5/3), a name or an
acronym (Burkina Faso, WHO). Chains run through the chosen view only, so never through source
documents or places. `A -relation-> B` reads "A has relation B" as stated in the graph; `A
<-relation- B` the reverse.
"""

from __future__ import annotations

import argparse
import sys

from mgraph.cli._common import add_width_argument, emit, table_width, warn
from mgraph.cli._views import add_view_arguments, view_options, warn_if_stale

EXAMPLES = """
  mgraph path "Burkina Faso" Switzerland
  mgraph path WHO UNEP --max-length 3
  mgraph path COP-5 MC-5/3 --view decisions --format json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "entities",
        nargs="+",
        metavar="ENTITY",
        help='the two entities; quote a name with spaces: "Burkina Faso"',
    )
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
    add_width_argument(parser)
    add_view_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from mgraph.core.errors import EXIT_FAILED, EXIT_OK, InputError
    from mgraph.networks.analyze import paths, render_chains

    if args.limit < 1:
        raise InputError(f"--limit must be 1 or more, not {args.limit}")
    warn_if_stale(args)
    options = view_options(args)
    view = options.pop("view")
    source, target = two_entities(args.entities, args.graph)
    found = paths(source, target, args.max_length, view, limit=args.limit, **options)
    if not found:
        warn(f"no chain of at most {args.max_length} relations links them in the {view} view")
        if args.format == "json":
            emit("[]")
        return EXIT_FAILED
    emit(render_chains(found, args.format, table_width(args.width)))
    return EXIT_OK


def two_entities(words: list[str], graph: str | None) -> tuple[str, str]:
    """The two entities of ``mgraph path``: two arguments, or unquoted words that split into
    two names in exactly one way (``Burkina Faso Afghanistan``)."""
    import warnings

    from mgraph.core.errors import InputError
    from mgraph.networks.search import names_for, resolve

    if len(words) == 2:
        return words[0], words[1]
    example = 'mgraph path "Burkina Faso" Afghanistan'
    if len(words) < 2:
        raise InputError(f"path takes two entities, got one ({words[0]!r}); for example: {example}")

    index = names_for(graph)

    def names(text: str) -> bool:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the path itself announces a partial name
                resolve(text, graph=index)
        except InputError:
            return False
        return True

    splits = [k for k in range(1, len(words)) if names(" ".join(words[:k])) and names(" ".join(words[k:]))]
    if len(splits) == 1:
        a, b = " ".join(words[: splits[0]]), " ".join(words[splits[0] :])
        from mgraph.core.tables import fit_text, terminal_width

        note = f'note: read as "{a}" and "{b}"; quote names with spaces to be sure'
        warn(fit_text(note, terminal_width(tty=sys.stderr.isatty()), indent="  "))
        return a, b
    raise InputError(
        f"path takes two entities, got {len(words)} words ({' '.join(words)}); "
        f"quote names with spaces, for example: {example}"
    )
