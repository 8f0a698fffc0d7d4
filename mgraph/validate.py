"""Validate a graph against mgraph's SHACL shapes, with pyshacl or with the faster native engine.

Two engines give the same results (``tests/test_engines.py`` holds them to it on every fixture):

- ``pyshacl``: the reference implementation, complete and slow (one SPARQL query per focus node).
- ``native``: our own evaluator for the subset of SHACL the shapes use (Core constraints on plain
  IRI paths, sh:or, and SPARQL-based constraints). Core constraints are checked in Python over an
  index of the graph; each SPARQL constraint runs once, with ``$this`` unbound, on pyoxigraph
  (or rdflib when pyoxigraph is missing), and its rows are kept for the shape's focus nodes.
  Shapes using anything else raise :class:`UnsupportedShapes`; ``engine="auto"`` then falls
  back to pyshacl, so a user's own shapes are never silently half-checked.

Every engine validates the data with the ontology mixed in (pyshacl's ``ont_graph``), and with
every ``rdf:type`` closed under the ontology's ``rdfs:subClassOf`` (the loader already does this
for our data; user files need it), so targets, ``sh:class`` and the SPARQL constraints all see a
COP as an ``mg:Meeting``. The missing types go into the mixed-in graph: the caller's graph is
never copied or changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mgraph import paths
from mgraph.errors import InputError
from mgraph.namespaces import MGID, SH
from mgraph.results import SEVERITIES, ValidationReport, ValidationResult

Origin = tuple[str, int, str]
Engine = Callable[[Graph, Graph, Graph], list[ValidationResult]]  # (data, shapes, mixin)


class UnsupportedShapes(Exception):
    """The shapes use a SHACL feature the native engine does not implement."""


# ---------------------------------------------------------------------------------------------
# Public API


@cache
def load_shapes() -> Graph:
    """Our shapes graph (``ontology/shapes.ttl``), parsed once per process."""
    return Graph().parse(paths.SHAPES, format="turtle")


@cache
def load_ontology() -> Graph:
    """Our ontology (``ontology/mercury.ttl``), parsed once; empty if the file is absent."""
    graph = Graph()
    if paths.ONTOLOGY.exists():
        graph.parse(paths.ONTOLOGY, format="turtle")
    return graph


def validate(data: Graph, *, engine: str = "auto", shapes: Graph | None = None,
             origins: dict[str, Origin] | None = None) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (default: ours); results located through ``origins``.

    ``origins`` maps a record's IRI to (file, line, "kind 'id'"), as ``mgraph.load`` gives it.
    ``engine`` is "auto" (native, else pyshacl), or a name in :data:`ENGINES`.
    """
    report = _run(data, engine=engine, shapes=shapes)
    if origins:
        report.results = sort_results({_located(r, origins) for r in report.results})
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
    finder = _LineFinder(paths_)
    report.results = sort_results({finder.locate(r) for r in report.results})
    return report


def engine_names() -> list[str]:
    """The engines a user may choose, "auto" first (for ``--engine`` choices)."""
    return ["auto", *ENGINES]


def _run(data: Graph, *, engine: str, shapes: Graph | None) -> ValidationReport:
    shapes_graph = shapes if shapes is not None else load_shapes()
    mixin = ontology_mixin(data, load_ontology())
    if engine == "auto":
        try:
            results, used = _run_native(data, shapes_graph, mixin), "native"
        except UnsupportedShapes:
            results, used = _run_pyshacl(data, shapes_graph, mixin), "pyshacl"
    elif engine in ENGINES:
        results, used = ENGINES[engine](data, shapes_graph, mixin), engine
    else:
        raise ValueError(f"unknown engine {engine!r}; choose one of: {', '.join(engine_names())}")
    return ValidationReport(sort_results(set(results)), engine=used)


# ---------------------------------------------------------------------------------------------
# Shared helpers: type closure, term rendering, locations


