"""Our ontology, parsed once per process, and its subclass closure (so no reasoner is needed)."""

from __future__ import annotations

from functools import cache

from rdflib import RDFS, Graph
from rdflib.term import Node

from mgraph.core import locations


@cache
def load_ontology() -> Graph:
    """``ontology/mercury.ttl``: shared by the loader (type closure) and validation (sh:class)."""
    return Graph().parse(locations.ONTOLOGY, format="turtle")


def superclasses(graph: Graph) -> dict[Node, frozenset[Node]]:
    """Each class's strict superclasses through ``rdfs:subClassOf`` in ``graph``."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        direct.setdefault(sub, set()).add(sup)
    closure: dict[Node, frozenset[Node]] = {}
    for start in direct:
        seen: set[Node] = set()
        stack = list(direct[start])
        while stack:
            cls = stack.pop()
            if cls not in seen:
                seen.add(cls)
                stack.extend(direct.get(cls, ()))
        closure[start] = frozenset(seen)
    return closure
