"""Graphviz DOT: one colour per class (shades of its family's hue, as on the HTML page) with a
legend, relation labels on edges, every string quoted and escaped.

A small view is laid out left to right by ``dot``; a view of more than ``LARGE`` nodes asks for
``sfdp`` (``layout=sfdp``, overlaps removed, no edge labels), which ``dot -Tsvg`` then follows, so
a whole view is a readable map rather than a strip thousands of pixels long."""

from __future__ import annotations

from typing import Any

from mgraph.exporters._flat import edges, nodes
from mgraph.exporters._style import class_colours

NAME = "dot"
EXTENSION = "dot"
MEDIA_TYPE = "text/vnd.graphviz"
DESCRIPTION = "Graphviz DOT, coloured by class"
LARGE = 150
"""Views with more nodes get the ``sfdp`` layout."""
LEGEND_PREFIX = "legend:"
"""Ids of the legend's nodes (not entities of the view)."""


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes, quotes and line breaks escaped."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )
    return f'"{escaped}"'


def export(view: Any, **options: Any) -> bytes:
    colours = class_colours(view)
    name = f"mgraph {view.graph.get('view', '')} view"
    large = view.number_of_nodes() > LARGE
    if large:
        layout = (
            '  graph [layout=sfdp, overlap=prism, overlap_scaling=-4, sep="+6", splines=false, '
            'outputorder=edgesfirst, fontname="Helvetica"];'
        )
    else:
        layout = '  graph [rankdir=LR, overlap=false, splines=true, fontname="Helvetica"];'
    lines = [
        f"digraph {quote(name)} {{",
        layout,
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#666666"];',
    ]
    lines.append("  subgraph cluster_legend {")
    lines.append(f"    label={quote('classes')};")
    for cls, colour in colours.items():
        lines.append(
            f"    {quote(LEGEND_PREFIX + cls)} [label={quote(cls or '(none)')}, fillcolor={quote(colour)}];"
        )
    lines.append("  }")
    for iri, attrs in nodes(view):
        label, cls = attrs.get("label") or iri, attrs.get("class") or ""
        lines.append(
            f"  {quote(iri)} [label={quote(label)}, fillcolor={quote(colours[cls])}, tooltip={quote(cls)}];"
        )
    for u, v, key, attrs in edges(view):
        label = attrs.get("label") or key
        weight = attrs.get("weight") or 1
        extra = f", penwidth={min(1 + weight / 2, 8):.1f}" if weight > 1 else ""
        shown = f"tooltip={quote(label)}" if large else f"label={quote(label)}, tooltip={quote(key)}"
        lines.append(f"  {quote(u)} -> {quote(v)} [{shown}{extra}];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")
