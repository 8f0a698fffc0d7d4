"""``mgraph stats``: hand-counted figures of tiny fixture graphs, and both renderings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph

from mgraph.statistics import compute_stats, note_date, render_stats

FIXTURES = Path(__file__).parent / "fixtures" / "stats"
CASES = sorted(FIXTURES.glob("*.ttl"))


def _graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def small() -> dict:
    return compute_stats(_graph(FIXTURES / "small.ttl"))


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in CASES])
def test_figures_match_the_hand_counts(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert compute_stats(_graph(path)) == expected


@pytest.mark.parametrize(("section", "key", "value"), [
    pytest.param("parties", "total", 4, id="a-party-of-another-convention-is-not-counted"),
    pytest.param("parties", "with_exact_deposit_date", 2, id="eu-counts-as-a-party"),
    pytest.param("parties", "with_approximate_deposit_date_only", 1, id="approximate-claim"),
    pytest.param("parties", "without_deposit_date", 1, id="month-only-date-is-not-exact"),
    pytest.param("parties", "reported_total", 6, id="latest-dated-count-beats-preferred"),
    pytest.param("parties", "reported_as_of", "2025-11", id="count-date-from-note"),
    pytest.param("decisions", "with_code", 1, id="only-mc-codes"),
    pytest.param("decisions", "linked_to_meeting", 2, id="adopted-at-a-non-meeting"),
    pytest.param("records", "total", 29, id="claims-and-scheme-are-not-records"),
    pytest.param("records", "without_source", 1, id="unsourced-record"),
    pytest.param("partnership_areas", "with_lead", 1, id="member-is-not-a-lead"),
])
def test_the_rules_behind_the_figures(small: dict, section: str, key: str, value: object) -> None:
    assert small[section][key] == value


def test_key_order_is_deterministic(small: dict) -> None:
    again = compute_stats(_graph(FIXTURES / "small.ttl"))
    assert render_stats(again, "json") == render_stats(small, "json")
    counts = list(small["classes"].items())
    assert counts == sorted(counts, key=lambda kv: (-kv[1], kv[0]))
    assert all(name.split(":")[0] in {"mg", "schema", "org", "skos"} for name in small["classes"])


def test_json_rendering_round_trips(small: dict) -> None:
    assert json.loads(render_stats(small, "json")) == small


@pytest.mark.parametrize(("label", "value"), [
    pytest.param("Parties (deposited an instrument)", "4 of 6", id="parties-n-of-N"),
    pytest.param("with an exact deposit date", "2 of 6", id="exact-n-of-N"),
    pytest.param("signatories", "2", id="no-reported-signatories"),
    pytest.param("decisions with a code (MC-x/y)", "1 of 3", id="decisions"),
    pytest.param("mg:State", "4", id="class-count"),
])
def test_table_rendering(small: dict, label: str, value: str) -> None:
    table = render_stats(small, "table")
    assert re.search(rf"^  {re.escape(label)} +{re.escape(value)}$", table, re.M), table
    assert "Parties: Minamata Convention on Mercury (reported total as of 2025-11)" in table


def test_unknown_format_is_refused(small: dict) -> None:
    with pytest.raises(ValueError, match="unknown stats format"):
        render_stats(small, "xml")


@pytest.mark.parametrize(("note", "date"), [
    pytest.param("Secretariat newsletter of 23 December 2024", "2024-12-23", id="day-month-year"),
    pytest.param("count reported at the time of COP-6, November 2025", "2025-11", id="month-year"),
    pytest.param("UNTC XML citing C.N.138.2024 of 25 April 2024", "2024-04-25", id="text-date"),
    pytest.param("as of 2019-09-23 (UNEP/MC/COP.3/INF/21)", "2019-09-23", id="iso"),
    pytest.param("C.N.138.2024 of 25 Apr. 2024", "2024-04-25", id="abbreviated-month"),
    pytest.param("Wikipedia snapshot, 2015", "2015", id="year-only"),
    pytest.param("no date here", None, id="none"),
])
def test_note_dates(note: str, date: str | None) -> None:
    assert note_date(note) == date
