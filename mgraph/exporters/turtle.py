"""Turtle: the view as an RDF subgraph.

The triples of its nodes and edges: see :func:`mgraph.networks.views.view_triples`."""

from __future__ import annotations

from typing import Any

from mgraph.exporters import _rdf

NAME = "turtle"
EXTENSION = "ttl"
MEDIA_TYPE = "text/turtle"
DESCRIPTION = "Turtle: the view as an RDF subgraph"


def export(view: Any, **options: Any) -> bytes:
    return _rdf.turtle(view)
