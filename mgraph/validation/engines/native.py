"""The native engine: Core constraints in Python, SPARQL constraints on pyoxigraph.

Our own evaluator for the subset of SHACL the shapes use (Core constraints on plain IRI paths,
sh:or, and SPARQL-based constraints). The shapes are compiled once into plans; Core constraints
are checked in Python over an index of the graph; each SPARQL constraint runs on pyoxigraph once
per focus node, with ``$this`` pre-bound to it (``substitutions=``), as SHACL defines
pre-binding. The engine accepts only what it evaluates exactly: shapes using anything else
(custom constraint components, sub-queries, other pre-bound variables, a query pyoxigraph cannot
parse, ...) raise :class:`UnsupportedShapes`; shapes SHACL calls ill-formed raise
:class:`ShapesError`, naming the shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mgraph.core.namespaces import SH
from mgraph.core.ontology import superclasses
from mgraph.core.store import OxigraphStore
from mgraph.core.terms import sparql_term, to_rdflib
from mgraph.validation.engines.common import (
    GRAPH,
    PROJECTS_THIS,
    STORE,
    Engine,
    ShapesError,
    UnsupportedShapes,
    message_text,
    nt,
    severity_name,
    sparql_code,
)
from mgraph.validation.results import ValidationResult

# Parameters the native engine understands on a shape; anything else in the sh: namespace
# makes it refuse the shapes graph rather than ignore a constraint.
_NOT_CONSTRAINTS = {
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.deactivated,
    SH.property,
    SH.path,
    SH.sparql,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.flags,
    SH.declare,
    SH.prefixes,
}
_VALUE_CONSTRAINTS = {
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.languageIn,
    SH.pattern,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH["or"],
}
_PROPERTY_CONSTRAINTS = {SH.minCount, SH.maxCount, SH.hasValue}
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_COMPONENT = {
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
}
_NUMBER = (int, float, Decimal)


_Pairs = Callable[[Node], Iterator[tuple[Node, Node]]]
"""(subject, object) pairs of a predicate, from whichever engine holds the data."""


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


ValueTest = tuple[URIRef, Callable[[Node, _Index], bool], str]  # (component, passes(value, index), why)


@dataclass
class _PropertyPlan:
    shape: Node
    path: URIRef | None  # None: the focus node itself is the value (node-level constraints)
    severity: str
    messages: list[Node]
    min_count: int | None = None
    max_count: int | None = None
    has_values: list[Node] = field(default_factory=list)
    tests: list[ValueTest] = field(default_factory=list)


@dataclass
class _SparqlPlan:
    shape: Node
    severity: str
    constraint_messages: list[Node]
    shape_messages: list[Node]
    query: str  # with $this unbound (for checking that it parses)
    pieces: list[str]  # the query split at each $this/?this of its WHERE clause
    joinable: bool = False  # run once with $this unbound gives the same rows (see _joinable)


@dataclass
class _NodePlan:
    shape: Node
    targets: list[tuple[URIRef, Node]]
    properties: list[_PropertyPlan]
    sparql: list[_SparqlPlan]


_PLAN_CACHE: dict[int, tuple[Graph, list[_NodePlan]]] = {}


def run(data: Graph, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
    """Validate with the native engine; :class:`UnsupportedShapes` if the shapes need more."""
    plans = shape_plans(shapes)
    predicates = {p.path for plan in plans for p in plan.properties if p.path is not None}
    index = build_index(data, mixin, predicates)
    return _evaluate(
        plans,
        index,
        lambda plan: focus_nodes_of(plan, index, graph_pairs(data, mixin)),
        lambda: SparqlStore(data, mixin),
    )


def run_store(store: OxigraphStore, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
    """Validate data held in a store (a user's file parsed straight into it).

    The mixin's triples are added to the store (the store is the caller's own copy of the
    data); the Core constraints read only the predicates the shapes look at, and the SPARQL
    constraints run on the same store: the data is never held twice.
    """
    plans = shape_plans(shapes)
    predicates = {p.path for plan in plans for p in plan.properties if p.path is not None}
    if len(mixin):
        store.add(mixin)
    convert = _Converter()
    index = build_store_index(store, predicates, convert)
    return _evaluate(
        plans,
        index,
        lambda plan: focus_nodes_of(plan, index, store_pairs(store, convert)),
        lambda: SparqlStore.over(store),
    )


def _evaluate(
    plans: list[_NodePlan],
    index: _Index,
    focus_of: Callable[[_NodePlan], list[Node]],
    sparql_store: Callable[[], SparqlStore],
) -> list[ValidationResult]:
    results: list[ValidationResult] = []
    store: SparqlStore | None = None
    for plan in plans:
        focus_nodes = focus_of(plan)
        if not focus_nodes:
            continue
        for prop in plan.properties:
            results.extend(_check_property(prop, focus_nodes, index))
        for sparql in plan.sparql:
            if store is None:
                store = sparql_store()
            results.extend(check_sparql(sparql, set(focus_nodes), store))
    return results


class _Converter(dict[Any, Node]):
    """pyoxigraph terms to rdflib terms, each built once."""

    def __missing__(self, term: Any) -> Node:
        found: Node = to_rdflib(term)
        self[term] = found
        return found


def build_store_index(store: OxigraphStore, predicates: set[URIRef], convert: _Converter) -> _Index:
    """:func:`build_index` over a store: only the predicates the shapes look at."""
    index = _Index()
    direct_types: dict[Node, set[Node]] = {}
    for quad in store.quads(predicate=RDF.type):
        direct_types.setdefault(convert[quad.subject], set()).add(convert[quad.object])
    subclass_graph = Graph()
    for quad in store.quads(predicate=RDFS.subClassOf):
        subclass_graph.add((convert[quad.subject], RDFS.subClassOf, convert[quad.object]))
    for predicate in predicates:
        for quad in store.quads(predicate=predicate):
            index.values.setdefault(convert[quad.subject], {}).setdefault(predicate, []).append(
                convert[quad.object]
            )
    _close_types(index, direct_types, subclass_graph)
    return index


def store_pairs(store: OxigraphStore, convert: _Converter) -> _Pairs:
    """The (subject, object) pairs of a predicate in a store, as rdflib terms."""

    def pairs(predicate: Node) -> Iterator[tuple[Node, Node]]:
        for quad in store.quads(predicate=predicate):
            yield convert[quad.subject], convert[quad.object]

    return pairs


def graph_pairs(data: Graph, mixin: Graph) -> _Pairs:
    """The (subject, object) pairs of a predicate in the data and the ontology mixin."""

    def pairs(predicate: Node) -> Iterator[tuple[Node, Node]]:
        for graph in (data, mixin):
            yield from graph.subject_objects(predicate)

    return pairs


def shape_plans(shapes: Graph) -> list[_NodePlan]:
    """Compiled shapes, cached per shapes graph (ours is parsed once per process)."""
    hit = _PLAN_CACHE.get(id(shapes))
    if hit is None or hit[0] is not shapes:
        hit = (shapes, _compile(shapes))
        _PLAN_CACHE[id(shapes)] = hit
    return hit[1]


_COMPONENT_PREDICATES = (SH.validator, SH.nodeValidator, SH.propertyValidator, SH.parameter)


def _compile(shapes: Graph) -> list[_NodePlan]:
    """Turn each targeted node shape into checks; refuse anything we do not implement."""
    for component in shapes.subjects(RDF.type, SH.ConstraintComponent):
        raise UnsupportedShapes(f"custom constraint component {component.n3()}")
    for predicate in _COMPONENT_PREDICATES:
        for subject in shapes.subjects(predicate, None):
            raise UnsupportedShapes(f"{predicate.n3()} on {subject.n3()} (a custom constraint component)")
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
        properties = [
            _compile_property(shapes, p)
            for p in shapes.objects(shape, SH.property)
            if not _deactivated(shapes, p)
        ]
        own = _compile_values(shapes, shape)
        if own:
            properties.append(
                _PropertyPlan(
                    shape, None, _severity(shapes, shape), list(shapes.objects(shape, SH.message)), tests=own
                )
            )
        sparql = [
            _compile_sparql(shapes, shape, c)
            for c in shapes.objects(shape, SH.sparql)
            if not _deactivated(shapes, c)
        ]
        plans.append(_NodePlan(shape, targets, properties, sparql))
    return plans


_TARGETS_SET = set(_TARGETS)


def _deactivated(shapes: Graph, node: Node) -> bool:
    flag = shapes.value(node, SH.deactivated)
    return isinstance(flag, Literal) and flag.value is True


def _check_known(shapes: Graph, shape: Node, allowed: AbstractSet[Node]) -> None:
    for predicate in shapes.predicates(shape, None):
        if (
            str(predicate).startswith(str(SH))
            and predicate not in allowed
            and predicate not in _NOT_CONSTRAINTS
        ):
            raise UnsupportedShapes(f"{predicate.n3()} on shape {shape}")


def _severity(shapes: Graph, shape: Node) -> str:
    severity = shapes.value(shape, SH.severity)
    return severity_name(severity)


def _compile_property(shapes: Graph, shape: Node) -> _PropertyPlan:
    _check_known(shapes, shape, _VALUE_CONSTRAINTS | _PROPERTY_CONSTRAINTS)
    path = shapes.value(shape, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapes(f"complex sh:path on {shape}")
    if shapes.value(shape, SH.property) is not None or shapes.value(shape, SH.sparql) is not None:
        raise UnsupportedShapes(f"nested shapes under property shape {shape}")
    plan = _PropertyPlan(shape, path, _severity(shapes, shape), list(shapes.objects(shape, SH.message)))
    for predicate in (SH.minCount, SH.maxCount):
        counts = [int(c) for c in shapes.objects(shape, predicate)]  # type: ignore[call-overload]
        if counts:
            setattr(
                plan,
                "min_count" if predicate == SH.minCount else "max_count",
                max(counts) if predicate == SH.minCount else min(counts),
            )
    plan.has_values = list(shapes.objects(shape, SH.hasValue))
    plan.tests = _compile_values(shapes, shape)
    return plan


def _compile_values(shapes: Graph, shape: Node) -> list[ValueTest]:
    """The value-node tests of a shape: one (component, test) per constraint parameter."""
    tests: list[ValueTest] = []
    flags = str(shapes.value(shape, SH.flags) or "")
    for predicate in sorted(_VALUE_CONSTRAINTS, key=str):
        for parameter in shapes.objects(shape, predicate):
            tests.append(
                (
                    _COMPONENT[predicate],
                    _value_test(shapes, predicate, parameter, flags),
                    _explain(shapes, predicate, parameter),
                )
            )
    return tests


def _value_test(
    shapes: Graph, predicate: Node, parameter: Node, flags: str
) -> Callable[[Node, _Index], bool]:
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
        regex = re.compile(
            str(parameter), (re.I if "i" in flags.lower() else 0) | (re.M if "m" in flags.lower() else 0)
        )
        return lambda v, _ix: not isinstance(v, BNode) and bool(regex.search(_string_of(v)))
    if predicate in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
        if not (
            isinstance(parameter, Literal)
            and isinstance(parameter.value, _NUMBER)
            and not isinstance(parameter.value, bool)
        ):
            raise UnsupportedShapes(f"{predicate.n3()} with a non-numeric bound")
        return _range_test(predicate, parameter.value)
    if predicate == SH["or"]:
        alternatives: list[list[ValueTest]] = []
        for member in Collection(shapes, parameter):
            _check_known(shapes, member, _VALUE_CONSTRAINTS)
            if shapes.value(member, SH.path) is not None or shapes.value(member, SH.property):
                raise UnsupportedShapes(f"sh:or member {member} with a path or properties")
            alternatives.append(_compile_values(shapes, member))
        return lambda v, ix: any(all(test(v, ix) for _c, test, _w in m) for m in alternatives)
    raise UnsupportedShapes(predicate.n3())


_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _short(term: Node) -> str:
    """A term as a reader writes it: a prefixed name where a prefix of ours fits, else N-Triples."""
    from mgraph.core.terms import compact_iri

    if isinstance(term, URIRef):
        short = compact_iri(str(term))
        return short if short != str(term) else f"<{term}>"
    return term.n3()


def _explain(shapes: Graph, predicate: Node, parameter: Node) -> str:
    """What a value-node constraint requires, said for a result whose shape has no sh:message."""
    if predicate in (SH["in"], SH.languageIn):
        members = ", ".join(_short(m) for m in Collection(shapes, parameter))
        what = "one of" if predicate == SH["in"] else "a literal in one of the languages"
        return f"the value must be {what}: {members} ({_short(predicate)})"
    phrases: dict[Node, str] = {
        SH.datatype: "a literal of datatype {}",
        SH["class"]: "an instance of {}",
        SH.nodeKind: "of node kind {}",
        SH.pattern: "text matching the pattern {}",
        SH.minInclusive: "at least {}",
        SH.maxInclusive: "at most {}",
        SH.minExclusive: "more than {}",
        SH.maxExclusive: "less than {}",
    }
    wanted = phrases.get(predicate)
    if wanted is None:  # sh:or
        return "the value satisfies none of the alternatives of sh:or"
    shown = repr(str(parameter)) if predicate == SH.pattern else _short(parameter)
    return f"the value must be {wanted.format(shown)} ({_short(predicate)})"


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
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
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
    if (
        isinstance(value, Literal)
        and value.value is not None
        and value.datatype in (None, RDF.langString, XSD.string)
    ):
        return str(value.value)
    return str(value)


def _range_test(predicate: Node, bound: Any) -> Callable[[Node, _Index], bool]:
    compares: dict[Node, Callable[[Any], Any]] = {
        SH.minInclusive: lambda x: x >= bound,
        SH.maxInclusive: lambda x: x <= bound,
        SH.minExclusive: lambda x: x > bound,
        SH.maxExclusive: lambda x: x < bound,
    }
    compare = compares[predicate]

    def passes(value: Node, _index: _Index) -> bool:
        number = value.value if isinstance(value, Literal) else None
        return isinstance(number, _NUMBER) and not isinstance(number, bool) and bool(compare(number))

    return passes


_FORBIDDEN_SPARQL = re.compile(r"(?<![?$\w])(MINUS|VALUES|SERVICE)\b", re.I)
_BINDS_THIS = re.compile(r"\bAS\s*[?$]this\b", re.I)
_OTHER_PRE_BOUND = re.compile(r"\$(PATH|value|shapesGraph|currentShape)\b")
_SELECT = re.compile(r"(?<![?$\w])SELECT\b", re.I)
_THIS = re.compile(r"(?i:BOUND\s*\(\s*[?$]this\s*\))|[?$]this\b")


def _compile_sparql(shapes: Graph, shape: Node, constraint: Node) -> _SparqlPlan:
    selects = list(shapes.objects(constraint, SH.select))
    if len(selects) != 1 or shapes.value(constraint, SH.ask) is not None:
        raise UnsupportedShapes(f"SPARQL constraint of {shape.n3()} without exactly one sh:select")
    text = str(selects[0])
    # keywords and variables only count outside strings, IRIs and comments (same offsets)
    code = sparql_code(text)
    forbidden = _FORBIDDEN_SPARQL.search(code)
    if forbidden:  # SHACL 5.2.1; pyshacl refuses these too
        raise ShapesError(
            f"the shapes cannot be used: the SPARQL constraint of {shape.n3()} "
            f"contains {forbidden.group(1).upper()}"
        )
    if _BINDS_THIS.search(code):  # SHACL 5.2.1: no AS of a pre-bound variable
        raise ShapesError(
            f"the shapes cannot be used: the SPARQL constraint of {shape.n3()} binds $this with AS"
        )
    if _OTHER_PRE_BOUND.search(code):
        raise UnsupportedShapes(
            f"SPARQL constraint of {shape.n3()} uses a pre-bound variable other than $this"
        )
    where = code.find("{")
    if not PROJECTS_THIS.search(code[: max(where, 0)]):  # SHACL 5.3.2
        raise ShapesError(
            f"the shapes cannot be used: the SPARQL constraint of {shape.n3()} does not select $this"
        )
    if len(_SELECT.findall(code)) != 1:  # SHACL restricts what a sub-query must project
        raise UnsupportedShapes(f"SPARQL constraint of {shape.n3()} has a sub-query")
    prefixes = []
    for source in _prefix_sources(shapes, constraint):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise ShapesError(
                    f"the shapes cannot be used: a sh:declare of {source.n3()} "
                    "lacks sh:prefix or sh:namespace"
                )
            prefixes.append(f"PREFIX {prefix}: <{namespace}>")
    prologue = "\n".join(sorted(set(prefixes))) + "\n"
    query = prologue + text
    _check_parses(query, shape)
    cuts = [m.span() for m in _THIS.finditer(code, where)] if where >= 0 else []
    pieces, piece, start = [], "", 0
    for begin, end in cuts:
        piece += text[start:begin]
        start = end
        if code[begin] in "?$":
            pieces.append(piece)
            piece = ""
        else:
            piece += "(true)"  # bound($this) of a pre-bound $this
    pieces.append(piece + text[start:])
    pieces[0] = prologue + pieces[0]
    return _SparqlPlan(
        shape,
        _severity(shapes, shape),
        list(shapes.objects(constraint, SH.message)),
        list(shapes.objects(shape, SH.message)),
        query,
        pieces,
        _joinable(code, where),
    )


_NOT_JOINABLE = re.compile(
    r"(?<![?$\w])(?:GROUP|HAVING|LIMIT|OFFSET|COUNT|SUM|AVG|MIN|MAX|SAMPLE)\b|[*+]|\?(?!\w)", re.I
)


def _joinable(code: str, where: int) -> bool:
    """Whether running the query once, with $this unbound, and keeping each row whose ``?this``
    is a focus node gives exactly the rows of the query with $this pre-bound to each focus node.

    True only when (conservatively, on the text outside strings, IRIs and comments): the query
    projects ``?this``; ``?this`` sits in a triple pattern of the top-level group, so every row
    binds it; every other ``?this`` is in a triple pattern (any group) or in an expression of
    the top-level group (FILTER, BIND there see it bound, as they would see the pre-bound
    value); and there is no sub-query, aggregate, LIMIT/OFFSET or path operator (``*``, ``+``,
    ``?``) to tell the two apart. Then selection and substitution commute: a pre-bound row is a
    row of the unbound query with that focus node, one for one. Anything else is run once per
    focus node with $this written into the query (pre-binding as SHACL defines it).
    """
    head, body = code[:where], code[where:]
    if where < 0 or not PROJECTS_THIS.search(head) or _NOT_JOINABLE.search(body.replace("SELECT *", "")):
        return False
    braces = parens = 0
    top_level_pattern = False
    occurrences = {m.start() for m in re.finditer(r"[?$]this\b", body)}
    for position, char in enumerate(body):
        if char == "{":
            braces += 1
        elif char == "}":
            braces -= 1
        elif char == "(":
            parens += 1
        elif char == ")":
            parens -= 1
        elif position in occurrences:
            if parens == 0:
                top_level_pattern = top_level_pattern or braces == 1
            elif braces != 1:
                return False  # an expression in an inner group: it would see $this unbound
    return top_level_pattern


def _prefix_sources(shapes: Graph, constraint: Node) -> list[Node]:
    """The nodes whose sh:declare apply: the constraint's sh:prefixes and what they owl:import."""
    owl_imports = URIRef("http://www.w3.org/2002/07/owl#imports")
    found: list[Node] = []
    todo = list(shapes.objects(constraint, SH.prefixes))
    while todo:
        node = todo.pop()
        if node not in found:
            found.append(node)
            todo.extend(shapes.objects(node, owl_imports))
    return found


