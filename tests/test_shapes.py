"""The shapes against their fixtures, and the shapes against the data model they describe.

``tests/shapes/<ShapeName>/`` holds, for every node shape and every SPARQL constraint:
``pass.ttl`` (valid data: no result at all, unless a ``pass.expected`` lists one) and
``fail.ttl`` with ``fail.expected``, one line per result that must fire, nothing more::

    # severity  focus              path          shape                     constraint
    Violation   decision:bad       mg:adoptedAt  mgsh:decision-adopted_at  MinCount

Terms are written with the fixture's own prefixes (plus ``mgsh:``, ``sh:``) or as ``<IRI>``;
``-`` is no path; the constraint is the component's name without "ConstraintComponent";
lines starting with ``#`` are comments.
More cases go in ``pass-<case>.ttl`` or ``fail-<case>.ttl`` (with ``fail-<case>.expected``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from paths import SHAPES
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection

from mgraph.core.loader import LANG_PREDICATES
from mgraph.core.namespaces import MGSH, PREFIXES, SH
from mgraph.core.schema import COMMON, Kind, kind_named, kinds
from mgraph.validation.validate import load_ontology, load_shapes, superclasses, validate

Key = tuple[str, str, str | None, str | None, str | None]  # severity, focus, path, shape, constraint


def fixture_files(kind: str) -> list:
    return [
        pytest.param(path, id=f"{path.parent.name}/{path.stem}")
        for folder in sorted(p for p in SHAPES.iterdir() if p.is_dir())
        for path in sorted(folder.glob(f"{kind}*.ttl"))
    ]


def read_expected(path: Path, graph: Graph) -> Counter[Key]:
    """The results an ``.expected`` file lists, as a multiset of keys."""
    namespaces = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    namespaces.update({prefix: str(ns) for prefix, ns in graph.namespaces()})

    def term(text: str) -> str | None:
        if text == "-":
            return None
        if text.startswith("<"):
            return text
        prefix, _, local = text.partition(":")
        assert prefix in namespaces, f"{path.name}: unknown prefix in {text!r}"
        return f"<{namespaces[prefix]}{local}>"

    expected: Counter[Key] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        assert len(fields) == 5, f"{path.name}:{number}: want 5 fields, got {line!r}"
        severity, focus, result_path, shape, constraint = fields
        component = f"<{SH}{constraint}ConstraintComponent>"
        expected[(severity, term(focus) or "", term(result_path), term(shape), component)] += 1
    return expected


def actual(graph: Graph, engine: str = "auto") -> tuple[Counter[Key], dict[Key, str]]:
    report = validate(graph, engine=engine)
    keys: Counter[Key] = Counter()
    messages = {}
    for r in report.results:
        key = (r.severity, r.focus, r.path, r.shape, r.constraint)
        keys[key] += 1
        messages[key] = r.message
    return keys, messages


def explain(got: Counter[Key], want: Counter[Key], messages: dict[Key, str]) -> str:
    lines = []
    for key in sorted((got - want).elements()):
        lines.append(f"unexpected: {' '.join(map(str, key))}\n    {messages[key]}")
    for key in sorted((want - got).elements()):
        lines.append(f"missing:    {' '.join(map(str, key))}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", fixture_files("pass"))
def test_pass_fixture_gives_no_result(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    expected_file = path.with_suffix(".expected")
    want = read_expected(expected_file, graph) if expected_file.exists() else Counter()
    got, messages = actual(graph)
    assert got == want, explain(got, want, messages)


@pytest.mark.parametrize("path", fixture_files("fail"))
def test_fail_fixture_gives_exactly_the_expected_results(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    want = read_expected(path.with_suffix(".expected"), graph)
    assert want, f"{path.with_suffix('.expected')} lists no result: a fail fixture must fail"
    got, messages = actual(graph)
    assert got == want, explain(got, want, messages)


# ---------------------------------------------------------------------------------------------
# The shapes graph itself


def node_shapes(shapes: Graph) -> set[URIRef]:
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    return {s for t in targets for s in shapes.subjects(t, None)}


def test_every_shape_has_pass_and_fail_fixtures() -> None:
    shapes = load_shapes()
    names = {str(s).removeprefix(str(MGSH)) for s in node_shapes(shapes)}
    folders = {p.name for p in SHAPES.iterdir() if p.is_dir()}
    assert names - folders == set(), f"node shapes without a folder in tests/shapes/: {names - folders}"
    assert folders - names == set(), "fixture folders of no node shape"
    for name in names:
        for file in ("pass.ttl", "fail.ttl", "fail.expected"):
            assert (SHAPES / name / file).exists(), f"missing tests/shapes/{name}/{file}"


def test_every_property_shape_and_sparql_constraint_is_made_to_fire() -> None:
    shapes = load_shapes()
    fired: set[str] = set()
    for path in SHAPES.glob("*/fail*.expected"):
        graph = Graph().parse(path.with_suffix(".ttl"), format="turtle")
        fired.update(key[3] or "" for key in read_expected(path, graph))
    wanted = {f"<{p}>" for p in shapes.objects(None, SH.property)}
    wanted |= {f"<{s}>" for s in shapes.subjects(SH.sparql, None)}
    never = sorted(wanted - fired)
    assert never == [], f"no tests/shapes/*/fail*.expected makes these fire: {never}"


@pytest.mark.slow  # pyshacl validates the shapes graph against SHACL-SHACL
def test_pyshacl_accepts_the_shapes_graph() -> None:
    """The shapes are valid SHACL: they conform to the SHACL-for-SHACL shapes."""
    import pyshacl

    conforms, _graph, text = pyshacl.validate(
        Graph(), shacl_graph=load_shapes(), meta_shacl=True, do_owl_imports=False
    )
    assert conforms, text


def test_every_shape_says_what_to_fix() -> None:
    shapes = load_shapes()
    for shape in node_shapes(shapes):
        labels = list(shapes.objects(shape, RDFS.label))
        assert labels and all(isinstance(x, Literal) and x.language == "en" for x in labels), shape
    for holder in [*shapes.objects(None, SH.property), *shapes.objects(None, SH.sparql)]:
        messages = list(shapes.objects(holder, SH.message))
        assert len(messages) == 1 and messages[0].language == "en", f"{holder}: one @en message"
        assert len(str(messages[0])) > 40, f"{holder}: say what to fix, in words"


# ---------------------------------------------------------------------------------------------
# The shapes in step with mgraph/core/schema.py and the ontology


def kind_classes(kind: Kind) -> set[URIRef]:
    """Every class a record of this kind can have (its class, or its kind's class)."""
    classes = {kind.cls}
    if kind.class_field:
        spec = kind.field(kind.class_field)
        assert spec is not None
        classes |= set(spec.enum.values())
    return classes


def is_a(cls: URIRef, allowed: set[URIRef]) -> bool:
    """``cls`` is, or is a subclass of, one of ``allowed`` in the ontology."""
    ancestors = superclasses(load_ontology()).get(cls, frozenset())
    return cls in allowed or bool(ancestors & allowed)


def shape_for(kind: Kind) -> URIRef:
    """The kind's own node shape: it targets the kind's class and holds "<kind>-<field>" shapes."""
    shapes = load_shapes()
    prefix = f"{MGSH}{kind.name}-"
    found = [
        s
        for s in shapes.subjects(SH.targetClass, kind.cls)
        if any(str(p).startswith(prefix) for p in shapes.objects(s, SH.property))
    ]
    where = "in ontology/shapes.ttl"
    assert len(found) == 1, f"{kind.name}: want one node shape targeting {kind.cls} {where}, got {found}"
    return found[0]


def property_shape(kind: Kind, field_name: str) -> URIRef:
    shapes = load_shapes()
    shape = MGSH[f"{kind.name}-{field_name}"]
    assert (shape_for(kind), SH.property, shape) in shapes, f"no {shape} on {kind.name}'s shape"
    return shape


def allowed_classes(shapes: Graph, shape: URIRef) -> set[URIRef]:
    direct = set(shapes.objects(shape, SH["class"]))
    for alternatives in shapes.objects(shape, SH["or"]):
        for member in Collection(shapes, alternatives):
            direct |= set(shapes.objects(member, SH["class"]))
    return direct


# Common fields (name, sources...) are checked by RecordShape; a topic's name is its
# skos:prefLabel and a source's name its title, so these two have shapes of their own.
OWN_NAME = {"topic", "source"}
KIND_FIELDS = [
    pytest.param(kind, f, id=f"{kind.name}.{f.name}")
    for kind in kinds()
    for f in kind.fields
    if f.name != kind.class_field
    and (f.name not in {c.name for c in COMMON} or (f.name == "name" and kind.name in OWN_NAME))
]


@pytest.mark.parametrize(("kind", "spec"), KIND_FIELDS)
def test_every_field_has_its_property_shape(kind: Kind, spec) -> None:
    shapes = load_shapes()
    shape = property_shape(kind, spec.name)
    assert shapes.value(shape, SH.path) == spec.predicate
    # A source known only by its URL has no title: the loader cannot give it one.
    required = spec.required and (kind.name, spec.name) != ("source", "name")
    assert (shapes.value(shape, SH.minCount) == Literal(1)) == required
    assert (shapes.value(shape, SH.maxCount) == Literal(1)) == (not spec.many)
    if spec.type == "ref":
        allowed = allowed_classes(shapes, shape)
        targets = {t for name in spec.targets for t in kind_classes(_kind(name))}
        assert all(is_a(cls, allowed) for cls in targets), "a valid target would be refused"
        owners = {c for name in spec.targets for c in _accepted(name)}
        assert allowed <= owners, "a class of another kind would be accepted"
    elif spec.type == "enum":
        members = set(Collection(shapes, shapes.value(shape, SH["in"])))
        assert members == set(spec.enum.values())
    elif spec.type == "date":
        assert shapes.value(shape, SH["or"]) is not None
    elif spec.pattern:
        assert str(shapes.value(shape, SH.pattern)) == spec.pattern
    if spec.predicate in LANG_PREDICATES or spec.type == "text":
        assert list(Collection(shapes, shapes.value(shape, SH.languageIn))) == [Literal("en")]


def _kind(name: str) -> Kind:
    kind = kind_named(name)
    assert kind is not None, name
    return kind


def _accepted(name: str) -> set[URIRef]:
    """The classes a reference to a record of kind ``name`` may name (and their superclasses)."""
    out: set[URIRef] = set()
    for cls in kind_classes(_kind(name)):
        out |= {cls, *superclasses(load_ontology()).get(cls, frozenset())}
    return out


@pytest.mark.parametrize("kind", [pytest.param(k, id=k.name) for k in kinds()])
def test_every_record_class_is_targeted(kind: Kind) -> None:
    shapes = load_shapes()
    own = set(shapes.objects(shape_for(kind), SH.targetClass))
    common = set(shapes.objects(MGSH.RecordShape, SH.targetClass))
    for cls in kind_classes(kind):
        assert is_a(cls, own), f"{cls} escapes {kind.name}'s shape"
        if kind.name != "source":
            assert is_a(cls, common), f"{cls} escapes RecordShape"


def test_common_fields_are_checked_once_for_every_record() -> None:
    shapes = load_shapes()
    for spec in COMMON:
        shape = MGSH[f"record-{spec.name}"]
        assert (MGSH.RecordShape, SH.property, shape) in shapes
        assert shapes.value(shape, SH.path) == spec.predicate
    assert (MGSH["record-sources-missing"], SH.severity, SH.Warning) in shapes


def test_shapes_use_only_declared_terms() -> None:
    """Every mg: class and property the shapes mention is declared in the ontology."""
    shapes, ontology = load_shapes(), load_ontology()
    declared = set(ontology.subjects(RDF.type, None))
    used = {o for o in shapes.objects() if isinstance(o, URIRef) and str(o).startswith(str(PREFIXES["mg"]))}
    used |= {o for o in shapes.objects(None, SH.path) if str(o).startswith(str(PREFIXES["mg"]))}
    assert sorted(used - declared) == []
