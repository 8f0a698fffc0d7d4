"""Parameter values checked and turned into RDF terms, bound as data (a VALUES block or initial
bindings, see :mod:`mgraph.core.store`), never pasted into the query text; names resolved to ids.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from mgraph.core.errors import InputError
from mgraph.core.namespaces import MGID
from mgraph.core.schema import ID_PATTERN, kind_named
from mgraph.core.schema import kinds as record_kinds
from mgraph.core.store import RemoteStore, Store
from mgraph.core.terms import Term, check_iri, expand_curie
from mgraph.queries.library import Param, Query

_ID_RE = re.compile(ID_PATTERN)
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_STRING = 1000


class ParameterCapped(UserWarning):
    """A parameter's value was outside its declared range and was capped to it."""


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
                    if kind_named(re.split(r"[/:]", str(value), maxsplit=1)[0]) is not None:
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
    kinds = [param.kind] if param.kind else [k.name for k in record_kinds()]
    if text.startswith(str(MGID)):
        text = text[len(str(MGID)) :]
    elif text.startswith("mgid:"):
        text = text[len("mgid:") :]
    elif kind_named(text.partition(":")[0]) is not None:  # a short name: meeting:cop-5
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
