"""pyshacl: the reference engine, complete and slow (one SPARQL query per focus node).

rdflib's SPARQL parser is patched while pyshacl runs, so that each constraint's text is parsed
once rather than once per focus node (see :func:`_sparql_parsed_once`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from mgraph.core.namespaces import SH
from mgraph.validation.engines.common import (
    GRAPH,
    Engine,
    ShapesError,
    UnsupportedShapes,
    check_select_projects_this,
    message_text,
    nt,
    path_text,
    severity_name,
)
from mgraph.validation.results import ValidationResult


def run(data: Graph, shapes: Graph, mixin: Graph) -> list[ValidationResult]:
    """Validate with pyshacl, the ontology (and closed types) mixed in as its ont_graph."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError

    check_select_projects_this(shapes)
    try:
        with _sparql_parsed_once():
            _conforms, report_graph, _text = pyshacl.validate(
                data,
                shacl_graph=shapes,
                ont_graph=mixin if len(mixin) else None,
                inference="none",
                abort_on_first=False,
                allow_infos=True,
                allow_warnings=True,
                meta_shacl=False,
                advanced=False,
                do_owl_imports=False,
                inplace=False,
            )
    except NotImplementedError as err:
        raise UnsupportedShapes(f"the shapes use what pyshacl does not evaluate: {_one_line(err)}") from None
    except (ReportableRuntimeError, RuntimeError, SyntaxError, ValueError, TypeError, LookupError) as err:
        raise ShapesError(f"the shapes cannot be used: {_one_line(err)}") from None
    except Exception as err:
        if type(err) is not Exception and not type(err).__module__.startswith(("pyparsing", "rdflib")):
            raise
        raise ShapesError(f"the shapes cannot be used: {_one_line(err)}") from None
    if not isinstance(report_graph, Graph):  # pyshacl's ValidationFailure: the shapes are wrong
        raise ShapesError(f"the shapes cannot be used: {_one_line(report_graph)}")
    results = []
    top = [
        r
        for report in report_graph.subjects(RDF.type, SH.ValidationReport)
        for r in report_graph.objects(report, SH.result)
    ]  # not the nested sh:detail ones
    for node in top:

        def one(predicate: URIRef, node: Node = node) -> Node | None:
            return report_graph.value(node, predicate)

        severity = one(SH.resultSeverity)
        path = one(SH.resultPath)
        results.append(
            ValidationResult(
                severity=severity_name(severity),
                focus=nt(one(SH.focusNode)) or "",
                path=path_text(shapes, path),
                value=nt(one(SH.value)),
                message=message_text(report_graph.objects(node, SH.resultMessage)),
                shape=nt(one(SH.sourceShape)),
                constraint=nt(one(SH.sourceConstraintComponent)),
            )
        )
    return results


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


_PARSED_SPARQL: dict[tuple[Any, ...], Any] = {}


@contextmanager
def _sparql_parsed_once() -> Iterator[None]:
    """Parse each SPARQL text once while pyshacl runs.

    pyshacl sends the text of a SPARQL constraint to rdflib once per focus node, and rdflib
    parses it every time (about 0.2 s for ours): that was 99% of pyshacl's time. A parsed and
    translated query is what rdflib's own prepareQuery reuses across runs, so reusing it here
    changes nothing but the time. rdflib is restored on the way out; the parsed queries are
    kept for the next run (a handful per shapes graph).
    """
    from rdflib.plugins.sparql import processor

    parse, translate = processor.parseQuery, processor.translateQuery  # type: ignore[attr-defined]
    cache = _PARSED_SPARQL

    def keep_text(text: Any) -> Any:
        return text  # parsed below, once per (text, base, namespaces)

    def parse_and_translate(text: Any, base: Any = None, init_ns: Any = None) -> Any:
        if not isinstance(text, str):
            return translate(text, base, init_ns)
        key = (text, base, tuple(sorted((init_ns or {}).items())))
        if key not in cache:
            cache[key] = translate(parse(text), base, init_ns)
        return cache[key]

    processor.parseQuery, processor.translateQuery = keep_text, parse_and_translate  # type: ignore[assignment,attr-defined]
    try:
        yield
    finally:
        processor.parseQuery, processor.translateQuery = parse, translate  # type: ignore[attr-defined]


ENGINE = Engine("pyshacl", {GRAPH: run})
"""pyshacl works on rdflib graphs only."""
