"""Cytoscape.js JSON (``elements`` with ``data``), which Cytoscape desktop also opens
(File > Import > Network from File) and ``networkx.cytoscape_graph`` reads back (``value`` and
``key`` are for it). Lists stay lists of strings; absent values are left out; ``color`` is the
node's class colour (the palette of the HTML page and DOT)."""

from __future__ import annotations

import json
from typing import Any

from mgraph.exporters._flat import edge_values, edges, graph_values, node_values, nodes
from mgraph.exporters._style import class_colour

NAME = "cytoscape"
EXTENSION = "cyjs"
MEDIA_TYPE = "application/json"
DESCRIPTION = "Cytoscape.js JSON (also Cytoscape desktop)"


def export(view: Any, **options: Any) -> bytes:
    node_elements = []
    for iri, attrs in nodes(view):
        data = {
            "id": iri,
            "value": iri,
            "name": attrs.get("label") or iri,
            "color": class_colour(attrs.get("class") or ""),
            **node_values(attrs, lists=True),
        }
        node_elements.append({"data": data, "group": "nodes"})
    edge_elements = []
    for n, (u, v, key, attrs) in enumerate(edges(view)):
        values = edge_values(key, attrs, lists=True)
        data = {
            "id": f"e{n}",
            "source": u,
            "target": v,
            "key": key,
            "interaction": values.get("label", key),
            **values,
        }
        edge_elements.append({"data": data, "group": "edges"})
    document = {
        "format_version": "1.0",
        "directed": True,
        "multigraph": True,
        "generated_by": "mgraph",
        "target_cytoscapejs_version": "~3",
        "data": {"name": f"mgraph {view.graph.get('view', '')} view", **graph_values(view)},
        "elements": {"nodes": node_elements, "edges": edge_elements},
    }
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
