"""The nesting of brackets in a user's text, counted before any parser sees it.

Deep nesting kills recursive parsers (rdflib's serialisers fail near 300 levels, native parsers
die on a few thousand), so Turtle, TriG, N3, JSON-LD and SPARQL text is scanned once, linearly,
for its deepest bracket; strings, IRIs and comments do not count. Also the one located error of
every screen (``FILE:LINE:COL: message``) and the UTF-8 decoding they share.
"""

from __future__ import annotations

import codecs
import itertools
import re

from mgraph.core.errors import InputError
from mgraph.core.sparql_text import position

MAX_NESTING = 256
"""Deepest bracket (Turtle, JSON) or element (XML) nesting accepted in a user's file.

Real data nests a few levels; rdflib's serialisers recurse once per level and fail near 300."""


def located_error(name: str, text: str | None, offset: int | None, message: str) -> InputError:
    """An InputError located at ``offset`` in ``text`` when both are known."""
    if text is not None and offset is not None and offset >= 0:
        line, column = position(text, offset)
        return InputError(f"{name}:{line}:{column}: {message}")
    return InputError(f"{name}: {message}")


def decode_utf8(data: bytes, name: str) -> str:
    """The text of a file that must be UTF-8 (all formats but RDF/XML), BOM removed."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{name}: is UTF-16 encoded; save it as UTF-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].decode("utf-8", errors="replace")
        raise located_error(name, before, len(before), "is not valid UTF-8") from None


def find_offset(text: str, needle: str) -> int | None:
    """Where ``needle`` first occurs, to point an error at it; None when it does not."""
    offset = text.find(needle)
    return offset if offset >= 0 else None


_IRIREF = r'<(?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'
# What brackets inside do not count in: strings (long ones first), IRIs, comments, escapes.
_RDF_OPAQUE = (
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    rf"|{_IRIREF}"
    r"|#[^\n]*"
    r"|\\[\s\S]"
)
_JSON_OPAQUE = r'"(?:[^"\\]|\\[\s\S])*"'
_SYNTAX = {  # json_syntax -> (opaque tokens, brackets or opaque tokens, anything but brackets)
    False: (
        re.compile(_RDF_OPAQUE),
        re.compile(rf"[\[\](){{}}]|{_RDF_OPAQUE}"),
        re.compile(r"[^\[\](){}]+"),
    ),
    True: (
        re.compile(_JSON_OPAQUE),
        re.compile(rf"[\[\]{{}}]|{_JSON_OPAQUE}"),
        re.compile(r"[^\[\]{}]+"),
    ),
}
_DEPTH_STEP = {"[": 1, "(": 1, "{": 1, "]": -1, ")": -1, "}": -1}


def nesting_overflow(text: str, limit: int, *, json_syntax: bool = False) -> int | None:
    """The offset of the first bracket that nests deeper than ``limit``, or None.

    Counts ``[ ( {`` (JSON: ``[ {``) outside strings, IRIs and comments, in linear time, so
    that input too deep for a recursive parser is refused before that parser sees it. Turtle,
    TriG, N3 and SPARQL share one lexical shape here. The common case runs at C speed (strip
    the opaque tokens, keep the brackets); only a refusal walks the text again to find where.
    """
    opaque, tokens, not_brackets = _SYNTAX[json_syntax]
    opens = "[{" if json_syntax else "[({"
    if sum(text.count(char) for char in opens) <= limit:
        return None
    brackets = not_brackets.sub("", opaque.sub(" ", text))
    depths = itertools.accumulate(
        map(_DEPTH_STEP.__getitem__, brackets), lambda depth, step: max(depth + step, 0)
    )
    if max(depths, default=0) <= limit:
        return None
    depth = 0
    for token in tokens.finditer(text):
        char = token.group()
        if char in opens:
            depth += 1
            if depth > limit:
                return token.start()
        elif len(char) == 1 and char in "])}":
            depth = max(depth - 1, 0)
    return None


def screen_nesting(text: str, name: str, limit: int, *, json_syntax: bool = False) -> None:
    offset = nesting_overflow(text, limit, json_syntax=json_syntax)
    if offset is not None:
        raise located_error(name, text, offset, f"nested more than {limit} levels deep; not read")
