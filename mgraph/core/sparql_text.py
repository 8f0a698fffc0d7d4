"""The one SPARQL lexer: a query's text as tokens, for the few things we read without a parser.

Used to find a query's form and its WHERE group (binding parameters for a remote endpoint), to
drop comments (SPARQLWrapper reads words in them), to blank out strings, IRIs and comments
(the SHACL engine's checks of SPARQL constraints), and by the endpoint's fast screen (SERVICE,
updates, FROM). A keyword is a ``word`` token: never a word inside a comment, a string, an IRI,
a variable, a prefixed name or a language tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.:%-]|\\.)*)
  | (?P<word>[^\W\d][\w]*)
  | (?P<brace>[{}])
  | (?P<space>\s+)
  | (?P<other>[\s\S])
""",
    re.VERBOSE,
)
"""Token kinds: comment, string, var, lang, iri, pname, word, brace, space, other."""

OPAQUE = frozenset({"comment", "string", "iri"})
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` of every token but white space."""
    for match in TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "space":
            yield kind, match.group(), match.start()


def strip_comments(text: str) -> str:
    """The text without its comments, line breaks kept (so lines and columns stay)."""
    return "".join(
        "\n" * m.group().count("\n") if m.lastgroup == "comment" else m.group() for m in TOKEN.finditer(text)
    )


def blank_opaque(text: str) -> str:
    """The text with strings, IRIs and comments blanked out (same length, same offsets).

    >>> blank_opaque('ASK { ?x <urn:a> "SERVICE" } # MINUS')
    'ASK { ?x                   }        '
    """
    return TOKEN.sub(lambda m: " " * len(m.group()) if m.lastgroup in OPAQUE else m.group(), text)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword; None when there is none."""
    for kind, token, _ in tokens(text):
        if kind == "word" and token.upper() in FORMS:
            return token.upper()
    return None


def where_brace(text: str) -> int | None:
    """Offset of the ``{`` that opens the query's WHERE group (after a CONSTRUCT template)."""
    skip_template = query_form(text) == "CONSTRUCT"
    depth = 0
    seen_where = False
    for kind, word, offset in tokens(text):
        if kind == "word" and word.upper() == "WHERE" and depth == 0:
            seen_where = True
        elif kind == "brace" and word == "{":
            if depth == 0 and (not skip_template or seen_where):
                return offset
            depth += 1
        elif kind == "brace":
            depth -= 1
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def declared_prefixes(text: str) -> dict[str, str]:
    """``PREFIX p: <ns>`` declarations of a query: prefix -> namespace."""
    out: dict[str, str] = {}
    found = list(tokens(text))
    for index, (kind, word, _) in enumerate(found):
        if kind == "word" and word.upper() == "PREFIX" and index + 2 < len(found):
            (name_kind, name, _), (iri_kind, iri, _) = found[index + 1], found[index + 2]
            if name_kind == "pname" and name.endswith(":") and iri_kind == "iri":
                out[name[:-1]] = iri[1:-1]
    return out


def prefixed_names(text: str) -> Iterator[tuple[str, str, int]]:
    """``(prefix, local, offset)`` of every prefixed name used in a query (not in PREFIX lines,
    not a blank node label ``_:b``); the local part as written, escapes and all."""
    previous = ("", "", -1)
    for kind, word, offset in tokens(text):
        declaring = previous[0] == "word" and previous[1].upper() == "PREFIX"
        blank = previous[1] == "_" and previous[2] + 1 == offset
        if kind == "pname" and not declaring and not blank:
            prefix, _, local = word.partition(":")
            yield prefix, local, offset
        previous = (kind, word, offset)


_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def expand_escaped_names(text: str, prefixes: dict[str, str]) -> str:
    """The query with each prefixed name that has a backslash escape (``mgid:meeting\\/cop-3``)
    written as the full IRI it stands for (``<https://w3id.org/mgraph/id/meeting/cop-3>``).

    rdflib keeps the backslash in the IRI; Oxigraph, as SPARQL says, drops it. Written out, the
    name means the same on every engine. Names of unknown prefixes are left as they are.

    >>> expand_escaped_names("ASK { mgid:meeting\\\\/cop-3 ?p ?o }", {"mgid": "https://w3id.org/mgraph/id/"})
    'ASK { <https://w3id.org/mgraph/id/meeting/cop-3> ?p ?o }'
    """
    if "\\" not in text:
        return text
    known = {**prefixes, **declared_prefixes(text)}
    out = []
    last = 0
    for prefix, local, offset in prefixed_names(text):
        if "\\" in local and prefix in known:
            end = offset + len(prefix) + 1 + len(local)
            unescaped = _LOCAL_ESCAPE.sub(lambda m: m.group(1), local)
            out += [text[last:offset], f"<{known[prefix]}{unescaped}>"]
            last = end
    return "".join(out) + text[last:]


_OPENERS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_WHAT = {"{": "the group", "(": "the '('", "[": "the '['"}


def unbalanced(text: str) -> tuple[int, str] | None:
    """The first bracket that does not pair, as ``(offset, message)``: a ``{``, ``(`` or ``[``
    never closed (``missing '}' to close the group opened at 3:9``), or a closer with nothing
    open or of the wrong kind. None when all pair (strings, IRIs and comments do not count)."""
    stack: list[tuple[str, int]] = []

    def indent(offset: int) -> int:
        """The indentation of the line of ``offset``."""
        before = text[text.rfind("\n", 0, offset) + 1 : offset]
        return len(before) - len(before.lstrip())

    def alone(offset: int) -> bool:
        """Whether only white space comes before ``offset`` on its line."""
        return not text[text.rfind("\n", 0, offset) + 1 : offset].strip()

    for kind, word, offset in tokens(text):
        if kind not in ("brace", "other") or word not in "{}()[]":
            continue
        if word in _OPENERS:
            stack.append((word, offset))
            continue
        if word == "}" and alone(offset):
            column = indent(offset)
            # a '}' alone at the start of a line closes the group whose line starts at its column:
            # a group opened after that one and still open is the one missing its '}'
            match = [i for i, (o, at) in enumerate(stack) if o == "{" and indent(at) == column]
            if match and match[-1] < len(stack) - 1:
                opener, at = stack[-1]
                line, col = position(text, at)
                return at, f"missing '{_OPENERS[opener]}' to close {_WHAT[opener]} opened at {line}:{col}"
        if not stack:
            line, col = position(text, offset)
            return offset, f"'{word}' at {line}:{col} closes nothing: no {_CLOSERS[word]!r} is open"
        opener, at = stack.pop()
        if _OPENERS[opener] != word:
            line, col = position(text, at)
            return at, f"missing '{_OPENERS[opener]}' to close {_WHAT[opener]} opened at {line}:{col}"
    if stack:
        opener, at = stack[-1]
        line, col = position(text, at)
        return at, f"missing '{_OPENERS[opener]}' to close {_WHAT[opener]} opened at {line}:{col}"
    return None


def plain_strings(text: str) -> Iterator[tuple[str, str, int]]:
    """``(predicate, value, offset)`` of each string literal with neither a language tag nor a
    datatype, written right after a prefixed name or an IRI (its predicate, as written):
    ``rdfs:label "Kapindula"``."""
    found = list(tokens(text))
    for index, (kind, word, offset) in enumerate(found):
        if kind != "string" or index == 0 or found[index - 1][0] not in ("pname", "iri"):
            continue
        following = found[index + 1] if index + 1 < len(found) else ("", "", 0)
        if following[0] == "lang" or following[1] == "^":
            continue
        body = word[3:-3] if word[:3] in ('"""', "'''") else word[1:-1]
        yield found[index - 1][1], _unescape_string(body), offset


_STRING_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f"}


def _unescape_string(body: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)

    return _STRING_ESCAPE.sub(replace, body)