def _check_parses(query: str, shape: Node) -> None:
    """Refuse a query pyoxigraph cannot parse, when compiling, not in the middle of a run."""
    try:
        OxigraphStore().solutions(query, {"this": URIRef("urn:x-mgraph:this")})
    except SyntaxError as err:
        raise UnsupportedShapes(f"SPARQL constraint of {shape.n3()}: {' '.join(str(err).split())}") from None


def build_index(data: Graph, mixin: Graph, predicates: set[URIRef]) -> _Index:
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
    _close_types(index, direct_types, subclass_graph)
    for values in index.values.values():  # a triple in both graphs counts once
        for predicate, objects in values.items():
            if len(objects) > 1:
                values[predicate] = list(dict.fromkeys(objects))
    return index


def _close_types(index: _Index, direct_types: dict[Node, set[Node]], subclass_graph: Graph) -> None:
    """Every node's types closed under rdfs:subClassOf, and the instances of every class."""
    supers = superclasses(subclass_graph) if len(subclass_graph) else {}
    for node, classes in direct_types.items():
        closed = set(classes)
        for cls in classes:
            closed.update(supers.get(cls, ()))
        index.types[node] = closed
        for cls in closed:
            index.instances.setdefault(cls, []).append(node)


def focus_nodes_of(plan: _NodePlan, index: _Index, pairs: _Pairs) -> list[Node]:
    """A shape's focus nodes, in target order; ``pairs`` reads a predicate's (subject, object)s."""
    found: dict[Node, None] = {}
    for kind, target in plan.targets:
        if kind == SH.targetClass:
            found.update(dict.fromkeys(index.instances.get(target, ())))
        elif kind == SH.targetNode:
            found[target] = None
        else:
            subjects = kind == SH.targetSubjectsOf
            found.update(dict.fromkeys(s if subjects else o for s, o in pairs(target)))
    return list(found)


