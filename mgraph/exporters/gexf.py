"""GEXF 1.3 for Gephi: typed attributes, and start/end dates on dated nodes and edges so Gephi's
timeline works (a partial date covers its whole year or month: ``2023`` -> 2023-01-01..2023-12-31).
"""

from __future__ import annotations

from typing import Any

from mgraph.exporters._flat import flat_graph

NAME = "gexf"
EXTENSION = "gexf"
MEDIA_TYPE = "application/gexf+xml"
DESCRIPTION = "GEXF 1.3 with dated nodes and edges for Gephi's timeline"


def export(view: Any, **options: Any) -> bytes:
    import networkx as nx

    from mgraph.views import date_bounds

    flat = flat_graph(view)
    dated = False
    for element in [*(d for _, d in flat.nodes(data=True)), *(d for *_, d in flat.edges(data=True))]:
        start, end = element.get("start"), element.get("end")
        if start:
            element["start"] = date_bounds(start)[0].isoformat()
            dated = True
        if end:
            element["end"] = date_bounds(end)[1].isoformat()
            dated = True
    for _, _, key, data in flat.edges(keys=True, data=True):
        data["id"] = key  # each edge its own id; the relation is the "relation" attribute
    if dated:
        flat.graph["mode"] = "dynamic"
    text = "\n".join(nx.generate_gexf(flat, encoding="utf-8", prettyprint=True, version="1.3"))
    return (text + "\n").encode("utf-8")
