"""Reading a user's RDF file: from the local disk and nothing else, within limits.

A user's file is read from the local disk and nothing else: no URL argument, no remote or
``file:`` JSON-LD context, no XML external entity or DTD, no XInclude, no owl:imports fetch.
Input that would make a parser blow up (entity bombs, nesting thousands of levels deep) is
refused by a cheap scan *before* any parser sees it (:mod:`mgraph.core.nesting`,
:mod:`mgraph.core.xml_screen`, :mod:`mgraph.core.jsonld_screen`). Every refusal is an
:class:`~mgraph.core.errors.InputError` (exit code 2) with one line naming the file, and the line
and column when known.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgraph.core.errors import InputError
from mgraph.core.formats import BY_NAME, RDF, extensions, find, names
from mgraph.core.jsonld_screen import screen_jsonld
from mgraph.core.nesting import MAX_NESTING, decode_utf8, find_offset, located_error, screen_nesting
from mgraph.core.xml_screen import screen_xml

if TYPE_CHECKING:
    from rdflib import Graph

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Larger files are refused rather than read into memory."""

EXTENSIONS: dict[str, str] = extensions(RDF)
"""The file extensions read (``.ttl``, ``.nt``...) -> the format's canonical name
(:mod:`mgraph.core.formats`)."""

# A URL scheme: two or more characters before the colon, so that "C:\\data.ttl" is still a path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


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
        name, file, fmt = str(path), Path.cwd(), format or "turtle"
    else:
        name, file, fmt = _local_file(path, format)
        data = _read(file, name)
    name, fmt, quads = _screened_quads(data, name, file, fmt, max_depth)
    if store is not None:
        import pyoxigraph

        quad = pyoxigraph.Quad  # of the default graph
        store.bulk_extend(quad(s, p, o) for s, p, o in _screened_triples(quads, fmt, name))
        from rdflib import Graph

        return Graph()
    return _to_rdflib(quads, fmt, name, into)


def user_triples(
    path: str | Path, *, format: str | None = None, max_depth: int = MAX_NESTING
) -> Iterator[tuple[Any, Any, Any]]:
    """The triples of a local RDF file as pyoxigraph terms ``(subject, predicate, object)``, with
    every check of :func:`parse_user_file` and the same blank node labels, streamed as they are
    parsed (the graphs of TriG and N-Quads merged; a triple the file repeats comes again). For
    who indexes a large file itself: no rdflib graph, no store, no pyoxigraph ``Quad`` built per
    triple. The file is read and screened before this returns; a syntax error or a refused term
    met on the way is raised as the triples are read."""
    name, file, fmt = _local_file(path, format)
    name, fmt, quads = _screened_quads(_read(file, name), name, file, fmt, max_depth)
    return _screened_triples(quads, fmt, name)


def _local_file(path: str | Path, format: str | None) -> tuple[str, Path, str]:
    """A local, regular file's name (for messages), path and canonical format, or an InputError."""
    name = str(path)
    if _URL.match(name):
        raise InputError(
            f"{name}: is a URL; mgraph reads only local files (download it first, "
            f"or write ./{name} for a local file whose name has a colon)"
        )
    file = Path(path)
    _check_regular_file(file, name)
    return name, file, _choose_format(file, name, format)


def _screened_quads(
    data: bytes, name: str, file: Path, fmt: str, max_depth: int
) -> tuple[str, str, Iterable[Any]]:
    """A file's bytes screened, then its pyoxigraph quads, streamed as they are parsed (``file``
    gives the base IRI); with the name of the file in messages and the canonical format."""
    if name == "-":
        name = "<stdin>"
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"{name}: is over {MAX_FILE_BYTES} bytes; not read")
        file = file / "stdin"
    known = find(fmt, RDF)
    if known is None:
        raise InputError(f"{name}: unknown RDF format; use one of: {', '.join(names(RDF))}")
    fmt = known.name
    original = data
    if fmt == "rdfxml":
        original, data = screen_xml(data, name, max_depth)
    else:
        text = decode_utf8(data, name)
        data = original = data.removeprefix(codecs.BOM_UTF8)
        if fmt == "jsonld":
            screen_jsonld(text, name, max_depth)
        elif fmt in ("turtle", "trig", "n3"):
            screen_nesting(text, name, max_depth)
        del text  # only the bytes are parsed: do not hold the file twice
    quads = _parse_quads(data, fmt, name, base=file.resolve().as_uri(), original=original)
    return name, fmt, quads


def _screened_triples(quads: Iterable[Any], fmt: str, name: str) -> Iterator[tuple[Any, Any, Any]]:
    """pyoxigraph quads as ``(subject, predicate, object)`` terms of one graph: blank nodes
    relabelled as _to_rdflib does (stable from run to run, distinct between files), the same
    terms refused (directional language strings, triple terms, N3 formulas). IRIs need no check
    here: pyoxigraph's parser refuses an invalid one."""
    import hashlib

    import pyoxigraph

    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    blank_node, literal, named_node = pyoxigraph.BlankNode, pyoxigraph.Literal, pyoxigraph.NamedNode
    default_graph = pyoxigraph.DefaultGraph
    labels: dict[Any, Any] = {}
    blank_numbers = itertools.count()

    def term(value: Any) -> Any:
        """Any term but an IRI (those pass as they are, without a call)."""
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

    formulas = fmt == "n3"
    for quad in quads:
        if formulas and not isinstance(quad.graph_name, default_graph):
            raise InputError(f"{name}: N3 formulas ({{ ... }}) are not supported; use Turtle")
        subject, obj = quad.subject, quad.object
        if type(subject) is not named_node:
            subject = term(subject)
        if type(obj) is not named_node:
            obj = term(obj)
        yield subject, quad.predicate, obj


def _choose_format(file: Path, name: str, format: str | None) -> str:
    """The canonical format name from ``format`` or the extension, or an error listing both."""
    if format is not None:
        known = find(format, RDF)
        if known is None:
            raise InputError(f"{name}: unknown RDF format {format!r}; use one of: {', '.join(names(RDF))}")
        return known.name
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

    ox_format = getattr(pyoxigraph.RdfFormat, BY_NAME[fmt].oxigraph)
    try:
        yield from pyoxigraph.parse(data, ox_format, base_iri=base)
    except SyntaxError as err:
        raise _syntax_error(err, original, fmt, name, base) from None
    except (ValueError, OSError) as err:
        raise InputError(f"{name}: cannot parse as {BY_NAME[fmt].label}: {_one_line(str(err))}") from None


def _syntax_error(err: SyntaxError, data: bytes, fmt: str, name: str, base: str) -> InputError:
    """A pyoxigraph syntax error as one located line; RDF/XML errors are located via rdflib."""
    message = _LINE_SUFFIX.sub("", _LOCATED.sub("", _one_line(str(err.msg or err))))
    kind = f"{BY_NAME[fmt].label} syntax error"
    if err.lineno:
        return InputError(f"{name}:{err.lineno}:{err.offset or 1}: {kind}: {message}")
    if fmt == "rdfxml":
        located = _rdfxml_error_location(data, base)
        if located is not None:
            line, column, rdflib_message = located
            return InputError(f"{name}:{line}:{column}: {kind}: {rdflib_message}")
    text = data.decode("utf-8", errors="replace")
    quoted = re.search(r"'([^']{3,})'|`([^`]{3,})`", message)
    offset = find_offset(text, quoted.group(1) or quoted.group(2)) if quoted else None
    return located_error(name, text, offset, f"{kind}: {message}")


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
        Graph().parse(data=data, format=BY_NAME["rdfxml"].rdflib, publicID=base)
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
