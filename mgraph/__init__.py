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
    "DataLoadError": ("mgraph.core.errors", "DataLoadError"),
    "InputError": ("mgraph.core.errors", "InputError"),
    "MgraphError": ("mgraph.core.errors", "MgraphError"),
    "KnowledgeGraph": ("mgraph.core.loader", "KnowledgeGraph"),
    "load": ("mgraph.core.loader", "load"),
    "build": ("mgraph.publish.build", "build"),
    "diff": ("mgraph.publish.diff", "diff"),
    "validate": ("mgraph.validation.validate", "validate"),
    "query": ("mgraph.queries.query", "run"),
    "stats": ("mgraph.publish.stats", "stats"),
    "network": ("mgraph.networks.views", "build_view"),
    "export": ("mgraph.exporters", "export_view"),
    "analyze": ("mgraph.networks.analyze", "analyze"),
    "paths": ("mgraph.networks.analyze", "paths"),
    "search": ("mgraph.networks.search", "search"),
    "resolve": ("mgraph.networks.search", "resolve"),
    "push": ("mgraph.publish.push", "push"),
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
    from mgraph.core.errors import DataLoadError, InputError, MgraphError
    from mgraph.core.loader import KnowledgeGraph, load
    from mgraph.exporters import export_view as export
    from mgraph.networks.analyze import analyze, paths
    from mgraph.networks.search import resolve, search
    from mgraph.networks.views import build_view as network
    from mgraph.publish.build import build
    from mgraph.publish.diff import diff
    from mgraph.publish.push import push
    from mgraph.publish.stats import stats
    from mgraph.queries.query import run as query
    from mgraph.validation.validate import validate


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
