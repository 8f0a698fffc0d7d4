"""Validate a graph against mgraph's SHACL shapes (or a user's own), with our native engine or pyshacl.

This module is the public API; the engines and their helpers live in :mod:`mgraph.validation.engines`.
Both engines are held to the W3C SHACL test suite (``tests/test_w3c_shacl.py``) and to each other
on our shapes (``tests/test_engines.py``):

- ``pyshacl`` (:mod:`mgraph.validation.engines.pyshacl_engine`): the reference implementation, complete and
  slow (one SPARQL query per focus node).
- ``native`` (:mod:`mgraph.validation.engines.native`): our own evaluator for the subset of SHACL our shapes
  use (Core constraints on plain IRI paths, sh:or, and SPARQL-based constraints run with
  ``$this`` pre-bound). It refuses shapes it does not evaluate exactly
  (:class:`UnsupportedShapes`) and reports ill-formed ones (:class:`ShapesError`).
- ``auto`` (the default): native, falling back to pyshacl on any refusal or failure of the
  native engine, so a user's own shapes are never silently half-checked.

With our shapes, every engine validates the data with our ontology mixed in (pyshacl's
``ont_graph``), and with every ``rdf:type`` closed under the ontology's ``rdfs:subClassOf`` (the
loader already does this for our data; user files need it), so targets, ``sh:class`` and the
SPARQL constraints all see a COP as an ``mg:Meeting``. The missing types go into the mixed-in
graph: the caller's graph is never copied or changed. Distinct results stay distinct, even when
their fields are equal (SHACL reports one result per violation); they come in one order
(:func:`mgraph.validation.results.sort_key`), the order of every renderer too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from rdflib import Graph

from mgraph.core import locations
from mgraph.core.errors import InputError
from mgraph.core.namespaces import MGSH
from mgraph.core.ontology import load_ontology, superclasses
from mgraph.core.store import OxigraphStore
from mgraph.validation.engines import registry
from mgraph.validation.engines.common import (
    GRAPH,
    Data,
    Engine,
    LineFinder,
    Origin,
    ShapesError,
    UnsupportedShapes,
    located,
    nt,
    ontology_mixin,
    store_ontology_mixin,
)
from mgraph.validation.engines.registry import ENGINES, engine_names
from mgraph.validation.results import ValidationReport, ValidationResult, sort_results

__all__ = [
    "ENGINES",
    "Engine",
    "Origin",
    "ShapesError",
    "UnsupportedShapes",
    "engine_names",
    "load_ontology",
    "load_shapes",
    "sort_results",
    "superclasses",
    "validate",
    "validate_files",
]


@cache
def load_shapes() -> Graph:
    """Our shapes graph (``ontology/shapes.ttl``), parsed once per process."""
    return Graph().parse(locations.SHAPES, format="turtle")


def validate(
    data: Graph,
    *,
    engine: str = "auto",
    shapes: Graph | None = None,
    origins: dict[str, Origin] | None = None,
    ontology: bool | None = None,
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (default: ours); results located through ``origins``.

    ``origins`` maps a record's IRI to (file, line, "kind 'id'"), as ``mgraph.load`` gives it.
    ``engine`` is "auto" (native, else pyshacl), or a name in :data:`ENGINES`. ``ontology``: mix
    our ontology in (default: when validating against our shapes).

    >>> import mgraph
    >>> kg = mgraph.load("tests/fixtures/data/good")
    >>> report = mgraph.validate(kg.graph, origins=kg.origins)
    >>> [(r.severity, r.file, r.line, r.record) for r in report.results]
    [('Warning', 'tests/fixtures/data/good/legal_acts.yaml', 20, "legal-act 'eu-approval'")]
    >>> report.results[0].message
    'This legal act has no date (mg:actDate). Add `date:` with the date a source gives.'
    """
    report = _run(
        data,
        engine=engine,
        shapes=shapes,
        mixin=_mixin(data, shapes is None if ontology is None else ontology),
    )
    if origins:
        report.results = sort_results(located(r, origins) for r in report.results)
    return report


