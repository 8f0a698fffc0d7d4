"""pyrudof: SHACL Core by rudof (Rust), SPARQL constraints as in the native engine.

Registered as an engine only when pyrudof is installed (:func:`available`).
"""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from mgraph.namespaces import SH
from mgraph.results import ValidationResult
from mgraph.shacl import native
from mgraph.shacl.common import message_text, nt

_RUDOF_PREFIXES = {"xsd": str(XSD), "rdf": str(RDF), "rdfs": str(RDFS)}
# id(shapes) -> (shapes, core shapes as Turtle, the shapes that have SPARQL constraints)
_CORE_SHAPES_CACHE: dict[int, tuple[Graph, str, list[Node]]] = {}


def run(data: Graph, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
    """Core constraints by pyrudof; its terms and messages mapped back to ours.

    rudof writes values in its own way (``"2013"^^xsd:gYear``, a bare lexical form for
    xsd:dateTime) and generic texts for some messages; each value is matched back to the
    focus node's value in the data, and each message is the shape's own sh:message.
    """
    import pyrudof

    core_turtle, sparql_plans = _core_shapes(shapes)
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    text = data.serialize(format="nt") + "\n" + mixin.serialize(format="nt")
    rudof.read_data(text, format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(core_turtle)
    results = []
    for entry in rudof.validate_shacl():
        focus = _rudof_term(entry.focus_node)
        path = URIRef(entry.path) if entry.path else None
        shape = _rudof_term(str(entry.source_shape)) if entry.source_shape else None
        value = _rudof_value(entry.value, focus, path, (data, mixin))
        messages = list(shapes.objects(shape, SH.message)) if shape is not None else []
        results.append(ValidationResult(
            entry.severity, nt(focus) or "", nt(path), nt(value), message_text(messages),
            nt(shape), nt(_rudof_term(str(entry.constraint_component))),
        ))
    if sparql_plans:
        plans = native.shape_plans(shapes)
        index = native.build_index(data, mixin, set())
        store = native.SparqlStore(data, mixin)
        for plan in (p for p in plans if p.sparql):
            focus_nodes = set(native.focus_nodes_of(plan, index, data, mixin))
            for sparql in plan.sparql:
                results.extend(native.check_sparql(sparql, focus_nodes, store))
    return results


def _core_shapes(shapes: Graph) -> tuple[str, list[Node]]:
    """The shapes without their SPARQL constraints, as Turtle for rudof (cached)."""
    hit = _CORE_SHAPES_CACHE.get(id(shapes))
    if hit is None or hit[0] is not shapes:
        core = Graph()
        sparql = list(shapes.subjects(SH.sparql, None))
        core.addN((s, p, o, core) for s, p, o in shapes if p != SH.sparql)
        hit = (shapes, core.serialize(format="turtle"), sparql)
        _CORE_SHAPES_CACHE[id(shapes)] = hit
    return hit[1], hit[2]


def _rudof_term(text: str) -> Node:
    if text.startswith("_:"):
        return BNode(text[2:])
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    return URIRef(text)


_RUDOF_LITERAL = re.compile(r'^"(?P<lex>.*)"(?:@(?P<lang>[\w-]+)|\^\^(?P<dt>\S+))?$', re.S)


def _rudof_value(text: str | None, focus: Node, path: Node | None,
                 graphs: tuple[Graph, Graph]) -> Node | None:
    """rudof's text of a value, as the term of the data it stands for."""
    if text is None:
        return None
    candidates = [o for g in graphs for o in g.objects(focus, path)] if path is not None else []
    match = _RUDOF_LITERAL.match(text)
    if match is None:  # an IRI, or the bare lexical form of some literals
        for candidate in candidates:
            if str(candidate) == text:
                return candidate
        return _rudof_term(text)
    lexical, language, datatype = match.group("lex"), match.group("lang"), match.group("dt")
    if datatype and ":" in datatype and not datatype.startswith("<"):
        prefix, _, local = datatype.partition(":")
        datatype = _RUDOF_PREFIXES.get(prefix, prefix + ":") + local
    elif datatype:
        datatype = datatype.strip("<>")
    for candidate in candidates:
        if (isinstance(candidate, Literal) and str(candidate) == lexical
                and (candidate.language or None) == language
                and (datatype is None or str(candidate.datatype) == datatype)):
            return candidate
    return Literal(lexical, lang=language, datatype=URIRef(datatype) if datatype else None)


def available() -> bool:
    """Whether pyrudof is installed, without importing it (``mgraph --help`` stays fast)."""
    from importlib.util import find_spec

    return find_spec("pyrudof") is not None
