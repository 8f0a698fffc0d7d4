"""The ontology declares, labels, defines and aligns every term the data model can emit.

The expected terms come from ``mgraph.core.schema.kinds()``, so a field added to the schema without its
ontology term fails here, as does a term that lost its label, definition or alignment.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import (
    DCMITYPE,
    DCTERMS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    VANN,
    XSD,
)

from mgraph.core import locations as paths
from mgraph.core.loader import LANG_PREDICATES
from mgraph.core.namespaces import MG, ONTOLOGY_IRI, PREFIXES
from mgraph.core.schema import Field, Kind, kinds

ONTOLOGY = URIRef(ONTOLOGY_IRI)
SCHEMA = SDO  # rdflib's schema.org namespace uses https://schema.org/, as we do
DATE_TYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear})
LITERAL_TYPES = {
    "int": {XSD.integer},
    "decimal": {XSD.decimal},
    "duration": {XSD.duration},
    "date": DATE_TYPES,
    "text": {RDF.langString},
}
OBJECT_VALUES = ("ref", "url", "enum")  # field types whose values are IRIs
BUILT_IN = (str(RDF), str(RDFS))  # rdf:/rdfs: terms need (and may have) no declaration
# Reused vocabularies whose terms rdflib knows: a misspelt reused term fails test_reused_term_exists.
KNOWN_VOCABULARIES = (SCHEMA, ORG, PROV, DCTERMS, SKOS, VANN, DCMITYPE, OWL, RDF, RDFS, XSD)
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
DOCS = (paths.ROOT / "README.md", paths.DATA / "README.md")
ONTOLOGY_FILE = "ontology/mercury.ttl"  # in messages: what to edit


@cache
def ontology() -> Graph:
    return Graph().parse(paths.ONTOLOGY, format="turtle")


def curie(iri: URIRef) -> str:
    """A readable test id: the IRI under our longest matching prefix."""
    matches = [(len(str(ns)), p) for p, ns in PREFIXES.items() if str(iri).startswith(str(ns))]
    if not matches:
        return str(iri)
    length, prefix = max(matches)
    return f"{prefix}:{iri[length:]}"


def is_mg(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(MG))


def class_field(kind: Kind) -> Field | None:
    return kind.field(kind.class_field) if kind.class_field else None


def record_classes(kind: Kind) -> set[URIRef]:
    """The class the loader gives a record of this kind: its class_field's value, else ``cls``."""
    spec = class_field(kind)
    return set(spec.enum.values()) if spec else {kind.cls}


def emitted_fields() -> list[tuple[Kind, Field]]:
    """Every (kind, field) whose predicate the loader writes (class fields become rdf:type)."""
    return [(k, f) for k in kinds() for f in k.fields if f is not class_field(k)]


def emitted_classes() -> set[URIRef]:
    """Record classes, plus each kind's ``cls`` (what ``mgraph build`` counts records by)."""
    return {c for k in kinds() for c in record_classes(k)} | {k.cls for k in kinds()}


def emitted_concepts() -> set[URIRef]:
    """Enum values that stay objects of their predicate (roles, source kinds, formats)."""
    return {v for _, f in emitted_fields() for v in f.enum.values()}


@cache
def emitted_terms() -> dict[URIRef, str]:
    """Every IRI schema.py can put in the data, with what it is: class, property or concept."""
    terms: dict[URIRef, str] = {}
    for cls in emitted_classes():
        terms[cls] = "class"
    for _, spec in emitted_fields():
        terms[spec.predicate] = "property"
    for concept in emitted_concepts():
        terms[concept] = "concept"
    return terms


def ancestors(term: URIRef, link: URIRef) -> set[URIRef]:
    """The term and everything above it along ``link`` (rdfs:subClassOf or rdfs:subPropertyOf)."""
    return set(ontology().transitive_objects(term, link))


def minted_subjects() -> list[URIRef]:
    return sorted({s for s in ontology().subjects() if is_mg(s)})


def minted_of_type(*types: URIRef) -> list[URIRef]:
    graph = ontology()
    return sorted({s for t in types for s in graph.subjects(RDF.type, t) if is_mg(s)})


def params(terms) -> list:
    return [pytest.param(t, id=curie(t)) for t in sorted(terms)]


# --- parsing -------------------------------------------------------------------------------------


def test_parses_alike_with_pyoxigraph():
    import pyoxigraph as ox

    def n3(term: ox.NamedNode | ox.Literal) -> str:
        if isinstance(term, ox.NamedNode):
            return f"<{term.value}>"
        if term.language:
            return Literal(term.value, lang=term.language).n3()
        datatype = URIRef(term.datatype.value)
        return Literal(term.value, datatype=None if datatype == XSD.string else datatype).n3()

    oxi = {
        tuple(n3(t) for t in (q.subject, q.predicate, q.object))
        for q in ox.parse(path=str(paths.ONTOLOGY), format=ox.RdfFormat.TURTLE)
    }
    rdf = {tuple(t.n3() for t in triple) for triple in ontology()}
    assert oxi == rdf


