"""Every table-printing command fits the width it is given and never splits a word or a date.

A command's output at 60, 80 and 120 columns is read against the same output with no width
limit: every word of the narrow output must be a word of the wide one, or a piece of one cut at
a seam the renderer allows (a prefixed name after its colon, a word after a hyphen between
letters, a URL after a ``/``, a column name after an underscore). ``Switzerl`` or ``2017-05-0``
fails the test, and so does any line wider than the width.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from mgraph.core.tables import render, wrap

WIDTHS = [pytest.param(w, id=f"{w}-columns") for w in (60, 80, 120)]
WIDE = "100000"
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RECORD_RULE = re.compile(r"^-- row \d+ -*$")

COMMANDS = [
    pytest.param(["query", "decisions-by-meeting", "--param", "meeting=cop-5"], id="query-decisions"),
    pytest.param(["query", "legal-acts", "--param", "party=che"], id="query-legal-acts"),
    pytest.param(["query", "status-as-of", "--param", "date=2018-01-01"], id="query-status-as-of"),
    pytest.param(["query", "posts-held"], id="query-posts-held"),
    pytest.param(["query", "projects-by-funder"], id="query-projects-by-funder"),
    pytest.param(["query", "disputed-facts"], id="query-disputed-facts"),
    pytest.param(["query", "--list"], id="query-list"),
    pytest.param(["search", "mercury"], id="search"),
    pytest.param(["path", "WHO", "UNEP", "--max-length", "3"], id="path"),
    pytest.param(["analyze", "--top", "5"], id="analyze"),
    pytest.param(["stats"], id="stats"),
]


def mgraph(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mgraph", *args], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def split_words(narrow: str, wide: str) -> list[str]:
    """Words of ``narrow`` that are no word of ``wide`` nor a piece of one cut at a seam."""
    narrow = "\n".join(line for line in narrow.splitlines() if not RECORD_RULE.match(line))
    vocabulary = set(wide.split())
    words = sorted(vocabulary, key=len)
    bad = []
    for token in set(narrow.split()) - vocabulary:
        token = token.removesuffix("…")
        if not token or token in vocabulary or set(token) <= {"-"}:
            continue
        if any(_is_piece(token, word) for word in words if len(word) > len(token)):
            continue
        bad.append(token)
    return sorted(bad)


def _is_piece(piece: str, word: str) -> bool:
    """Whether ``piece`` is ``word`` cut only at allowed seams (at either end)."""
    start = word.find(piece)
    while start != -1:
        end = start + len(piece)
        head_ok = start == 0 or _seam(word, start)
        tail_ok = end == len(word) or _seam(word, end)
        if head_ok and tail_ok:
            return True
        start = word.find(piece, start + 1)
    return False


def _seam(word: str, at: int) -> bool:
    """A cut before ``word[at]`` is allowed: after a colon, an underscore, a URL delimiter, or a
    hyphen between letters (never between digits: dates and codes stay whole)."""
    before = word[at - 1]
    if before in ":_":
        return True
    if "://" in word:
        return True  # a URL is no word: it breaks at its punctuation, or anywhere when it must
    return before == "-" and word[at - 2 : at - 1].isalpha() and word[at : at + 1].isalpha()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", COMMANDS)
def test_output_fits_and_splits_no_word(args: list[str], width: int) -> None:
    wide_args = [*args, "--no-truncate"] if args[0] == "query" and "--list" not in args else args
    wide = mgraph(*wide_args, "--width", WIDE)
    narrow = mgraph(*args, "--width", str(width))
    too_long = [line for line in narrow.splitlines() if len(line) > width]
    assert not too_long, f"{len(too_long)} lines over {width} columns, such as:\n{too_long[0]}"
    assert split_words(narrow, wide) == []
    assert sorted(DATE.findall(narrow)) == sorted(DATE.findall(wide))


@pytest.mark.parametrize("width", WIDTHS)
def test_help_fits(width: int) -> None:
    """``--help`` of every command, wrapped by argparse to the terminal (COLUMNS)."""
    from mgraph.cli import COMMANDS as NAMES

    for name in ("", *NAMES):
        done = subprocess.run(
            [sys.executable, "-m", "mgraph", *([name] if name else []), "--help"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={"COLUMNS": str(width), "PATH": "/usr/bin:/bin"},
        )
        longest = max(done.stdout.splitlines(), key=len)
        assert len(longest) <= max(width, 80), f"mgraph {name} --help: {longest}"


# --- the renderer itself ----------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_a_date_or_a_code_is_never_cut(width: int) -> None:
    rows = [["Switzerland", "2017-05-02", "MC-5/3", "decision:mc-5-3", "a " * 40]] * 3
    text = render(["country", "deposited", "code", "decision", "note"], rows, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    for word in ("Switzerland", "2017-05-02", "MC-5/3"):
        assert text.count(word) == 3, text


def test_too_many_columns_become_records() -> None:
    columns = [f"column_{i}" for i in range(12)]
    text = render(columns, [[f"value-{i}x" for i in range(12)]], width=40)
    assert text.splitlines()[0].startswith("-- row 1 ")
    assert "column_11  value-11x" in text and max(len(line) for line in text.splitlines()) <= 40


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        pytest.param("entry into force", 6, ["entry", "into", "force"], id="words"),
        pytest.param("entry-into-force", 8, ["entry-", "into-", "force"], id="hyphen-between-letters"),
        pytest.param("2017-05-02", 10, ["2017-05-02"], id="date-fits"),
        pytest.param("legal-act:arg-signature", 13, ["legal-act:", "arg-signature"], id="short-name"),
        pytest.param("https://example.org/a/b", 16, ["https://example.", "org/a/b"], id="url"),
    ],
)
def test_wrap_breaks_only_at_seams(text: str, width: int, lines: list[str]) -> None:
    assert wrap(text, width) == lines


def test_split_words_catches_a_cut_word() -> None:
    """The check of this file fails on the cuts the issue found (so it can fail)."""
    wide = "Switzerland 2017-05-02 legal-act:arg-signature"
    assert split_words("Switzerl and 2017-05-0 2", wide) == ["2", "2017-05-0", "Switzerl", "and"]
    assert split_words("legal-act: arg-signature Switzer- land", wide) == ["Switzer-", "land"]
