"""Read curated YAML files into typed records, keeping the line of every record and field.

All problems are collected, never raised one at a time, so a curator sees every error in one run.
Checks here need one record only (syntax, fields, types, dates); cross-record checks live in load.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from mgraph.errors import DataError
from mgraph.schema import ID_PATTERN, KINDS_BY_FILE, Field, Kind

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DURATION_RE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
ID_RE = re.compile(ID_PATTERN)
LONG_FORM_KEYS = {"value", "sources", "note", "approximate", "as_of"}
# "as_of" (issue 12): the date at which the source says the value held, for values that change
# over time (reported counts). It becomes the claim's dcterms:valid; see loader._value_triples.


@dataclass
class Node:
    """A YAML value with the 1-based line it starts on."""

    value: Any  # scalar, list[Node] or dict[str, Node]
    line: int
    key_line: int | None = None  # for mapping values: the line of their key


@dataclass(frozen=True)
class Alt:
    """One value of a field, with its own sources when written in long form."""

    value: Any  # normalised: str, int, Decimal; dates and durations as their ISO strings
    line: int
    sources: tuple[str, ...] = ()
    note: str | None = None
    approximate: bool = False
    long_form: bool = False
    as_of: str | None = None  # ISO date (YYYY[-MM[-DD]]) at which the value held, per its source


@dataclass
class Record:
    """One curated record: its kind, id, location and normalised field values."""

    kind: Kind
    id: str
    file: str
    line: int
    values: dict[str, list[list[Alt]]] = field(default_factory=dict)
    # field name -> items (one for single-valued fields) -> alternatives (several = conflict)
    sources: list[Alt] = field(default_factory=list)
    field_lines: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind.name} '{self.id}'"


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 5x faster


class _Loader(_BASE):  # type: ignore[misc,valid-type]
    """Dates stay strings: the loader types them by precision itself."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, display: str, errors: list[DataError]) -> Node | None:
    """Parse one file into Nodes; syntax errors and duplicate keys go to ``errors``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(DataError(display, 1, "", f"cannot read file: {exc}"))
        return None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = f", column {mark.column + 1}" if mark else ""
        errors.append(DataError(display, line, "", f"YAML syntax error{column}: {exc.problem}"))
        return None
    except yaml.YAMLError as exc:
        errors.append(DataError(display, 1, "", f"YAML error: {exc}"))
        return None
    finally:
        loader.dispose()
    return None if root is None else _convert(root, loader, display, errors)


def _convert(node: yaml.Node, loader: _Loader, file: str, errors: list[DataError]) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(n, loader, file, errors) for n in node.value], line)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node))
            key_line = key_node.start_mark.line + 1
            if key in out:
                errors.append(DataError(file, key_line, "", f"duplicate key '{key}'"))
                continue
            child = _convert(value_node, loader, file, errors)
            child.key_line = key_line
            out[key] = child
        return Node(out, line)
    return Node(loader.construct_object(node), line)


def read_records(data_dir: Path, errors: list[DataError]) -> list[Record]:
    """Every record of every known file in ``data_dir``; unknown YAML files are an error."""
    records: list[Record] = []
    for path in sorted(data_dir.glob("*.yaml")):
        display = _display(path)
        kind = KINDS_BY_FILE.get(path.name)
        if kind is None:
            known = ", ".join(sorted(KINDS_BY_FILE))
            errors.append(DataError(display, 1, "", f"unknown data file; expected one of: {known}"))
            continue
        root = read_yaml(path, display, errors)
        if root is None or root.value is None:
            continue
        if not isinstance(root.value, list):
            errors.append(DataError(display, root.line, "", "the file must be a YAML list of records"))
            continue
        for item in root.value:
            record = _record(kind, item, display, errors)
            if record is not None:
                records.append(record)
    return records


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _record(kind: Kind, node: Node, file: str, errors: list[DataError]) -> Record | None:
    if not isinstance(node.value, dict):
        errors.append(DataError(file, node.line, "", f"a {kind.name} record must be a mapping"))
        return None
    fields: dict[str, Node] = node.value
    id_node = fields.get("id")
    if id_node is None or not isinstance(id_node.value, str) or not ID_RE.match(id_node.value):
        shown = "missing" if id_node is None else repr(id_node.value)
        line = node.line if id_node is None else id_node.line
        errors.append(DataError(file, line, f"{kind.name} at line {node.line}",
                                f"id is {shown}; an id is lower case letters, digits, '-' and '.'"))
        return None
    record = Record(kind, id_node.value, file, node.line)

    def err(line: int, message: str) -> None:
        errors.append(DataError(file, line, record.label, message))

    for name, value in fields.items():
        if name == "id":
            continue
        line = value.key_line or value.line
        record.field_lines[name] = line
        spec = kind.field(name)
        if spec is None:
            known = ", ".join(f.name for f in kind.fields)
            err(line, f"unknown field '{name}'; {kind.name} fields are: id, {known}")
            continue
        items = _field_items(spec, value, err)
        if items is None:
            continue
        if name == "sources":
            record.sources = [alt for item in items for alt in item]
        else:
            record.values[name] = items
    for spec in kind.fields:
        if spec.required and spec.name not in fields:
            err(node.line, f"missing required field '{spec.name}'")
    _check_order(record, err)
    return record


def _field_items(spec: Field, node: Node, err) -> list[list[Alt]] | None:
    """A field's items; each item a list of alternatives (several only for a conflict)."""
    if spec.many:
        if not isinstance(node.value, list):
            err(node.line, f"{spec.name} must be a list")
            return None
        items = [_alternatives(spec, n, err, allow_conflict=False) for n in node.value]
        if not node.value:
            err(node.line, f"{spec.name} is empty; leave the field out instead")
    else:
        items = [_alternatives(spec, node, err, allow_conflict=True)]
    return None if any(i is None for i in items) else items  # type: ignore[return-value]


