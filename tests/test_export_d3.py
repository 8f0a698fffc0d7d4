"""The nodelink export read back by D3 in real Chromium: ``d3.forceSimulation`` with
``d3.forceLink(links).id(d => d.id)``, as a D3 user writes it. forceLink throws "node not found"
for a link end that names no node, so the counts it gives are those of GraphML only when every
link end is a node's id.

d3-force and its dependencies are vendored in ``tests/vendor/d3`` (see its README); the page they
run in is ``about:blank`` with no network (every request but ``data:`` is refused).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from paths import TESTS

from mgraph.exporters import get
from mgraph.networks.views import build_view

pytestmark = pytest.mark.slow  # Chromium

D3 = TESTS / "vendor" / "d3"
D3_FILES = ("d3-dispatch.min.js", "d3-quadtree.min.js", "d3-timer.min.js", "d3-force.min.js")

READ_BACK = """data => {
  const nodes = data.nodes.map(n => Object.assign({}, n));
  const links = data.edges.map(e => Object.assign({}, e));
  const simulation = d3.forceSimulation(nodes)
    .force('link', d3.forceLink(links).id(d => d.id))
    .stop();
  simulation.tick(1);
  const resolved = links.every(l => typeof l.source === 'object' && typeof l.target === 'object');
  return [simulation.nodes().length, links.length, resolved];
}"""


@pytest.fixture(scope="module")
def d3_page(browser):
    context = browser.new_context()
    context.route(re.compile(r"^(?!data:|about:).*"), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("about:blank")
    for name in D3_FILES:
        page.add_script_tag(content=(D3 / name).read_text(encoding="utf-8"))
    assert page.evaluate("typeof d3.forceSimulation === 'function' && typeof d3.forceLink === 'function'")
    yield page
    assert errors == []
    context.close()


def graphml_counts(view, tmp_path: Path) -> tuple[int, int]:
    path = tmp_path / "view.graphml"
    path.write_bytes(get("graphml").export(view))
    back = nx.read_graphml(path, force_multigraph=True)
    return back.number_of_nodes(), back.number_of_edges()


@pytest.mark.parametrize("view_name", ["actors", "decisions", "partnership"])
def test_d3_reads_nodelink_with_the_counts_of_graphml(d3_page, view_name: str, tmp_path) -> None:
    view = build_view(view_name)
    data = json.loads(get("nodelink").export(view))
    nodes, links, resolved = d3_page.evaluate(READ_BACK, data)
    assert resolved
    expected = (view.number_of_nodes(), view.number_of_edges())
    assert (nodes, links) == graphml_counts(view, tmp_path) == expected
    back = nx.node_link_graph(data, edges="edges")  # networkx, with its defaults
    assert (back.number_of_nodes(), back.number_of_edges()) == (nodes, links)


def test_d3_refuses_the_corrupt_nodelink_of_before(d3_page) -> None:
    """The failing case: record ids as node ids and IRIs as link ends (the export of before)."""
    data = json.loads(get("nodelink").export(build_view("actors", focus="Burkina Faso", depth=1)))
    for node in data["nodes"]:
        node["id"] = node["record_id"]
    with pytest.raises(Exception, match="node not found"):
        d3_page.evaluate(READ_BACK, data)
