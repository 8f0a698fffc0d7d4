"""GEXF 1.3 for Gephi: typed attributes, and start/end dates on dated nodes and edges so Gephi's
timeline works (a partial date covers its whole year or month: ``2023`` -> 2023-01-01..2023-12-31).
Every edge has its own id (``e0``...); its relation is the ``relation`` attribute. Nodes carry
their class colour (``viz:color``, the palette of the HTML page and DOT). networkx reads it back
with ``read_gexf(path, version="1.3")``."""

from __future__ import annotations

from typing import Any

from mgraph.exporters._flat import EDGE_FIELDS, NODE_FIELDS, edge_values, edges, node_values, nodes
from mgraph.exporters._style import class_colour
from mgraph.exporters._xml import attr

NAME = "gexf"
EXTENSION = "gexf"
MEDIA_TYPE = "application/gexf+xml"
DESCRIPTION = "GEXF 1.3 with dated nodes and edges for Gephi's timeline"

INTEGERS = {"n_sources", "weight"}
ON_ELEMENT = {"label", "start", "end", "weight"}
"""Written as attributes of the node or edge element, as GEXF defines them."""
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
    "  <meta>\n    <creator>mgraph</creator>\n  </meta>\n"
)


def _element(
    tag: str, head: dict[str, Any], values: dict[str, Any], ids: dict[str, str], indent: str, viz: str = ""
) -> str:
    from mgraph.networks.views import date_bounds

    if values.get("start"):
        head["start"] = date_bounds(values["start"])[0].isoformat()
    if values.get("end"):
        head["end"] = date_bounds(values["end"])[1].isoformat()
    for name in ("label", "weight"):
        if name in values:
            head[name] = values[name]
    opening = " ".join(f"{k}={attr(v)}" for k, v in head.items())
    rows = [
        f'{indent}    <attvalue for="{ids[name]}" value={attr(value)} />\n'
        for name, value in values.items()
        if name not in ON_ELEMENT
    ]
    if not rows and not viz:
        return f"{indent}<{tag} {opening} />\n"
    inner = f"{indent}  <attvalues>\n{''.join(rows)}{indent}  </attvalues>\n" if rows else ""
    if viz:
        inner += f"{indent}  {viz}\n"
    return f"{indent}<{tag} {opening}>\n{inner}{indent}</{tag}>\n"


def _viz_color(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f'<viz:color r="{r}" g="{g}" b="{b}" />'


def export(view: Any, **options: Any) -> bytes:
    node_fields = [f for f in NODE_FIELDS if f not in ON_ELEMENT]
    edge_fields = [f for f in EDGE_FIELDS if f not in ON_ELEMENT]
    node_ids = {name: f"n{i}" for i, name in enumerate(node_fields)}
    edge_ids = {name: f"e{i}" for i, name in enumerate(edge_fields)}
    dated = any(a.get("start") or a.get("end") for _, a in view.nodes(data=True)) or any(
        a.get("start") or a.get("end") for *_, a in view.edges(data=True)
    )
    mode = ' mode="dynamic" timeformat="date"' if dated else ' mode="static"'
    out = [HEADER, f'  <graph defaultedgetype="directed"{mode}>\n']
    for cls, fields, ids in (("node", node_fields, node_ids), ("edge", edge_fields, edge_ids)):
        out.append(f'    <attributes class="{cls}" mode="static">\n')
        out.extend(
            f'      <attribute id="{ids[name]}" title="{name}" '
            f'type="{"integer" if name in INTEGERS else "string"}" />\n'
            for name in fields
        )
        out.append("    </attributes>\n")
    out.append("    <nodes>\n")
    for iri, attrs in nodes(view):
        values = node_values(attrs)
        viz = _viz_color(class_colour(attrs.get("class") or ""))
        out.append(_element("node", {"id": iri}, values, node_ids, "      ", viz))
    out.append("    </nodes>\n    <edges>\n")
    for n, (u, v, key, attrs) in enumerate(edges(view)):
        values = edge_values(key, attrs)
        out.append(_element("edge", {"id": f"e{n}", "source": u, "target": v}, values, edge_ids, "      "))
    out.append("    </edges>\n  </graph>\n</gexf>\n")
    return "".join(out).encode("utf-8")
