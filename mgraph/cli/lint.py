"""Rewrite data files into their one canonical form (or, with --check, list those that are not).

The canonical form: keys in the schema's order (id first, sources last), lists in block style and
sorted where order carries no meaning (the schema marks alt_names and sources as ordered), dates
plain YYYY-MM-DD / YYYY-MM / YYYY, long text folded at 100 columns, no empty fields, no YAML
aliases, comments kept, records in the order the curators gave them. Lint never changes what a
file means: the rewritten text is read back and compared before anything is written, and each file
is replaced atomically. A file that cannot be read is reported (exit 2) and nothing is written.
"""

from __future__ import annotations

import argparse

from mgraph.cli._common import add_data_argument, emit, warn

EXAMPLES = """
  mgraph lint                   # rewrite every data/*.yaml in place
  mgraph lint --check           # exit 1, naming the files not in canonical form
  mgraph lint data/meetings.yaml
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="data files to lint (default: every *.yaml of the data folder)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each file not in canonical form and its first differing line",
    )
    add_data_argument(parser)


def run(args: argparse.Namespace) -> int:
    from mgraph.core.errors import EXIT_FAILED, EXIT_OK
    from mgraph.core.records import display_path
    from mgraph.curation.lint import data_files, lint

    files = args.files or data_files(args.data)
    result = lint(files, check=args.check)
    for file, line in result.changed.items():
        path = display_path(file)
        if args.check:
            warn(f"{path}:{line}: not in canonical form; run `mgraph lint {path}`")
        else:
            emit(f"rewrote {path} (first change at line {line})")
    if args.check and result.changed:
        warn(f"{len(result.changed)} of {len(result.checked)} data files are not in canonical form")
        return EXIT_FAILED
    return EXIT_OK
