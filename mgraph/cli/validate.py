"""Validate our data, or your own RDF files, against the SHACL shapes.

Without FILE, validates the curated data: each result names the data file, line and record. With
FILE, reads your local RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) without
reaching the network or other files, and validates them together. Exit 1 when a Violation is
found (or a Warning, with --fail-on-warning).
"""

from __future__ import annotations

import argparse

from mgraph.cli._common import add_data_argument, add_engine_argument

EXAMPLES = """
  mgraph validate
  mgraph validate my-data.ttl --format sarif -o report.sarif
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="local RDF files (.ttl .nt .nq .trig .rdf .owl .jsonld); none: our data")
    add_data_argument(parser)
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                        help="report format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report here (atomically)")
    add_engine_argument(parser)
    parser.add_argument("--fail-on-warning", action="store_true", help="exit 1 on warnings too")


def run(args: argparse.Namespace) -> int:
    from mgraph.cli._common import write_output
    from mgraph.errors import EXIT_FAILED, EXIT_OK
    from mgraph.files import check_writable
    from mgraph.report import render
    from mgraph.validation import validate, validate_files

    if args.output:
        check_writable(args.output)
    if args.files:
        report = validate_files(args.files, engine=args.engine)
    else:
        from mgraph.loader import load

        kg = load(args.data)
        report = validate(kg.graph, engine=args.engine, origins=kg.origins)
    text = render(report, args.format)
    write_output(args.output, text if text.endswith("\n") else text + "\n")
    return EXIT_FAILED if report.failed(fail_on_warning=args.fail_on_warning) else EXIT_OK
