"""``mgraph stats``: hand-counted figures of tiny fixture graphs, and both renderings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from paths import FIXTURES
from rdflib import Graph
from typed_results import shape_errors

from mgraph.core.namespaces import MG, MGID
from mgraph.publish.stats import Stats, compute_stats, render_stats, reported, to_store

STATS = FIXTURES / "stats"
CASES = sorted(STATS.glob("*.ttl"))


def _graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def small() -> dict:
    return compute_stats(_graph(STATS / "small.ttl"))


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in CASES])
def test_figures_match_the_hand_counts(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert compute_stats(_graph(path)) == expected


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        pytest.param("parties", "total", 4, id="a-party-of-another-convention-is-not-counted"),
        pytest.param("parties", "with_exact_deposit_date", 2, id="eu-counts-as-a-party"),
        pytest.param("parties", "with_approximate_deposit_date_only", 1, id="approximate-claim"),
        pytest.param("parties", "without_deposit_date", 1, id="month-only-date-is-not-exact"),
        pytest.param("parties", "reported_total", 6, id="latest-dated-count-beats-preferred"),
        pytest.param("parties", "reported_as_of", "2025-11", id="count-date-from-as-of-not-note"),
        pytest.param("decisions", "with_code", 1, id="only-mc-codes"),
        pytest.param("decisions", "linked_to_meeting", 2, id="adopted-at-a-non-meeting"),
        pytest.param("records", "total", 29, id="claims-and-scheme-are-not-records"),
        pytest.param("records", "without_source", 1, id="unsourced-record"),
        pytest.param("partnership_areas", "with_lead", 1, id="member-is-not-a-lead"),
    ],
)
def test_the_rules_behind_the_figures(small: dict, section: str, key: str, value: object) -> None:
    assert small[section][key] == value


def test_key_order_is_deterministic(small: dict) -> None:
    again = compute_stats(_graph(STATS / "small.ttl"))
    assert render_stats(again, "json") == render_stats(small, "json")
    counts = list(small["classes"].items())
    assert counts == sorted(counts, key=lambda kv: (-kv[1], kv[0]))
    assert all(name.split(":")[0] in {"mg", "schema", "org", "skos"} for name in small["classes"])


def test_json_rendering_round_trips(small: dict) -> None:
    assert json.loads(render_stats(small, "json")) == small


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in CASES])
def test_figures_have_the_declared_types(path: Path) -> None:
    assert shape_errors(compute_stats(_graph(path)), Stats) == []


def test_figures_out_of_their_declared_shape_are_found(small: dict) -> None:
    broken = json.loads(json.dumps(small))
    del broken["claims"]["disputed"]
    broken["parties"]["total"] = "4"
    broken["provisions"] = {"annexes": 0, "articles": 0}
    broken["records"]["extra"] = 1
    assert shape_errors(broken, Stats) == [
        "result['records']: undeclared key 'extra'",
        "result['claims']: no key 'disputed'",
        "result['parties']['total']: '4' is not <class 'int'>",
        "result['provisions']: keys in the order ['annexes', 'articles'], declared ['articles', 'annexes']",
    ]


@pytest.mark.parametrize(
    ("label", "value"),
    [
        pytest.param("Parties (deposited an instrument)", "4 of 6", id="parties-n-of-N"),
        pytest.param("with an exact deposit date", "2 of 6", id="exact-n-of-N"),
        pytest.param("signatories", "2", id="no-reported-signatories"),
        pytest.param("decisions with a code (MC-x/y)", "1 of 3", id="decisions"),
        pytest.param("mg:State", "4", id="class-count"),
    ],
)
def test_table_rendering(small: dict, label: str, value: str) -> None:
    table = render_stats(small, "table")
    assert re.search(rf"^  {re.escape(label)} +{re.escape(value)}$", table, re.M), table
    assert "Parties: Minamata Convention on Mercury (reported total as of 2025-11)" in table


def test_unknown_format_is_refused(small: dict) -> None:
    with pytest.raises(ValueError, match="unknown stats format"):
        render_stats(small, "xml")


CLAIM = """mgid:claim\\/convention.minamata.reported_party_count.{n} a mg:Claim ;
  rdf:subject mgid:convention\\/minamata ; rdf:predicate mg:reportedPartyCount ; rdf:object {value}
  {extra} .