def _alternatives(spec: Field, node: Node, err, *, allow_conflict: bool) -> list[Alt] | None:
    if isinstance(node.value, list) and allow_conflict:
        if len(node.value) < 2 or not all(isinstance(n.value, dict) for n in node.value):
            err(node.line, f"{spec.name}: a list here means a conflict: give two or more long-form "
                           "values ({value: ..., sources: [...]})")
            return None
        alts = [_long_form(spec, n, err) for n in node.value]
        return None if any(a is None for a in alts) else alts  # type: ignore[return-value]
    if isinstance(node.value, dict):
        alt = _long_form(spec, node, err)
        return None if alt is None else [alt]
    value = _scalar(spec, node, err)
    return None if value is None else [Alt(value, node.line)]


def _long_form(spec: Field, node: Node, err) -> Alt | None:
    parts: dict[str, Node] = node.value
    unknown = sorted(set(parts) - LONG_FORM_KEYS)
    if unknown:
        err(node.line, f"{spec.name}: unknown key(s) {', '.join(unknown)} in long form; "
                       "use value, sources, note, approximate, as_of")
        return None
    if "value" not in parts:
        err(node.line, f"{spec.name}: long form needs 'value'")
        return None
    value = _scalar(spec, parts["value"], err)
    sources: list[str] = []
    if "sources" in parts:
        src = parts["sources"]
        if not isinstance(src.value, list) or not src.value:
            err(src.line, f"{spec.name}: sources must be a non-empty list")
            return None
        for item in src.value:
            checked = _source(item, spec.name, err)
            if checked is None:
                return None
            sources.append(checked)
    note = parts.get("note")
    if note is not None and not isinstance(note.value, str):
        err(note.line, f"{spec.name}: note must be text")
        return None
    approx = parts.get("approximate")
    if approx is not None and not isinstance(approx.value, bool):
        err(approx.line, f"{spec.name}: approximate must be true or false")
        return None
    as_of = None
    if "as_of" in parts:
        as_of = _date(str(parts["as_of"].value), parts["as_of"].line, f"{spec.name}: as_of", err)
        if as_of is None:
            return None
    if value is None:
        return None
    return Alt(value, node.line, tuple(sources), note.value if note else None,
               bool(approx and approx.value), long_form=True, as_of=as_of)


def _source(node: Node, name: str, err) -> str | None:
    value = node.value
    if isinstance(value, str) and (URL_RE.match(value) or ID_RE.match(value)):
        return value
    err(node.line, f"{name}: source {value!r} is neither a URL (http(s)://...) nor a source id")
    return None


def _scalar(spec: Field, node: Node, err) -> Any:
    value = node.value
    name = spec.name
    if spec.name == "sources":
        return _source(node, name, err)
    if isinstance(value, (list, dict)):
        err(node.line, f"{name} must be a single {spec.type} value")
        return None
    if value is None or value == "":
        err(node.line, f"{name} is empty; leave the field out instead")
        return None
    if isinstance(value, bool):
        err(node.line, f"{name}: expected {spec.type}, got {value!r}")
        return None
    kind = spec.type
    if kind in ("str", "text"):
        text = str(value) if isinstance(value, (int, float)) else value
        if spec.pattern and not re.match(spec.pattern, text):
            err(node.line, f"{name}: {text!r} does not match the pattern {spec.pattern}")
            return None
        return text
    if kind == "int":
        if isinstance(value, int):
            return value
        err(node.line, f"{name}: expected a whole number, got {value!r}")
        return None
    if kind == "decimal":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            err(node.line, f"{name}: expected a number, got {value!r}")
            return None
    if kind == "date":
        return _date(str(value), node.line, name, err)
    if kind == "duration":
        if isinstance(value, str) and DURATION_RE.match(value):
            return value
        err(node.line, f"{name}: expected an ISO 8601 duration such as PT90M, got {value!r}")
        return None
    if kind == "url":
        if isinstance(value, str) and URL_RE.match(value):
            return value
        err(node.line, f"{name}: expected an http(s) URL, got {value!r}")
        return None
    if kind == "ref":
        if isinstance(value, str) and ID_RE.match(value):
            return value
        err(node.line, f"{name}: expected the id of a {' or '.join(spec.targets)}, got {value!r}")
        return None
    if kind == "enum":
        if value in spec.enum:
            return value
        err(node.line, f"{name}: {value!r} is not one of: {', '.join(spec.enum)}")
        return None
    raise AssertionError(kind)


def _date(text: str, line: int, name: str, err) -> str | None:
    match = DATE_RE.match(text)
    if not match:
        err(line, f"{name}: {text!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
        return None
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        err(line, f"{name}: {text!r} is an impossible date ({exc})")
        return None
    return text


def _check_order(record: Record, err) -> None:
    """An end never before its start, compared at the precision both values have."""
    start, end = record.values.get("start"), record.values.get("end")
    if not start or not end:
        return
    for s in start[0]:
        for e in end[0]:
            width = min(len(s.value), len(e.value))
            if e.value[:width] < s.value[:width]:
                err(e.line, f"end {e.value} is before start {s.value}")
                return
