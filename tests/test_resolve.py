"""The entity resolver and search: ids, codes, names and acronyms as people write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paths import TINY

from mgraph.core.errors import InputError
from mgraph.networks import search as resolver
from mgraph.networks.search import PartialName, resolve, search

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


# --- part of a name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds", "iri", "full"),
    [
        pytest.param("Kapindula", None, "person/david-kapindula", "David Kapindula", id="surname"),
        pytest.param("Burkina", None, "country/bfa", "Burkina Faso", id="first-word-of-a-country"),
        pytest.param("fifth conference", "meeting", "meeting/cop-5", "Fifth meeting", id="words-of-a-kind"),
    ],
)
def test_a_unique_part_of_a_name_resolves_with_the_full_name(
    text: str, kinds: str | None, iri: str, full: str
) -> None:
    with pytest.warns(PartialName, match=full):
        assert resolve(text, kinds=kinds) == ID + iri


def test_a_part_shared_by_equals_is_ambiguous() -> None:
    with pytest.raises(InputError, match="ambiguous") as caught:
        resolve("Convention", kinds="convention")
    assert "convention:basel" in str(caught.value) and "convention:stockholm" in str(caught.value)


def test_suggestions_share_a_word_before_a_spelling() -> None:
    with pytest.raises(InputError, match=r"did you mean: Burkina Faso \(country:bfa\)"):
        resolve("Burkina Republic", kinds="country")


# --- the cached name index ---------------------------------------------------------------------


def test_the_name_index_is_cached_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's names are written once to the cache folder, then read from there: a name
    planted in the cached file resolves, which it could not if the graph were read again."""
    monkeypatch.setenv("MGRAPH_CACHE", str(tmp_path))
    resolver._PROJECT.clear()
    names = resolver.project_names()
    (cached,) = tmp_path.glob("names-*.json")
    data = json.loads(cached.read_text(encoding="utf-8"))
    assert data["entities"][ID + "country/bfa"] == ["country", "Burkina Faso", "country/bfa"]
    assert len(data["entities"]) == len(names.entities)
    data["entities"][ID + "country/zzz"] = ["country", "Planted Land", "country/zzz"]
    data["names"].append(["Planted Land", ID + "country/zzz", "label", "plantedland"])
    cached.write_text(json.dumps(data), encoding="utf-8")
    resolver._PROJECT.clear()
    try:
        assert resolve("planted land") == ID + "country/zzz"
    finally:
        resolver._PROJECT.clear()


def test_a_broken_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MGRAPH_CACHE", str(tmp_path))
    resolver._PROJECT.clear()
    resolver.project_names()
    (cached,) = tmp_path.glob("names-*.json")
    cached.write_text("{not json", encoding="utf-8")
    resolver._PROJECT.clear()
    try:
        assert resolve("Burkina Faso") == ID + "country/bfa"
        assert json.loads(cached.read_text(encoding="utf-8"))["format"] == resolver.INDEX_FORMAT
    finally:
        resolver._PROJECT.clear()
