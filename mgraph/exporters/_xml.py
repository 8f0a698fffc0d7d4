"""XML text for the graph formats, written as strings (several times faster than building an
element tree, which matters on views of a million triples)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: object) -> str:
    """Element content, escaped; characters XML 1.0 forbids are dropped."""
    return escape(_INVALID.sub("", str(value)))


def attr(value: object) -> str:
    """A quoted attribute value, escaped (line breaks kept as character references)."""
    return quoteattr(_INVALID.sub("", str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
