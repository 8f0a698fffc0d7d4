"""Regressions of issue 11 (validation people can trust), one test per cause, data inline."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import ROOT
from rdflib import Graph

from mgraph.core.errors import InputError
from mgraph.validation.validate import ShapesError, UnsupportedShapes, engine_names, validate

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DATA = Graph().parse(
    data=PREFIXES
    + """
ex:bad a ex:A ; ex:p 1, 2 .
ex:good a ex:A ; ex:p 3 .
""",
    format="turtle",
)


def shapes(select: str, extra: str = "") -> Graph:
    return Graph().parse(
        data=PREFIXES
        + f'''
ex:S a sh:NodeShape ; sh:targetClass ex:A ;
    sh:sparql [ sh:message "bad" ; sh:prefixes ex: ; sh:select """{select}""" ] .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
'''
        + extra,
        format="turtle",
    )


PYSHACL_UNION = pytest.mark.xfail(
    strict=True, reason="pyshacl 0.40.1 binds $this after the UNION (initBindings), not in its branches"
)


@pytest.mark.parametrize("engine", ["native", "auto", "pyshacl"])
@pytest.mark.parametrize(
    "select",
    [
        pytest.param("SELECT $this WHERE { FILTER ($this = ex:bad) }", id="filter-only"),
        pytest.param("SELECT $this WHERE { BIND ($this AS ?that) FILTER (?that = ex:bad) }", id="bind"),
        pytest.param(
            "SELECT $this WHERE { { FILTER ($this = ex:bad) } UNION { FILTER (false) } }", id="union"
        ),
        pytest.param(
            "SELECT $this WHERE { { { FILTER ($this = ex:bad) } FILTER bound($this) } }", id="inner-group"
        ),
    ],
)
def test_sparql_constraints_with_this_outside_triple_patterns_are_not_lost(
    select: str, engine: str, request: pytest.FixtureRequest
) -> None:
    """$this was left unbound and rows filtered afterwards: with $this in FILTER, BIND or a
    UNION branch no row came back, and the data was said to conform."""
    if engine == "pyshacl" and "UNION" in select:
        request.applymarker(PYSHACL_UNION)
    report = validate(DATA, engine=engine, shapes=shapes(select))
    assert [r.focus for r in report.results] == ["<https://example.org/bad>"]
    assert not report.conforms


CUSTOM_COMPONENT = """
ex:MaxPComponent a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:maxP ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER ($value <= $maxP) }" ] .
ex:T a sh:NodeShape ; sh:targetClass ex:A ;
    sh:property [ sh:path ex:p ; ex:maxP 1 ] .
"""


def test_custom_constraint_components_are_refused_by_native_and_checked_by_auto() -> None:
    """Only sh: predicates were checked for support, so ex:maxP was silently ignored."""
    custom = Graph().parse(data=PREFIXES + CUSTOM_COMPONENT, format="turtle")
    with pytest.raises(UnsupportedShapes, match="custom constraint component"):
        validate(DATA, engine="native", shapes=custom)
    report = validate(DATA, engine="auto", shapes=custom)
    assert report.engine == "pyshacl"
    assert sorted(r.focus for r in report.results) == [
        "<https://example.org/bad>",
        "<https://example.org/good>",
    ]


def test_prefixes_declared_through_owl_imports_are_used() -> None:
    """The native engine read sh:declare of the sh:prefixes node only; pyoxigraph then raised
    a raw SyntaxError through auto."""
    graph = Graph().parse(
        data=PREFIXES
        + """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:S a sh:NodeShape ; sh:targetClass ex:A ;
    sh:sparql [ sh:prefixes ex:P ; sh:select "SELECT $this WHERE { $this t:p 2 }" ] .