def test_has_no_blank_nodes():
    """Like the release files, so the ontology compares and merges without isomorphism checks."""
    blank = [t for t in ontology() if any(isinstance(x, BNode) for x in t)]
    assert blank == []


# --- metadata ------------------------------------------------------------------------------------

METADATA = [
    (RDF.type, OWL.Ontology),
    (OWL.versionInfo, Literal("0.1.0")),
    (OWL.versionIRI, URIRef(f"{ONTOLOGY_IRI}/0.1.0")),
    (DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
    (DCTERMS.creator, Literal("mgraph contributors")),
    (VANN.preferredNamespacePrefix, Literal("mg")),
    (VANN.preferredNamespaceUri, Literal(str(MG))),
]


@pytest.mark.parametrize(("predicate", "value"), [pytest.param(p, v, id=curie(p)) for p, v in METADATA])
def test_ontology_metadata(predicate, value):
    assert (ONTOLOGY, predicate, value) in ontology()


@pytest.mark.parametrize(
    "predicate", [pytest.param(p, id=curie(p)) for p in (DCTERMS.title, DCTERMS.description)]
)
def test_ontology_text_in_english(predicate):
    values = list(ontology().objects(ONTOLOGY, predicate))
    assert len(values) == 1 and values[0].language == "en" and len(values[0]) > 10


def test_version_iri_matches_version_info():
    graph = ontology()
    version = graph.value(ONTOLOGY, OWL.versionInfo)
    assert graph.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")


# --- every term the data model emits is declared --------------------------------------------------


def expected_declaration(term: URIRef, what: str) -> set[URIRef]:
    """The rdf:type(s) a term needs, one of which must be declared."""
    if what == "class":
        return {OWL.Class}
    if what == "concept":
        return {SKOS.Concept}
    value_types = {spec.type for _, spec in emitted_fields() if spec.predicate == term}
    if value_types <= set(OBJECT_VALUES):
        return {OWL.ObjectProperty, OWL.AnnotationProperty}
    return {OWL.DatatypeProperty, OWL.AnnotationProperty}


@pytest.mark.parametrize("term", params(t for t in emitted_terms() if is_mg(t)))
def test_minted_term_is_declared(term):
    what = emitted_terms()[term]
    types = set(ontology().objects(term, RDF.type))
    wanted = expected_declaration(term, what) - {OWL.AnnotationProperty}  # ours are never that
    needs = sorted(map(curie, wanted))
    assert types & wanted, f"{curie(term)} ({what}) needs one of {needs} in {ONTOLOGY_FILE}"


@pytest.mark.parametrize(
    "term",
    params(
        t
        for t in emitted_terms()
        if not is_mg(t) and not str(t).startswith(BUILT_IN) and emitted_terms()[t] != "concept"
    ),
)
def test_reused_term_is_declared_for_owl_dl(term):
    """Reused classes and properties are typed once, as the data uses them (no punning)."""
    types = set(ontology().objects(term, RDF.type))
    wanted = expected_declaration(term, emitted_terms()[term])
    assert len(types & (PROPERTY_TYPES | {OWL.Class})) == 1
    assert types & wanted, f"{curie(term)} needs one of {sorted(map(curie, wanted))}"


@pytest.mark.parametrize(
    "predicate", [pytest.param(class_field(k).predicate, id=k.name) for k in kinds() if k.class_field]
)
def test_class_field_predicate_is_not_declared(predicate):
    """The loader turns a class field into rdf:type, so its predicate never reaches the data."""
    assert (predicate, None, None) not in ontology()
    assert (None, None, predicate) not in ontology()


# --- every minted term is labelled, defined and ours ----------------------------------------------


@pytest.mark.parametrize("term", params(minted_subjects()))
def test_term_has_one_english_label_and_definition(term):
    graph = ontology()
    for predicate in (RDFS.label, SKOS.definition):
        values = list(graph.objects(term, predicate))
        english = [v for v in values if isinstance(v, Literal) and v.language == "en"]
        assert len(values) == 1 and len(english) == 1, f"{curie(predicate)}: {values}"
    assert list(graph.objects(term, RDFS.isDefinedBy)) == [ONTOLOGY]


@pytest.mark.parametrize("term", params(minted_subjects()))
def test_term_is_typed(term):
    assert set(ontology().objects(term, RDF.type)) & {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        SKOS.Concept,
        SKOS.ConceptScheme,
    }


def documented_names() -> set[str]:
    """Local names of mg: terms the code writes (``MG.name``) or the docs mention (``mg:name``)."""
    names: set[str] = set()
    for source in sorted((paths.ROOT / "mgraph").rglob("*.py")):
        names |= set(re.findall(r"\bMG\.(\w+)", source.read_text(encoding="utf-8")))
    for doc in DOCS:
        if doc.exists():
            names |= set(re.findall(r"\bmg:(\w+)", doc.read_text(encoding="utf-8")))
    return names


@pytest.mark.parametrize("term", params(set(minted_subjects()) - set(emitted_terms())))
def test_extra_term_is_used_or_documented(term):
    """A term schema.py never emits must be written by the loader, documented, or structural:
    a superclass of an emitted class, or the scheme of an emitted concept."""
    graph = ontology()
    emitted = set(emitted_terms())
    above_emitted = any(term in ancestors(t, RDFS.subClassOf) for t in emitted)
    scheme_of_emitted = any((c, SKOS.inScheme, term) in graph for c in emitted)
    used = term.removeprefix(str(MG)) in documented_names()
    assert above_emitted or scheme_of_emitted or used


# --- alignment to reused vocabularies -------------------------------------------------------------


@pytest.mark.parametrize("cls", params(minted_of_type(OWL.Class)))
def test_class_is_aligned(cls):
    external = [c for c in ancestors(cls, RDFS.subClassOf) if not is_mg(c)]
    assert external, f"{curie(cls)} has no superclass outside mg:"


@pytest.mark.parametrize("prop", params(minted_of_type(OWL.ObjectProperty, OWL.DatatypeProperty)))
def test_property_is_aligned_or_says_why_not(prop):
    external = [p for p in ancestors(prop, RDFS.subPropertyOf) if not is_mg(p)]
    why_not = [n for n in ontology().objects(prop, SKOS.editorialNote) if str(n).startswith("Unaligned:")]
    assert bool(external) != bool(why_not), "need a reused super-property or an 'Unaligned:' note"


@pytest.mark.parametrize("concept", params(minted_of_type(SKOS.Concept)))
def test_concept_is_in_a_declared_scheme(concept):
    graph = ontology()
    schemes = list(graph.objects(concept, SKOS.inScheme))
    assert len(schemes) == 1 and (schemes[0], RDF.type, SKOS.ConceptScheme) in graph


def reused_terms() -> set[URIRef]:
    """IRIs of the ontology from vocabularies rdflib knows the terms of (not the licence IRI)."""
    graph = ontology()
    iris = {t for triple in graph for t in triple if isinstance(t, URIRef)}
    return {t for t in iris if any(str(t).startswith(str(v)) for v in KNOWN_VOCABULARIES)}


@pytest.mark.parametrize("term", params(reused_terms()))
def test_reused_term_exists(term):
    """A misspelt reused term (schema:legislationChange) would silently mean nothing."""
    vocabulary = next(v for v in KNOWN_VOCABULARIES if str(term).startswith(str(v)))
    assert term in vocabulary


@pytest.mark.parametrize("term", params(minted_subjects()))
def test_minted_term_is_defined_here(term):
    """An mg: IRI used as a value (superclass, range, scheme) must itself be declared."""
    graph = ontology()
    for value in graph.objects(term):
        if is_mg(value):
            assert (value, RDF.type, None) in graph, curie(value)


# --- domains and ranges match what the loader writes ----------------------------------------------


def field_params() -> list:
    uses: dict[URIRef, list[tuple[Kind, Field]]] = {}
    for kind, spec in emitted_fields():
        if is_mg(spec.predicate):
            uses.setdefault(spec.predicate, []).append((kind, spec))
    return [pytest.param(p, u, id=curie(p)) for p, u in sorted(uses.items())]


def value_classes(spec: Field) -> set[URIRef]:
    """What a field's objects are: the classes of the kinds it refers to, or literal datatypes."""
    if spec.type == "ref":
        return {c for k in kinds() if k.name in spec.targets for c in record_classes(k)}
    if spec.type == "str":
        return {RDF.langString if spec.predicate in LANG_PREDICATES else XSD.string}
    return set(LITERAL_TYPES.get(spec.type, set()))


def covered(classes: set[URIRef], by: URIRef | None, includes: list[URIRef]) -> list[str]:
    """Classes that the declared rdfs:domain/range would mistype, or that *Includes omits."""
    problems = []
    for cls in sorted(classes):
        above = ancestors(cls, RDFS.subClassOf)
        if by is not None and by not in above:
            problems.append(f"{curie(cls)} is not a {curie(by)}")
        if includes and not above & set(includes):
            problems.append(f"{curie(cls)} missing from {sorted(map(curie, includes))}")
    return problems


@pytest.mark.parametrize(("prop", "uses"), field_params())
def test_domain_fits_every_record_that_uses_the_property(prop, uses):
    graph = ontology()
    subjects = {c for kind, _ in uses for c in record_classes(kind)}
    domain = list(graph.objects(prop, RDFS.domain))
    assert len(domain) <= 1
    problems = covered(
        subjects, domain[0] if domain else None, list(graph.objects(prop, SCHEMA.domainIncludes))
    )
    assert problems == []


@pytest.mark.parametrize(("prop", "uses"), field_params())
def test_range_fits_every_value_of_the_property(prop, uses):
    graph = ontology()
    objects = {c for _, spec in uses for c in value_classes(spec)}
    range_ = list(graph.objects(prop, RDFS.range))
    assert len(range_) <= 1
    problems = covered(
        objects, range_[0] if range_ else None, list(graph.objects(prop, SCHEMA.rangeIncludes))
    )
    assert problems == []
