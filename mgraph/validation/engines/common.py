"""Helpers shared by the SHACL engines: type closure, term rendering, locations, messages."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mgraph.core.errors import InputError
from mgraph.core.namespaces import MGID, SH
from mgraph.core.ontology import superclasses
from mgraph.core.store import OxigraphStore, from_graph
from mgraph.validation.results import ValidationResult

Origin = tuple[str, int, str]

GRAPH = "graph"
"""The data as an rdflib Graph."""
STORE = "store"
"""The data in a :class:`mgraph.core.store.OxigraphStore` (the engine may add the mixin to it)."""

Data = Graph | OxigraphStore
Runner = Callable[[Any, Graph, Graph], list[ValidationResult]]  # (data, shapes, mixin)


@dataclass(frozen=True)
class Engine:
    """A SHACL engine: its name and a runner per representation of the data it takes.

    ``runs`` maps a representation (:data:`GRAPH`, :data:`STORE`) to ``run(data, shapes, mixin)``,
    the one the engine prefers first. Given data in a representation it does not take, the
    engine gets it converted to the first one it does.
    """

    name: str
    runs: Mapping[str, Runner]

    @property
    def takes(self) -> tuple[str, ...]:
        """The representations of the data this engine takes, the preferred one first."""
        return tuple(self.runs)

    def run(self, data: Data, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
        held = representation(data)
        if held not in self.runs:
            held = self.takes[0]
            data = converted(data, held)
        return self.runs[held](data, shapes, mixin)


def representation(data: Data) -> str:
    return STORE if isinstance(data, OxigraphStore) else GRAPH


def converted(data: Data, to: str) -> Data:
    """``data`` in the representation ``to`` (a new copy when it is held in another)."""
    if representation(data) == to:
        return data
    if to == GRAPH:
        assert isinstance(data, OxigraphStore)
        return data.to_graph()
    store = from_graph(data, "oxigraph")  # type: ignore[arg-type]
    assert isinstance(store, OxigraphStore)
    return store


class UnsupportedShapes(InputError):
    """The shapes use a SHACL feature an engine does not evaluate (exactly).

    The native engine raises it to refuse shapes (``auto`` then falls back to pyshacl); when no
    engine can evaluate the shapes it reaches the user as an input error (exit 2).
    """


class ShapesError(InputError):
    """The shapes are malformed (SHACL says they must be refused); the message names the shape."""


def missing_types(data: Graph, ontology: Graph) -> set[tuple[Node, Node, Node]]:
    """The ``rdf:type`` triples the ontology's subclass closure adds to ``data``."""
    supers = _ontology_superclasses(ontology)
    return {
        (node, RDF.type, sup)
        for node, cls in data.subject_objects(RDF.type)
        for sup in supers.get(cls, ())
        if (node, RDF.type, sup) not in data
    }


def ontology_mixin(data: Graph, ontology: Graph) -> Graph:
    """What is mixed into ``data`` when validating: the ontology, plus the types data misses.

    The ontology itself when nothing is missing (our loaded data); else a copy of it with the
    missing types, so the data graph, however big, is never copied.
    """
    missing = missing_types(data, ontology)
    return _with_types(ontology, missing)


def _with_types(ontology: Graph, missing: Iterable[tuple[Node, Node, Node]]) -> Graph:
    """The ontology itself when nothing is missing; else a copy of it with the missing types."""
    missing = list(missing)
    if not missing:
        return ontology
    mixin = Graph()
    mixin.addN((s, p, o, mixin) for s, p, o in ontology)
    mixin.addN((s, p, o, mixin) for s, p, o in missing)
    return mixin


def store_ontology_mixin(store: OxigraphStore, ontology: Graph) -> Graph:
    """:func:`ontology_mixin` for data held in a store (a user's file read into it)."""
    from mgraph.core.terms import to_rdflib

    supers = _ontology_superclasses(ontology)
    types: dict[object, set[Node]] = {}
    for quad in store.quads(predicate=RDF.type):
        types.setdefault(quad.subject, set()).add(to_rdflib(quad.object))
    missing = {
        (to_rdflib(node), RDF.type, sup)
        for node, classes in types.items()
        for cls in classes
        for sup in supers.get(cls, ())
        if sup not in classes
    }
    return _with_types(ontology, missing)


_SUPERCLASS_CACHE: dict[int, tuple[Graph, dict[Node, frozenset[Node]]]] = {}


def _ontology_superclasses(ontology: Graph) -> dict[Node, frozenset[Node]]:
    """Cached per ontology graph: ours is parsed once, so its closure is computed once."""
    key = id(ontology)
    hit = _SUPERCLASS_CACHE.get(key)
    if hit is None or hit[0] is not ontology:
        hit = (ontology, superclasses(ontology))
        _SUPERCLASS_CACHE[key] = hit
    return hit[1]


