"""The one entity resolver: an entity as people write it -> its IRI.

Accepted, tried in this order (the first step that finds anything decides):

1. an IRI or a compact IRI (``mgid:meeting/cop-5``) of an entity;
2. ``kind/id`` (``meeting/cop-5``) or a bare id (``cop-5``);
3. exactly, then ignoring case, then ignoring case and punctuation: an id, a code
   (``MC-5/3``), a label (``Burkina Faso``) or an alternative name or acronym (``WHO``, ``BFA``);
4. an external id of the crosswalk (``M49:854``, ``wikidata:Q155``, ``ecolex:TRE-160007``,
   ``geonames:3469034``: see :mod:`mgraph.crosswalk`).

A name that matches nothing, or several entities at the same step, is an InputError (exit 2)
listing the closest candidates. Claims are never candidates (their labels restate a record).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mgraph.errors import InputError
from mgraph.namespaces import MG, MGID
from mgraph.terms import expand_curie

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
CLAIM = str(MG.Claim)


@dataclass(frozen=True)
class Name:
    """One way of naming an entity."""

    text: str
    iri: str
    matched_on: str  # "id", "code", "label", "alt name"


def _normal(text: str) -> str:
    return _PUNCTUATION.sub("", text.casefold())


class Names:
    """Every name of every entity of one graph index, with lookup tables per matching step."""

    def __init__(self, index: Any) -> None:
        from mgraph.views.index import IDENTIFIER

        self.index = index
        self.names: list[Name] = []
        for iri, types in index.types.items():
            if CLAIM in types:
                continue
            label = index.label(iri)
            if iri.startswith(str(MGID)):
                self.names.append(Name(iri[len(str(MGID)) :].rsplit("/", 1)[-1], iri, "id"))
            if label != iri:  # a source cited by its bare URL is named by its IRI only
                self.names.append(Name(label, iri, "label"))
            codes = {o.value for o in index.values(iri, IDENTIFIER)}
            for alt in index.alt_names(iri):
                self.names.append(Name(alt, iri, "code" if alt in codes else "alt name"))
        self.names.sort(key=lambda n: (n.iri, n.matched_on, n.text))
        self.steps: list[dict[str, list[Name]]] = [{}, {}, {}]
        for name in self.names:
            for step, key in enumerate((name.text, name.text.casefold(), _normal(name.text))):
                if key:
                    self.steps[step].setdefault(key, []).append(name)

    def lookup(self, text: str, kinds: set[str] | None = None) -> list[str]:
        """IRIs of the first matching step (several means ambiguous)."""
        for step, key in enumerate((text, text.casefold(), _normal(text))):
            hits = sorted(
                {
                    n.iri
                    for n in self.steps[step].get(key, ())
                    if kinds is None or self.index.kind(n.iri) in kinds
                }
            )
            if hits:
                return hits
        return []

    def describe(self, iri: str) -> str:
        return f"{self.index.label(iri)} ({self.index.record_id(iri)})"

    def closest(self, text: str, kinds: set[str] | None = None, n: int = 5) -> list[str]:
        candidates = [name for name in self.names if kinds is None or self.index.kind(name.iri) in kinds]
        by_text: dict[str, set[str]] = {}
        for name in candidates:
            by_text.setdefault(name.text.casefold(), set()).add(name.iri)
        close = difflib.get_close_matches(text.casefold(), sorted(by_text), n=n * 2, cutoff=0.5)
        out: list[str] = []
        for match in close:
            for iri in sorted(by_text[match]):
                if iri not in out:
                    out.append(iri)
        return out[:n]


_NAMES: dict[int, tuple[Any, Names]] = {}


def names_of(index: Any) -> Names:
    """The names of an index's entities, computed once per index."""
    cached = _NAMES.get(id(index))
    if cached is None or cached[0] is not index:
        _NAMES.clear()
        cached = (index, Names(index))
        _NAMES[id(index)] = cached
    return cached[1]


def _kinds(kinds: str | Iterable[str] | None) -> set[str] | None:
    if kinds is None:
        return None
    return {kinds} if isinstance(kinds, str) else set(kinds)


