"""Read curated YAML files into typed records, keeping the line of every record and field.

All problems are collected, never raised one at a time, so a curator sees every error in one run.
Checks here need one record only (syntax, fields, types, dates); cross-record checks live in
loader.py. The type rules and the limits on a file live in :mod:`mgraph.core.models`.

A data file is read defensively: its size, encoding, nesting depth and the values YAML aliases
copy are bounded (a hostile file ends in a ``file:line`` error within a second, never a runaway),
and a symbolic link leading out of the data folder is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mgraph.core.errors import DataError
from mgraph.core.models import (
    DATE_RE,
    DURATION_RE,
    ID_RE,
    LONG_FORM_KEYS,
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_VALUE_CHARS,
    URL_RE,
    Problem,
    Record,
    Value,
    check_date,
    check_scalar,
    check_source,
)
from mgraph.core.schema import Field, Kind, kind_of_file, kinds

__all__ = [
    "DATE_RE",
    "DURATION_RE",
    "ID_RE",
    "LONG_FORM_KEYS",
    "URL_RE",
    "Alt",
    "Node",
    "Reading",
    "Record",
    "Value",
    "read_records",
    "read_yaml",
]

Alt = Value  # the name callers used before records were typed

Err = Callable[[int, str], None]
_LOST_ID_RE = re.compile(r"^\s*(?:-\s+)?id:\s*['\"]?([a-z0-9][a-z0-9.-]*)['\"]?\s*(?:#.*)?$", re.M)


@dataclass
class Node:
    """A YAML value with the 1-based line it starts on."""

    value: Any  # scalar, list[Node] or dict[str, Node]
    line: int
    key_line: int | None = None  # for mapping values: the line of their key
    size: int = 1  # values in this node, counting what aliases inside it copy


@dataclass
class Reading:
    """What reading a data folder gave: the records, and the ids of records lost to broken files."""

    records: list[Record] = field(default_factory=list)
    lost_ids: set[str] = field(default_factory=set)
    lost_unknown: bool = False  # a file was refused unread: any unknown id may have been in it


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 5x faster


class _Loader(_BASE):  # type: ignore[misc,valid-type]
    """Dates stay strings: the loader types them by precision itself."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_INDENTATION_HINTS = (
    "expected <block end>",
    "mapping values are not allowed",
    "could not find expected ':'",
    "did not find expected key",
    "did not find expected '-' indicator",
)