def _check_property(
    prop: _PropertyPlan, focus_nodes: list[Node], index: _Index
) -> Iterator[ValidationResult]:
    """The results of one property shape (or of a node shape's own constraints) on its nodes."""
    path = nt(prop.path)
    message = message_text(prop.messages)
    shape = nt(prop.shape)
    severity = prop.severity
    named = _short(prop.path) if prop.path is not None else "the focus node"

    def result(focus: Node, value: Node | None, component: URIRef, why: str) -> ValidationResult:
        # a shape without sh:message still says what is wrong: the engine's own explanation
        text = message or why
        return ValidationResult(severity, nt(focus) or "", path, nt(value), text, shape, nt(component))

    for focus in focus_nodes:
        values = index.get(focus, prop.path) if prop.path is not None else [focus]
        if prop.min_count is not None and len(values) < prop.min_count:
            why = f"{named} has {len(values)} value(s); at least {prop.min_count} required (sh:minCount)"
            yield result(focus, None, SH.MinCountConstraintComponent, why)
        if prop.max_count is not None and len(values) > prop.max_count:
            why = f"{named} has {len(values)} values; at most {prop.max_count} allowed (sh:maxCount)"
            yield result(focus, None, SH.MaxCountConstraintComponent, why)
        for wanted in prop.has_values:
            if wanted not in values:
                why = f"{named} lacks the required value {_short(wanted)} (sh:hasValue)"
                yield result(focus, None, SH.HasValueConstraintComponent, why)
        for component, test, why in prop.tests:
            for value in values:
                if not test(value, index):
                    yield result(focus, value, component, why)


