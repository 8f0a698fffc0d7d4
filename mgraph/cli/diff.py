"""Report what changed between two versions of the data, fact by fact, with sources.

OLD and NEW are each a release folder (dist/), a data folder, an RDF file, or
a git revision of the project's data/ (HEAD~1, a tag, a commit: read with `git
show REV:data/...`, nothing is fetched). Facts are grouped by entity and kind,
each with its source. Formats: text (default), markdown (a data changelog),
json, and turtle (RDF in the Changeset vocabulary, cs:). Exit 0, or with
--exit-code 1 when there are changes (as `git diff --exit-code`); 2 for bad
input.
"""

from __future__ import annotations

import argparse

EXAMPLES = """
  mgraph diff /srv/releases/2026.11.0 dist/
  mgraph diff HEAD~3 data/ --format markdown
  mgraph diff old.nt new.ttl --format json -o changes.json
  mgraph diff v2026.11.0 HEAD --format turtle
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mgraph.publish.diff import FORMATS  # the library's (imports no RDF library)

    parser.add_argument("old", metavar="OLD", help="the earlier version")
    parser.add_argument("new", metavar="NEW", help="the later version")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    parser.add_argument(
        "--exit-code", action="store_true", help="exit 1 when there are changes, 0 when there are none"
    )


def run(args: argparse.Namespace) -> int:
    from mgraph.cli._common import write_output
    from mgraph.core.errors import EXIT_FAILED, EXIT_OK
    from mgraph.core.files import check_writable
    from mgraph.publish.diff import diff, render

    if args.output:
        check_writable(args.output)
    result = diff(args.old, args.new)
    write_output(args.output, render(result, args.format))
    return EXIT_FAILED if args.exit_code and result.changes else EXIT_OK
