"""Which graph: the one module that decides, for every command, what graph a query, a view, a
validation, a push or the server works on.

- a remote endpoint (``endpoint``), for queries;
- a user's files (``files``), read through :func:`mgraph.core.user_files.parse_user_file`;
- else the project's own graph: the built release ``dist/mercury.nt`` when there is one (read by
  pyoxigraph directly: it is our own output), else the data folder ``data/`` loaded directly.
  ``built=True`` (``mgraph push``) refuses to fall back to the data folder: what is published is
  a release.

:func:`which_graph` says which; :func:`read_store` reads it into a new store, :func:`open_store`
hands out a cached one (a store per engine, and the rdflib graph, each kept while the files behind
it are unchanged, so a process loads them once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from mgraph.core.errors import InputError
from mgraph.core.store import (
    DEFAULT_ENGINE,
    OxigraphStore,
    RemoteStore,
    Store,
    check_engine,
    from_file,
    from_graph,
)

RELEASE, DATA, FILES, ENDPOINT = "release", "data", "files", "endpoint"


@dataclass(frozen=True)
class GraphSource:
    """Which graph: ``kind`` is "release" (``files`` holds dist/mercury.nt), "data" (the data
    folder, loaded), "files" (a user's files) or "endpoint"."""

    kind: str
    files: tuple[Path, ...] = ()
    endpoint: str | None = None


def which_graph(
    files: Iterable[str | Path] | str | Path | None = None,
    *,
    endpoint: str | None = None,
    built: bool = False,
) -> GraphSource:
    """The graph a command works on, from what the user gave (see the module's docstring)."""
    if isinstance(files, (str, Path)):
        files = [files]
    given = tuple(Path(f) for f in files or ())
    if endpoint:
        if given:
            raise InputError("give either an endpoint or a graph, not both")
        return GraphSource(ENDPOINT, endpoint=endpoint)
    if given:
        return GraphSource(FILES, given)
    release = default_graph_file()
    if release is not None:
        return GraphSource(RELEASE, (release,))
    if built:
        raise InputError("no built graph (dist/mercury.nt): run `mgraph build` first, or give files")
    return GraphSource(DATA)


def project_files() -> list[Path]:
    """The files the project's graph is made from when it is not built: the data files (YAML and
    the linked CSV files) and the ontology, those that exist."""
    from mgraph.core import locations
    from mgraph.core.crosswalk import LINKED_FILES

    linked = [locations.DATA / name for name in LINKED_FILES]
    watched = [*sorted(locations.DATA.glob("*.yaml")), *linked, locations.ONTOLOGY]
    return [p for p in watched if p.exists()]


def read_store(source: GraphSource) -> OxigraphStore:
    """The graph of ``source`` read into a new in-memory store (never cached: the caller's own)."""
    store = OxigraphStore()
    add_to(store, source)
    return store


def add_to(store: OxigraphStore, source: GraphSource) -> None:
    """Add the triples of ``source`` (not an endpoint) to ``store``'s default graph."""
    if source.kind == ENDPOINT:
        raise InputError("a remote endpoint cannot be read into a local store")
    if source.kind == RELEASE:
        store.load_trusted(source.files[0])
    elif source.kind == DATA:
        from mgraph.core.loader import load

        store.add_graph(load().graph)
    else:
        from mgraph.core.user_files import parse_user_file

        for file in source.files:
            store.add_graph(parse_user_file(file))


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
    if endpoint and graph is not None:
        raise InputError("give either an endpoint or a graph, not both")
    if isinstance(graph, Graph):
        engine = engine or DEFAULT_ENGINE
        check_engine(engine)
        return from_graph(graph, engine)
    source = which_graph(graph, endpoint=endpoint)
    if source.kind == ENDPOINT:
        if engine not in (None, "remote"):
            raise InputError("--engine chooses a local engine; it cannot be used with --endpoint")
        return RemoteStore(source.endpoint or "", timeout)
    engine = engine or DEFAULT_ENGINE
    check_engine(engine)
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

    source = which_graph(graph)
    if source.kind != DATA:
        path = source.files[0]
        try:
            stat = path.resolve().stat()
        except OSError as exc:
            raise InputError(f"{path}: no such graph file") from exc
        trusted = source.kind == RELEASE  # our own build output
        key: tuple[Any, ...] = (engine, str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        return key, lambda: from_file(path, engine, trusted=trusted)
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in project_files())
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
