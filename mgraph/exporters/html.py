"""One self-contained, offline HTML page to explore a network view in a browser.

The page inlines everything it needs: the vendored Cytoscape.js (``vendor/cytoscape``), the page's
own script and style (``html_page/``), and the view as JSON in a ``<script type="application/json">``
block. It makes no network request of any kind: a Content-Security-Policy allows only the page's own
inline scripts (by hash), inline styles and ``data:`` images, and nothing else.

The layout is computed here, not in the browser, so the page draws at once and the same view always
gives the same bytes: a force-directed layout (Fruchterman-Reingold with a sampled repulsion and a
fixed seed, linear in the number of nodes per step) for views up to ``FORCE_LIMIT`` nodes, and blocks
of sunflower spirals, one per class, for larger views (linear, instant). Views above ``LARGE_LIMIT``
nodes are drawn in the page's fast mode (no edge arrows or curves, labels only when zoomed in).

The first view reads: a view of more than 150 entities opens on an overview by kind (one labelled
circle per class family with its count, one line per pair of families with the links between
them, the most linked entities named in the panel), with a button to the whole network, where the
most linked entities are labelled; a smaller view, or a permalink to an entity, opens on the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgraph.core.garbage import collection_paused
from mgraph.exporters import Option

if TYPE_CHECKING:
    import networkx

NAME = "html"
EXTENSION = "html"
MEDIA_TYPE = "text/html"
DESCRIPTION = "self-contained offline HTML page: overview by kind, graph by class, search, filters, timeline"

VENDOR_VERSIONS = {"cytoscape": "3.35.0"}
"""The vendored libraries and their versions (see ``vendor/README.md``); written into the page."""

FORCE_LIMIT = 5000
"""Views with more nodes get the linear block layout instead of the force-directed one."""

LARGE_LIMIT = 3000
"""Views with more nodes are drawn in the page's fast mode."""

LAYOUTS = ("auto", "force", "blocks")
OPTIONS = {
    "title": Option("the page's title (default: mgraph: VIEW view)"),
    "layout": Option("force, blocks, or auto (by size; default)", LAYOUTS),
}
"""The options :func:`export` reads (:class:`mgraph.exporters.Option`)."""

SEED = 42
SCALE = 60.0  # pixels per unit of layout distance

HERE = Path(__file__).parent
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def export(view: networkx.MultiDiGraph, **options: Any) -> bytes:
    """The page for ``view`` as UTF-8 bytes; the same view always gives the same bytes.

    Options: ``title`` (the page title; default from the view's name), ``layout`` (one of
    ``LAYOUTS``; "auto" picks by size). Other options (view options passed along) are ignored.
    """
    from mgraph.core.errors import InputError

    layout = options.get("layout") or "auto"
    if layout not in LAYOUTS:
        raise InputError(f"unknown html layout {layout!r}; choose one of: {', '.join(LAYOUTS)}")
    view_name = str(view.graph.get("view") or "graph")
    title = str(options.get("title") or f"mgraph: {view_name} view")
    # The page data is hundreds of thousands of small containers for a large view: collecting
    # garbage meanwhile only rescans the view and everything else alive, so it waits until the end.
    with collection_paused():
        data = page_data(view, layout=layout, title=title)
        return render_page(data, title=title).encode("utf-8")


