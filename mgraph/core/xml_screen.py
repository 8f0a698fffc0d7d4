"""The screen of a user's RDF/XML file: no DTD fetch, no external entity, no XInclude, no entity
bomb, no deep nesting; a cheap scan and expat with every external reference refused, before
any RDF parser sees the bytes."""

from __future__ import annotations

import codecs
import re

from mgraph.core.errors import InputError
from mgraph.core.nesting import decode_utf8, find_offset, located_error

MAX_ENTITY_EXPANSION = 10_000_000
"""Most characters that internal XML entities may add to a document once expanded."""

_XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
_XML_DECL_ENCODING = re.compile(r"""^(<\?xml[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z][A-Za-z0-9._-]*)\2""")
_WS = re.compile(r"\s*")
_DOCTYPE_HEAD = re.compile(r"<!DOCTYPE\s+[^\s\[>]+\s*")
_ENTITY_DECL = re.compile(
    r"""<!ENTITY\s+(%\s+)?([^\s%&;<>"']+)\s+(?:"([^"]*)"|'([^']*)'|(SYSTEM|PUBLIC)\b)"""
)
_DECL_END = re.compile(r"\s*>")
_OTHER_DECL = re.compile(r"""<!(?:ELEMENT|ATTLIST|NOTATION)\b(?:[^>"'&%]|"[^"&%]*"|'[^'&%]*')*>""")
_ENTITY_REF = re.compile(r"&([A-Za-z_:][\w.:-]*);")
_ENTITY_OR_VERBATIM = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|&([A-Za-z_:][\w.:-]*);", re.S)


class _Refusal(Exception):
    """Raised inside expat handlers to stop a parse at once."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def screen_xml(data: bytes, name: str, max_depth: int) -> tuple[bytes, bytes]:
    """Check an RDF/XML file; return it as UTF-8 bytes, and the same without its DOCTYPE.

    Before any parser runs, the DOCTYPE is read by hand: external DTDs and entities, parameter
    entities, and entities whose text refers to other entities (entity bombs) are refused, and
    so is a document whose entities would expand to more than MAX_ENTITY_EXPANSION characters.
    Then expat checks well-formedness (errors with line and column), element depth, and the same
    entity rules again, as expat itself sees them. The RDF/XML parser gets the document with its
    internal entities already expanded and the DOCTYPE blanked out (line numbers kept), so it
    never handles a DTD at all.
    """
    text = _xml_text(data, name)
    if _XINCLUDE_NS in text:
        raise located_error(
            name, text, find_offset(text, _XINCLUDE_NS), "XInclude is not supported; not read"
        )
    entities, span = _scan_doctype(text, name)
    expansion = sum(len(entities.get(ref.group(1), "")) for ref in _ENTITY_REF.finditer(text))
    if expansion > MAX_ENTITY_EXPANSION:
        raise InputError(
            f"{name}: XML entities would expand to {expansion} characters "
            f"(more than {MAX_ENTITY_EXPANSION}); not read"
        )
    utf8 = text.encode("utf-8")
    _expat_check(utf8, name, max_depth)
    if span is None:
        return utf8, utf8
    start, end = span
    body = text[end:]
    if entities:
        escaped = {
            key: value.replace('"', "&quot;").replace("'", "&apos;") for key, value in entities.items()
        }
        body = _ENTITY_OR_VERBATIM.sub(
            lambda ref: escaped.get(ref.group(1), ref.group(0)) if ref.group(1) else ref.group(0),
            body,
        )
    blank = "\n" * text.count("\n", start, end)
    return utf8, (text[:start] + blank + body).encode("utf-8")


def _xml_text(data: bytes, name: str) -> str:
    """Decode an XML file by its BOM or declared encoding; the declaration is rewritten to UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    else:
        head = _XML_DECL_ENCODING.match(data[:200].decode("ascii", errors="replace"))
        encoding = head.group(3) if head else "utf-8"
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"{name}: unknown XML encoding {encoding!r}") from None
    if codec == "utf-8":
        text = decode_utf8(data, name)
    else:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            raise InputError(f"{name}: is not valid {encoding} (byte {err.start}); not read") from None
    return _XML_DECL_ENCODING.sub(r"\1\2UTF-8\2", text, count=1)


def _skip_prolog(text: str) -> int:
    """The offset just past the XML declaration, comments and processing instructions at the top."""
    pos = 0
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
        else:
            return pos
        if end < 0:
            return len(text)
        pos = text.find(">", end) + 1


