"""The reader's language: one of the six UN languages, English when nothing else fits.

Names in other languages are ``skos:prefLabel`` with a language tag (see :mod:`mgraph.core.crosswalk`);
``rdfs:label`` is the English name. A page, the graph page and search show an entity's name in
the language asked for (``Accept-Language`` on ``mgraph serve``, ``--lang`` on the command line)
where the data has it, and the English name otherwise.
"""

from __future__ import annotations

from typing import Any

from mgraph.core.crosswalk import LANGUAGES
from mgraph.core.errors import InputError

DEFAULT = "en"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "ru": "Русский",
}


def _primary(tag: str) -> str:
    return tag.strip().split("-", 1)[0].split("_", 1)[0].casefold()


def check_language(tag: str | None) -> str:
    """A ``--lang`` value as one of the six language codes (``fr-CA`` -> ``fr``); InputError else."""
    if tag is None or not tag.strip():
        return DEFAULT
    primary = _primary(tag)
    if primary not in LANGUAGES:
        raise InputError(f"language {tag!r} is not one of the six UN languages: {', '.join(LANGUAGES)}")
    return primary


def negotiate(header: str | None) -> str:
    """The best of the six languages for an ``Accept-Language`` header (RFC 9110), else English."""
    if not header:
        return DEFAULT
    best, best_q = DEFAULT, 0.0
    for position, part in enumerate(header.split(",")[:50]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        primary = _primary(tag)
        # the first of equal weights wins: a later tag needs a strictly higher weight
        if primary in LANGUAGES and q > best_q and 0 < q <= 1:
            best, best_q = primary, q
        del position
    return best


def labels_in(index: Any, lang: str) -> dict[str, str]:
    """``iri -> name`` in ``lang`` for every entity of a graph index that has one."""
    if lang == DEFAULT:
        return {}
    out: dict[str, str] = {}
    for iri, pairs in index.out.items():
        for predicate, obj in pairs:
            if predicate == PREF_LABEL and getattr(obj, "language", None) == lang:
                out[iri] = min(out.get(iri, obj.value), obj.value)
    return out


def label_in(index: Any, iri: str, lang: str) -> str:
    """An entity's name in ``lang``, else its English label."""
    if lang != DEFAULT:
        names = sorted(
            o.value
            for p, o in index.out.get(iri, ())
            if p == PREF_LABEL and getattr(o, "language", None) == lang
        )
        if names:
            return names[0]
    return str(index.label(iri))


def relabel_view(view: Any, lang: str, graph: Any = None) -> None:
    """Show a network view's nodes by their names in ``lang`` (English where there is none)."""
    if lang == DEFAULT:
        return
    from mgraph.networks.index import get_index

    names = labels_in(get_index(graph), lang)
    for key, attrs in view.nodes(data=True):
        name = names.get(str(attrs.get("iri") or key))
        if name:
            attrs["label"] = name
