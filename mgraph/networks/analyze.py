"""Network measures of a view (who is central, how actors group) and relation chains between two
entities.

Measures are taken on the view as an undirected graph with one edge per linked pair, weighted by
the sum of the weights of the relations between them (1 each, or the number of shared events and
projects for folded edges): the direction of a relation in RDF (an event has an organiser) says
nothing about who is central. Betweenness is exact up to :data:`EXACT_BETWEENNESS_LIMIT` nodes
and estimated from :data:`BETWEENNESS_SAMPLES` sources drawn with a fixed seed above it; the
result says which. Communities are networkx's Louvain with the same fixed seed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from typing import Any, NotRequired, TypedDict

from mgraph.core.errors import InputError

SEED = 42
EXACT_BETWEENNESS_LIMIT = 2000
BETWEENNESS_SAMPLES = 256
"""Sources sampled for betweenness above the exact limit; the error bound is stated with the
values (:func:`betweenness_error_bound`)."""
CONFIDENCE = 0.95
MEASURES = ("degree", "weighted_degree", "betweenness", "pagerank")
FORMATS = ("table", "csv", "json", "markdown")


# ---------------------------------------------------------------------------------------------
# Results: plain dicts (JSON as they are), typed key by key

Entity = TypedDict("Entity", {"iri": str, "label": str, "class": str})
"""A node of the view: its IRI, label and class (compact name)."""


class Ranked(Entity):
    """An entity and its value of one measure."""

    value: float | int


class EntityMeasures(Entity):
    """An entity with every measure and the component and community it belongs to."""

    degree: int
    weighted_degree: int
    betweenness: float | int
    pagerank: float | int
    component: int
    community: int
    community_size: int


class Member(Entity):
    pagerank: float | int


class Community(TypedDict):
    community: int
    size: int
    top: list[Member]


class Communities(TypedDict):
    count: int
    singletons: int
    modularity: float | int
    seed: int
    method: str
    groups: list[Community]


class Components(TypedDict):
    count: int
    sizes: list[int]


class BetweennessMethod(TypedDict):
    """How betweenness was computed: ``exact``, or ``sampled`` with its seed and error bound."""

    method: str
    samples: int | None
    seed: int | None
    error_bound: NotRequired[float]
    confidence: NotRequired[float]


class Measures(TypedDict):
    """What :func:`analyze` returns: the view's size, the top entities by each measure
    (``top[measure]``), every entity, the components and the communities."""

    view: str | None
    options: dict[str, Any]
    nodes: int
    edges: int
    linked_pairs: int
    betweenness: BetweennessMethod
    top: dict[str, list[Ranked]]
    entities: list[EntityMeasures]
    components: Components
    communities: Communities


Step = TypedDict("Step", {"from": str, "to": str, "relation": str, "label": str, "direction": str})
"""One relation of a chain; ``direction`` is "forward" when it runs ``from`` -> ``to`` in RDF."""


class Chain(TypedDict):
    """A chain of relations between two entities (what :func:`paths` returns a list of)."""

    length: int
    nodes: list[str]
    steps: list[Step]
    text: str


def undirected(view: Any) -> Any:
    """The view as a simple undirected graph; ``weight`` sums the weights of the pair's relations."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(view.nodes))
    for u, v, data in sorted(view.edges(data=True), key=lambda e: (e[0], e[1])):
        if u == v:
            continue
        weight = int(data.get("weight") or 1)
        if graph.has_edge(u, v):
            graph[u][v]["weight"] += weight
        else:
            graph.add_edge(u, v, weight=weight)
    return graph


def degree(graph: Any) -> dict[str, int]:
    """Linked entities per entity."""
    return dict(graph.degree())


def weighted_degree(graph: Any) -> dict[str, int]:
    """Relations per entity, a folded edge counting its weight."""
    return dict(graph.degree(weight="weight"))


