"""Load the curated data, validate it and write the release files to dist/.

The release (mercury.ttl, mercury.nt, mercury.jsonld with context.jsonld,
ontology.ttl, shapes.ttl) is sorted and byte-identical from one build of the
same data to the next, with its data version (data/release.toml), a DCAT/VoID
and schema.org description, CITATION.cff and .zenodo.json, the ontology
documentation (docs/), the query library as RDF, a data changelog and a change
feed (with --previous, the diff against the previous release). dist/ is
replaced in one step, and left exactly as it was when the build fails (exit 1:
violations; exit 2: a broken data file).
"""

from __future__ import annotations

import argparse

from mgraph.cli._common import add_data_argument, add_engine_argument, emit, warn

EXAMPLES = """
  mgraph build
  mgraph build --data my-data/ --out /tmp/release --fail-on-warning
  mgraph build --previous /srv/releases/2026.11.0   # and the diff against it
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument("--out", metavar="DIR", help="release folder (default: dist/)")
    parser.add_argument(
        "--previous", metavar="DIR", help="the previous release folder: write the diff against it"
    )
    add_engine_argument(parser)
    parser.add_argument(
        "--fail-on-warning", action="store_true", help="fail (exit 1, nothing written) on warnings too"
    )


def run(args: argparse.Namespace) -> int:
    from mgraph.core.errors import EXIT_FAILED, EXIT_OK
    from mgraph.publish.build import BuildFailed, build
    from mgraph.validation.report import render

    try:
        result = build(
            args.data,
            args.out,
            engine=args.engine,
            fail_on_warning=args.fail_on_warning,
            previous=args.previous,
        )
    except BuildFailed as exc:
        warn(render(exc.report, "text"))
        warn(f"build failed: {exc}")
        return EXIT_FAILED
    emit(result.summary())
    return EXIT_OK
