"""The query library: named SPARQL queries with typed parameters, run on any engine.

Each ``queries/NAME.rq`` file starts with a header that documents it and declares its parameters::

    # title: Decisions by meeting
    # question: Which decisions did a meeting adopt?
    # param: meeting id:meeting (any) — the meeting, such as cop-5
    # example: mgraph query decisions-by-meeting --param meeting=cop-5

A parameter is ``NAME TYPE DEFAULT — DESCRIPTION``. TYPE is ``id:KIND`` (a record id of that
kind, turned into its IRI), ``id`` (a record id of any kind, or ``kind/id``), ``iri`` (an IRI or a
prefixed name such as ``mg:Ratification``), ``date`` (YYYY-MM-DD), ``number`` or ``string``.
DEFAULT is a value, ``(any)`` (left unbound when not given: the query then covers every value) or
``(required)``. Values are checked, turned into RDF terms and bound as data (a VALUES block or
initial bindings, see :mod:`mgraph.core.store`), never pasted into the query text.

>>> from mgraph.queries.query import run
>>> rows = run("decisions-by-meeting", meeting="cop-5")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from mgraph.core import locations, sparql_text
from mgraph.core.errors import InputError
from mgraph.core.graphs import open_store
from mgraph.core.namespaces import MGID
from mgraph.core.schema import ID_PATTERN, KINDS, KINDS_BY_NAME
from mgraph.core.store import Answer, RemoteStore, Rows, Store
from mgraph.core.terms import Term, check_iri, compact_iri, expand_curie
from mgraph.queries import GRAPH_FORMATS, ROW_FORMATS

PARAM_TYPES = ("id", "iri", "date", "number", "string", "choice")
ANY = "(any)"
REQUIRED = "(required)"
FORMATS = ROW_FORMATS
"""Formats of SELECT rows (:data:`mgraph.queries.ROW_FORMATS`)."""
RESERVED = frozenset({"params", "engine", "graph", "endpoint", "timeout", "allow_service", "store"})
VIOLATION_SUFFIX = "-violation"

_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+(?::[a-z0-9.|-]+)?)\s+"
    r"(?P<default>\"[^\"]*\"|\S+)\s+(?:—|--|-)\s+(?P<doc>.+)$"
)
_ID_RE = re.compile(ID_PATTERN)
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_STRING = 1000


class ParameterCapped(UserWarning):
    """A parameter's value was outside its declared range and was capped to it."""


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


# --- reading queries -------------------------------------------------------------------------


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
    if kind and kind not in KINDS_BY_NAME:
        problems.append(f"{where}: unknown record kind {kind!r}; kinds are: {', '.join(KINDS_BY_NAME)}")
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


# --- parameters -------------------------------------------------------------------------------


def bind_params(query: Query, values: Mapping[str, Any], store: Store | None = None) -> dict[str, Term]:
    """Check every value against its declared type and turn it into an RDF term.

    Record ids are checked to exist in the graph (one query), so a misspelt id is an error
    rather than an empty result. A name (``COP-5``) is looked up in the graph of ``store`` when it
    is local (see :func:`by_name`). All problems are reported together.
    """
    problems: list[str] = []
    unknown = sorted(set(values) - {p.name for p in query.params})
    for name in unknown:
        declared = ", ".join(p.name for p in query.params) or "none"
        problems.append(f"{query.name}: unknown parameter {name!r} (parameters: {declared})")
    bindings: dict[str, Term] = {}
    ids: dict[str, list[URIRef]] = {}
    for param in query.params:
        value = values.get(param.name)
        if value is None:
            if param.required:
                problems.append(f"{query.name}: parameter {param.name!r} is required ({param.doc})")
                continue
            if param.default is None:
                continue
            value = param.default
        try:
            if param.type == "id":
                try:
                    ids[param.name] = id_candidates(param, value)
                except InputError:  # not an id: a code, label or name (COP-5, MC-5/3, WHO)
                    if re.split(r"[/:]", str(value), maxsplit=1)[0] in KINDS_BY_NAME:
                        raise  # kind/id of another kind: say so, it is no name
                    bindings[param.name] = by_name(param, value, store)
            else:
                bindings[param.name] = to_term(param, value)
        except InputError as exc:
            problems.extend(exc.messages)
    if not problems and ids:
        bindings.update(_resolve_ids(query, ids, values, store, problems))
    if problems:
        raise InputError(problems)
    return bindings


