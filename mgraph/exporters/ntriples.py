"""N-Triples: the view as an RDF subgraph.

The triples of its nodes and edges: see :func:`mgraph.networks.views.view_triples`."""

from __future__ import annotations

from typing import Any

from mgraph.core.formats import BY_NAME
from mgraph.exporters import _rdf

NAME = "ntriples"
EXTENSION = BY_NAME[NAME].extensions[0].lstrip(".")
MEDIA_TYPE = BY_NAME[NAME].media_types[0]
DESCRIPTION = "N-Triples: the view as an RDF subgraph"


def export(view: Any, **options: Any) -> bytes:
    return _rdf.ntriples(view)
