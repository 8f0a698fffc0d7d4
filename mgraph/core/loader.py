"""Turn curated records into triples: deterministic IRIs, provenance on every record, no blank nodes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from mgraph.core import locations
from mgraph.core.crosswalk import linked_triples, read_linked
from mgraph.core.errors import DataError, DataLoadError, InputError
from mgraph.core.namespaces import MG, MGID, bind_prefixes, instance_iri
from mgraph.core.ontology import load_ontology, superclasses
from mgraph.core.records import URL_RE, Alt, Reading, Record, read_records
from mgraph.core.schema import TOPIC_SCHEME, Field

LANG_PREDICATES = {
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.definition,
    SKOS.note,
    DCTERMS.description,
    DCTERMS.title,
    MG.theme,
    MG.postTitle,
}
DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}

Origin = tuple[str, int, str]  # (file, line, "kind 'id'")


@dataclass
class KnowledgeGraph:
    """The loaded graph and where each of its records came from (for file:line in reports)."""

    graph: Graph
    origins: dict[str, Origin] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.graph)


def load(data_dir: str | Path | None = None, *, store: str = "default") -> KnowledgeGraph:
    """Load every curated file in ``data_dir`` (default: the project's ``data/``).

    ``store`` is an rdflib store plugin name: "default" (in memory), or e.g. "Oxigraph" when
    oxrdflib is installed. Raises DataLoadError with every problem found (exit code 2).
    """
    directory = Path(data_dir) if data_dir is not None else locations.DATA
    if not directory.is_dir():
        raise InputError(f"{directory}: not a data directory")
    errors: list[DataError] = []
    reading = read_records(directory, errors)
    records = reading.records
    index = _index(records, errors)
    caused: list[DataError] = []
    _check_references(records, index, errors, caused, reading)
    _check_iso_codes(records, errors)
    linked = read_linked(directory, {r.id: (r.kind.name, str(r.get("name", r.id))) for r in index.values()})
    errors.extend(linked.errors)
    if errors or caused:
        raise DataLoadError(errors, caused)
    graph = bind_prefixes(Graph(store=store))
    origins: dict[str, Origin] = {}
    closure = type_closure()
    for record in records:
        subject = URIRef(instance_iri(record.kind.name, record.id))
        origins[str(subject)] = (record.file, record.line, record.label)
        for triple in _record_triples(record, subject, index, closure, origins):
            graph.add(triple)
    _add_topic_scheme(graph, index)
    for triple in list(linked_triples(linked, graph)):  # names, groupings, matches (issue 18)
        graph.add(triple)
    return KnowledgeGraph(graph, origins)


def _index(records: list[Record], errors: list[DataError]) -> dict[str, Record]:
    index: dict[str, Record] = {}
    for record in records:
        first = index.get(record.id)
        if first is not None:
            errors.append(
                DataError(
                    record.file,
                    record.line,
                    record.label,
                    f"duplicate id: also {first.label} at {first.file}:{first.line}",
                    primary=True,
                )
            )
            continue
        index[record.id] = record
    return index


def _check_references(
    records: list[Record],
    index: dict[str, Record],
    errors: list[DataError],
    caused: list[DataError],
    reading: Reading,
) -> None:
    """Dangling and wrong-kind references; those to a record a broken file lost go to ``caused``."""

    def check(record: Record, name: str, targets: tuple[str, ...], alt: Alt) -> None:
        if name.endswith("sources") and URL_RE.match(alt.value):
            return
        target = index.get(alt.value)
        if target is None:
            message = f"{name} refers to unknown id '{alt.value}'"
            lost = reading.lost_unknown or alt.value in reading.lost_ids
            found = caused if lost else errors
        elif target.kind.name not in targets:
            message = (
                f"{name} refers to '{alt.value}', a {target.kind.name}; expected a {' or '.join(targets)}"
            )
            found = errors
        else:
            return
        found.append(DataError(record.file, alt.line, record.label, message))

    for record in records:
        for name, items in record.values.items():
            spec = record.kind.field(name)
            assert spec is not None
            if spec.type != "ref":
                continue
            for alt in (a for item in items for a in item):
                check(record, spec.name, spec.targets, alt)
        for alt in record.sources:
            check(record, "sources", ("source",), alt)
        for name, items in record.values.items():
            for alt in (a for item in items for a in item):
                for source in alt.sources:
                    check(record, f"{name} sources", ("source",), Alt(source, alt.line))


def _check_iso_codes(records: list[Record], errors: list[DataError]) -> None:
    """ISO 3166-1 codes come from the maintained list, never from memory."""
    import pycountry

    for record in (r for r in records if r.kind.name == "country"):
        codes = {name: alt for name in ("iso2", "iso3") if (alt := record.first(name)) is not None}
        found = {}
        for name, alt in codes.items():
            match = pycountry.countries.get(**{"alpha_2" if name == "iso2" else "alpha_3": alt.value})
            if match is None:
                errors.append(
                    DataError(
                        record.file, alt.line, record.label, f"{name} '{alt.value}' is not an ISO 3166-1 code"
                    )
                )
            else:
                found[name] = match
        if len(found) == 2 and found["iso2"].alpha_3 != found["iso3"].alpha_3:
            errors.append(
                DataError(
                    record.file,
                    codes["iso3"].line,
                    record.label,
                    f"iso2 '{codes['iso2'].value}' and iso3 '{codes['iso3'].value}' name different countries",
                )
            )


@cache
def type_closure() -> dict[URIRef, frozenset[URIRef]]:
    """Every class's named superclasses in our ontology, so queries need no reasoner."""
    return {
        cls: frozenset(s for s in sups if isinstance(s, URIRef))
        for cls, sups in superclasses(load_ontology()).items()
        if isinstance(cls, URIRef)
    }


def _record_triples(
    record: Record,
    subject: URIRef,
    index: dict[str, Record],
    closure: dict[URIRef, frozenset[URIRef]],
    origins: dict[str, Origin],
) -> Iterable[tuple[Any, Any, Any]]:
    kind = record.kind
    cls = kind.cls
    if kind.class_field and kind.class_field in record.values:
        spec = kind.field(kind.class_field)
        assert spec is not None
        cls = spec.enum[record.get(kind.class_field)]
    for c in {cls, *closure.get(cls, ())}:
        yield subject, RDF.type, c
    if kind.name == "topic":
        yield subject, SKOS.inScheme, MGID[TOPIC_SCHEME]
    for source in record.sources:
        yield from _source_triples(subject, source.value, index)
    if "name" not in record.values:
        yield subject, RDFS.label, Literal(_derived_label(record, index), lang="en")
    for name, items in record.values.items():
        if name == kind.class_field:
            continue
        spec = kind.field(name)
        assert spec is not None
        for position, item in enumerate(items, start=1):
            yield from _value_triples(record, subject, spec, item, position, index, origins)


def _value_triples(
    record: Record,
    subject: URIRef,
    spec: Field,
    alts: list[Alt],
    position: int,
    index: dict[str, Record],
    origins: dict[str, Origin],
):
    # Values dated by `as_of` form a series over time (issue 12): only values given for the same
    # date (or all undated ones) dispute one another, and the first of each such group is its
    # preferred value. Without `as_of` this is the plain rule: several values = one conflict.
    group_sizes = Counter(alt.as_of for alt in alts)
    preferred_in: set[str | None] = set()  # groups whose preferred value has been seen
    asserted = False
    for n, alt in enumerate(alts, start=1):
        obj = _object(spec, alt.value, index)
        disputed = group_sizes[alt.as_of] > 1
        preferred = not alt.approximate and alt.as_of not in preferred_in
        if preferred:
            preferred_in.add(alt.as_of)
        if not alt.approximate and not asserted:
            yield subject, spec.predicate, obj
            if spec.predicate == SKOS.prefLabel:
                yield subject, RDFS.label, obj
            asserted = True
        if not alt.long_form:
            continue
        suffix = f"{position}-{n}" if spec.many else str(n)
        claim = URIRef(f"{MGID}claim/{record.kind.name}.{record.id}.{spec.name}.{suffix}")
        origins[str(claim)] = (record.file, alt.line, record.label)
        yield claim, RDF.type, MG.Claim
        yield claim, RDF.type, RDF.Statement
        yield claim, RDF.subject, subject
        yield claim, RDF.predicate, spec.predicate
        yield claim, RDF.object, obj
        yield claim, RDFS.label, Literal(f"{record.label}: {spec.name} = {alt.value}", lang="en")
        # A long form without its own sources is stated by the record's sources.
        for source in alt.sources or tuple(s.value for s in record.sources):
            yield from _source_triples(claim, source, index)
        if alt.note:
            yield claim, SKOS.note, Literal(alt.note, lang="en")
        if alt.approximate:
            yield claim, MG.approximate, Literal(True)
        if alt.as_of:  # the date the value held: dcterms:valid, "date of validity of a resource"
            yield claim, DCTERMS.valid, Literal(alt.as_of, datatype=DATE_TYPES[len(alt.as_of)])
        if disputed:
            yield claim, MG.disputed, Literal(True)
            yield claim, MG.preferred, Literal(preferred)


def _source_triples(subject: URIRef, source: str, index: dict[str, Record]):
    if URL_RE.match(source):
        iri = URIRef(source)
        yield subject, PROV.wasDerivedFrom, iri
        for cls in (MG.SourceDocument, *type_closure().get(MG.SourceDocument, ())):
            yield iri, RDF.type, cls
    else:
        yield subject, PROV.wasDerivedFrom, URIRef(instance_iri("source", index[source].id))


def _object(spec: Field, value: Any, index: dict[str, Record]) -> URIRef | Literal:
    if spec.type == "ref":
        target = index[value]
        return URIRef(instance_iri(target.kind.name, target.id))
    if spec.type == "enum":
        return spec.enum[value]
    if spec.type == "url":
        return URIRef(value)
    if spec.type == "date":
        return Literal(value, datatype=DATE_TYPES[len(value)])
    if spec.type == "duration":
        return Literal(value, datatype=XSD.duration)
    if spec.type == "int":
        return Literal(value, datatype=XSD.integer)
    if spec.type == "decimal":
        return Literal(value, datatype=XSD.decimal)
    if spec.predicate in LANG_PREDICATES or spec.type == "text":
        return Literal(value, lang="en")
    return Literal(value)


def _derived_label(record: Record, index: dict[str, Record]) -> str:
    """A label for records that have no name of their own (legal acts, roles): not a fact."""

    def name_of(field_name: str) -> str:
        value = record.get(field_name)
        if value is None:
            return "?"
        target = index.get(value)
        if target is None:
            return str(value)
        return str(target.get("name", target.id))

    if record.kind.name == "legal-act":
        kind = record.get("kind")
        return f"{name_of('party')}: {kind.replace('-', ' ')} ({name_of('convention')})"
    if record.kind.name == "role":
        role = record.get("role")
        return f"{name_of('holder')}: {role.replace('-', ' ')} of {name_of('of')}"
    return record.id


def _add_topic_scheme(graph: Graph, index: dict[str, Record]) -> None:
    topics = [r for r in index.values() if r.kind.name == "topic"]
    if not topics:
        return
    scheme = MGID[TOPIC_SCHEME]
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal("Mercury governance topics", lang="en")))
    graph.add((scheme, SKOS.prefLabel, Literal("Mercury governance topics", lang="en")))
    for topic in topics:
        if "broader" not in topic.values:
            iri = URIRef(instance_iri("topic", topic.id))
            graph.add((scheme, SKOS.hasTopConcept, iri))
            graph.add((iri, SKOS.topConceptOf, scheme))
