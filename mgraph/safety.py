"""The one place that decides what a user's RDF file or SPARQL query may do.

A user's file is read from the local disk and nothing else: no URL argument, no remote or
``file:`` JSON-LD context, no XML external entity or DTD, no XInclude, no owl:imports fetch.
Input that would make a parser blow up (entity bombs, nesting thousands of levels deep) is
refused by a cheap scan *before* any parser sees it. Every refusal is an
:class:`~mgraph.errors.InputError` (exit code 2) with one line naming the file, and the line and
column when known.

A query is parsed (never run) and refused when it could reach outside the local graph
(``SERVICE``, ``FROM``), change anything (updates) or nest deeper than the parsers can take.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mgraph.errors import InputError

if TYPE_CHECKING:
    from rdflib import Graph

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Larger files are refused rather than read into memory."""

MAX_NESTING = 256
"""Deepest bracket (Turtle, JSON) or element (XML) nesting accepted in a user's file.

Real data nests a few levels; rdflib's serialisers recurse once per level and fail near 300."""

MAX_ENTITY_EXPANSION = 10_000_000
"""Most characters that internal XML entities may add to a document once expanded."""

FORMATS: dict[str, str] = {
    "turtle": "Turtle",
    "nt": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "n3": "N3",
    "xml": "RDF/XML",
    "json-ld": "JSON-LD",
}
"""Canonical format names (rdflib's spelling) and their display names."""

EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".n3": "n3",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}

_FORMAT_ALIASES: dict[str, str] = {
    **{ext.lstrip("."): fmt for ext, fmt in EXTENSIONS.items()},
    **{fmt: fmt for fmt in FORMATS},
    "ntriples": "nt",
    "n-triples": "nt",
    "n-quads": "nquads",
    "rdf/xml": "xml",
    "rdfxml": "xml",
    "application/rdf+xml": "xml",
    "jsonld": "json-ld",
    "text/turtle": "turtle",
}

_OXIGRAPH_FORMAT = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "n3": "N3",
    "xml": "RDF_XML",
    "json-ld": "JSON_LD",
}

# A URL scheme: two or more characters before the colon, so that "C:\\data.ttl" is still a path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


# --------------------------------------------------------------------------------------------
# Reading a user's RDF file
# --------------------------------------------------------------------------------------------


def parse_user_file(
    path: str | Path,
    *,
    format: str | None = None,
    max_depth: int = MAX_NESTING,
    data: bytes | None = None,
    into: Graph | None = None,
    store: Any = None,
) -> Graph:
    """Parse a local RDF file into an rdflib Graph, refusing anything that is not safe to read.

    The format comes from ``format`` or from the file's extension. Triples of every named graph
    (TriG, N-Quads) go into the one returned graph. Blank node labels are renumbered per file
    (stable from run to run, distinct between files), so graphs of several files can be merged.
    ``data``: the file's bytes, already read (standard input: ``path`` is then ``-``, shown as
    ``<stdin>``, and the format defaults to Turtle). ``into``: add the triples to this graph
    (no second copy when merging files) and return it. ``store``: add them to this pyoxigraph
    Store instead, with no rdflib graph at all (the returned graph is then empty): the same
    checks and the same blank node labels.
    """
    if data is not None:
        return _parse_bytes(data, str(path), Path.cwd(), format or "turtle", max_depth, into, store)
    name = str(path)
    if _URL.match(name):
        raise InputError(
            f"{name}: is a URL; mgraph reads only local files (download it first, "
            f"or write ./{name} for a local file whose name has a colon)"
        )
    file = Path(path)
    _check_regular_file(file, name)
    fmt = _choose_format(file, name, format)
    return _parse_bytes(_read(file, name), name, file, fmt, max_depth, into, store)