def sort_results(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """Violations first, then by file and line, then by focus node: the same order every run."""
    rank = {severity: n for n, severity in enumerate(SEVERITIES)}

    def key(r: ValidationResult) -> tuple:
        return (rank.get(r.severity, len(rank)), r.file or "", r.line or 0, r.focus,
                r.path or "", r.value or "", r.shape or "", r.constraint or "", r.message)

    return sorted(results, key=key)


def superclasses(graph: Graph) -> dict[Node, frozenset[Node]]:
    """Each class's strict superclasses through ``rdfs:subClassOf`` in ``graph``."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        direct.setdefault(sub, set()).add(sup)
    closure: dict[Node, frozenset[Node]] = {}
    for start in direct:
        seen: set[Node] = set()
        stack = list(direct[start])
        while stack:
            cls = stack.pop()
            if cls not in seen:
                seen.add(cls)
                stack.extend(direct.get(cls, ()))
        closure[start] = frozenset(seen)
    return closure


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


def _located(result: ValidationResult, origins: dict[str, Origin]) -> ValidationResult:
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


class _LineFinder:
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


def _messages(literals: Iterable[Node]) -> str:
    """The text of a result's messages: several are joined in a stable order."""
    return "\n".join(sorted({str(m) for m in literals}))


# ---------------------------------------------------------------------------------------------
# pyshacl: the reference engine


def _run_pyshacl(data: Graph, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
    """Validate with pyshacl, the ontology (and closed types) mixed in as its ont_graph."""
    import pyshacl

    with _sparql_parsed_once():
        _conforms, report_graph, _text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=mixin if len(mixin) else None,
            inference="none", abort_on_first=False, allow_infos=True, allow_warnings=True,
            meta_shacl=False, advanced=False, do_owl_imports=False, inplace=False,
        )
    if not isinstance(report_graph, Graph):  # pyshacl's ValidationFailure: the shapes are wrong
        raise InputError(f"the shapes cannot be used: {report_graph}")
    results = []
    top = [r for report in report_graph.subjects(RDF.type, SH.ValidationReport)
           for r in report_graph.objects(report, SH.result)]  # not the nested sh:detail ones
    for node in top:
        def one(predicate: URIRef, node: Node = node) -> Node | None:
            return report_graph.value(node, predicate)

        severity = one(SH.resultSeverity)
        path = one(SH.resultPath)
        results.append(ValidationResult(
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            focus=nt(one(SH.focusNode)) or "",
            path=_path_text(shapes, path) if isinstance(path, BNode) else nt(path),
            value=nt(one(SH.value)),
            message=_messages(report_graph.objects(node, SH.resultMessage)),
            shape=nt(one(SH.sourceShape)),
            constraint=nt(one(SH.sourceConstraintComponent)),
        ))
    return results


_PARSED_SPARQL: dict[tuple, Any] = {}


@contextmanager
def _sparql_parsed_once() -> Iterator[None]:
    """Parse each SPARQL text once while pyshacl runs.

    pyshacl sends the text of a SPARQL constraint to rdflib once per focus node, and rdflib
    parses it every time (about 0.2 s for ours): that was 99% of pyshacl's time. A parsed and
    translated query is what rdflib's own prepareQuery reuses across runs, so reusing it here
    changes nothing but the time. rdflib is restored on the way out; the parsed queries are
    kept for the next run (a handful per shapes graph).
    """
    from rdflib.plugins.sparql import processor

    parse, translate = processor.parseQuery, processor.translateQuery
    cache = _PARSED_SPARQL

    def keep_text(text: Any) -> Any:
        return text  # parsed below, once per (text, base, namespaces)

    def parse_and_translate(text: Any, base: Any = None, init_ns: Any = None) -> Any:
        if not isinstance(text, str):
            return translate(text, base, init_ns)
        key = (text, base, tuple(sorted((init_ns or {}).items())))
        if key not in cache:
            cache[key] = translate(parse(text), base, init_ns)
        return cache[key]

    processor.parseQuery, processor.translateQuery = keep_text, parse_and_translate
    try:
        yield
    finally:
        processor.parseQuery, processor.translateQuery = parse, translate


def _path_text(graph: Graph, path: Node) -> str:
    """A SHACL path as SPARQL property path text (only pyshacl meets complex paths)."""
    if isinstance(path, URIRef):
        return path.n3()
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path_text(graph, inverse)}"
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                              (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({_path_text(graph, inner)}){suffix}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    return str(path)


# ---------------------------------------------------------------------------------------------
# native: Core constraints in Python, SPARQL constraints on pyoxigraph

# Parameters the native engine understands on a shape; anything else in the sh: namespace
# makes it refuse the shapes graph rather than ignore a constraint.
_NOT_CONSTRAINTS = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
                    SH.deactivated, SH.property, SH.path, SH.sparql, SH.targetClass,
                    SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.flags,
                    SH.declare, SH.prefixes}
