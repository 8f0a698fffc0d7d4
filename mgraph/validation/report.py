"""Validation reports as text (for people), JSON (for scripts), SARIF 2.1.0 (for code scanning)
and Turtle (the standard SHACL validation report graph, as pySHACL users expect it).

Every format lists the results in one stable order (:func:`mgraph.validation.results.sort_key`, the API's
order too), so the same report always renders to the same bytes. The formats are the keys of
one registry (:data:`RENDERERS`), which the CLI's ``--format`` choices come from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TypeGuard
from urllib.parse import quote

from mgraph.validation.results import ValidationReport, ValidationResult, sort_key

# This module imports only the standard library and mgraph.validation.results at its top, so that the CLI
# can take its --format choices from RENDERERS without importing rdflib.

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
_SARIF_LEVELS = {"Violation": "error", "Warning": "warning", "Info": "note"}

# Longest namespace first, so that mgid: wins over a shorter namespace it extends.
_IRI_IN_TERM = re.compile(r"<([^<>\s\"]*)>")
_TYPED_LITERAL = re.compile(r'(".*")\^\^<([^<>]*)>', re.DOTALL)


def render(report: ValidationReport, fmt: str = "text") -> str:
    """The report in one of FORMATS; ends with a newline."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return renderer(report)


# --- shared helpers ------------------------------------------------------------------------------


def _sorted(report: ValidationReport) -> list[ValidationResult]:
    return sorted(report.results, key=sort_key)


def shorten_iri(iri: str) -> str:
    """``prefix:local`` for an IRI in one of our namespaces, else ``<iri>``."""
    from mgraph.core.terms import compact_iri

    short = compact_iri(iri)
    return short if short != iri else f"<{iri}>"


def shorten(term: str) -> str:
    """An N-Triples term (or a path made of them) with our IRIs written as prefixed names."""
    if term.startswith('"'):
        typed = _TYPED_LITERAL.fullmatch(term)
        return f"{typed.group(1)}^^{shorten_iri(typed.group(2))}" if typed else term
    return _IRI_IN_TERM.sub(lambda match: shorten_iri(match.group(1)), term)


def _plain(term: str) -> str:
    """An IRI term without its angle brackets; other terms as they are."""
    if term.startswith("<") and term.endswith(">") and _IRI_IN_TERM.fullmatch(term):
        return term[1:-1]
    return term


def _is_iri(term: str | None) -> TypeGuard[str]:
    return term is not None and _IRI_IN_TERM.fullmatch(term) is not None


def summary(report: ValidationReport) -> str:
    """One line: counts by severity, then by shape (most results first), e.g.
    ``2 violations, 1 warning; by shape: mgsh:DecisionShape 2, [sh:MinCountConstraintComponent] 1``.

    A blank-node shape has no name a reader can use: its results count under their constraint
    component, in brackets.
    """
    counts = [
        _plural(report.count("Violation"), "violation"),
        _plural(report.count("Warning"), "warning"),
    ]
    if report.count("Info"):
        counts.append(_plural(report.count("Info"), "info"))
    others = sorted({r.severity for r in report.results} - {"Violation", "Warning", "Info"})
    counts.extend(f"{report.count(severity)} {severity}" for severity in others)
    by_shape: dict[str, int] = {}
    for result in report.results:
        if _is_iri(result.shape):
            name = shorten(result.shape or "")
        else:
            name = f"[{shorten(result.constraint)}]" if result.constraint else "[no shape]"
        by_shape[name] = by_shape.get(name, 0) + 1
    line = ", ".join(counts)
    if by_shape:
        ranked = sorted(by_shape.items(), key=lambda item: (-item[1], item[0]))
        line += "; by shape: " + ", ".join(f"{name} {count}" for name, count in ranked)
    if report.hidden:
        line += f"; {report.hidden} more not shown (--severity)"
    return line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- text ----------------------------------------------------------------------------------------


def render_text(report: ValidationReport) -> str:
    """One block per result, then a summary line such as ``2 violations, 1 warning``."""
    blocks = [_text_block(result) for result in _sorted(report)]
    return "".join(block + "\n\n" for block in blocks) + summary(report) + "\n"


