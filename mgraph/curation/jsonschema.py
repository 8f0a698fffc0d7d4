"""The data format as JSON Schema (for editors) and as Markdown tables (for data/README.md),
both generated from ``mgraph.core.schema`` so they cannot drift from the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mgraph.core.models import LIMITS_DOC, scalar_schema
from mgraph.core.schema import COMMON, ID_PATTERN, Field, Kind, kinds
from mgraph.core.terms import compact_iri

_SOURCES = next(f for f in COMMON if f.name == "sources")
_NOTE = next(f for f in COMMON if f.name == "note")
_AS_OF = Field("as_of", _NOTE.predicate, "date")


def _field_schema(spec: Field) -> dict[str, Any]:
    scalar = scalar_schema(spec)
    if spec.name == "sources":
        return {"type": "array", "minItems": 1, "items": scalar, "description": spec.doc}
    source = scalar_schema(_SOURCES)
    long_form = {
        "type": "object",
        "additionalProperties": False,
        "required": ["value"],
        "properties": {
            "value": scalar,
            "sources": {"type": "array", "items": source},
            "note": scalar_schema(_NOTE),
            "approximate": {"type": "boolean"},
            "as_of": scalar_schema(_AS_OF),
        },
    }
    one = {"anyOf": [scalar, long_form]}
    if spec.many:
        schema: dict[str, Any] = {"type": "array", "minItems": 1, "items": one}
    else:
        schema = {"anyOf": [scalar, long_form, {"type": "array", "minItems": 2, "items": long_form}]}
    if spec.doc:
        schema["description"] = spec.doc
    return schema


def _kind_schema(kind: Kind) -> dict[str, Any]:
    properties: dict[str, Any] = {"id": {"type": "string", "pattern": ID_PATTERN}}
    properties.update({f.name: _field_schema(f) for f in kind.fields})
    required = ["id", *(f.name for f in kind.fields if f.required)]
    return {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": required,
            "properties": properties,
        },
        "description": kind.doc,
    }


def json_schema() -> dict[str, Any]:
    """One schema whose ``$defs`` has a definition per data file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/mgraph/data/schema.json",
        "title": "mgraph curated data file",
        "$defs": {kind.file: _kind_schema(kind) for kind in kinds()},
        "anyOf": [{"$ref": f"#/$defs/{kind.file}"} for kind in kinds()],
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def markdown_tables() -> str:
    from mgraph.curation.lint import CANONICAL_DOC

    out: list[str] = [LIMITS_DOC, CANONICAL_DOC]
    for kind in kinds():
        out += [
            f"### `{kind.file}`: {kind.name}",
            "",
            kind.doc,
            "",
            "| field | type | required | RDF predicate | notes |",
            "|---|---|---|---|---|",
        ]
        for spec in kind.fields:
            typ = spec.type + ("[]" if spec.many else "")
            if spec.type == "ref":
                typ += f" → {' / '.join(spec.targets)}"
            if spec.type == "enum":
                typ += ": " + ", ".join(f"`{v}`" for v in spec.enum)
            notes = (
                spec.doc
                + (" (becomes the record's class)" if spec.name == kind.class_field else "")
                + (" (order kept by `mgraph lint`)" if spec.many and spec.ordered else "")
            )
            out.append(
                f"| `{spec.name}` | {typ} | {'yes' if spec.required else ''} | "
                f"`{compact_iri(str(spec.predicate))}` | {notes} |"
            )
        out.append("")
    return "\n".join(out)


_FIELDS_RE = r"(<!-- fields:start[^>]*-->\n)(.*)(<!-- fields:end -->)"


def readme_with_tables(readme: str) -> str:
    """``data/README.md``'s text with its generated part replaced by :func:`markdown_tables`."""
    import re

    if not re.search(_FIELDS_RE, readme, re.S):
        raise ValueError("the README has no <!-- fields:start --> ... <!-- fields:end --> part")
    tables = markdown_tables()
    return re.sub(_FIELDS_RE, lambda m: m.group(1) + tables + m.group(3), readme, count=1, flags=re.S)


def write_generated(data_dir: Path) -> list[Path]:
    """Regenerate ``schema.json`` and the field tables of ``README.md`` in ``data_dir``."""
    from mgraph.core.files import write_file

    written = []
    readme = data_dir / "README.md"
    for path, text in (
        (data_dir / "schema.json", json_schema_text()),
        (readme, readme_with_tables(readme.read_text(encoding="utf-8"))),
    ):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_file(path, text.encode("utf-8"))
            written.append(path)
    return written
