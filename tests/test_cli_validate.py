"""`mgraph validate` as a user runs it: exit codes, formats, and file:line locations."""

from __future__ import annotations

import json
import shutil

import pytest
from paths import FIXTURES, GOOD, USER

from mgraph.cli import main

FOREIGN = FIXTURES / "foreign"
UNSAFE = FIXTURES / "unsafe"


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
        [r for r in report["results"] if r["severity"] == "Violation"]
    )
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_our_data_locates_results_in_the_data_files(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    text = (data / "people.yaml").read_text().replace("  sources: [https://example.org/cop4]\n", "")
    (data / "people.yaml").write_text(text)
    assert main(["validate", "--data", str(data)]) == 0  # a missing source is only a warning
    out = capsys.readouterr().out
    assert "people.yaml:1: person 'ana-person'" in out
    assert main(["validate", "--data", str(data), "--fail-on-warning"]) == 1


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("billion-laughs.rdf", id="billion-laughs"),
        pytest.param("external-entity.rdf", id="external-entity"),
        pytest.param("remote-context.jsonld", id="remote-jsonld-context"),
        pytest.param("syntax-error.ttl", id="syntax-error"),
    ],
)
def test_unsafe_or_broken_files_exit_2(name, capsys) -> None:
    assert main(["validate", str(UNSAFE / name)]) == 2
    assert name in capsys.readouterr().err


def test_a_url_is_not_a_file_argument(capsys) -> None:
    assert main(["validate", "https://example.org/data.ttl"]) == 2


# --- users' own shapes and files (issue 11) -------------------------------------------------------


def test_own_shapes_without_ours(capsys) -> None:
    code = main(
        [
            "validate",
            str(USER / "things.ttl"),
            "--shapes",
            str(USER / "things.shapes.ttl"),
            "--no-default-shapes",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "things.ttl:7" in out and "A thing needs a name." in out
    assert "The chair is not allowed." in out  # $this only in a FILTER: pre-bound, not lost
    assert "lamp" not in out
    assert out.rstrip().splitlines()[-1].startswith("2 violations, 0 warnings; by shape: ")


def test_own_shapes_with_ours(capsys) -> None:
    code = main(
        [
            "validate",
            str(USER / "things.ttl"),
            str(FOREIGN / "violation.ttl"),
            "--shapes",
            str(USER / "things.shapes.ttl"),
            "--format",
            "json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    messages = {r["message"] for r in report["results"]}
    assert "A thing needs a name." in messages  # theirs
    assert any("mg:adoptedAt" in m for m in messages)  # ours


def test_no_default_shapes_needs_shapes(capsys) -> None:
    assert main(["validate", str(USER / "things.ttl"), "--no-default-shapes"]) == 2
    assert "--shapes" in capsys.readouterr().err


def test_malformed_own_shapes_exit_2_naming_the_shape(capsys) -> None:
    code = main(["validate", str(USER / "things.ttl"), "--shapes", str(USER / "malformed.shapes.ttl")])
    assert code == 2
    err = capsys.readouterr().err
    assert "<https://example.org/things/BadShape>" in err and "VALUES" in err


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("billion-laughs.rdf", id="billion-laughs"),
        pytest.param("syntax-error.ttl", id="syntax-error"),
    ],
)
def test_own_shapes_are_read_as_safely_as_data(name, capsys) -> None:
    assert main(["validate", str(USER / "things.ttl"), "--shapes", str(UNSAFE / name)]) == 2
    assert name in capsys.readouterr().err


def test_with_graph_links_to_our_entities_resolve(capsys) -> None:
    """COP-5 and the Minamata Convention are ours: alone, the file's links name nothing of the
    right class; with our graph they resolve, and only the user's nodes are reported."""
    path = str(USER / "links-to-ours.ttl")
    assert main(["validate", path]) == 1
    alone = capsys.readouterr().out
    assert "mg:adoptedAt" in alone and "meeting:cop-5" in alone
    assert main(["validate", path, "--with-graph", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["violations"] == 0
    assert all(r["focus"] == "https://example.org/my/decision-9" for r in report["results"])


def test_standard_input_with_its_format(monkeypatch, capsys) -> None:
    import io
    import sys

    data = (USER / "things.ttl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(
        [
            "validate",
            "-",
            "--input-format",
            "turtle",
            "--shapes",
            str(USER / "things.shapes.ttl"),
            "--no-default-shapes",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "<stdin>:7" in out


def test_input_format_names_a_syntax_the_file_name_does_not(tmp_path, capsys) -> None:
    path = tmp_path / "things.data"
    path.write_bytes((USER / "things.ttl").read_bytes())
    args = ["validate", str(path), "--shapes", str(USER / "things.shapes.ttl"), "--no-default-shapes"]
    assert main(args) == 2  # the extension says nothing
    capsys.readouterr()
    assert main([*args, "--input-format", "ttl"]) == 1


def test_turtle_report_is_a_shacl_validation_report(tmp_path, capsys) -> None:
    from rdflib import RDF, Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    out = tmp_path / "report.ttl"
    assert main(["validate", str(FOREIGN / "violation.ttl"), "--format", "turtle", "-o", str(out)]) == 1
    graph = Graph().parse(out, format="turtle")
    report = graph.value(None, RDF.type, sh.ValidationReport, any=False)
    assert report is not None
    assert graph.value(report, sh.conforms).toPython() is False
    assert len(list(graph.objects(report, sh.result))) == 3
    assert "3 violations" in capsys.readouterr().err  # the summary, off the document


def test_report_file_has_umask_permissions(tmp_path, capsys) -> None:
    import os

    out = tmp_path / "report.json"
    old = os.umask(0o027)
    try:
        main(["validate", str(FOREIGN / "violation.ttl"), "--format", "json", "-o", str(out)])
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o640


def test_severity_shows_only_what_matters_and_keeps_the_exit_policy(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    text = (data / "people.yaml").read_text().replace("  sources: [https://example.org/cop4]\n", "")
    (data / "people.yaml").write_text(text)
    assert main(["validate", "--data", str(data), "--format", "json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert everything["warnings"] >= 1 and everything["conforms"] is False  # SHACL: warnings too
    assert main(["validate", "--data", str(data), "--format", "json", "--severity", "violation"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["results"] == [] and shown["conforms"] is False
    assert main(["validate", "--data", str(data), "--severity", "violation", "--fail-on-warning"]) == 1


def test_rdf_files_get_predicates_not_yaml_fields(capsys) -> None:
    main(["validate", str(FOREIGN / "violation.ttl"), "--format", "json"])
    messages = [r["message"] for r in json.loads(capsys.readouterr().out)["results"]]
    adopted = next(m for m in messages if "mg:adoptedAt" in m)
    assert "`adopted_at" not in adopted and "to the record" not in adopted
    assert all("`" not in m for m in messages)


def test_our_data_keeps_field_names_and_lines(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    text = (data / "people.yaml").read_text().replace("  sources: [https://example.org/cop4]\n", "")
    (data / "people.yaml").write_text(text)
    main(["validate", "--data", str(data)])
    out = capsys.readouterr().out
    assert "`sources:`" in out and "people.yaml:1" in out


def test_format_choices_come_from_the_renderer_registry() -> None:
    from mgraph.cli import parser
    from mgraph.validation.report import RENDERERS

    validate = parser()._subparsers._group_actions[0].choices["validate"]  # type: ignore[union-attr]
    action = next(a for a in validate._actions if a.dest == "format")
    assert tuple(action.choices) == tuple(RENDERERS) and "turtle" in RENDERERS
