"""mgraph: a knowledge graph of mercury governance.

The public API; the ``mgraph`` command is a thin layer over these functions. The submodules keep
their heavy imports (pyshacl, pyoxigraph, SPARQLWrapper) inside functions, so importing mgraph
stays cheap.
"""

from __future__ import annotations

from typing import Any

# Import the submodules before binding the functions of the same name: importing a submodule
# sets the package attribute to the module, and the bindings below must win.
from mgraph.build import build
from mgraph.errors import DataLoadError, InputError, MgraphError
from mgraph.load import KnowledgeGraph, load
from mgraph.query import run as query
from mgraph.stats import compute_stats
from mgraph.validate import validate

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


def stats(kg: KnowledgeGraph | None = None) -> dict[str, Any]:
    """Counts, sources and coverage figures of the graph (default: the curated data)."""
    return compute_stats((kg or load()).graph)
