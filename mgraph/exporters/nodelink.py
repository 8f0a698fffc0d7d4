"""Node-link JSON (networkx's ``node_link_data``: ``nodes`` and ``edges`` with every attribute as
the view holds it), for D3 and ``networkx.node_link_graph(data, edges="edges", name="iri")``:
nodes are named by their ``iri``, so their ``id`` stays the record id (``decision/mc-5-3``)."""

from __future__ import annotations

import json
from typing import Any

NAME = "nodelink"
EXTENSION = "json"
MEDIA_TYPE = "application/json"
DESCRIPTION = "node-link JSON (D3, networkx.node_link_graph)"


def export(view: Any, **options: Any) -> bytes:
    import networkx as nx  # type: ignore[import-untyped]

    data = nx.node_link_data(view, edges="edges", name="iri")
    data["nodes"].sort(key=lambda n: n["iri"])
    data["edges"].sort(key=lambda e: (e["source"], e["target"], e["key"]))
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
