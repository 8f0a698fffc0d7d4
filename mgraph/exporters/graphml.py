"""GraphML with typed attributes (strings; ``n_sources`` and ``weight`` integers), for Gephi,
Cytoscape desktop, yEd and networkx (``read_graphml``). Every edge has its own id (``e0``...);
its relation is the ``relation`` attribute. Lists are joined by "; "; absent values left out."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from mgraph.core.garbage import collection_paused
from mgraph.exporters._flat import EDGE_FIELDS, NODE_FIELDS, edge_values, edges, graph_values, nodes
from mgraph.exporters._xml import attr, text

NAME = "graphml"
EXTENSION = "graphml"
MEDIA_TYPE = "application/graphml+xml"
DESCRIPTION = "GraphML with typed attributes (Gephi, Cytoscape, yEd, networkx)"

INTEGERS = {"n_sources", "weight"}
CHUNK = 2000  # nodes or edges written to the stream at a time
HEADER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def export(view: Any, **options: Any) -> bytes:
    buffer = io.BytesIO()
    write(view, buffer)
    return buffer.getvalue()


def write(view: Any, stream: BinaryIO, **options: Any) -> None:
    """Write the view's GraphML to a binary stream (a file, or a buffer) as it is made, a few
    thousand elements at a time: at a million triples, one string of the whole document and the
    pieces it was joined from took more memory than the view itself."""
    with collection_paused():  # hundreds of thousands of short-lived strings and tuples
        _write(view, stream)


def _write(view: Any, stream: BinaryIO) -> None:
    from mgraph.exporters._flat import node_values

    keys = {("graph", name): f"g_{name}" for name in ("view", "options")}
    keys.update({("node", name): f"n_{name}" for name in NODE_FIELDS})
    keys.update({("edge", name): f"e_{name}" for name in EDGE_FIELDS})
    out = [HEADER]
    for (domain, name), key in keys.items():
        kind = "int" if name in INTEGERS else "string"
        out.append(f'  <key id="{key}" for="{domain}" attr.name="{name}" attr.type="{kind}" />\n')
    out.append('  <graph edgedefault="directed">\n')
    for name, value in graph_values(view).items():
        out.append(f'    <data key="{keys["graph", name]}">{text(value)}</data>\n')
    node_open = {name: f'      <data key="{keys["node", name]}">' for name in NODE_FIELDS}
    edge_open = {name: f'      <data key="{keys["edge", name]}">' for name in EDGE_FIELDS}

    def flush() -> None:
        stream.write("".join(out).encode("utf-8"))
        out.clear()

    for n, (iri, attrs) in enumerate(nodes(view)):
        out.append(f"    <node id={attr(iri)}>\n")
        for name, value in node_values(attrs).items():
            out.append(f"{node_open[name]}{text(value)}</data>\n")
        out.append("    </node>\n")
        if n % CHUNK == CHUNK - 1:
            flush()
    for n, (u, v, key, attrs) in enumerate(edges(view)):
        out.append(f'    <edge id="e{n}" source={attr(u)} target={attr(v)}>\n')
        for name, value in edge_values(key, attrs).items():
            out.append(f"{edge_open[name]}{text(value)}</data>\n")
        out.append("    </edge>\n")
        if n % CHUNK == CHUNK - 1:
            flush()
    out.append("  </graph>\n</graphml>\n")
    flush()
