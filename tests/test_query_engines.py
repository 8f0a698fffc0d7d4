"""Every library query gives the same rows on pyoxigraph and rdflib, and runs on the full graph.

The cases are those of ``tests/queries/expected`` (see test_queries.py), plus each query with all
its optional parameters left out; rows are compared in order, so a query whose ORDER BY leaves
ties fails here.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from paths import EXPECTED, FIXTURE, QUERY_TESTS

from mgraph.core.errors import InputError
from mgraph.core.graphs import open_store
from mgraph.core.loader import load
from mgraph.core.locations import DATA
from mgraph.core.store import (
    OxigraphStore,
    RdflibStore,
    bind_values,
    from_file,
    from_graph,
    where_brace,
)
from mgraph.core.terms import literal_value
from mgraph.queries.library import library
from mgraph.queries.query import run

GRAPHS = {"fixture": FIXTURE, "bad": QUERY_TESTS / "bad.ttl"}
LIBRARY = library()
_STORES: dict = {}


def store(graph: str, engine: str):
    if (graph, engine) not in _STORES:
        _STORES[graph, engine] = from_file(GRAPHS[graph], engine)
    return _STORES[graph, engine]


def example_params(name: str) -> dict[str, str]:
    words = shlex.split(LIBRARY[name].examples[0])
    return dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")


def engine_cases() -> list:
    out = []
    for name, query in LIBRARY.items():
        path = EXPECTED / f"{name}.yaml"
        seen = []
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []:
            key = (case.get("graph", "fixture"), case.get("params") or {})
            seen.append(key)
        if not any(p.required for p in query.params) and ("fixture", {}) not in seen:
            seen.append(("fixture", {}))
        if name.endswith("-violation") and ("bad", {}) not in seen:
            seen.append(("bad", {}))
        out += [pytest.param(name, g, p, id=f"{name}-{g}-{i}") for i, (g, p) in enumerate(seen)]
    return out


@pytest.mark.parametrize(("name", "graph", "params"), engine_cases())
def test_oxigraph_and_rdflib_agree(name, graph, params):
    on_oxigraph = run(name, params, store=store(graph, "oxigraph"))
    on_rdflib = run(name, params, store=store(graph, "rdflib"))
    assert on_oxigraph.columns == on_rdflib.columns
    assert on_oxigraph == on_rdflib


@pytest.fixture(scope="module")
def full_graph():
    if not any(DATA.glob("*.yaml")):
        pytest.skip("data/ holds no curated files yet")
    return from_graph(load().graph, "oxigraph")


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_runs_on_the_full_graph(full_graph, name):
    """Each query runs on the curated graph with its documented example (ids must exist)."""
    rows = run(name, example_params(name), store=full_graph)
    assert isinstance(rows, list)


# --- the engine layer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lexical", "datatype", "expected"),
    [
        pytest.param("007", "integer", 7, id="integer"),
        pytest.param("45262295.00", "decimal", "45262295", id="decimal-integral"),
        pytest.param("1.50", "decimal", "1.5", id="decimal"),
        pytest.param("true", "boolean", True, id="boolean"),
        pytest.param("2017-08-16", "date", "2017-08-16", id="date"),
        pytest.param("2017-08", "gYearMonth", "2017-08", id="month-stays-text"),
        pytest.param("PT90M", "duration", "PT90M", id="duration-stays-text"),
        pytest.param("not a number", "integer", "not a number", id="ill-typed-stays-text"),
    ],
)
def test_literal_values_are_engine_independent(lexical, datatype, expected):
    value = literal_value(lexical, f"http://www.w3.org/2001/XMLSchema#{datatype}")
    shown = value.isoformat() if hasattr(value, "isoformat") else value
    assert (str(shown) if datatype == "decimal" else shown) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o }", "{ ?s", id="plain"),
        pytest.param(
            'PREFIX a: <http://x/a?b=c> SELECT ("{" AS ?x) WHERE { ?s ?p ?o }',
            "{ ?s",
            id="braces-in-iri-and-string",
        ),
        pytest.param("# where {\nSELECT ?where WHERE { ?s ?p ?o }", "{ ?s", id="comment-and-var"),
        pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?q ?o }", "{ ?s ?q", id="construct"),
    ],
)
def test_where_brace(text, expected):
    assert text[where_brace(text) :].startswith(expected)


def test_values_block_is_placed_in_the_where_group():
    from rdflib import Literal, URIRef

    text = bind_values(
        "SELECT ?s WHERE { ?s ?p ?o }", {"p": URIRef("https://x.org/p"), "o": Literal('a "b" }')}
    )
    assert text == ('SELECT ?s WHERE { VALUES (?o ?p) { ("a \\"b\\" }" <https://x.org/p>) }\n ?s ?p ?o }')


def test_open_store_caches_and_engines():
    first = open_store("oxigraph", graph=GRAPHS["fixture"])
    assert open_store("oxigraph", graph=GRAPHS["fixture"]) is first
    assert isinstance(first, OxigraphStore)
    assert isinstance(open_store("rdflib", graph=GRAPHS["fixture"]), RdflibStore)
    with pytest.raises(InputError, match="unknown engine"):
        open_store("jena", graph=GRAPHS["fixture"])


def test_local_timeout_is_an_input_error():
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?n"
    with pytest.raises(InputError, match="timed out"):
        store("fixture", "rdflib").select(slow, timeout=0.2)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_default_graph_is_the_built_release(tmp_path, monkeypatch, engine):
    """Without --graph, queries run on dist/mercury.nt when it was built."""
    from rdflib import Graph

    from mgraph.core import locations as paths

    Graph().parse(GRAPHS["fixture"]).serialize(tmp_path / "mercury.nt", format="nt", encoding="utf-8")
    monkeypatch.setattr(paths, "DIST", tmp_path)
    rows = run("source-usage", engine=engine)
    assert rows == run("source-usage", store=store("fixture", "oxigraph"))


def test_which_graph_is_decided_in_one_place(tmp_path, monkeypatch):
    """The release when built, else the data folder; files and endpoints as given; push's
    ``built=True`` refuses the data folder."""
    from mgraph.core import graphs
    from mgraph.core import locations as paths

    monkeypatch.setattr(paths, "DIST", tmp_path)
    assert graphs.which_graph() == graphs.GraphSource("data")
    with pytest.raises(InputError, match="no built graph"):
        graphs.which_graph(built=True)
    (tmp_path / "mercury.nt").write_text("<x:a> <x:b> <x:c> .\n", encoding="utf-8")
    assert graphs.which_graph() == graphs.GraphSource("release", (tmp_path / "mercury.nt",))
    assert graphs.which_graph(built=True).kind == "release"
    assert graphs.which_graph(["a.ttl", "b.nt"]).files == (Path("a.ttl"), Path("b.nt"))
    assert graphs.which_graph(endpoint="http://localhost:1/sparql").kind == "endpoint"
    with pytest.raises(InputError, match="not both"):
        graphs.which_graph("a.ttl", endpoint="http://localhost:1/sparql")
    store = graphs.read_store(graphs.which_graph())
    assert len(store) == 1 and store.iris() == {"x:a", "x:b", "x:c"}