def nt(term: Node | None) -> str | None:
    """A term as N-Triples; ``"x"^^xsd:string`` is written ``"x"`` (the same RDF 1.1 term)."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
        term = Literal(str(term))
    return term.n3()


def located(result: ValidationResult, origins: dict[str, Origin]) -> ValidationResult:
    """Fill file/line/record from the focus node's record (a claim's from its record's)."""
    iri = result.focus[1:-1] if result.focus.startswith("<") else result.focus
    origin = origins.get(iri) or origins.get(_claim_record(iri) or "")
    if origin is None:
        return result
    file, line, record = origin
    return replace(result, file=file, line=line, record=record)


def _claim_record(iri: str) -> str | None:
    """``.../id/claim/<kind>/<id>/<field>/<n>`` -> ``.../id/<kind>/<id>``."""
    prefix = f"{MGID}claim/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    return f"{MGID}{parts[0]}/{parts[1]}" if len(parts) >= 2 else None


class LineFinder:
    """Finds the first line of a user's file where an IRI is written, in full or prefixed.

    Each file is read once and scanned once (linear in its size) for the IRIs asked about, all
    at once: ``<iri>``, a prefixed name of a declared prefix, and (JSON-LD, RDF/XML) ``"iri"``.
    """

    PREFIX_RE = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)
    _IRI = re.compile(r"<([^<>\s\"]*)>")
    _QUOTED = re.compile(r'"([^"\\\s<>]+)"')
    _PNAME = re.compile(r"(?<![\w:/#.<-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:((?:[\w-]|\.(?=[\w-]))+)")

    def __init__(self, sources: list[tuple[str, Path | str]]) -> None:
        """``sources``: (name shown in results, the file or its text), in the order given."""
        self.sources = sources
        self._read: dict[str, tuple[list[str], dict[str, str]]] = {}  # name -> (lines, prefixes)
        self._uses: dict[str, dict[str, list[int]]] = {}  # name -> wanted IRI -> lines using it

    def locate_all(self, results: list[ValidationResult]) -> list[ValidationResult]:
        """The results with the file and line where their focus node first appears."""
        wanted = {r.focus[1:-1] for r in results if r.focus.startswith("<")}
        found: dict[str, tuple[str, int]] = {}
        for name, source in self.sources:
            for iri, line in self._scan(name, source, wanted - found.keys()).items():
                found[iri] = (name, line)
        single = self.sources[0][0] if len(self.sources) == 1 else None
        located = []
        for result in results:
            where = found.get(result.focus[1:-1]) if result.focus.startswith("<") else None
            if where is not None:
                line = self._triple_line(where[0], where[1], result)
                located.append(replace(result, file=where[0], line=line))
            else:
                located.append(replace(result, file=single) if single else result)
        return located

    def _scan(self, name: str, source: Path | str, wanted: set[str]) -> dict[str, int]:
        """First line of each wanted IRI in one file: one pass of each token pattern."""
        if not wanted:
            return {}
        if isinstance(source, str):
            text = source
        else:
            try:
                text = source.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return {}
        declarations = list(self.PREFIX_RE.finditer(text))
        spans = [(m.start(), m.end()) for m in declarations]  # no use of an IRI
        prefixes = {(m.group(1) or ""): m.group(2) for m in declarations}
        self._read[name] = (text.splitlines(), prefixes)
        uses: dict[str, list[int]] = {}  # iri -> offsets of every use
        patterns = [self._IRI]
        if not name.lower().endswith((".nt", ".nq")):  # JSON-LD, RDF/XML write "iri"
            patterns.append(self._QUOTED)
        for pattern in patterns:
            for match in pattern.finditer(text):
                iri = match.group(1)
                if iri in wanted and not _in_declaration(match.start(), spans):
                    uses.setdefault(iri, []).append(match.start())
        if prefixes:
            for match in self._PNAME.finditer(text):
                namespace = prefixes.get(match.group(1) or "")
                if namespace is None:
                    continue
                iri = namespace + match.group(2)
                if iri in wanted and not _in_declaration(match.start(), spans):
                    uses.setdefault(iri, []).append(match.start())
        newlines = [m.start() for m in re.finditer("\n", text)] if uses else []
        self._uses[name] = {
            iri: sorted({bisect_right(newlines, offset - 1) + 1 for offset in offsets})
            for iri, offsets in uses.items()
        }
        return {iri: lines[0] for iri, lines in self._uses[name].items()}

    _LEXICAL = re.compile(r'^"((?:[^"\\]|\\.)*)"')
    _NEARBY = 500  # lines after the focus node's first line searched for the end of its statement

    def _triple_line(self, name: str, line: int, result: ValidationResult) -> int:
        """The line of the result's triple, searched within the focus node's statement (from its
        first line to the line ending in ``.``): the line writing both its path and its value,
        else its value, else its path; one triple a line (N-Triples): the line with the focus
        node, path and value. The focus node's line when none is found (a missing value)."""
        lines, prefixes = self._read.get(name, ([], {}))
        if not lines or line > len(lines):
            return line
        values, paths = self._tokens(result.value, prefixes), self._tokens(result.path, prefixes)
        end = line
        while end < min(len(lines), line + self._NEARBY) and not self._ENDS.search(lines[end - 1]):
            end += 1
        block = range(line, end + 1)

        def first(*needed: list[str], rows: Iterable[int] = block) -> int | None:
            wanted = [tokens for tokens in needed if tokens]
            if not wanted:
                return None
            for number in rows:
                text = lines[number - 1]
                if all(any(token in text for token in tokens) for tokens in wanted):
                    return number
            return None

        focus = self._tokens(result.focus, prefixes)
        # one triple a line: only the lines that use the focus node can hold it (not the whole
        # rest of the file for every result, which made a large file's report quadratic)
        using = [n for n in self._uses.get(name, {}).get(result.focus[1:-1], []) if n >= line]
        found = (
            first(paths, values)
            or first(values)
            or (first(paths) if result.value is None else None)
            or first(focus, paths, values, rows=using)
        )
        return found or line

    _ENDS = re.compile(r"\.\s*(#[^\"'>]*)?$")

    def _tokens(self, term: str | None, prefixes: dict[str, str]) -> list[str]:
        """How an N-Triples term may be written in a file: ``<iri>``, ``pfx:local``, ``"text"``."""
        if not term:
            return []
        if term.startswith("<") and term.endswith(">") and term.count("<") == 1:
            iri = term[1:-1]
            written = [term, f'"{iri}"']
            written += [f"{p}:{iri[len(ns) :]}" for p, ns in prefixes.items() if ns and iri.startswith(ns)]
            return written
        lexical = self._LEXICAL.match(term)
        if lexical and lexical.group(1):
            return [f'"{lexical.group(1)}"']
        return []


