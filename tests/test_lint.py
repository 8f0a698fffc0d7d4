"""mgraph lint: one canonical form for data files, never a change of meaning, nothing half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from paths import FIXTURES
from rdflib.compare import isomorphic

import mgraph
from mgraph.cli import main
from mgraph.core import locations
from mgraph.core.errors import DataLoadError
from mgraph.curation.lint import lint

MESSY, CANONICAL = FIXTURES / "data" / "lint" / "messy", FIXTURES / "data" / "lint" / "canonical"


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("*.md"))
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_lint_writes_the_canonical_form_byte_for_byte(tmp_path) -> None:
    data = _copy(MESSY, tmp_path)
    result = lint(sorted(data.glob("*.yaml")))
    assert _snapshot(data) == _snapshot(CANONICAL)
    assert sorted(p.name for p in result.written) == sorted(
        p.name for p in MESSY.glob("*.yaml") if p.read_bytes() != (CANONICAL / p.name).read_bytes()
    )


def test_linted_fixture_loads_to_the_same_graph() -> None:
    assert isomorphic(mgraph.load(MESSY).graph, mgraph.load(CANONICAL).graph)


def test_canonical_form_is_a_fixed_point(tmp_path) -> None:
    data = _copy(CANONICAL, tmp_path)
    before = _snapshot(data)
    assert lint(sorted(data.glob("*.yaml"))).changed == {}
    assert _snapshot(data) == before


@pytest.mark.slow  # lints and reloads the whole curated data
def test_lint_of_our_data_keeps_the_graph_and_is_stable(tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for path in locations.DATA.glob("*.yaml"):
        shutil.copy(path, data / path.name)
    original = mgraph.load(data).graph
    lint(sorted(data.glob("*.yaml")))
    assert lint(sorted(data.glob("*.yaml")), check=True).changed == {}
    assert isomorphic(mgraph.load(data).graph, original)
    assert not any("*id0" in p.read_text() for p in data.glob("*.yaml")), "aliases are written out"


def test_canonical_details() -> None:
    meetings = (CANONICAL / "meetings.yaml").read_text()
    countries = (CANONICAL / "countries.yaml").read_text()
    assert meetings.startswith(
        "# Meetings of the fixture (this comment stays).\n- id: dipcon-2013\n"
        "  kind: diplomatic-conference\n  name: Conference"
    )  # schema order
    assert "  start: 2013-10-10\n  end: 2013-10-11\n" in meetings  # dates plain, not quoted
    assert "  organisers:\n    - gmp\n    - mc-secretariat\n" in meetings  # unordered: sorted
    assert "# the official page" in meetings  # comments kept
    assert "  end:\n    - value: 2022-03-26\n" in meetings and meetings.index("2022-03-26") < meetings.index(
        "value: 2022-03-25"
    )  # conflict order
    assert "&" not in meetings and "*cop4" not in meetings  # the alias is written out
    assert "  description: >-\n    A segment held" in meetings  # long text folded
    assert "  iso2: 'NO'\n" in countries  # YAML 1.1 would read a plain NO as false
    assert "  alt_names:\n    - Norge\n    - Noreg\n" in countries  # ordered: kept as given


def test_lint_drops_empty_fields_the_loader_refuses(tmp_path) -> None:
    data = _copy(CANONICAL, tmp_path)
    path = data / "meetings.yaml"
    path.write_text(
        path.read_text().replace(
            "  place: kumamoto\n", "  place: kumamoto\n  note:\n  alt_names: []\n  url: ''\n"
        )
    )
    with pytest.raises(DataLoadError, match="note is empty"):
        mgraph.load(data)
    lint([path])
    assert path.read_bytes() == (CANONICAL / "meetings.yaml").read_bytes()


def test_check_exits_1_naming_files_and_first_line_and_writes_nothing(tmp_path, capsys) -> None:
    data = _copy(MESSY, tmp_path)
    before = _snapshot(data)
    assert main(["lint", "--check", "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert f"{data}/meetings.yaml:2: not in canonical form; run `mgraph lint {data}/meetings.yaml`" in err
    assert err.rstrip().endswith("of 15 data files are not in canonical form")
    assert _snapshot(data) == before


def test_check_passes_on_canonical_files(tmp_path, capsys) -> None:
    data = _copy(CANONICAL, tmp_path)
    assert main(["lint", "--check", *map(str, sorted(data.glob("*.yaml")))]) == 0
    assert capsys.readouterr().err == ""


def test_a_broken_file_is_reported_and_nothing_is_written(tmp_path, capsys) -> None:
    data = _copy(MESSY, tmp_path)
    (data / "events.yaml").write_text("- id: e\n  kind: [webinar\n")
    before = _snapshot(data)
    assert main(["lint", "--data", str(data)]) == 2
    assert capsys.readouterr().err.startswith(f"{data}/events.yaml:3: YAML syntax error")
    assert _snapshot(data) == before


def test_a_billion_laughs_is_refused_by_lint_too(tmp_path, capsys) -> None:
    laughs = "".join(
        f"- &{n} [{', '.join([('*' + chr(ord(n) - 1)) if n != 'a' else 'lol'] * 9)}]\n" for n in "abcdefghi"
    )
    data = _copy(CANONICAL, tmp_path)
    (data / "events.yaml").write_text(laughs)
    assert main(["lint", str(data / "events.yaml")]) == 2
    assert "YAML aliases copy more than 10,000 values" in capsys.readouterr().err


def test_a_file_that_is_not_a_data_file_is_refused(tmp_path, capsys) -> None:
    other = tmp_path / "notes.yaml"
    other.write_text("- a\n")
    assert main(["lint", str(other)]) == 2
    assert capsys.readouterr().err.startswith(f"{other}: not a data file")


def test_a_symbolic_link_out_of_the_folder_is_refused_and_not_replaced(tmp_path, capsys) -> None:
    data = _copy(MESSY, tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    (data / "meetings.yaml").rename(outside)
    (data / "meetings.yaml").symlink_to(outside)
    before = outside.read_bytes()
    assert main(["lint", str(data / "meetings.yaml")]) == 2
    assert capsys.readouterr().err == (
        f"{data}/meetings.yaml:1: a symbolic link to a file outside the data folder ({outside}); refused\n"
    )
    assert (data / "meetings.yaml").is_symlink() and outside.read_bytes() == before


def test_a_comment_after_a_sorted_flow_list_is_kept_through_two_lints(tmp_path) -> None:
    # Lint once sorted the list and lost the comment the second time (the comment then sat on the
    # list's last item, and a list with comments was rebuilt without them).
    data = _copy(CANONICAL, tmp_path)
    path = data / "meetings.yaml"
    path.write_text(
        path.read_text().replace(
            "  organisers:\n    - gmp\n    - mc-secretariat\n",
            "  organisers: [mc-secretariat, gmp]\n  # Who organised it, as the report says.\n",
        )
    )
    lint([path])
    once = path.read_text()
    assert "  # Who organised it, as the report says.\n" in once
    assert "  organisers:\n    - gmp\n    - mc-secretariat\n" in once
    assert lint([path]).changed == {} and path.read_text() == once
