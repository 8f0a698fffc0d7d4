"""The RDF formats of a view: its triples (see :func:`mgraph.views.view_triples`), written by the
release serialisers so they read exactly like dist/."""

from __future__ import annotations

import json
from typing import Any


def triples(view: Any) -> list[Any]:
    from mgraph.views import view_triples

    return view_triples(view)


def turtle(view: Any) -> bytes:
    from mgraph.serialize import to_turtle

    return to_turtle(triples(view))


def ntriples(view: Any) -> bytes:
    from mgraph.serialize import to_ntriples

    return to_ntriples(triples(view))


def jsonld(view: Any) -> bytes:
    """Flattened JSON-LD like dist/mercury.jsonld, with the context inside, so it stands alone."""
    from mgraph.serialize import jsonld_context, to_jsonld

    document = json.loads(to_jsonld(triples(view)))
    document["@context"] = jsonld_context()["@context"]
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
