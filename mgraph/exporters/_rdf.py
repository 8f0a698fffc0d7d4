"""The RDF formats of a view: its triples (see :func:`mgraph.networks.views.view_triples`), written by the
release serialisers so they read exactly like dist/."""

from __future__ import annotations

from typing import Any


def triples(view: Any) -> list[Any]:
    from mgraph.networks.views import view_triples

    return view_triples(view)


def turtle(view: Any) -> bytes:
    from mgraph.core.serialize import to_turtle

    return to_turtle(triples(view))


def ntriples(view: Any) -> bytes:
    from mgraph.core.serialize import to_ntriples

    return to_ntriples(triples(view))


def jsonld(view: Any) -> bytes:
    """Flattened JSON-LD like dist/mercury.jsonld, with the context inside, so it stands alone."""
    from mgraph.core.serialize import jsonld_context, to_jsonld

    return to_jsonld(triples(view), jsonld_context())
