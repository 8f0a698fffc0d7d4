"""The pyoxigraph store that ``mgraph serve`` reads, and how it is made.

The data is first written to a store on disk. Three sources:

- nothing given: the built graph ``dist/mercury.nt`` (loaded by pyoxigraph directly: it is our
  own output), else the curated data loaded with :func:`mgraph.load`;
- RDF files or datasets: N-Triples, N-Quads, Turtle and TriG are read by pyoxigraph's own parser
  after :mod:`mgraph.core.user_files`'s checks (local regular files only, nesting screened), keeping the
  named graphs of N-Quads and TriG; RDF/XML, JSON-LD and N3 go through
  :func:`mgraph.core.user_files.parse_user_file` (no external entities, no remote contexts) into the
  default graph;
- ``--graph IRI=FILE``: a file of triples (any of the formats above but N-Quads and TriG, which
  name their own graphs) loaded into the named graph IRI;
- ``--store DIR``: an existing store, opened read-only. Given files too, DIR is created and
  filled the first time (atomically: built beside DIR, then renamed), and only opened afterwards,
  so a graph of millions of triples is parsed once.

Without ``--store``, the store is written to a temporary folder that :meth:`Dataset.close`
removes.

**Where the workers read it** (:meth:`Dataset.choose_storage`, ``--in-memory``): each query
worker either opens the store on disk read-only, or loads a copy of it into pyoxigraph's
in-memory store, which answers the library's queries 3x faster on the curated graph and 5x at
1M triples (``benchmarks/serve.py``). The copy costs memory in every worker (about
``MEMORY_BYTES_PER_TRIPLE`` bytes a triple), so ``auto`` keeps the graph in memory only when all
the workers' copies fit in half the memory the machine has available. The copy is an N-Quads
dump of the store, written once, that each worker parses keeping its blank node labels, so
every worker, and a worker started to replace another, holds the same terms as the store.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mgraph.core.errors import InputError
from mgraph.core.formats import BY_NAME

_NATIVE = {name: BY_NAME[name].oxigraph for name in ("ntriples", "nquads", "turtle", "trig")}
"""Formats read by pyoxigraph's parser straight into the store (named graphs kept)."""


MEMORY_BYTES_PER_TRIPLE = 400
"""What a triple costs in a worker's in-memory store, rounded up from a measure (1M triples of
the synthetic graph of benchmarks/queries.py: 315 MB resident, pyoxigraph 0.5.13)."""

STORAGE_MODES = ("auto", "yes", "no")
"""``--in-memory``'s choices: ``yes`` every worker loads the graph into memory, ``no`` every worker
reads the store on disk, ``auto`` memory when the copies fit (see :func:`fits_in_memory`)."""


@dataclass
class Dataset:
    """A store on disk, ready for read-only workers; ``graphs`` are its named graphs' IRIs.

    ``memory_file`` is the N-Quads copy the workers load into memory, when they do
    (:meth:`choose_storage`).
    """

    path: Path
    graphs: list[str]
    triples: int
    description: str
    temporary: Path | None = None
    memory_file: Path | None = None
    _copies: Path | None = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False)

    @property
    def storage(self) -> str:
        """Where the workers read the graph: ``"memory"`` or ``"disk"``."""
        return "memory" if self.memory_file is not None else "disk"

    def choose_storage(self, mode: str, copies: int, available: int | None = None) -> str:
        """Decide where the workers read the graph (``mode``: one of :data:`STORAGE_MODES`;
        ``copies``: how many workers may hold it at once, the spare included) and, for memory,
        write the copy they load. ``available``: bytes of memory free (default: the machine's
        ``MemAvailable``). Returns :attr:`storage`."""
        if mode not in STORAGE_MODES:
            raise InputError(f"--in-memory {mode}: choose one of {', '.join(STORAGE_MODES)}")
        if available is None:
            available = available_memory()
        wanted = mode == "yes" or (mode == "auto" and fits_in_memory(self.triples, copies, available))
        if wanted and self.memory_file is None:
            self.memory_file = self._dump()
        return self.storage

    def _dump(self) -> Path:
        import pyoxigraph as ox

        self._copies = Path(tempfile.mkdtemp(prefix="mgraph-serve-memory-"))
        target = self._copies / "graph.nq"
        try:
            store = ox.Store.read_only(str(self.path))
            store.dump(output=str(target), format=ox.RdfFormat.N_QUADS)
            del store
        except BaseException:
            shutil.rmtree(self._copies, ignore_errors=True)
            self._copies = None
            raise
        return target

    def close(self) -> None:
        """Remove the temporary store and the in-memory copy's file, if this dataset made them."""
        if not self._closed:
            for folder in (self.temporary, self._copies):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
        self._closed = True


def fits_in_memory(triples: int, copies: int, available: int | None) -> bool:
    """Whether ``copies`` in-memory copies of ``triples`` triples fit in half of ``available``
    bytes (None, unknown: only a graph of at most a million triples is kept in memory)."""
    needed = triples * MEMORY_BYTES_PER_TRIPLE * max(1, copies)
    if available is None:
        return triples <= 1_000_000
    return needed <= available // 2


