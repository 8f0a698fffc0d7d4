"""The generated data-format files are current: editing schema.py without regenerating fails here."""

from __future__ import annotations

import json
import re

from mgraph import locations as paths
from mgraph.jsonschema import json_schema_text, markdown_tables


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
