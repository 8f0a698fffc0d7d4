"""A user's shapes file checked before it is used, so that a typo is an error and not a silent pass.

SHACL engines ignore a triple whose predicate they do not know (``sh:minCont 1`` constrains
nothing) and read a wrongly typed parameter as a value that never matches (``sh:datatype
"xsd:date"``), so shapes with such mistakes validate everything and report *conforms*. This
check refuses them, naming the file, the line and what to write instead:

- terms in the SHACL namespace that SHACL does not define (with the closest term);
- ``sh:pattern`` values that are not valid regular expressions (with ``sh:flags``);
- parameters of the wrong kind: an IRI written as a string (``sh:datatype "xsd:date"``), a count
  that is not a non-negative integer, a flag that is not a boolean, a list that is not a list,
  an unknown ``sh:nodeKind``.

Syntax errors are the parser's (:func:`mgraph.core.user_files.parse_user_file`), located the same way.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from mgraph.validation.engines.common import ShapesError

_IRI_VALUED = (
    "class datatype node nodeKind severity targetClass targetSubjectsOf targetObjectsOf disjoint "
    "equals lessThan lessThanOrEquals qualifiedValueShape not property sparql"
).split()
_COUNTS = "minCount maxCount minLength maxLength qualifiedMinCount qualifiedMaxCount".split()
_BOOLEANS = "closed deactivated uniqueLang qualifiedValueShapesDisjoint".split()
_LISTS = "in languageIn and or xone ignoredProperties".split()
_STRINGS = "pattern flags".split()
_NODE_KINDS = "IRI BlankNode Literal BlankNodeOrIRI BlankNodeOrLiteral IRIOrLiteral".split()
_INTEGER_TYPES = {XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long, XSD.short, XSD.positiveInteger}


@cache
def shacl_terms() -> frozenset[str]:
    """Every local name the SHACL vocabulary defines (rdflib's copy of it)."""
    names = set(getattr(SH, "__annotations__", {})) | set(getattr(SH, "_extras", ()))
    return frozenset(name for name in names if "-" not in name)


def check_shapes(graph: Graph, file: str | Path, text: str) -> None:
    """Raise :class:`ShapesError` listing every problem of the shapes ``graph`` read from ``file``.

    ``text`` is the file's text, searched for the line where each problem is written.
    """
    located = sorted((_line(text, needle), what) for needle, what in _problems(graph))
    if located:
        raise ShapesError("\n".join(f"{file}:{line}: {what}" for line, what in located))


def _problems(graph: Graph) -> set[tuple[str, str]]:
    """(text to find the line by, what is wrong and what to write) for each problem."""
    found: set[tuple[str, str]] = set()
    known = shacl_terms()
    ns = str(SH)
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(ns):
                local = str(term)[len(ns) :]
                if local not in known:
                    lower = {name.lower(): name for name in sorted(known)}
                    close = difflib.get_close_matches(local.lower(), list(lower), n=1, cutoff=0.6)
                    hint = f"; did you mean sh:{lower[close[0]]}?" if close else ""
                    found.add((local, f"sh:{local} is not a SHACL term, so it would constrain nothing{hint}"))
    for local in _IRI_VALUED:
        for value in graph.objects(None, SH[local]):
            if isinstance(value, Literal):
                hint = f" write {value} without quotes" if re.fullmatch(r"\w+:\w+", str(value)) else ""
                found.add(
                    (
                        f'"{value}"',
                        f'sh:{local} takes an IRI, not the string "{value}";'
                        + (hint or " write the IRI as <...> or a prefixed name"),
                    )
                )
    for local in _COUNTS:
        for value in graph.objects(None, SH[local]):
            number = value.value if isinstance(value, Literal) and value.datatype in _INTEGER_TYPES else None
            if not isinstance(number, int) or number < 0:
                found.add((local, f"sh:{local} takes a non-negative integer such as 1, not {_shown(value)}"))
    for local in _BOOLEANS:
        for value in graph.objects(None, SH[local]):
            if not (isinstance(value, Literal) and value.datatype == XSD.boolean):
                found.add((local, f"sh:{local} takes true or false, not {_shown(value)}"))
    for local in _LISTS:
        for value in graph.objects(None, SH[local]):
            if not (value == RDF.nil or (isinstance(value, BNode) and (value, RDF.first, None) in graph)):
                found.add((local, f"sh:{local} takes a list in ( ... ), not {_shown(value)}"))
    for local in _STRINGS:
        for value in graph.objects(None, SH[local]):
            if not isinstance(value, Literal):
                found.add((local, f"sh:{local} takes a string in quotes, not {_shown(value)}"))
    for value in graph.objects(None, SH.nodeKind):
        if isinstance(value, URIRef) and value not in {SH[k] for k in _NODE_KINDS}:
            kinds = ", ".join(f"sh:{k}" for k in _NODE_KINDS)
            found.add(("nodeKind", f"sh:nodeKind {_shown(value)} is not a node kind; write one of {kinds}"))
    for shape, pattern in graph.subject_objects(SH.pattern):
        if not isinstance(pattern, Literal):
            continue
        flags = str(graph.value(shape, SH.flags) or "")
        try:
            re.compile(str(pattern), (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
        except re.error as exc:
            found.add(
                (
                    f'"{pattern}"',
                    f'sh:pattern "{pattern}" is not a valid regular expression ({exc.msg} at '
                    f"position {exc.pos}); escape a special character with a backslash",
                )
            )
    return found


def _shown(value: object) -> str:
    if isinstance(value, Literal):
        return f'"{value}"' if value.datatype in (None, XSD.string) else str(value)
    if isinstance(value, URIRef):
        return f"<{value}>"
    return "a blank node" if isinstance(value, BNode) else str(value)


def _line(text: str, needle: str) -> int:
    """The first line of ``text`` holding ``needle`` (a local name as a whole word, or a string)."""
    if needle.startswith('"'):
        pattern = re.compile(re.escape(needle))
    else:
        pattern = re.compile(rf"(?<![\w-]){re.escape(needle)}(?![\w-])")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("#") and pattern.search(line):
            return number
    return 1