def _text_block(result: ValidationResult) -> str:
    where = f"{result.file}:{result.line}" if result.file and result.line else result.file or ""
    header = result.severity + (f" {where}" if where else "")
    if result.record:
        header += f": {result.record}"
    fields = [
        ("focus", shorten(result.focus)),
        ("path", shorten(result.path) if result.path else None),
        ("value", shorten(result.value) if result.value else None),
        ("message", result.message),
        # a blank-node shape's label means nothing to a reader and changes from run to run
        ("shape", shorten(result.shape) if _is_iri(result.shape) else None),
        ("constraint", shorten(result.constraint) if result.constraint else None),
    ]
    width = max(len(label) for label, _ in fields) + 2
    lines = [header]
    for label, value in fields:
        if value is None:
            continue
        first, *rest = value.splitlines() or [""]
        lines.append(f"  {label + ':':<{width}}{first}")
        lines.extend(f"  {'':<{width}}{line}" for line in rest)
    return "\n".join(lines)


# --- JSON ----------------------------------------------------------------------------------------


_TERM_FIELDS = ("focus", "path", "value", "shape", "constraint")


def render_json(report: ValidationReport) -> str:
    """Counts and every field of every result, keys sorted; IRIs plain (``https://...``),
    literals and blank nodes in N-Triples form (``"2023"^^<...>``, ``_:b0``)."""
    results = []
    for result in _sorted(report):
        fields = asdict(result)
        for name in _TERM_FIELDS:
            term = fields[name]
            if isinstance(term, str) and term.startswith("<") and term.endswith(">") and term.count("<") == 1:
                fields[name] = term[1:-1]
        results.append(fields)
    document = {
        "conforms": report.conforms,
        "engine": report.engine,
        "violations": report.count("Violation"),
        "warnings": report.count("Warning"),
        "results": results,
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- SARIF ---------------------------------------------------------------------------------------


def render_sarif(report: ValidationReport) -> str:
    """A SARIF 2.1.0 log with one run: a rule per shape and constraint component."""
    from mgraph import __version__
    from mgraph.core.namespaces import ONTOLOGY_IRI

    results = _sorted(report)
    rules: dict[str, dict[str, Any]] = {}
    for result in results:
        rule_id = _rule_id(result)
        rules.setdefault(rule_id, _rule(rule_id, result))
    index = {rule_id: position for position, rule_id in enumerate(sorted(rules))}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mgraph",
                        "version": __version__,
                        "informationUri": ONTOLOGY_IRI,
                        "rules": [rules[rule_id] for rule_id in sorted(rules)],
                    }
                },
                "results": [_sarif_result(result, index) for result in results],
                "properties": {"engine": report.engine, "conforms": report.conforms},
            }
        ],
    }
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _rule_id(result: ValidationResult) -> str:
    """``shape/constraint`` in prefixed form; blank-node shapes leave only the constraint."""
    parts = [_rule_part(result.shape), _rule_part(result.constraint)]
    return "/".join(part for part in parts if part) or "mgraph:result"


def _rule_part(term: str | None) -> str | None:
    if not _is_iri(term):
        return None
    short = shorten(term)
    return short[1:-1] if short.startswith("<") else short


def _rule(rule_id: str, result: ValidationResult) -> dict[str, Any]:
    """A reporting descriptor for the first result of a rule (all its results share these)."""
    constraint = _plain(result.constraint) if _is_iri(result.constraint) else None
    shape = _plain(result.shape) if _is_iri(result.shape) else None
    name = re.sub(r"ConstraintComponent$", "", re.split(r"[#/]", constraint)[-1]) if constraint else None
    label = shorten(result.shape or "") if shape else "SHACL shape"
    rule: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": f"{label}: {name or 'validation result'}"},
    }
    if name:
        rule["name"] = name
    properties = {"shape": shape, "constraintComponent": constraint}
    if any(properties.values()):
        rule["properties"] = {key: value for key, value in properties.items() if value}
    return rule


def _sarif_result(result: ValidationResult, index: dict[str, int]) -> dict[str, Any]:
    rule_id = _rule_id(result)
    subject = result.record or shorten(result.focus)
    location: dict[str, Any] = {}
    if result.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _artifact_uri(result.file)}}
        if result.line and result.line > 0:
            physical["region"] = {"startLine": result.line}
        location["physicalLocation"] = physical
    location["logicalLocations"] = [
        {"name": shorten(result.focus), "fullyQualifiedName": _plain(result.focus), "kind": "resource"}
    ]
    properties = {
        key: value
        for key, value in (
            ("focus", result.focus),
            ("path", result.path),
            ("value", result.value),
            ("shape", result.shape if _is_iri(result.shape) else None),
            ("constraint", result.constraint),
            ("record", result.record),
            ("severity", result.severity),
        )
        if value is not None
    }
    return {
        "ruleId": rule_id,
        "ruleIndex": index[rule_id],
        "level": _SARIF_LEVELS.get(result.severity, "warning"),
        "message": {"text": f"{subject}: {result.message}"},
        "locations": [location],
        "properties": properties,
    }


