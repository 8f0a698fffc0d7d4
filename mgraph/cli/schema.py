"""Print the data format as JSON Schema (data/schema.json) or as Markdown field tables.

With --write, regenerate data/schema.json and the field tables of data/README.md in place (after
a change to mgraph/core/schema.py or mgraph/core/models.py; the tests fail until they are current).
"""

from __future__ import annotations

import argparse
import sys

from mgraph.cli._common import add_data_argument

EXAMPLES = """
  mgraph schema > data/schema.json
  mgraph schema --markdown
  mgraph schema --write
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--markdown", action="store_true", help="field tables for data/README.md")
    parser.add_argument(
        "--write",
        action="store_true",
        help="rewrite schema.json and README.md's field tables in the data folder",
    )
    add_data_argument(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mgraph.core import locations
    from mgraph.core.errors import EXIT_OK
    from mgraph.curation.jsonschema import json_schema_text, markdown_tables, write_generated

    if args.write:
        for path in write_generated(Path(args.data) if args.data else locations.DATA):
            print(f"wrote {path}", file=sys.stderr)
        return EXIT_OK
    sys.stdout.write(markdown_tables() if args.markdown else json_schema_text())
    return EXIT_OK
