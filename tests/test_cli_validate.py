"""`mgraph validate` as a user runs it: exit codes, formats, and file:line locations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mgraph.cli import main

HERE = Path(__file__).parent
FOREIGN = HERE / "fixtures" / "foreign"
GOOD = HERE / "fixtures" / "data" / "good"
UNSAFE = HERE / "fixtures" / "unsafe"


def test_foreign_file_with_a_violation_exits_1_and_names_the_file(capsys) -> None:
    assert main(["validate", str(FOREIGN / "violation.ttl")]) == 1
    out = capsys.readouterr().out
    assert "violation.ttl:7" in out
    assert "MC-5/3" in out  # the message says what to write instead


def test_conforming_foreign_file_exits_0(capsys) -> None:
    assert main(["validate", str(FOREIGN / "conforming.ttl")]) == 0
    assert "0 violations" in capsys.readouterr().out


def test_sarif_on_request(capsys) -> None:
    assert main(["validate", str(FOREIGN / "violation.ttl"), "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert results and all(r["level"] == "error" for r in results)
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("violation.ttl")
    assert location["region"]["startLine"] == 7


def test_json_report_written_atomically_to_a_file(tmp_path, capsys) -> None:
    out = tmp_path / "report.json"
    code = main(["validate", str(FOREIGN / "violation.ttl"), "--format", "json", "-o", str(out)])
    assert code == 1
    report = json.loads(out.read_text())
    assert report["conforms"] is False and report["violations"] == len(
        [r for r in report["results"] if r["severity"] == "Violation"])
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_our_data_locates_results_in_the_data_files(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    text = (data / "people.yaml").read_text().replace(
        "  sources: [https://example.org/cop4]\n", "")
    (data / "people.yaml").write_text(text)
    assert main(["validate", "--data", str(data)]) == 0  # a missing source is only a warning
    out = capsys.readouterr().out
    assert "people.yaml:1: person 'ana-person'" in out
    assert main(["validate", "--data", str(data), "--fail-on-warning"]) == 1


@pytest.mark.parametrize("name", [
    pytest.param("billion-laughs.rdf", id="billion-laughs"),
    pytest.param("external-entity.rdf", id="external-entity"),
    pytest.param("remote-context.jsonld", id="remote-jsonld-context"),
    pytest.param("syntax-error.ttl", id="syntax-error"),
])
def test_unsafe_or_broken_files_exit_2(name, capsys) -> None:
    assert main(["validate", str(UNSAFE / name)]) == 2
    assert name in capsys.readouterr().err


def test_a_url_is_not_a_file_argument(capsys) -> None:
    assert main(["validate", "https://example.org/data.ttl"]) == 2
