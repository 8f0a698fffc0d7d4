"""The loader: triples from the tiny good fixture, and every kind of bad input with its message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import PROV

import mgraph
from mgraph.errors import DataLoadError
from mgraph.namespaces import MG, MGID, SCHEMA

GOOD = Path(__file__).parent / "fixtures" / "data" / "good"


@pytest.fixture(scope="module")
def kg() -> mgraph.KnowledgeGraph:
    return mgraph.load(GOOD)


def test_records_get_stable_iris_classes_and_sources(kg) -> None:
    g = kg.graph
    decision = MGID["decision/mc-4-3"]
    assert (decision, RDF.type, MG.Decision) in g
    assert (decision, MG.adoptedAt, MGID["meeting/cop-4-2"]) in g
    assert (decision, PROV.wasDerivedFrom, URIRef("https://example.org/decisions")) in g
    assert (MGID["meeting/cop-4-2"], RDF.type, MG.MeetingSegment) in g
    assert (MGID["country/eu"], RDF.type, MG.RegionalEconomicIntegrationOrganisation) in g
    assert (MGID["country/eu"], RDF.type, MG.State) not in g


def test_superclasses_are_materialised_from_the_ontology(kg) -> None:
    cop = MGID["meeting/cop-4"]
    assert (cop, RDF.type, MG.ConferenceOfTheParties) in kg.graph
    assert (cop, RDF.type, MG.Meeting) in kg.graph
    assert (cop, RDF.type, SCHEMA.Event) in kg.graph


def test_values_are_typed_by_precision(kg) -> None:
    g = kg.graph
    assert (MGID["meeting/cop-4"], SCHEMA.startDate, Literal("2021-11-01", datatype=XSD.date)) in g
    assert (MGID["project/gef-gold"], MG.approvalDate,
            Literal("2016-10", datatype=XSD.gYearMonth)) in g
    assert (MGID["role/unep-lead-asgm"], SCHEMA.startDate, Literal("2011", datatype=XSD.gYear)) in g
    assert (MGID["project/gef-gold"], MG.gefProjectId, Literal("9602")) in g
    label = next(g.objects(MGID["decision/mc-4-3"], RDFS.label))
    assert label.language == "en"


def test_conflicting_values_keep_both_with_their_sources(kg) -> None:
    g = kg.graph
    segment = MGID["meeting/cop-4-2"]
    assert set(g.objects(segment, SCHEMA.endDate)) == {Literal("2022-03-25", datatype=XSD.date)}
    claims = set(g.subjects(RDF.subject, segment))
    assert len(claims) == 2
    for claim in claims:
        assert (claim, MG.disputed, Literal(True)) in g
        assert any(g.objects(claim, PROV.wasDerivedFrom))
    objects = {g.value(c, RDF.object) for c in claims}
    assert Literal("2022-03-26", datatype=XSD.date) in objects


def test_approximate_values_are_claims_not_facts(kg) -> None:
    g = kg.graph
    act = MGID["legal-act/eu-approval"]
    assert not any(g.objects(act, MG.actDate))
    claim = MGID["claim/legal-act.eu-approval.date.1"]
    assert (claim, MG.approximate, Literal(True)) in g
    assert g.value(claim, RDF.object) == Literal("2017-05", datatype=XSD.gYearMonth)


def test_no_blank_nodes_and_every_record_has_an_origin(kg) -> None:
    assert not any(isinstance(t, BNode) for triple in kg.graph for t in triple)
    file, line, record = kg.origins[str(MGID["decision/mc-4-3"])]
    assert file.endswith("decisions.yaml") and line == 1 and record == "decision 'mc-4-3'"


def test_records_without_a_name_get_a_derived_label(kg) -> None:
    label = kg.graph.value(MGID["legal-act/idn-ratification"], RDFS.label)
    assert str(label) == "Indonesia: ratification (Minamata Convention on Mercury)"


BAD_CASES = [
    pytest.param("decisions.yaml", "- id: mc-9-9\n  name: X\n  adopted_at: cop-7\n",
                 ["decisions.yaml:3: decision 'mc-9-9': adopted_at refers to unknown id 'cop-7'"],
                 id="dangling-reference"),
    pytest.param("decisions.yaml", "- id: mc-9-9\n  name: X\n  adopted_at: unep\n",
                 ["decisions.yaml:3: decision 'mc-9-9': adopted_at refers to 'unep', "
                  "a organisation; expected a meeting"], id="reference-to-wrong-kind"),
    pytest.param("decisions.yaml", "- id: mc-9-9\n  name: X\n  adopted_at: cop-4\n  colour: red\n",
                 ["decisions.yaml:4: decision 'mc-9-9': unknown field 'colour'"],
                 id="unknown-field"),
    pytest.param("decisions.yaml", "- id: mc-9-9\n  name: X\n", [
        "decisions.yaml:1: decision 'mc-9-9': missing required field 'adopted_at'"],
                 id="missing-required-field"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: cop\n  name: X\n  number: seven\n",
                 ["meetings.yaml:4: meeting 'm1': number: expected a whole number, got 'seven'"],
                 id="wrong-type"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: cop\n  name: X\n  start: 2023-02-30\n",
                 ["meetings.yaml:4: meeting 'm1': start: '2023-02-30' is an impossible date"],
                 id="impossible-date"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: cop\n  name: X\n  start: 30/01/2023\n",
                 ["meetings.yaml:4: meeting 'm1': start: '30/01/2023' is not a date"],
                 id="malformed-date"),
    pytest.param("meetings.yaml",
                 "- id: m1\n  kind: cop\n  name: X\n  start: 2023-05-02\n  end: 2023-05-01\n",
                 ["meetings.yaml:5: meeting 'm1': end 2023-05-01 is before start 2023-05-02"],
                 id="end-before-start"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: cop\n  name: X\n- id: m1\n  kind: cop\n",
                 ["meetings.yaml:4: meeting 'm1': duplicate id: also meeting 'm1'"],
                 id="duplicate-id"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: cop\n  name: X\n  name: Y\n",
                 ["meetings.yaml:4: duplicate key 'name'"], id="duplicate-key"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: [cop\n",
                 ["meetings.yaml:3: YAML syntax error"], id="yaml-syntax"),
    pytest.param("meetings.yaml", "id: m1\n", ["meetings.yaml:1: the file must be a YAML list"],
                 id="not-a-list"),
    pytest.param("meetings.yaml", "- id: Bad Id\n  kind: cop\n",
                 ["meetings.yaml:1: meeting at line 1: id is 'Bad Id'"], id="bad-id"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: summit\n  name: X\n",
                 ["meetings.yaml:2: meeting 'm1': kind: 'summit' is not one of: cop"],
                 id="unknown-enum-value"),
    pytest.param("meetings.yaml", "- id: m1\n  kind: cop\n  name: X\n  sources: [not a url]\n",
                 ["meetings.yaml:4: meeting 'm1': sources: source 'not a url' is neither a URL"],
                 id="bad-source"),
    pytest.param("meetings.yaml",
                 "- id: m1\n  kind: cop\n  name: X\n  end:\n    - {value: 2020-01-01}\n",
                 ["meetings.yaml:5: meeting 'm1': end: a list here means a conflict"],
                 id="conflict-with-one-value"),
    pytest.param("meetings.yaml",
                 "- id: m1\n  kind: cop\n  name: X\n  end: {value: 2020-01-01, source: x}\n",
                 ["meetings.yaml:4: meeting 'm1': end: unknown key(s) source in long form"],
                 id="long-form-unknown-key"),
    pytest.param("countries.yaml", "- id: xxx\n  kind: state\n  name: X\n  iso3: XXX\n",
                 ["countries.yaml:4: country 'xxx': iso3 'XXX' is not an ISO 3166-1 code"],
                 id="iso-code-unknown"),
    pytest.param("countries.yaml",
                 "- id: fra\n  kind: state\n  name: France\n  iso2: DE\n  iso3: FRA\n",
                 ["countries.yaml:5: country 'fra': iso2 'DE' and iso3 'FRA' name different"],
                 id="iso-codes-disagree"),
    pytest.param("unknown.yaml", "- id: x\n", ["unknown.yaml:1: unknown data file"],
                 id="unknown-file"),
]


@pytest.mark.parametrize(("file", "text", "expected"), BAD_CASES)
def test_bad_input_is_reported_with_file_line_and_record(tmp_path, file, text, expected) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / file).write_text(text)
    with pytest.raises(DataLoadError) as caught:
        mgraph.load(data)
    messages = caught.value.messages
    for wanted in expected:
        assert any(wanted in m for m in messages), (wanted, messages)
    assert caught.value.exit_code == 2


def test_all_errors_are_reported_at_once(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "decisions.yaml").write_text(
        "- id: a\n  name: A\n  adopted_at: nowhere\n- id: b\n  name: B\n  adopted_at: cop-4\n"
        "  code: MC-X\n")
    (data / "events.yaml").write_text("- id: e\n  kind: webinar\n  name: E\n  start: 2020-13-01\n")
    with pytest.raises(DataLoadError) as caught:
        mgraph.load(data)
    assert len(caught.value.errors) == 3
    files = [e.file.rsplit("/", 1)[-1] for e in caught.value.errors]
    assert files == ["decisions.yaml", "decisions.yaml", "events.yaml"]


def test_existing_line_numbers_point_at_the_field(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    text = (data / "projects.yaml").read_text().replace("funders: [gef]", "funders: [gef, nope]")
    (data / "projects.yaml").write_text(text)
    with pytest.raises(DataLoadError) as caught:
        mgraph.load(data)
    assert [str(e).split("data/", 1)[1] for e in caught.value.errors] == [
        "projects.yaml:3: project 'gef-gold': funders refers to unknown id 'nope'"]


def test_an_oxigraph_backed_store_holds_the_same_graph() -> None:
    pytest.importorskip("oxrdflib", reason="the Oxigraph rdflib store is an optional extra")
    from mgraph.serialize import prepare, to_ntriples

    in_memory = mgraph.load(GOOD)
    on_oxigraph = mgraph.load(GOOD, store="Oxigraph")
    assert to_ntriples(prepare(on_oxigraph.graph)) == to_ntriples(prepare(in_memory.graph))
