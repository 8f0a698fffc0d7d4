"""mgraph: a knowledge graph of mercury governance.

The public API. Names are loaded on first use (PEP 562), so ``import mgraph`` and ``mgraph --help``
import neither rdflib, pyoxigraph nor pyshacl. Modules are named for what they do, never like an
API function, so importing a submodule never hides a function here.

>>> import mgraph
>>> mgraph.__version__
'0.2.0.dev0'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0.dev0"

# name -> (module, attribute): the whole public API in one table.
_API: dict[str, tuple[str, str]] = {
    "DataLoadError": ("mgraph.errors", "DataLoadError"),
    "InputError": ("mgraph.errors", "InputError"),
    "MgraphError": ("mgraph.errors", "MgraphError"),
    "KnowledgeGraph": ("mgraph.loader", "KnowledgeGraph"),
    "load": ("mgraph.loader", "load"),
    "build": ("mgraph.release", "build"),
    "diff": ("mgraph.changes", "diff"),
    "validate": ("mgraph.validation", "validate"),
    "query": ("mgraph.queries", "run"),
    "stats": ("mgraph.statistics", "stats"),
    "network": ("mgraph.views", "build_view"),
    "export": ("mgraph.exporters", "export_view"),
    "analyze": ("mgraph.analytics", "analyze"),
    "paths": ("mgraph.analytics", "paths"),
    "search": ("mgraph.resolver", "search"),
    "resolve": ("mgraph.resolver", "resolve"),
    "push": ("mgraph.upload", "push"),
}

__all__ = [  # the keys of _API (a test keeps them equal)
    "DataLoadError",
    "InputError",
    "KnowledgeGraph",
    "MgraphError",
    "__version__",
    "analyze",
    "build",
    "diff",
    "export",
    "load",
    "network",
    "paths",
    "push",
    "query",
    "resolve",
    "search",
    "stats",
    "validate",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from mgraph.analytics import analyze, paths
    from mgraph.changes import diff
    from mgraph.errors import DataLoadError, InputError, MgraphError
    from mgraph.exporters import export_view as export
    from mgraph.loader import KnowledgeGraph, load
    from mgraph.queries import run as query
    from mgraph.release import build
    from mgraph.resolver import resolve, search
    from mgraph.statistics import stats
    from mgraph.upload import push
    from mgraph.validation import validate
    from mgraph.views import build_view as network


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'mgraph' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