def betweenness_error_bound(samples: int, confidence: float = CONFIDENCE) -> float:
    """Most a sampled normalised betweenness is off, for any one node, with ``confidence``.

    A sampled source s adds its dependency d_s(v) / (n - 2), a value in [0, 1]; the estimate is
    their mean over ``samples`` sources drawn at random (times n / (n - 1), about 1), and the
    true value is their mean over every source. Hoeffding's inequality (which also holds for
    sampling without replacement, as networkx draws) bounds the gap: P(|error| >= e) <=
    2 exp(-2 k e^2), so e = sqrt(ln(2 / (1 - confidence)) / (2 k)): 0.085 for 256 sources,
    0.170 for 64, at 95%. A bound on the scale of the values (0 to 1), loose for the small
    values most nodes have: the ranking of the top nodes is what sampling keeps.
    """
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * samples))


def betweenness(graph: Any) -> tuple[dict[str, float], BetweennessMethod]:
    """Normalised betweenness and how it was computed (exact, or sampled with a fixed seed and
    the bound of its error)."""
    import networkx as nx

    n = graph.number_of_nodes()
    if n <= EXACT_BETWEENNESS_LIMIT:
        values = nx.betweenness_centrality(graph, normalized=True) if n else {}
        return values, {"method": "exact", "samples": None, "seed": None}
    k = min(BETWEENNESS_SAMPLES, n)
    values = sampled_betweenness(graph, k, SEED)
    bound = round(betweenness_error_bound(k), 4)
    return values, {
        "method": "sampled",
        "samples": k,
        "seed": SEED,
        "error_bound": bound,
        "confidence": CONFIDENCE,
    }


def sampled_betweenness(graph: Any, k: int, seed: int) -> dict[str, float]:
    """Normalised betweenness estimated from ``k`` sources (Brandes' algorithm), unbiased:
    (n / k) times the sum of the sampled sources' dependencies over (n - 1)(n - 2).

    The sources are those networkx's own sampling draws (``random.Random(seed).sample`` of the
    nodes); each breadth-first search runs a level at a time as sparse matrix products (scipy),
    which took a 1M-triple view's 256 searches from minutes in networkx to seconds.
    """
    import random

    import numpy as np
    from scipy import sparse

    nodes = list(graph.nodes())
    n = len(nodes)
    position = {node: i for i, node in enumerate(nodes)}
    ends = [(position[u], position[v]) for u, v in graph.edges() if u != v]
    rows = [a for a, b in ends] + [b for a, b in ends]
    cols = [b for a, b in ends] + [a for a, b in ends]
    adjacency = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    total = np.zeros(n)
    for source in random.Random(seed).sample(nodes, k):  # noqa: S311 (a sample, not a secret)
        start = position[source]
        sigma = np.zeros(n)  # shortest paths from the source
        sigma[start] = 1.0
        seen = np.zeros(n, dtype=bool)
        seen[start] = True
        levels = [np.array([start])]
        while True:
            front = np.zeros(n)
            front[levels[-1]] = sigma[levels[-1]]
            reach = adjacency @ front
            new = np.flatnonzero((reach > 0) & ~seen)
            if not new.size:
                break
            seen[new] = True
            sigma[new] = reach[new]
            levels.append(new)
        delta = np.zeros(n)  # the source's dependency on each node
        for depth in range(len(levels) - 1, 0, -1):
            level, previous = levels[depth], levels[depth - 1]
            share = np.zeros(n)
            share[level] = (1.0 + delta[level]) / sigma[level]
            delta[previous] += sigma[previous] * (adjacency @ share)[previous]
        delta[start] = 0.0
        total += delta
    scale = n / (k * (n - 1) * (n - 2)) if n > 2 else 0.0
    return {node: float(total[i] * scale) for i, node in enumerate(nodes)}


