"""The RDF graph indexed for views and entity lookup: triples by subject, types, labels, names.

One index per graph; the project's own graph (:mod:`mgraph.core.graphs`: ``dist/mercury.nt`` when it
is built, else ``data/`` loaded) is indexed once per process and reused while it is unchanged. Terms are
pyoxigraph terms: ``str(term)`` is the N-Triples form, ``term.value`` the IRI or lexical form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from mgraph.core.garbage import collection_paused
from mgraph.core.namespaces import MG, MGID, ORG, SCHEMA
from mgraph.core.terms import compact_iri as _compact_iri

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREF_LABEL = SKOS + "prefLabel"
ALT_LABEL = SKOS + "altLabel"
IDENTIFIER = "http://purl.org/dc/terms/identifier"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
SCHEMA_URL = str(SCHEMA.url)
ALT_NAME_PREDICATES = (ALT_LABEL, PREF_LABEL, IDENTIFIER, str(MG.iso3166Alpha2), str(MG.iso3166Alpha3))
"""Values that are other names of an entity: acronyms, codes (MC-5/3), ISO country codes."""

SOURCE_DOCUMENT = str(MG.SourceDocument)
CLAIM = str(MG.Claim)
PLACE = str(SCHEMA.Place)
ROLE_HOLDING = str(MG.RoleHolding)
ROLE_MEMBER = str(ORG.member)
ROLE_OF = str(ORG.organization)
ROLE = str(ORG.role)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
MGID_TEXT = str(MGID)
_MGID_LENGTH = len(MGID_TEXT)

compact_iri = lru_cache(maxsize=1 << 17)(_compact_iri)
"""The compact IRI, remembered: vocabulary IRIs and the same entities recur on every node and
edge of a view (at 1M triples, hundreds of thousands of calls)."""


@dataclass
class GraphIndex:
    """Triples of one graph grouped by subject, with the names of every typed entity."""

    out: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)  # s -> [(p, o term)]
    types: dict[str, set[str]] = field(default_factory=dict)  # entity -> class IRIs

    def label(self, iri: str) -> str:
        """The entity's rdfs:label (then skos:prefLabel), else a readable name of the IRI."""
        pairs = self.out.get(iri, ())
        for predicate in (RDFS_LABEL, PREF_LABEL):
            values = [o for p, o in pairs if p == predicate]
            if values:
                return min(_label_key(o) for o in values)[2]
        return self.record_id(iri) if iri.startswith(MGID_TEXT) else term_label(iri)

    def alt_names(self, iri: str) -> list[str]:
        return sorted({o.value for p, o in self.out.get(iri, ()) if p in ALT_NAME_PREDICATES})

    def values(self, iri: str, predicate: str) -> list[Any]:
        return [o for p, o in self.out.get(iri, ()) if p == predicate]

    def kind(self, iri: str) -> str:
        """The record kind (``decision``): the first segment of an mgid: IRI; ``source`` for a
        source document cited by its URL."""
        if iri.startswith(MGID_TEXT):
            return iri[_MGID_LENGTH:].split("/", 1)[0]
        if SOURCE_DOCUMENT in self.types.get(iri, ()):
            return "source"
        return compact_iri(iri).split(":", 1)[0]

    def record_id(self, iri: str) -> str:
        """``decision/mc-5-3`` for an mgid: IRI, else the compact IRI."""
        if iri.startswith(MGID_TEXT):
            return iri[_MGID_LENGTH:]
        return compact_iri(iri)


def _label_key(term: Any) -> tuple[int, str, str]:
    language = getattr(term, "language", None)
    return (0 if language in (None, "en") else 1, language or "", term.value)


@lru_cache(maxsize=1 << 17)
def term_label(iri: str) -> str:
    """A vocabulary term's label from the ontology, else its local name in words (remembered:
    the same predicates and values recur on every node and edge of a view)."""
    label = ontology_labels().get(iri)
    if label:
        return label
    compact = compact_iri(iri)
    if compact == iri:
        return iri
    return _CAMEL.sub(" ", compact.split(":", 1)[1]).lower()