"""
PREFIXES = """@prefix mg: <https://w3id.org/mgraph/ontology#> .
@prefix mgid: <https://w3id.org/mgraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _newest(claims: list[tuple[int, str]], asserted: int | None = None) -> dict:
    text = PREFIXES + "".join(
        CLAIM.format(n=n, value=v, extra=extra) for n, (v, extra) in enumerate(claims, start=1)
    )
    if asserted is not None:
        text += f"mgid:convention\\/minamata mg:reportedPartyCount {asserted} .\n"
    graph = Graph().parse(data=text, format="turtle")
    return reported(to_store(graph), MGID["convention/minamata"], MG.reportedPartyCount)


@pytest.mark.parametrize(
    ("claims", "asserted", "expected"),
    [
        pytest.param(
            [
                (151, '; dcterms:valid "2024-12-23"^^xsd:date'),
                (153, '; dcterms:valid "2025-11"^^xsd:gYearMonth'),
            ],
            151,
            {"value": 153, "as_of": "2025-11"},
            id="later-as-of-beats-asserted",
        ),
        pytest.param(
            [
                (148, '; dcterms:valid "2024-04-25"^^xsd:date ; skos:note "read 2026-12-02"'),
                (151, '; dcterms:valid "2024-12-23"^^xsd:date'),
            ],
            None,
            {"value": 151, "as_of": "2024-12-23"},
            id="a-date-in-the-note-is-ignored",
        ),
        pytest.param(
            [
                (153, '; dcterms:valid "2025-11"^^xsd:gYearMonth'),
                (150, '; dcterms:valid "2025-10-27"^^xsd:date'),
            ],
            None,
            {"value": 153, "as_of": "2025-11"},
            id="month-counts-from-its-first-day",
        ),
        pytest.param(
            [(11, '; dcterms:valid "2015"^^xsd:gYear'), (99, '; skos:note "undated snapshot"')],
            None,
            {"value": 11, "as_of": "2015"},
            id="undated-ranks-below-dated",
        ),
        pytest.param(
            [
                (52, '; dcterms:valid "2017-05-18"^^xsd:date ; mg:preferred true'),
                (51, '; dcterms:valid "2017-05-18"^^xsd:date ; mg:preferred false'),
            ],
            None,
            {"value": 52, "as_of": "2017-05-18"},
            id="same-date-conflict-preferred-wins",
        ),
        pytest.param(
            [
                (51, '; dcterms:valid "2017-05-18"^^xsd:date ; mg:preferred true'),
                (52, '; dcterms:valid "2017-05-18"^^xsd:date ; mg:preferred false'),
            ],
            None,
            {"value": 51, "as_of": "2017-05-18"},
            id="same-date-conflict-not-the-larger",
        ),
        pytest.param([], 4, {"value": 4, "as_of": None}, id="asserted-only-is-undated"),
        pytest.param([], None, {"value": None, "as_of": None}, id="no-figure"),
    ],
)
def test_newest_reported_count_by_as_of(claims, asserted, expected) -> None:
    assert _newest(claims, asserted) == expected


@pytest.mark.slow  # a whole build
def test_build_summary_and_stats_count_entities_the_same_way(tmp_path):
    """Regression: the build said `source 2` and `partnership-area 11` where stats said 293 and 8.

    Both now print the same "records by kind" (curated records per data file kind), and stats
    names its other figures for what they count (source documents cited, mg:PartnershipArea).
    """
    from mgraph.core.loader import load
    from mgraph.publish.build import build
    from mgraph.publish.stats import compute_stats

    result = build(out_dir=tmp_path / "dist")
    figures = compute_stats(load().graph)
    assert result.entities() == figures["records_by_kind"]
    for kind, count in result.entities().items():
        if count:
            assert f"{kind:<17} {count:>6}" in result.summary()
