"""The generated data-format files are current: editing schema.py without regenerating fails here."""

from __future__ import annotations

import json
import re

import pytest

from mgraph.core import locations as paths
from mgraph.curation.jsonschema import json_schema_text, markdown_tables


def test_committed_json_schema_is_current() -> None:
    committed = (paths.DATA / "schema.json").read_text()
    assert committed == json_schema_text(), "run: mgraph schema > data/schema.json"


def test_data_readme_field_tables_are_current() -> None:
    readme = (paths.DATA / "README.md").read_text()
    match = re.search(r"<!-- fields:start[^>]*-->\n(.*)<!-- fields:end -->", readme, re.S)
    assert match, "data/README.md lost its generated field tables"
    assert match.group(1) == markdown_tables(), "regenerate with: mgraph schema --markdown"


def test_json_schema_accepts_the_curated_files_shape() -> None:
    schema = json.loads(json_schema_text())
    decision = schema["$defs"]["decisions.yaml"]["items"]
    assert decision["additionalProperties"] is False
    assert {"id", "name", "adopted_at"} <= set(decision["required"])


def _validator(file_name: str):
    import jsonschema

    schema = json.loads((paths.DATA / "schema.json").read_text())
    schema = {**schema, "$ref": f"#/$defs/{file_name}"}
    del schema["anyOf"]
    return jsonschema.Draft202012Validator(schema)


def _plain(text: str):
    """A data file as an editor's YAML plugin sees it (dates kept as text, as the loader does)."""
    import yaml

    from mgraph.core.records import _Loader

    return yaml.load(text, Loader=_Loader)


@pytest.mark.parametrize("path", sorted(paths.DATA.glob("*.yaml")), ids=lambda p: p.name)
def test_every_data_file_conforms_to_the_committed_json_schema(path) -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300]
        for e in _validator(path.name).iter_errors(_plain(path.read_text(encoding="utf-8")))
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        pytest.param("- id: m1\n  kind: cop\n  name: X\n  colour: red\n", "colour", id="unknown-field"),
        pytest.param("- id: m1\n  name: X\n", "kind", id="missing-required"),
        pytest.param("- id: m1\n  kind: summit\n  name: X\n", "summit", id="enum"),
        pytest.param("- id: m1\n  kind: cop\n  name: X\n  start: 30/01/2023\n", "30/01/2023", id="date"),
        pytest.param("- id: m1\n  kind: cop\n  name: " + "x" * 10_001 + "\n", "is too long", id="too-long"),
    ],
)
def test_json_schema_rejects_what_the_loader_rejects(text, wrong) -> None:
    def messages(errors):
        for error in errors:
            yield error.message
            yield from messages(error.context)

    errors = [m[-200:] for m in messages(_validator("meetings.yaml").iter_errors(_plain(text)))]
    assert any(wrong in e for e in errors), errors
