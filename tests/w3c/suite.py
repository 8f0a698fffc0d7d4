"""The W3C SHACL test suite (``sht:Validate`` tests of core and sparql) as test cases.

Used by ``tests/test_w3c_shacl.py`` and ``benchmarks/validate.py`` (loaded by path: tests/ is not
a package). A case passes when the engine's results equal the expected report's, as a multiset
of (severity, focus node, path, value, source shape, source constraint component), blank nodes
compared as "some blank node" (messages are not part of the suite's comparison); a
``mf:result sht:Failure`` case passes when the engine refuses the shapes with an InputError.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from mgraph.validation.engines.common import path_text

SUITE = Path(__file__).parent / "data-shapes"
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SH = Namespace("http://www.w3.org/ns/shacl#")

Key = tuple[str, str, str | None, str | None, str | None, str | None]


@dataclass(frozen=True)
class Case:
    name: str  # "core/node/class-003"
    file: Path
    node: URIRef

    @property
    def id(self) -> str:
        return self.name


@cache
def _graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@cache
def cases() -> tuple[Case, ...]:
    """Every sht:Validate test reached from the root manifest's includes, in a stable order."""
    found: dict[str, Case] = {}
    seen: set[Path] = set()
    todo = [SUITE / "manifest.ttl"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        graph = _graph(path)
        for include in graph.objects(None, MF.include):
            todo.append(Path(str(include).removeprefix("file://")))
        for test in graph.subjects(RDF.type, SHT.Validate):
            name = str(path.relative_to(SUITE).with_suffix(""))
            if path.name == "manifest.ttl":  # entries written in the manifest itself
                name = f"{path.parent.relative_to(SUITE)}/{str(test).rsplit('/', 1)[-1]}"
            found[name] = Case(name, path, test)  # type: ignore[arg-type]
    return tuple(found[name] for name in sorted(found))


def graphs(case: Case) -> tuple[Graph, Graph]:
    """The data graph and the shapes graph of a case (one graph object when they are one file)."""
    graph = _graph(case.file)
    action = graph.value(case.node, MF.action)
    data_file = _file(graph.value(action, SHT.dataGraph))
    shapes_file = _file(graph.value(action, SHT.shapesGraph))
    data = _fresh(data_file)
    shapes = data if shapes_file == data_file else _fresh(shapes_file)
    return data, shapes


def _file(node: Node | None) -> Path:
    return Path(str(node).removeprefix("file://"))


def _fresh(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def expects_failure(case: Case) -> bool:
    return _graph(case.file).value(case.node, MF.result) == SHT.Failure


def expected(case: Case) -> Counter[Key]:
    graph = _graph(case.file)
    report = graph.value(case.node, MF.result)
    return Counter(
        (
            _local(graph.value(r, SH.resultSeverity)),
            _term(graph.value(r, SH.focusNode)),
            path_text(graph, graph.value(r, SH.resultPath)),
            _term(graph.value(r, SH.value)),
            _term(graph.value(r, SH.sourceShape)),
            _term(graph.value(r, SH.sourceConstraintComponent)),
        )
        for r in graph.objects(report, SH.result)
    )


def actual(results) -> Counter[Key]:  # results: list[mgraph.results.ValidationResult]
    return Counter(
        (r.severity, _text(r.focus), _text(r.path), _text(r.value), _text(r.shape), _text(r.constraint))
        for r in results
    )


def _local(node: Node | None) -> str:
    from mgraph.validation.engines.common import severity_name

    return severity_name(node)


def _term(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return "_:"
    from mgraph.validation.engines.common import nt

    return nt(node)


def _text(term: str | None) -> str | None:
    return "_:" if term is not None and term.startswith("_:") else term


@dataclass(frozen=True)
class Outcome:
    passed: bool
    silent_miss: bool  # conforms reported where the expected report has results
    detail: str


def run(case: Case, engine: str) -> Outcome:
    """Run one case with one engine of ``mgraph.validate``."""
    from mgraph.core.errors import InputError
    from mgraph.validation.validate import validate

    data, shapes = graphs(case)
    try:
        report = validate(data, engine=engine, shapes=shapes)
    except InputError as err:
        if expects_failure(case):
            return Outcome(True, False, f"refused as expected: {err}")
        return Outcome(False, False, f"refused: {err}")
    except Exception as err:  # an engine refusing (UnsupportedShapes) or failing
        return Outcome(False, False, f"{type(err).__name__}: {err}")
    if expects_failure(case):
        return Outcome(False, False, "accepted shapes the suite says are ill-formed")
    want, got = expected(case), actual(report.results)
    if want == got:
        return Outcome(True, False, "")
    missing, extra = want - got, got - want
    return Outcome(
        False,
        bool(want) and report.conforms,
        f"missing {sorted(missing, key=str)}; unexpected {sorted(extra, key=str)}",
    )


def run_plain_pyshacl(case: Case) -> Outcome:
    """The same case with pyshacl called directly (no mgraph in between), for comparison."""
    import pyshacl

    data, shapes = graphs(case)
    try:
        _conforms, report, _text = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
        )
    except Exception as err:  # pyshacl raising is how it refuses
        return Outcome(expects_failure(case), False, f"{type(err).__name__}: {err}")
    if not isinstance(report, Graph):  # pyshacl's ValidationFailure: it refused the shapes
        return Outcome(expects_failure(case), False, f"refused: {report}")
    if expects_failure(case):
        return Outcome(False, False, "accepted shapes the suite says are ill-formed")
    top = [r for v in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(v, SH.result)]
    got = Counter(
        (
            _local(report.value(r, SH.resultSeverity)),
            _term(report.value(r, SH.focusNode)),
            path_text(report, report.value(r, SH.resultPath)),
            _term(report.value(r, SH.value)),
            _term(report.value(r, SH.sourceShape)),
            _term(report.value(r, SH.sourceConstraintComponent)),
        )
        for r in top
    )
    want = expected(case)
    detail = (
        ""
        if want == got
        else f"missing {sorted(want - got, key=str)}; unexpected {sorted(got - want, key=str)}"
    )
    return Outcome(want == got, bool(want) and not got, detail)