def page_data(view: networkx.MultiDiGraph, *, layout: str = "auto", title: str = "") -> dict[str, Any]:
    """The JSON the page reads: nodes with positions and details, edges by index, classes, relations."""
    keys = sorted(view.nodes, key=lambda key: (str(view.nodes[key].get("id") or key), str(key)))
    index = {key: i for i, key in enumerate(keys)}
    from mgraph.exporters._style import class_colour, hierarchy, legend_key

    class_counts = Counter(_node_class(view.nodes[key]) for key in keys)
    tree = hierarchy()
    # The legend: the view's classes and their superclasses, by family (one colour family each);
    # a class is counted with its subclasses, and unchecking it hides them too.
    totals: Counter[str] = Counter()
    for name, count in class_counts.items():
        for member in (name, *tree.get(name, ())):
            totals[member] += count
    classes = sorted(totals, key=legend_key)
    colour = {name: class_colour(name) for name in classes}
    class_index = {name: i for i, name in enumerate(classes)}

    relation_labels: dict[str, str] = {}
    raw_edges = []
    for source, target, key, attrs in view.edges(keys=True, data=True):
        relation = str(key)
        label = str(attrs.get("label") or relation)
        relation_labels[relation] = min(label, relation_labels.get(relation, label))
        raw_edges.append((index[source], index[target], relation, attrs))
    relations = sorted(relation_labels, key=lambda name: (relation_labels[name].lower(), name))
    relation_index = {name: i for i, name in enumerate(relations)}
    relation_counts = Counter(relation for _, _, relation, _ in raw_edges)

    edges = []
    for s, t, relation, attrs in raw_edges:
        edge: dict[str, Any] = {"s": s, "t": t, "r": relation_index[relation]}
        for name in ("start", "end"):
            if attrs.get(name):
                edge[name] = str(attrs[name])
        weight = int(attrs.get("weight") or 1)
        if weight != 1:
            edge["w"] = weight
        if attrs.get("via"):
            edge["via"] = sorted(str(iri) for iri in attrs["via"])
        if attrs.get("sources"):
            edge["src"] = _sources(attrs["sources"])
        edges.append(edge)
    edges.sort(
        key=lambda e: (
            e["s"], e["t"], e["r"], e.get("start", ""), e.get("end", ""), e.get("w", 1), e.get("via", []),
            e.get("src", []),
        )
    )  # fmt: skip

    degree = [0] * len(keys)
    for edge in edges:
        degree[edge["s"]] += 1
        degree[edge["t"]] += 1
    if layout == "auto":
        layout = "force" if len(keys) <= FORCE_LIMIT else "blocks"
    node_classes = [_node_class(view.nodes[key]) for key in keys]
    if layout == "force":
        positions = force_layout(len(keys), [(e["s"], e["t"]) for e in edges])
    else:
        positions = block_layout(node_classes, degree, [c for c in classes if class_counts[c]])

    nodes = []
    for i, key in enumerate(keys):
        attrs = view.nodes[key]
        node: dict[str, Any] = {
            "id": str(attrs.get("id") or key),
            "iri": str(attrs.get("iri") or key),
            "label": str(attrs.get("label") or attrs.get("id") or key),
            "c": class_index[node_classes[i]],
            "x": positions[i][0],
            "y": positions[i][1],
            "d": degree[i],
        }
        for name, short in (("classes", "classes"), ("alt_names", "alt")):
            values = sorted({str(v) for v in attrs.get(name) or ()})
            if values:
                node[short] = values
        for name in ("start", "end", "kind"):
            if attrs.get(name):
                node[name] = str(attrs[name])
        if attrs.get("sources"):
            node["src"] = _sources(attrs["sources"])
        facts = sorted(
            tuple(str(fact.get(k) or "") for k in ("predicate", "label", "value", "iri"))
            for fact in attrs.get("facts") or ()
        )
        if facts:
            node["facts"] = facts
        nodes.append(node)

    # Sources and fact predicates repeat across thousands of nodes and edges: each is written once,
    # in a sorted table, and referred to by its index.
    sources = _table(item for entry in nodes + edges for item in entry.get("src", ()))
    for entry in nodes + edges:
        if "src" in entry:
            entry["src"] = [sources[item] for item in entry["src"]]
    properties = _table(fact[:2] for node in nodes for fact in node.get("facts", ()))
    for node in nodes:
        if "facts" in node:
            node["facts"] = [[properties[f[:2]], f[2]] + ([f[3]] if f[3] else []) for f in node["facts"]]
    return {
        "sources": [
            {name: value for name, value in zip(("iri", "label", "url"), key, strict=True) if value}
            for key in sources
        ],
        "properties": [{"predicate": predicate, "label": label} for predicate, label in properties],
        "title": title,
        "view": str(view.graph.get("view") or ""),
        "options": _plain(view.graph.get("options") or {}),
        "large": len(keys) > LARGE_LIMIT,
        "layout": layout,
        "classes": [
            {
                "name": name,
                "color": colour[name],
                "count": totals[name],
                "supers": sorted(class_index[c] for c in tree.get(name, ()) if c in class_index),
            }
            for name in classes
        ],
        "relations": [
            {"key": name, "label": relation_labels[name], "count": relation_counts[name]}
            for name in relations
        ],
        "nodes": nodes,
        "edges": edges,
        "vendor": VENDOR_VERSIONS,
    }