def _parse_bytes(
    data: bytes, name: str, file: Path, fmt: str, max_depth: int, into: Graph | None, store: Any = None
) -> Graph:
    """The screened parse of a file's bytes (``file`` gives the base IRI)."""
    if name == "-":
        name = "<stdin>"
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"{name}: is over {MAX_FILE_BYTES} bytes; not read")
        file = file / "stdin"
    fmt = _FORMAT_ALIASES.get(fmt.strip().lower(), "")
    if not fmt:
        raise InputError(f"{name}: unknown RDF format; use one of: {', '.join(FORMATS)}")
    original = data
    if fmt == "xml":
        original, data = _screen_xml(data, name, max_depth)
    else:
        text = _decode_utf8(data, name)
        data = original = data.removeprefix(codecs.BOM_UTF8)
        if fmt == "json-ld":
            _screen_jsonld(text, name, max_depth)
        elif fmt in ("turtle", "trig", "n3"):
            _screen_nesting(text, name, max_depth)
        del text  # only the bytes are parsed: do not hold the file twice
    quads = _parse_quads(data, fmt, name, base=file.resolve().as_uri(), original=original)
    if store is not None:
        _to_store(quads, fmt, name, store)
        from rdflib import Graph

        return Graph()
    return _to_rdflib(quads, fmt, name, into)


def _to_store(quads: Iterable[Any], fmt: str, name: str, store: Any) -> None:
    """Add pyoxigraph quads to ``store``'s default graph: blank nodes relabelled as _to_rdflib
    does (stable from run to run, distinct between files), the same terms refused."""
    import hashlib

    import pyoxigraph

    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    blank_node, literal, named_node = pyoxigraph.BlankNode, pyoxigraph.Literal, pyoxigraph.NamedNode
    default_graph, quad_type = pyoxigraph.DefaultGraph, pyoxigraph.Quad
    labels: dict[Any, Any] = {}
    blank_numbers = itertools.count()

    def term(value: Any) -> Any:
        if isinstance(value, named_node):
            return value
        if isinstance(value, blank_node):
            found = labels.get(value)
            if found is None:
                found = labels[value] = blank_node(f"u{tag}b{next(blank_numbers)}")
            return found
        if isinstance(value, literal):
            if getattr(value, "direction", None) is not None:
                raise InputError(f"{name}: directional language strings (RDF 1.2) are not supported: {value}")
            return value
        raise InputError(f"{name}: triple terms (RDF 1.2 / RDF-star) are not supported: {value}")

    def converted() -> Iterable[Any]:
        for quad in quads:
            if fmt == "n3" and not isinstance(quad.graph_name, default_graph):
                raise InputError(f"{name}: N3 formulas ({{ ... }}) are not supported; use Turtle")
            yield quad_type(term(quad.subject), quad.predicate, term(quad.object))

    store.bulk_extend(converted())


def _choose_format(file: Path, name: str, format: str | None) -> str:
    """The canonical format name from ``format`` or the extension, or an error listing both."""
    if format is not None:
        fmt = _FORMAT_ALIASES.get(format.strip().lower())
        if fmt is None:
            raise InputError(f"{name}: unknown RDF format {format!r}; use one of: {', '.join(FORMATS)}")
        return fmt
    fmt = EXTENSIONS.get(file.suffix.lower())
    if fmt is None:
        accepted = " ".join(EXTENSIONS)
        raise InputError(
            f"{name}: cannot tell the RDF format from the extension {file.suffix or '(none)'!r}; "
            f"accepted extensions: {accepted} (or give the format explicitly)"
        )
    return fmt


def _check_regular_file(file: Path, name: str) -> None:
    """A clear error for a path that is missing, a directory, or a device, pipe or socket."""
    try:
        if not file.exists():
            raise InputError(f"{name}: no such file")
        if file.is_dir():
            raise InputError(f"{name}: is a directory, not a file")
        if not file.is_file():
            raise InputError(f"{name}: is not a regular file")
    except OSError as err:
        raise InputError(f"{name}: cannot read the file: {err.strerror or err}") from None


def _read(file: Path, name: str) -> bytes:
    """The file's bytes, with a clear error when it cannot be read or is too large."""
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{name}: is {size} bytes; files over {MAX_FILE_BYTES} bytes are not read")
        return file.read_bytes()
    except PermissionError:
        raise InputError(f"{name}: cannot read the file: permission denied") from None
    except OSError as err:
        raise InputError(f"{name}: cannot read the file: {err.strerror or err}") from None


