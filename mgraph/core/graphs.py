"""Which graph a query or a view works on: a remote endpoint, a given file or Graph, or the
project's own graph — ``dist/mercury.nt`` when it is built, else ``data/`` loaded directly.

The one cache of that graph lives here: a store per engine, and the rdflib graph, each kept while
the files behind it are unchanged, so a process loads them once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph

from mgraph.core.errors import InputError
from mgraph.core.store import DEFAULT_ENGINE, RemoteStore, Store, check_engine, from_file, from_graph

_CACHE: dict[tuple[Any, ...], Store] = {}
_CACHE_SIZE = 4


def open_store(
    engine: str | None = None,
    *,
    graph: str | Path | Graph | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> Store:
    """The store a query runs on: a remote endpoint, a given graph, or the project's own graph.

    The project's graph is ``dist/mercury.nt`` when it was built, else ``data/`` loaded directly.
    Local stores are cached while their files are unchanged, so repeated queries load once.
    """
    if endpoint:
        if graph is not None:
            raise InputError("give either an endpoint or a graph, not both")
        if engine not in (None, "remote"):
            raise InputError("--engine chooses a local engine; it cannot be used with --endpoint")
        return RemoteStore(endpoint, timeout)
    engine = engine or DEFAULT_ENGINE
    check_engine(engine)
    if isinstance(graph, Graph):
        return from_graph(graph, engine)
    key, make = _source(engine, graph)
    store = _CACHE.get(key)
    if store is None:
        store = make()
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = store
    return store


def is_project_store(store: Store) -> bool:
    """Whether ``store`` is the cached store of the project's own graph (as it is on disk now)."""
    try:
        key, _ = _source(store.engine, None)
    except InputError:
        return False
    return _CACHE.get(key) is store


def default_graph_file() -> Path | None:
    """The built release graph, when there is one."""
    from mgraph.core import locations

    built = locations.DIST / "mercury.nt"
    return built if built.is_file() else None


def _source(engine: str, graph: str | Path | None) -> tuple[tuple[Any, ...], Callable[[], Store]]:
    from mgraph.core import locations

    path = Path(graph) if graph is not None else default_graph_file()
    if path is not None:
        try:
            stat = path.resolve().stat()
        except OSError as exc:
            raise InputError(f"{path}: no such graph file") from exc
        trusted = graph is None  # our own build output
        key: tuple[Any, ...] = (engine, str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        return key, lambda: from_file(path, engine, trusted=trusted)
    from mgraph.core.crosswalk import LINKED_FILES

    linked = [locations.DATA / name for name in LINKED_FILES]
    watched = [*sorted(locations.DATA.glob("*.yaml")), *linked, locations.ONTOLOGY]
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in watched if p.exists())
    key = (engine, str(locations.DATA), stamp)

    def make() -> Store:
        from mgraph.core.loader import load

        return from_graph(load().graph, engine)

    return key, make


_GRAPHS: dict[tuple[Any, ...], Graph] = {}


def project_graph() -> Graph:
    """The project's graph as rdflib: the built release if there is one, else the loaded data."""
    key, _ = _source("rdflib", None)
    graph = _GRAPHS.get(key)
    if graph is None:
        store = open_store("rdflib")
        graph = store.graph  # type: ignore[attr-defined]
        _GRAPHS.clear()
        _GRAPHS[key] = graph
    return graph