def pagerank(graph: Any) -> dict[str, float]:
    import networkx as nx

    n = graph.number_of_nodes()
    if graph.number_of_edges():
        return dict(nx.pagerank(graph, weight="weight"))
    return dict.fromkeys(graph, 1 / n) if n else {}


def components(graph: Any) -> list[list[str]]:
    """Connected components, largest first."""
    import networkx as nx

    return sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))


def communities(graph: Any) -> tuple[list[list[str]], float]:
    """Louvain communities (fixed seed), largest first, and their modularity."""
    import networkx as nx

    if graph.number_of_edges():
        found = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
        modularity = nx.community.modularity(graph, found, weight="weight")
    else:
        found, modularity = [{node} for node in graph], 0.0
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0])), modularity


ANALYTICS = {
    "degree": degree,
    "weighted_degree": weighted_degree,
    "betweenness": betweenness,
    "pagerank": pagerank,
    "components": components,
    "communities": communities,
}
"""Each analytic by name, on the undirected graph of a view (for the benchmark)."""


def measure(view: Any, top: int = 10) -> Measures:
    """Every measure of a built view (a MultiDiGraph with ``label`` and ``class`` on its nodes)."""
    if top < 0:
        raise InputError(f"top must be 0 (everything) or more, not {top}")
    graph = undirected(view)
    n = graph.number_of_nodes()
    between, method = betweenness(graph)
    rank = pagerank(graph)
    parts = components(graph)
    groups, modularity = communities(graph)
    values: dict[str, dict[str, Any]] = {
        "degree": degree(graph),
        "weighted_degree": weighted_degree(graph),
        "betweenness": between,
        "pagerank": rank,
    }
    component_of = {node: i for i, c in enumerate(parts) for node in c}
    community_of = {node: i for i, c in enumerate(groups) for node in c}
    limit = top or n

    def entity(node: str) -> Entity:
        attrs = view.nodes[node]
        return {"iri": node, "label": attrs.get("label", node), "class": attrs.get("class", "")}

    def ranked(scores: dict[str, float], members: list[str] | None = None) -> list[str]:
        pool = members if members is not None else list(scores)
        return sorted(pool, key=lambda node: (-scores[node], view.nodes[node].get("label", node), node))[
            :limit
        ]

    return {
        "view": view.graph.get("view"),
        "options": view.graph.get("options", {}),
        "nodes": n,
        "edges": view.number_of_edges(),
        "linked_pairs": graph.number_of_edges(),
        "betweenness": method,
        "top": {
            name: [{**entity(node), "value": _round(values[name][node])} for node in ranked(values[name])]
            for name in MEASURES
        },
        "entities": [
            {
                **entity(node),
                **{name: _round(values[name][node]) for name in MEASURES},  # type: ignore[typeddict-item]
                "component": component_of[node],
                "community": community_of[node],
                "community_size": len(groups[community_of[node]]),
            }
            for node in ranked(rank)
        ],
        "components": {"count": len(parts), "sizes": [len(c) for c in parts][:limit]},
        "communities": {
            "count": len(groups),
            "singletons": sum(1 for c in groups if len(c) == 1),
            "modularity": _round(modularity),
            "seed": SEED,
            "method": "louvain",
            "groups": [
                {
                    "community": i,
                    "size": len(c),
                    "top": [
                        {**entity(node), "pagerank": _round(rank[node])}
                        for node in ranked(rank, c)[: min(limit, 5)]
                    ],
                }
                for i, c in enumerate(groups[:limit])
            ],
        },
    }


def _round(value: float) -> float | int:
    return value if isinstance(value, int) else round(float(value), 6)


