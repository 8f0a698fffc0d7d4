"""Links to other databases and names in the six UN languages, from two curated tables in ``data/``.

- ``country_codes.csv``: curated from the ``datasets/country-codes`` table (ODC-PDDL; every row
  cites the file at a commit): per ISO 3166-1 alpha-3 code, the UN M49 names in Arabic, Chinese,
  English, French, Russian and Spanish, the UNTERM short and formal names, the ISO 3166 numeric
  and M49 codes, the GeoNames id, the Wikidata QID where the table gives one, and the UN groupings
  (M49 region, sub-region and intermediate region; LDC, LLDC, SIDS).
- ``crosswalk.csv``: mappings written by hand for other entities (the Convention's ECOLEX, IEADB
  and UN Treaty Collection ids), each with a confidence and its source.

Rows for countries that are not in our data are reference rows and make no triples. Names in
other languages than English are ``skos:prefLabel`` (one per language) and ``skos:altLabel``:
``rdfs:label`` stays the one English label every library query and page joins on.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mgraph.core.errors import DataError
from mgraph.core.namespaces import MG, MGID, instance_iri

COUNTRY_CODES = "country_codes.csv"
CROSSWALK = "crosswalk.csv"
LINKED_FILES = (COUNTRY_CODES, CROSSWALK)
LANGUAGES = ("ar", "zh", "en", "es", "fr", "ru")
"""The six official languages of the United Nations, as BCP 47 tags."""

SKOS = "http://www.w3.org/2004/02/skos/core#"
EXTERNAL: dict[str, str] = {
    "wikidata": "http://www.wikidata.org/entity/",
    "geonames": "https://sws.geonames.org/",
    "M49": "http://unstats.un.org/unsd/methods/m49/m49.htm#",
    "ISO3166N": "urn:iso:std:iso:3166:-1:numeric:",
    "ecolex": "urn:ecolex:",
    "ieadb": "urn:ieadb:treaty:",
    "untc": "urn:untc:mtdsg:",
}
"""Prefixes of external ids. Where a database publishes no IRI for its ids (M49, ISO 3166 numeric,
ECOLEX, IEADB, the UN Treaty Collection) the IRI is the prefix's namespace followed by the id: a
name for the id, not a page (M49's namespace is the code system IRI HL7 FHIR uses)."""
ALIASES = {p.casefold(): p for p in EXTERNAL} | {
    "wd": "wikidata",
    "un-m49": "M49",
    "unm49": "M49",
    "iso3166": "ISO3166N",
    "iso3166-numeric": "ISO3166N",
    "iso-numeric": "ISO3166N",
}
SSSOM_CURIES = {
    "mgid": str(MGID),
    "skos": SKOS,
    "semapv": "https://w3id.org/semapv/vocab/",
    **EXTERNAL,
}
GROUPS = {
    "ldc": "Least Developed Countries (LDC)",
    "lldc": "Landlocked Developing Countries (LLDC)",
    "sids": "Small Island Developing States (SIDS)",
}
_CONFIDENCE = re.compile(r"^(0(\.\d+)?|1(\.0+)?)$")
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Mapping:
    """One mapping of an entity of ours to an external id, with its source and confidence."""

    subject: str  # our IRI
    subject_label: str
    predicate: str  # "exactMatch" or "closeMatch"
    object: str  # CURIE, prefix in EXTERNAL
    object_label: str
    confidence: str
    source: str  # URL
    comment: str = ""
    justification: str = "semapv:ManualMappingCuration"

    @property
    def object_iri(self) -> str:
        prefix, local = self.object.split(":", 1)
        return EXTERNAL[prefix] + local + ("/" if prefix == "geonames" else "")


def external_iri(text: str) -> str | None:
    """The IRI an external id such as ``M49:854``, ``wikidata:Q155`` or ``ecolex:TRE-160007``
    stands for; None when ``text`` has no known prefix."""
    prefix, sep, local = text.strip().partition(":")
    canonical = ALIASES.get(prefix.casefold())
    if not sep or canonical is None or not local.strip():
        return None
    local = local.strip()
    if canonical in ("M49", "ISO3166N") and local.isdigit():
        local = local.zfill(3)
    elif canonical == "wikidata":
        local = local.upper()
    elif canonical in ("ecolex", "untc"):
        local = local.upper()
    elif canonical == "geonames":
        local = local.rstrip("/") + "/"
    return EXTERNAL[canonical] + local


def _display(path: Path) -> str:
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_table(
    path: Path, errors: list[DataError], required: Iterable[str]
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a curated CSV table with their line numbers; problems go to ``errors``."""
    display = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(DataError(display, 1, "", f"cannot read the table: {exc}", primary=True))
        return []
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    missing = [c for c in required if header is None or c not in header]
    if header is None or missing:
        errors.append(DataError(display, 1, "", f"missing columns: {', '.join(missing)}", primary=True))
        return []
    rows = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.append(DataError(display, line, "", f"{len(values)} values for {len(header)} columns"))
            continue
        row = dict(zip(header, (v.strip() for v in values), strict=True))
        if not _URL.match(row.get("source", "")):
            errors.append(DataError(display, line, "", "every row needs a source URL"))
            continue
        rows.append((line, row))
    return rows


COUNTRY_COLUMNS = (
    "iso3",
    "iso_numeric",
    "m49",
    "geonames_id",
    "wikidata_id",
    "region_code",
    "region_name",
    "subregion_code",
    "subregion_name",
    "intermediate_region_code",
    "intermediate_region_name",
    "ldc",
    "lldc",
    "sids",
    *(f"name_{lang}" for lang in LANGUAGES),
    *(f"unterm_short_{lang}" for lang in LANGUAGES),
    *(f"unterm_formal_{lang}" for lang in LANGUAGES),
    "source",
)
CROSSWALK_COLUMNS = ("subject", "predicate", "object", "object_label", "confidence", "source", "comment")


@dataclass
class Linked:
    """What the two tables say about the entities of one data folder."""

    countries: dict[str, dict[str, str]]  # our country id -> its row
    mappings: list[Mapping]
    errors: list[DataError]


def read_linked(directory: Path, entities: dict[str, tuple[str, str]]) -> Linked:
    """Read both tables for the entities of a data folder (``id -> (kind, English label)``)."""
    errors: list[DataError] = []
    countries: dict[str, dict[str, str]] = {}
    mappings: list[Mapping] = []
    path = directory / COUNTRY_CODES
    if path.is_file():
        for _line, row in read_table(path, errors, COUNTRY_COLUMNS):
            ident = row["iso3"].lower()
            if entities.get(ident, ("",))[0] == "country":
                countries[ident] = row
                mappings.extend(_country_mappings(ident, entities[ident][1], row))
    path = directory / CROSSWALK
    if path.is_file():
        display = _display(path)
        for line, row in read_table(path, errors, CROSSWALK_COLUMNS):
            problem = _crosswalk_problem(row, entities)
            if problem:
                errors.append(DataError(display, line, f"mapping of '{row['subject']}'", problem))
                continue
            kind, label = entities[row["subject"]]
            mappings.append(
                Mapping(
                    instance_iri(kind, row["subject"]),
                    label,
                    row["predicate"],
                    row["object"],
                    row["object_label"],
                    row["confidence"],
                    row["source"],
                    row["comment"],
                )
            )
    mappings.sort(key=lambda m: (m.subject, m.object))
    return Linked(countries, mappings, errors)


def _crosswalk_problem(row: dict[str, str], entities: dict[str, tuple[str, str]]) -> str:
    if row["subject"] not in entities:
        return f"subject refers to unknown id '{row['subject']}'"
    if row["predicate"] not in ("exactMatch", "closeMatch"):
        return f"predicate must be exactMatch or closeMatch, not '{row['predicate']}'"
    prefix, sep, local = row["object"].partition(":")
    if not sep or prefix not in EXTERNAL or not local:
        return f"object must be a CURIE with one of the prefixes {', '.join(EXTERNAL)}"
    if not _CONFIDENCE.match(row["confidence"]):
        return f"confidence must be a number from 0 to 1, not '{row['confidence']}'"
    return ""


def _country_mappings(ident: str, label: str, row: dict[str, str]) -> Iterator[Mapping]:
    subject = instance_iri("country", ident)
    source = row["source"]
    name = row["name_en"] or label
    note = "joined on the ISO 3166-1 alpha-3 code"
    xref = "semapv:BackgroundKnowledgeBasedMatching"  # the table is the background knowledge
    if row["m49"].isdigit():
        code = row["m49"].zfill(3)
        yield Mapping(subject, label, "exactMatch", f"M49:{code}", name, "1.0", source, note, xref)
    if row["iso_numeric"].isdigit():
        code = row["iso_numeric"].zfill(3)
        yield Mapping(subject, label, "exactMatch", f"ISO3166N:{code}", name, "1.0", source, note, xref)
    if row["geonames_id"].isdigit():
        # A GeoNames feature is the country as a place; ours is the State as a Party.
        comment = f"{note}; the GeoNames feature is the territory, ours the State"
        yield Mapping(
            subject, label, "closeMatch", f"geonames:{row['geonames_id']}", name, "1.0", source, comment, xref
        )
    if re.fullmatch(r"Q\d+", row["wikidata_id"]):
        comment = f"{note}; the table's wikidata_id column"
        yield Mapping(
            subject,
            label,
            "exactMatch",
            f"wikidata:{row['wikidata_id']}",
            name,
            "0.95",
            source,
            comment,
            xref,
        )


def group_iri(key: str) -> str:
    """``m49-419`` for an M49 area, ``ldc``/``lldc``/``sids`` for the UN lists."""
    return instance_iri("country-group", key)


def linked_triples(linked: Linked, existing: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Triples of the labels, groupings and matches; ``existing`` is the graph being built (to
    skip a name that is already the entity's English label)."""
    from rdflib import RDF, RDFS, Literal, URIRef
    from rdflib.namespace import PROV
    from rdflib.namespace import SKOS as SKOS_NS

    groups: dict[str, tuple[str, str | None, str, set[str]]] = {}  # iri -> (label, code, broader, sources)
    for ident, row in sorted(linked.countries.items()):
        subject = URIRef(instance_iri("country", ident))
        source = URIRef(row["source"])
        yield subject, PROV.wasDerivedFrom, source
        yield source, RDF.type, MG.SourceDocument
        english = {
            str(o) for o in existing.objects(subject, RDFS.label) if getattr(o, "language", None) == "en"
        }
        for lang in LANGUAGES:
            seen = set(english) if lang == "en" else set()
            name = row[f"name_{lang}"]
            if name:
                yield subject, SKOS_NS.prefLabel, Literal(name, lang=lang)
                seen.add(name)
            for column in ("unterm_short", "unterm_formal"):
                alt = row[f"{column}_{lang}"]
                if alt and alt not in seen:
                    yield subject, SKOS_NS.altLabel, Literal(alt, lang=lang)
                    seen.add(alt)
        broader = None
        for level in ("region", "subregion", "intermediate_region"):
            code, name = row[f"{level}_code"], row[f"{level}_name"]
            if not code.isdigit() or not name:
                continue
            iri = group_iri(f"m49-{code.zfill(3)}")
            entry = groups.setdefault(iri, (name, code.zfill(3), broader or "", set()))
            entry[3].add(row["source"])
            broader = iri
            yield subject, MG.countryGroup, URIRef(iri)
        for key in GROUPS:
            if row[key].lower() == "x":
                iri = group_iri(key)
                groups.setdefault(iri, (GROUPS[key], None, "", set()))[3].add(row["source"])
                yield subject, MG.countryGroup, URIRef(iri)
    for key, (group_name, group_code, up, cited) in sorted(groups.items()):
        group = URIRef(key)
        yield group, RDF.type, MG.CountryGroup
        yield group, RDF.type, SKOS_NS.Concept
        yield group, RDFS.label, Literal(group_name, lang="en")
        yield group, SKOS_NS.prefLabel, Literal(group_name, lang="en")
        if group_code:
            yield group, SKOS_NS.notation, Literal(group_code)
            yield group, SKOS_NS.exactMatch, URIRef(EXTERNAL["M49"] + group_code)
        if up:
            yield group, SKOS_NS.broader, URIRef(up)
        for url in sorted(cited):
            yield group, PROV.wasDerivedFrom, URIRef(url)
    for mapping in linked.mappings:
        predicate = SKOS_NS.exactMatch if mapping.predicate == "exactMatch" else SKOS_NS.closeMatch
        yield URIRef(mapping.subject), predicate, URIRef(mapping.object_iri)
        yield URIRef(mapping.source), RDF.type, MG.SourceDocument
        yield URIRef(mapping.subject), PROV.wasDerivedFrom, URIRef(mapping.source)


def sssom_tsv(mappings: list[Mapping], version: str = "") -> str:
    """The mappings as an SSSOM table (TSV with its metadata as a commented YAML header)."""
    import json

    lines = [
        "#curie_map:",
        *(f"#  {prefix}: {json.dumps(SSSOM_CURIES[prefix])}" for prefix in sorted(SSSOM_CURIES)),
        '#mapping_set_id: "https://w3id.org/mgraph/crosswalk.sssom.tsv"',
        '#mapping_set_title: "mgraph crosswalk to external identifiers"',
        '#license: "https://creativecommons.org/licenses/by/4.0/"',
    ]
    if version:
        lines.append(f"#mapping_set_version: {json.dumps(version)}")
    columns = (
        "subject_id",
        "subject_label",
        "predicate_id",
        "object_id",
        "object_label",
        "mapping_justification",
        "confidence",
        "mapping_provider",
        "comment",
    )
    lines.append("\t".join(columns))
    for m in mappings:
        values = (
            "mgid:" + m.subject[len(str(MGID)) :],
            m.subject_label,
            f"skos:{m.predicate}",
            m.object,
            m.object_label,
            m.justification,
            m.confidence,
            m.source,
            m.comment,
        )
        lines.append("\t".join(v.replace("\t", " ").replace("\n", " ") for v in values))
    return "\n".join(lines) + "\n"


def entities_of(graph: Any) -> dict[str, tuple[str, str]]:
    """``id -> (kind, English label)`` of the curated records in a loaded graph."""
    from rdflib import RDFS, URIRef

    out: dict[str, tuple[str, str]] = {}
    base = str(MGID)
    for subject, label in graph.subject_objects(RDFS.label):
        if not isinstance(subject, URIRef) or not str(subject).startswith(base):
            continue
        kind, _, ident = str(subject)[len(base) :].partition("/")
        if ident and "/" not in ident and getattr(label, "language", None) in (None, "en"):
            out.setdefault(ident, (kind, str(label)))
    return out


def crosswalk_sssom(graph: Any, data_dir: Path, version: str = "") -> bytes:
    """The release's ``crosswalk.sssom.tsv``: every mapping of the entities in ``graph``."""
    linked = read_linked(data_dir, entities_of(graph))
    return sssom_tsv(linked.mappings, version).encode("utf-8")
