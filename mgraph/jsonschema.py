"""The data format as JSON Schema (for editors) and as Markdown tables (for data/README.md),
both generated from ``mgraph.schema`` so they cannot drift from the loader."""

from __future__ import annotations

import json
from typing import Any

from mgraph.records import DATE_RE, DURATION_RE, URL_RE
from mgraph.schema import ID_PATTERN, KINDS, Field, Kind
from mgraph.terms import compact_iri

_SOURCE = {"type": "string", "anyOf": [{"pattern": URL_RE.pattern}, {"pattern": ID_PATTERN}]}


def _scalar_schema(spec: Field) -> dict[str, Any]:
    match spec.type:
        case "str" | "text":
            return {"type": "string", "pattern": spec.pattern} if spec.pattern else {"type": "string"}
        case "int":
            return {"type": "integer"}
        case "decimal":
            return {"type": "number"}
        case "date":
            return {"type": ["string", "integer"], "pattern": DATE_RE.pattern}
        case "duration":
            return {"type": "string", "pattern": DURATION_RE.pattern}
        case "url":
            return {"type": "string", "pattern": URL_RE.pattern}
        case "ref":
            return {"type": "string", "pattern": ID_PATTERN}
        case "enum":
            return {"enum": list(spec.enum)}
    raise AssertionError(spec.type)


def _field_schema(spec: Field) -> dict[str, Any]:
    if spec.name == "sources":
        return {"type": "array", "minItems": 1, "items": _SOURCE, "description": spec.doc}
    scalar = _scalar_schema(spec)
    long_form = {
        "type": "object", "additionalProperties": False, "required": ["value"],
        "properties": {"value": scalar, "sources": {"type": "array", "items": _SOURCE},
                       "note": {"type": "string"}, "approximate": {"type": "boolean"},
                       "as_of": {"type": ["string", "integer"], "pattern": DATE_RE.pattern}},
    }
    one = {"anyOf": [scalar, long_form]}
    if spec.many:
        schema: dict[str, Any] = {"type": "array", "minItems": 1, "items": one}
    else:
        schema = {"anyOf": [scalar, long_form,
                            {"type": "array", "minItems": 2, "items": long_form}]}
    if spec.doc:
        schema["description"] = spec.doc
    return schema


def _kind_schema(kind: Kind) -> dict[str, Any]:
    properties = {"id": {"type": "string", "pattern": ID_PATTERN}}
    properties.update({f.name: _field_schema(f) for f in kind.fields})
    required = ["id", *(f.name for f in kind.fields if f.required)]
    return {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                       "required": required, "properties": properties},
            "description": kind.doc}


def json_schema() -> dict[str, Any]:
    """One schema whose ``$defs`` has a definition per data file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/mgraph/data/schema.json",
        "title": "mgraph curated data file",
        "$defs": {kind.file: _kind_schema(kind) for kind in KINDS},
        "anyOf": [{"$ref": f"#/$defs/{kind.file}"} for kind in KINDS],
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def markdown_tables() -> str:
    out: list[str] = []
    for kind in KINDS:
        out += [f"### `{kind.file}`: {kind.name}", "", kind.doc, "",
                "| field | type | required | RDF predicate | notes |", "|---|---|---|---|---|"]
        for spec in kind.fields:
            typ = spec.type + ("[]" if spec.many else "")
            if spec.type == "ref":
                typ += f" → {' / '.join(spec.targets)}"
            if spec.type == "enum":
                typ += ": " + ", ".join(f"`{v}`" for v in spec.enum)
            notes = spec.doc + (" (becomes the record's class)" if spec.name == kind.class_field
                                else "")
            out.append(f"| `{spec.name}` | {typ} | {'yes' if spec.required else ''} | "
                       f"`{compact_iri(str(spec.predicate))}` | {notes} |")
        out.append("")
    return "\n".join(out)
