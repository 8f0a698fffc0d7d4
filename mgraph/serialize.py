"""Deterministic release serialisations: the same graph always gives the same bytes.

Triples are sorted by their N-Triples form and written by pyoxigraph (Turtle, N-Triples), which is
far faster than rdflib's serialisers; JSON-LD is compacted here against our own context.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from mgraph.namespaces import PREFIXES, instance_prefixes


def sorted_triples(graph: Graph) -> list[tuple[Any, Any, Any]]:
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            raise ValueError(f"release files carry no blank nodes: {triple}")
    return sorted(graph, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


def _ox_term(term: Any):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = term.datatype or XSD.string
    return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))


def _ox_triples(graph: Graph):
    import pyoxigraph as ox

    return [ox.Triple(*(_ox_term(t) for t in triple)) for triple in sorted_triples(graph)]


def to_ntriples(graph: Graph) -> bytes:
    """Canonical-ish N-Triples, one sorted line per triple."""
    import pyoxigraph as ox

    text = ox.serialize(_ox_triples(graph), format=ox.RdfFormat.N_TRIPLES)
    lines = sorted(line for line in text.decode("utf-8").splitlines() if line)
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def turtle_prefixes() -> dict[str, str]:
    from mgraph.schema import KINDS

    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    prefixes.update(instance_prefixes([k.name for k in KINDS] + ["claim"]))
    return prefixes


def to_turtle(graph: Graph) -> bytes:
    """Turtle with every prefix declared in sorted order, then the sorted triples."""
    import pyoxigraph as ox

    prefixes = turtle_prefixes()
    body = ox.serialize(_ox_triples(graph), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    lines = body.decode("utf-8").splitlines(keepends=True)
    triples = "".join(line for line in lines if not line.startswith("@prefix "))
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return (header + "\n" + triples).encode("utf-8")


def jsonld_context() -> dict[str, Any]:
    return {"@context": {p: str(ns) for p, ns in sorted(PREFIXES.items())}}


def compact_iri(iri: str) -> str:
    """The compact IRI under the longest matching prefix, or the IRI itself."""
    matches = [(len(str(ns)), p) for p, ns in PREFIXES.items() if iri.startswith(str(ns))]
    if not matches:
        return iri
    length, prefix = max(matches)
    return f"{prefix}:{iri[length:]}"


def _jsonld_value(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"@id": compact_iri(str(term))}
    assert isinstance(term, Literal)
    if term.language:
        return {"@language": term.language, "@value": str(term)}
    if term.datatype and term.datatype != XSD.string:
        return {"@type": compact_iri(str(term.datatype)), "@value": str(term)}
    return {"@value": str(term)}


def to_jsonld(graph: Graph, context_url: str = "context.jsonld") -> bytes:
    """Flattened JSON-LD: one node object per subject, every value typed, all sorted."""
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in sorted_triples(graph):
        node = nodes.setdefault(compact_iri(str(s)), {})
        if p == RDF.type:
            node.setdefault("@type", []).append(compact_iri(str(o)))
        else:
            node.setdefault(compact_iri(str(p)), []).append(_jsonld_value(o))
    graph_nodes = [{"@id": subject, **values} for subject, values in sorted(nodes.items())]
    document = {"@context": context_url, "@graph": graph_nodes}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
