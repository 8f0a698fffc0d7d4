"""Deterministic release serialisations: the same graph always gives the same bytes.

The graph is converted once to pyoxigraph triples sorted by their N-Triples form; pyoxigraph writes
Turtle and N-Triples (far faster than rdflib's serialisers) and JSON-LD is compacted here against
our own context.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph
from rdflib.namespace import XSD

from mgraph.core.formats import BY_NAME
from mgraph.core.namespaces import PREFIX_IRIS, instance_prefixes
from mgraph.core.terms import compact_iri

if TYPE_CHECKING:
    import pyoxigraph as ox

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def prepare(graph: Graph) -> list[ox.Triple]:
    """The graph as pyoxigraph triples in N-Triples order: the one input of every writer."""
    from mgraph.core.terms import oxigraph_triples

    def ground() -> Iterator[Any]:
        for triple in graph:
            if any(isinstance(term, BNode) for term in triple):
                raise ValueError(f"release files carry no blank nodes: {triple}")
            yield triple

    triples = list(oxigraph_triples(ground()))
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def to_ntriples(triples: list[ox.Triple]) -> bytes:
    """One sorted line per triple."""
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples).encode("utf-8")


def turtle_prefixes() -> dict[str, str]:
    from mgraph.core.schema import kinds

    prefixes = dict(PREFIX_IRIS)
    prefixes.update(instance_prefixes([k.name for k in kinds()] + ["claim"]))
    return prefixes


def rdf_bytes(triples: list[ox.Triple], format: str) -> bytes:
    """``triples`` as pyoxigraph writes them in an RDF format of :mod:`mgraph.core.formats`
    (by name), with our prefixes where the format takes them; in the order given."""
    import pyoxigraph as ox

    return bytes(ox.serialize(triples, format=BY_NAME[format].pyoxigraph(), prefixes=PREFIX_IRIS) or b"")


def to_turtle(triples: list[ox.Triple], extra_prefixes: dict[str, str] | None = None) -> bytes:
    """Turtle with every prefix declared in sorted order, then the sorted triples."""
    import pyoxigraph as ox

    prefixes = {**turtle_prefixes(), **(extra_prefixes or {})}
    body = ox.serialize(triples, format=BY_NAME["turtle"].pyoxigraph(), prefixes=prefixes)
    assert body is not None  # serialize returns the bytes when given no output
    lines = body.decode("utf-8").splitlines(keepends=True)
    statements = "".join(line for line in lines if not line.startswith("@prefix "))
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return (header + "\n" + statements).encode("utf-8")


def jsonld_context() -> dict[str, Any]:
    return {"@context": dict(sorted(PREFIX_IRIS.items()))}


def _jsonld_value(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return {"@id": _node_id(term)}
    if term.language:
        return {"@language": term.language, "@value": term.value}
    if term.datatype.value != str(XSD.string):
        return {"@type": compact_iri(term.datatype.value), "@value": term.value}
    return {"@value": term.value}


def _node_id(term: Any) -> str:
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact_iri(term.value)


def to_jsonld(triples: list[ox.Triple], context_url: str | dict[str, Any] = "context.jsonld") -> bytes:
    """Flattened JSON-LD: one node object per subject, every value typed, all sorted.

    ``context_url`` is the context's address, or the context itself to embed it.
    """
    nodes: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        node = nodes.setdefault(_node_id(t.subject), {})
        if str(t.predicate) == RDF_TYPE:
            node.setdefault("@type", []).append(compact_iri(t.object.value))  # type: ignore[union-attr]
        else:
            node.setdefault(compact_iri(t.predicate.value), []).append(_jsonld_value(t.object))
    graph_nodes = [{"@id": subject, **values} for subject, values in sorted(nodes.items())]
    context = context_url["@context"] if isinstance(context_url, dict) else context_url
    document = {"@context": context, "@graph": graph_nodes}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
