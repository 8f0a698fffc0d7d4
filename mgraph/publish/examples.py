"""The query library as RDF, in the SIB sparql-examples form, so generic SPARQL tools find it.

Each library query (``queries/*.rq``) becomes one ``sh:SPARQLExecutable`` with the form's own
class and text property (``sh:SPARQLSelectExecutable`` and ``sh:select``, ``sh:SPARQLAskExecutable``
and ``sh:ask``, ``sh:SPARQLConstructExecutable`` and ``sh:construct``; a DESCRIBE keeps
``spex:describe`` as the SIB examples do), its question as ``rdfs:comment``, its title as
``rdfs:label``, the endpoint as ``schema:target`` and its command-line examples as
``schema:description``. Parameters are ``sh:parameter`` nodes (SHACL's own way to declare a
parameter) with ``sh:path``, ``sh:optional``, ``sh:datatype`` or ``sh:class``, ``sh:defaultValue``
and ``rdfs:comment``. The SIB form is https://github.com/sib-swiss/sparql-examples.

The query text is the file itself, header comments included: it runs as it is on any endpoint.
No blank nodes: parameters have IRIs under their query's, so the Turtle is byte-identical.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

EXAMPLES_BASE = "https://w3id.org/mgraph/queries/"
"""A library query ``NAME`` is ``<EXAMPLES_BASE>NAME``; its parameter ``P`` is ``...NAME#P``."""
SPEX = "https://purl.expasy.org/sparql-examples/ontology#"

_DATATYPES = {
    "date": "http://www.w3.org/2001/XMLSchema#date",
    "number": "http://www.w3.org/2001/XMLSchema#decimal",
    "string": "http://www.w3.org/2001/XMLSchema#string",
}


def sparql_examples(target: str, queries: dict[str, Any] | None = None) -> Graph:
    """Every library query as a SHACL executable; ``target`` is the SPARQL endpoint (or dataset)."""
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    from mgraph.core.namespaces import MG, SCHEMA, SH
    from mgraph.core.sparql_text import query_form
    from mgraph.queries.library import library

    spex = Namespace(SPEX)
    graph = Graph()
    graph.bind("spex", spex)
    graph.bind("mgq", EXAMPLES_BASE)
    forms = {
        "SELECT": (SH.SPARQLSelectExecutable, SH.select),
        "ASK": (SH.SPARQLAskExecutable, SH.ask),
        "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
        "DESCRIBE": (None, spex.describe),
    }
    for name, query in sorted((queries if queries is not None else library()).items()):
        node = URIRef(EXAMPLES_BASE + name)
        form = query_form(query.text) or "SELECT"
        cls, text_property = forms.get(form, forms["SELECT"])
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        if cls is not None:
            graph.add((node, RDF.type, cls))
        graph.add((node, text_property, Literal(query.text)))
        graph.add((node, RDFS.label, Literal(query.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(query.question or query.title, lang="en")))
        graph.add((node, SCHEMA.target, URIRef(target)))
        graph.add((node, SCHEMA.identifier, Literal(name)))
        for example in query.examples:
            graph.add((node, SCHEMA.description, Literal(example)))
        if query.is_check:
            graph.add((node, SCHEMA.keywords, Literal("data quality check")))
        for param in query.params:
            pnode = URIRef(f"{node}#{param.name}")
            graph.add((node, SH.parameter, pnode))
            graph.add((pnode, RDF.type, SH.Parameter))
            graph.add((pnode, SH.path, pnode))
            graph.add((pnode, SH.name, Literal(param.name)))
            graph.add((pnode, SH.optional, Literal(not param.required)))
            if param.doc:
                graph.add((pnode, RDFS.comment, Literal(param.doc, lang="en")))
            if param.type in ("id", "iri"):
                graph.add((pnode, SH.nodeKind, SH.IRI))
                if param.kind:
                    graph.add((pnode, SH["class"], _kind_class(param.kind, MG)))
            elif param.type in _DATATYPES:
                graph.add((pnode, SH.datatype, URIRef(_DATATYPES[param.type])))
            if param.default is not None:
                graph.add((pnode, SH.defaultValue, Literal(param.default)))
            if param.bounds:
                graph.add((pnode, SH.minInclusive, Literal(param.bounds[0], datatype=XSD.integer)))
                graph.add((pnode, SH.maxInclusive, Literal(param.bounds[1], datatype=XSD.integer)))
    return graph


def _kind_class(kind: str, mg: object) -> URIRef:
    """The class of a record kind (``meeting`` -> ``mg:Meeting``), as the schema names it."""
    from rdflib import URIRef

    from mgraph.core.schema import kind_named

    spec = kind_named(kind)
    if spec is not None:
        return spec.cls
    return URIRef(f"{mg}{kind.title()}")


def examples_turtle(graph: Graph) -> bytes:
    """The examples as sorted Turtle, byte-identical from one build to the next."""
    from mgraph.core.serialize import prepare, to_turtle

    return to_turtle(prepare(graph), extra_prefixes={"spex": SPEX, "mgq": EXAMPLES_BASE})