ex:P owl:imports ex:Q .
ex:Q sh:declare [ sh:prefix "t" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
""",
        format="turtle",
    )
    for engine in ("native", "auto"):
        assert [r.focus for r in validate(DATA, engine=engine, shapes=graph).results] == [
            "<https://example.org/bad>"
        ]


def test_a_query_no_engine_can_parse_is_an_input_error_not_a_syntax_error() -> None:
    broken = shapes("SELECT $this WHERE { $this nope:p ?x }")
    with pytest.raises(UnsupportedShapes):
        validate(DATA, engine="native", shapes=broken)
    with pytest.raises(InputError, match="the shapes"):
        validate(DATA, engine="auto", shapes=broken)


def test_what_pyshacl_does_not_implement_is_an_input_error() -> None:
    """pyshacl's NotImplementedError ($shapesGraph) reached the caller as a traceback."""
    graph = shapes("SELECT $this WHERE { GRAPH $shapesGraph { ?s ?p ?o } }")
    for engine in ("auto", "pyshacl"):
        with pytest.raises(InputError, match="shapesGraph"):
            validate(DATA, engine=engine, shapes=graph)


@pytest.mark.parametrize("engine", ["native", "auto", "pyshacl"])
@pytest.mark.parametrize(
    "select",
    [
        pytest.param("SELECT $this WHERE { BIND (true AS $this) }", id="as-this"),
        pytest.param("SELECT $this WHERE { $this ex:p ?x MINUS { $this ex:q ?x } }", id="minus"),
    ],
)
def test_ill_formed_sparql_constraints_are_shapes_errors_naming_the_shape(select: str, engine: str) -> None:
    with pytest.raises(InputError) as raised:
        validate(DATA, engine=engine, shapes=shapes(select))
    if engine != "pyshacl":
        assert raised.type is ShapesError and "<https://example.org/S>" in str(raised.value)


@pytest.mark.parametrize(
    "engine",
    [
        "native",
        "auto",
        pytest.param(
            "pyshacl",
            marks=pytest.mark.xfail(
                strict=True, reason="pyshacl 0.40.1 itself makes one result of equal solutions"
            ),
        ),
    ],
)
def test_distinct_results_with_equal_fields_stay_distinct(engine: str) -> None:
    """Results went through set(): two solutions of a SPARQL constraint with the same focus
    (one per value of ex:p) became one result."""
    report = validate(
        DATA, engine=engine, shapes=shapes("SELECT $this WHERE { $this ex:p ?x FILTER (?x < 3) }")
    )
    assert [r.focus for r in report.results] == ["<https://example.org/bad>"] * 2


def test_only_warnings_do_not_conform() -> None:
    warning = Graph().parse(
        data=PREFIXES
        + """
ex:W a sh:NodeShape ; sh:targetClass ex:A ; sh:severity sh:Warning ;
    sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity sh:Warning ] .
""",
        format="turtle",
    )
    report = validate(DATA, shapes=warning)
    assert report.count("Warning") == 2 and report.count("Violation") == 0
    assert report.conforms is False and report.failed() is False


def test_custom_severities_keep_their_iri() -> None:
    custom = Graph().parse(
        data=PREFIXES
        + """
ex:W a sh:NodeShape ; sh:targetClass ex:A ;
    sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity ex:Notice ] .
""",
        format="turtle",
    )
    for engine in ("native", "pyshacl"):
        assert {r.severity for r in validate(DATA, engine=engine, shapes=custom).results} == {
            "https://example.org/Notice"
        }


def test_one_result_order_for_the_api_and_the_renderers() -> None:
    import mgraph.validation.report
    import mgraph.validation.validate
    from mgraph.validation import results

    assert mgraph.validation.validate.sort_results is results.sort_results
    assert mgraph.validation.report.sort_key is results.sort_key


def test_the_pyrudof_adapter_is_gone() -> None:
    """It raised on literal focus nodes and complex paths and made up IRIs: removed."""
    assert engine_names() == ["auto", "native", "pyshacl"]


def test_line_lookup_is_one_pass_and_finds_prefixed_names(tmp_path: Path, monkeypatch) -> None:
    from mgraph.validation.engines.common import LineFinder
    from mgraph.validation.results import ValidationResult

    path = tmp_path / "data.ttl"
    lines = ["@prefix ex: <https://example.org/> ."]
    lines += [f"ex:n{i} ex:p <https://example.org/m{i}> ." for i in range(2000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wanted = [
        ValidationResult("Violation", f"<https://example.org/{kind}{i}>", None, None, "")
        for i in range(0, 2000, 7)
        for kind in ("n", "m")
    ]
    reads = []
    original = Path.read_text
    monkeypatch.setattr(
        Path, "read_text", lambda self, *a, **k: reads.append(self) or original(self, *a, **k)
    )
    located = LineFinder([(str(path), path)]).locate_all(wanted)
    assert reads == [path]
    assert [r.line for r in located] == [i + 2 for i in range(0, 2000, 7) for _kind in "nm"]
    missing = ValidationResult("Violation", "<https://example.org/>", None, None, "")
    assert LineFinder([(str(path), path)]).locate_all([missing])[0].line is None  # only a prefix


def test_an_unknown_engine_is_an_input_error_everywhere(capsys) -> None:
    """`mgraph build --engine pyrudof` (the adapter is gone) must exit 2, not raise a traceback."""
    from mgraph.cli import main

    with pytest.raises(InputError, match="unknown engine"):
        validate(DATA, engine="pyrudof")
    assert main(["validate", "--engine", "pyrudof"]) == 2
    assert "unknown engine 'pyrudof'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("select", "joinable"),
    [
        pytest.param(
            "SELECT $this ?v WHERE { $this ex:p ?v FILTER (?v > 1) }", True, id="pattern-and-filter"
        ),
        pytest.param(
            "SELECT $this WHERE { $this ex:p ?v FILTER EXISTS { $this ex:q ?v } }", True, id="exists"
        ),
        pytest.param("SELECT $this WHERE { FILTER ($this = ex:bad) }", False, id="filter-only"),
        pytest.param(
            "SELECT $this WHERE { $this ex:p ?v { FILTER ($this = ex:bad) } }", False, id="inner-filter"
        ),
        pytest.param("SELECT $this WHERE { { $this ex:p ?v } UNION { ?x ex:p ?v } }", False, id="union"),
        pytest.param("SELECT $this WHERE { $this ex:p* ?v }", False, id="path"),
        pytest.param("SELECT $this WHERE { $this ex:p ?v } LIMIT 1", False, id="limit"),
    ],
)
def test_a_constraint_runs_once_only_when_that_equals_pre_binding(
    select: str, joinable: bool, monkeypatch
) -> None:
    from mgraph.validation.engines.native import shape_plans

    graph = shapes(select)
    [plan] = shape_plans(graph)
    assert plan.sparql[0].joinable is joinable
    results = validate(DATA, engine="native", shapes=graph).results
    monkeypatch.setattr(plan.sparql[0], "joinable", False)
    assert validate(DATA, engine="native", shapes=graph).results == results


@pytest.mark.parametrize("engine", ["native", "auto", "pyshacl"])
def test_a_constraint_that_does_not_project_this_is_a_shapes_error(engine: str) -> None:
    """SHACL 5.3.2: the SELECT query projects $this. pyshacl raised a bare RuntimeError."""
    with pytest.raises(InputError, match="this"):
        validate(DATA, engine=engine, shapes=shapes("SELECT ?v WHERE { $this ex:p ?v }"))


def test_our_constraints_give_the_same_results_run_once_or_per_focus_node(monkeypatch) -> None:
    import importlib.util
    import sys

    from mgraph.validation.engines import native
    from mgraph.validation.validate import load_shapes

    spec = importlib.util.spec_from_file_location("bench_validate", ROOT / "benchmarks" / "validate.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_validate", bench)
    spec.loader.exec_module(bench)
    graph = bench.synthetic_graph(3000, seed=3, error_rate=0.3)
    plans = native.shape_plans(load_shapes())
    assert sum(s.joinable for p in plans for s in p.sparql) >= 5  # all but the UNION one
    once = validate(graph, engine="native").results
    for plan in plans:
        for sparql in plan.sparql:
            monkeypatch.setattr(sparql, "joinable", False)
    assert any(r.constraint and "SPARQL" in r.constraint for r in once)
    assert validate(graph, engine="native").results == once


@pytest.mark.slow  # pyshacl on a generated file
def test_a_users_file_read_straight_into_pyoxigraph_gives_pyshacls_results(tmp_path: Path) -> None:
    """validate_files reads a user's file into a pyoxigraph Store for the native engine (no
    rdflib graph, no second copy); its results are those of pyshacl on the rdflib graph."""
    import importlib.util
    import sys

    from mgraph.validation.validate import validate_files

    spec = importlib.util.spec_from_file_location("bench_validate", ROOT / "benchmarks" / "validate.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_validate", bench)
    spec.loader.exec_module(bench)
    path = tmp_path / "mine.nt"
    bench.synthetic_graph(1500, seed=5, error_rate=0.3).serialize(path, format="nt", encoding="utf-8")
    blank = tmp_path / "blank.ttl"
    blank.write_text(
        "@prefix mg: <https://w3id.org/mgraph/ontology#> .\n"
        '[] a mg:Decision ; <http://purl.org/dc/terms/identifier> "MC 1" .\n',
        encoding="utf-8",
    )
    native = validate_files([path, blank], engine="native")
    assert native.engine == "native" and native.count("Violation") > 10
    assert any(r.focus.startswith("_:") for r in native.results)
    assert validate_files([path, blank], engine="pyshacl").results == native.results
    assert validate_files([path, blank]).results == native.results