def to_term(param: Param, value: Any) -> Term:
    """The RDF term for a value of a non-id parameter; InputError when it does not fit."""
    where = f"parameter {param.name!r}"
    if param.type == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        try:
            if not _DATE_RE.match(text):
                raise ValueError
            dt.date.fromisoformat(text)
        except ValueError:
            raise InputError(f"{where}: {value!r} is not a date; write YYYY-MM-DD") from None
        return Literal(text, datatype=XSD.date)
    if param.type == "number":
        if isinstance(value, bool):
            raise InputError(f"{where}: {value!r} is not a number")
        text = str(value).strip()
        if isinstance(value, float):
            text = repr(value) if value == value and abs(value) != float("inf") else "nan"
        if not _NUMBER_RE.match(text):
            raise InputError(f"{where}: {value!r} is not a number (digits, optionally with a decimal point)")
        if param.bounds:
            low, high = param.bounds
            number = Decimal(text)
            if not low <= number <= high:
                capped = low if number < low else high
                warnings.warn(
                    f"parameter {param.name!r}: {text} is outside {low}..{high}; using {capped}",
                    ParameterCapped,
                    stacklevel=2,
                )
                text = str(capped)
        if "." in text:
            return Literal(str(Decimal(text)), datatype=XSD.decimal)
        return Literal(str(int(text)), datatype=XSD.integer)
    if param.type == "iri":
        return URIRef(check_iri(expand_curie(str(value).strip())))
    if param.type == "choice":
        if str(value) not in param.choices:
            raise InputError(f"{where}: {value!r} is not one of: {', '.join(param.choices)}")
        return Literal(str(value))
    if param.type == "string":
        text = str(value)
        if len(text) > MAX_STRING:
            raise InputError(f"{where}: longer than {MAX_STRING} characters")
        return Literal(text)
    raise InputError(f"{where}: unknown type {param.type!r}")  # pragma: no cover


def id_candidates(param: Param, value: Any) -> list[URIRef]:
    """The IRIs a record id may stand for: one for ``id:KIND``, one per kind for a bare ``id``."""
    where = f"parameter {param.name!r}"
    text = str(value).strip()
    kinds = [param.kind] if param.kind else [k.name for k in KINDS]
    if text.startswith(str(MGID)):
        text = text[len(str(MGID)) :]
    elif text.startswith("mgid:"):
        text = text[len("mgid:") :]
    elif text.partition(":")[0] in KINDS_BY_NAME:  # a short name: meeting:cop-5
        text = text.replace(":", "/", 1)
    if "/" in text:
        kind, _, text = text.partition("/")
        if kind not in kinds:
            allowed = f"a {param.kind}" if param.kind else "a record kind"
            raise InputError(f"{where}: {kind!r} is not {allowed}")
        kinds = [kind]
    if not _ID_RE.match(text):
        raise InputError(
            f"{where}: {str(value)!r} is not a record id (lower case letters, digits, '-' and '.')"
        )
    return [URIRef(f"{MGID}{kind}/{text}") for kind in kinds]


def by_name(param: Param, value: Any, store: Store | None = None) -> URIRef:
    """The entity a parameter's value names as people write it (``COP-5``, ``MC-5/3``, ``WHO``),
    looked up by :func:`mgraph.networks.search.resolve` in the graph ``store`` holds when it is local,
    else in the project's graph."""
    from mgraph.networks.search import resolve

    names = _names_graph(store) if store is not None else None
    try:
        return URIRef(resolve(str(value), graph=names, kinds=param.kind))
    except InputError as exc:
        raise InputError([f"parameter {param.name!r}: {m}" for m in exc.messages]) from None


