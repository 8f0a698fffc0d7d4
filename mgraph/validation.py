"""Validate a graph against mgraph's SHACL shapes, with pyshacl, our faster native engine, or pyrudof.

This module is the public API; the engines and their helpers live in :mod:`mgraph.shacl`. The
engines give the same results (``tests/test_engines.py`` holds them to it on every fixture):

- ``pyshacl`` (:mod:`mgraph.shacl.pyshacl_engine`): the reference implementation, complete and
  slow (one SPARQL query per focus node).
- ``native`` (:mod:`mgraph.shacl.native`): our own evaluator for the subset of SHACL the shapes
  use (Core constraints on plain IRI paths, sh:or, and SPARQL-based constraints). Core
  constraints are checked in Python over an index of the graph; each SPARQL constraint runs
  once, with ``$this`` unbound, on pyoxigraph (or rdflib when pyoxigraph is missing), and its
  rows are kept for the shape's focus nodes. Shapes using anything else raise
  :class:`UnsupportedShapes`; ``engine="auto"`` then falls back to pyshacl, so a user's own
  shapes are never silently half-checked.
- ``pyrudof`` (:mod:`mgraph.shacl.rudof`), only when pyrudof is installed: SHACL Core by rudof
  (Rust), SPARQL constraints as in the native engine.

Every engine validates the data with the ontology mixed in (pyshacl's ``ont_graph``), and with
every ``rdf:type`` closed under the ontology's ``rdfs:subClassOf`` (the loader already does this
for our data; user files need it), so targets, ``sh:class`` and the SPARQL constraints all see a
COP as an ``mg:Meeting``. The missing types go into the mixed-in graph: the caller's graph is
never copied or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from rdflib import Graph

from mgraph import locations
from mgraph.ontology import load_ontology
from mgraph.results import SEVERITIES, ValidationReport, ValidationResult
from mgraph.shacl import native, pyshacl_engine, rudof
from mgraph.shacl.common import (
    LineFinder,
    Origin,
    UnsupportedShapes,
    located,
    ontology_mixin,
    superclasses,
)

__all__ = [
    "ENGINES",
    "Engine",
    "Origin",
    "UnsupportedShapes",
    "engine_names",
    "load_ontology",
    "load_shapes",
    "sort_results",
    "superclasses",
    "validate",
    "validate_files",
]

Engine = Callable[[Graph, Graph, Graph], list[ValidationResult]]  # (data, shapes, mixin)


@cache
def load_shapes() -> Graph:
    """Our shapes graph (``ontology/shapes.ttl``), parsed once per process."""
    return Graph().parse(locations.SHAPES, format="turtle")


def validate(data: Graph, *, engine: str = "auto", shapes: Graph | None = None,
             origins: dict[str, Origin] | None = None) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (default: ours); results located through ``origins``.

    ``origins`` maps a record's IRI to (file, line, "kind 'id'"), as ``mgraph.load`` gives it.
    ``engine`` is "auto" (native, else pyshacl), or a name in :data:`ENGINES`.
    """
    report = _run(data, engine=engine, shapes=shapes)
    if origins:
        report.results = sort_results({located(r, origins) for r in report.results})
    return report


def validate_files(files: Iterable[str | Path], *, engine: str = "auto") -> ValidationReport:
    """Validate a user's RDF files, read safely and merged into one graph (links may cross files).

    Each result names the file where its focus node first appears, and the line, best effort.
    """
    from mgraph.safety import parse_user_file

    paths_ = [Path(f) for f in files]
    merged = Graph()
    for path in paths_:
        parsed = parse_user_file(path)
        for prefix, namespace in parsed.namespaces():
            merged.bind(prefix, namespace, override=False)
        merged += parsed
    report = _run(merged, engine=engine, shapes=None)
    finder = LineFinder(paths_)
    report.results = sort_results({finder.locate(r) for r in report.results})
    return report


def engine_names() -> list[str]:
    """The engines a user may choose, "auto" first (for ``--engine`` choices)."""
    return ["auto", *ENGINES]


def sort_results(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """Violations first, then by file and line, then by focus node: the same order every run."""
    rank = {severity: n for n, severity in enumerate(SEVERITIES)}

    def key(r: ValidationResult) -> tuple:
        return (rank.get(r.severity, len(rank)), r.file or "", r.line or 0, r.focus,
                r.path or "", r.value or "", r.shape or "", r.constraint or "", r.message)

    return sorted(results, key=key)


def _run(data: Graph, *, engine: str, shapes: Graph | None) -> ValidationReport:
    shapes_graph = shapes if shapes is not None else load_shapes()
    mixin = ontology_mixin(data, load_ontology())
    if engine == "auto":
        try:
            results, used = native.run(data, shapes_graph, mixin), "native"
        except UnsupportedShapes:
            results, used = pyshacl_engine.run(data, shapes_graph, mixin), "pyshacl"
    elif engine in ENGINES:
        results, used = ENGINES[engine](data, shapes_graph, mixin), engine
    else:
        raise ValueError(f"unknown engine {engine!r}; choose one of: {', '.join(engine_names())}")
    return ValidationReport(sort_results(set(results)), engine=used)


ENGINES: dict[str, Engine] = {
    "native": native.run,
    "pyshacl": pyshacl_engine.run,
}
"""Validation engines by name; each returns the same results for the same shapes and data."""
if rudof.available():
    ENGINES["pyrudof"] = rudof.run