def analyze(view: str = "actors", top: int = 10, *, graph: Any = None, **view_options: Any) -> Measures:
    """Build a view (see :func:`mgraph.networks.views.build_view`) and take every measure of it.

    >>> import mgraph
    >>> result = mgraph.analyze(top=3, graph=mgraph.load("tests/fixtures/data/good"))
    >>> result["nodes"], result["edges"], result["components"]["count"]
    (14, 14, 3)
    >>> [entity["label"] for entity in result["top"]["degree"]]
    ['GEF GOLD', 'Artisanal and Small-Scale Gold Mining', 'An online series']
    """
    from mgraph.networks.views import build_view

    if top < 0:
        raise InputError(f"top must be 0 (everything) or more, not {top}")
    return measure(build_view(view, graph=graph, **view_options), top)


# ---------------------------------------------------------------------------------------------
# Relation chains


def chains(view: Any, source: str, target: str, max_length: int = 6, limit: int = 20) -> list[Chain]:
    """The shortest chains of relations between two nodes of a view, in either direction.

    Each chain: ``length``, ``nodes`` (IRIs), ``steps`` (``from``, ``to``, ``relation``,
    ``label``, ``direction``: "forward" when the relation runs from ``from`` to ``to`` as in RDF)
    and ``text``. Several relations between the same two entities give several chains. At most
    ``limit`` chains; none when the shortest is longer than ``max_length``.
    """
    import itertools

    import networkx as nx

    if max_length < 1:
        raise InputError(f"max length must be 1 or more, not {max_length}")
    if source == target:
        raise InputError("give two different entities")
    graph = undirected(view)
    try:
        length = nx.shortest_path_length(graph, source, target)
    except nx.NetworkXNoPath:
        return []
    if length > max_length:
        return []
    out: list[Chain] = []
    for nodes in sorted(nx.all_shortest_paths(graph, source, target)):
        options = []
        for a, b in itertools.pairwise(nodes):
            step = [(a, b, key, "forward") for key in sorted(view.get_edge_data(a, b) or {})]
            step += [(a, b, key, "backward") for key in sorted(view.get_edge_data(b, a) or {})]
            options.append(step)
        for combination in itertools.product(*options):
            steps: list[Step] = []
            for a, b, key, direction in combination:
                data = (
                    view.get_edge_data(a, b, key) if direction == "forward" else view.get_edge_data(b, a, key)
                )
                steps.append(
                    {
                        "from": a,
                        "to": b,
                        "relation": key,
                        "label": data.get("label", key),
                        "direction": direction,
                    }
                )
            out.append(
                {"length": len(steps), "nodes": list(nodes), "steps": steps, "text": chain_text(view, steps)}
            )
            if len(out) >= limit:
                return out
    return out


def chain_text(view: Any, steps: list[Step]) -> str:
    """``Burkina Faso <-co-organiser- Event ... -co-organiser-> Switzerland``."""

    def name(node: str) -> str:
        return str(view.nodes[node].get("label") or node)

    parts = [name(steps[0]["from"])] if steps else []
    for step in steps:
        arrow = f"-{step['label']}->" if step["direction"] == "forward" else f"<-{step['label']}-"
        parts += [arrow, name(step["to"])]
    return " ".join(parts)


def paths(
    source: str,
    target: str,
    max_length: int = 6,
    view: str = "actors",
    *,
    limit: int = 20,
    graph: Any = None,
    **view_options: Any,
) -> list[Chain]:
    """The shortest relation chains between two entities (named as :func:`mgraph.resolve` takes
    them) in a view (default ``actors``; source documents and places are never in a view unless
    asked for, so chains never run through them).

    >>> import mgraph
    >>> kg = mgraph.load("tests/fixtures/data/good")
    >>> [chain["text"] for chain in mgraph.paths("GEF", "Indonesia", graph=kg)]
    ['Global Environment Facility <-funder- GEF GOLD -participating country-> Indonesia']
    >>> mgraph.paths("GEF", "Indonesia", max_length=1, graph=kg)
    []
    """
    from mgraph.networks.index import get_index
    from mgraph.networks.search import resolve
    from mgraph.networks.views import build_view

    if max_length < 1:
        raise InputError(f"max length must be 1 or more, not {max_length}")
    index = get_index(graph)
    a, b = resolve(source, index), resolve(target, index)
    network = build_view(view, graph=index, **view_options)
    missing = [
        f"{text!r} ({index.label(iri)}) is not in the {view} view with these options"
        for text, iri in ((source, a), (target, b))
        if iri not in network
    ]
    if missing:
        raise InputError(missing)
    return chains(network, a, b, max_length, limit)