def available_memory() -> int | None:
    """Bytes of memory available to new processes (Linux ``MemAvailable``; None elsewhere)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def prepare(
    files: Sequence[str | Path] = (),
    store: str | Path | None = None,
    graphs: Sequence[tuple[str, str | Path]] = (),
) -> Dataset:
    """The store to serve: see the module documentation for the sources and their order.

    ``graphs`` are (graph IRI, file) pairs: each file is loaded into that named graph.
    """
    paths: list[tuple[Path, str | None]] = [(Path(f), None) for f in files]
    for iri, file in graphs:
        path = Path(file)
        _check_graph_name(iri, path)
        paths.append((path, iri))
    for path, _ in paths:
        _check_file(path)
    if store is not None:
        folder = Path(store)
        if _holds_store(folder):
            if paths:
                raise InputError(
                    f"{folder}: already holds a store; serve it without FILEs, or remove it to load "
                    "the files again"
                )
            return _describe(folder, f"an on-disk store ({folder.name})")
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise InputError(f"{folder}: is not an mgraph/Oxigraph store and not empty; not touched")
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            _fill(staging / "store", paths)
            if folder.exists():
                folder.rmdir()
            (staging / "store").rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return _describe(folder, f"an on-disk store (loaded from {_names(paths)})")
    temporary = Path(tempfile.mkdtemp(prefix="mgraph-serve-"))
    try:
        _fill(temporary / "store", paths)
        what = _names(paths) if paths else _default_description()
        dataset = _describe(temporary / "store", what)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    dataset.temporary = temporary
    return dataset


def _names(paths: list[tuple[Path, str | None]]) -> str:
    """File names only: the server's folders are nobody's business on a shared endpoint."""
    return ", ".join(p.name for p, _ in paths) if paths else _default_description()


def _check_graph_name(iri: str, path: Path) -> None:
    """``--graph IRI=FILE``: an absolute IRI, and a file of triples (a dataset names its graphs)."""
    from mgraph.core import user_files

    scheme, colon, rest = iri.partition(":")
    if not (colon and scheme[:1].isalpha() and rest) or any(c in iri for c in '<>"{}|^`\\ \n'):
        raise InputError(f"--graph {iri}={path}: {iri!r} is not an absolute IRI")
    if user_files.EXTENSIONS.get(path.suffix.lower()) in ("nquads", "trig"):
        raise InputError(
            f"--graph {iri}={path}: N-Quads and TriG name their own graphs; give the file without --graph"
        )


def _default_description() -> str:
    from mgraph.core.graphs import default_graph_file

    built = default_graph_file()
    return f"the built release ({built.name})" if built is not None else "the curated data (data/)"


def _holds_store(folder: Path) -> bool:
    return folder.is_dir() and (folder / "CURRENT").is_file()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an RDF file (give the files, or --store DIR)")
    if not path.is_file():
        raise InputError(f"{path}: is not a regular file")


def _fill(folder: Path, paths: list[tuple[Path, str | None]]) -> None:
    """Create a store in ``folder`` holding the files, or the project's graph when none is given."""
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    try:
        if not paths:
            _load_default(store)
        for path, graph in paths:
            _load_file(store, path, graph)
        store.optimize()
        store.flush()
    finally:
        del store


def _load_default(store: Any) -> None:
    from mgraph.core.graphs import add_to, which_graph
    from mgraph.core.store import OxigraphStore

    add_to(OxigraphStore(store), which_graph())


def _load_file(store: Any, path: Path, graph: str | None = None) -> None:
    """One user's file into the store (into the named graph ``graph`` if given), as
    :mod:`mgraph.core.user_files` allows."""
    import pyoxigraph as ox

    from mgraph.core import user_files
    from mgraph.core.terms import oxigraph_quads

    fmt = user_files.EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        accepted = " ".join(user_files.EXTENSIONS)
        raise InputError(f"{path}: cannot tell the RDF format from the extension; accepted: {accepted}")
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    if fmt not in _NATIVE:
        parsed = user_files.parse_user_file(path)
        store.bulk_extend(oxigraph_quads(parsed, graph))
        return
    if fmt in ("turtle", "trig"):
        _screen_nesting(path)
    try:
        store.bulk_load(
            path=str(path),
            format=getattr(ox.RdfFormat, _NATIVE[fmt]),
            base_iri=path.resolve().as_uri(),
            **({"to_graph": target} if graph else {}),
        )
    except SyntaxError as err:
        where = f"{path}:{err.lineno}:{err.offset or 1}" if err.lineno else str(path)
        raise InputError(
            f"{where}: {BY_NAME[fmt].label} syntax error: {' '.join(str(err.msg).split())}"
        ) from None
    except (ValueError, OSError) as err:
        raise InputError(
            f"{path}: cannot load as {BY_NAME[fmt].label}: {' '.join(str(err).split())}"
        ) from None


def _screen_nesting(path: Path) -> None:
    """Turtle and TriG nest; refuse files nested deeper than the safety limit, read in pieces."""
    from mgraph.core import nesting

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not valid UTF-8") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read the file: {err.strerror or err}") from None
    offset = nesting.nesting_overflow(text, nesting.MAX_NESTING)
    if offset is not None:
        line = text.count("\n", 0, offset) + 1
        raise InputError(f"{path}:{line}: nested more than {nesting.MAX_NESTING} levels deep; not read")


def _describe(folder: Path, description: str) -> Dataset:
    """Open the finished store read-only once, to list its named graphs and count its triples."""
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(str(folder))
    except OSError as err:
        raise InputError(f"{folder}: cannot open the store: {err}") from None
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    triples = len(store)
    del store
    return Dataset(folder, graphs, triples, description)
