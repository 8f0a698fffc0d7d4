"""Answers as text: a table that fits the terminal (:mod:`mgraph.core.tables`), CSV, TSV, JSON,
Markdown; RDF for CONSTRUCT and DESCRIBE; and the library's list.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from mgraph.core.errors import InputError
from mgraph.core.store import Answer, Rows
from mgraph.core.terms import compact_iri
from mgraph.queries import GRAPH_FORMATS, ROW_FORMATS
from mgraph.queries.library import library

FORMATS = ROW_FORMATS
"""Formats of SELECT rows (:data:`mgraph.queries.ROW_FORMATS`)."""


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(re.match(r"^(https?|urn|mailto):\S+$", value))


def cell(value: Any, *, short: bool = False) -> str:
    """A value as text: ISO dates, exact decimals, true/false, '' for unbound."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if short and _is_iri(value):
        return compact_iri(value)
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def format_answer(answer: Answer, fmt: str = "table", **table: Any) -> str:
    """Any query's answer as text: rows as :func:`format_rows`, a boolean, or RDF for triples.

    Triples are written as Turtle for the row formats (table, markdown), as N-Triples for
    ntriples, csv and tsv, and as JSON-LD with its context embedded for json and jsonld.
    """
    from mgraph.core.store import Triples

    if isinstance(answer, bool):
        if fmt not in (*FORMATS, *GRAPH_FORMATS):
            raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        if fmt in ("json", "jsonld"):
            return f'{{"boolean": {"true" if answer else "false"}}}\n'
        return ("true" if answer else "false") + "\n"
    if isinstance(answer, Triples):
        from mgraph.core.serialize import jsonld_context, to_jsonld, to_ntriples, to_turtle

        if fmt in ("json", "jsonld"):
            return to_jsonld(list(answer), jsonld_context()).decode("utf-8")
        if fmt in ("ntriples", "csv", "tsv"):
            return to_ntriples(list(answer)).decode("utf-8")
        if fmt in ("turtle", "table", "markdown"):
            return to_turtle(list(answer)).decode("utf-8")
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(GRAPH_FORMATS)}")
    if fmt in GRAPH_FORMATS:
        raise InputError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; SELECT rows take one of: {', '.join(FORMATS)}"
        )
    return format_rows(answer, fmt, **table)


def format_rows(
    rows: Rows | list[dict[str, Any]],
    fmt: str = "table",
    *,
    width: int | None = None,
    truncate: bool = True,
    columns: list[str] | None = None,
) -> str:
    """Rows as text: an aligned table, CSV, TSV, JSON (a list of objects) or Markdown.

    ``columns`` keeps only those columns, in that order (an unknown name is an error). A table
    fits in ``width`` characters by wrapping cells at word boundaries (:mod:`mgraph.core.tables`);
    it leaves out an IRI column whose entities a label column names (see
    :func:`hidden_iri_columns`) unless ``columns`` asks for it; IRIs are written as short names
    (``meeting:cop-5``).
    """
    available = getattr(rows, "columns", None) or (list(rows[0]) if rows else [])
    if columns:
        unknown = [c for c in columns if c not in available]
        if unknown:
            raise InputError(f"no column {unknown[0]!r}; the columns are: {', '.join(available)}")
    chosen = bool(columns)
    columns = list(columns or available)
    if fmt == "json":
        import json

        data = [{c: json_value(r.get(c)) for c in columns} for r in rows]
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            values = [cell(r.get(c)) for c in columns]
            if fmt == "tsv":
                values = [" ".join(v.split()) for v in values]
            writer.writerow(values)
        return out.getvalue()
    if fmt == "markdown":

        def esc(text: str) -> str:
            return " ".join(text.replace("|", "\\|").split())

        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(esc(cell(r.get(c), short=True)) for c in columns) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        hidden = [] if chosen else hidden_iri_columns(columns, list(rows))
        shown = [c for c in columns if c not in hidden]
        note = f"; not shown: {', '.join(hidden)}, the IRIs of labelled entities: see --columns"
        return _table(shown, rows, width, truncate, note if hidden else "")
    raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _table(
    columns: list[str],
    rows: list[dict[str, Any]],
    width: int | None = None,
    truncate: bool = True,
    note: str = "",
) -> str:
    """An aligned table (see :func:`mgraph.core.tables.render`); without ``truncate``, whole cells
    on one line each, whatever the width."""
    from mgraph.core.tables import render

    texts = [[cell(r.get(c), short=True) for c in columns] for r in rows]
    numeric = [
        i
        for i, c in enumerate(columns)
        if rows
        and all(isinstance(r.get(c), (int, float, Decimal)) or r.get(c) is None for r in rows)
        and any(r.get(c) is not None for r in rows)
    ]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{note})"
    return render(
        columns,
        texts,
        width=width if truncate else None,
        footer_width=width,
        shorten=truncate,
        footer=footer,
        right=[i for i in numeric if not isinstance(rows[0].get(columns[i]), bool)],
    )


def hidden_iri_columns(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """IRI columns a table leaves out because a label column names the same entities: ``X``
    beside ``X_label``, and the nearest IRI column before a plain ``label``."""
    iri_columns = [
        c
        for c in columns
        if any(r.get(c) is not None for r in rows)
        and all(r.get(c) is None or _is_iri(r.get(c)) for r in rows)
    ]
    hidden = [c for c in iri_columns if f"{c}_label" in columns]
    if "label" in columns:
        before = [c for c in iri_columns if columns.index(c) < columns.index("label")]
        if before:
            hidden.append(before[-1])
    return [c for c in columns if c in hidden]


def list_rows() -> Rows:
    """One row per library query: its name, question and parameters."""
    rows = [
        {"name": q.name, "question": q.question, "parameters": ", ".join(p.spec() for p in q.params)}
        for q in library().values()
    ]
    return Rows(["name", "question", "parameters"], rows)


def format_list(width: int = 80) -> str:
    """The library for reading: each query's name, its question and its parameters, wrapped at
    spaces to ``width`` columns."""
    from mgraph.core.tables import wrap

    out = []
    for row in list_rows():
        out.append(row["name"])
        out += ["    " + line for line in wrap(row["question"], width - 4)]
        if row["parameters"]:
            lines = wrap(f"parameters: {row['parameters']}", width - 8)
            out += ["    " + lines[0]] + ["        " + line for line in lines[1:]]
    return "\n".join(out) + "\n"