def validate_files(
    files: Iterable[str | Path],
    *,
    engine: str = "auto",
    shapes: Iterable[str | Path] = (),
    default_shapes: bool = True,
    with_graph: bool = False,
    input_format: str | None = None,
    stdin: bytes | None = None,
) -> ValidationReport:
    """Validate a user's RDF files, read safely and merged into one graph (links may cross files).

    ``shapes``: the user's own shapes files (read as safely as data), used with ours unless
    ``default_shapes`` is false. ``with_graph``: validate together with our built graph
    (``dist/mercury.nt``, else the data folder), so that links to our entities resolve; only
    results about the user's nodes are reported. ``input_format`` names the syntax of files
    whose name does not tell it; a file named ``-`` is ``stdin`` (the bytes of standard input).
    Each result names the file where its focus node first appears, and the line, best effort.
    """
    from mgraph.core.user_files import EXTENSIONS, parse_user_file
    from mgraph.validation.shapes_check import check_shapes

    if engine not in engine_names():
        raise UnknownEngine(f"unknown engine {engine!r}; choose one of: {', '.join(engine_names())}")
    paths_ = [Path(f) for f in files]
    names = ["<stdin>" if str(p) == "-" else str(p) for p in paths_]
    shapes_files = [Path(f) for f in shapes]
    if not default_shapes and not shapes_files:
        raise InputError("no shapes to validate against: give --shapes FILE or keep ours")
    shapes_graph = load_shapes() if default_shapes else None
    if shapes_files:
        combined = Graph()
        if shapes_graph is not None:
            combined.addN((s, p, o, combined) for s, p, o in shapes_graph)
        for path in shapes_files:
            own = parse_user_file(path)
            check_shapes(own, path, path.read_text(encoding="utf-8", errors="replace"))
            combined.addN((s, p, o, combined) for s, p, o in own)
        shapes_graph = combined
    reads = [(path, stdin if str(path) == "-" else None) for path in paths_]

    def fmt(path: Path, source: bytes | None) -> str | None:
        return input_format if source is not None or path.suffix.lower() not in EXTENSIONS else None

    # the data is read into the representation the (first) engine prefers: an rdflib Graph, or
    # a store with no rdflib graph of the data at all
    as_graph = registry.chain(engine)[0].takes[0] == GRAPH
    data: Data = Graph() if as_graph else OxigraphStore()
    for path, source in reads:
        if isinstance(data, Graph):
            parse_user_file(path, format=fmt(path, source), data=source, into=data)
        else:
            data.load_user_file(path, format=fmt(path, source), data=source)
    mine: set[str] | None = None
    if with_graph:
        mine = _nodes(data)
    mixin = _mixin(data, default_shapes, ours=_our_graph() if with_graph else None)
    report = _run(data, engine=engine, shapes=shapes_graph, mixin=mixin)
    results = report.results
    if mine is not None:
        results = [r for r in results if r.focus in mine]
    results = _with_link_hints([_in_rdf_words(r) for r in results], with_graph)
    sources = [
        (name, (stdin or b"").decode("utf-8", "replace") if str(path) == "-" else path)
        for name, path in zip(names, paths_, strict=True)
    ]
    report.results = sort_results(LineFinder(sources).locate_all(results))
    return report