def resolve(text: str, graph: Any = None, kinds: str | Iterable[str] | None = None) -> str:
    """The IRI of the one entity ``text`` names (see the module doc); InputError otherwise.

    ``graph``: None for the project's graph, or anything :func:`mgraph.views.index.get_index`
    takes. ``kinds``: only entities of these record kinds (``"country"``, ``"meeting"``...).
    """
    from mgraph.views.index import get_index

    index = get_index(graph)
    wanted = _kinds(kinds)
    query = str(text).strip()
    if not query:
        raise InputError("an entity name is empty")

    def accepted(iri: str) -> bool:
        return (
            iri in index.types
            and CLAIM not in index.types[iri]
            and (wanted is None or index.kind(iri) in wanted)
        )

    expanded = expand_curie(query)
    if accepted(expanded):
        return expanded
    if "/" in query and accepted(f"{MGID}{query}"):
        return f"{MGID}{query}"
    names = names_of(index)
    hits = names.lookup(query, wanted) or external_matches(query, index, wanted)
    if len(hits) == 1:
        return hits[0]
    where = f" among {', '.join(sorted(wanted))}" if wanted else ""
    if hits:
        listed = "; ".join(names.describe(i) for i in hits[:10])
        more = f" and {len(hits) - 10} more" if len(hits) > 10 else ""
        raise InputError(
            f"{query!r} is ambiguous{where}: it names {listed}{more}; give an id such as kind/id"
        )
    close = names.closest(query, wanted)
    hint = f"; did you mean: {'; '.join(names.describe(i) for i in close)}" if close else ""
    raise InputError(f"no entity is named {query!r}{where}{hint}")


def search(
    text: str,
    limit: int = 20,
    graph: Any = None,
    kinds: str | Iterable[str] | None = None,
    lang: str | None = None,
) -> list[dict[str, str]]:
    """Entities whose names match ``text``, best first: exact names, then names that start with
    it, then names containing it (case and punctuation ignored); close spellings only when no name
    contains it.

    Each match: ``{"iri", "id", "kind", "label", "matched_on", "name"}`` (``name`` is the matching
    id, code, label or alternative name); ``label`` is in ``lang`` (one of the six UN languages)
    where the graph has a name in it, else English.
    """
    from mgraph.languages import check_language, label_in
    from mgraph.views.index import get_index

    if limit < 1:
        raise InputError(f"limit must be 1 or more, not {limit}")
    language = check_language(lang)
    index = get_index(graph)
    names = names_of(index)
    wanted = _kinds(kinds)
    query = _normal(str(text))
    if not query:
        raise InputError("give some letters or digits to search for")
    ranked: dict[str, tuple[tuple[int, int, str], Name]] = {}
    order = {"id": 0, "code": 1, "label": 2, "alt name": 3, "external id": 4}
    for name in names.names:
        if wanted is not None and index.kind(name.iri) not in wanted:
            continue
        key = _normal(name.text)
        if key == query:
            rank = 0
        elif key.startswith(query):
            rank = 1
        elif query in key:
            rank = 2
        else:
            continue
        score = (rank, order[name.matched_on], name.text.casefold())
        if name.iri not in ranked or score < ranked[name.iri][0]:
            ranked[name.iri] = (score, name)
    for iri in external_matches(str(text), index, wanted):
        ranked[iri] = ((0, 0, ""), Name(str(text).strip(), iri, "external id"))
    if not ranked:  # nothing contains the text: offer close spellings
        for iri in names.closest(str(text), wanted, n=limit):
            if iri not in ranked:
                ranked[iri] = ((3, 0, ""), Name(index.label(iri), iri, "similar"))
    best = sorted(ranked.values(), key=lambda item: (item[0], index.label(item[1].iri), item[1].iri))
    return [
        {
            "iri": name.iri,
            "id": index.record_id(name.iri),
            "kind": index.kind(name.iri),
            "label": label_in(index, name.iri, language),
            "matched_on": name.matched_on,
            "name": name.text,
        }
        for _, name in best[:limit]
    ]


_MATCHES: dict[int, tuple[Any, dict[str, list[str]]]] = {}
_MATCH_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
)


def external_matches(text: str, index: Any, kinds: set[str] | None = None) -> list[str]:
    """Our entities mapped (skos:exactMatch or closeMatch) to the external id ``text``
    (``M49:854``, ``wikidata:Q155``, ``ecolex:TRE-160007``); [] when it is no external id."""
    from mgraph.crosswalk import external_iri

    target = external_iri(text)
    if target is None:
        return []
    cached = _MATCHES.get(id(index))
    if cached is None or cached[0] is not index:
        by_target: dict[str, list[str]] = {}
        for iri, pairs in index.out.items():
            for predicate, obj in pairs:
                if predicate in _MATCH_PREDICATES:
                    by_target.setdefault(obj.value, []).append(iri)
        _MATCHES.clear()
        cached = (index, by_target)
        _MATCHES[id(index)] = cached
    return sorted(
        {
            iri
            for iri in cached[1].get(target, ())
            if CLAIM not in index.types.get(iri, ()) and (kinds is None or index.kind(iri) in kinds)
        }
    )
