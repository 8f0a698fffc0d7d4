"""A Mermaid flowchart (for Markdown pages that render Mermaid): nodes ``n0``, ``n1``... in IRI
order, labels in quotes with Mermaid's entity codes for quotes, ``#``, ``<``, ``>`` and ``|``;
one class style per class."""

from __future__ import annotations

from typing import Any

from mgraph.exporters._flat import edges, nodes
from mgraph.exporters._style import class_colours

NAME = "mermaid"
EXTENSION = "mmd"
MEDIA_TYPE = "text/vnd.mermaid"
DESCRIPTION = "Mermaid flowchart"


def label(text: str) -> str:
    """A quoted Mermaid label."""
    escaped = " ".join(text.split())
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        escaped = escaped.replace(char, code)
    return f'"{escaped}"'


def export(view: Any, **options: Any) -> bytes:
    colours = class_colours(view)
    ids = {iri: f"n{i}" for i, (iri, _) in enumerate(nodes(view))}
    lines = ["flowchart LR"]
    members: dict[str, list[str]] = {}
    for iri, attrs in nodes(view):
        lines.append(f"  {ids[iri]}[{label(attrs.get('label') or iri)}]")
        members.setdefault(attrs.get("class") or "", []).append(ids[iri])
    for u, v, key, attrs in edges(view):
        lines.append(f"  {ids[u]} -->|{label(attrs.get('label') or key)}| {ids[v]}")
    for n, (cls, colour) in enumerate(colours.items()):
        lines.append(f"  classDef c{n} fill:{colour},stroke:#333333,color:#000000")
        lines.append(f"  class {','.join(members[cls])} c{n}")
    return ("\n".join(lines) + "\n").encode("utf-8")