_FIELD_AND_PREDICATE = re.compile(r"`[\w{}?$]+` \(([\w-]+:[\w-]+)\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_YAML_ADVICE = re.compile(r"`[\w-]+:|sources\.yaml|the record\b|`[\w-]+` out\b")
_ID_OF = re.compile(r"\bthe id of (an?|such) ")
_RECORD = re.compile(r"\brecord(s?)\b")


def _in_rdf_words(result: ValidationResult) -> ValidationResult:
    """Our shapes' messages, as said to someone who wrote RDF rather than our YAML records.

    The messages name a record's field and its predicate ("`adopted_at` (mg:adoptedAt)") and
    say what to write in the YAML ("Add `name:` to the record"): for an RDF file only the
    predicate is kept, the YAML advice is dropped, and "the id of a meeting" becomes "a meeting".
    """
    from dataclasses import replace

    if not (result.shape or "").startswith(f"<{MGSH}"):
        return result
    text = _FIELD_AND_PREDICATE.sub(r"\1", result.message)
    text = " ".join(part for part in _SENTENCE_END.split(text) if not _YAML_ADVICE.search(part))
    text = _RECORD.sub(r"resource\1", _ID_OF.sub(r"\1 ", text)).strip()
    return replace(result, message=text or result.message)


def _with_link_hints(results: list[ValidationResult], with_graph: bool) -> list[ValidationResult]:
    """Results on a link to one of our entities say what to do about it.

    Without our graph, a value naming an entity our graph holds is reported like a truly unknown
    one; the message says so (validate with our graph). With it, a value in our namespace that
    names nothing gets the closest entities of the same kind.
    """
    from dataclasses import replace

    from mgraph.core.namespaces import MGID
    from mgraph.core.terms import compact_iri

    ours = f"<{MGID}"
    linked = [r for r in results if r.value and r.value.startswith(ours) and r.value.endswith(">")]
    if not linked:
        return results
    entities = {str(s) for s in _our_graph().subjects() if str(s).startswith(str(MGID))}
    hints: dict[str, str] = {}
    for result in linked:
        iri = result.value[1:-1]  # type: ignore[index]
        if iri in hints:
            continue
        short = compact_iri(iri)  # meeting:cop-5, as tables and queries write it
        if not with_graph and iri in entities:
            hints[iri] = (
                f"{short} is an entity of our graph: validate with it (--with-graph) "
                "so that the link resolves"
            )
        elif with_graph and iri not in entities:
            kind = iri.removeprefix(str(MGID)).split("/", 1)[0]
            same_kind = sorted(e for e in entities if e.startswith(f"{MGID}{kind}/"))
            close = difflib.get_close_matches(iri, same_kind, n=3, cutoff=0.6)
            named = ", ".join(compact_iri(c) for c in close)
            hints[iri] = f"{short} is not in our graph" + (f"; did you mean {named}?" if named else "")
    return [
        replace(r, message=f"{r.message}\n{hints[r.value[1:-1]]}")
        if r.value and r.value.startswith(ours) and r.value[1:-1] in hints
        else r
        for r in results
    ]


def _our_graph() -> Graph:
    """Our built graph: dist/mercury.nt when it is built, else the data folder, loaded
    (:func:`mgraph.core.graphs.project_graph` decides)."""
    from mgraph.core.graphs import project_graph

    return project_graph()


def _nodes(data: Data) -> set[str]:
    """The subjects and objects of ``data``, as N-Triples terms."""
    if isinstance(data, Graph):
        return {nt(node) or "" for triple in data for node in (triple[0], triple[2])}
    from mgraph.core.terms import to_rdflib

    return {nt(to_rdflib(t)) or "" for q in data for t in (q.subject, q.object)}


def _mixin(data: Data, ontology: bool, ours: Graph | None = None) -> Graph:
    """What is mixed into ``data``: our ontology and the types it adds, and our graph, as asked.

    Data in a store gets our graph added to it (the store is ours to change), so that the types
    it adds are found over both.
    """
    if not isinstance(data, Graph):
        if ours is not None:
            data.add_graph(ours)
        return store_ontology_mixin(data, load_ontology()) if ontology else Graph()
    if ours is None:
        return ontology_mixin(data, load_ontology()) if ontology else Graph()
    mixin = Graph()
    mixin.addN((s, p, o, mixin) for s, p, o in ontology_mixin(data + ours, load_ontology()))
    mixin.addN((s, p, o, mixin) for s, p, o in ours)
    return mixin


class UnknownEngine(InputError, ValueError):
    """An engine name that is not one of :func:`engine_names` (exit 2 at the command line)."""


def _run(data: Data, *, engine: str, shapes: Graph | None, mixin: Graph) -> ValidationReport:
    if engine not in engine_names():
        raise UnknownEngine(f"unknown engine {engine!r}; choose one of: {', '.join(engine_names())}")
    results, used = registry.run(engine, data, shapes if shapes is not None else load_shapes(), mixin)
    return ValidationReport(sort_results(results), engine=used)
