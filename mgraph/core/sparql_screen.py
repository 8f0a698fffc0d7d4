"""The one screen of a SPARQL query, for the command line, the Python API and the endpoint.

Refused before any engine sees the text: nesting deeper than the parsers can take, updates
(:class:`UpdateRefused`), ``SERVICE`` in any form, and ``FROM``/``FROM NAMED`` of a graph that
the queried store does not hold. Syntax errors are the engine's to report (with line and
column, see :mod:`mgraph.core.store`): the screen reads tokens, it does not parse.
"""

from __future__ import annotations

from collections.abc import Iterable

from mgraph.core.errors import InputError
from mgraph.core.nesting import located_error, nesting_overflow
from mgraph.core.sparql_text import position
from mgraph.core.sparql_text import tokens as sparql_tokens

MAX_QUERY_DEPTH = 200
"""Deepest nesting of groups, brackets or parentheses accepted in a query."""


class UpdateRefused(InputError):
    """A SPARQL update: refused everywhere (the endpoint answers 403, the command line exit 2)."""


_UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
"""Keywords of SPARQL Update that the query grammar never uses."""


def screen_query(
    text: str,
    *,
    graphs: Iterable[str] = (),
    allow_service: bool = False,
    max_depth: int = MAX_QUERY_DEPTH,
    source: str = "query",
) -> None:
    """Refuse, before any engine sees it, a query that is not safe to run.

    Refused (an :class:`~mgraph.core.errors.InputError` located at the offending word): nesting
    deeper than ``max_depth`` (native parsers die on a few thousand levels), updates
    (:class:`UpdateRefused`), ``SERVICE`` in any form (``SILENT``, a variable, nested at any
    depth) and ``FROM``/``FROM NAMED`` of a graph that is not one of ``graphs`` (the named
    graphs of the store queried). ``allow_service`` lets ``SERVICE`` and ``FROM`` through: for a
    remote endpoint, which decides for itself. The screen reads the query as tokens, in
    microseconds: a keyword is a bare word outside comments, strings, IRIs, variables, prefixed
    names and language tags; the query grammar uses ``SERVICE`` and the update words for nothing
    else, so a bare word is the keyword wherever it stands. Syntax errors are the engine's.

    >>> screen_query("SELECT * WHERE { ?s ?p ?o }")
    >>> screen_query("SELECT * FROM <https://example.org/g> WHERE { ?s ?p ?o }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mgraph.core.errors.InputError: query:1:10: FROM <https://example.org/g> is not allowed: ...
    """
    offset = nesting_overflow(text, max_depth)
    if offset is not None:
        raise located_error(source, text, offset, f"query nested more than {max_depth} levels deep; refused")
    known = set(graphs)
    prefixes: dict[str, str] = {}
    tokens: list[tuple[str, str, int]] = list(sparql_tokens(text))
    for index, (kind, token, start) in enumerate(tokens):
        if kind != "word":
            continue
        word = token.upper()
        if word in _UPDATE_WORDS:
            line, column = position(text, start)
            raise UpdateRefused(
                f"{source}:{line}:{column}: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, ...) are not "
                f"allowed ({word} ...): mgraph answers queries only, on the command line as on its "
                "read-only endpoint"
            )
        if word == "PREFIX" and index + 2 < len(tokens):
            name, iri = tokens[index + 1], tokens[index + 2]
            if name[0] == "pname" and iri[0] == "iri":
                prefixes[name[1].rstrip(":").partition(":")[0]] = iri[1][1:-1]
        if allow_service:
            continue
        if word == "SERVICE":
            following = [t for t in tokens[index + 1 : index + 3] if t[1].upper() != "SILENT"]
            shown = f" {following[0][1]}" if following and following[0][0] in ("iri", "var") else ""
            raise located_error(
                source, text, start, f"SERVICE{shown} is not allowed: queries run on the local graph only"
            )
        if word == "FROM":
            _check_from(text, tokens, index, known, prefixes, source)


def _check_from(
    text: str,
    tokens: list[tuple[str, str, int]],
    index: int,
    known: set[str],
    prefixes: dict[str, str],
    source: str,
) -> None:
    """Refuse ``FROM [NAMED] x`` unless x is, spelt out or as a declared prefixed name, a known graph."""
    start = tokens[index][2]
    following = tokens[index + 1 : index + 3]
    keyword = "FROM"
    if following and following[0][0] == "word" and following[0][1].upper() == "NAMED":
        keyword = "FROM NAMED"
        following = following[1:]
    iri = None
    if following and following[0][0] == "iri":
        iri = following[0][1][1:-1]
    elif following and following[0][0] == "pname":
        prefix, _, local = following[0][1].partition(":")
        if prefix in prefixes and "\\" not in local:
            iri = prefixes[prefix] + local
    if iri is None or iri not in known:
        shown = f"<{iri}>" if iri is not None else (following[0][1] if following else "")
        named = [f"<{g}>" for g in sorted(known)]
        more = ", ..." if len(named) > 5 else ""
        holds = f" (the graphs held: {', '.join(named[:5])}{more})" if named else ""
        raise located_error(
            source,
            text,
            start,
            f"{keyword} {shown} is not allowed: no graph of that name is held here{holds}",
        )
