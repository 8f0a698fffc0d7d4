"""The loader: triples from the tiny good fixture, and every kind of bad input with its message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from paths import FIXTURES, GOOD
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import PROV

import mgraph
from mgraph.core.errors import DataLoadError
from mgraph.core.namespaces import MG, MGID, SCHEMA


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
    assert (MGID["project/gef-gold"], MG.approvalDate, Literal("2016-10", datatype=XSD.gYearMonth)) in g
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
    pytest.param(
        "decisions.yaml",
        "- id: mc-9-9\n  name: X\n  adopted_at: cop-7\n",
        ["decisions.yaml:3: decision 'mc-9-9': adopted_at refers to unknown id 'cop-7'"],
        id="dangling-reference",
    ),
    pytest.param(
        "decisions.yaml",
        "- id: mc-9-9\n  name: X\n  adopted_at: unep\n",
        [
            "decisions.yaml:3: decision 'mc-9-9': adopted_at refers to 'unep', "
            "a organisation; expected a meeting"
        ],
        id="reference-to-wrong-kind",
    ),
    pytest.param(
        "decisions.yaml",
        "- id: mc-9-9\n  name: X\n  adopted_at: cop-4\n  colour: red\n",
        ["decisions.yaml:4: decision 'mc-9-9': unknown field 'colour'"],
        id="unknown-field",
    ),
    pytest.param(
        "decisions.yaml",
        "- id: mc-9-9\n  name: X\n",
        ["decisions.yaml:1: decision 'mc-9-9': missing required field 'adopted_at'"],
        id="missing-required-field",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  number: seven\n",
        ["meetings.yaml:4: meeting 'm1': number: expected a whole number, got 'seven'"],
        id="wrong-type",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  start: 2023-02-30\n",
        ["meetings.yaml:4: meeting 'm1': start: '2023-02-30' is an impossible date"],
        id="impossible-date",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  start: 30/01/2023\n",
        ["meetings.yaml:4: meeting 'm1': start: '30/01/2023' is not a date"],
        id="malformed-date",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  start: 2023-05-02\n  end: 2023-05-01\n",
        ["meetings.yaml:5: meeting 'm1': end 2023-05-01 is before start 2023-05-02"],
        id="end-before-start",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n- id: m1\n  kind: cop\n",
        ["meetings.yaml:4: meeting 'm1': duplicate id: also meeting 'm1'"],
        id="duplicate-id",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  name: Y\n",
        ["meetings.yaml:4: duplicate key 'name'"],
        id="duplicate-key",
    ),
    pytest.param(
        "meetings.yaml", "- id: m1\n  kind: [cop\n", ["meetings.yaml:3: YAML syntax error"], id="yaml-syntax"
    ),
    pytest.param(
        "meetings.yaml", "id: m1\n", ["meetings.yaml:1: the file must be a YAML list"], id="not-a-list"
    ),
    pytest.param(
        "meetings.yaml",
        "- id: Bad Id\n  kind: cop\n",
        ["meetings.yaml:1: meeting at line 1: id is 'Bad Id'"],
        id="bad-id",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: summit\n  name: X\n",
        ["meetings.yaml:2: meeting 'm1': kind: 'summit' is not one of: cop"],
        id="unknown-enum-value",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  sources: [not a url]\n",
        ["meetings.yaml:4: meeting 'm1': sources: source 'not a url' is neither a URL"],
        id="bad-source",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  end:\n    - {value: 2020-01-01}\n",
        ["meetings.yaml:5: meeting 'm1': end: a list here means a conflict"],
        id="conflict-with-one-value",
    ),
    pytest.param(
        "meetings.yaml",
        "- id: m1\n  kind: cop\n  name: X\n  end: {value: 2020-01-01, source: x}\n",
        ["meetings.yaml:4: meeting 'm1': end: unknown key(s) source in long form"],
        id="long-form-unknown-key",
    ),
    pytest.param(
        "countries.yaml",
        "- id: xxx\n  kind: state\n  name: X\n  iso3: XXX\n",
        ["countries.yaml:4: country 'xxx': iso3 'XXX' is not an ISO 3166-1 code"],
        id="iso-code-unknown",
    ),
    pytest.param(
        "countries.yaml",
        "- id: fra\n  kind: state\n  name: France\n  iso2: DE\n  iso3: FRA\n",
        ["countries.yaml:5: country 'fra': iso2 'DE' and iso3 'FRA' name different"],
        id="iso-codes-disagree",
    ),
    pytest.param("unknown.yaml", "- id: x\n", ["unknown.yaml:1: unknown data file"], id="unknown-file"),
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
        "- id: a\n  name: A\n  adopted_at: nowhere\n- id: b\n  name: B\n  adopted_at: cop-4\n  code: MC-X\n"
    )
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
        "projects.yaml:3: project 'gef-gold': funders refers to unknown id 'nope'"
    ]


def test_an_oxigraph_backed_store_holds_the_same_graph() -> None:
    pytest.importorskip("oxrdflib", reason="the Oxigraph rdflib store is an optional extra")
    from mgraph.core.serialize import prepare, to_ntriples

    in_memory = mgraph.load(GOOD)
    on_oxigraph = mgraph.load(GOOD, store="Oxigraph")
    assert to_ntriples(prepare(on_oxigraph.graph)) == to_ntriples(prepare(in_memory.graph))


# --- issue 8: causes first, follow-on errors counted ----------------------------------------


def test_indentation_error_prints_its_cause_first_and_counts_the_follow_on_errors() -> None:
    folder = FIXTURES / "data" / "indentation-error"
    with pytest.raises(DataLoadError) as caught:
        mgraph.load(folder)
    shown = [
        m.replace(str(folder) + "/", "").replace("tests/fixtures/data/indentation-error/", "")
        for m in caught.value.messages
    ]
    assert shown == [
        "meetings.yaml:89: YAML syntax error, column 8: mapping values are not allowed in this "
        "context; check the indentation of this line and the lines above it",
        "... and 105 more errors caused by the error above (references to records lost there)",
        "topics.yaml:295: topic 'supply-and-trade': duplicate id: also topic 'supply-and-trade' "
        "at topics.yaml:1",
    ]
    assert len(caught.value.caused) == 105
    assert all("refers to unknown id" in str(e) for e in caught.value.caused)


def test_unknown_ids_not_lost_to_a_broken_file_are_still_listed(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "events.yaml").write_text("- id: e\n  kind: webinar\n  name: [E\n")
    text = (data / "projects.yaml").read_text().replace("funders: [gef]", "funders: [gef, nope]")
    (data / "projects.yaml").write_text(text)
    with pytest.raises(DataLoadError) as caught:
        mgraph.load(data)
    messages = [m.split("data/", 1)[1] for m in caught.value.messages]
    assert messages[0].startswith("events.yaml:4: YAML syntax error")
    assert messages[1:] == ["projects.yaml:3: project 'gef-gold': funders refers to unknown id 'nope'"]
    assert caught.value.caused == []


# --- issue 11: hostile data files end in a file:line error, exit 2, dist/ untouched -------------


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release built from the good fixture; every hostile build below must leave it as it is."""
    from mgraph.cli import main

    out = tmp_path_factory.mktemp("release") / "dist"
    assert main(["build", "--data", str(GOOD), "--out", str(out)]) == 0
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:  # a release has folders too (docs/, changes/)
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _hostile_build(release: Path, data: Path, capsys) -> tuple[int, str]:
    from mgraph.cli import main

    before = _snapshot(release)
    capsys.readouterr()
    code = main(["build", "--data", str(data), "--out", str(release)])
    assert _snapshot(release) == before, "a failed build changed dist/"
    return code, capsys.readouterr().err


