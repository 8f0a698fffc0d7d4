"""The query library: named SPARQL queries with typed parameters (``queries/NAME.rq``).

Each ``queries/NAME.rq`` file starts with a header that documents it and declares its parameters::

    # title: Decisions by meeting
    # question: Which decisions did a meeting adopt?
    # param: meeting id:meeting (any) — the meeting, such as cop-5
    # example: mgraph query decisions-by-meeting --param meeting=cop-5

A parameter is ``NAME TYPE DEFAULT — DESCRIPTION``. TYPE is ``id:KIND`` (a record id of that
kind, turned into its IRI), ``id`` (a record id of any kind, or ``kind/id``), ``iri`` (an IRI or a
prefixed name such as ``mg:Ratification``), ``date`` (YYYY-MM-DD), ``number``, ``string`` or
``choice:a|b``. DEFAULT is a value, ``(any)`` (left unbound when not given: the query then covers
every value) or ``(required)``. Binding is :mod:`mgraph.queries.binding`, running
:mod:`mgraph.queries.query`, output :mod:`mgraph.queries.render`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from mgraph.core import locations
from mgraph.core.errors import InputError
from mgraph.core.schema import kind_named, kinds

PARAM_TYPES = ("id", "iri", "date", "number", "string", "choice")
ANY = "(any)"
REQUIRED = "(required)"
RESERVED = frozenset({"params", "engine", "graph", "endpoint", "timeout", "allow_service", "store"})
VIOLATION_SUFFIX = "-violation"
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+(?::[a-z0-9.|-]+)?)\s+"
    r"(?P<default>\"[^\"]*\"|\S+)\s+(?:—|--|-)\s+(?P<doc>.+)$"
)


@dataclass(frozen=True)
class Param:
    """A declared query parameter: its type decides how a value becomes an RDF term."""

    name: str
    type: str  # one of PARAM_TYPES
    kind: str | None  # the record kind of an "id", None for any kind
    default: str | None  # None: no default (see ``required``)
    required: bool
    doc: str
    bounds: tuple[int, int] | None = None  # a number's range: values outside are capped
    choices: tuple[str, ...] = ()  # the words a "choice" takes

    def spec(self) -> str:
        typ = f"id:{self.kind}" if self.kind else self.type
        if self.bounds:
            typ = f"number:{self.bounds[0]}..{self.bounds[1]}"
        if self.choices:
            typ = f"choice:{'|'.join(self.choices)}"
        default = REQUIRED if self.required else (ANY if self.default is None else self.default)
        return f"{self.name} {typ} {default}"


@dataclass(frozen=True)
class Query:
    """A query file with its header: what it answers and the parameters it takes."""

    name: str
    path: Path
    text: str
    title: str
    question: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def is_check(self) -> bool:
        """Data quality checks return no rows on good data."""
        return self.name.endswith(VIOLATION_SUFFIX)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_query(text: str, name: str, path: Path) -> Query:
    """Read a query's header comments; a malformed header line is an error, not ignored."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    examples: list[str] = []
    notes: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip()
        key, sep, value = body.partition(":")
        key = key.strip().lower()
        if sep and key in ("title", "question"):
            fields[key] = value.strip()
        elif sep and key == "param":
            param = _parse_param(value.strip(), f"{path}:{number}", problems)
            if param is not None:
                params.append(param)
        elif sep and key == "example":
            examples.append(value.strip())
        elif body:
            notes.append(body)
    names = [p.name for p in params]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{path}: parameter '{duplicate}' is declared twice")
    if problems:
        raise InputError(problems)
    return Query(
        name,
        path,
        text,
        fields.get("title", name),
        fields.get("question", ""),
        tuple(params),
        tuple(examples),
        tuple(notes),
    )


def _parse_param(spec: str, where: str, problems: list[str]) -> Param | None:
    match = _PARAM_RE.match(spec)
    if not match:
        problems.append(f"{where}: a parameter is 'NAME TYPE DEFAULT — DESCRIPTION', got {spec!r}")
        return None
    name, typ, default = match["name"], match["type"], match["default"]
    base, _, kind = typ.partition(":")
    bounds: tuple[int, int] | None = None
    if base == "number" and kind:
        low, sep, high = kind.partition("..")
        if not (sep and low.isdigit() and high.isdigit() and int(low) <= int(high)):
            problems.append(f"{where}: a number's range is number:MIN..MAX, got {typ!r}")
            return None
        bounds, kind = (int(low), int(high)), ""
    choices: tuple[str, ...] = ()
    if base == "choice":
        choices, kind = tuple(w for w in kind.split("|") if w), ""
        if not choices:
            problems.append(f"{where}: a choice lists its words, as choice:a|b|c, got {typ!r}")
            return None
    if base not in PARAM_TYPES or (kind and base != "id"):
        problems.append(
            f"{where}: parameter type {typ!r} is not one of: "
            "id, id:KIND, iri, date, number, number:MIN..MAX, string, choice:A|B"
        )
        return None
    if kind and kind_named(kind) is None:
        names = ", ".join(k.name for k in kinds())
        problems.append(f"{where}: unknown record kind {kind!r}; kinds are: {names}")
        return None
    if name in RESERVED:
        problems.append(f"{where}: parameter name {name!r} is reserved; choose another")
        return None
    required = default == REQUIRED
    value = None if default in (ANY, REQUIRED) else default.strip('"')
    return Param(name, base, kind or None, value, required, match["doc"].strip(), bounds, choices)


def library(directory: Path | None = None) -> dict[str, Query]:
    """Every library query by name, read from ``queries/*.rq``."""
    folder = directory or locations.QUERIES
    return {p.stem: read_query(p) for p in sorted(folder.glob("*.rq"))}


def read_query(path: str | Path) -> Query:
    """A query file: from the library or a user's own .rq file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot read the query: {exc}") from exc
    return parse_query(text, file.stem, file)


def get_query(name_or_path: str | Path) -> Query:
    """A library query by name, or a .rq file by path."""
    text = str(name_or_path)
    file = Path(text)
    if text.endswith(".rq") or "/" in text or file.is_file():
        if not file.is_file():
            raise InputError(f"{file}: no such query file")
        return read_query(file)
    candidate = locations.QUERIES / f"{text}.rq"
    if candidate.is_file():
        return read_query(candidate)
    names = sorted(p.stem for p in locations.QUERIES.glob("*.rq"))
    close = difflib.get_close_matches(text, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `mgraph query --list`"
    raise InputError(f"no library query named {text!r}{hint}")