_VALUE_CONSTRAINTS = {SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.languageIn,
                      SH.pattern, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
                      SH.maxExclusive, SH["or"]}
_PROPERTY_CONSTRAINTS = {SH.minCount, SH.maxCount, SH.hasValue}
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_COMPONENT = {
    SH.datatype: SH.DatatypeConstraintComponent, SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
}
_NUMBER = (int, float, Decimal)


@dataclass
class _Index:
    """The graph as dictionaries: values by subject and predicate, closed types, subjects."""

    values: dict[Node, dict[Node, list[Node]]] = field(default_factory=dict)
    types: dict[Node, set[Node]] = field(default_factory=dict)
    instances: dict[Node, list[Node]] = field(default_factory=dict)  # class -> nodes

    def get(self, focus: Node, predicate: Node) -> list[Node]:
        return self.values.get(focus, {}).get(predicate, [])

    def is_instance(self, node: Node, cls: Node) -> bool:
        return cls in self.types.get(node, ())


ValueTest = tuple[URIRef, Callable[[Node, _Index], bool]]  # (component, passes(value, index))


@dataclass
class _PropertyPlan:
    shape: Node
    path: URIRef | None  # None: the focus node itself is the value (node-level constraints)
    severity: str
    messages: list[Literal]
    min_count: int | None = None
    max_count: int | None = None
    has_values: list[Node] = field(default_factory=list)
    tests: list[ValueTest] = field(default_factory=list)


@dataclass
class _SparqlPlan:
    shape: Node
    severity: str
    constraint_messages: list[Literal]
    shape_messages: list[Literal]
    query: str


@dataclass
class _NodePlan:
    shape: Node
    targets: list[tuple[URIRef, Node]]
    properties: list[_PropertyPlan]
    sparql: list[_SparqlPlan]


_PLAN_CACHE: dict[int, tuple[Graph, list[_NodePlan]]] = {}


