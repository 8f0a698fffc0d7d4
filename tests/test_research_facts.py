"""One test per kind of fact issue 19 added, on the curated data and on a planted fixture.

Terms of office (a derived end marked derived), an amendment's entry into force, an organisation
supporting or hosting another, an ordinal claim in conflict with another record's, decisions giving
guidance to the GEF and events preparing a meeting: each is checked where it exists in ``data/``,
and each has a fixture (a copy of the query fixture data with something planted) that the check
must refuse or answer differently.
"""

from __future__ import annotations

import pytest
from planting import planted
from rdflib import URIRef

from mgraph.core.errors import DataLoadError
from mgraph.core.loader import load
from mgraph.core.namespaces import MG, SCHEMA, instance_iri
from mgraph.queries.query import run


@pytest.fixture(scope="module")
def curated():
    return load().graph


def ids(rows, column: str) -> list[str]:
    return [str(r[column]).rsplit("/", 1)[-1] for r in rows]


# --- terms of office ------------------------------------------------------------------------------


def test_a_predecessors_end_is_derived_from_the_successors_start_and_marked(curated):
    rows = run(
        "post-holders-on-date",
        date="2020-01-01",
        body="minamata-secretariat",
        role="executive-secretary",
        graph=curated,
    )
    assert [(r["answer"], str(r["end_derived"]), r["end"]) for r in rows] == [
        ("held (end derived from the successor's start)", "2020-01-13", None)
    ]
    assert ids(rows, "holder") == ["rossana-silva-repetto"]
    # derived, never stored: the holding has no end of its own in the graph
    holding = URIRef(instance_iri("role", "rossana-silva-repetto-executive-secretary"))
    assert (holding, SCHEMA.endDate, None) not in curated


@pytest.mark.parametrize(
    ("date", "holder", "answer"),
    [
        pytest.param("2019-06-01", "rossana-silva-repetto", "held", id="between-two-reports"),
        pytest.param("2021-06-01", "monika-stankiewicz", "held", id="after-start-before-a-report"),
    ],
)
def test_one_holder_where_the_sources_allow(curated, date, holder, answer):
    rows = run(
        "post-holders-on-date",
        date=date,
        body="minamata-secretariat",
        role="executive-secretary",
        graph=curated,
    )
    assert [(h, r["answer"]) for h, r in zip(ids(rows, "holder"), rows, strict=True)] == [(holder, answer)]


SUCCESSION = """
- id: first-secretary
  holder: {first}
  role: {role}
  of: minamata-secretariat
  held_on: [2018-11]
  sources: [https://example.org/first]
- id: second-secretary
  holder: monika-stankiewicz
  role: {role}
  of: minamata-secretariat
  start: 2020-01-13
  sources: [https://example.org/second]
"""
PERSON = "\n- id: someone-earlier\n  name: Someone Earlier\n  sources: [https://example.org/first]\n"


@pytest.mark.parametrize(
    ("role", "answer"),
    [
        pytest.param("head", "held (end derived from the successor's start)", id="one-holder-post"),
        pytest.param("co-chair", "not known", id="shared-post-derives-nothing"),
    ],
)
def test_an_end_is_derived_only_for_a_post_one_person_holds(tmp_path, role, answer):
    data = planted(
        tmp_path,
        {
            "people.yaml": PERSON,
            "roles.yaml": SUCCESSION.format(first="someone-earlier", role=role),
        },
    )
    rows = run("post-holders-on-date", date="2019-12-01", role=role, graph=load(data).graph)
    assert [(h, r["answer"]) for h, r in zip(ids(rows, "holder"), rows, strict=True)] == [
        ("someone-earlier", answer)
    ]


def test_without_a_successor_the_answer_is_not_known(tmp_path):
    data = planted(
        tmp_path,
        {
            "people.yaml": PERSON,
            "roles.yaml": SUCCESSION.format(first="someone-earlier", role="head").split("- id: second")[0],
        },
    )
    rows = run("post-holders-on-date", date="2019-12-01", role="head", graph=load(data).graph)
    assert [r["answer"] for r in rows] == ["not known"]
    assert [r["end_derived"] for r in rows] == [None]


