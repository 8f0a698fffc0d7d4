"""The SPARQL query library and its running (``mgraph query``).

What a query's answer can be printed as is listed here, importing nothing, so that ``mgraph
--help`` offers the choices without loading an RDF library.
"""

from __future__ import annotations

from mgraph.core.formats import WRITTEN

ROW_FORMATS = ("table", "csv", "tsv", "json", "markdown")
"""Formats of SELECT rows (:func:`mgraph.queries.render.format_rows`); ASK answers take the same
(a table prints true or false)."""

GRAPH_FORMATS = WRITTEN
"""Formats of the triples of CONSTRUCT and DESCRIBE (:mod:`mgraph.core.formats`)."""
