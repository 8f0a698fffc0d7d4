"""The command line where a person meets it: a misspelt command, an export that says what it
wrote, a search with no match, unquoted names, warnings on standard error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from paths import TINY


def mgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mgraph", *args], capture_output=True, text=True, check=False, timeout=300
    )


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        pytest.param(["serach", "WHO"], "did you mean search?", id="command"),
        pytest.param(["analyse"], "did you mean analyze?", id="british-spelling"),
        pytest.param(["query", "cop-timeline", "--format", "tabel"], "did you mean table?", id="choice"),
        pytest.param(
            ["query", "cop-timeline", "--format", "ntripels"], "did you mean ntriples?", id="rdf-choice"
        ),
        pytest.param(["analyze", "--format", "markdwn"], "did you mean markdown?", id="analyze-choice"),
        pytest.param(["diff", "a", "b", "--format", "turtel"], "did you mean turtle?", id="diff-choice"),
    ],
)
def test_a_misspelt_word_gets_a_suggestion(args: list[str], hint: str) -> None:
    done = mgraph(*args)
    assert done.returncode == 2 and hint in done.stderr, done.stderr


def test_a_misspelt_command_fits_the_terminal() -> None:
    """Argparse's message lists every command on one line (199 characters); it is wrapped."""
    done = mgraph("serach", "WHO")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert max(len(line) for line in lines) <= 80, done.stderr
    assert len(" ".join(lines)) > 80  # the failing case: unwrapped, it would not fit
    assert "did you mean search?" in lines


def test_a_word_like_none_gets_no_suggestion() -> None:
    done = mgraph("zzzz")
    assert done.returncode == 2 and "did you mean" not in done.stderr


def test_an_export_says_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "view.graphml"
    done = mgraph("export", "--format", "graphml", "--graph", str(TINY), "-o", str(out))
    assert done.returncode == 0, done.stderr
    graph = nx.read_graphml(out)
    size = out.stat().st_size
    said = done.stderr.strip()
    assert said.startswith(f"wrote {out}: graphml, {graph.number_of_nodes()} nodes, ")
    assert f" {graph.number_of_edges()} links, " in said
    assert said.endswith(f"{size:,} bytes") or said.endswith(" kB")
    assert done.stdout == ""


def test_an_empty_search_says_no_match() -> None:
    done = mgraph("search", "qqqqzzzz", "--graph", str(TINY))
    assert done.returncode == 1 and done.stdout == ""
    assert "no entity matches 'qqqqzzzz'" in done.stderr


def test_unquoted_names_of_path_are_split_when_only_one_split_names_two_entities() -> None:
    done = mgraph("path", "Burkina", "Faso", "Switzerland", "--graph", str(TINY), "--width", "200")
    assert done.returncode == 0, done.stderr
    assert 'read as "Burkina Faso" and "Switzerland"' in done.stderr
    assert done.stdout.startswith("Burkina Faso ")


def test_unquoted_words_that_do_not_split_get_a_helpful_message() -> None:
    done = mgraph("path", "Nowhere", "At", "All", "--graph", str(TINY))
    assert done.returncode == 2 and "quote names with spaces" in done.stderr
    assert "unrecognized arguments" not in done.stderr


def test_a_partial_name_is_announced_with_the_full_name() -> None:
    done = mgraph("path", "Burkina", "Switzerland", "--graph", str(TINY), "--width", "200")
    assert done.returncode == 0, done.stderr
    assert "note: 'Burkina' taken as Burkina Faso (country:bfa)" in done.stderr


def test_format_choices_are_the_libraries_registries() -> None:
    """The command line offers what the library does, read from it (no copy kept equal)."""
    from mgraph.cli import parser
    from mgraph.exporters import names
    from mgraph.networks.analyze import FORMATS as ANALYZE
    from mgraph.publish.diff import FORMATS as DIFF
    from mgraph.queries import GRAPH_FORMATS, ROW_FORMATS
    from mgraph.validation.report import FORMATS as REPORT

    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]

    def choices(command: str) -> tuple:
        return tuple(next(a.choices for a in commands[command]._actions if a.dest == "format"))

    assert choices("query") == ROW_FORMATS + GRAPH_FORMATS
    assert choices("analyze") == ANALYZE and choices("diff") == DIFF and choices("validate") == REPORT
    assert choices("export") == names()


def test_a_command_reads_only_its_own_registries() -> None:
    """`mgraph --help` and other commands load no exporter; `mgraph export` offers their options."""
    code = (
        "import sys, contextlib, io\nimport mgraph.cli\n"
        "for argv in (['--help'], ['query', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n            mgraph.cli.main(argv)\n        except SystemExit:\n            pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('mgraph.exporters.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    export_help = mgraph("export", "--help").stdout
    assert "--title VALUE" in export_help and "--layout VALUE" in export_help
