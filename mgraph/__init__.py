"""mgraph: a knowledge graph of mercury governance.

The public API; the ``mgraph`` command is a thin layer over these functions.
"""

from __future__ import annotations

from typing import Any

from mgraph.errors import DataLoadError, InputError, MgraphError
from mgraph.load import KnowledgeGraph, load

__version__ = "0.1.0"

__all__ = [
    "DataLoadError",
    "InputError",
    "KnowledgeGraph",
    "MgraphError",
    "__version__",
    "build",
    "load",
    "query",
    "stats",
    "validate",
]


def validate(*args: Any, **kwargs: Any):
    """Validate a graph against the shapes; see :func:`mgraph.validate.validate`."""
    from mgraph.validate import validate as _validate

    return _validate(*args, **kwargs)


def build(*args: Any, **kwargs: Any):
    """Load, validate and write the release files; see :func:`mgraph.build.build`."""
    from mgraph.build import build as _build

    return _build(*args, **kwargs)


def query(name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a library query (or a .rq file) and return rows of plain values."""
    from mgraph.query import run

    return run(name, **params)


def stats(kg: KnowledgeGraph | None = None) -> dict[str, Any]:
    """Counts and coverage figures of the graph."""
    from mgraph.stats import compute_stats

    return compute_stats((kg or load()).graph)