def render_page(data: dict[str, Any], *, title: str) -> str:
    """Fill the page template: inline style, vendored and own scripts, the data block, the CSP."""
    page_dir = HERE / "html_page"
    template = (page_dir / "page.html").read_text(encoding="utf-8")
    style = (page_dir / "page.css").read_text(encoding="utf-8")
    script = (page_dir / "page.js").read_text(encoding="utf-8")
    vendor = (HERE / "vendor" / "cytoscape" / "cytoscape.min.js").read_text(encoding="utf-8")
    for code in (vendor, script, style):
        if "</" in code.replace("<\\/", ""):  # would end the inline element early
            raise ValueError("an inlined script or style contains '</'")
    csp = "; ".join(
        (
            "default-src 'none'",
            f"script-src {_script_hash(vendor)} {_script_hash(script)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src 'none'",
            "connect-src 'none'",
            "media-src 'none'",
            "object-src 'none'",
            "frame-src 'none'",
            "worker-src 'none'",
            "manifest-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    values = {
        "CSP": html.escape(csp, quote=False),  # single quotes stay as they are
        "TITLE": html.escape(title, quote=True),
        "STYLE": style,
        "VENDOR": vendor,
        "SCRIPT": script,
        "DATA": script_json(data),
    }
    # One pass, so that a value containing "{{...}}" is never filled in again.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` (so no ``</script>`` or
    ``<!--``) and no line separators; JSON.parse reads the ``\\uXXXX`` escapes back."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def force_layout(n: int, edges: list[tuple[int, int]], iterations: int = 80) -> list[tuple[float, float]]:
    """Fruchterman-Reingold positions with a fixed seed, repulsion sampled (128 nodes per step).

    Each step costs O(n * 128 + edges), so a few thousand nodes take well under a second; gravity
    keeps unconnected parts near the centre.
    """
    import numpy as np

    if n == 0:
        return []
    rng = np.random.default_rng(SEED)
    side = math.sqrt(n)
    x = (rng.random(n) - 0.5) * side * 2
    y = (rng.random(n) - 0.5) * side * 2
    pairs = np.array(sorted({(min(s, t), max(s, t)) for s, t in edges if s != t}), dtype=np.int64)
    pairs = pairs.reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    sample = min(n, 128)
    scale = n / sample
    gravity = 0.05 * math.sqrt(scale)
    temperature = side / 4
    cooling = 0.02 ** (1 / iterations)
    for _ in range(iterations):
        chosen = rng.integers(0, n, size=sample) if sample < n else np.arange(n)
        dx = x[:, None] - x[None, chosen]
        dy = y[:, None] - y[None, chosen]
        inverse = 1.0 / (dx * dx + dy * dy + 1e-6)
        move_x = (dx * inverse).sum(axis=1) * scale - x * gravity
        move_y = (dy * inverse).sum(axis=1) * scale - y * gravity
        if len(pairs):
            ex = x[src] - x[dst]
            ey = y[src] - y[dst]
            dist = np.sqrt(ex * ex + ey * ey)
            move_x += np.bincount(dst, ex * dist, n) - np.bincount(src, ex * dist, n)
            move_y += np.bincount(dst, ey * dist, n) - np.bincount(src, ey * dist, n)
        length = np.sqrt(move_x * move_x + move_y * move_y) + 1e-9
        factor = np.minimum(length, temperature) / length
        x += move_x * factor
        y += move_y * factor
        temperature *= cooling
    x -= np.median(x)
    y -= np.median(y)
    # Pull the few far-flung nodes (loose parts pushed out by repulsion) back to the rim, so that
    # fitting the page to the graph does not shrink the rest to a speck.
    radius = np.sqrt(x * x + y * y)
    rim = float(np.quantile(radius, 0.97)) * 1.1 + 1e-9
    pull = np.where(radius > rim, rim / (radius + 1e-9), 1.0)
    x *= pull
    y *= pull
    return [(round(float(a) * SCALE, 1), round(float(b) * SCALE, 1)) for a, b in zip(x, y, strict=True)]


def block_layout(node_classes: list[str], degree: list[int], classes: list[str]) -> list[tuple[float, float]]:
    """One sunflower (Vogel) spiral per class, busiest nodes in the middle, classes side by side.

    Linear in the number of nodes, for views too large for a force layout.
    """
    members: dict[str, list[int]] = {name: [] for name in classes}
    for i, name in enumerate(node_classes):
        members[name].append(i)
    golden = math.pi * (3 - math.sqrt(5))
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(node_classes)
    radii = [math.sqrt(len(members[name])) * 0.9 + 1 for name in classes]
    per_row = max(1, math.ceil(math.sqrt(len(classes))))
    x = y = row_height = 0.0
    for position, name in enumerate(classes):
        if position and position % per_row == 0:
            x, y, row_height = 0.0, y + row_height, 0.0
        radius = radii[position]
        cx, cy = x + radius, y + radius
        for rank, i in enumerate(sorted(members[name], key=lambda i: (-degree[i], i))):
            r = math.sqrt(rank + 0.5) * 0.9
            angle = rank * golden
            positions[i] = (
                round((cx + r * math.cos(angle)) * SCALE, 1),
                round((cy + r * math.sin(angle)) * SCALE, 1),
            )
        x += 2 * radius + 2
        row_height = max(row_height, 2 * radius + 2)
    return positions


def _script_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _node_class(attrs: dict[str, Any]) -> str:
    return str(attrs.get("class") or "(no class)")


def _table(items: Any) -> dict[tuple[str, ...], int]:
    """Distinct items (tuples of text) -> their index in sorted order."""
    return {key: i for i, key in enumerate(sorted(set(items)))}


def _sources(sources: Any) -> list[tuple[str, ...]]:
    """Sources as sorted (iri, label, url) tuples; "" for what is missing."""
    items: set[tuple[str, ...]] = set()
    for source in sources:
        if isinstance(source, str):
            items.add((source, source, ""))
        else:
            items.add(tuple(str(source.get(k) or "") for k in ("iri", "label", "url")))
    return sorted(items)


def _plain(value: Any) -> Any:
    """View options as JSON values (dates and other objects as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