def _resolve_ids(
    query: Query,
    ids: dict[str, list[URIRef]],
    values: Mapping[str, Any],
    store: Store | None,
    problems: list[str],
) -> dict[str, Term]:
    """Keep, for each id parameter, the one candidate IRI the graph has a record for."""
    if store is None:  # nothing to check against: only a kind-specific id is unambiguous
        out: dict[str, Term] = {}
        for name, candidates in ids.items():
            if len(candidates) == 1:
                out[name] = candidates[0]
            else:
                problems.append(f"parameter {name!r}: give the id as kind/id")
        return out
    out = {}
    for name, candidates in ids.items():
        hits = [iri for iri in candidates if store.query(_EXISTS, {"s": iri}) is True]
        param = query.param(name)
        what = param.kind if param and param.kind else "record"
        if not hits and param is not None:
            try:  # an id that is not there may still be a name: "who", "bfa"
                hits = [by_name(param, values.get(name, ""), store)]
            except InputError:
                problems.append(
                    f"parameter {name!r}: no {what} with id {str(values.get(name, ''))!r} in the graph"
                )
                continue
        elif len(hits) > 1:
            shown = ", ".join(str(h)[len(str(MGID)) :] for h in hits)
            problems.append(f"parameter {name!r}: ambiguous id; give one of: {shown}")
        else:
            out[name] = hits[0]
    return out


_EXISTS = "ASK { ?s a ?type }"


# --- running ----------------------------------------------------------------------------------


def screen(
    text: str, *, store: Store | None = None, allow_service: bool = False, source: str = "query"
) -> None:
    """Refuse unsafe queries before any engine sees them, with the endpoint's screen
    (:func:`mgraph.core.sparql_screen.screen_query`): ``FROM`` may name a graph ``store`` holds. An undeclared
    prefix is named with the closest known one; syntax errors are the engine's, when it runs.
    """
    from mgraph.core.sparql_screen import screen_query

    check_prefixes(text, source)
    remote = isinstance(store, RemoteStore)
    graphs = store.graph_names() if store is not None and not remote else ()
    screen_query(text, graphs=graphs, allow_service=allow_service, source=source)


def check_prefixes(text: str, source: str = "query") -> None:
    """An InputError naming the first prefix a query uses without declaring it (ours need no
    declaration), with the closest known prefix."""
    from mgraph.core.namespaces import PREFIXES

    known = set(PREFIXES) | set(sparql_text.declared_prefixes(text))
    for prefix, local, offset in sparql_text.prefixed_names(text):
        if prefix in known:
            continue
        line, column = sparql_text.position(text, offset)
        close = difflib.get_close_matches(prefix, sorted(known), n=1)
        hint = f"; did you mean {close[0]}:?" if close else ""
        raise InputError(
            f"{source}:{line}:{column}: undeclared prefix '{prefix}:' in {prefix}:{local} "
            f"(declare it with PREFIX {prefix}: <...>){hint}"
        )


class QueryWarning(UserWarning):
    """A query that runs but probably not as meant: a term not in the ontology, an entity not in
    the graph, a plain string where the graph's values carry a language tag."""


def check_query(text: str, store: Store | None = None, answer: Answer | None = None) -> list[str]:
    """What in a query is probably a mistake, one message each (nothing is raised):

    - an ``mg:`` class or property that the ontology does not define, with the closest term;
    - a short name of an entity (``meeting:cop-55``) that the project's graph does not hold
      (checked when ``store`` is the project's graph), with the closest names;
    - when the answer is empty (no rows, or false) and ``store`` is local: a plain string
      compared with values that the graph holds only with a language tag
      (``rdfs:label "David Kapindula"`` against ``"David Kapindula"@en``).
    """
    messages = _unknown_terms(text)
    if store is not None and not isinstance(store, RemoteStore):
        from mgraph.core.graphs import is_project_store

        if is_project_store(store):
            messages += _unknown_entities(text)
        empty = answer is False or (isinstance(answer, Rows) and not answer)
        if empty:
            messages += _tagged_only(text, store)
    return messages


def _where(text: str, offset: int) -> str:
    line, column = sparql_text.position(text, offset)
    return f"line {line}, column {column}"


def _used_iris(text: str) -> list[tuple[str, str, int]]:
    """``(iri, as written, offset)`` of the prefixed names and IRIs a query uses."""
    from mgraph.core.namespaces import PREFIXES

    known = {**{p: str(ns) for p, ns in PREFIXES.items()}, **sparql_text.declared_prefixes(text)}
    out = []
    for prefix, local, offset in sparql_text.prefixed_names(text):
        if prefix in known:
            local_name = re.sub(r"\\(.)", r"\1", local)
            out.append((known[prefix] + local_name, f"{prefix}:{local}", offset))
    for kind, word, offset in sparql_text.tokens(text):
        if kind == "iri":
            out.append((word[1:-1], word, offset))
    return out


