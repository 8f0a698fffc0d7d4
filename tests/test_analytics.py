"""Network measures on a hand-made graph whose values are worked out here, relation chains, and
the ``analyze`` and ``path`` commands on the curated graph."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

from mgraph.cli import main
from mgraph.core.errors import InputError
from mgraph.networks import analyze as analytics
from mgraph.networks.analyze import chains, measure, render


@pytest.fixture(scope="module")
def two_triangles():
    """Triangles a-b-c (two relations between a and b) and d-e-f, a bridge c-d, and a lone g.

    By hand: degrees (neighbours) a b e f 2, c d 3, g 0; weighted degrees a b c d 3, e f 2;
    normalised betweenness c = d = 6 pairs / 15 = 0.4 (every path between the triangles passes
    both), others 0; components {a..f} and {g}; total weight 8, so the communities {a,b,c},
    {d,e,f}, {g} have modularity (4/8 - (9/16)^2) + (3/8 - (7/16)^2) = 0.3671875; PageRank of
    the lone g (it passes its rank to all 7 nodes alike): g = 0.15/7 + 0.85 g/7, g = 0.15/6.15.
    """
    view = nx.MultiDiGraph(view="hand", options={})
    for node in "abcdefg":
        view.add_node(node, label=node.upper(), **{"class": "mg:Organisation"})
    for u, v in ("ab", "bc", "ac", "de", "ef", "df", "cd"):
        view.add_edge(u, v, key="schema:organizer", label="organizer", weight=1)
    view.add_edge("b", "a", key="schema:sponsor", label="sponsor", weight=1)
    return view


def _values(result: dict, name: str) -> dict:
    return {e["iri"]: e["value"] for e in result["top"][name]}


def test_hand_computed_centralities(two_triangles) -> None:
    result = measure(two_triangles, top=0)
    assert _values(result, "degree") == {"a": 2, "b": 2, "c": 3, "d": 3, "e": 2, "f": 2, "g": 0}
    assert _values(result, "weighted_degree") == {"a": 3, "b": 3, "c": 3, "d": 3, "e": 2, "f": 2, "g": 0}
    assert _values(result, "betweenness") == pytest.approx(
        {"a": 0, "b": 0, "c": 0.4, "d": 0.4, "e": 0, "f": 0, "g": 0}
    )
    assert result["betweenness"] == {"method": "exact", "samples": None, "seed": None}
    rank = _values(result, "pagerank")
    assert sum(rank.values()) == pytest.approx(1)
    assert rank["g"] == pytest.approx(0.15 / 6.15, abs=1e-6)
    assert rank["a"] == pytest.approx(rank["b"]) and rank["e"] == pytest.approx(rank["f"])
    assert rank["d"] > rank["c"] > rank["a"] > rank["e"] > rank["g"]
    assert [e["iri"] for e in result["top"]["degree"][:2]] == ["c", "d"]  # ties by label


def test_hand_computed_components_and_communities(two_triangles) -> None:
    result = measure(two_triangles, top=0)
    assert result["components"] == {"count": 2, "sizes": [6, 1]}
    communities = result["communities"]
    assert communities["count"] == 3 and communities["modularity"] == pytest.approx(0.3671875, abs=1e-6)
    assert communities["singletons"] == 1  # the lone g
    members = [sorted(m["iri"] for m in g["top"]) for g in communities["groups"]]
    assert members == [["a", "b", "c"], ["d", "e", "f"], ["g"]]
    assert [m["iri"] for m in communities["groups"][0]["top"]] == ["c", "a", "b"]  # by PageRank


def test_top_limits_every_ranking(two_triangles) -> None:
    result = measure(two_triangles, top=2)
    assert all(len(result["top"][name]) == 2 for name in analytics.MEASURES)
    assert len(result["entities"]) == 2 and len(result["communities"]["groups"]) == 2


def test_betweenness_is_sampled_above_the_limit_and_says_so(two_triangles, monkeypatch) -> None:
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS_LIMIT", 3)
    result = measure(two_triangles, top=0)
    bound = analytics.betweenness_error_bound(7)
    assert result["betweenness"] == {
        "method": "sampled",
        "samples": 7,
        "seed": analytics.SEED,
        "error_bound": round(bound, 4),
        "confidence": 0.95,
    }
    # sampling every one of the 7 sources is the exact value again
    assert _values(result, "betweenness")["c"] == pytest.approx(0.4)
    assert f"sampled from 7 sources, seed 42 (within {round(bound, 4)} of the exact value at 95%)" in render(
        result
    )


@pytest.mark.parametrize(
    ("samples", "bound"),
    [pytest.param(256, 0.0849, id="256-sources"), pytest.param(64, 0.1698, id="64-sources")],
)
def test_sampling_error_bound_is_hoeffdings(samples, bound) -> None:
    """e = sqrt(ln(2 / 0.05) / (2 k)), worked out by hand: ln 40 = 3.6889."""
    assert analytics.betweenness_error_bound(samples) == pytest.approx(bound, abs=1e-4)


def test_sampled_betweenness_stays_within_its_bound() -> None:
    """On a graph big enough to sample, every node's estimate is within the stated bound."""
    graph = nx.connected_watts_strogatz_graph(300, 4, 0.2, seed=1)
    exact = nx.betweenness_centrality(graph, normalized=True)
    sampled = analytics.sampled_betweenness(graph, 64, analytics.SEED)
    bound = analytics.betweenness_error_bound(64)
    assert max(abs(exact[v] - sampled[v]) for v in graph) <= bound