# ---------------------------------------------------------------------------------------------
# Rendering


def render(result: Measures, fmt: str = "table", width: int | None = None) -> str:
    """The measures as a text table (in ``width`` columns when given), CSV (one row per
    entity), JSON or Markdown."""
    if fmt == "json":
        return json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        columns = ["iri", "label", "class", *MEASURES, "component", "community", "community_size"]
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(result["entities"])
        return buffer.getvalue()
    if fmt not in ("table", "markdown"):
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    markdown = fmt == "markdown"
    b = result["betweenness"]
    how = "exact" if b["method"] == "exact" else f"sampled from {b['samples']} sources, seed {b['seed']}"
    if b.get("error_bound") is not None:
        how += f" (within {b['error_bound']} of the exact value at {b['confidence']:.0%})"
    c = result["communities"]
    parts = result["components"]["count"]
    lines = [
        f"{'# ' if markdown else ''}{result['view']} view: {result['nodes']} nodes, "
        f"{result['edges']} edges ({result['linked_pairs']} linked pairs); "
        f"{parts} connected component{'' if parts == 1 else 's'} (largest "
        f"{(result['components']['sizes'] or [0])[0]}); betweenness {how}",
        "",
    ]
    for name in MEASURES:
        lines.append(f"{'## ' if markdown else ''}top by {name.replace('_', ' ')}")
        rows = [
            [str(i), _fmt(e["value"]), e["label"], e["class"]]
            for i, e in enumerate(result["top"][name], start=1)
        ]
        lines += _table(["#", name.replace("_", " "), "entity", "class"], rows, markdown, width)
        lines.append("")
    lines.append(
        f"{'## ' if markdown else ''}communities (Louvain, seed {c['seed']}): "
        f"{c['count']} ({_singletons(c['singletons'])}), modularity {c['modularity']:.4f}"
    )
    rows = [
        [str(g["community"]), str(g["size"]), "; ".join(m["label"] for m in g["top"])] for g in c["groups"]
    ]
    lines += _table(["community", "size", "top members (by PageRank)"], rows, markdown, width)
    if width is not None and not markdown:
        from mgraph.core.tables import fit_text

        return fit_text("\n".join(lines) + "\n", width, indent="  ")
    return "\n".join(lines) + "\n"


def _singletons(count: int) -> str:
    """How many communities are one node (an isolated node is always one)."""
    return f"{count} of them a single node" if count != 1 else "1 of them a single node"


def _fmt(value: float | int) -> str:
    return str(value) if isinstance(value, int) else f"{value:.4f}"


def _table(head: list[str], rows: list[list[str]], markdown: bool, width: int | None = None) -> list[str]:
    if markdown:

        def cell(text: str) -> str:
            return text.replace("|", "\\|")

        return [
            "| " + " | ".join(head) + " |",
            "|" + "|".join("---" for _ in head) + "|",
            *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows),
        ]
    from mgraph.core.tables import render

    numbers = [i for i, h in enumerate(head) if rows and all(_is_number(r[i]) for r in rows)]
    return render(head, rows, width=width, shorten=False, right=numbers).splitlines()


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text))


def render_chains(found: list[Chain], fmt: str = "text", width: int | None = None) -> str:
    """Chains as JSON, or one per line of text (wrapped at spaces in ``width`` columns)."""
    if fmt == "json":
        return json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    text = "".join(f"{chain['text']}\n" for chain in found)
    if width is None:
        return text
    from mgraph.core.tables import fit_text

    return fit_text(text, width, indent="    ")