@cache
def ontology_labels() -> dict[str, str]:
    """rdfs:label (English) of every term our ontology labels."""
    from rdflib import RDFS

    from mgraph.core.ontology import load_ontology

    labels: dict[str, str] = {}
    for subject, label in sorted(load_ontology().subject_objects(RDFS.label)):
        if getattr(label, "language", None) in (None, "en"):
            labels.setdefault(str(subject), str(label))
    return labels


@cache
def class_closure() -> dict[str, frozenset[str]]:
    """Each ontology class's strict superclasses, as IRI strings."""
    from mgraph.core.loader import type_closure

    return {str(c): frozenset(str(s) for s in sups) for c, sups in type_closure().items()}


def index_triples(triples: Iterable[Any]) -> GraphIndex:
    """Index pyoxigraph triples or quads (their graph name is ignored); blank nodes are skipped."""
    return index_terms((triple.subject, triple.predicate, triple.object) for triple in triples)


def index_terms(triples: Iterable[tuple[Any, Any, Any]]) -> GraphIndex:
    """Index ``(subject, predicate, object)`` pyoxigraph terms; blank nodes are skipped."""
    import pyoxigraph as ox

    index = GraphIndex()
    out, types = index.out, index.types
    names: dict[str, str] = {}  # one string per predicate, not one per triple (memory at 1M)
    named, blank = ox.NamedNode, ox.BlankNode
    with collection_paused():
        for subject, predicate, obj in triples:
            if type(subject) is not named or type(obj) is blank:
                if not isinstance(subject, named) or isinstance(obj, blank):
                    continue
            s, p = subject.value, predicate.value
            p = names.setdefault(p, p)
            if p == RDF_TYPE:
                found = types.get(s)
                if found is None:
                    found = types[s] = set()
                found.add(obj.value)
            pairs = out.get(s)
            if pairs is None:
                out[s] = [(p, obj)]
            else:
                pairs.append((p, obj))
    return index


def index_graph(graph: Any) -> GraphIndex:
    """Index an rdflib Graph, a KnowledgeGraph, a pyoxigraph Store, an RDF file or triples."""
    if isinstance(graph, (str, Path)):
        from mgraph.core.user_files import user_triples

        # Read by pyoxigraph and indexed as the triples stream in, with the same checks as every
        # user file: no rdflib graph, no store, and no conversion of every triple back to
        # pyoxigraph (at 1M triples that was about 30 s and 1 GB of a GraphML export).
        index = index_terms(user_triples(graph))
        out = index.out
        with collection_paused():
            for subject, pairs in out.items():  # once each: a file may repeat a triple
                if len(pairs) > 1:
                    unique = list(dict.fromkeys(pairs))
                    if len(unique) != len(pairs):
                        out[subject] = unique
        return index

    from rdflib import Graph

    from mgraph.core.store import OxigraphStore
    from mgraph.core.terms import oxigraph_triples

    if hasattr(graph, "graph") and isinstance(graph.graph, Graph):  # a KnowledgeGraph
        graph = graph.graph
    if isinstance(graph, OxigraphStore):
        graph = graph.store
    if hasattr(graph, "quads_for_pattern"):  # a pyoxigraph Store
        return index_triples(graph.quads_for_pattern(None, None, None))
    return index_triples(oxigraph_triples(graph))


_CACHE: dict[int, tuple[Any, GraphIndex]] = {}


def project_index() -> GraphIndex:
    """The index of the project's graph (:func:`mgraph.core.graphs.project_graph`: dist/mercury.nt
    when built, else data/), made once for each graph that function hands out."""
    from mgraph.core.graphs import project_graph

    graph = project_graph()
    cached = _CACHE.get(id(graph))
    if cached is None or cached[0] is not graph:
        _CACHE.clear()
        cached = (graph, index_graph(graph))
        _CACHE[id(graph)] = cached
    return cached[1]


def get_index(graph: Any = None) -> GraphIndex:
    """The index of ``graph`` (None: the project's graph, cached)."""
    if graph is None:
        return project_index()
    if isinstance(graph, GraphIndex):
        return graph
    return index_graph(graph)