class _Refused(Exception):
    """A limit of :mod:`mgraph.core.models` was crossed at ``line``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_text(
    path: Path, display: str, errors: list[DataError], *, reading: Reading | None = None
) -> str | None:
    """A data file's text: at most MAX_FILE_BYTES of UTF-8, or an error naming the bad line."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            errors.append(
                DataError(
                    display,
                    1,
                    "",
                    f"the file is {size:,} bytes; a data file may be at most {MAX_FILE_BYTES:,} bytes",
                    primary=True,
                )
            )
            if reading is not None:
                reading.lost_unknown = True
            return None
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        errors.append(DataError(display, 1, "", f"cannot read file: {exc.strerror or exc}", primary=True))
        return None
    if len(data) > MAX_FILE_BYTES:  # grew while we read it, or not a regular file
        errors.append(
            DataError(display, 1, "", f"a data file may be at most {MAX_FILE_BYTES:,} bytes", primary=True)
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        errors.append(
            DataError(
                display,
                line,
                "",
                f"not UTF-8: byte 0x{data[exc.start]:02x} at column {column}; save the file as UTF-8",
                primary=True,
            )
        )
        if reading is not None:
            reading.lost_ids.update(_LOST_ID_RE.findall(data.decode("utf-8", "replace")))
        return None


def read_yaml(
    path: Path, display: str, errors: list[DataError], *, reading: Reading | None = None
) -> Node | None:
    """Parse one file into Nodes; syntax errors, limits and duplicate keys go to ``errors``.

    When the file cannot be parsed, the ids it seems to hold are added to ``reading.lost_ids``,
    so the references to them can be counted as caused by this error rather than listed.
    """
    text = read_text(path, display, errors, reading=reading)
    return None if text is None else parse_yaml(text, display, errors, reading=reading)


def parse_yaml(
    text: str, display: str, errors: list[DataError], *, reading: Reading | None = None
) -> Node | None:
    """Parse a data file's text into Nodes (None for an empty file or an error), as read_yaml."""
    loader = _Loader(text)
    try:
        return _compose(loader, display, errors)
    except _Refused as exc:
        errors.append(DataError(display, exc.line, "", exc.message, primary=True))
    except yaml.MarkedYAMLError as exc:
        errors.append(DataError(display, *_syntax_error(exc), primary=True))
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
        errors.append(
            DataError(
                display,
                line,
                "",
                f"YAML error: {exc.reason} (character U+{code:04X}); remove it",
                primary=True,
            )
        )
    except yaml.YAMLError as exc:
        errors.append(DataError(display, 1, "", f"YAML error: {exc}", primary=True))
    finally:
        loader.dispose()
    if reading is not None:
        reading.lost_ids.update(_LOST_ID_RE.findall(text))
    return None


_TOO_DEEP = f"values nest more than {MAX_DEPTH} deep; a record needs far fewer"


def _syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, str, str]:
    """(line, record, message): the cause in one line, with a hint for indentation mistakes."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = f", column {mark.column + 1}" if mark else ""
    problem = exc.problem or "not valid YAML"
    if "nesting depth" in problem:  # libyaml >= 0.2.6 (PyYAML 6.0.2+) stops deep flows itself
        return line, "", _TOO_DEEP
    message = f"YAML syntax error{column}: {problem}"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    if any(hint in problem for hint in _INDENTATION_HINTS):
        message += "; check the indentation of this line and the lines above it"
    return line, "", message


def _compose(loader: _Loader, file: str, errors: list[DataError]) -> Node | None:
    """Build the Node tree from the parser's events, iteratively and within the limits.

    libyaml's own composer recurses without bound (a file of 100,000 ``[`` crashes the process)
    and copies aliased values as often as they are used; this one stops at MAX_DEPTH and counts
    what aliases copy.
    """
    get = loader.get_event
    get()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    get()  # document start
    anchors: dict[str, Node] = {}
    copied = 0
    # open collections: [node, pending key (mappings), its line, anchor]
    stack: list[list[Any]] = []
    root: Node | None = None
    while True:
        event = get()
        line = event.start_mark.line + 1
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise _Refused(line, _TOO_DEEP)
            value: Any = [] if isinstance(event, yaml.SequenceStartEvent) else {}
            stack.append([Node(value, line), None, None, event.anchor])
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node, _, _, anchor = stack.pop()
            children = node.value if isinstance(node.value, list) else node.value.values()
            node.size = 1 + sum(child.size for child in children)
            if anchor is not None:
                anchors[anchor] = node
        elif isinstance(event, yaml.AliasEvent):
            target = anchors.get(event.anchor) if event.anchor is not None else None
            if target is None:
                raise _Refused(line, f"YAML alias *{event.anchor} names no anchor before it")
            copied += target.size
            if copied > MAX_ALIAS_NODES:
                raise _Refused(
                    line,
                    f"YAML aliases copy more than {MAX_ALIAS_NODES:,} values in this "
                    "file; write the values out (mgraph lint does)",
                )
            node = Node(target.value, line, size=target.size)  # shares the values, not the lines
        elif isinstance(event, yaml.ScalarEvent):
            node = Node(_scalar(loader, event), line)
            if isinstance(node.value, str) and len(node.value) > MAX_VALUE_CHARS:
                raise _Refused(
                    line,
                    f"a value of {len(node.value):,} characters; a value may have at "
                    f"most {MAX_VALUE_CHARS:,}",
                )
            if event.anchor is not None:
                anchors[event.anchor] = node
        else:  # document end
            if not loader.check_event(yaml.StreamEndEvent):
                nxt = loader.peek_event()
                raise _Refused(
                    nxt.start_mark.line + 1, "a data file holds one YAML document; remove the second '---'"
                )
            return root
        if not stack:
            root = node
            continue
        parent = stack[-1]
        container = parent[0].value
        if isinstance(container, list):
            container.append(node)
        elif parent[1] is None:
            if isinstance(node.value, (list, dict)):
                raise _Refused(node.line, "a key must be a plain value")
            parent[1], parent[2] = ("" if node.value is None else str(node.value)), node.line
        else:
            key, key_line = parent[1], parent[2]
            parent[1] = None
            if key in container:
                errors.append(DataError(file, key_line, "", f"duplicate key '{key}'"))
                continue
            node.key_line = key_line
            container[key] = node


def _scalar(loader: _Loader, event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    node = yaml.ScalarNode(
        tag,
        event.value,
        event.start_mark,  # type: ignore[arg-type]
        event.end_mark,  # type: ignore[arg-type]
        event.style,
    )
    constructor = loader.yaml_constructors.get(tag) or loader.yaml_constructors[None]
    return constructor(loader, node)


def link_out_of(path: Path, folder: Path, display: str) -> DataError | None:
    """The error for a data file that is a symbolic link leaving ``folder``, else None."""
    if path.is_symlink() and not path.resolve().is_relative_to(folder):
        message = f"a symbolic link to a file outside the data folder ({path.resolve()}); refused"
        return DataError(display, 1, "", message, primary=True)
    return None


def read_records(data_dir: Path, errors: list[DataError]) -> Reading:
    """Every record of every known file in ``data_dir``; unknown YAML files are an error."""
    reading = Reading()
    folder = data_dir.resolve()
    for path in sorted(data_dir.glob("*.yaml")):
        display = display_path(path)
        kind = kind_of_file(path.name)
        if kind is None:
            known = ", ".join(sorted(k.file for k in kinds()))
            errors.append(DataError(display, 1, "", f"unknown data file; expected one of: {known}"))
            continue
        escape = link_out_of(path, folder, display)
        if escape is not None:
            errors.append(escape)
            reading.lost_unknown = True
            continue
        root = read_yaml(path, display, errors, reading=reading)
        if root is None or root.value is None:
            continue
        if not isinstance(root.value, list):
            errors.append(DataError(display, root.line, "", "the file must be a YAML list of records"))
            continue
        for item in root.value:
            record = _record(kind, item, display, errors)
            if record is not None:
                reading.records.append(record)
    return reading


def display_path(path: Path) -> str:
    """A file's name as messages show it: relative to the working folder when inside it."""
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
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
        errors.append(
            DataError(
                file,
                line,
                f"{kind.name} at line {node.line}",
                f"id is {shown}; an id is lower case letters, digits, '-' and '.'",
            )
        )
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


