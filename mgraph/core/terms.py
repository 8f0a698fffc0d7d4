"""RDF terms in one place: rdflib <-> pyoxigraph, terms as plain Python values, SPARQL syntax
for a term, and IRIs compacted with the one prefix table (:data:`mgraph.core.namespaces.PREFIXES`).

Every module that converts a term calls this one; engines then agree on every value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from mgraph.core.errors import InputError
from mgraph.core.namespaces import PREFIXES

Term = URIRef | Literal
Value = str | int | float | Decimal | bool | dt.date | dt.datetime | None

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER_TYPES = {
    str(XSD[t])
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


def canonical_decimal(text: str) -> Decimal:
    """The same Decimal whether an engine wrote 45262295.00, 45262295 or 4.5262295E7."""
    value = Decimal(text).normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


_XSD = str(XSD)
_DECIMAL, _DOUBLE, _FLOAT = _XSD + "decimal", _XSD + "double", _XSD + "float"
_BOOLEAN, _DATE, _DATETIME = _XSD + "boolean", _XSD + "date", _XSD + "dateTime"


def _date(lexical: str) -> Value:
    return dt.date.fromisoformat(lexical) if len(lexical) == 10 else lexical


# How each datatype's lexical form becomes a value; datatypes not here stay text. Built once:
# looking the datatypes up on rdflib's XSD namespace for every value was most of the cost of
# turning a large result into rows.
_CONVERTERS: dict[str, Callable[[str], Value]] = {
    **dict.fromkeys(_INTEGER_TYPES, int),
    _DECIMAL: canonical_decimal,
    _DOUBLE: float,
    _FLOAT: float,
    _BOOLEAN: lambda lexical: lexical.strip() in ("true", "1"),
    _DATE: _date,
    _DATETIME: dt.datetime.fromisoformat,
}


def literal_value(lexical: str, datatype: str | None, language: str | None = None) -> Value:
    """A literal as a plain Python value, decided from its lexical form so engines agree."""
    if language or datatype is None:
        return lexical
    convert = _CONVERTERS.get(datatype)
    if convert is None:
        return lexical  # text, gYear, gYearMonth, duration, unknown types: their ISO text
    try:
        return convert(lexical)
    except (ValueError, InvalidOperation):
        return lexical


def rdflib_value(term: Any) -> Value:
    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return literal_value(str(term), datatype, term.language)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def oxigraph_value(term: Any) -> Value:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value, term.language)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    iri: str = term.value
    return iri


def oxigraph_rows(solutions: Any, columns: list[str]) -> list[dict[str, Value]]:
    """pyoxigraph's query solutions as rows of plain values (as :func:`oxigraph_value` gives).

    The same values as calling :func:`oxigraph_value` on every cell, made several times faster
    (this was 40-50% of a large query's time): the solution is read as one tuple, IRIs are taken
    as they come, and a literal's conversion is remembered for the rest of the result (a result
    repeats the same dates, flags and numbers on many rows).
    """
    import pyoxigraph as ox

    named, literal = ox.NamedNode, ox.Literal
    seen: dict[Any, Value] = {}

    def value(term: Any) -> Value:
        kind = type(term)
        if kind is named:
            iri: str = term.value
            return iri
        if term is None:
            return None
        if kind is literal:
            found = seen.get(term, seen)
            if found is seen:
                language = term.language
                found = seen[term] = (
                    term.value if language else literal_value(term.value, term.datatype.value)
                )
            return found  # type: ignore[return-value]
        return oxigraph_value(term)

    return [dict(zip(columns, map(value, solution), strict=True)) for solution in solutions]


def json_value(binding: Mapping[str, str] | None) -> Value:
    """A value of the SPARQL 1.1 JSON results format."""
    if binding is None:
        return None
    kind = binding.get("type")
    if kind == "uri":
        return binding["value"]
    if kind == "bnode":
        return f"_:{binding['value']}"
    return literal_value(binding["value"], binding.get("datatype"), binding.get("xml:lang"))


def sparql_term(term: Term) -> str:
    """A term in SPARQL syntax; refuses anything that could be read as more than one term."""
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        text = _escape(str(term))
        if term.language:
            if not _LANG_RE.match(term.language):
                raise InputError(f"invalid language tag {term.language!r}")
            return f'"{text}"@{term.language}'
        if term.datatype is None or term.datatype == XSD.string:
            return f'"{text}"'  # a simple literal: equal to xsd:string in every engine
        return f'"{text}"^^<{check_iri(str(term.datatype))}>'
    raise InputError(f"cannot bind {term!r}: only IRIs and literals can be parameter values")


def check_iri(iri: str) -> str:
    """An absolute IRI with none of the characters that would end it early."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or _IRI_FORBIDDEN.search(iri):
        raise InputError(f"{iri!r} is not an absolute IRI (no spaces, quotes, <>{{}}|^`\\)")
    return iri


