"""The one entity resolver: an entity as people write it -> its IRI.

Accepted, tried in this order (the first step that finds anything decides):

1. an IRI or a short name (``meeting:cop-5``, ``mgid:meeting/cop-5``) of an entity;
2. ``kind/id`` (``meeting/cop-5``) or a bare id (``cop-5``);
3. exactly, then ignoring case, then ignoring case and punctuation: an id, a code
   (``MC-5/3``), a label (``Burkina Faso``) or an alternative name or acronym (``WHO``, ``BFA``);
4. an external id of the crosswalk (``M49:854``, ``wikidata:Q155``, ``ecolex:TRE-160007``,
   ``geonames:3469034``: see :mod:`mgraph.core.crosswalk`).
5. part of a name: whole words of one (a surname, ``Kapindula``; ``Burkina``), when one entity's
   name is the closest such fit. The entity taken is announced with a :class:`PartialName`
   warning naming it in full.

A name that matches nothing, or several entities at the same step, is an InputError (exit 2)
listing the closest candidates. Claims are never candidates (their labels restate a record).

The names of the project's graph are kept in a small JSON index in the user's cache folder
(``$MGRAPH_CACHE``, else ``$XDG_CACHE_HOME/mgraph``, else ``~/.cache/mgraph``), keyed by a
digest of the graph's files, so a name costs a few milliseconds instead of loading the graph.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgraph.core.errors import InputError
from mgraph.core.namespaces import MG, MGID
from mgraph.core.terms import compact_iri, expand_curie

if TYPE_CHECKING:
    from mgraph.networks.index import GraphIndex

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
CLAIM = str(MG.Claim)
INDEX_FORMAT = 2
"""Bumped when the cached index's layout or contents change."""


class PartialName(UserWarning):
    """A name was taken as part of an entity's name: the warning names the entity in full."""

    kind = "note"


@dataclass(frozen=True)
class Name:
    """One way of naming an entity."""

    text: str
    iri: str
    matched_on: str  # "id", "code", "label", "alt name"


def _normal(text: str) -> str:
    return _PUNCTUATION.sub("", text.casefold())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


class Names:
    """Every name of every entity of a graph, with lookup tables per matching step.

    ``entities`` maps each entity's IRI to its record kind, label and record id.
    """

    def __init__(
        self,
        names: list[Name],
        entities: dict[str, Sequence[str]],
        normal: list[str] | None = None,
    ) -> None:
        if normal is None:  # computed once, then kept in the cached index
            names = sorted(names, key=lambda n: (n.iri, n.matched_on, n.text))
            normal = [_normal(n.text) for n in names]
        self.names = names
        self.normal = normal
        self.entities = entities
        self._steps: list[dict[str, list[Name]] | None] = [None, None, None]

    def step(self, number: int) -> dict[str, list[Name]]:
        """The names by exact text (0), ignoring case (1), or case and punctuation (2); each
        table is made when first needed."""
        table = self._steps[number]
        if table is None:
            table = {}
            if number == 2:
                for name, key in zip(self.names, self.normal, strict=True):
                    if key:
                        table.setdefault(key, []).append(name)
            else:
                for name in self.names:
                    table.setdefault(name.text if number == 0 else name.text.casefold(), []).append(name)
            self._steps[number] = table
        return table

    @classmethod
    def from_index(cls, index: GraphIndex) -> Names:
        """The names of a :class:`mgraph.networks.index.GraphIndex`'s entities (claims left out)."""
        from mgraph.networks.index import IDENTIFIER

        names: list[Name] = []
        entities: dict[str, Sequence[str]] = {}
        for iri, types in index.types.items():
            if CLAIM in types:
                continue
            label = index.label(iri)
            entities[iri] = (index.kind(iri), label, index.record_id(iri))
            if iri.startswith(str(MGID)):
                names.append(Name(iri[len(str(MGID)) :].rsplit("/", 1)[-1], iri, "id"))
            if label != iri:  # a source cited by its bare URL is named by its IRI only
                names.append(Name(label, iri, "label"))
            codes = {o.value for o in index.values(iri, IDENTIFIER)}
            for alt in index.alt_names(iri):
                names.append(Name(alt, iri, "code" if alt in codes else "alt name"))
        return cls(names, entities)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": INDEX_FORMAT,
                "entities": {iri: list(info) for iri, info in sorted(self.entities.items())},
                "names": [
                    [n.text, n.iri, n.matched_on, key] for n, key in zip(self.names, self.normal, strict=True)
                ],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Names:
        data = json.loads(text)
        if data.get("format") != INDEX_FORMAT:
            raise ValueError("another index format")
        entities = data["entities"]  # iri -> [kind, label, record id]
        rows = data["names"]
        return cls([Name(t, i, m) for t, i, m, _ in rows], entities, [key for *_, key in rows])

    def kind(self, iri: str) -> str:
        return self.entities[iri][0] if iri in self.entities else ""

    def label(self, iri: str) -> str:
        return self.entities[iri][1] if iri in self.entities else iri

    def record_id(self, iri: str) -> str:
        return self.entities[iri][2] if iri in self.entities else compact_iri(iri)

    def lookup(self, text: str, kinds: set[str] | None = None) -> list[str]:
        """IRIs of the first matching step (several means ambiguous)."""
        for step, key in enumerate((text, text.casefold(), _normal(text))):
            hits = sorted(
                {n.iri for n in self.step(step).get(key, ()) if kinds is None or self.kind(n.iri) in kinds}
            )
            if hits:
                return hits
        return []

    def partial(self, text: str, kinds: set[str] | None = None) -> list[str]:
        """Entities with a label or other name that has every word of ``text`` as a whole word,
        best first: the larger the share of the name's words given, the better. Only the best
        share counts (ties are returned together)."""
        wanted = _words(text)
        if not wanted:
            return []
        best: dict[str, float] = {}
        for name in self.names:
            if name.matched_on == "id" or (kinds is not None and self.kind(name.iri) not in kinds):
                continue
            words = _words(name.text)
            if words and all(w in words for w in wanted):
                share = len(wanted) / len(words)
                best[name.iri] = max(best.get(name.iri, 0.0), share)
        if not best:
            return []
        top = max(best.values())
        return sorted(iri for iri, share in best.items() if share == top)

    def describe(self, iri: str) -> str:
        """``Burkina Faso (country:bfa)``: the label and the short name."""
        return f"{self.label(iri)} ({compact_iri(iri)})"

    def closest(self, text: str, kinds: set[str] | None = None, n: int = 5) -> list[str]:
        """Entities whose names contain a word of ``text`` (best share first), then names spelt
        closest to it."""
        out: list[str] = []
        wanted = set(_words(text))
        if wanted:
            shares: dict[str, float] = {}
            for name in self.names:
                if name.matched_on == "id" or (kinds is not None and self.kind(name.iri) not in kinds):
                    continue
                words = _words(name.text)
                common = len(wanted & set(words))
                if common:
                    share = common / (len(words) + len(wanted))
                    shares[name.iri] = max(shares.get(name.iri, 0.0), share)
            out = sorted(shares, key=lambda iri: (-shares[iri], self.label(iri), iri))[:n]
        by_text: dict[str, set[str]] = {}
        for name in self.names:
            if kinds is None or self.kind(name.iri) in kinds:
                by_text.setdefault(name.text.casefold(), set()).add(name.iri)
        close = difflib.get_close_matches(text.casefold(), sorted(by_text), n=n * 2, cutoff=0.5)
        spelt = [iri for match in close for iri in sorted(by_text[match])]
        for iri in spelt:
            if iri not in out:
                out.append(iri)
        # a close spelling first when it is much closer than any word match
        if close and spelt[0] in out and out.index(spelt[0]) > 0:
            ratio = difflib.SequenceMatcher(None, text.casefold(), close[0]).ratio()
            if ratio >= 0.8:
                out.remove(spelt[0])
                out.insert(0, spelt[0])
        return out[:n]


