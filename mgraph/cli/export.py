"""Export a network view of the graph for Gephi, Cytoscape, Graphviz, Mermaid or as RDF.

Formats: graphml and gexf (Gephi; GEXF carries dates for its timeline), cytoscape (Cytoscape.js
and Cytoscape desktop), dot (Graphviz), mermaid, nodelink (JSON for D3/networkx), csv (a ZIP of
nodes.csv and edges.csv for Gephi's spreadsheet import), turtle, ntriples and jsonld (the view as
an RDF subgraph), html (an offline page, when available). Files are written atomically; nothing
is written on bad input.

Views: actors (organisations, countries, people, partnership areas with their events, projects
and posts), decisions (meetings, decisions, provisions, topics, whom decisions request or
invite), parties (countries and their dated legal acts), full (everything but provenance).
Source documents, claims and places join only with --with-sources / --with-places.
"""

from __future__ import annotations

import argparse

from mgraph.cli._views import add_view_arguments, view_options, warn_if_stale

EXAMPLES = """
  mgraph export --format gexf -o actors.gexf
  mgraph export --format graphml --view actors --fold -o actors-folded.graphml
  mgraph export --format dot --focus "Burkina Faso" --depth 2 -o bfa.dot && dot -Tsvg bfa.dot -o bfa.svg
  mgraph export --format csv --view parties --since 2017 -o parties.zip
  mgraph export --format turtle --view decisions --focus COP-5 -o -
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mgraph.exporters import names

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
    add_view_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from mgraph.cli._common import write_output
    from mgraph.errors import EXIT_OK
    from mgraph.exporters import export_view

    warn_if_stale(args)
    options = view_options(args)
    view = options.pop("view")
    if args.lang:  # names in another language: build the view here, rename, export
        from mgraph.exporters import get
        from mgraph.files import check_writable, write_file
        from mgraph.languages import check_language, relabel_view
        from mgraph.views import build_view

        lang = check_language(args.lang)
        exporter = get(args.format)
        if args.output != "-":
            check_writable(args.output)
        network = build_view(view, **options)
        relabel_view(network, lang, options.get("graph"))
        data = exporter.export(network)
        if args.output == "-":
            write_output("-", data)
        else:
            write_file(args.output, data)
        return EXIT_OK
    if args.output == "-":
        content = export_view(args.format, None, view, **options)
        assert content is not None
        write_output("-", content)
    else:
        export_view(args.format, args.output, view, **options)
    return EXIT_OK
