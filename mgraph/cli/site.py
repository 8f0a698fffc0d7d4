"""Write the whole graph as a static website: entity and class pages, the graph page, a sitemap and
a query page where SPARQL runs in the browser (Oxigraph's WebAssembly build), with no server and
no network request; the pages work from file:// and from any static host.

The folder is replaced whole; one that mgraph site did not write is refused unless empty.
"""

from __future__ import annotations

import argparse

from mgraph.cli._common import emit

EXAMPLES = """
  mgraph site -o site/
  mgraph site -o site/ --base-url https://example.org/mgraph/
  mgraph site -o site/ --graph dist/mercury.nt --view decisions
  mgraph site -o site-fr/ --lang fr
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", required=True, metavar="DIR", help="the folder to write")
    parser.add_argument(
        "--graph",
        metavar="PATH",
        help="an RDF file to publish (default: dist/mercury.nt when built, else data/)",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="where the site will be hosted (ending with /), for sitemap.xml; "
        "without it the sitemap lists the entities' IRIs",
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="names on entity pages and the graph page in this UN language (ar, zh, en, es, fr, ru) "
        "where the data has them; default en",
    )
    parser.add_argument(
        "--view",
        default="full",
        metavar="VIEW",
        help="the network view drawn on the graph page (default: full)",
    )


def run(args: argparse.Namespace) -> int:
    from mgraph.core.errors import EXIT_OK
    from mgraph.site import write_site

    result = write_site(args.output, graph=args.graph, base_url=args.base_url, view=args.view, lang=args.lang)
    emit(
        f"wrote {result.folder}: {result.entities} entity pages, {result.classes} class pages, "
        f"{result.files} files; open {result.folder / 'index.html'}"
    )
    return EXIT_OK