def _field_items(spec: Field, node: Node, err: Err) -> list[list[Value]] | None:
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


def _alternatives(spec: Field, node: Node, err: Err, *, allow_conflict: bool) -> list[Value] | None:
    if isinstance(node.value, list) and allow_conflict:
        if len(node.value) < 2 or not all(isinstance(n.value, dict) for n in node.value):
            err(
                node.line,
                f"{spec.name}: a list here means a conflict: give two or more long-form "
                "values ({value: ..., sources: [...]})",
            )
            return None
        alts = [_long_form(spec, n, err) for n in node.value]
        return None if any(a is None for a in alts) else alts  # type: ignore[return-value]
    if isinstance(node.value, dict):
        alt = _long_form(spec, node, err)
        return None if alt is None else [alt]
    value = _scalar_value(spec, node, err)
    return None if value is None else [Value(value, node.line)]


def _long_form(spec: Field, node: Node, err: Err) -> Value | None:
    parts: dict[str, Node] = node.value
    unknown = sorted(set(parts) - set(LONG_FORM_KEYS))
    if unknown:
        err(
            node.line,
            f"{spec.name}: unknown key(s) {', '.join(unknown)} in long form; "
            "use value, sources, note, approximate, as_of",
        )
        return None
    if "value" not in parts:
        err(node.line, f"{spec.name}: long form needs 'value'")
        return None
    value = _scalar_value(spec, parts["value"], err)
    sources: list[str] = []
    if "sources" in parts:
        src = parts["sources"]
        if not isinstance(src.value, list) or not src.value:
            err(src.line, f"{spec.name}: sources must be a non-empty list")
            return None
        for item in src.value:
            try:
                sources.append(check_source(item.value, spec.name))
            except Problem as exc:
                err(item.line, str(exc))
                return None
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
        try:
            as_of = check_date(parts["as_of"].value, f"{spec.name}: as_of")
        except Problem as exc:
            err(parts["as_of"].line, str(exc))
            return None
    if value is None:
        return None
    return Value(
        value,
        node.line,
        tuple(sources),
        note.value if note else None,
        bool(approx and approx.value),
        long_form=True,
        as_of=as_of,
    )


def _scalar_value(spec: Field, node: Node, err: Err) -> Any:
    try:
        return check_scalar(spec, node.value)
    except Problem as exc:
        err(node.line, str(exc))
        return None


def _check_order(record: Record, err: Err) -> None:
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
