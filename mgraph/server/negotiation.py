"""Content negotiation: which format answers a request, from ``Accept`` (with q-values) or ``format=``.

``format=`` wins over ``Accept`` (it is what a link or a browser address bar can say); it takes a
short name (``json``, ``ttl``...) or a media type. ``Accept`` is read as RFC 9110 says: the highest
q-value wins, a more specific range beats a less specific one, ``q=0`` refuses a type, and ties go
to our order of preference (the first format of each table).
"""

from __future__ import annotations

from dataclasses import dataclass

from mgraph.core.formats import RESULTS, WRITTEN, media_types, names, spellings

RESULTS_TYPES: dict[str, tuple[str, ...]] = media_types(names(RESULTS))
"""SELECT and ASK result formats (worker names) and the media types that ask for them."""

GRAPH_TYPES: dict[str, tuple[str, ...]] = media_types(WRITTEN)
"""CONSTRUCT and DESCRIBE result formats and their media types (the first is the one we send)."""

FORMAT_NAMES: dict[str, str] = {**spellings(names(RESULTS) + WRITTEN), "html": "html"}
"""Short names accepted in ``format=`` (:mod:`mgraph.core.formats`)."""

CHARSET = "; charset=utf-8"


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media: str) -> int:
        """How specifically this range matches ``media``: 2 exact, 1 ``type/*``, 0 ``*/*``, -1 not."""
        kind, _, sub = media.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[_Range]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [_Range("*", "*", 1.0, 0)]
    ranges = []
    for order, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(_Range(kind, sub, q, order))
    return ranges


def quality(ranges: list[_Range], media: str) -> float:
    """The q-value the client gives ``media``: that of the most specific matching range."""
    best: tuple[int, float] = (-1, 0.0)
    for item in ranges:
        specificity = item.matches(media)
        if specificity > best[0]:
            best = (specificity, item.q)
    return best[1] if best[0] >= 0 else 0.0


def choose(table: dict[str, tuple[str, ...]], accept: str | None, fmt: str | None) -> tuple[str, str] | None:
    """The (format name, media type) to answer with, or None when the client accepts none of them.

    ``fmt`` (the ``format=`` parameter) is a short name or a media type; it overrides Accept.
    """
    if fmt:
        wanted = fmt.strip().lower()
        name = FORMAT_NAMES.get(wanted)
        if name in table:
            return name, table[name][0]
        for name, types in table.items():
            if wanted in types:
                return name, table[name][0]
        return None
    ranges = parse_accept(accept)
    best: tuple[float, int, str, str] | None = None
    for rank, (name, types) in enumerate(table.items()):
        for media in types:
            q = quality(ranges, media)
            if q > 0 and (best is None or (q, -rank) > (best[0], best[1])):
                best = (q, -rank, name, table[name][0])
    return None if best is None else (best[2], best[3])


def accepted_format(fmt: str | None) -> bool:
    """Whether ``format=`` names something we can serve at all (else the request is a 400)."""
    if not fmt:
        return True
    wanted = fmt.strip().lower()
    return wanted in FORMAT_NAMES or any(
        wanted in types for types in (*RESULTS_TYPES.values(), *GRAPH_TYPES.values())
    )


def content_type(media: str) -> str:
    """The Content-Type header for a media type we send (text types get a charset)."""
    if media.startswith("text/") or media.endswith("json") or media.endswith("+xml"):
        return media + CHARSET
    return media
