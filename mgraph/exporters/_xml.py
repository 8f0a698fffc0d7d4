"""XML text for the graph formats, written as strings (several times faster than building an
element tree, which matters on views of a million triples)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_PLAIN = re.compile("[^&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*")
_ATTR_PLAIN = re.compile('[^&<>"\x00-\x1f\ufffe\uffff]*')
"""Text that escaping leaves as it is (most values): matched whole, it is written unchanged."""


def text(value: object) -> str:
    """Element content, escaped; characters XML 1.0 forbids are dropped."""
    value = str(value)
    if _TEXT_PLAIN.fullmatch(value):
        return value
    return escape(_INVALID.sub("", value))


def attr(value: object) -> str:
    """A quoted attribute value, escaped (line breaks kept as character references)."""
    value = str(value)
    if _ATTR_PLAIN.fullmatch(value):
        return f'"{value}"'
    return quoteattr(_INVALID.sub("", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