_NAMES: dict[int, tuple[Any, Names]] = {}


def names_of(index: GraphIndex) -> Names:
    """The names of an index's entities, computed once per index."""
    cached = _NAMES.get(id(index))
    if cached is None or cached[0] is not index:
        _NAMES.clear()
        cached = (index, Names.from_index(index))
        _NAMES[id(index)] = cached
    return cached[1]


# --- the project's names, cached on disk ---------------------------------------------------


def cache_folder() -> Path:
    """Where the name index is kept: ``$MGRAPH_CACHE``, else ``$XDG_CACHE_HOME/mgraph``, else
    ``~/.cache/mgraph``."""
    if os.environ.get("MGRAPH_CACHE"):
        return Path(os.environ["MGRAPH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mgraph"


def project_digest() -> str:
    """A digest of the files the project's graph is made from: ``dist/mercury.nt`` when it is
    built, else the data files and the ontology (as :func:`mgraph.core.graphs.which_graph` decides)."""
    from mgraph.core.graphs import DATA, project_files, which_graph

    digest = hashlib.sha256(f"names {INDEX_FORMAT}\0".encode())
    source = which_graph()
    files = project_files() if source.kind == DATA else list(source.files)
    for path in files:
        content = path.read_bytes() if path.is_file() else b""
        digest.update(f"{path.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


_PROJECT: dict[str, Names] = {}


def project_names() -> Names:
    """The names of the project's graph: from the cached index when it matches the graph's
    files, else computed from the graph (and cached for the next command)."""
    key = project_digest()
    names = _PROJECT.get(key)
    if names is not None:
        return names
    file = cache_folder() / f"names-{key[:32]}.json"
    try:
        names = Names.from_json(file.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        from mgraph.networks.index import project_index

        names = Names.from_index(project_index())
        try:
            from mgraph.core.files import write_file

            write_file(file, names.to_json().encode("utf-8"))
        except OSError:
            pass  # no cache folder we may write: compute again next time
    _PROJECT.clear()
    _PROJECT[key] = names
    return names


def names_for(graph: Any = None) -> Names:
    """The names of ``graph``: None for the project's graph (the cached index), else anything
    :func:`mgraph.networks.index.get_index` takes."""
    if graph is None:
        return project_names()
    if isinstance(graph, Names):
        return graph
    from mgraph.networks.index import get_index

    return names_of(get_index(graph))


def _kinds(kinds: str | Iterable[str] | None) -> set[str] | None:
    if kinds is None:
        return None
    return {kinds} if isinstance(kinds, str) else set(kinds)


def resolve(text: str, graph: Any = None, kinds: str | Iterable[str] | None = None) -> str:
    """The IRI of the one entity ``text`` names (see the module doc); InputError otherwise.

    ``graph``: None for the project's graph, or anything :func:`mgraph.networks.index.get_index`
    takes. ``kinds``: only entities of these record kinds (``"country"``, ``"meeting"``...).
    A name taken as part of a longer one (step 4) is announced with a :class:`PartialName`
    warning.

    >>> import mgraph
    >>> kg = mgraph.load("tests/fixtures/data/good")
    >>> mgraph.resolve("UNEP", graph=kg)
    'https://w3id.org/mgraph/id/organisation/unep'
    >>> mgraph.resolve("Indonesia", graph=kg, kinds="country")
    'https://w3id.org/mgraph/id/country/idn'
    >>> mgraph.resolve("Atlantis", graph=kg)
    Traceback (most recent call last):
    ...
    mgraph.core.errors.InputError: no entity is named 'Atlantis'; did you mean: Bali (place:bali)
    """
    names = names_for(graph)
    wanted = _kinds(kinds)
    query = str(text).strip()
    if not query:
        raise InputError("an entity name is empty")

    def accepted(iri: str) -> bool:
        return iri in names.entities and (wanted is None or names.kind(iri) in wanted)

    expanded = expand_curie(query)
    if accepted(expanded):
        return expanded
    if "/" in query and accepted(f"{MGID}{query}"):
        return f"{MGID}{query}"
    hits = names.lookup(query, wanted) or _external(query, graph, wanted)
    if len(hits) == 1:
        return hits[0]
    where = f" among {', '.join(sorted(wanted))}" if wanted else ""
    if not hits:
        hits = names.partial(query, wanted)
        if len(hits) == 1:
            warnings.warn(f"{query!r} taken as {names.describe(hits[0])}", PartialName, stacklevel=2)
            return hits[0]
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

    >>> import mgraph
    >>> kg = mgraph.load("tests/fixtures/data/good")
    >>> [(match["id"], match["matched_on"]) for match in mgraph.search("UNEP", graph=kg)]
    [('organisation/unep', 'id'), ('role/unep-lead-asgm', 'id'), ('organisation/gmp', 'label')]
    """
    from mgraph.networks.languages import DEFAULT, check_language

    if limit < 1:
        raise InputError(f"limit must be 1 or more, not {limit}")
    language = check_language(lang)
    names = names_for(graph)
    wanted = _kinds(kinds)
    query = _normal(str(text))
    if not query:
        raise InputError("give some letters or digits to search for")
    ranked: dict[str, tuple[tuple[int, int, str], Name]] = {}
    order = {"id": 0, "code": 1, "label": 2, "alt name": 3, "external id": 4}
    for name in names.names:
        if wanted is not None and names.kind(name.iri) not in wanted:
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
    for iri in _external(str(text), graph, wanted):
        ranked[iri] = ((0, 0, ""), Name(str(text).strip(), iri, "external id"))
    if not ranked:  # nothing contains the text: offer close spellings
        for iri in names.closest(str(text), wanted, n=limit):
            if iri not in ranked:
                ranked[iri] = ((3, 0, ""), Name(names.label(iri), iri, "similar"))
    best = sorted(ranked.values(), key=lambda item: (item[0], names.label(item[1].iri), item[1].iri))
    return [
        {
            "iri": name.iri,
            "id": names.record_id(name.iri),
            "kind": names.kind(name.iri),
            "label": names.label(name.iri) if language == DEFAULT else _label_in(graph, name.iri, language),
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


def _external(text: str, graph: Any, kinds: set[str] | None) -> list[str]:
    """:func:`external_matches` on the graph's index, built only when ``text`` is an external id
    (the names cache answers every other lookup without it)."""
    from mgraph.core.crosswalk import external_iri

    if external_iri(text) is None:
        return []
    return external_matches(text, _index_of(graph), kinds)


def _label_in(graph: Any, iri: str, lang: str) -> str:
    """An entity's name in ``lang`` from the graph's index (English where it has none)."""
    from mgraph.networks.languages import label_in

    return label_in(_index_of(graph), iri, lang)


def _index_of(graph: Any) -> GraphIndex:
    """The graph index behind a lookup (a names cache stands for the project's graph)."""
    from mgraph.networks.index import get_index

    return get_index(None if isinstance(graph, Names) else graph)


def external_matches(text: str, index: GraphIndex, kinds: set[str] | None = None) -> list[str]:
    """Our entities mapped (skos:exactMatch or closeMatch) to the external id ``text``
    (``M49:854``, ``wikidata:Q155``, ``ecolex:TRE-160007``); [] when it is no external id."""
    from mgraph.core.crosswalk import external_iri

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
