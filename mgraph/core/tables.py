"""The one text-table renderer: every command that prints a table prints it here.

A table fits in ``width`` characters. Cells wrap at spaces, never inside a word, a date
(``2017-05-02``) or a code (``MC-5/3``). Only where the columns cannot all be as wide as their
longest word is a token broken, and only at a seam: a prefixed name after its colon
(``legal-act:`` / ``arg-signature``), a word after a hyphen between letters (``entry-into-`` /
``force``), a URL after its punctuation (``/``, ``-``, ``.``...) or before a ``%XX`` byte.
When even that does not fit, each row is printed as a record: one ``column  value`` line per
column, values wrapped the same way.

>>> print(render(["code", "title"], [["MC-5/3", "Mercury waste thresholds"]], width=24), end="")
code    title
------  ----------------
MC-5/3  Mercury waste
        thresholds
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DEFAULT_WIDTH = 80
"""Used when neither ``--width`` nor the terminal gives one."""

GAP = "  "
MAX_LINES = 4
"""Lines a cell takes at most when shortening is on, more in a narrow column (the cut is marked
with ``…``)."""

MAX_CELL = 80
"""Widest a column grows when shortening is on."""

ELLIPSIS = "…"
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|urn:|mailto:)", re.IGNORECASE)
_URL_BREAK = re.compile(r"(?<=[/#?&=_.-])(?=[^/#?&=_.-])|(?=%[0-9A-Fa-f]{2})")
_SHORT_NAME = re.compile(r"^[A-Za-z][\w.-]*:[^\s:/]+$")
"""A prefixed name (``legal-act:arg-signature``): kept whole where the table has room, else
broken after its colon."""
_URL_MIN = 24
"""A URL counts this much at most towards its column's narrowest width (it breaks after a /)."""


def terminal_width(asked: int | None = None, *, tty: bool = True) -> int:
    """``asked`` (``--width``), else the terminal's width when printing to one, else 80."""
    import shutil

    if asked is not None:
        return asked
    if tty:
        size = shutil.get_terminal_size((0, 0)).columns
        if size > 0:
            return size
    return DEFAULT_WIDTH


def words(text: str) -> list[str]:
    """The unbreakable tokens of a cell."""
    return text.split()


_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")
"""After a hyphen between letters (``entry-|into-|force``), never between digits (dates)."""


def _pieces(token: str) -> list[str]:
    """The parts a token may be broken into, in order: after a URL's punctuation;
    after a prefixed name's colon; after a hyphen between letters."""
    if _URL.match(token):
        return [p for p in _URL_BREAK.split(token) if p]
    parts = [token]
    if _SHORT_NAME.match(token):
        prefix, _, local = token.partition(":")
        parts = [prefix + ":", local]
    return [piece for part in parts for piece in _HYPHEN_BREAK.split(part) if piece]


def _min_width(text: str, *, level: int = 0) -> int:
    """The narrowest a column may be for this cell: its longest word (level 0), its longest
    piece of a prefixed name (1), or of any word (2, see :func:`_pieces`)."""

    def least(word: str) -> int:
        if _URL.match(word):
            return min(len(word), _URL_MIN)
        if level == 0 or (level == 1 and not _SHORT_NAME.match(word)):
            return len(word)
        return max(len(p) for p in _pieces(word))

    return max((least(w) for w in words(text)), default=0)


def _head_words(name: str) -> list[str]:
    """A column name breaks after its underscores: ``meeting_start`` -> ``meeting_``, ``start``."""
    return re.findall(r"[^_]+_*|_+", name) or [name]


def _break_token(token: str, width: int) -> list[str]:
    """A token wider than ``width``, broken where :func:`_pieces` allows, else every ``width``
    characters (the last resort for a word wider than the whole table)."""
    out: list[str] = []
    line = ""
    for part in _pieces(token):
        while len(part) > width:
            if line:
                out.append(line)
                line = ""
            out.append(part[:width])
            part = part[width:]
        if len(line) + len(part) > width:
            out.append(line)
            line = ""
        line += part
    if line:
        out.append(line)
    return out


