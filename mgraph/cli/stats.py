"""Counts per class and relation, sources, and coverage of the curated graph."""

from __future__ import annotations

import argparse

from mgraph.cli._common import add_data_argument, add_width_argument, emit, table_width

EXAMPLES = """
  mgraph stats
  mgraph stats --format json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default: table)"
    )
    add_width_argument(parser)


def run(args: argparse.Namespace) -> int:
    from mgraph.core.errors import EXIT_OK
    from mgraph.core.loader import load
    from mgraph.publish.stats import compute_stats, render_stats

    width = table_width(args.width)
    emit(render_stats(compute_stats(load(args.data).graph), args.format, width))
    return EXIT_OK
