"""Typed records and the one place for the data's type rules and limits.

The schema table (:mod:`mgraph.core.schema`) says which fields a kind has and what type each is; this
module says what each type accepts (:data:`SCALARS`: the check that normalises a YAML value and
the JSON Schema fragment that says the same to editors) and how large a data file may be. The
reader (:mod:`mgraph.core.records`), the JSON Schema (:mod:`mgraph.curation.jsonschema`, ``data/schema.json``)
and ``data/README.md`` are all derived from here, so the rules cannot drift apart.

Records are plain typed dataclasses (:class:`Record`, :class:`Value`), not pydantic models:
``benchmarks/records.py`` measures both on ``data/`` (see its docstring for the figures).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import URIRef

from mgraph.core.schema import ID_PATTERN, Field, Kind, ValueType

# Limits on a data file: a hostile or broken file ends in a file:line error, never a runaway.
MAX_FILE_BYTES = 16 * 1024 * 1024
"""A data file larger than this is refused before it is parsed (our largest is ~130 kB)."""
MAX_VALUE_CHARS = 10_000
"""No text value (name, note, description, URL...) may be longer (our longest is ~550)."""
MAX_ALIAS_NODES = 10_000
"""YAML aliases (``*x``) may copy at most this many values in all, per file ("billion laughs").
``mgraph lint`` writes aliases out, so canonical files have none."""
MAX_DEPTH = 20
"""YAML collections may nest at most this deep (records need 5)."""

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DURATION_RE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
ID_RE = re.compile(ID_PATTERN)
LONG_FORM_KEYS = ("value", "as_of", "sources", "note", "approximate")
"""The keys of a value written in long form, in their canonical order."""


class Problem(ValueError):
    """A value breaks its field's type rule; the message names the field and the value."""


# ---------------------------------------------------------------------------------------------
# Typed records


@dataclass(frozen=True)
class Value:
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
    values: dict[str, list[list[Value]]] = field(default_factory=dict)
    # field name -> items (one for single-valued fields) -> alternatives (several = conflict)
    sources: list[Value] = field(default_factory=list)
    field_lines: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind.name} '{self.id}'"

    def first(self, name: str) -> Value | None:
        """The field's (first item's) preferred value, or None when the field is absent."""
        items = self.values.get(name)
        return items[0][0] if items else None

    def get(self, name: str, default: Any = None) -> Any:
        """The plain value of :meth:`first`: ``record.get("kind")`` -> ``"cop"``."""
        first = self.first(name)
        return default if first is None else first.value

    def all(self, name: str) -> list[Value]:
        """Every value of the field: each item's alternatives, in order."""
        return [alt for item in self.values.get(name, ()) for alt in item]


# ---------------------------------------------------------------------------------------------
# Type rules: one per ValueType, each a check and the JSON Schema saying the same


@dataclass(frozen=True)
class Scalar:
    """What one value type accepts: ``check`` normalises a YAML value or raises Problem."""

    check: Callable[[Any, Field], Any]
    schema: Callable[[Field], dict[str, Any]]


def _text(value: Any, spec: Field) -> str:
    text = str(value) if isinstance(value, (int, float)) else value
    if not isinstance(text, str):
        raise Problem(f"{spec.name}: expected {spec.type}, got {value!r}")
    if spec.pattern and not re.match(spec.pattern, text):
        raise Problem(f"{spec.name}: {text!r} does not match the pattern {spec.pattern}")
    return text


def _int(value: Any, spec: Field) -> int:
    if isinstance(value, int):
        return value
    raise Problem(f"{spec.name}: expected a whole number, got {value!r}")


def _decimal(value: Any, spec: Field) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise Problem(f"{spec.name}: expected a number, got {value!r}") from None


