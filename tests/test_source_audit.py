"""The source audit: no fact in data/ states more than its sources, and the checks can fail.

Two library checks (``queries/*-violation.rq``) make the audit: ``source-before-fact-violation``
(a fact whose only sources were published before the date it reports) and
``date-beyond-source-violation`` (a date more precise than every one of its sources gives). Each
runs on the curated data, where it must find nothing, and on a copy of the query fixture data with
one planted fault, where it must find exactly that fault.
"""

from __future__ import annotations

import pytest
from planting import planted

from mgraph.core.loader import load
from mgraph.queries.query import run

AUDIT = ("source-before-fact-violation", "date-beyond-source-violation")


@pytest.fixture(scope="module")
def curated():
    return load().graph


@pytest.mark.parametrize("query", [pytest.param(q, id=q) for q in AUDIT])
def test_curated_data_passes_the_audit(curated, query):
    assert [dict(r) for r in run(query, graph=curated)] == []


def listing(precision: str, issued: str) -> str:
    """sources.yaml: a listing of deposits that dates them only to the ``precision`` (month, year)."""
    return f"""
- id: {precision}ly-listing
  name: A listing of deposits that gives only their {precision}
  issued: {issued}
  kind: web-page
  date_precision: {precision}
  url: https://example.org/deposits-by-{precision}
"""


MONTHLY_SOURCE = listing("month", "2017-10")
YEARLY_SOURCE = listing("year", "2017-12")


def test_a_day_precise_date_citing_a_month_precise_source_is_found(tmp_path):
    data = planted(
        tmp_path,
        {
            "sources.yaml": MONTHLY_SOURCE,
            "legal_acts.yaml": """
- id: sgp-ratification
  kind: ratification
  party: bra
  convention: minamata
  date: 2017-09-22
  sources:
    - monthly-listing
- id: sgp-signature
  kind: signature
  party: bra
  convention: minamata
  date: 2017-09
  sources:
    - monthly-listing
""",
        },
    )
    rows = [dict(r) for r in run("date-beyond-source-violation", graph=load(data).graph)]
    assert [(r["record"].rsplit("/", 1)[-1], str(r["date"]), r["source_precision"]) for r in rows] == [
        ("sgp-ratification", "2017-09-22", "month")
    ]


def test_a_long_form_date_is_checked_against_its_own_sources(tmp_path):
    data = planted(
        tmp_path,
        {
            "sources.yaml": MONTHLY_SOURCE,
            "legal_acts.yaml": """
- id: sgp-ratification
  kind: ratification
  party: bra
  convention: minamata
  date:
    value: 2017-09-22
    sources:
      - monthly-listing
  sources:
    - https://example.org/a-page-dating-it-to-the-day
""",
        },
    )
    rows = [dict(r) for r in run("date-beyond-source-violation", graph=load(data).graph)]
    assert [str(r["date"]) for r in rows] == ["2017-09-22"]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        # a source that says nothing of its precision supports the date: nothing to report
        pytest.param("https://example.org/a-page-dating-it-to-the-day", [], id="other-says-nothing"),
        # every source coarser: one row per source, with its precision
        pytest.param(
            "yearly-listing", [("month", "monthly-listing"), ("year", "yearly-listing")], id="all-coarser"
        ),
    ],
)
def test_a_date_is_reported_only_when_every_source_is_coarser(tmp_path, other, expected):
    data = planted(
        tmp_path,
        {
            "sources.yaml": MONTHLY_SOURCE + YEARLY_SOURCE,
            "legal_acts.yaml": f"""
- id: sgp-ratification
  kind: ratification
  party: bra
  convention: minamata
  date: 2017-09-22
  sources:
    - monthly-listing
    - {other}
""",
        },
    )
    rows = [dict(r) for r in run("date-beyond-source-violation", graph=load(data).graph)]
    assert [(r["source_precision"], r["source"].rsplit("/", 1)[-1]) for r in rows] == expected


def test_a_decision_resting_only_on_an_earlier_item_is_found(tmp_path):
    # seed-minamata-online was issued on 2020-09-09; cop-5 opened in 2023.
    data = planted(
        tmp_path,
        {
            "decisions.yaml": """
- id: mc-5-99
  name: A COP-5 decision cited only by a news item of 2020
  adopted_at: cop-5
  sources:
    - seed-minamata-online
- id: mc-5-98
  name: A COP-5 decision cited by that item and a later page
  adopted_at: cop-5
  sources:
    - seed-minamata-online
    - https://example.org/cop-5-report
""",
        },
    )
    rows = [dict(r) for r in run("source-before-fact-violation", graph=load(data).graph)]
    assert [(r["fact"].rsplit("/", 1)[-1], str(r["issued"])) for r in rows] == [("mc-5-99", "2020-09-09")]