def _scan_doctype(text: str, name: str) -> tuple[dict[str, str], tuple[int, int] | None]:
    """The internal entities a DOCTYPE declares and where it is; refuse anything unsafe in it."""
    start = _skip_prolog(text)
    head = _DOCTYPE_HEAD.match(text, start)
    if head is None:
        if text.startswith("<!DOCTYPE", start):
            raise located_error(name, text, start, "malformed DOCTYPE; not read")
        return {}, None
    pos = head.end()
    if text.startswith(("SYSTEM", "PUBLIC"), pos):
        raise located_error(name, text, pos, "external DTDs (SYSTEM/PUBLIC) are not loaded; not read")
    entities: dict[str, str] = {}
    if text.startswith("[", pos):
        pos = _scan_internal_subset(text, pos + 1, name, entities)
    end = _DECL_END.match(text, pos)
    if end is None:
        raise located_error(name, text, pos, "malformed DOCTYPE; not read")
    return entities, (start, end.end())


def _scan_internal_subset(text: str, pos: int, name: str, entities: dict[str, str]) -> int:
    """Read declarations up to the closing ``]``; return the offset after it."""
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
        if text.startswith("]", pos):
            return pos + 1
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                break
            pos = end + 3
        elif text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                break
            pos = end + 2
        elif text.startswith("<!ENTITY", pos):
            pos = _scan_entity(text, pos, name, entities)
        elif (other := _OTHER_DECL.match(text, pos)) is not None:
            pos = other.end()
        elif text.startswith("%", pos):
            raise located_error(name, text, pos, "parameter entity references are not supported; not read")
        else:
            break
    raise located_error(name, text, pos, "unsupported or malformed DOCTYPE declaration; not read")


def _scan_entity(text: str, pos: int, name: str, entities: dict[str, str]) -> int:
    """Record one internal entity; refuse external, parameter and nested ones."""
    decl = _ENTITY_DECL.match(text, pos)
    if decl is None:
        raise located_error(name, text, pos, "malformed ENTITY declaration; not read")
    entity = decl.group(2)
    if decl.group(1):
        raise located_error(name, text, pos, f"parameter entity '{entity}' is not supported; not read")
    if decl.group(5):
        raise located_error(
            name,
            text,
            pos,
            f"external entity '{entity}' ({decl.group(5)}) is not loaded; not read",
        )
    value = decl.group(3) if decl.group(3) is not None else decl.group(4)
    if "&" in value or "%" in value:
        raise located_error(
            name,
            text,
            pos,
            f"entity '{entity}' refers to other entities (entity expansion); not read",
        )
    end = _DECL_END.match(text, decl.end())
    if end is None:
        raise located_error(name, text, pos, f"malformed ENTITY declaration '{entity}'; not read")
    entities.setdefault(entity, value)
    return end.end()


def _expat_check(data: bytes, name: str, max_depth: int) -> None:
    """Well-formedness, depth and entity rules as expat sees them; errors located."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def doctype(_name: str, system_id: str | None, public_id: str | None, _subset: int) -> None:
        if system_id or public_id:
            raise _Refusal("external DTDs (SYSTEM/PUBLIC) are not loaded; not read")

    def entity_decl(
        entity: str,
        is_parameter: int,
        value: str | None,
        _base: str | None,
        system_id: str | None,
        public_id: str | None,
        notation: str | None,
    ) -> None:
        if is_parameter:
            raise _Refusal(f"parameter entity '{entity}' is not supported; not read")
        if value is None or system_id or public_id or notation:
            raise _Refusal(f"external entity '{entity}' is not loaded; not read")
        if "&" in value or "%" in value:
            raise _Refusal(f"entity '{entity}' refers to other entities (entity expansion); not read")

    def external_ref(*_args: object) -> int:
        raise _Refusal("external entities are not loaded; not read")

    def start(_tag: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise _Refusal(f"elements nested more than {max_depth} levels deep; not read")

    def end(_tag: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity_decl
    parser.ExternalEntityRefHandler = external_ref
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Refusal as refusal:
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise InputError(f"{name}:{line}:{column}: {refusal.message}") from None
    except expat.ExpatError as err:
        message = expat.ErrorString(err.code)
        raise InputError(f"{name}:{err.lineno}:{err.offset + 1}: XML syntax error: {message}") from None
