"""Who is central and how actors group: network measures of a view.

Degree, weighted degree, betweenness, PageRank, connected components and Louvain communities
with their top members. Measures are taken on the view as an undirected graph weighted by the
relations between each pair.
Betweenness is exact on views up to 2000 nodes, sampled above (256 sources, fixed seed), and
the output says which, with the bound of the sampling error (0.085 at 95%). The
communities line says how many are a single node (isolates among them). Communities use a fixed seed.
"""

from __future__ import annotations

import argparse

from mgraph.cli._common import add_width_argument, emit, table_width
from mgraph.cli._views import add_view_arguments, view_options, warn_if_stale

EXAMPLES = """
  mgraph analyze
  mgraph analyze --fold --top 20
  mgraph analyze --view full --format json
  mgraph analyze --classes mg:Organisation --fold --format markdown
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mgraph.networks.analyze import FORMATS  # the library's (imports no graph library)

    parser.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="entities per ranking and communities listed (0: all; default 10)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default), csv (one row per entity), json or markdown",
    )
    add_width_argument(parser)
    add_view_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from mgraph.core.errors import EXIT_OK
    from mgraph.networks.analyze import analyze, render

    warn_if_stale(args)
    options = view_options(args)
    view = options.pop("view")
    width = table_width(args.width)
    emit(render(analyze(view, args.top, **options), args.format, width))
    return EXIT_OK
