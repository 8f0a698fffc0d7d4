"""`mgraph build` end to end on real files: determinism, round trips, atomicity, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import GOOD
from rdflib import Graph
from rdflib.compare import isomorphic

from mgraph.cli import main
from mgraph.publish.build import RELEASE_FILES


def _build(data: Path, out: Path) -> int:
    return main(["build", "--data", str(data), "--out", str(out)])


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    assert _build(GOOD, out) == 0
    return out


def _all_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_build_writes_every_release_file(dist) -> None:
    assert sorted(_all_files(dist)) == sorted(RELEASE_FILES)


def test_two_builds_are_byte_identical(dist, tmp_path) -> None:
    again = tmp_path / "again"
    assert _build(GOOD, again) == 0
    first, second = _all_files(dist), _all_files(again)
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name


def _next_version(tmp_path: Path, *, bump: bool = True) -> Path:
    """The fixture data with one date changed and, with ``bump``, the next data version."""
    data = tmp_path / "next-data"
    shutil.copytree(GOOD, data)
    meetings = (data / "meetings.yaml").read_text()
    assert "  start: 2021-11-01\n" in meetings
    (data / "meetings.yaml").write_text(meetings.replace("  start: 2021-11-01\n", "  start: 2021-11-02\n"))
    if bump:
        version = (data / "release.toml").read_text()
        assert '"2026.11.0"' in version and "date = 2026-11-30" in version
        version = version.replace('"2026.11.0"', '"2026.12.0"').replace(
            "date = 2026-11-30", "date = 2026-12-07"
        )
        (data / "release.toml").write_text(version)
    return data


def test_two_builds_with_a_previous_release_are_byte_identical(dist, tmp_path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    data = _next_version(tmp_path)
    for out in (one, two):
        assert main(["build", "--data", str(data), "--out", str(out), "--previous", str(dist)]) == 0
    first, second = _all_files(one), _all_files(two)
    assert any(name.startswith("changes/") and name.endswith(".ttl") for name in first)
    assert first == second


def test_turtle_ntriples_and_jsonld_hold_the_same_graph(dist) -> None:
    turtle = Graph().parse(dist / "mercury.ttl", format="turtle")
    ntriples = Graph().parse(dist / "mercury.nt", format="nt")
    assert len(turtle) > 200
    assert isomorphic(turtle, ntriples)
    document = json.loads((dist / "mercury.jsonld").read_text())
    document["@context"] = json.loads((dist / "context.jsonld").read_text())["@context"]
    jsonld = Graph().parse(data=json.dumps(document), format="json-ld")
    assert isomorphic(turtle, jsonld)


def test_ntriples_are_sorted_and_have_no_blank_nodes(dist) -> None:
    lines = (dist / "mercury.nt").read_text().splitlines()
    assert lines == sorted(lines)
    assert not any(line.startswith("_:") or " _:" in line for line in lines)


def test_failed_build_leaves_dist_untouched(dist, tmp_path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(dist, out)
    (out / "my-notes.txt").write_text("kept")
    before = _all_files(out)
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "decisions.yaml").write_text("- id: mc-9-9\n  name: X\n  adopted_at: cop-7\n")
    assert _build(data, out) == 2
    assert _all_files(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist")]


def test_non_conforming_data_exits_1_and_writes_nothing(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    # A signature before the convention was adopted: loads fine, violates a shape.
    text = (data / "legal_acts.yaml").read_text().replace("date: 2013-10-10", "date: 2012-01-01")
    (data / "legal_acts.yaml").write_text(text)
    out = tmp_path / "dist"
    assert _build(data, out) == 1
    assert not out.exists()


def test_successful_build_keeps_files_a_user_added(dist, tmp_path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(dist, out)
    (out / "my-notes.txt").write_text("kept")
    assert _build(GOOD, out) == 0
    assert (out / "my-notes.txt").read_text() == "kept"


def test_console_script_exit_codes(tmp_path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mgraph", *args], capture_output=True, text=True, check=False
        )

    assert run("--help").returncode == 0
    assert run("no-such-command").returncode == 2
    missing = run("build", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "d"))
    assert missing.returncode == 2
    assert "not a data directory" in missing.stderr


def test_rebuilding_a_version_from_the_same_data_keeps_its_changes(dist, tmp_path) -> None:
    data = _next_version(tmp_path)
    first, again = tmp_path / "first", tmp_path / "again"
    assert main(["build", "--data", str(data), "--out", str(first), "--previous", str(dist)]) == 0
    assert main(["build", "--data", str(data), "--out", str(again), "--previous", str(first)]) == 0
    assert _all_files(first) == _all_files(again)


@pytest.mark.parametrize(
    "bump", [pytest.param(False, id="same-version-other-data"), pytest.param(True, id="previous-is-later")]
)
def test_previous_release_that_does_not_precede_is_refused(dist, tmp_path, bump) -> None:
    data = _next_version(tmp_path, bump=bump)
    if bump:  # the later release as --previous of the earlier data
        later = tmp_path / "later"
        assert main(["build", "--data", str(data), "--out", str(later)]) == 0
        assert (
            main(["build", "--data", str(GOOD), "--out", str(tmp_path / "out"), "--previous", str(later)])
            == 2
        )
    else:
        assert (
            main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--previous", str(dist)]) == 2
        )
    assert not (tmp_path / "out").exists()