def _ontology_terms() -> frozenset[str]:
    global _TERMS
    if _TERMS is None:
        import pyoxigraph as ox

        terms = set()
        with open(locations.ONTOLOGY, "rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
                for term in (triple.subject, triple.predicate, triple.object):
                    if isinstance(term, ox.NamedNode):
                        terms.add(term.value)
        _TERMS = frozenset(terms)
    return _TERMS


_TERMS: frozenset[str] | None = None


def _unknown_terms(text: str) -> list[str]:
    from mgraph.core.namespaces import MG

    ours = [(iri, written, at) for iri, written, at in _used_iris(text) if iri.startswith(str(MG))]
    if not ours:
        return []
    terms = _ontology_terms()
    local_names = sorted({t[len(str(MG)) :] for t in terms if t.startswith(str(MG))})
    messages = []
    for iri, written, offset in ours:
        if iri in terms or iri == str(MG):
            continue
        local = iri[len(str(MG)) :]
        close = [n for n in local_names if n.casefold() == local.casefold()]
        close = close or difflib.get_close_matches(local, local_names, n=1, cutoff=0.6)
        hint = f"; did you mean mg:{close[0]}?" if close else ""
        messages.append(f"{written} ({_where(text, offset)}) is not a term of the ontology{hint}")
    return messages


def _unknown_entities(text: str) -> list[str]:
    from mgraph.networks.search import project_names

    used = [(iri, w, at) for iri, w, at in _used_iris(text) if iri.startswith(str(MGID))]
    kinds = {k.name for k in KINDS}
    used = [u for u in used if u[0][len(str(MGID)) :].partition("/")[0] in kinds]
    if not used:
        return []
    names = project_names()
    messages = []
    for iri, written, offset in used:
        if iri in names.entities:
            continue
        close = names.closest(iri[len(str(MGID)) :].rpartition("/")[2], n=3)
        hint = f"; did you mean {', '.join(compact_iri(i) for i in close)}?" if close else ""
        messages.append(f"{written} ({_where(text, offset)}) is no entity of the graph{hint}")
    return messages


_TAGGED = (
    "SELECT ?tag WHERE { ?s ?p ?value . FILTER (isLiteral(?value) && STR(?value) = ?text) "
    "BIND (LANG(?value) AS ?tag) } ORDER BY ?tag LIMIT 2"
)
MAX_STRING_CHECKS = 5
"""Plain strings of one query checked against the graph (one quick query each)."""


def _tagged_only(text: str, store: Store) -> list[str]:
    """Plain strings after a predicate that the graph holds, for that predicate, only with a
    language tag (the predicate is bound, so each check reads one predicate's values)."""
    from mgraph.core.namespaces import PREFIXES

    known = {**{p: str(ns) for p, ns in PREFIXES.items()}, **sparql_text.declared_prefixes(text)}
    messages = []
    for written, value, offset in list(sparql_text.plain_strings(text))[:MAX_STRING_CHECKS]:
        prefix, _, local = written.partition(":")
        if written.startswith("<"):
            predicate = written[1:-1]
        elif prefix in known and "\\" not in local:
            predicate = known[prefix] + local
        else:
            continue
        rows = store.query(_TAGGED, {"p": URIRef(predicate), "text": Literal(value)})
        tags = [r["tag"] for r in rows] if isinstance(rows, Rows) else []
        if not tags or "" in tags:
            continue  # not in the graph at all, or there as written
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        messages.append(
            f"{written} {quoted} ({_where(text, offset)}) matches nothing: the graph holds this "
            f"value only with a language tag; write {quoted}@{tags[0]}, or compare with STR(...)"
        )
    return messages


def _names_graph(target: Store) -> Any:
    """Where names are looked up: the graph queried when it is local and not the project's own;
    the project's graph (None) for it and for a remote endpoint."""
    from mgraph.core.graphs import is_project_store
    from mgraph.core.store import OxigraphStore, RdflibStore

    if isinstance(target, RemoteStore) or is_project_store(target):
        return None
    if isinstance(target, OxigraphStore):
        return target.store
    if isinstance(target, RdflibStore):
        return target.graph
    return None


DEFAULT_TIMEOUT = 60.0
"""Seconds a local query may take from the command line (parsing, screening and evaluation)."""


def run(
    query: str | Path,
    params: Mapping[str, Any] | None = None,
    /,
    *,
    engine: str | None = None,
    graph: str | Path | Graph | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
    store: Store | None = None,
    **kwparams: Any,
) -> Answer:
    """Run a library query (by name) or a .rq file: rows for SELECT, a bool for ASK, triples else.

    Parameters go as keywords (``run("decisions-by-meeting", meeting="cop-5")``) or as a
    mapping. Values are str, int, Decimal/float, datetime.date, bool or None. ``engine`` is
    "oxigraph" (default) or "rdflib"; ``endpoint`` asks a remote SPARQL endpoint instead;
    ``graph`` is an RDF file or an rdflib Graph (default: dist/mercury.nt, else data/).
    ``timeout`` (seconds; None or 0: none) covers screening, binding and evaluation of a local
    query, which runs where it can be stopped (:mod:`mgraph.core.timelimit`); a remote query always
    has one (default 60 s). What in the query is probably a mistake (see :func:`check_query`)
    is reported as a :class:`QueryWarning`.

    >>> rows = run("decisions-by-meeting", meeting="cop-5")
    >>> rows.columns[:3]
    ['adopted_at', 'meeting_label', 'meeting_start']
    >>> sorted(r["code"] for r in rows if r["code"])[:2]
    ['MC-5/1', 'MC-5/11']
    """
    spec = get_query(query)
    target = (
        store if store is not None else open_store(engine, graph=graph, endpoint=endpoint, timeout=timeout)
    )
    bindings = bind_params(spec, {**(params or {}), **kwparams}, target)
    screen(spec.text, store=target, allow_service=allow_service, source=str(spec.path))
    answer = target.query(
        spec.text, bindings, timeout=timeout, source=str(spec.path), what=f"query {spec.name}"
    )
    for message in check_query(spec.text, target, answer):
        warnings.warn(f"{spec.path.name}: {message}", QueryWarning, stacklevel=2)
    return answer


def to_dataframe(rows: Rows | list[dict[str, Any]]):
    """The rows as a pandas DataFrame (pandas is optional: install it to use this)."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
    columns = getattr(rows, "columns", None) or (list(rows[0]) if rows else [])
    return pd.DataFrame(list(rows), columns=columns)


# --- output -----------------------------------------------------------------------------------


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(re.match(r"^(https?|urn|mailto):\S+$", value))


def cell(value: Any, *, short: bool = False) -> str:
    """A value as text: ISO dates, exact decimals, true/false, '' for unbound."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if short and _is_iri(value):
        return compact_iri(value)
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def format_answer(answer: Answer, fmt: str = "table", **table: Any) -> str:
    """Any query's answer as text: rows as :func:`format_rows`, a boolean, or RDF for triples.

    Triples are written as Turtle for the row formats (table, markdown), as N-Triples for
    ntriples, csv and tsv, and as JSON-LD with its context embedded for json and jsonld.
    """
    from mgraph.core.store import Triples

    if isinstance(answer, bool):
        if fmt not in (*FORMATS, *GRAPH_FORMATS):
            raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        if fmt in ("json", "jsonld"):
            return f'{{"boolean": {"true" if answer else "false"}}}\n'
        return ("true" if answer else "false") + "\n"
    if isinstance(answer, Triples):
        from mgraph.core.serialize import jsonld_context, to_jsonld, to_ntriples, to_turtle

        if fmt in ("json", "jsonld"):
            return to_jsonld(list(answer), jsonld_context()).decode("utf-8")
        if fmt in ("ntriples", "csv", "tsv"):
            return to_ntriples(list(answer)).decode("utf-8")
        if fmt in ("turtle", "table", "markdown"):
            return to_turtle(list(answer)).decode("utf-8")
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(GRAPH_FORMATS)}")
    if fmt in GRAPH_FORMATS:
        raise InputError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; SELECT rows take one of: {', '.join(FORMATS)}"
        )
    return format_rows(answer, fmt, **table)


