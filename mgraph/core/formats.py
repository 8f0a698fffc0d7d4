"""The RDF and query-result formats, each named once: the one table input, output, ``query`` and the
server read (standard library only, so the command line and the query worker may import it).

Each :class:`Format` has its canonical name (what ``--format`` and ``format=`` print), the other
spellings people write (``nt``, ``n-triples``...), its media types (the first is the one we send),
its file extensions (the first is the one we write) and its names in rdflib and in pyoxigraph
(``RdfFormat`` or ``QueryResultsFormat``). Names and aliases are unique across the table; file
extensions are unique within a kind (``.json`` is JSON-LD among RDF files, SPARQL JSON among
results).

>>> from mgraph.core.formats import RDF, find
>>> find("nt").name, find("N-Triples").label, find("ttl").media_types[0]
('ntriples', 'N-Triples', 'text/turtle')
>>> find("json", kind=RDF).name, find("json").name
('jsonld', 'json')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RDF = "rdf"
RESULTS = "results"


@dataclass(frozen=True)
class Format:
    name: str
    """The canonical name: what ``--format`` and ``format=`` take and print."""
    label: str
    """The name people read (``N-Triples``), in messages."""
    kind: str
    """:data:`RDF` (a graph or dataset) or :data:`RESULTS` (SPARQL SELECT and ASK results)."""
    media_types: tuple[str, ...]
    """The first is the one we send; the others are accepted too."""
    extensions: tuple[str, ...]
    """File extensions with their dot; the first is the one we write."""
    rdflib: str
    """rdflib's name (``Graph.parse(format=...)``, ``Result.parse(format=...)``)."""
    oxigraph: str
    """The member of pyoxigraph's ``RdfFormat`` or ``QueryResultsFormat``."""
    aliases: tuple[str, ...] = ()
    """Other spellings, unique across the table (the extensions and the rdflib name of an RDF
    format are accepted as well where the kind is known)."""

    def pyoxigraph(self) -> Any:
        """pyoxigraph's format object (imports pyoxigraph)."""
        import pyoxigraph as ox

        group = ox.RdfFormat if self.kind == RDF else ox.QueryResultsFormat
        return getattr(group, self.oxigraph)


FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        "Turtle",
        RDF,
        ("text/turtle", "application/x-turtle"),
        (".ttl",),
        "turtle",
        "TURTLE",
        ("ttl",),
    ),
    Format(
        "ntriples",
        "N-Triples",
        RDF,
        ("application/n-triples", "text/plain"),
        (".nt",),
        "nt",
        "N_TRIPLES",
        ("nt", "n-triples"),
    ),
    Format("nquads", "N-Quads", RDF, ("application/n-quads",), (".nq",), "nquads", "N_QUADS", ("n-quads",)),
    Format("trig", "TriG", RDF, ("application/trig",), (".trig",), "trig", "TRIG"),
    Format("n3", "N3", RDF, ("text/n3",), (".n3",), "n3", "N3"),
    Format(
        "rdfxml",
        "RDF/XML",
        RDF,
        ("application/rdf+xml",),
        (".rdf", ".owl", ".xml"),
        "xml",
        "RDF_XML",
        ("rdf/xml",),
    ),
    Format(
        "jsonld",
        "JSON-LD",
        RDF,
        ("application/ld+json", "application/json"),
        (".jsonld", ".json"),
        "json-ld",
        "JSON_LD",
        ("json-ld",),
    ),
    Format(
        "json",
        "SPARQL JSON",
        RESULTS,
        ("application/sparql-results+json", "application/json"),
        (".srj", ".json"),
        "json",
        "JSON",
        ("srj",),
    ),
    Format(
        "xml",
        "SPARQL XML",
        RESULTS,
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        (".srx", ".xml"),
        "xml",
        "XML",
        ("srx",),
    ),
    Format("csv", "SPARQL CSV", RESULTS, ("text/csv",), (".csv",), "csv", "CSV"),
    Format("tsv", "SPARQL TSV", RESULTS, ("text/tab-separated-values",), (".tsv",), "tsv", "TSV"),
)
"""Every format, RDF first, each in our order of preference within its kind."""

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}

WRITTEN: tuple[str, ...] = ("turtle", "ntriples", "jsonld")
"""The RDF formats mgraph writes (:mod:`mgraph.core.serialize`): release files, entity pages,
``query`` and ``export`` output, the endpoint's CONSTRUCT and DESCRIBE answers."""


def of_kind(kind: str) -> tuple[Format, ...]:
    """The formats of one kind, in the table's order."""
    return tuple(f for f in FORMATS if f.kind == kind)


def names(kind: str) -> tuple[str, ...]:
    """The canonical names of one kind."""
    return tuple(f.name for f in of_kind(kind))


def extensions(kind: str = RDF) -> dict[str, str]:
    """File extension (with its dot) -> canonical name, for one kind."""
    return {ext: f.name for f in of_kind(kind) for ext in f.extensions}


def spellings(chosen: tuple[str, ...] | None = None) -> dict[str, str]:
    """Every name and alias (lower case) -> the canonical name, of the ``chosen`` formats (by
    canonical name; default all): the short names a ``format=`` parameter takes."""
    wanted = [BY_NAME[name] for name in chosen] if chosen is not None else FORMATS
    return {spelling: f.name for f in wanted for spelling in (f.name, *f.aliases)}


def find(spelling: str, kind: str | None = None) -> Format | None:
    """The format a user means by ``spelling`` (any case, surrounding spaces ignored): a canonical
    name, an alias or a media type; with ``kind`` also a file extension (with or without its dot)
    or rdflib's name of that kind. None when it names none."""
    wanted = spelling.strip().lower()
    candidates = of_kind(kind) if kind else FORMATS
    for f in candidates:
        if wanted == f.name or wanted in f.aliases:
            return f
    for f in candidates:
        if wanted in f.media_types:
            return f
    if kind:
        dotted = wanted if wanted.startswith(".") else "." + wanted
        for f in candidates:
            if dotted in f.extensions or wanted == f.rdflib:
                return f
    return None


def media_types(chosen: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Canonical name -> media types (the first is the one sent), of the ``chosen`` formats in
    that order: the tables content negotiation chooses from."""
    return {name: BY_NAME[name].media_types for name in chosen}
