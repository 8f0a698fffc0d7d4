"""Views flattened for formats that hold only plain values (GraphML, GEXF, CSV, Cytoscape).

Lists become one string joined by "; " in their sorted order (sources by IRI, facts as
"label: value"); absent values (None) are left out, so a reader sees no empty placeholders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

SEP = "; "
NODE_FIELDS = (
    "label",
    "iri",
    "record_id",
    "kind",
    "class",
    "classes",
    "alt_names",
    "start",
    "end",
    "n_sources",
    "sources",
    "facts",
)
"""Node attributes of flat formats, in this order (``record_id`` is the view's ``id``)."""
EDGE_FIELDS = ("relation", "label", "predicate", "start", "end", "weight", "via", "record", "sources")
"""Edge attributes of flat formats (``relation`` is the edge key, the compact predicate)."""


def node_values(attrs: dict[str, Any], *, lists: bool = False) -> dict[str, Any]:
    """A node's attributes as plain values; ``lists`` keeps lists of strings as lists."""
    values = {
        "label": attrs.get("label"),
        "iri": attrs.get("iri"),
        "record_id": attrs.get("id"),
        "kind": attrs.get("kind"),
        "class": attrs.get("class"),
        "classes": attrs.get("classes") or [],
        "alt_names": attrs.get("alt_names") or [],
        "start": attrs.get("start"),
        "end": attrs.get("end"),
        "n_sources": int(attrs.get("n_sources") or 0),
        "sources": [s["iri"] for s in attrs.get("sources") or ()],
        "facts": [f"{f['label']}: {f['value']}" for f in attrs.get("facts") or ()],
    }
    return _plain(values, lists)


def edge_values(key: str, attrs: dict[str, Any], *, lists: bool = False) -> dict[str, Any]:
    values = {
        "relation": key,
        "label": attrs.get("label"),
        "predicate": attrs.get("predicate"),
        "start": attrs.get("start"),
        "end": attrs.get("end"),
        "weight": int(attrs.get("weight") or 1),
        "via": list(attrs.get("via") or []),
        "record": attrs.get("record"),
        "sources": [s["iri"] for s in attrs.get("sources") or ()],
    }
    return _plain(values, lists)


def _plain(values: dict[str, Any], lists: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list):
            if not value:
                continue
            out[name] = list(value) if lists else SEP.join(map(str, value))
        elif value is not None and value != "":
            out[name] = value
    return out


def edges(view: Any) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """The view's edges in their one order (source, target, key)."""
    if view.is_multigraph() and view.is_directed():
        # read from the adjacency itself: networkx's edge view makes a call per edge
        found = [
            (u, v, key, data)
            for u, targets in view.succ.items()
            for v, keyed in targets.items()
            for key, data in keyed.items()
        ]
    else:
        found = list(view.edges(keys=True, data=True))
    found.sort(key=itemgetter(0, 1, 2))
    yield from found


def nodes(view: Any) -> list[tuple[str, dict[str, Any]]]:
    return sorted(view.nodes(data=True), key=lambda n: n[0])


def graph_values(view: Any) -> dict[str, str]:
    return {
        "view": str(view.graph.get("view", "")),
        "options": json.dumps(view.graph.get("options", {}), sort_keys=True),
    }


def flat_graph(view: Any, node_id: str | None = None) -> Any:
    """A MultiDiGraph with the view's nodes and edges and plain attributes; edge keys ``e0``...,
    so every edge has its own id in GraphML and GEXF."""
    import networkx as nx

    flat = nx.MultiDiGraph()
    flat.graph.update(graph_values(view))
    for iri, attrs in nodes(view):
        flat.add_node(iri, **node_values(attrs))
    for n, (u, v, key, attrs) in enumerate(edges(view)):
        flat.add_edge(u, v, key=f"e{n}", **edge_values(key, attrs))
    return flat