def _where(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _fail(name: str, text: str | None, offset: int | None, message: str) -> InputError:
    """An InputError located at ``offset`` in ``text`` when both are known."""
    if text is not None and offset is not None and offset >= 0:
        line, column = _where(text, offset)
        return InputError(f"{name}:{line}:{column}: {message}")
    return InputError(f"{name}: {message}")


def _decode_utf8(data: bytes, name: str) -> str:
    """The text of a file that must be UTF-8 (all formats but RDF/XML), BOM removed."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{name}: is UTF-16 encoded; save it as UTF-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].decode("utf-8", errors="replace")
        raise _fail(name, before, len(before), "is not valid UTF-8") from None


# --- nesting -----------------------------------------------------------------------------------

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


def _screen_nesting(text: str, name: str, limit: int, *, json_syntax: bool = False) -> None:
    offset = nesting_overflow(text, limit, json_syntax=json_syntax)
    if offset is not None:
        raise _fail(name, text, offset, f"nested more than {limit} levels deep; not read")


# --- JSON-LD -----------------------------------------------------------------------------------


def _screen_jsonld(text: str, name: str, limit: int) -> None:
    """Refuse deep nesting, invalid JSON, and any context that would be loaded from elsewhere."""
    _screen_nesting(text, name, limit, json_syntax=True)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    except RecursionError:
        raise InputError(f"{name}: nested too deeply; not read") from None
    for key, value in _json_members(document):
        if key == "@import":
            raise _fail(
                name,
                text,
                _find(text, json.dumps(value, ensure_ascii=False)),
                f"JSON-LD @import of {value!r} is not loaded; put the context inline",
            )
        if key == "@context":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    raise _fail(
                        name,
                        text,
                        _find(text, json.dumps(item, ensure_ascii=False)),
                        f"JSON-LD @context {item!r} refers to another document, which is not "
                        "loaded; put the context inline",
                    )


def _json_members(document: Any) -> Iterable[tuple[str, Any]]:
    """Every (key, value) of every object in a JSON document, walked without recursion."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                yield key, value
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def _find(text: str, needle: str) -> int | None:
    """Where ``needle`` first occurs, to point an error at it; None when it does not."""
    offset = text.find(needle)
    return offset if offset >= 0 else None


# --- RDF/XML -------------------------------------------------------------------------------------

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


def _screen_xml(data: bytes, name: str, max_depth: int) -> tuple[bytes, bytes]:
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
        raise _fail(name, text, _find(text, _XINCLUDE_NS), "XInclude is not supported; not read")
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
        text = _decode_utf8(data, name)
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
            raise _fail(name, text, start, "malformed DOCTYPE; not read")
        return {}, None
    pos = head.end()
    if text.startswith(("SYSTEM", "PUBLIC"), pos):
        raise _fail(name, text, pos, "external DTDs (SYSTEM/PUBLIC) are not loaded; not read")
    entities: dict[str, str] = {}
    if text.startswith("[", pos):
        pos = _scan_internal_subset(text, pos + 1, name, entities)
    end = _DECL_END.match(text, pos)
    if end is None:
        raise _fail(name, text, pos, "malformed DOCTYPE; not read")
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
            raise _fail(name, text, pos, "parameter entity references are not supported; not read")
        else:
            break
    raise _fail(name, text, pos, "unsupported or malformed DOCTYPE declaration; not read")


def _scan_entity(text: str, pos: int, name: str, entities: dict[str, str]) -> int:
    """Record one internal entity; refuse external, parameter and nested ones."""
    decl = _ENTITY_DECL.match(text, pos)
    if decl is None:
        raise _fail(name, text, pos, "malformed ENTITY declaration; not read")
    entity = decl.group(2)
    if decl.group(1):
        raise _fail(name, text, pos, f"parameter entity '{entity}' is not supported; not read")
    if decl.group(5):
        raise _fail(
            name,
            text,
            pos,
            f"external entity '{entity}' ({decl.group(5)}) is not loaded; not read",
        )
    value = decl.group(3) if decl.group(3) is not None else decl.group(4)
    if "&" in value or "%" in value:
        raise _fail(
            name,
            text,
            pos,
            f"entity '{entity}' refers to other entities (entity expansion); not read",
        )
    end = _DECL_END.match(text, decl.end())
    if end is None:
        raise _fail(name, text, pos, f"malformed ENTITY declaration '{entity}'; not read")
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


# --- parsing and conversion ------------------------------------------------------------------------

_LOCATED = re.compile(
    r"^Parser error (?:at line \d+ (?:column \d+|between columns \d+ and \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)
_LINE_SUFFIX = re.compile(r" \(line \d+\)$")


def _parse_quads(data: bytes, fmt: str, name: str, base: str, original: bytes) -> Iterable[Any]:
    """Parse with pyoxigraph, which never fetches anything (it has no context loader set).

    The quads are streamed (no list of the whole file); a syntax error met on the way is raised
    as a located InputError. ``original`` is the file as the user wrote it, used to locate
    errors pyoxigraph cannot.
    """
    import pyoxigraph

    ox_format = getattr(pyoxigraph.RdfFormat, _OXIGRAPH_FORMAT[fmt])
    try:
        yield from pyoxigraph.parse(data, ox_format, base_iri=base)
    except SyntaxError as err:
        raise _syntax_error(err, original, fmt, name, base) from None
    except (ValueError, OSError) as err:
        raise InputError(f"{name}: cannot parse as {FORMATS[fmt]}: {_one_line(str(err))}") from None


def _syntax_error(err: SyntaxError, data: bytes, fmt: str, name: str, base: str) -> InputError:
    """A pyoxigraph syntax error as one located line; RDF/XML errors are located via rdflib."""
    message = _LINE_SUFFIX.sub("", _LOCATED.sub("", _one_line(str(err.msg or err))))
    kind = f"{FORMATS[fmt]} syntax error"
    if err.lineno:
        return InputError(f"{name}:{err.lineno}:{err.offset or 1}: {kind}: {message}")
    if fmt == "xml":
        located = _rdfxml_error_location(data, base)
        if located is not None:
            line, column, rdflib_message = located
            return InputError(f"{name}:{line}:{column}: {kind}: {rdflib_message}")
    text = data.decode("utf-8", errors="replace")
    quoted = re.search(r"'([^']{3,})'|`([^`]{3,})`", message)
    offset = _find(text, quoted.group(1) or quoted.group(2)) if quoted else None
    return _fail(name, text, offset, f"{kind}: {message}")


def _rdfxml_error_location(data: bytes, base: str) -> tuple[int, int, str] | None:
    """Line, column and message of rdflib's RDF/XML error, for errors pyoxigraph cannot locate.

    Only reached for documents that passed the XML screen, so rdflib's parser is safe here.
    """
    import logging

    from rdflib import Graph

    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its warnings about odd IRIs would repeat our error
    try:
        Graph().parse(data=data, format="xml", publicID=base)
    except Exception as err:  # any failure here only means "no location"
        found = re.search(r":(\d+):(\d+): (.*)", _one_line(str(err)))
        if found:
            return int(found.group(1)), int(found.group(2)) + 1, found.group(3)
    finally:
        logger.setLevel(level)
    return None


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _to_rdflib(quads: Iterable[Any], fmt: str, name: str, into: Graph | None = None) -> Graph:
    """Turn pyoxigraph quads into an rdflib Graph (``into``), with stable per-file blank node labels.

    The quads are added as they come, so the file is never held twice; a file refused half-way
    leaves ``into`` half-filled, which is why callers give only a graph of their own."""
    import hashlib

    import pyoxigraph
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, XSD

    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    xsd_string, lang_string = str(XSD.string), str(RDF.langString)
    converted: dict[Any, Any] = {}  # pyoxigraph term -> rdflib term, so each is built once
    blank_numbers = itertools.count()

    def convert(value: Any) -> Any:
        if isinstance(value, pyoxigraph.NamedNode):
            return URIRef(value.value)
        if isinstance(value, pyoxigraph.BlankNode):
            # numbered in order of first use: stable from run to run, unique to this file
            return BNode(f"u{tag}b{next(blank_numbers)}")
        if isinstance(value, pyoxigraph.Literal):
            if getattr(value, "direction", None) is not None:
                raise InputError(f"{name}: directional language strings (RDF 1.2) are not supported: {value}")
            if value.language:
                return Literal(value.value, lang=value.language)
            datatype = value.datatype.value
            if datatype in (xsd_string, lang_string):
                return Literal(value.value)
            return Literal(value.value, datatype=term(value.datatype))
        raise InputError(f"{name}: triple terms (RDF 1.2 / RDF-star) are not supported: {value}")

    def term(value: Any) -> Any:
        found = converted.get(value)
        if found is None:
            found = converted[value] = convert(value)
        return found

    graph = Graph() if into is None else into
    default_graph = pyoxigraph.DefaultGraph

    def triples() -> Iterable[tuple[Any, Any, Any, Graph]]:
        for quad in quads:
            if fmt == "n3" and not isinstance(quad.graph_name, default_graph):
                raise InputError(f"{name}: N3 formulas ({{ ... }}) are not supported; use Turtle")
            yield term(quad.subject), term(quad.predicate), term(quad.object), graph

    graph.addN(triples())
    return graph


# --------------------------------------------------------------------------------------------
# Screening a SPARQL query
# --------------------------------------------------------------------------------------------

# An update operation's first keyword, after comments and the prologue (BASE, PREFIX).
_UPDATE_START = re.compile(
    r"(?:\s++|#[^\n]*+|BASE\s*+<[^>]*+>|PREFIX\s++[^\s:]*+:\s*+<[^>]*+>)*+"  # possessive: linear
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_PYPARSING_WHERE = re.compile(r"\s*\(at char \d+\),?\s*\(line:\d+, col:\d+\)\s*$")
_PARSE_LOCK = threading.Lock()
_PARSE_STACK_BYTES = 64 * 1024 * 1024  # 1000 levels parse in 8 MiB; room to spare
_FRAMES_PER_LEVEL = 60  # pyparsing's frames per bracket level in rdflib's grammar, generously

T = TypeVar("T")


def screen_query(
    text: str, *, allow_service: bool = False, max_depth: int = 200, source: str = "query"
) -> None:
    """Refuse a SPARQL query that is malformed, an update, or reaches outside the local graph.

    Refused: syntax errors (with line and column), updates (INSERT, DELETE, LOAD, CLEAR, ...),
    ``SERVICE`` and ``FROM``/``FROM NAMED`` (unless ``allow_service``), and nesting of groups,
    brackets or parentheses deeper than ``max_depth``. The nesting is counted by a linear scan
    before any parser sees the text, since deep nesting can kill the process in a native
    parser. Words inside strings, IRIs and comments never count. ``source`` names the query in
    messages (a file name, say).
    """
    offset = nesting_overflow(text, max_depth)
    if offset is not None:
        raise _fail(source, text, offset, f"query nested more than {max_depth} levels deep; refused")
    tree = _parse_sparql(text, source, max_depth)
    for node in _compvalues(tree):
        if node.name == "ServiceGraphPattern" and not allow_service:
            raise InputError(
                f"{source}: SERVICE <{node.get('term')}> is not allowed: queries run on the local graph only"
            )
        if node.name == "DatasetClause" and not allow_service:
            keyword = "FROM NAMED" if "named" in node else "FROM"
            iri = dict.get(node, "named") or dict.get(node, "default")
            raise InputError(
                f"{source}: {keyword} <{iri}> is not allowed: queries run on the local graph only"
            )


def _parse_sparql(text: str, source: str, max_depth: int) -> Any:
    """rdflib's parse tree of a query; updates and syntax errors become InputErrors."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    frames = _FRAMES_PER_LEVEL * (max_depth + 2) + 1000
    try:
        return _deep_call(parseQuery, text, frames=frames)
    except ParseException as query_error:
        if _UPDATE_START.match(text):
            raise _update_refused(source) from None
        try:
            update = _deep_call(parseUpdate, text, frames=frames)
        except (ParseException, RecursionError):
            update = None
        if update is not None and dict.get(update, "request"):
            raise _update_refused(source) from None
        message = _PYPARSING_WHERE.sub("", _one_line(str(query_error)))
        raise InputError(
            f"{source}:{query_error.lineno}:{query_error.col}: SPARQL syntax error: {message}"
        ) from None
    except RecursionError:
        raise InputError(f"{source}: query nested too deeply to parse; refused") from None


def _update_refused(source: str) -> InputError:
    return InputError(
        f"{source}: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, ...) are not allowed: queries are read-only"
    )


def _deep_call(function: Callable[[str], T], text: str, *, frames: int) -> T:
    """Call a recursive parser in a thread with a large stack and a raised recursion limit.

    rdflib's pyparsing grammar takes about 40 Python frames per nesting level, so the default
    limit of 1000 fails near 25 levels; the screen above has already bounded the depth.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(text)
        except BaseException as err:  # re-raised in the caller's thread
            outcome["error"] = err

    with _PARSE_LOCK:
        old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
        sys.setrecursionlimit(max(old_limit, frames))
        try:
            try:
                threading.stack_size(_PARSE_STACK_BYTES)
                worker = threading.Thread(target=run, name="mgraph-sparql-parse")
                worker.start()
            finally:
                threading.stack_size(old_stack)
            worker.join()
        except RuntimeError:  # no thread with that stack here: parse in this one
            run()
        finally:
            sys.setrecursionlimit(old_limit)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def _compvalues(tree: Any) -> Iterable[Any]:
    """Every CompValue node of an rdflib SPARQL parse tree, walked without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


# --- screening a query sent to the endpoint (mgraph serve) -----------------------------------


class UpdateRefused(InputError):
    """A SPARQL update sent to a read-only endpoint (answered 403, not 400)."""


_UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
"""Keywords of SPARQL Update that the query grammar never uses."""


def screen_endpoint_query(
    text: str, *, graphs: Iterable[str] = (), max_depth: int = 200, source: str = "query"
) -> None:
    """Refuse, before any engine sees it, a query sent to the endpoint that is not safe to run.

    This is the fast screen of ``mgraph serve`` (microseconds, no parser): refused are nesting
    deeper than ``max_depth`` (native parsers die on a few thousand levels), updates
    (:class:`UpdateRefused`), ``SERVICE`` in any form (``SILENT``, a variable, nested at any
    depth) and ``FROM``/``FROM NAMED`` of a graph that is not one of ``graphs``. It reads the
    query as tokens: a keyword is a bare word outside comments, strings, IRIs, variables, prefixed
    names and language tags; the query grammar uses ``SERVICE`` and the update words for nothing
    else, so a bare word is the keyword wherever it stands. Syntax errors are left to the engine.
    """
    offset = nesting_overflow(text, max_depth)
    if offset is not None:
        raise _fail(source, text, offset, f"query nested more than {max_depth} levels deep; refused")
    known = set(graphs)
    prefixes: dict[str, str] = {}
    from mgraph.sparql_text import tokens as sparql_tokens

    tokens: list[tuple[str, str, int]] = list(sparql_tokens(text))
    for index, (kind, token, start) in enumerate(tokens):
        if kind != "word":
            continue
        word = token.upper()
        if word in _UPDATE_WORDS:
            raise UpdateRefused(
                f"{source}: SPARQL updates ({word} ...) are not allowed: this is a read-only endpoint"
            )
        if word == "SERVICE":
            raise _fail(
                source, text, start, "SERVICE is not allowed: queries run on this server's graph only"
            )
        if word == "PREFIX" and index + 2 < len(tokens):
            name, iri = tokens[index + 1], tokens[index + 2]
            if name[0] == "pname" and iri[0] == "iri":
                prefixes[name[1].rstrip(":").partition(":")[0]] = iri[1][1:-1]
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
        holds = "; the graphs it holds are listed in the service description" if known else ""
        raise _fail(
            source,
            text,
            start,
            f"{keyword} {shown} is not allowed: this server holds no such graph{holds}",
        )