def _in_declaration(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``offset`` lies inside a prefix declaration (spans in order of their start)."""
    from bisect import bisect_right

    i = bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and offset < spans[i][1]


PROJECTS_THIS = re.compile(r"(?<![?$\w])SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?:\*|[^{]*[?$]this\b)", re.I)


def sparql_code(text: str) -> str:
    """A SPARQL text with its strings, IRIs and comments blanked out (same offsets)."""
    from mgraph.core.sparql_text import blank_opaque

    return blank_opaque(text)


def check_select_projects_this(shapes: Graph) -> None:
    """SHACL 5.3.2: a SPARQL constraint's SELECT projects $this; else the shapes are ill-formed
    (pyshacl would silently find nothing)."""
    from mgraph.core.namespaces import SH

    for shape, constraint in shapes.subject_objects(SH.sparql):
        for select in shapes.objects(constraint, SH.select):
            code = sparql_code(str(select))
            if not PROJECTS_THIS.search(code[: max(code.find("{"), 0)]):
                raise ShapesError(
                    f"the shapes cannot be used: the SPARQL constraint of {shape.n3()} does not select $this"
                )


def severity_name(severity: Node | None) -> str:
    """``Violation``, ``Warning``, ``Info`` for SHACL's severities; a custom one's full IRI."""
    if severity is None:
        return "Violation"
    text = str(severity)
    return text.removeprefix(_SH) if text in _SH_SEVERITIES else text


_SH = "http://www.w3.org/ns/shacl#"
_SH_SEVERITIES = {f"{_SH}Violation", f"{_SH}Warning", f"{_SH}Info"}


def message_text(literals: Iterable[Node]) -> str:
    """The text of a result's messages: several are joined in a stable order."""
    return "\n".join(sorted({str(m) for m in literals}))


def path_text(graph: Graph, path: Node | None) -> str | None:
    """A result's SHACL path as the engines write it: a simple path as its N-Triples term, a
    complex one as SPARQL property path text; None for no path."""
    if path is None:
        return None
    if not isinstance(path, BNode):
        return nt(path)
    return _path_text(graph, path)


def _path_text(graph: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return path.n3()
    if graph.value(path, RDF.first) is not None:  # a sequence first, as pyshacl reads it
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path_text(graph, inverse)}"
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({_path_text(graph, inner)}){suffix}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    return str(path)