def _escape(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def to_oxigraph(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def oxigraph_quads(triples: Iterable[tuple[Any, Any, Any]], graph: str | None = None) -> Iterator[Any]:
    """rdflib triples as pyoxigraph quads, in the default graph or the named graph ``graph``."""
    import pyoxigraph as ox

    quad, target = ox.Quad, ox.NamedNode(graph) if graph else ox.DefaultGraph()
    for s, p, o in triples:
        yield quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)


def oxigraph_triples(triples: Iterable[Any]) -> Iterator[Any]:
    """rdflib triples as pyoxigraph triples; pyoxigraph triples and quads pass as they are."""
    import pyoxigraph as ox

    for triple in triples:
        if isinstance(triple, (ox.Triple, ox.Quad)):
            yield triple
        else:
            yield ox.Triple(*(to_oxigraph(t) for t in triple))


def iri_triple(subject: str, predicate: str, obj: Any) -> Any:
    """A pyoxigraph triple of two IRIs and a pyoxigraph term (as a view's index holds them)."""
    import pyoxigraph as ox

    return ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), obj)


def ntriples_texts(data: bytes) -> Iterator[tuple[str, str, str]]:
    """The triples of N-Triples bytes, each term in its N-Triples syntax."""
    import pyoxigraph as ox

    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        yield str(t.subject), str(t.predicate), str(t.object)


def literal_lexical(term: str) -> str:
    """The lexical form of a literal in N-Triples syntax; anything else as it is."""
    import pyoxigraph as ox

    try:
        parsed = next(iter(ox.parse(f"<x:s> <x:p> {term} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    except (SyntaxError, StopIteration):
        return term
    return str(parsed.object.value)


def to_rdflib(term: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


_NAMESPACES = sorted(
    ((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda item: (-len(item[0]), item[1])
)

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS = _BASE + "_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PERCENT = "%[0-9A-Fa-f]{2}"
PN_LOCAL = re.compile(
    f"(?:[{_BASE}_:0-9]|{_PERCENT})(?:(?:[{_CHARS}.:]|{_PERCENT})*(?:[{_CHARS}:]|{_PERCENT}))?"
)
"""SPARQL's (and Turtle's) PN_LOCAL, without backslash escapes: a local name that can be pasted
into a query or a Turtle file as it is."""


def compact_iri(iri: str) -> str:
    """The prefixed name under the longest matching prefix whose local part is valid SPARQL and
    Turtle as it stands (no escapes), or the IRI itself.

    A local part with a dot is valid but written in full all the same: Oxigraph 0.5 reads
    ``e:a.b.1`` as ``e:a.b`` followed by the number ``.1``, and refuses ``e:a.b.c``.

    >>> compact_iri("https://w3id.org/mgraph/id/meeting/cop-5")
    'meeting:cop-5'
    >>> compact_iri("https://w3id.org/mgraph/ontology#Decision")
    'mg:Decision'
    >>> compact_iri("https://w3id.org/mgraph/id/meeting/cop-5/extra")
    'https://w3id.org/mgraph/id/meeting/cop-5/extra'
    """
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if not local or (PN_LOCAL.fullmatch(local) and "." not in local):
                return f"{prefix}:{local}"
    return iri


def expand_curie(text: str) -> str:
    """``meeting:cop-5`` (or ``mgid:meeting/cop-5``) -> the full IRI; full IRIs and anything else
    pass unchanged.

    >>> expand_curie("decision:mc-5-3")
    'https://w3id.org/mgraph/id/decision/mc-5-3'
    """
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return f"{PREFIXES[prefix]}{local}"
    return text
