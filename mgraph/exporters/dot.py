"""Graphviz DOT: one colour per class with a legend, relation labels on edges, every string
quoted and escaped. Render with ``dot -Tsvg view.dot -o view.svg`` (``sfdp`` for large views)."""

from __future__ import annotations

from typing import Any

from mgraph.exporters._flat import edges, nodes
from mgraph.exporters._style import class_colours

NAME = "dot"
EXTENSION = "dot"
MEDIA_TYPE = "text/vnd.graphviz"
DESCRIPTION = "Graphviz DOT, coloured by class"
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
    lines = [
        f"digraph {quote(name)} {{",
        '  graph [rankdir=LR, overlap=false, splines=true, fontname="Helvetica"];',
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
        lines.append(f"  {quote(u)} -> {quote(v)} [label={quote(label)}, tooltip={quote(key)}{extra}];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")