def _good_copy(tmp_path: Path) -> Path:
    """A copy of the good fixture; tests replace events.yaml, which no other file refers to."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    return data


def test_ten_megabyte_string_is_refused_and_dist_untouched(tmp_path, release, capsys) -> None:
    data = _good_copy(tmp_path)
    (data / "events.yaml").write_text("- id: m1\n  kind: webinar\n  name: " + "x" * 10_000_000 + "\n")
    code, err = _hostile_build(release, data, capsys)
    assert code == 2
    assert err == (
        f"{data}/events.yaml:3: a value of 10,000,000 characters; a value may have at most 10,000\n"
    )


def test_value_at_the_limit_is_accepted_and_one_over_is_refused(tmp_path) -> None:
    data = _good_copy(tmp_path)
    record = "- id: m1\n  kind: webinar\n  name: X\n  note: {}\n"
    (data / "events.yaml").write_text(record.format("y" * 10_000))
    assert MGID["event/m1"] in set(mgraph.load(data).graph.subjects())
    (data / "events.yaml").write_text(record.format("y" * 10_001))
    with pytest.raises(DataLoadError, match=r"events.yaml:4: a value of 10,001 characters"):
        mgraph.load(data)


def test_file_over_the_size_limit_is_refused_unread_and_dist_untouched(tmp_path, release, capsys) -> None:
    data = _good_copy(tmp_path)
    with (data / "events.yaml").open("wb") as handle:
        handle.truncate(16 * 1024 * 1024 + 1)  # sparse: no 16 MB written
    code, err = _hostile_build(release, data, capsys)
    assert code == 2
    assert err == (
        f"{data}/events.yaml:1: the file is 16,777,217 bytes; a data file may be at most 16,777,216 bytes\n"
    )


BILLION_LAUGHS = "".join(
    f"- &{name} [{', '.join([('*' + chr(ord(name) - 1)) if name != 'a' else 'lol'] * 9)}]\n"
    for name in "abcdefghi"
)


def test_billion_laughs_of_yaml_aliases_is_refused_within_a_second(tmp_path, release, capsys) -> None:
    import time

    data = _good_copy(tmp_path)
    (data / "events.yaml").write_text(BILLION_LAUGHS)  # 9 levels: 9**9 copies of "lol"
    start = time.perf_counter()
    code, err = _hostile_build(release, data, capsys)
    assert time.perf_counter() - start < 1.0
    assert code == 2
    assert err == (
        f"{data}/events.yaml:5: YAML aliases copy more than 10,000 values in this file; "
        "write the values out (mgraph lint does)\n"
    )


def test_a_few_yaml_aliases_still_load_as_copies(tmp_path) -> None:
    data = _good_copy(tmp_path)
    (data / "events.yaml").write_text(
        "- id: m1\n  kind: webinar\n  name: X\n  sources: &s [https://example.org/a]\n"
        "- id: m2\n  kind: webinar\n  name: Y\n  sources: *s\n"
    )
    graph = mgraph.load(data).graph
    for meeting in ("m1", "m2"):
        assert (MGID[f"event/{meeting}"], PROV.wasDerivedFrom, URIRef("https://example.org/a")) in graph


def test_deeply_nested_yaml_is_refused_not_a_crash(tmp_path, release, capsys) -> None:
    # libyaml's composer recursed until the process died (SIGSEGV) on 100,000 "[".
    data = _good_copy(tmp_path)
    (data / "events.yaml").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    code, err = _hostile_build(release, data, capsys)
    # Our depth check or libyaml's own (PyYAML 6.0.2+ stops a flow at depth 1,000 while scanning,
    # before our composer sees the events): the same located, one-line refusal either way.
    assert code == 2
    assert err == f"{data}/events.yaml:1: values nest more than 20 deep; a record needs far fewer\n"


def test_deep_block_nesting_is_refused_by_our_own_check(tmp_path, release, capsys) -> None:
    # Block nesting that libyaml accepts (depth 30): our composer must stop it, whatever PyYAML.
    data = _good_copy(tmp_path)
    text = "".join("  " * i + f"k{i}:\n" for i in range(30)) + "  " * 30 + "v\n"
    (data / "events.yaml").write_text(
        "- id: x\n  deep:\n" + "".join("    " + line + "\n" for line in text.splitlines())
    )
    code, err = _hostile_build(release, data, capsys)
    assert code == 2
    assert err.startswith(f"{data}/events.yaml:") and "values nest more than 20 deep" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_symbolic_link_out_of_the_data_folder_is_refused_and_dist_untouched(
    tmp_path, release, capsys
) -> None:
    data = _good_copy(tmp_path)
    outside = tmp_path / "elsewhere" / "events.yaml"
    outside.parent.mkdir()
    (data / "events.yaml").rename(outside)
    (data / "events.yaml").symlink_to(outside)
    code, err = _hostile_build(release, data, capsys)
    assert code == 2
    assert err == (
        f"{data}/events.yaml:1: a symbolic link to a file outside the data folder ({outside}); refused\n"
    )


def test_symbolic_link_inside_the_data_folder_is_read(tmp_path) -> None:
    data = _good_copy(tmp_path)
    (data / "kept").mkdir()
    (data / "events.yaml").rename(data / "kept" / "events.yaml")
    (data / "events.yaml").symlink_to(data / "kept" / "events.yaml")
    assert MGID["event/workshop"] in set(mgraph.load(data).graph.subjects())


def test_non_utf8_data_file_names_the_line_of_the_bad_byte(tmp_path, release, capsys) -> None:
    data = _good_copy(tmp_path)
    (data / "events.yaml").write_bytes(b"- id: m1\n  kind: webinar\n  name: Gen\xe8ve\n")
    code, err = _hostile_build(release, data, capsys)
    assert code == 2
    assert err == (f"{data}/events.yaml:3: not UTF-8: byte 0xe8 at column 12; save the file as UTF-8\n")


def test_control_character_names_its_line(tmp_path) -> None:
    data = _good_copy(tmp_path)
    (data / "events.yaml").write_text("- id: m1\n  kind: webinar\n  name: X\x07\n")
    with pytest.raises(
        DataLoadError,
        match=r"events.yaml:3: YAML error: control characters are "
        r"not allowed \(character U\+0007\); remove it",
    ):
        mgraph.load(data)


def test_second_yaml_document_is_refused(tmp_path) -> None:
    data = _good_copy(tmp_path)
    (data / "events.yaml").write_text("- id: m1\n  kind: webinar\n  name: X\n---\n- id: m2\n")
    with pytest.raises(DataLoadError, match=r"events.yaml:4: a data file holds one YAML document"):
        mgraph.load(data)


def test_records_give_typed_access_to_their_values() -> None:
    from mgraph.core.records import read_records

    errors: list = []
    records = {r.id: r for r in read_records(GOOD, errors).records}
    assert errors == []
    segment = records["cop-4-2"]
    assert segment.get("kind") == "cop-segment"
    assert segment.get("missing-field", "absent") == "absent"
    ends = segment.all("end")
    assert [v.value for v in ends] == ["2022-03-25", "2022-03-26"] and ends[0].long_form
    assert segment.first("end") == ends[0]