def _date(value: Any, spec: Field) -> str:
    text = str(value)
    match = DATE_RE.match(text)
    if not match:
        raise Problem(f"{spec.name}: {text!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise Problem(f"{spec.name}: {text!r} is an impossible date ({exc})") from None
    return text


def _matching(regex: re.Pattern[str], what: str) -> Callable[[Any, Field], str]:
    def check(value: Any, spec: Field) -> str:
        if isinstance(value, str) and regex.match(value):
            return value
        raise Problem(f"{spec.name}: expected {what}, got {value!r}")

    return check


def _ref(value: Any, spec: Field) -> str:
    if isinstance(value, str) and ID_RE.match(value):
        return value
    raise Problem(f"{spec.name}: expected the id of a {' or '.join(spec.targets)}, got {value!r}")


def _enum(value: Any, spec: Field) -> str:
    if value in spec.enum:
        return str(value)
    raise Problem(f"{spec.name}: {value!r} is not one of: {', '.join(spec.enum)}")


def _string(pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": MAX_VALUE_CHARS}
    if pattern:
        schema["pattern"] = pattern
    return schema


SCALARS: dict[ValueType, Scalar] = {
    "str": Scalar(_text, lambda spec: _string(spec.pattern)),
    "text": Scalar(_text, lambda spec: _string(spec.pattern)),
    "int": Scalar(_int, lambda spec: {"type": "integer"}),
    "decimal": Scalar(_decimal, lambda spec: {"type": "number"}),
    "date": Scalar(_date, lambda spec: {"type": ["string", "integer"], "pattern": DATE_RE.pattern}),
    "duration": Scalar(
        _matching(DURATION_RE, "an ISO 8601 duration such as PT90M"),
        lambda spec: _string(DURATION_RE.pattern),
    ),
    "url": Scalar(_matching(URL_RE, "an http(s) URL"), lambda spec: _string(URL_RE.pattern)),
    "ref": Scalar(_ref, lambda spec: _string(ID_PATTERN)),
    "enum": Scalar(_enum, lambda spec: {"enum": list(spec.enum)}),
}


def check_date(value: Any, name: str) -> str:
    """A date of YYYY-MM-DD, YYYY-MM or YYYY that exists, as its text."""
    return _date(value, Field(name, URIRef(""), "date"))


def check_source(value: Any, name: str) -> str:
    """A source: a URL or the id of a record in sources.yaml."""
    if isinstance(value, str) and (URL_RE.match(value) or ID_RE.match(value)):
        return value
    raise Problem(f"{name}: source {value!r} is neither a URL (http(s)://...) nor a source id")


SOURCE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "maxLength": MAX_VALUE_CHARS,
    "anyOf": [{"pattern": URL_RE.pattern}, {"pattern": ID_PATTERN}],
}


def check_scalar(spec: Field, value: Any) -> Any:
    """A field's single YAML value, normalised by its type's rule; raises Problem."""
    if spec.name == "sources":
        return check_source(value, spec.name)
    if isinstance(value, (list, dict)):
        raise Problem(f"{spec.name} must be a single {spec.type} value")
    if value is None or value == "":
        raise Problem(f"{spec.name} is empty; leave the field out instead")
    if isinstance(value, bool):
        raise Problem(f"{spec.name}: expected {spec.type}, got {value!r}")
    return SCALARS[spec.type].check(value, spec)


def scalar_schema(spec: Field) -> dict[str, Any]:
    """The JSON Schema of one value of ``spec`` (short form)."""
    return SOURCE_SCHEMA if spec.name == "sources" else SCALARS[spec.type].schema(spec)


LIMITS_DOC = (
    f"**Limits.** A data file may be at most {MAX_FILE_BYTES:,} bytes, and no value longer than "
    f"{MAX_VALUE_CHARS:,} characters.\nCollections nest at most {MAX_DEPTH} deep; YAML aliases "
    f"(`*name`) may copy at most {MAX_ALIAS_NODES:,} values in a file\n(`mgraph lint` writes them out). "
    "A file must be UTF-8, and a symbolic link in `data/` must point inside `data/`.\n"
    "Each is a `file:line` error (exit 2).\n"
)
"""The limits, as the first paragraph of data/README.md's generated part."""
