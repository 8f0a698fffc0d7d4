"""The W3C SHACL test suite (tests/w3c/data-shapes: the sht:Validate tests of core and sparql)
run with every engine of ``mgraph.validate``, each with its explicit list of known failures.

A known failure that starts passing fails its test (strict), so each list stays exact. No
engine may ever report "conforms" where the suite expects results, known failure or not.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
from paths import TESTS

from mgraph.validation.validate import engine_names

_SPEC = importlib.util.spec_from_file_location("w3c_suite", TESTS / "w3c" / "suite.py")
assert _SPEC is not None and _SPEC.loader is not None
suite = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("w3c_suite", suite)
_SPEC.loader.exec_module(suite)

# pyshacl 0.40.1, called directly, fails these two:
PLAIN_PYSHACL_FAILURES = {
    # it reports sh:uniqueLang on a property shape whose path has no values in the data
    # graph but in the shapes graph (the suite keeps the two graphs apart)
    "core/property/uniqueLang-002",
    # "$shapesGraph is not currently supported": pyshacl raises NotImplementedError
    "sparql/pre-binding/shapesGraph-001",
}

# Through our API, pyshacl fails the same two: uniqueLang-002 as above; shapesGraph-001 ends in
# an UnsupportedShapes input error (exit 2), never a raw NotImplementedError.
PYSHACL_FAILURES = set(PLAIN_PYSHACL_FAILURES)

# auto = native, falling back to pyshacl on any refusal: pyshacl's failures and no more.
AUTO_FAILURES = set(PYSHACL_FAILURES)

# The native engine evaluates a subset of SHACL exactly and refuses everything else (auto then
# hands the shapes to pyshacl). Every one of these is a refusal (UnsupportedShapes), never a
# wrong answer; grouped by what the native engine does not implement.
NATIVE_REFUSALS = {
    # constraint components it does not implement (sh:and, sh:not, sh:xone, sh:node,
    # sh:closed, sh:equals, sh:disjoint, sh:lessThan(OrEquals), sh:min/maxLength,
    # sh:hasValue on a node shape, qualified value shapes, sh:uniqueLang, ...)
    "core/complex/personexample",
    "core/node/and-002",
    "core/node/closed-001",
    "core/node/closed-002",
    "core/node/disjoint-001",
    "core/node/equals-001",
    "core/node/hasValue-001",
    "core/node/maxLength-001",
    "core/node/minLength-001",
    "core/node/not-002",
    "core/node/qualified-001",
    "core/node/xone-001",
    "core/node/xone-duplicate",
    "core/property/and-001",
    "core/property/disjoint-001",
    "core/property/equals-001",
    "core/property/lessThan-001",
    "core/property/lessThan-002",
    "core/property/lessThanOrEquals-001",
    "core/property/node-002",
    "core/property/not-001",
    "core/property/qualifiedMinCountDisjoint-001",
    "core/property/qualifiedValueShape-001",
    # sh:select straight on a shape rather than in a sh:sparql constraint
    "sparql/node/sparql-002",
    "sparql/node/sparql-003",
    # range bounds that are not numbers (dates)
    "core/node/minInclusive-002",
    "core/node/minInclusive-003",
    # implicit class targets (a shape that is also an rdfs:Class)
    "core/node/and-001",
    "core/node/in-001",
    "core/node/node-001",
    "core/node/not-001",
    "core/node/or-001",
    "core/path/path-inverse-001",
    "core/property/datatype-001",
    "core/property/in-001",
    "core/property/maxLength-001",
    "core/property/minExclusive-001",
    "core/property/minExclusive-002",
    "core/property/minLength-001",
    "core/property/node-001",
    "core/property/pattern-001",
    "core/property/pattern-002",
    "core/property/qualifiedValueShapesDisjoint-001",
    "core/property/uniqueLang-001",
    "core/targets/targetClassImplicit-001",
    # property shapes with targets of their own, complex paths
    "core/path/path-alternative-001",
    "core/path/path-complex-001",
    "core/path/path-complex-002",
    "core/path/path-oneOrMore-001",
    "core/path/path-sequence-001",
    "core/path/path-sequence-002",
    "core/path/path-strange-001",
    "core/path/path-strange-002",
    "core/path/path-zeroOrMore-001",
    "core/path/path-zeroOrOne-001",
    "core/path/path-sequence-duplicate-001",
    "core/property/datatype-ill-formed",
    "core/property/uniqueLang-002",
    "sparql/property/sparql-001",
    # nested property shapes, sh:or members with paths
    "core/property/property-001",
    "core/validation-reports/shared",
    "core/complex/shacl-shacl",
    # SHACL-SPARQL custom constraint components
    "sparql/component/nodeValidator-001",
    "sparql/component/optional-001",
    "sparql/component/propertyValidator-select-001",
    "sparql/component/validator-001",
    # sub-queries (SHACL restricts what they must project), $shapesGraph
    "sparql/pre-binding/pre-binding-007",
    "sparql/pre-binding/shapesGraph-001",
}

KNOWN_FAILURES = {
    "auto": AUTO_FAILURES,
    "native": NATIVE_REFUSALS,
    "pyshacl": PYSHACL_FAILURES,
}
CASES = suite.cases()
NAMES = {case.name for case in CASES}


def test_the_suite_is_all_there() -> None:
    """The 121 sht:Validate tests of core and sparql, 7 of them expecting a refusal."""
    assert len(CASES) == 121
    assert sum(suite.expects_failure(case) for case in CASES) == 7


def test_every_engine_of_the_api_has_its_list() -> None:
    assert set(engine_names()) == set(KNOWN_FAILURES)
    for names in KNOWN_FAILURES.values():
        assert names <= NAMES, names - NAMES


def test_auto_passes_every_test_plain_pyshacl_passes() -> None:
    assert AUTO_FAILURES <= PLAIN_PYSHACL_FAILURES
    assert len(CASES) - len(AUTO_FAILURES) >= 118


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_plain_pyshacl(case) -> None:
    """pyshacl called directly: its failures are the list above (what auto is measured by)."""
    outcome = suite.run_plain_pyshacl(case)
    _check(outcome, case.name in PLAIN_PYSHACL_FAILURES)


@pytest.mark.parametrize("engine", sorted(KNOWN_FAILURES))
@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_engine_on_the_w3c_suite(case, engine: str) -> None:
    outcome = suite.run(case, engine)
    assert not outcome.silent_miss, f"{engine} reported conforms on {case.name}: {outcome.detail}"
    known = case.name in KNOWN_FAILURES[engine]
    if known and engine == "native":
        assert outcome.detail.startswith("refused"), f"native must refuse, not answer: {outcome.detail}"
    _check(outcome, known)


def _check(outcome, known: bool) -> None:
    if known:
        assert not outcome.passed, "a known failure passes now: take it off the list"
    else:
        assert outcome.passed, outcome.detail


def _turtle_cases() -> list:
    """Cases whose expected report pyshacl's checker can compare with ours: not with
    sh:sourceConstraint or a message language (we do not keep them), nor blank nodes (the
    checker compares their descriptions, copied into the expected file from the data)."""
    from rdflib import BNode

    chosen = []
    for case in CASES:
        if suite.expects_failure(case) or case.name in AUTO_FAILURES:
            continue
        graph = suite._graph(case.file)
        report = graph.value(case.node, suite.MF.result)
        results = list(graph.objects(report, suite.SH.result))
        left_out = (suite.SH.sourceConstraint, suite.SH.resultMessage)
        if not any(graph.value(r, p) is not None for r in results for p in left_out) and not any(
            isinstance(o, BNode)
            for r in results
            for p, o in graph.predicate_objects(r)
            if p != suite.SH.resultPath
        ):
            chosen.append(pytest.param(case, id=case.name))
    return chosen


def test_most_reports_are_compared_as_turtle() -> None:
    assert len(_turtle_cases()) >= 80


@pytest.mark.parametrize("case", _turtle_cases())
def test_turtle_report_is_read_by_pyshacl_as_the_expected_report(case) -> None:
    """``--format turtle`` is the SHACL validation report graph: pyshacl's own conformance
    checker reads it and finds it equal to the suite's expected report (complex paths written
    back as SHACL paths, duplicates kept, custom severities)."""
    import logging

    from pyshacl.validator_conformance import compare_validation_reports
    from rdflib import Graph

    from mgraph.validation.report import render
    from mgraph.validation.validate import validate

    data, shapes = suite.graphs(case)
    turtle = render(validate(data, engine="auto", shapes=shapes), "turtle")
    expected = Graph().parse(case.file, format="turtle")
    report = Graph().parse(data=turtle, format="turtle")
    report.namespace_manager = expected.namespace_manager  # it compares prefixed names
    logger = logging.getLogger("w3c-turtle")
    assert compare_validation_reports(report, expected, expected.value(case.node, suite.MF.result), logger)
