"""Export a network view of the graph for Gephi, Cytoscape, Graphviz, Mermaid or as RDF.

Formats: graphml and gexf (Gephi; GEXF carries dates for its timeline), cytoscape (Cytoscape.js
and Cytoscape desktop), dot (Graphviz), mermaid, nodelink (JSON for D3/networkx), csv (a ZIP of
nodes.csv and edges.csv for Gephi's spreadsheet import), turtle, ntriples and jsonld (the view as
an RDF subgraph), html (an offline page, when available). Files are written atomically; nothing
is written on bad input.

Views: actors (organisations, countries, people, partnership areas with their events, projects
and posts), decisions (meetings, decisions, provisions, topics, whom decisions request or
invite), parties (countries and their dated legal acts), full (everything but provenance),
convention (the Minamata Convention's neighbourhood: its articles, meetings, decisions,
secretariat and events), partnership (the Global Mercury Partnership's areas, their leads and
co-leads, topics, events and projects), projects (projects with their funders, agencies, partners
and countries). Source documents, claims and places join only with --with-sources / --with-places.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from mgraph.cli._views import add_view_arguments, view_options, warn_if_stale

if TYPE_CHECKING:
    from mgraph.exporters import Option

EXAMPLES = """
  mgraph export --format gexf -o actors.gexf
  mgraph export --format graphml --view actors --fold -o actors-folded.graphml
  mgraph export --format dot --focus "Burkina Faso" --depth 2 -o bfa.dot
  dot -Tsvg bfa.dot -o bfa.svg
  mgraph export --format csv --view parties --since 2017 -o parties.zip
  mgraph export --format turtle --view decisions --focus COP-5 -o -
  mgraph export --format html --view decisions --layout blocks -o decisions.html
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mgraph.exporters import names  # the registry (imports no graph library)

    parser.add_argument(
        "--format",
        "-f",
        required=True,
        choices=names(),
        metavar="FORMAT",
        help=f"one of: {', '.join(names())}",
    )
    parser.add_argument(
        "--output", "-o", required=True, metavar="FILE", help="file to write ('-' for standard output)"
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="name nodes in this UN language (ar, zh, en, es, fr, ru) where the data has it; default en",
    )
    _add_format_options(parser)
    add_view_arguments(parser)


def _format_options() -> dict[str, list[tuple[str, Option]]]:
    """Each option some format reads -> [(format, its Option)], from the exporters' ``OPTIONS``."""
    from mgraph.exporters import get, names, options_of

    found: dict[str, list[tuple[str, Option]]] = {}
    for name in names():
        for key, option in options_of(get(name)).items():
            found.setdefault(key, []).append((name, option))
    return found


def _add_format_options(parser: argparse.ArgumentParser) -> None:
    """One ``--NAME`` per option an export format reads, checked against the format at run time."""
    group = parser.add_argument_group("format options")
    for key, owners in sorted(_format_options().items()):
        helps = "; ".join(f"{name}: {option.help}" for name, option in owners)
        group.add_argument(f"--{key.replace('_', '-')}", dest=f"format_{key}", metavar="VALUE", help=helps)


def run(args: argparse.Namespace) -> int:
    from mgraph.cli._common import warn, write_output
    from mgraph.core.errors import EXIT_OK
    from mgraph.core.files import check_writable, write_file
    from mgraph.exporters import check_options, get, write_export
    from mgraph.networks.views import build_view

    warn_if_stale(args)
    options = view_options(args)
    view = options.pop("view")
    exporter = get(args.format)  # a bad format, option or path fails before any work
    given = {key[len("format_") :]: value for key, value in vars(args).items() if key.startswith("format_")}
    export_options = check_options(exporter, given)
    if args.output != "-":
        check_writable(args.output)
    network = build_view(view, **options)
    if args.lang:  # names in another language
        from mgraph.networks.languages import check_language, relabel_view

        relabel_view(network, check_language(args.lang), options.get("graph"))
    if args.output == "-":
        content = exporter.export(network, **export_options)
        write_output(args.output, content)
        size = len(content)
    else:  # written as it is made, when the format can (a large view is never whole in memory)
        write_file(args.output, lambda stream: write_export(exporter, network, stream, **export_options))
        size = Path(args.output).stat().st_size
    where = "standard output" if args.output == "-" else args.output
    warn(
        f"wrote {where}: {args.format}, {network.number_of_nodes()} nodes, "
        f"{len(network.edges)} links, {_size(size)}"  # (number_of_edges sums every degree)
    )
    return EXIT_OK


def _size(count: int) -> str:
    """``2,048 bytes``, ``1.4 MB``: a file's size as people read it."""
    if count < 10_000:
        return f"{count:,} bytes"
    if count < 10_000_000:
        return f"{count / 1000:,.0f} kB"
    return f"{count / 1_000_000:,.1f} MB"
