"""Issue 18: names in the six UN languages, UN groupings and the crosswalk to external ids."""

from __future__ import annotations

import csv
import shutil

import pytest
from paths import FIXTURE_DATA
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from mgraph.core import locations
from mgraph.core.crosswalk import LANGUAGES, crosswalk_sssom, external_iri
from mgraph.core.errors import DataLoadError
from mgraph.core.loader import load
from mgraph.core.namespaces import MG, MGID

BRA = URIRef(f"{MGID}country/bra")


@pytest.fixture(scope="module")
def fixture_graph():
    return load(FIXTURE_DATA).graph


@pytest.fixture(scope="module")
def project_graph():
    return load().graph


def test_six_languages_on_a_fixture_country(fixture_graph):
    names = {o.language: str(o) for o in fixture_graph.objects(BRA, SKOS.prefLabel)}
    with open(FIXTURE_DATA / "country_codes.csv", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["iso3"] == "BRA")
    assert names == {lang: row[f"name_{lang}"] for lang in LANGUAGES}
    assert set(names) == {"ar", "zh", "en", "es", "fr", "ru"}
    # rdfs:label stays the one English name every query and page joins on
    assert list(fixture_graph.objects(BRA, RDFS.label)) == [Literal("Brazil", lang="en")]
    assert Literal(row["unterm_formal_fr"], lang="fr") in set(fixture_graph.objects(BRA, SKOS.altLabel))


def test_a_country_without_a_row_gets_no_names(fixture_graph):
    eu = URIRef(f"{MGID}country/eu")
    assert not list(fixture_graph.objects(eu, SKOS.prefLabel))


def test_rows_of_countries_we_do_not_have_make_no_triples(fixture_graph):
    assert (URIRef(f"{MGID}country/jam"), None, None) not in fixture_graph


def test_150_countries_carry_six_names_with_their_source(project_graph):
    from rdflib.namespace import PROV

    full = []
    for country in set(project_graph.subjects(MG.countryGroup, None)):
        langs = {o.language for o in project_graph.objects(country, SKOS.prefLabel)}
        sources = {str(s) for s in project_graph.objects(country, PROV.wasDerivedFrom)}
        if set(LANGUAGES) <= langs and any("github.com/datasets/country-codes/blob/" in s for s in sources):
            full.append(country)
    assert len(full) >= 150


def test_groupings_are_typed_and_sourced(fixture_graph):
    from rdflib.namespace import PROV, RDF

    groups = set(fixture_graph.objects(BRA, MG.countryGroup))
    assert URIRef(f"{MGID}country-group/m49-419") in groups
    for group in groups:
        assert (group, RDF.type, MG.CountryGroup) in fixture_graph
        assert list(fixture_graph.objects(group, PROV.wasDerivedFrom))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("M49:76", "http://unstats.un.org/unsd/methods/m49/m49.htm#076", id="m49-padded"),
        pytest.param("wikidata:q155", "http://www.wikidata.org/entity/Q155", id="wikidata"),
        pytest.param("ecolex:tre-160007", "urn:ecolex:TRE-160007", id="ecolex"),
        pytest.param("geonames:3469034", "https://sws.geonames.org/3469034/", id="geonames"),
        pytest.param("Brazil", None, id="not-external"),
        pytest.param("nope:1", None, id="unknown-prefix"),
    ],
)
def test_external_iri(text, expected):
    assert external_iri(text) == expected


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        pytest.param("M49:076", BRA, id="m49"),
        pytest.param("wikidata:Q155", BRA, id="wikidata"),
        pytest.param("ecolex:TRE-160007", URIRef(f"{MGID}convention/minamata"), id="ecolex"),
        pytest.param("ieadb:4971", URIRef(f"{MGID}convention/minamata"), id="ieadb"),
        pytest.param("untc:XXVII-17", URIRef(f"{MGID}convention/minamata"), id="untc"),
    ],
)
def test_resolve_external_ids(fixture_graph, text, iri):
    from mgraph.networks.search import resolve, search

    assert resolve(text, graph=fixture_graph) == str(iri)
    assert search(text, graph=fixture_graph)[0]["iri"] == str(iri)


def test_unknown_external_id_is_an_input_error(fixture_graph):
    from mgraph.core.errors import InputError
    from mgraph.networks.search import resolve

    with pytest.raises(InputError):
        resolve("M49:999", graph=fixture_graph)


def _sssom_rows(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_every_crosswalk_row_has_a_source_and_a_confidence(project_graph):
    rows = _sssom_rows(crosswalk_sssom(project_graph, locations.DATA).decode())
    assert len(rows) > 500
    for row in rows:
        assert row["mapping_provider"].startswith(("https://", "http://")), row
        assert 0 < float(row["confidence"]) <= 1, row
    objects = {r["object_id"] for r in rows if r["subject_id"] == "mgid:convention/minamata"}
    assert {"ecolex:TRE-160007", "ieadb:4971", "untc:XXVII-17"} <= objects


@pytest.mark.slow  # sssom's own validator (pandas) over the crosswalk
def test_crosswalk_is_valid_sssom(fixture_graph, tmp_path):
    """Validated by the sssom package (its JSON schema, prefix map and CURIE checks)."""
    pytest.importorskip("sssom")
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    path = tmp_path / "crosswalk.sssom.tsv"
    path.write_bytes(crosswalk_sssom(fixture_graph, FIXTURE_DATA, "test"))
    mapping_set = parse_sssom_table(path)
    assert len(mapping_set.df) == len(_sssom_rows(path.read_text()))
    validate(mapping_set, fail_on_error=True)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            "nowhere,exactMatch,ecolex:X,X,1.0,https://example.org/a,", "unknown id 'nowhere'", id="unknown"
        ),
        pytest.param("minamata,exactMatch,ecolex:X,X,1.0,,", "source URL", id="no-source"),
        pytest.param(
            "minamata,sameAs,ecolex:X,X,1.0,https://example.org/a,", "exactMatch or closeMatch", id="pred"
        ),
        pytest.param(
            "minamata,exactMatch,ecolex:X,X,2,https://example.org/a,", "confidence", id="confidence"
        ),
        pytest.param("minamata,exactMatch,foo:X,X,1,https://example.org/a,", "CURIE", id="prefix"),
    ],
)
def test_bad_crosswalk_rows_are_data_errors(tmp_path, row, message):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    table = data / "crosswalk.csv"
    table.write_text(table.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    with pytest.raises(DataLoadError) as caught:
        load(data)
    text = str(caught.value)
    assert "crosswalk.csv:5" in text and message in text
