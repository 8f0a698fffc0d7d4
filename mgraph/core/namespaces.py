"""The one place where mgraph's IRIs are settled.

Three namespaces of our own, none with a version in it: the vocabulary (classes and
properties), the instances (one IRI per curated record) and the shapes.
"""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

MG = Namespace("https://w3id.org/mgraph/ontology#")
"""Vocabulary: classes, properties and controlled concepts of the ontology."""

MGID = Namespace("https://w3id.org/mgraph/id/")
"""Instances: ``MGID[f"{kind}/{slug}"]`` for every curated record."""

MGSH = Namespace("https://w3id.org/mgraph/shapes#")
"""SHACL shapes."""

ONTOLOGY_IRI = "https://w3id.org/mgraph/ontology"
SHAPES_IRI = "https://w3id.org/mgraph/shapes"

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")

INSTANCE_KINDS = (
    "claim",
    "convention",
    "country",
    "decision",
    "event",
    "legal-act",
    "meeting",
    "organisation",
    "partnership-area",
    "person",
    "place",
    "project",
    "provision",
    "role",
    "scheme",
    "source",
    "topic",
)
"""The first segment of every instance IRI: the record kinds of :func:`mgraph.core.schema.kinds`, plus
``claim`` (a sourced statement about a record) and ``scheme`` (a SKOS concept scheme). Each is a
prefix of its own: ``meeting:cop-5`` is ``<https://w3id.org/mgraph/id/meeting/cop-5>``."""

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "mg": MG,
    "mgid": MGID,
    **{kind: Namespace(f"{MGID}{kind}/") for kind in INSTANCE_KINDS},
    "mgsh": MGSH,
    "dcterms": DCTERMS,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "sh": SH,
    "skos": SKOS,
    "time": TIME,
    "vann": VANN,
    "xsd": XSD,
}

PREFIX_IRIS: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
"""The same table with plain strings, as pyoxigraph and the query texts take it."""


def bind_prefixes(graph: Graph) -> Graph:
    """Bind our prefixes, replacing rdflib's defaults, so every output spells IRIs alike."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def instance_prefixes(kinds: list[str]) -> dict[str, str]:
    """One prefix per record kind (``decision:`` for ``mgid:decision/``), for readable Turtle."""
    return {kind: f"{MGID}{kind}/" for kind in kinds}


def instance_iri(kind: str, slug: str) -> str:
    """The IRI of a curated record: stable as long as its kind and id are."""
    return f"{MGID}{kind}/{slug}"
