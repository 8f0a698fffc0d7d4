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
