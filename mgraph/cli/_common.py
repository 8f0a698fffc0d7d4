"""Arguments and output helpers shared by the command modules (standard library only)."""

from __future__ import annotations

import argparse
import sys


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="curated data folder (default: data/)")


def add_engine_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", default="auto", metavar="NAME",
                        help="SHACL engine: auto (default: native, falling back to pyshacl), "
                             "native, pyshacl or pyrudof (with the fast extra)")


def emit(text: str) -> None:
    """Print a command's text result, ending in exactly one newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def warn(text: str) -> None:
    print(text, file=sys.stderr)