class SparqlStore:
    """Data and mixin in one pyoxigraph store, for the SPARQL constraints."""

    def __init__(self, data: Graph, mixin: Graph) -> None:
        self.store = OxigraphStore()
        try:
            self.store.add(triple for graph in (data, mixin) for triple in graph)
        except (ValueError, TypeError) as err:  # a term pyoxigraph cannot hold
            raise UnsupportedShapes(f"the data cannot be queried with pyoxigraph: {err}") from None

    @classmethod
    def over(cls, store: OxigraphStore) -> SparqlStore:
        """The SPARQL constraints run on this store as it is (no copy)."""
        wrapper = cls.__new__(cls)
        wrapper.store = store
        return wrapper

    def rows(self, plan: _SparqlPlan, this: Node | None) -> Iterator[dict[str, Node]]:
        """The solutions of the plan's query with ``$this`` pre-bound to ``this`` (None: unbound).

        SHACL pre-binding puts the value in place of the variable everywhere in the WHERE
        clause (in FILTER, BIND, inner groups...); pyoxigraph's ``substitutions=`` binds it
        only at the top (a FILTER in an inner group would see it unbound), so the term is
        written into the query text, and ``substitutions=`` binds the projected ``$this``. A
        blank node cannot be written into a query: the constraint is then refused.
        """
        if isinstance(this, BNode):
            raise UnsupportedShapes("a SPARQL constraint on a blank-node focus node")
        query = plan.query if this is None else sparql_term(this).join(plan.pieces)  # type: ignore[arg-type]
        try:
            solutions = self.store.solutions(query, {} if this is None else {"this": this})
        except SyntaxError as err:
            raise UnsupportedShapes(
                f"SPARQL constraint of {nt(plan.shape)} with $this pre-bound "
                f"to {nt(this)}: {' '.join(str(err).split())}"
            ) from None
        yield from solutions


