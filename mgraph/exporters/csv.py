"""CSV node and edge tables for Gephi's spreadsheet import, in one ZIP: ``nodes.csv``
(Id, Label, ...) and ``edges.csv`` (Source, Target, Type, Id, Label, Weight, ...).

In Gephi: unzip, then File > Import spreadsheet, ``nodes.csv`` as a nodes table, then
``edges.csv`` as an edges table appended to the same workspace. Lists are joined by "; ".
"""

from __future__ import annotations

import csv as csv_module
import io
import zipfile
from typing import Any

from mgraph.exporters._flat import EDGE_FIELDS, NODE_FIELDS, edge_values, edges, node_values, nodes

NAME = "csv"
EXTENSION = "zip"
MEDIA_TYPE = "application/zip"
DESCRIPTION = "ZIP of nodes.csv and edges.csv (Gephi spreadsheet import)"

NODE_COLUMNS = ("Id", "Label", *(f for f in NODE_FIELDS if f != "label"))
EDGE_COLUMNS = (
    "Source",
    "Target",
    "Type",
    "Id",
    "Label",
    "Weight",
    *(f for f in EDGE_FIELDS if f not in ("label", "weight")),
)
_STAMP = (1980, 1, 1, 0, 0, 0)  # fixed, so the same view gives the same bytes


def tables(view: Any) -> dict[str, bytes]:
    """``{"nodes.csv": ..., "edges.csv": ...}`` (UTF-8, RFC 4180 line ends)."""
    node_rows = []
    for iri, attrs in nodes(view):
        values = node_values(attrs)
        node_rows.append({"Id": iri, "Label": values.pop("label", iri), **values})
    edge_rows = []
    for n, (u, v, key, attrs) in enumerate(edges(view)):
        values = edge_values(key, attrs)
        edge_rows.append(
            {
                "Source": u,
                "Target": v,
                "Type": "Directed",
                "Id": f"e{n}",
                "Label": values.pop("label", key),
                "Weight": values.pop("weight"),
                **values,
            }
        )
    return {"nodes.csv": _csv(NODE_COLUMNS, node_rows), "edges.csv": _csv(EDGE_COLUMNS, edge_rows)}


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv_module.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def export(view: Any, **options: Any) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(tables(view).items()):
            info = zipfile.ZipInfo(name, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
