"""Node-link JSON (networkx's ``node_link_data`` layout: ``nodes`` and ``edges``), read the same
by D3 (``d3.forceLink(data.edges).id(d => d.id)``) and by networkx
(``networkx.node_link_graph(data, edges="edges")``): a node's ``id`` is its IRI, which is what the
edges' ``source`` and ``target`` name, so every reader finds the same nodes and links as GraphML.
The view's record id (``decision/mc-5-3``) is the node's ``record_id``, as in the flat formats;
every other attribute is kept as the view holds it (lists and sources as JSON)."""

from __future__ import annotations

import json
from typing import Any

NAME = "nodelink"
EXTENSION = "json"
MEDIA_TYPE = "application/json"
DESCRIPTION = "node-link JSON (D3, networkx.node_link_graph)"


def export(view: Any, **options: Any) -> bytes:
    nodes = []
    for iri, attrs in sorted(view.nodes(data=True), key=lambda n: n[0]):
        values = {k: v for k, v in attrs.items() if k not in ("id", "iri")}
        nodes.append({**values, "id": iri, "iri": iri, "record_id": attrs.get("id")})
    edges = []
    for u, v, key, attrs in sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        edges.append({**attrs, "source": u, "target": v, "key": key})
    data = {
        "directed": True,
        "multigraph": True,
        "graph": dict(view.graph),
        "nodes": nodes,
        "edges": edges,
    }
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