def _run_native(data: Graph, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
    plans = _plans(shapes)
    predicates = {p.path for plan in plans for p in plan.properties if p.path is not None}
    index = _build_index(data, mixin, predicates)
    results: list[ValidationResult] = []
    store: _SparqlStore | None = None
    for plan in plans:
        focus_nodes = _focus_nodes(plan, index, data, mixin)
        if not focus_nodes:
            continue
        for prop in plan.properties:
            results.extend(_check_property(prop, focus_nodes, index))
        for sparql in plan.sparql:
            if store is None:
                store = _SparqlStore(data, mixin)
            results.extend(_check_sparql(sparql, set(focus_nodes), store))
    return results


def _plans(shapes: Graph) -> list[_NodePlan]:
    """Compiled shapes, cached per shapes graph (ours is parsed once per process)."""
    hit = _PLAN_CACHE.get(id(shapes))
    if hit is None or hit[0] is not shapes:
        hit = (shapes, _compile(shapes))
        _PLAN_CACHE[id(shapes)] = hit
    return hit[1]


def _compile(shapes: Graph) -> list[_NodePlan]:
    """Turn each targeted node shape into checks; refuse anything we do not implement."""
    roots = sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str)
    for cls in (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")):
        for shape in shapes.subjects(RDF.type, cls):
            if (shape, RDF.type, SH.NodeShape) in shapes:
                raise UnsupportedShapes(f"implicit class target on {shape}")
    plans = []
    for shape in roots:
        if _deactivated(shapes, shape):
            continue
        if shapes.value(shape, SH.path) is not None:
            raise UnsupportedShapes(f"property shape {shape} with its own target")
        _check_known(shapes, shape, _VALUE_CONSTRAINTS | _TARGETS_SET)
        targets = [(t, o) for t in _TARGETS for o in shapes.objects(shape, t)]
        properties = [_compile_property(shapes, p) for p in shapes.objects(shape, SH.property)
                      if not _deactivated(shapes, p)]
        own = _compile_values(shapes, shape)
        if own:
            properties.append(_PropertyPlan(shape, None, _severity(shapes, shape),
                                            list(shapes.objects(shape, SH.message)), tests=own))
        sparql = [_compile_sparql(shapes, shape, c) for c in shapes.objects(shape, SH.sparql)
                  if not _deactivated(shapes, c)]
        plans.append(_NodePlan(shape, targets, properties, sparql))
    return plans


_TARGETS_SET = set(_TARGETS)


def _deactivated(shapes: Graph, node: Node) -> bool:
    flag = shapes.value(node, SH.deactivated)
    return isinstance(flag, Literal) and flag.value is True


def _check_known(shapes: Graph, shape: Node, allowed: set[Node]) -> None:
    for predicate in shapes.predicates(shape, None):
        if (str(predicate).startswith(str(SH)) and predicate not in allowed
                and predicate not in _NOT_CONSTRAINTS):
            raise UnsupportedShapes(f"{predicate.n3()} on shape {shape}")


def _severity(shapes: Graph, shape: Node) -> str:
    severity = shapes.value(shape, SH.severity)
    return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"


def _compile_property(shapes: Graph, shape: Node) -> _PropertyPlan:
    _check_known(shapes, shape, _VALUE_CONSTRAINTS | _PROPERTY_CONSTRAINTS)
    path = shapes.value(shape, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapes(f"complex sh:path on {shape}")
    if shapes.value(shape, SH.property) is not None or shapes.value(shape, SH.sparql) is not None:
        raise UnsupportedShapes(f"nested shapes under property shape {shape}")
    plan = _PropertyPlan(shape, path, _severity(shapes, shape),
                         list(shapes.objects(shape, SH.message)))
    for predicate in (SH.minCount, SH.maxCount):
        counts = [int(c) for c in shapes.objects(shape, predicate)]
        if counts:
            setattr(plan, "min_count" if predicate == SH.minCount else "max_count",
                    max(counts) if predicate == SH.minCount else min(counts))
    plan.has_values = list(shapes.objects(shape, SH.hasValue))
    plan.tests = _compile_values(shapes, shape)
    return plan


def _compile_values(shapes: Graph, shape: Node) -> list[ValueTest]:
    """The value-node tests of a shape: one (component, test) per constraint parameter."""
    tests: list[ValueTest] = []
    flags = str(shapes.value(shape, SH.flags) or "")
    for predicate in sorted(_VALUE_CONSTRAINTS, key=str):
        for parameter in shapes.objects(shape, predicate):
            tests.append((_COMPONENT[predicate], _value_test(shapes, predicate, parameter, flags)))
    return tests


def _value_test(shapes: Graph, predicate: Node, parameter: Node,
                flags: str) -> Callable[[Node, _Index], bool]:
    if predicate == SH.datatype:
        return lambda v, _ix: _has_datatype(v, parameter)
    if predicate == SH["class"]:
        return lambda v, ix: not isinstance(v, Literal) and ix.is_instance(v, parameter)
    if predicate == SH.nodeKind:
        kinds = _NODE_KINDS.get(parameter)
        if kinds is None:
            raise UnsupportedShapes(f"sh:nodeKind {parameter}")
        return lambda v, _ix: isinstance(v, kinds)
    if predicate == SH["in"]:
        members = list(Collection(shapes, parameter))
        return lambda v, _ix: v in members
    if predicate == SH.languageIn:
        wanted = {str(x).lower() for x in Collection(shapes, parameter)}
        return lambda v, _ix: _language_in(v, wanted)
    if predicate == SH.pattern:
        regex = re.compile(str(parameter), (re.I if "i" in flags.lower() else 0)
                           | (re.M if "m" in flags.lower() else 0))
        return lambda v, _ix: not isinstance(v, BNode) and bool(regex.search(_string_of(v)))
    if predicate in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
        if not (isinstance(parameter, Literal) and isinstance(parameter.value, _NUMBER)
                and not isinstance(parameter.value, bool)):
            raise UnsupportedShapes(f"{predicate.n3()} with a non-numeric bound")
        return _range_test(predicate, parameter.value)
    if predicate == SH["or"]:
        members = []
        for member in Collection(shapes, parameter):
            _check_known(shapes, member, _VALUE_CONSTRAINTS)
            if shapes.value(member, SH.path) is not None or shapes.value(member, SH.property):
                raise UnsupportedShapes(f"sh:or member {member} with a path or properties")
            members.append(_compile_values(shapes, member))
        return lambda v, ix: any(all(test(v, ix) for _c, test in m) for m in members)
    raise UnsupportedShapes(predicate.n3())


_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _has_datatype(value: Node, datatype: Node) -> bool:
    """sh:datatype as pyshacl reads it: the same IRI, and a well-formed lexical form."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        return getattr(value, "ill_typed", None) is not True and _value_fits(value, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype:
        return value.datatype is not None
    if datatype == XSD.string:
        return value.datatype is None and value.language is None and _value_fits(value, datatype)
    if datatype == RDF.langString:
        return bool(value.language) and _value_fits(value, datatype)
    return False


_VALUE_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int,
    XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool,
}


def _value_fits(value: Literal, datatype: Node) -> bool:
    import datetime as dt

    expected = _VALUE_TYPES.get(datatype)
    if datatype == XSD.date:
        expected = dt.date
    elif datatype == XSD.time:
        expected = dt.time
    elif datatype == XSD.dateTime:
        expected = dt.datetime
    return expected is None or isinstance(value.value, expected)


def _language_in(value: Node, wanted: set[str]) -> bool:
    if not isinstance(value, Literal) or not value.language:
        return False
    language = value.language.lower()
    return "*" in wanted or language in wanted or language.split("-")[0] in wanted


def _string_of(value: Node) -> str:
    if (isinstance(value, Literal) and value.value is not None
            and value.datatype in (None, RDF.langString, XSD.string)):
        return str(value.value)
    return str(value)


def _range_test(predicate: Node, bound: Any) -> Callable[[Node, _Index], bool]:
    compare = {
        SH.minInclusive: lambda x: x >= bound, SH.maxInclusive: lambda x: x <= bound,
        SH.minExclusive: lambda x: x > bound, SH.maxExclusive: lambda x: x < bound,
    }[predicate]

    def passes(value: Node, _index: _Index) -> bool:
        number = value.value if isinstance(value, Literal) else None
        return (isinstance(number, _NUMBER) and not isinstance(number, bool)
                and bool(compare(number)))

    return passes


_FORBIDDEN_SPARQL = re.compile(r"(?<![?$\w])(MINUS|VALUES|SERVICE)\b", re.I)


def _compile_sparql(shapes: Graph, shape: Node, constraint: Node) -> _SparqlPlan:
    select = shapes.value(constraint, SH.select)
    if select is None or shapes.value(constraint, SH.ask) is not None:
        raise UnsupportedShapes(f"SPARQL constraint of {shape} without one sh:select")
    text = str(select)
    forbidden = _FORBIDDEN_SPARQL.search(text)
    if forbidden:  # SHACL 5.2.1; pyshacl refuses these too
        raise InputError(f"the shapes cannot be used: the SPARQL constraint of {shape} "
                         f"contains {forbidden.group(1).upper()}")
    if re.search(r"\$(PATH|value|shapesGraph|currentShape)\b", text):
        raise UnsupportedShapes(f"SPARQL constraint of {shape} uses a pre-bound variable")
    if not re.search(r"SELECT\b[^{]*[?$]this\b", text, re.I | re.S):
        raise UnsupportedShapes(f"SPARQL constraint of {shape} does not select $this")
    prefixes = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            prefixes.append(f"PREFIX {prefix}: <{namespace}>")
    query = "\n".join(sorted(set(prefixes))) + "\n" + re.sub(r"\$this\b", "?this", text)
    return _SparqlPlan(shape, _severity(shapes, shape),
                       list(shapes.objects(constraint, SH.message)),
                       list(shapes.objects(shape, SH.message)), query)


def _build_index(data: Graph, mixin: Graph, predicates: set[URIRef]) -> _Index:
    """Values of the predicates the shapes look at, and every node's closed types.

    The mixed-in graph is part of what is validated, as pyshacl's ont_graph is.
    """
    index = _Index()
    direct_types: dict[Node, set[Node]] = {}
    subclass_graph = Graph()
    for graph in (data, mixin):
        for s, p, o in graph:
            if p == RDF.type:
                direct_types.setdefault(s, set()).add(o)
            elif p == RDFS.subClassOf:
                subclass_graph.add((s, p, o))
            if p in predicates:
                index.values.setdefault(s, {}).setdefault(p, []).append(o)
    supers = superclasses(subclass_graph) if len(subclass_graph) else {}
    for node, classes in direct_types.items():
        closed = set(classes)
        for cls in classes:
            closed.update(supers.get(cls, ()))
        index.types[node] = closed
        for cls in closed:
            index.instances.setdefault(cls, []).append(node)
    for values in index.values.values():  # a triple in both graphs counts once
        for predicate, objects in values.items():
            if len(objects) > 1:
                values[predicate] = list(dict.fromkeys(objects))
    return index


def _focus_nodes(plan: _NodePlan, index: _Index, data: Graph, mixin: Graph) -> list[Node]:
    found: dict[Node, None] = {}
    for kind, target in plan.targets:
        if kind == SH.targetClass:
            found.update(dict.fromkeys(index.instances.get(target, ())))
        elif kind == SH.targetNode:
            found[target] = None
        else:
            for graph in (data, mixin):
                pairs = graph.subject_objects(target)
                found.update(dict.fromkeys(s if kind == SH.targetSubjectsOf else o
                                           for s, o in pairs))
    return list(found)


def _check_property(prop: _PropertyPlan, focus_nodes: list[Node],
                    index: _Index) -> Iterator[ValidationResult]:
    """The results of one property shape (or of a node shape's own constraints) on its nodes."""
    path = nt(prop.path)
    message = _messages(prop.messages)
    shape = nt(prop.shape)
    severity = prop.severity

    def result(focus: Node, value: Node | None, component: URIRef) -> ValidationResult:
        return ValidationResult(severity, nt(focus) or "", path, nt(value), message, shape,
                                nt(component))

    for focus in focus_nodes:
        values = index.get(focus, prop.path) if prop.path is not None else [focus]
        if prop.min_count is not None and len(values) < prop.min_count:
            yield result(focus, None, SH.MinCountConstraintComponent)
        if prop.max_count is not None and len(values) > prop.max_count:
            yield result(focus, None, SH.MaxCountConstraintComponent)
        for wanted in prop.has_values:
            if wanted not in values:
                yield result(focus, None, SH.HasValueConstraintComponent)
        for component, test in prop.tests:
            for value in values:
                if not test(value, index):
                    yield result(focus, value, component)


class _SparqlStore:
    """Data and mixin in pyoxigraph, for SPARQL constraints; rdflib when pyoxigraph is missing."""

    def __init__(self, data: Graph, mixin: Graph) -> None:
        self.graphs = (data, mixin)
        self.store = None
        try:
            self.store = _oxigraph_store(data, mixin)
        except (ImportError, ValueError, SyntaxError):
            self.store = None  # pyoxigraph missing, or a term it cannot hold: rdflib does it

    def rows(self, query: str) -> Iterator[dict[str, Node]]:
        if self.store is not None:
            from pyoxigraph import QuerySolutions

            solutions = self.store.query(query)
            assert isinstance(solutions, QuerySolutions)
            names = [v.value for v in solutions.variables]
            for solution in solutions:
                row = {}
                for name in names:
                    term = solution[name]
                    if term is not None:
                        row[name] = _from_oxigraph(term)
                yield row
            return
        union = self.graphs[0] if not len(self.graphs[1]) else self.graphs[0] + self.graphs[1]
        for solution in union.query(query):
            yield {str(k): v for k, v in solution.asdict().items()}


def _oxigraph_store(data: Graph, mixin: Graph):
    import pyoxigraph as ox

    store = ox.Store()
    memo: dict[Node, Any] = {}

    def term(node: Node) -> Any:
        found = memo.get(node)
        if found is None:
            if isinstance(node, URIRef):
                found = ox.NamedNode(str(node))
            elif isinstance(node, BNode):
                found = ox.BlankNode(str(node))
            elif node.language:  # type: ignore[union-attr]
                found = ox.Literal(str(node), language=node.language)  # type: ignore[union-attr]
            else:
                datatype = node.datatype  # type: ignore[union-attr]
                found = ox.Literal(str(node), datatype=ox.NamedNode(str(datatype))
                                   if datatype else None)
            memo[node] = found
        return found

    quads = [ox.Quad(term(s), term(p), term(o)) for graph in (data, mixin)
             for s, p, o in graph]
    store.bulk_extend(quads)
    return store


def _from_oxigraph(term: Any) -> Node:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def _check_sparql(plan: _SparqlPlan, focus_nodes: set[Node],
                  store: _SparqlStore) -> Iterator[ValidationResult]:
    """Run the constraint once for all nodes; keep the rows of this shape's focus nodes."""
    seen: set[tuple] = set()
    for row in store.rows(plan.query):
        focus = row.get("this")
        if focus is None or focus not in focus_nodes:
            continue
        path = row.get("path")
        value = row.get("value", focus)
        others = {k: v for k, v in row.items() if k not in ("this", "path", "value")}
        key = (focus, path, value, tuple(sorted(others.items())))
        if key in seen:
            continue
        seen.add(key)
        bound = {**others, "this": focus, **({"path": path} if path is not None else {}),
                 "value": row.get("value", focus)}
        texts = [_format(m, bound) for m in plan.constraint_messages
                 if m not in plan.shape_messages]
        texts += [_format(m, bound) for m in plan.shape_messages]
        yield ValidationResult(plan.severity, nt(focus) or "", nt(path), nt(value),
                               "\n".join(sorted(set(texts))), nt(plan.shape),
                               nt(SH.SPARQLConstraintComponent))


def _format(message: Literal, bound: dict[str, Node]) -> str:
    """Fill ``{?var}`` / ``{$var}`` in a message as pyshacl does (with the term's text)."""
    text = str(message)
    for name, term in bound.items():
        text = re.sub("{[?$]" + re.escape(name) + "}", lambda _m, t=term: str(t), text)
    return text


# ---------------------------------------------------------------------------------------------
# pyrudof: SHACL Core by rudof (Rust), SPARQL constraints as in the native engine

_RUDOF_PREFIXES = {"xsd": str(XSD), "rdf": str(RDF), "rdfs": str(RDFS)}
_CORE_SHAPES_CACHE: dict[int, tuple[Graph, str, list[_NodePlan]]] = {}


def _run_pyrudof(data: Graph, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
    """Core constraints by pyrudof; its terms and messages mapped back to ours.

    rudof writes values in its own way (``"2013"^^xsd:gYear``, a bare lexical form for
    xsd:dateTime) and generic texts for some messages; each value is matched back to the
    focus node's value in the data, and each message is the shape's own sh:message.
    """
    import pyrudof

    core_turtle, sparql_plans = _core_shapes(shapes)
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    text = data.serialize(format="nt") + "\n" + mixin.serialize(format="nt")
    rudof.read_data(text, format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(core_turtle)
    results = []
    for entry in rudof.validate_shacl():
        focus = _rudof_term(entry.focus_node)
        path = URIRef(entry.path) if entry.path else None
        shape = _rudof_term(str(entry.source_shape)) if entry.source_shape else None
        value = _rudof_value(entry.value, focus, path, (data, mixin))
        messages = list(shapes.objects(shape, SH.message)) if shape is not None else []
        results.append(ValidationResult(
            entry.severity, nt(focus) or "", nt(path), nt(value), _messages(messages),
            nt(shape), nt(_rudof_term(str(entry.constraint_component))),
        ))
    if sparql_plans:
        plans = _plans(shapes)
        index = _build_index(data, mixin, set())
        store = _SparqlStore(data, mixin)
        for plan in (p for p in plans if p.sparql):
            focus_nodes = set(_focus_nodes(plan, index, data, mixin))
            for sparql in plan.sparql:
                results.extend(_check_sparql(sparql, focus_nodes, store))
    return results


def _core_shapes(shapes: Graph) -> tuple[str, list[Node]]:
    """The shapes without their SPARQL constraints, as Turtle for rudof (cached)."""
    hit = _CORE_SHAPES_CACHE.get(id(shapes))
    if hit is None or hit[0] is not shapes:
        core = Graph()
        sparql = list(shapes.subjects(SH.sparql, None))
        core.addN((s, p, o, core) for s, p, o in shapes if p != SH.sparql)
        hit = (shapes, core.serialize(format="turtle"), sparql)  # type: ignore[assignment]
        _CORE_SHAPES_CACHE[id(shapes)] = hit  # type: ignore[assignment]
    return hit[1], hit[2]  # type: ignore[return-value]


def _rudof_term(text: str) -> Node:
    if text.startswith("_:"):
        return BNode(text[2:])
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    return URIRef(text)


_RUDOF_LITERAL = re.compile(r'^"(?P<lex>.*)"(?:@(?P<lang>[\w-]+)|\^\^(?P<dt>\S+))?$', re.S)


def _rudof_value(text: str | None, focus: Node, path: Node | None,
                 graphs: tuple[Graph, Graph]) -> Node | None:
    """rudof's text of a value, as the term of the data it stands for."""
    if text is None:
        return None
    candidates = [o for g in graphs for o in g.objects(focus, path)] if path is not None else []
    match = _RUDOF_LITERAL.match(text)
    if match is None:  # an IRI, or the bare lexical form of some literals
        for candidate in candidates:
            if str(candidate) == text:
                return candidate
        return _rudof_term(text)
    lexical, language, datatype = match.group("lex"), match.group("lang"), match.group("dt")
    if datatype and ":" in datatype and not datatype.startswith("<"):
        prefix, _, local = datatype.partition(":")
        datatype = _RUDOF_PREFIXES.get(prefix, prefix + ":") + local
    elif datatype:
        datatype = datatype.strip("<>")
    for candidate in candidates:
        if (isinstance(candidate, Literal) and str(candidate) == lexical
                and (candidate.language or None) == language
                and (datatype is None or str(candidate.datatype) == datatype)):
            return candidate
    return Literal(lexical, lang=language, datatype=URIRef(datatype) if datatype else None)


def _rudof_available() -> bool:
    """Whether pyrudof is installed, without importing it (``mgraph --help`` stays fast)."""
    from importlib.util import find_spec

    return find_spec("pyrudof") is not None


ENGINES: dict[str, Engine] = {
    "native": _run_native,
    "pyshacl": _run_pyshacl,
}
if _rudof_available():
    ENGINES["pyrudof"] = _run_pyrudof
"""Validation engines by name; each returns the same results for the same shapes and data."""
