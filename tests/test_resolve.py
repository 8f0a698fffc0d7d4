"""The entity resolver and search: ids, codes, names and acronyms as people write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgraph.errors import InputError
from mgraph.resolver import resolve, search

TINY = Path(__file__).parent / "fixtures" / "network" / "tiny.ttl"
ID = "https://w3id.org/mgraph/id/"


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        pytest.param("cop-5", "meeting/cop-5", id="id"),
        pytest.param("COP-5", "meeting/cop-5", id="id-in-capitals"),
        pytest.param("meeting/cop-5", "meeting/cop-5", id="kind-slash-id"),
        pytest.param("mgid:meeting/cop-5", "meeting/cop-5", id="compact-iri"),
        pytest.param(ID + "meeting/cop-5", "meeting/cop-5", id="iri"),
        pytest.param("MC-5/3", "decision/mc-5-3", id="decision-code"),
        pytest.param("mc 5/3", "decision/mc-5-3", id="code-case-and-punctuation"),
        pytest.param("WHO", "organisation/who", id="acronym"),
        pytest.param("Burkina Faso", "country/bfa", id="label"),
        pytest.param("burkina faso", "country/bfa", id="label-any-case"),
        pytest.param("CHE", "country/che", id="iso-code"),
    ],
)
def test_curated_entities_resolve(text: str, iri: str) -> None:
    assert resolve(text) == ID + iri


def test_unknown_name_lists_the_closest() -> None:
    with pytest.raises(InputError, match=r"did you mean: Burkina Faso \(country:bfa\)"):
        resolve("Burkina Fasso")


def test_ambiguous_name_lists_every_candidate() -> None:
    with pytest.raises(InputError, match="ambiguous") as caught:
        resolve("GEF", TINY)
    assert "organisation:gef)" in str(caught.value) and "organisation:gef-secretariat" in str(caught.value)


def test_kinds_narrow_the_candidates() -> None:
    with pytest.raises(InputError, match="ambiguous among organisation"):
        resolve("GEF", TINY, kinds="organisation")  # both are organisations
    with pytest.raises(InputError, match="among country"):
        resolve("WHO", TINY, kinds=["country"])


def test_exact_spelling_beats_a_looser_match() -> None:
    # "GEF" is an alternative name of two entities, but "gef" is exactly one id
    assert resolve("gef", TINY) == ID + "organisation/gef"


def test_claims_are_never_resolved() -> None:
    with pytest.raises(InputError):
        resolve("event 'waste': organisers = unep", TINY)


@pytest.mark.parametrize("text", [pytest.param("", id="empty"), pytest.param("   ", id="blank")])
def test_empty_names_are_errors(text: str) -> None:
    with pytest.raises(InputError):
        resolve(text, TINY)


def test_search_ranks_exact_then_prefix_then_contained() -> None:
    found = search("who", graph=TINY)
    assert [m["id"] for m in found][:1] == ["organisation/who"]
    assert found[0]["matched_on"] == "id" and found[0]["label"] == "World Health Organization"
    assert set(found[0]) == {"iri", "id", "kind", "label", "matched_on", "name"}
    assert [m["id"] for m in search("global env", graph=TINY)] == [
        "organisation/gef",
        "organisation/gef-secretariat",
    ]


def test_search_on_the_curated_graph_finds_codes() -> None:
    found = search("MC-5/3", limit=3)
    assert found[0]["id"] == "decision/mc-5-3" and found[0]["matched_on"] in ("id", "code")


def test_search_offers_close_spellings_when_nothing_contains_the_text() -> None:
    found = search("Switzerlnd", graph=TINY)
    assert found[0]["id"] == "country/che" and found[0]["matched_on"] == "similar"


def test_search_limit_must_be_positive() -> None:
    with pytest.raises(InputError):
        search("who", limit=0, graph=TINY)
