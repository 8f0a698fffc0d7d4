"""Issue 12: the status-as-of query's Article 31 rule, and the new queries' empty and bad cases.

Article 31 of the Minamata Convention: the Convention entered into force on the ninetieth day
after the fiftieth instrument was deposited (16 August 2017), and enters into force for a State
depositing later on the ninetieth day after its deposit. ``status-as-of`` derives that date where
no source gives it, and says so; these tests hold it to the threshold, to a later deposit, and to
a sourced date winning over the rule. The graph is the query fixture (``tests/queries/``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from paths import FIXTURE

from mgraph.core.errors import InputError
from mgraph.core.store import from_file
from mgraph.queries.query import run

ID = "https://w3id.org/mgraph/id/"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def store(request):
    return from_file(FIXTURE, request.param)


def status(store, day: str) -> dict[str, dict]:
    rows = run("status-as-of", {"date": day, "convention": "minamata"}, store=store)
    return {row["party"].removeprefix(f"{ID}country/"): row for row in rows}


@pytest.mark.parametrize(
    ("party", "deposited", "in_force_on"),
    [
        pytest.param("eu", "2017-05-18", "2017-08-16", id="deposit-on-the-50th-instrument-day"),
        pytest.param("swe", "2017-05-18", "2017-08-16", id="same-day-deposit-also-on-16-august-2017"),
        pytest.param("usa", "2013-11-06", "2017-08-16", id="early-deposit-waits-for-the-convention"),
        pytest.param("idn", "2017-09-22", "2017-12-21", id="later-deposit-90th-day"),
        pytest.param("ken", "2023-09-22", "2023-12-21", id="later-deposit-across-a-year-end"),
    ],
)
def test_article_31_derived_date(store, party, deposited, in_force_on) -> None:
    row = status(store, "2023-12-31")[party]
    assert (row["deposited"], row["entry_into_force"]) == (deposited, in_force_on)
    assert row["entry_into_force_basis"] == "derived (Article 31)"


def test_sourced_date_wins_over_the_rule(store) -> None:
    """Brazil deposited on 2017-08-08 (rule: 2017-11-06); the source's date is used, as sourced."""
    row = status(store, "2018-01-01")["bra"]
    assert (row["entry_into_force"], row["entry_into_force_basis"]) == ("2017-11-06", "sourced")


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        pytest.param("2017-08-15", False, id="day-before-entry-into-force"),
        pytest.param("2017-08-16", True, id="entry-into-force-day"),
    ],
)
def test_threshold_day(store, day, in_force) -> None:
    row = status(store, day)["eu"]
    assert row["has_deposited"] is True and row["in_force"] is in_force


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        pytest.param("2023-12-20", False, id="89th-day"),
        pytest.param("2023-12-21", True, id="90th-day"),
    ],
)
def test_later_deposit_day(store, day, in_force) -> None:
    assert status(store, day)["ken"]["in_force"] is in_force


def test_before_any_act_there_is_no_row(store) -> None:
    assert run("status-as-of", {"date": "2013-10-09"}, store=store) == []


def test_a_signatory_without_deposit_is_only_a_signatory(store) -> None:
    row = status(store, "2024-01-01")["ago"]
    assert (row["is_signatory"], row["has_deposited"], row["in_force"]) == (True, False, False)
    assert row["entry_into_force"] is None and row["entry_into_force_basis"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({}, "is required", id="date-is-required"),
        pytest.param({"date": "2018"}, "not a date", id="year-is-not-a-date"),
        pytest.param({"date": "2018-01-01", "convention": "cop-5"}, "no convention with id", id="wrong-kind"),
    ],
)
def test_bad_parameters(store, params, message) -> None:
    with pytest.raises(InputError, match=message):
        run("status-as-of", params, store=store)


def test_event_projects_empty_for_an_event_that_presents_nothing(store) -> None:
    assert run("event-projects", {"event": "minamata-online"}, store=store) == []


def test_event_projects_gives_the_link_source_only_where_the_data_has_one(store) -> None:
    rows = run("event-projects", {"event": "asgm-dos-grants-session"}, store=store)
    by_project = {r["project"].removeprefix(f"{ID}project/"): r for r in rows}
    assert by_project["dos-asgm-formalization"]["source"].startswith("https://unep.org/")
    assert by_project["gef-gold"]["source"] is None
    assert by_project["gef-gold"]["funder"] == f"{ID}organisation/gef"


def test_reported_counts_lagging_and_undated(store) -> None:
    rows = run("reported-party-counts", {"convention": "minamata"}, store=store)
    lagging = next(r for r in rows if r["as_of"] == dt.date(2016, 5, 24))
    assert (lagging["reported"], lagging["counted"], lagging["difference"]) == (25, 3, 22)
    undated = rows[-1]
    assert undated["as_of"] is None and undated["counted"] is None and undated["difference"] is None


def test_reported_counts_empty_for_a_convention_without_reports(store) -> None:
    assert run("reported-party-counts", {"convention": "basel"}, store=store) == []
