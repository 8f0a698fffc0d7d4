"""Validate our data, or your own RDF files, against our SHACL shapes or yours.

Without FILE, validates the curated data: each result names the data file, line and record. With
FILE (or - for standard input), reads your local RDF files (Turtle, N-Triples, N-Quads, TriG,
RDF/XML, JSON-LD) without reaching the network or other files, and validates them together;
results name the file and line where the focus node is written. --shapes adds your own shapes
files (read as safely), with ours unless --no-default-shapes. --with-graph validates your files
together with our built graph (dist/mercury.nt, else data/), so that links to our entities
resolve; only results about your nodes are reported.

A summary line (counts by severity and by shape) follows the results (on standard error for the
json, sarif and turtle formats, whose output stays a document). Exit 1 when a Violation is found
(or a Warning, with --fail-on-warning), whatever --severity shows; 2 for bad input or shapes.
"""

from __future__ import annotations

import argparse
import sys

from mgraph.cli._common import add_data_argument

EXAMPLES = """
  mgraph validate
  mgraph validate my-data.ttl --format sarif -o report.sarif
  mgraph validate my-data.ttl --shapes my-shapes.ttl --no-default-shapes
  mgraph validate --shapes a.ttl,b.ttl my-data.ttl more-data.ttl
  mgraph validate my-data.ttl --with-graph --severity violation
  cat my-data.nt | mgraph validate - --input-format nt --format turtle
"""

SEVERITY_CHOICES = ("violation", "warning", "info")
INTERMIXED = "files"  # data files may stand anywhere: before, between or after the options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mgraph.core.formats import RDF, names  # the format table (imports no RDF library)
    from mgraph.validation.report import FORMATS  # the renderer registry (imports no RDF library)

    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="local RDF files (.ttl .nt .nq .trig .rdf .owl .jsonld), - for standard input; none: our data",
    )
    add_data_argument(parser)
    parser.add_argument(
        "--shapes",
        action="append",
        default=[],
        metavar="FILE",
        help="your own SHACL shapes file, checked before use (used with ours unless "
        "--no-default-shapes); repeat it or give a comma-separated list",
    )
    parser.add_argument(
        "--no-default-shapes", action="store_true", help="validate against --shapes only, not our shapes"
    )
    parser.add_argument(
        "--with-graph",
        action="store_true",
        help="validate FILEs together with our built graph, so links to our entities resolve",
    )
    parser.add_argument(
        "--input-format",
        metavar="FMT",
        help="RDF syntax of FILEs whose name does not tell it, and of - (default: "
        f"turtle): {', '.join(names(RDF))}, or an extension or media type of one",
    )
    parser.add_argument(
        "--severity",
        choices=SEVERITY_CHOICES,
        default="info",
        help="show results of this severity and above (default: info, all)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="report format (default: text; turtle: the SHACL validation report)",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report here (atomically)")
    parser.add_argument(
        "--engine",
        default="auto",
        metavar="NAME",
        help="SHACL engine: auto (default: native, falling back to pyshacl on "
        "anything native does not evaluate), native or pyshacl",
    )
    parser.add_argument("--fail-on-warning", action="store_true", help="exit 1 on warnings too")


def run(args: argparse.Namespace) -> int:
    from mgraph.cli._common import write_output
    from mgraph.core.errors import EXIT_FAILED, EXIT_OK, InputError
    from mgraph.core.files import check_writable
    from mgraph.validation.report import render, summary
    from mgraph.validation.results import SEVERITIES
    from mgraph.validation.validate import engine_names, validate, validate_files

    if args.engine not in engine_names():
        raise InputError(f"unknown engine {args.engine!r}; choose one of: {', '.join(engine_names())}")
    if args.output and args.output != "-":
        check_writable(args.output)
    if args.files.count("-") > 1:
        raise InputError("standard input (-) can be read only once")
    if not args.files and (args.with_graph or args.input_format):
        raise InputError("--with-graph and --input-format apply to FILEs; none given")
    shapes = [name for given in args.shapes for name in given.split(",") if name]
    if args.files:
        stdin = _read_stdin() if "-" in args.files else None
        report = validate_files(
            args.files,
            engine=args.engine,
            shapes=shapes,
            default_shapes=not args.no_default_shapes,
            with_graph=args.with_graph,
            input_format=args.input_format,
            stdin=stdin,
        )
    else:
        if shapes or args.no_default_shapes:
            raise InputError("--shapes and --no-default-shapes apply to FILEs; none given")
        from mgraph.core.loader import load

        kg = load(args.data)
        report = validate(kg.graph, engine=args.engine, origins=kg.origins)
    failed = report.failed(fail_on_warning=args.fail_on_warning)
    shown = SEVERITIES[: SEVERITIES.index(args.severity.capitalize()) + 1]
    if len(shown) < len(SEVERITIES):
        report = report.only(shown)
    text = render(report, args.format)
    write_output(args.output, text if text.endswith("\n") else text + "\n")
    if args.format != "text":
        print(summary(report), file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def _read_stdin() -> bytes:
    from mgraph.core.user_files import MAX_FILE_BYTES

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    return data