def format_rows(
    rows: Rows | list[dict[str, Any]],
    fmt: str = "table",
    *,
    width: int | None = None,
    truncate: bool = True,
    columns: list[str] | None = None,
) -> str:
    """Rows as text: an aligned table, CSV, TSV, JSON (a list of objects) or Markdown.

    ``columns`` keeps only those columns, in that order (an unknown name is an error). A table
    fits in ``width`` characters by wrapping cells at word boundaries (:mod:`mgraph.core.tables`);
    it leaves out an IRI column whose entities a label column names (see
    :func:`hidden_iri_columns`) unless ``columns`` asks for it; IRIs are written as short names
    (``meeting:cop-5``).
    """
    available = getattr(rows, "columns", None) or (list(rows[0]) if rows else [])
    if columns:
        unknown = [c for c in columns if c not in available]
        if unknown:
            raise InputError(f"no column {unknown[0]!r}; the columns are: {', '.join(available)}")
    chosen = bool(columns)
    columns = list(columns or available)
    if fmt == "json":
        import json

        data = [{c: json_value(r.get(c)) for c in columns} for r in rows]
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            values = [cell(r.get(c)) for c in columns]
            if fmt == "tsv":
                values = [" ".join(v.split()) for v in values]
            writer.writerow(values)
        return out.getvalue()
    if fmt == "markdown":

        def esc(text: str) -> str:
            return " ".join(text.replace("|", "\\|").split())

        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(esc(cell(r.get(c), short=True)) for c in columns) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        hidden = [] if chosen else hidden_iri_columns(columns, list(rows))
        shown = [c for c in columns if c not in hidden]
        note = f"; not shown: {', '.join(hidden)}, the IRIs of labelled entities: see --columns"
        return _table(shown, rows, width, truncate, note if hidden else "")
    raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _table(
    columns: list[str],
    rows: list[dict[str, Any]],
    width: int | None = None,
    truncate: bool = True,
    note: str = "",
) -> str:
    """An aligned table (see :func:`mgraph.core.tables.render`); without ``truncate``, whole cells
    on one line each, whatever the width."""
    from mgraph.core.tables import render

    texts = [[cell(r.get(c), short=True) for c in columns] for r in rows]
    numeric = [
        i
        for i, c in enumerate(columns)
        if rows
        and all(isinstance(r.get(c), (int, float, Decimal)) or r.get(c) is None for r in rows)
        and any(r.get(c) is not None for r in rows)
    ]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{note})"
    return render(
        columns,
        texts,
        width=width if truncate else None,
        footer_width=width,
        shorten=truncate,
        footer=footer,
        right=[i for i in numeric if not isinstance(rows[0].get(columns[i]), bool)],
    )