def test_sampling_every_source_is_exact() -> None:
    graph = nx.connected_watts_strogatz_graph(120, 4, 0.3, seed=2)
    exact = nx.betweenness_centrality(graph, normalized=True)
    assert analytics.sampled_betweenness(graph, 120, analytics.SEED) == pytest.approx(exact, abs=1e-12)


def test_measures_are_deterministic(two_triangles) -> None:
    assert render(measure(two_triangles), "json") == render(measure(two_triangles), "json")


@pytest.mark.parametrize("fmt", analytics.FORMATS)
def test_every_rendering(two_triangles, fmt: str) -> None:
    text = render(measure(two_triangles, top=0), fmt)
    if fmt == "json":
        assert json.loads(text)["communities"]["count"] == 3
        assert json.loads(text)["communities"]["singletons"] == 1
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 7 and rows[0]["iri"] == "d" and "community" in rows[0]
        assert [r["community_size"] for r in rows if r["iri"] == "g"] == ["1"]
    elif fmt == "markdown":
        assert "| # | degree | entity | class |" in text and "modularity 0.3672" in text
        assert "3 (1 of them a single node)" in text
    else:
        assert "betweenness exact" in text and "modularity 0.3672" in text
        assert "3 (1 of them a single node)" in text


def test_unknown_rendering_and_negative_top_are_errors(two_triangles) -> None:
    with pytest.raises(InputError):
        render(measure(two_triangles), "xml")
    with pytest.raises(InputError):
        measure(two_triangles, top=-1)


# --- chains ---------------------------------------------------------------------------------


def test_chains_list_every_relation_with_its_direction(two_triangles) -> None:
    found = chains(two_triangles, "a", "e")
    assert [c["text"] for c in found] == ["A -organizer-> C -organizer-> D -organizer-> E"]
    assert found[0]["length"] == 3 and found[0]["nodes"] == ["a", "c", "d", "e"]
    both = chains(two_triangles, "a", "b")
    assert [c["text"] for c in both] == ["A -organizer-> B", "A <-sponsor- B"]
    assert [c["steps"][0]["direction"] for c in both] == ["forward", "backward"]


@pytest.mark.parametrize(
    ("source", "target", "max_length"),
    [
        pytest.param("a", "g", 6, id="unreachable"),
        pytest.param("a", "e", 2, id="longer-than-allowed"),
    ],
)
def test_no_chain(two_triangles, source: str, target: str, max_length: int) -> None:
    assert chains(two_triangles, source, target, max_length) == []


@pytest.mark.parametrize(
    ("source", "target", "max_length"),
    [
        pytest.param("a", "a", 6, id="same-entity"),
        pytest.param("a", "e", 0, id="zero-length"),
    ],
)
def test_bad_chain_requests(two_triangles, source: str, target: str, max_length: int) -> None:
    with pytest.raises(InputError):
        chains(two_triangles, source, target, max_length)


# --- the curated graph through the commands -------------------------------------------------


def test_path_burkina_faso_switzerland_runs_through_the_waste_event(capsys) -> None:
    assert main(["path", "Burkina Faso", "Switzerland", "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert (
        "Burkina Faso <-co-organiser- Event on environmentally sound management of mercury "
        "waste in developing countries -co-organiser-> Switzerland"
    ) in out.splitlines()


def test_paths_api_never_runs_through_sources_or_places() -> None:
    import mgraph

    found = mgraph.paths("WHO", "UNEP", view="full")
    assert found
    for chain in found:
        for node in chain["nodes"]:
            assert "/source/" not in node and "/place/" not in node and "/claim/" not in node


def test_path_to_an_entity_outside_the_view_is_an_error(capsys) -> None:
    assert main(["path", "COP-5", "WHO"]) == 2
    assert "is not in the actors view" in capsys.readouterr().err


def test_analyze_names_central_organisations(capsys) -> None:
    assert main(["analyze", "--fold", "--top", "5", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    top = [e["label"] for e in result["top"]["pagerank"]]
    assert "United Nations Environment Programme" in top
    assert result["communities"]["count"] >= 2 and result["communities"]["modularity"] > 0


def test_search_command(capsys) -> None:
    assert main(["search", "WHO", "--limit", "2", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == "organisation/who"
