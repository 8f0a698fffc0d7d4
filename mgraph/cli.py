"""The ``mgraph`` command: parses arguments and calls the library. Nothing imports this module.

Exit codes: 0 ok, 1 data does not conform or a check failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from mgraph.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, MgraphError


def _build(args: argparse.Namespace) -> int:
    from mgraph.build import BuildFailed, build
    from mgraph.report import render

    try:
        result = build(args.data, args.out, engine=args.engine,
                       fail_on_warning=args.fail_on_warning)
    except BuildFailed as exc:
        print(render(exc.report, "text"), file=sys.stderr)
        print(f"build failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(result.summary())
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from mgraph.report import render
    from mgraph.validate import validate, validate_files

    if args.files:
        report = validate_files(args.files, engine=args.engine)
    else:
        from mgraph.load import load

        kg = load(args.data)
        report = validate(kg.graph, engine=args.engine, origins=kg.origins)
    text = render(report, args.format)
    if args.output:
        from mgraph.build import write_file

        write_file(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_FAILED if report.failed(fail_on_warning=args.fail_on_warning) else EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from mgraph.load import load
    from mgraph.stats import compute_stats, render_stats

    text = render_stats(compute_stats(load(args.data).graph), args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from mgraph.jsonschema import json_schema_text, markdown_tables

    sys.stdout.write(markdown_tables() if args.markdown else json_schema_text())
    return EXIT_OK


def _query(args: argparse.Namespace) -> int:
    from mgraph.query import run_query_command

    return run_query_command(args)


def _add_query(sub: argparse._SubParsersAction) -> None:
    from mgraph.query import add_query_arguments  # light: its engines load inside functions

    parser = sub.add_parser("query", help="run a library query or a .rq file")
    add_query_arguments(parser)
    parser.set_defaults(func=_query)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="mgraph", description="mgraph: the mercury governance knowledge graph.",
        epilog="Exit codes: 0 ok, 1 data does not conform or a check failed, 2 bad input or usage.")
    from mgraph import __version__

    top.add_argument("--version", action="version", version=f"mgraph {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def data_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data", metavar="DIR", help="curated data folder (default: data/)")

    from mgraph.validate import engine_names

    engines = engine_names()

    p = sub.add_parser("build", help="load, validate and write the release files to dist/")
    data_arg(p)
    p.add_argument("--out", metavar="DIR", help="release folder (default: dist/)")
    p.add_argument("--engine", choices=engines, default="auto", help="SHACL engine")
    p.add_argument("--fail-on-warning", action="store_true", help="fail on warnings too")
    p.set_defaults(func=_build)

    p = sub.add_parser("validate", help="validate our data, or your RDF files, against the shapes")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="local RDF files (.ttl .nt .nq .trig .rdf .owl .jsonld); none: our data")
    data_arg(p)
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report here (atomically)")
    p.add_argument("--engine", choices=engines, default="auto", help="SHACL engine")
    p.add_argument("--fail-on-warning", action="store_true", help="exit 1 on warnings too")
    p.set_defaults(func=_validate)

    p = sub.add_parser("stats", help="counts, sources and coverage of the curated graph")
    data_arg(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=_stats)

    p = sub.add_parser("schema", help="print the data format as JSON Schema (or Markdown)")
    p.add_argument("--markdown", action="store_true", help="field tables for data/README.md")
    p.set_defaults(func=_schema)

    _add_query(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except MgraphError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
