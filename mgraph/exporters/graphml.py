"""GraphML with typed attributes (strings; ``n_sources`` and ``weight`` integers), for Gephi,
Cytoscape desktop, yEd and networkx."""

from __future__ import annotations

from typing import Any

from mgraph.exporters._flat import flat_graph

NAME = "graphml"
EXTENSION = "graphml"
MEDIA_TYPE = "application/graphml+xml"
DESCRIPTION = "GraphML with typed attributes (Gephi, Cytoscape, yEd, networkx)"


def export(view: Any, **options: Any) -> bytes:
    import networkx as nx

    text = "\n".join(nx.generate_graphml(flat_graph(view), encoding="utf-8", prettyprint=True))
    return (text + "\n").encode("utf-8")
