"""Print the data format as JSON Schema (data/schema.json) or as Markdown field tables."""

from __future__ import annotations

import argparse
import sys

EXAMPLES = """
  mgraph schema > data/schema.json
  mgraph schema --markdown
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--markdown", action="store_true", help="field tables for data/README.md")


def run(args: argparse.Namespace) -> int:
    from mgraph.errors import EXIT_OK
    from mgraph.jsonschema import json_schema_text, markdown_tables

    sys.stdout.write(markdown_tables() if args.markdown else json_schema_text())
    return EXIT_OK
