"""One palette for every drawn format (the HTML page, DOT, Mermaid): a colour per class family.

A family is a top-level class of the ontology (``mg:Meeting``, ``mg:Organisation``,
``mg:LegalAct``...) with all its subclasses. Each family has its own hue, given in the sorted order
of the ontology's families, so a class has the same colour in every view and every format; the
subclasses are shades of it (the family's own class the base colour).
"""

from __future__ import annotations

import colorsys
from functools import cache
from typing import Any

BASES = (
    "#4e79a7",  # blue
    "#f28e2b",  # orange
    "#59a14f",  # green
    "#e15759",  # red
    "#b07aa1",  # purple
    "#edc948",  # yellow
    "#76b7b2",  # teal
    "#9c755f",  # brown
    "#ff9da7",  # pink
    "#17becf",  # cyan
    "#bcbd22",  # olive
    "#6b6ecf",  # indigo
    "#c85200",  # rust
    "#a3acb9",  # slate
    "#8cd17d",  # light green
    "#de9ed6",  # orchid
    "#637939",  # moss
    "#a0cbe8",  # sky
    "#843c39",  # maroon
    "#ffbe7d",  # peach
)
"""Distinct hues, one per family: the first to the families in :data:`FIRST`, then in order."""
FIRST = (
    "mg:Organisation",
    "mg:Event",
    "mg:State",
    "mg:Meeting",
    "mg:Decision",
    "mg:Person",
    "mg:LegalAct",
    "mg:Project",
    "mg:PartnershipArea",
    "mg:Convention",
    "mg:Provision",
    "mg:Topic",
)
"""The families most views show, given the most distinct hues."""
OTHER = "#bab0ac"
"""A class outside the ontology (or none)."""
SPREAD = (-0.16, 0.2)
"""The lightness of a family's subclasses spans this much below and above its base colour."""


@cache
def hierarchy() -> dict[str, tuple[str, ...]]:
    """Each ontology class (compact) -> its declared superclasses (compact), nearest first."""
    from mgraph.core.terms import compact_iri
    from mgraph.networks.index import class_closure

    closure = class_closure()
    declared = set(closure)
    out: dict[str, tuple[str, ...]] = {}
    for cls, supers in closure.items():
        mine = [s for s in supers if s in declared]
        # nearest first: a superclass with more superclasses of its own is nearer
        mine.sort(key=lambda s: (-len(closure.get(s, ())), s))
        out[compact_iri(cls)] = tuple(compact_iri(s) for s in mine)
    return out


def family(cls: str) -> str | None:
    """The top-level class of a class's family (itself for a top-level class), None when the
    ontology does not declare it."""
    supers = hierarchy().get(cls)
    if supers is None:
        return None
    return supers[-1] if supers else cls


@cache
def colours() -> dict[str, str]:
    """Every ontology class (compact) -> its colour."""
    tree = hierarchy()
    found = {family(c) or c for c in tree}
    roots = [f for f in FIRST if f in found] + sorted(found - set(FIRST))
    members: dict[str, list[str]] = {}
    for cls in tree:
        members.setdefault(family(cls) or cls, []).append(cls)
    out = {}
    for n, root in enumerate(roots):
        base = BASES[n % len(BASES)]
        ordered = sorted(members[root], key=lambda c: (len(tree[c]), c))
        out[root] = base
        others = [c for c in ordered if c != root]
        for k, cls in enumerate(others):
            # alternate lighter and darker, further out for each pair, across the spread
            step = (k // 2 + 1) / ((len(others) + 1) // 2 + 1)
            out[cls] = _shade(base, SPREAD[1] * step if k % 2 == 0 else SPREAD[0] * step)
    return out


def class_colour(cls: str) -> str:
    """The colour of a class (compact name); the classes outside the ontology are one grey
    family (a shade by name, the same in every view), no class at all plain grey."""
    known = colours().get(cls)
    if known is not None:
        return known
    if not cls or cls.startswith("("):
        return OTHER
    import zlib

    step = (zlib.crc32(cls.encode("utf-8")) % 9 - 4) / 20
    return _shade(OTHER, step or 0.25)


def legend_key(cls: str) -> tuple[str, int, str]:
    """The order of a legend: by family, the family's class first, then its subclasses."""
    return (family(cls) or "~" + cls, len(hierarchy().get(cls, ())), cls)


def class_colours(view: Any) -> dict[str, str]:
    """Each node class of the view, in the legend's order -> its colour."""
    classes = sorted({attrs.get("class") or "" for _, attrs in view.nodes(data=True)}, key=legend_key)
    return {cls: class_colour(cls) for cls in classes}


def _shade(colour: str, step: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    lightness = min(0.88, max(0.3, lightness + step))
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