def wrap(text: str, width: int, *, max_lines: int | None = None, head: bool = False) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces only.

    With ``max_lines``, the lines after it are dropped and the last kept line ends in ``…``
    (whole words are dropped to make room). ``head``: a column name, also broken after ``_``.
    """
    tokens = _head_words(text) if head else words(text)
    lines: list[str] = []
    line = ""
    for token in tokens:
        sep = "" if head or not line else " "
        if len(line) + len(sep) + len(token) <= width:
            line += sep + token
            continue
        if line:
            lines.append(line)
            line = ""
        if len(token) <= width:
            line = token
        else:
            pieces = _break_token(token, width)
            lines += pieces[:-1]
            line = pieces[-1]
    if line or not lines:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        kept = lines[-1].split(" ")
        while kept and len(" ".join(kept)) + len(ELLIPSIS) + 1 > width:
            kept.pop()
        lines[-1] = (" ".join(kept) + " " + ELLIPSIS).strip()
    return lines


def _fit(
    natural: list[int], floor: list[int], room: int, targets: Sequence[list[int]] = ()
) -> list[int] | None:
    """Column widths that fit ``room``: each column its floor; then, for each of ``targets``
    in turn (wider floors, that break fewer tokens) and as room allows, the columns closest to
    their target get it; the room left is shared in proportion to how much wider each would
    like to be. None when even the floors do not fit."""
    if sum(floor) > room:
        return None
    if sum(natural) <= room:
        return list(natural)
    floor = list(floor)
    for target in targets:
        for i in sorted(range(len(floor)), key=lambda i: (target[i] - floor[i], i)):
            grow = min(target[i], natural[i]) - floor[i]
            if 0 < grow <= room - sum(floor):
                floor[i] += grow
    extra = room - sum(floor)
    wants = [max(n - f, 0) for n, f in zip(natural, floor, strict=True)]
    if not sum(wants):
        return floor
    total = sum(wants)
    shares = [extra * w // total for w in wants]
    widths = [f + s for f, s in zip(floor, shares, strict=True)]
    left = room - sum(widths)
    by_remainder = sorted(range(len(wants)), key=lambda i: (-(extra * wants[i] % total), i))
    for i in by_remainder:
        if left <= 0:
            break
        if widths[i] < natural[i]:
            widths[i] += 1
            left -= 1
    return widths


def render(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int | None = DEFAULT_WIDTH,
    shorten: bool = True,
    footer: str | None = None,
    right: Sequence[int] = (),
    header: bool = True,
    at_least: Sequence[int] = (),
    footer_width: int | None = None,
) -> str:
    """Rows of text cells as an aligned table in ``width`` characters (None: no limit, whole
    cells on one line each).

    ``shorten`` caps a column at :data:`MAX_CELL` characters and a cell at :data:`MAX_LINES`
    lines. ``footer`` is printed last; ``right`` lists columns aligned right (numbers);
    ``header=False`` leaves out the column names and the rule under them; ``at_least`` gives
    columns a width they take when there is room (to align several tables). The footer is
    wrapped to ``width``, or to ``footer_width`` when given.
    """
    if footer is not None and (footer_width or width):
        footer = "\n".join(wrap(footer, footer_width or width or 0))
    cells = [[" ".join(str(c).split()) for c in row] for row in rows]
    heads = list(columns)
    least = list(at_least) + [0] * (len(heads) - len(at_least))
    if width is None:
        whole = [max([len(h), least[i]] + [len(r[i]) for r in cells]) for i, h in enumerate(heads)]
        return _layout(heads, cells, whole, None, right, footer, head_wrap=False, header=header)
    room = width - len(GAP) * (len(heads) - 1)
    natural = [
        max([len(h) if header else 0, least[i]] + [len(r[i]) for r in cells]) for i, h in enumerate(heads)
    ]
    if shorten:
        natural = [min(n, MAX_CELL) for n in natural]
    floors = [
        [
            min(f, n) if n else f
            for f, n in zip(
                [
                    max(
                        [max(len(w) for w in _head_words(h)) if header else 0]
                        + [_min_width(r[i], level=level) for r in cells]
                    )
                    for i, h in enumerate(heads)
                ],
                natural,
                strict=True,
            )
        ]
        for level in (0, 1, 2)
    ]
    widths: list[int] | None = []
    for level in (0, 1, 2):
        # room to spare goes first to keeping words whole, then prefixed names
        widths = _fit(natural, floors[level], room, floors[:level][::-1]) if heads else []
        if widths is not None:
            break
    if widths is None:
        return _records(heads, cells, width, shorten, footer)
    return _layout(
        heads, cells, widths, MAX_LINES if shorten else None, right, footer, head_wrap=True, header=header
    )


def _layout(
    heads: list[str],
    cells: list[list[str]],
    widths: list[int],
    max_lines: int | None,
    right: Sequence[int],
    footer: str | None,
    *,
    head_wrap: bool,
    header: bool = True,
) -> str:
    def block(texts: list[str], head: bool) -> list[str]:
        wrapped = [
            (wrap(t, w, max_lines=_lines(max_lines, w), head=head) if head_wrap or not head else [t])
            if len(t) > w
            else [t]
            for t, w in zip(texts, widths, strict=True)
        ]
        height = max((len(c) for c in wrapped), default=1)
        out = []
        for k in range(height):
            parts = []
            for i, (c, w) in enumerate(zip(wrapped, widths, strict=True)):
                text = c[k] if k < len(c) else ""
                parts.append(text.rjust(w) if i in right and not head else text.ljust(w))
            out.append(GAP.join(parts).rstrip())
        return out

    lines = [*block(heads, True), GAP.join("-" * w for w in widths)] if header else []
    for row in cells:
        lines += block(row, False)
    if footer:
        lines.append(footer)
    return "\n".join(lines) + "\n"


def _lines(max_lines: int | None, width: int) -> int | None:
    """Lines a cell may take: :data:`MAX_LINES`, more in a narrow column (about two lines of
    :data:`MAX_CELL` characters), no limit when shortening is off."""
    if max_lines is None:
        return None
    return max(max_lines, -(-2 * MAX_CELL // max(width, 1)))


def _records(heads: list[str], cells: list[list[str]], width: int, shorten: bool, footer: str | None) -> str:
    """Each row as lines of ``column  value``: for tables too wide to fit as columns."""
    label = min(max((len(h) for h in heads), default=0), max(width // 2 - 4, 8))
    room = max(width - label - len(GAP), 8)
    lines: list[str] = []
    for number, row in enumerate(cells, start=1):
        lines.append(f"-- row {number} " + "-" * max(width - len(f"-- row {number} "), 0))
        for head, text in zip(heads, row, strict=True):
            names = wrap(head, label, head=True)
            values = wrap(text, room, max_lines=MAX_LINES * 2 if shorten else None)
            for k in range(max(len(names), len(values))):
                name = names[k] if k < len(names) else ""
                value = values[k] if k < len(values) else ""
                lines.append((name.ljust(label) + GAP + value).rstrip())
    if footer:
        lines.append(footer)
    return "\n".join(lines) + "\n"


def fit_text(text: str, width: int, *, indent: str = "") -> str:
    """Plain lines of text wrapped at spaces to ``width`` (continuation lines indented); lines
    that fit are left as they are."""
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        pieces = wrap(line.strip(), max(width - len(lead) - len(indent), 8))
        out.append(lead + pieces[0])
        out += [lead + indent + p for p in pieces[1:]]
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")