def hidden_iri_columns(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """IRI columns a table leaves out because a label column names the same entities: ``X``
    beside ``X_label``, and the nearest IRI column before a plain ``label``."""
    iri_columns = [
        c
        for c in columns
        if any(r.get(c) is not None for r in rows)
        and all(r.get(c) is None or _is_iri(r.get(c)) for r in rows)
    ]
    hidden = [c for c in iri_columns if f"{c}_label" in columns]
    if "label" in columns:
        before = [c for c in iri_columns if columns.index(c) < columns.index("label")]
        if before:
            hidden.append(before[-1])
    return [c for c in columns if c in hidden]


def list_rows() -> Rows:
    """One row per library query: its name, question and parameters."""
    rows = [
        {"name": q.name, "question": q.question, "parameters": ", ".join(p.spec() for p in q.params)}
        for q in library().values()
    ]
    return Rows(["name", "question", "parameters"], rows)


def format_list(width: int = 80) -> str:
    """The library for reading: each query's name, its question and its parameters, wrapped at
    spaces to ``width`` columns."""
    from mgraph.core.tables import wrap

    out = []
    for row in list_rows():
        out.append(row["name"])
        out += ["    " + line for line in wrap(row["question"], width - 4)]
        if row["parameters"]:
            lines = wrap(f"parameters: {row['parameters']}", width - 8)
            out += ["    " + lines[0]] + ["        " + line for line in lines[1:]]
    return "\n".join(out) + "\n"
