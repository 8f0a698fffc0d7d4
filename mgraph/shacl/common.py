"""Helpers shared by the SHACL engines: type closure, term rendering, locations, messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal
from rdflib.term import Node

from mgraph.namespaces import MGID
from mgraph.ontology import superclasses
from mgraph.results import ValidationResult

Origin = tuple[str, int, str]


class UnsupportedShapes(Exception):
    """The shapes use a SHACL feature the native engine does not implement."""


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
    if not missing:
        return ontology
    mixin = Graph()
    mixin.addN((s, p, o, mixin) for s, p, o in ontology)
    mixin.addN((s, p, o, mixin) for s, p, o in missing)
    return mixin


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
    parts = iri[len(prefix):].split("/")
    return f"{MGID}{parts[0]}/{parts[1]}" if len(parts) >= 2 else None


class LineFinder:
    """Finds the first line of a user's file where an IRI is written, in full or prefixed."""

    PREFIX_RE = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._lines: dict[Path, list[str]] = {}
        self._prefixes: dict[Path, list[tuple[str, str]]] = {}
        self._found: dict[tuple[Path, str], int | None] = {}

    def locate(self, result: ValidationResult) -> ValidationResult:
        """The result with the file and line where its focus node first appears."""
        iri = result.focus[1:-1] if result.focus.startswith("<") else None
        for path in self.files:
            line = self.find(path, iri) if iri else None
            if line is not None:
                return replace(result, file=str(path), line=line)
        return replace(result, file=str(self.files[0])) if len(self.files) == 1 else result

    def find(self, path: Path, iri: str) -> int | None:
        key = (path, iri)
        if key not in self._found:
            self._found[key] = self._search(path, iri)
        return self._found[key]

    def _read(self, path: Path) -> list[str]:
        if path not in self._lines:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._lines[path] = text.splitlines()
            self._prefixes[path] = [(m.group(1) or "", m.group(2)) for line in self._lines[path]
                                    for m in self.PREFIX_RE.finditer(line)]
        return self._lines[path]

    def _search(self, path: Path, iri: str) -> int | None:
        lines = self._read(path)
        patterns = [re.compile(re.escape(f"<{iri}>")),
                    re.compile(re.escape(f'"{iri}"'))]  # JSON-LD, RDF/XML attributes
        for prefix, namespace in self._prefixes[path]:
            if namespace and iri.startswith(namespace) and len(iri) > len(namespace):
                name = re.escape(f"{prefix}:{iri[len(namespace):]}")
                patterns.append(re.compile(rf"(?<![\w:/#.-]){name}(?![\w:/#-])"))
        for number, line in enumerate(lines, start=1):
            if not self.PREFIX_RE.search(line) and any(p.search(line) for p in patterns):
                return number
        return None


def message_text(literals: Iterable[Node]) -> str:
    """The text of a result's messages: several are joined in a stable order."""
    return "\n".join(sorted({str(m) for m in literals}))
