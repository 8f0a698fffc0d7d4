"""Every validation engine gives the same results, and the API around them keeps its promises.

pyshacl is the reference; the native engine must agree with it on
every fixture of ``tests/shapes`` and on a made-up graph with errors of every kind.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from paths import ROOT, SHAPES
from rdflib import Graph, Literal, URIRef

from mgraph.core.errors import InputError
from mgraph.core.namespaces import MG, MGID
from mgraph.validation.validate import ENGINES, UnsupportedShapes, load_shapes, validate

OTHERS = [name for name in ENGINES if name != "pyshacl"]


def fixtures() -> list:
    return [
        pytest.param(path, id=f"{path.parent.name}/{path.stem}") for path in sorted(SHAPES.glob("*/*.ttl"))
    ]


def synthetic(triples: int) -> Graph:
    """The benchmark's made-up graph (benchmarks/ is not a package: load it by path)."""
    spec = importlib.util.spec_from_file_location("bench_validate", ROOT / "benchmarks" / "validate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_validate", module)
    spec.loader.exec_module(module)
    return module.synthetic_graph(triples, seed=7, error_rate=0.2)


def test_the_engines_are_registered() -> None:
    assert {"pyshacl", "native"} <= set(ENGINES)


_REFERENCE: dict[Path, list] = {}


def reference(path: Path, graph: Graph) -> list:
    """pyshacl's results for a fixture, computed once for all the engines compared with it."""
    if path not in _REFERENCE:
        _REFERENCE[path] = validate(graph, engine="pyshacl").results
    return _REFERENCE[path]


@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("path", fixtures())
def test_engine_agrees_with_pyshacl_on_fixture(path: Path, engine: str) -> None:
    graph = Graph().parse(path, format="turtle")
    report = validate(graph, engine=engine)
    assert report.engine == engine
    assert report.results == reference(path, graph)


@pytest.mark.parametrize("engine", OTHERS)
def test_engine_agrees_with_pyshacl_on_a_made_up_graph(engine: str) -> None:
    graph = synthetic(400)
    reference = validate(graph, engine="pyshacl")
    assert reference.count("Violation") > 5, "the made-up graph should have errors to find"
    assert validate(graph, engine=engine).results == reference.results


def test_auto_uses_the_native_engine_for_our_shapes() -> None:
    assert validate(Graph()).engine == "native"


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        validate(Graph(), engine="nope")


SHAPES_WITH_SH_NODE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:A ;
    sh:property [ sh:path ex:p ; sh:node ex:T ; sh:message "p must be a T" ] .
ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .
"""


def test_native_refuses_what_it_does_not_implement_and_auto_falls_back() -> None:
    shapes = Graph().parse(data=SHAPES_WITH_SH_NODE, format="turtle")
    data = Graph().parse(
        data="""
        @prefix ex: <https://example.org/> .
        ex:a a ex:A ; ex:p ex:b .
    """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShapes, match="shacl#node"):
        validate(data, engine="native", shapes=shapes)
    report = validate(data, engine="auto", shapes=shapes)
    assert report.engine == "pyshacl"
    assert [(r.focus, r.value) for r in report.results] == [
        ("<https://example.org/a>", "<https://example.org/b>")
    ]


@pytest.mark.parametrize("engine", ["native", "pyshacl"])
def test_sparql_constraints_with_values_are_refused_as_shacl_says(engine: str) -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:A ;
            sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } $this ex:p ?x }" ] .
    """,
        format="turtle",
    )
    data = Graph().parse(data="<https://example.org/a> a <https://example.org/A> .", format="turtle")
    with pytest.raises(InputError, match="VALUES"):
        validate(data, engine=engine, shapes=shapes)


def test_results_of_our_data_point_at_the_record_and_claims_at_theirs() -> None:
    graph = Graph().parse(SHAPES / "ClaimShape" / "fail.ttl", format="turtle")
    record = f"{MGID}meeting/cop-1"
    origins = {record: ("data/meetings.yaml", 12, "meeting 'cop-1'")}
    report = validate(graph, origins=origins)
    claims = [r for r in report.results if "/id/claim/" in r.focus]
    assert claims and all((r.file, r.line, r.record) == origins[record] for r in claims)


def test_the_callers_graph_is_not_changed() -> None:
    """Type closure goes into a copy: a COP typed only as such stays so in the caller's graph."""
    graph = Graph()
    cop = URIRef(f"{MGID}meeting/cop-1")
    graph.add((cop, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), MG.ConferenceOfTheParties))
    graph.add((cop, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("COP-1", lang="en")))
    before = set(graph)
    report = validate(graph)
    assert set(graph) == before
    # ... and the closure is what made the COP a meeting: it gets the meeting warnings.
    assert any(r.shape and r.shape.endswith("#meeting-start-missing>") for r in report.results)


def test_validate_files_names_the_file_and_line(tmp_path: Path) -> None:
    source = (SHAPES / "DecisionShape" / "fail.ttl").read_text(encoding="utf-8")
    path = tmp_path / "decisions.ttl"
    path.write_text(source, encoding="utf-8")
    from mgraph.validation.validate import validate_files

    report = validate_files([path])
    bad = [r for r in report.results if r.focus.endswith("/decision/bad>")]
    assert bad and {r.file for r in bad} == {str(path)}
    lines = source.splitlines()
    subject = lines.index("decision:bad a mg:Decision ;") + 1
    # each result names its triple's line (issue 16): the line in the subject's statement that
    # writes its predicate; a missing value (sh:minCount) is the subject's own line
    assert len(bad) >= 10
    for result in bad:
        local = result.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rstrip(">")
        if result.value is None:
            assert result.line == subject, result
            continue
        written = next(i for i, text in enumerate(lines, 1) if i > subject and f":{local} " in text)
        assert result.line == written, (local, result.line, written)


def test_our_shapes_are_compiled_once() -> None:
    from mgraph.validation.engines.native import shape_plans

    first = shape_plans(load_shapes())
    assert shape_plans(load_shapes()) is first


def test_an_engine_of_ones_own_is_one_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a SHACL engine: an Engine (name, a runner per representation) registered once is
    offered by validate and the CLI's check, and gets the data in the representation it takes."""
    from mgraph.validation.engines import registry
    from mgraph.validation.engines.common import GRAPH, Engine
    from mgraph.validation.results import ValidationResult

    seen: list[type] = []

    def every_decision_is_wrong(data: Graph, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
        seen.append(type(data))
        return [
            ValidationResult("Violation", f"<{s}>", None, None, "a decision")
            for s in sorted(data.subjects(URIRef(str(MG) + "code"), None))
        ]

    monkeypatch.setattr(registry, "ENGINES", dict(registry.ENGINES))
    registry.register(Engine("toy", {GRAPH: every_decision_is_wrong}))
    assert "toy" in registry.engine_names()
    graph = Graph()
    graph.add((MGID["decision/mc-1-1"], MG.code, Literal("MC-1/1")))
    report = validate(graph, engine="toy")
    assert seen == [Graph] and [r.focus for r in report.results] == [f"<{MGID}decision/mc-1-1>"]
    with pytest.raises(ValueError, match="other than 'auto'"):
        registry.register(Engine("auto", {GRAPH: every_decision_is_wrong}))