def _artifact_uri(file: str) -> str:
    """A file name as a URI reference: relative paths stay relative (to the repository root)."""
    windows = PureWindowsPath(file)
    if windows.drive:
        return windows.as_uri()
    posix = PurePosixPath(file.replace("\\", "/"))
    if posix.is_absolute():
        return posix.as_uri()
    return quote(posix.as_posix(), safe="/")


# --- Turtle: the SHACL validation report graph ----------------------------------------------------

_TURTLE_PREFIXES = {"sh": "http://www.w3.org/ns/shacl#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
_SHACL_SEVERITIES = {"Violation", "Warning", "Info"}


def render_turtle(report: ValidationReport) -> str:
    """The W3C SHACL validation report (``sh:ValidationReport``) as Turtle.

    One ``sh:result`` per result, in the report's order (equal results stay distinct); terms as
    the engines gave them; a complex path written back as a SHACL path; our own fields (file,
    line, record) are not part of the vocabulary and are left out.
    """
    lines = [f"@prefix {prefix}: <{iri}> ." for prefix, iri in _TURTLE_PREFIXES.items()]
    lines += ["", "[] a sh:ValidationReport ;", f"    sh:conforms {'true' if report.conforms else 'false'}"]
    results = _sorted(report)
    for n, result in enumerate(results):
        lines[-1] += " ;" if n == 0 else " ,"
        if n == 0:
            lines.append("    sh:result [")
        else:
            lines.append("        [")
        lines.extend(f"        {line}" for line in _turtle_result(result))
        lines.append("        ]")
    lines[-1] += " ."
    return "\n".join(lines) + "\n"


def _turtle_result(result: ValidationResult) -> list[str]:
    from rdflib import Literal

    severity = result.severity
    severity_term = f"sh:{severity}" if severity in _SHACL_SEVERITIES else f"<{severity}>"
    fields = [
        ("a", "sh:ValidationResult"),
        ("sh:resultSeverity", severity_term),
        ("sh:focusNode", result.focus),
    ]
    if result.path:
        fields.append(("sh:resultPath", _turtle_path(result.path)))
    if result.value:
        fields.append(("sh:value", result.value))
    if result.shape:
        fields.append(("sh:sourceShape", result.shape))
    if result.constraint:
        fields.append(("sh:sourceConstraintComponent", result.constraint))
    fields.extend(("sh:resultMessage", Literal(text).n3()) for text in result.message.split("\n") if text)
    return [f"{predicate} {obj} ;" for predicate, obj in fields]


_PATH_TOKEN = re.compile(r"\s*(<[^<>]*>|[()|/^*+?])")


def _turtle_path(text: str) -> str:
    """A SPARQL-style path (as the engines write it: ``^<p>``, ``<p>/<q>``, ``(<p>)*``, ...) as a
    SHACL path in Turtle."""
    tokens = _PATH_TOKEN.findall(text)
    if "".join(tokens) != re.sub(r"\s+", "", text) or not tokens:
        return text  # not a path we wrote: leave it as it is
    position = 0

    def sequence() -> str:
        items = [alternative()]
        while position < len(tokens) and tokens[position] == "/":
            advance()
            items.append(alternative())
        return items[0] if len(items) == 1 else "( " + " ".join(items) + " )"

    def alternative() -> str:
        return unary()

    def unary() -> str:
        if tokens[position] == "^":
            advance()
            return f"[ sh:inversePath {unary()} ]"
        if tokens[position] == "(":
            advance()
            options = [sequence()]
            while tokens[position] == "|":
                advance()
                options.append(sequence())
            advance()  # ")"
            inner = (
                options[0] if len(options) == 1 else "[ sh:alternativePath ( " + " ".join(options) + " ) ]"
            )
            modifier = tokens[position] if position < len(tokens) else ""
            if modifier in ("*", "+", "?"):
                advance()
                name = {"*": "zeroOrMorePath", "+": "oneOrMorePath", "?": "zeroOrOnePath"}[modifier]
                return f"[ sh:{name} {inner} ]"
            return inner
        term = tokens[position]
        advance()
        return term

    def advance() -> None:
        nonlocal position
        position += 1

    try:
        written = sequence()
    except IndexError:
        return text
    return written if position == len(tokens) else text


RENDERERS: dict[str, Callable[[ValidationReport], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "turtle": render_turtle,
}
"""Report formats by name: ``--format`` choices and :func:`render`."""
FORMATS = tuple(RENDERERS)