# --- amendments in force --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        pytest.param("2023-09-27", [], id="the-day-before"),
        pytest.param("2023-09-28", ["mc-4-3"], id="the-day-it-entered-into-force"),
    ],
)
def test_an_amendments_entry_into_force(curated, date, expected):
    rows = run("amendments-in-force", date=date, convention="minamata", graph=curated)
    assert sorted(set(ids(rows, "amendment"))) == expected
    if expected:
        assert {r["count_origin"] for r in rows} == {"reported", "deposits"}
        assert all(r["parties"] > 100 for r in rows)


def test_an_entry_into_force_that_is_not_a_date_is_refused(tmp_path):
    data = planted(
        tmp_path,
        {
            "decisions.yaml": """
- id: mc-9-9
  name: An amendment entering into force some day
  adopted_at: cop-5
  amends: [minamata-annex-a]
  entry_into_force: soon
  sources: [https://example.org/amendments]
"""
        },
    )
    with pytest.raises(DataLoadError, match="entry_into_force: 'soon' is not a date"):
        load(data)


# --- organisations linked to organisations ----------------------------------------------------------


def org(name: str) -> URIRef:
    return URIRef(instance_iri("organisation", name))


def test_an_organisation_supports_and_hosts_another(curated):
    assert (org("gen"), SCHEMA.sponsor, org("foen")) in curated
    assert (org("gen"), MG.hostedBy, org("unep")) in curated
    assert (org("gmp"), MG.hostedBy, org("unep")) in curated


def test_an_organisation_link_is_reachable_by_path(curated):
    from mgraph.networks.analyze import paths

    chains = paths("gen", "foen", graph=curated)
    assert [step["relation"] for step in chains[0]["steps"]] == ["schema:sponsor"]


def test_a_supporter_that_is_not_an_organisation_is_refused(tmp_path):
    data = planted(
        tmp_path,
        {
            "organisations.yaml": """
- id: helped
  name: A network helped by a topic
  kind: network
  supporters: [asgm]
  sources: [https://example.org/network]
"""
        },
    )
    with pytest.raises(DataLoadError, match="supporters refers to 'asgm', a topic"):
        load(data)


# --- ordinal claims -----------------------------------------------------------------------------------


def test_two_acts_claiming_the_same_ordinal_are_listed_with_their_sources(curated):
    rows = run("ordinal-conflicts", convention="minamata", graph=curated)
    pairs = {
        (a, b, r["conflict"], r["number"])
        for a, b, r in zip(ids(rows, "act"), ids(rows, "other_act"), rows, strict=True)
    }
    assert ("bgd-ratification", "eri-ratification", "same number", 141) in pairs
    assert all(r["source"] and r["other_source"] for r in rows)


def test_ordinals_in_deposit_order_are_no_conflict(tmp_path):
    data = planted(
        tmp_path,
        {
            "legal_acts.yaml": """
- id: bra-ratification-numbered
  kind: ratification
  party: bra
  convention: minamata
  date: 2017-08-08
  reported_party_number: 75
  sources: [https://example.org/brazil]
"""
        },
    )
    # Kenya's ratification of 2023 is the 147th in the fixture: later and higher, no conflict
    assert list(run("ordinal-conflicts", graph=load(data).graph)) == []
    data = planted(
        tmp_path / "again",
        {
            "legal_acts.yaml": """
- id: bra-ratification-numbered
  kind: ratification
  party: bra
  convention: minamata
  date: 2017-08-08
  reported_party_number: 150
  sources: [https://example.org/brazil]
"""
        },
    )
    rows = run("ordinal-conflicts", graph=load(data).graph)
    assert [(r["conflict"], r["number"], r["other_number"]) for r in rows] == [("order", 150, 147)]


# --- decisions addressing bodies, events preparing meetings ----------------------------------------


def test_guidance_decisions_are_linked_to_the_gef(curated):
    rows = run("decision-requests", agent="gef", graph=curated)
    codes = sorted(r["code"] for r in rows if r["relation"] == "gives guidance to")
    assert codes == ["MC-1/5", "MC-5/11", "MC-5/7", "MC-6/10"]


def test_events_preparing_a_cop_are_reachable_from_it(curated):
    cop5 = URIRef(instance_iri("meeting", "cop-5"))
    events = {str(s).rsplit("/", 1)[-1] for s in curated.subjects(MG.prepares, cop5)}
    assert {"cop-5-documents-briefing-day-2", "cop-5-preparatory-online-events"} <= events