def check_sparql(plan: _SparqlPlan, focus_nodes: set[Node], store: SparqlStore) -> Iterator[ValidationResult]:
    """One result per solution of the constraint with $this pre-bound to each focus node."""
    shape_messages = set(plan.shape_messages)
    if plan.joinable:  # the same rows, in one run
        solutions = ((row["this"], row) for row in store.rows(plan, None) if row.get("this") in focus_nodes)
    else:
        solutions = ((focus, row) for focus in focus_nodes for row in store.rows(plan, focus))
    for focus, row in solutions:
        path = row.get("path")
        value = row.get("value", focus)
        bound = {**row, "this": focus, "value": value}
        texts = [_format(m, bound) for m in plan.constraint_messages if m not in shape_messages]
        texts += [_format(m, bound) for m in plan.shape_messages]
        yield ValidationResult(
            plan.severity,
            nt(focus) or "",
            nt(path),
            nt(value),
            "\n".join(sorted(set(texts))),
            nt(plan.shape),
            nt(SH.SPARQLConstraintComponent),
        )


def _format(message: Node, bound: dict[str, Node]) -> str:
    """Fill ``{?var}`` / ``{$var}`` in a message as pyshacl does (with the term's text)."""
    text = str(message)
    for name, term in bound.items():
        text = re.sub("{[?$]" + re.escape(name) + "}", str(term).replace("\\", "\\\\"), text)
    return text


ENGINE = Engine("native", {STORE: run_store, GRAPH: run})
"""The native engine takes data in a store (a user's files, read straight into it) or an rdflib
Graph (``mgraph.validate`` on a loaded graph)."""
