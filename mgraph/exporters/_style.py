"""One colour per class, the same in every drawn format (DOT, Mermaid)."""

from __future__ import annotations

from typing import Any

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#86bcb6",
    "#d37295",
    "#a0cbe8",
    "#ffbe7d",
    "#8cd17d",
    "#f1ce63",
)
"""Tableau 20's distinct hues (light enough for black text)."""


def class_colours(view: Any) -> dict[str, str]:
    """Each node class of the view (sorted) -> a colour; classes beyond the palette reuse it."""
    classes = sorted({attrs.get("class") or "" for _, attrs in view.nodes(data=True)})
    return {cls: PALETTE[i % len(PALETTE)] for i, cls in enumerate(classes)}
