"""Where the project's own files live (ontology, shapes, data, queries)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "mercury.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
DATA = ROOT / "data"
QUERIES = ROOT / "queries"
DIST = ROOT / "dist"
