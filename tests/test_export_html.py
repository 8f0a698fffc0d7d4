"""The offline HTML graph page (``mgraph export --format html``), in real headless Chromium.

Debian's /usr/bin/chromium driven by Playwright (never a downloaded browser). Every request the
page makes is recorded and blocked unless it is ``file:`` or ``data:``; a console error fails the
test. One browser for the module; each test opens a page on a file written to its tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from browser import wait_until

from mgraph.core.errors import InputError
from mgraph.exporters import html as html_export

EVIL = '</script><script>alert(1)</script> & <!-- "quoted" </SCRIPT'


# --- A small view that follows the views contract (mgraph/views), made by hand -------------------

SEED_NEWS = {
    "iri": "https://w3id.org/mgraph/id/source/seed-gmp-news",
    "label": "UNEP Global Mercury Partnership news and events (seed text)",
    "url": None,
}
ONLINE = {
    "iri": "https://w3id.org/mgraph/id/source/seed-minamata-online",
    "label": "Minamata Online (seed)",
    "url": "https://minamataconvention.org/en/news/launch-minamata-online-new-digital-sessions-mercury",
}


def _node(kind: str, slug: str, label: str, cls: str, **attrs: Any) -> tuple[str, dict[str, Any]]:
    iri = f"https://w3id.org/mgraph/id/{kind}/{slug}"
    sources = attrs.pop("sources", [])
    node = {
        "iri": iri,
        "id": f"{kind}/{slug}",
        "kind": kind,
        "label": label,
        "class": cls,
        "classes": sorted({cls, "schema:Thing"}),
        "alt_names": attrs.pop("alt_names", []),
        "start": attrs.pop("start", None),
        "end": attrs.pop("end", None),
        "sources": sources,
        "n_sources": len(sources),
        "facts": attrs.pop("facts", []),
    }
    return iri, node


def hand_made_view(extra_label: str | None = None) -> nx.MultiDiGraph:
    view = nx.MultiDiGraph(view="full", options={"fold": False})
    nodes = [
        _node("country", "bfa", "Burkina Faso", "mg:State", alt_names=["BF", "BFA"], sources=[SEED_NEWS]),
        _node("country", "che", "Switzerland", "mg:State", alt_names=["CH", "CHE"], sources=[SEED_NEWS]),
        _node(
            "organisation",
            "minamata-secretariat",
            "Secretariat of the Minamata Convention",
            "mg:Secretariat",
            sources=[SEED_NEWS],
        ),
        _node(
            "event",
            "waste-side-event-developing-countries",
            "Event on environmentally sound management of mercury waste in developing countries",
            "mg:Event",
            sources=[SEED_NEWS],
            facts=[
                {
                    "predicate": "schema:description",
                    "label": "description",
                    "value": "Addressed mercury waste.",
                    "iri": None,
                }
            ],
        ),
        _node(
            "event",
            "minamata-online-2020-09-17",
            "Minamata Online: effectiveness evaluation indicators",
            "mg:Event",
            start="2020-09-17",
            sources=[ONLINE],
        ),
        _node(
            "event",
            "minamata-online",
            "Minamata Online",
            "mg:Event",
            start="2020-09",
            end="2020-12",
            sources=[ONLINE],
        ),
        _node(
            "event",
            "waste-annual-meeting-2023",
            "Mercury Waste Management partnership area annual meeting 2023",
            "mg:Event",
            start="2023-03-15",
            sources=[SEED_NEWS],
        ),
    ]
    if extra_label is not None:
        hostile_source = {"iri": "urn:x", "label": extra_label, "url": "javascript:alert(2)"}
        nodes.append(
            _node(
                "organisation",
                "evil",
                extra_label,
                "mg:Organisation",
                alt_names=[extra_label],
                sources=[hostile_source],
            )
        )
    for iri, attrs in nodes:
        view.add_node(iri, **attrs)
    base = "https://w3id.org/mgraph/id/"
    event = base + "event/waste-side-event-developing-countries"
    for who in ("country/bfa", "country/che", "organisation/minamata-secretariat"):
        view.add_edge(
            event,
            base + who,
            key="mg:coOrganisedBy",
            predicate=base + "x",
            label="co-organised by",
            start=None,
            end=None,
            weight=1,
            sources=[],
        )
    for session in ("event/minamata-online-2020-09-17",):
        view.add_edge(
            base + session,
            base + "event/minamata-online",
            key="schema:superEvent",
            predicate="https://schema.org/superEvent",
            label="part of",
            start=None,
            end=None,
            weight=1,
            sources=[ONLINE],
        )
    secretariat = base + "organisation/minamata-secretariat"
    view.add_edge(
        base + "event/minamata-online",
        secretariat,
        key="mg:organisedBy",
        predicate=base + "y",
        label="organised by",
        start=None,
        end=None,
        weight=1,
        sources=[],
    )
    if extra_label is not None:
        view.add_edge(
            base + "organisation/evil",
            base + "country/bfa",
            key="mg:evil",
            predicate=base + "z",
            label=extra_label,
            start="2021",
            end=None,
            weight=1,
            sources=[],
        )
    return view


# --- The browser ---------------------------------------------------------------------------------


class Opened:
    """A page opened on a written HTML file, with every request, console error and dialog recorded."""

    def __init__(self, browser, path: Path, fragment: str = "") -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.route(re.compile(r"^(?!file:|data:).*"), lambda route: route.abort())
        page = self.context.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)
        self.page = page
        page.goto(path.as_uri() + fragment)
        page.wait_for_selector("body[data-ready=true]", timeout=15000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check_clean(self) -> None:
        foreign = [url for url in self.requests if not url.startswith(("file:", "data:"))]
        assert foreign == [], f"requests other than file:/data: {foreign}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser):
    opened: list[Opened] = []

    def _open(path: Path, fragment: str = "") -> Opened:
        page = Opened(browser, path, fragment)
        opened.append(page)
        return page

    yield _open
    for page in opened:
        page.close()


def write_page(view: nx.MultiDiGraph, folder: Path, name: str = "graph.html") -> Path:
    path = folder / name
    path.write_bytes(html_export.export(view))
    return path


# --- Tests on the page's bytes --------------------------------------------------------------------


def test_page_is_self_contained_and_deterministic():
    first = html_export.export(hand_made_view())
    assert first == html_export.export(hand_made_view())
    text = first.decode("utf-8")
    assert "<script src" not in text and '<link rel="stylesheet"' not in text
    assert re.findall(r"(?:src|href)=\"(?!data:)[^\"]*\"", text) == []
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)
    assert csp and "default-src 'none'" in csp.group(1) and "connect-src 'none'" in csp.group(1)
    assert "script-src 'sha256-" in csp.group(1)


def test_data_block_cannot_end_the_script():
    text = html_export.export(hand_made_view(EVIL)).decode("utf-8")
    data = re.search(r'<script id="mgraph-data" type="application/json">(.*?)</script>', text, re.S)
    assert data is not None
    assert "<" not in data.group(1) and ">" not in data.group(1)
    labels = {node["label"] for node in json.loads(data.group(1))["nodes"]}
    assert EVIL in labels
    assert text.count("</script>") == 3  # the data block, the vendored script, the page's script


def test_unknown_layout_is_an_input_error():
    with pytest.raises(InputError, match="unknown html layout"):
        html_export.export(hand_made_view(), layout="circle")


def test_large_views_get_the_linear_layout_and_fast_drawing():
    data = html_export.page_data(synthetic_view(html_export.FORCE_LIMIT + 1))
    assert data["layout"] == "blocks" and data["large"] is True
    small = html_export.page_data(hand_made_view())
    assert small["layout"] == "force" and small["large"] is False


# --- The curated graph in the browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """The whole curated graph (view "full") and its page, written once for the module."""
    from mgraph.networks.views import build_view

    view = build_view("full")
    return view, write_page(view, tmp_path_factory.mktemp("curated"))


def test_export_through_the_registry_writes_a_focused_page(tmp_path):
    from mgraph.exporters import export_view, get

    assert get("html") is html_export
    out = tmp_path / "bfa.html"
    export_view("html", str(out), "actors", focus="Burkina Faso", depth=1)
    data = json.loads(
        re.search(r'<script id="mgraph-data" type="application/json">(.*?)</script>', out.read_text(), re.S)[
            1
        ]
    )
    ids = {node["id"] for node in data["nodes"]}
    assert {"country/bfa", "event/waste-side-event-developing-countries"} <= ids


def test_same_bytes_in_another_process(tmp_path):
    """Determinism across processes, whatever the string hash seed."""
    code = (
        "import hashlib, sys; from mgraph.networks.views import build_view; "
        "from mgraph.exporters import html; "
        "sys.stdout.write(hashlib.sha256(html.export(build_view('actors', focus='Burkina Faso', depth=2)))"
        ".hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
            capture_output=True, text=True,
        ).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    assert len(digests) == 1


def ids_where(view: nx.MultiDiGraph, test) -> list[str]:
    return sorted(attrs["id"] for _, attrs in view.nodes(data=True) if test(attrs))


def test_page_draws_every_node_of_the_curated_graph(open_page, curated, tmp_path):
    view, path = curated
    opened = open_page(path)
    page = opened.page
    assert page.evaluate("window.mgraph.renderer") == "cytoscape"
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes()
    assert page.evaluate("window.mgraph.visibleEdgeCount()") == view.number_of_edges()
    assert page.get_attribute("body", "data-nodes") == str(view.number_of_nodes())
    states = sum(1 for _, attrs in view.nodes(data=True) if attrs["class"] == "mg:State")
    assert page.locator("#legend label", has_text="mg:State").inner_text().split() == [
        "mg:State",
        str(states),
    ]
    page.screenshot(path=str(tmp_path / "curated.png"))
    opened.check_clean()


def test_search_burkina_faso_lists_the_waste_event_with_its_source(open_page, curated, tmp_path):
    opened = open_page(curated[1])
    page = opened.page
    page.fill("#search", "Burkina Faso")
    assert page.get_attribute("body", "data-selected") == "country/bfa"
    assert page.locator("#panel h2").inner_text() == "Burkina Faso"
    assert page.evaluate("location.hash") == "#id=country%2Fbfa"
    row = page.locator('#panel li[data-neighbour-id="event/waste-side-event-developing-countries"]')
    assert row.count() == 1
    assert row.get_attribute("data-relation") == "mg:coOrganiser"
    assert "mercury waste in developing countries" in row.inner_text()
    assert (
        "UNEP Global Mercury Partnership news and events (seed text)"
        in row.locator(".link-sources").inner_text()
    )
    for link in page.locator("#panel a").all():
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("href").startswith(("https://", "http://"))
    page.screenshot(path=str(tmp_path / "burkina-faso.png"))
    # The event opens from the panel, with its own source; the permalink follows.
    row.locator("button.entity").click()
    assert page.get_attribute("body", "data-selected") == "event/waste-side-event-developing-countries"
    assert "seed text" in page.locator("#panel ul.sources").inner_text()
    assert page.evaluate("location.hash") == "#id=event%2Fwaste-side-event-developing-countries"
    opened.check_clean()


def click_node(page, entity_id: str) -> None:
    # Bring the node to the middle of the graph area and zoom in around it (the viewport only), so
    # that neither the panel nor a neighbour drawn over it at the overview's scale takes the click;
    # then a real mouse click at its drawn position.
    page.evaluate(
        """id => {
          const cy = window.mgraph.cy, [x, y] = window.mgraph.screenPosition(id);
          if (!cy) { return; }
          const centre = {x: cy.width() / 2, y: cy.height() / 2};
          cy.panBy({x: centre.x - x, y: centre.y - y});  // the node to the middle of the graph area
          cy.zoom({level: Math.min(cy.maxZoom(), cy.zoom() * 6), renderedPosition: centre});
        }""",
        entity_id,
    )
    x, y = page.evaluate("id => window.mgraph.screenPosition(id)", entity_id)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_click_on_a_node_selects_it(open_page, curated):
    opened = open_page(curated[1])
    page = opened.page
    page.fill("#search", "Burkina Faso")
    page.press("#search", "Escape")  # closes the suggestions
    wait_until(page, "() => !window.mgraph.cy.animated()")  # the short zoom to the selection
    click_node(page, "event/waste-side-event-developing-countries")
    assert page.get_attribute("body", "data-selected") == "event/waste-side-event-developing-countries"
    assert page.evaluate("location.hash") == "#id=event%2Fwaste-side-event-developing-countries"
    opened.check_clean()


def test_search_by_code(open_page, curated):
    opened = open_page(curated[1])
    opened.page.fill("#search", "mc-5/3")
    assert opened.page.get_attribute("body", "data-selected") == "decision/mc-5-3"
    opened.check_clean()


def test_timeline_2023_hides_the_2020_minamata_online_sessions(open_page, curated):
    view, path = curated
    sessions = ids_where(
        view, lambda a: a["id"].startswith("event/minamata-online") and (a["start"] or "")[:4] == "2020"
    )
    in_2023 = ids_where(
        view, lambda a: (a["start"] or "")[:4] == "2023" and (a["end"] or "2023")[:4] == "2023"
    )
    assert len(sessions) >= 5 and in_2023
    opened = open_page(path)
    page = opened.page
    visible = "ids => ids.filter(id => window.mgraph.isVisible(id))"
    assert page.evaluate(visible, sessions) == sessions
    page.fill("#year-from", "2023")
    page.fill("#year-to", "2023")
    page.press("#year-to", "Enter")
    page.dispatch_event("#year-to", "change")
    assert page.get_attribute("body", "data-period") == "2023-2023"
    assert page.evaluate(visible, sessions) == []
    assert page.evaluate(visible, in_2023) == in_2023
    assert page.evaluate("id => window.mgraph.isVisible(id)", "country/bfa")  # undated stays...
    page.uncheck("#show-undated")
    assert not page.evaluate("id => window.mgraph.isVisible(id)", "country/bfa")  # ...unless asked
    page.click("#period-reset")
    page.check("#show-undated")
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes()
    # A click on a year's bar chooses that year.
    page.click('#bars .bar[data-year="2020"]')
    assert page.get_attribute("body", "data-period") == "2020-2020"
    assert page.evaluate(visible, sessions) == sessions
    # A drag across the bars chooses a period.
    page.hover('#bars .bar[data-year="2021"]')
    page.mouse.down()
    page.hover('#bars .bar[data-year="2023"]')
    page.mouse.up()
    assert page.get_attribute("body", "data-period") == "2021-2023"
    assert page.evaluate(visible, sessions) == []
    opened.check_clean()


def test_class_and_relation_filters(open_page, curated):
    view, path = curated
    opened = open_page(path)
    page = opened.page
    states = sum(1 for _, attrs in view.nodes(data=True) if attrs["class"] == "mg:State")
    page.locator("#legend label", has_text="mg:State").locator("input").uncheck()
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes() - states
    assert not page.evaluate("id => window.mgraph.isVisible(id)", "country/bfa")
    page.click("#classes-all")
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes()
    keys = Counter(key for _, _, key in view.edges(keys=True))
    relation = "mg:coOrganiser"
    page.uncheck(f'#relations input[data-key="{relation}"]')
    assert page.evaluate("window.mgraph.visibleEdgeCount()") == view.number_of_edges() - keys[relation]
    page.click("#relations-none")
    assert page.evaluate("window.mgraph.visibleEdgeCount()") == 0
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes()
    opened.check_clean()


def test_permalink_selects_on_load(open_page, curated):
    path = curated[1]
    opened = open_page(path, "#id=country%2Fche")
    page = opened.page
    assert page.get_attribute("body", "data-selected") == "country/che"
    assert page.locator("#panel h2").inner_text() == "Switzerland"
    page.evaluate("location.hash = '#id=decision%2Fmc-5-3'")
    wait_until(page, "() => document.body.dataset.selected === 'decision/mc-5-3'")
    unknown = open_page(path, "#id=nothing%2Fhere")
    assert "No entity with the id" in unknown.page.locator("#panel").inner_text()
    opened.check_clean()
    unknown.check_clean()


# --- Hostile and large views ----------------------------------------------------------------------


def test_script_in_a_label_is_shown_as_text(open_page, tmp_path):
    """A failing case: a label that would end the script and run another, were it not escaped."""
    view = hand_made_view(EVIL)
    opened = open_page(write_page(view, tmp_path))
    page = opened.page
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes()
    page.fill("#search", EVIL)
    assert page.get_attribute("body", "data-selected") == "organisation/evil"
    assert page.locator("#panel h2").inner_text() == EVIL
    assert page.locator("#suggestions button").first.inner_text().startswith(EVIL)
    assert page.locator("#panel script").count() == 0
    assert page.locator("script").count() == 3
    # A javascript: URL given as a source is shown as text, never as a link.
    assert page.locator('a[href^="javascript"]').count() == 0
    assert EVIL in page.locator("#panel ul.sources").inner_text()
    page.screenshot(path=str(tmp_path / "evil.png"))
    opened.check_clean()


def test_large_view_draws_every_node(open_page, tmp_path):
    view = synthetic_view(html_export.LARGE_LIMIT + 500)
    opened = open_page(write_page(view, tmp_path))
    page = opened.page
    assert page.evaluate("window.mgraph.renderer") == "canvas"
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes()
    assert page.evaluate("window.mgraph.visibleEdgeCount()") == view.number_of_edges()
    page.fill("#search", "Node 3")
    assert page.get_attribute("body", "data-selected") == synthetic_id(3)
    page.locator("#legend label", has_text="mg:Class00").locator("input").uncheck()
    in_class = sum(1 for _, attrs in view.nodes(data=True) if attrs["class"] == "mg:Class00")
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes() - in_class
    # A click on a drawn node selects it.
    click_node(page, synthetic_id(6))
    assert page.get_attribute("body", "data-selected") == synthetic_id(6)
    page.screenshot(path=str(tmp_path / "large.png"))
    opened.check_clean()


def synthetic_id(i: int) -> str:
    return f"organisation/n{i:06d}"


def synthetic_view(n: int, seed: int = 7) -> nx.MultiDiGraph:
    """A contract view of ``n`` nodes in 12 classes with about 2n edges, a third dated, for size tests."""
    import random

    rng = random.Random(seed)
    view = nx.MultiDiGraph(view="synthetic", options={})
    classes = [f"mg:Class{k:02d}" for k in range(12)]
    for i in range(n):
        year = 1990 + rng.randrange(36) if i % 3 == 0 else None
        view.add_node(
            f"https://example.org/n{i}",
            iri=f"https://example.org/n{i}",
            id=synthetic_id(i),
            kind="organisation",
            label=f"Node {i}",
            **{"class": classes[i % 12]},
            classes=[classes[i % 12]],
            alt_names=[f"N{i}"],
            start=str(year) if year else None,
            end=None,
            n_sources=1,
            sources=[{"iri": "https://example.org/s", "label": "A source", "url": "https://example.org/s"}],
            facts=[{"predicate": "mg:size", "label": "size", "value": str(i), "iri": None}],
        )
    for i in range(1, n):
        for _ in range(2):
            j = rng.randrange(i)
            view.add_edge(
                f"https://example.org/n{i}",
                f"https://example.org/n{j}",
                key=f"mg:rel{j % 5}",
                predicate=f"https://example.org/rel{j % 5}",
                label=f"relation {j % 5}",
                start=None,
                end=None,
                weight=1,
                sources=[],
            )
    return view


# --- Time, selection, families, search (issue 16) -----------------------------------------------


def _in_year(attrs: dict, year: str) -> bool:
    """As the page reads a period: undated is kept, a start with no end is ongoing."""
    start, end = (attrs["start"] or "")[:4], (attrs["end"] or "")[:4]
    if not start and not end:
        return True
    return (start or end) <= year and (not end or end >= year)


def test_the_period_filter_changes_the_number_of_links(open_page, curated):
    view, path = curated
    assert any(a["start"] for _, _, a in view.edges(data=True)), "links carry dates"
    in_2018 = sum(
        1
        for u, v, a in view.edges(data=True)
        if _in_year(a, "2018") and _in_year(view.nodes[u], "2018") and _in_year(view.nodes[v], "2018")
    )
    opened = open_page(path)
    page = opened.page
    everything = page.evaluate("window.mgraph.visibleEdgeCount()")
    assert everything == view.number_of_edges()
    page.evaluate("window.mgraph.setPeriod(2018, 2018)")
    links_2018 = page.evaluate("window.mgraph.visibleEdgeCount()")
    assert 0 < links_2018 < everything
    assert links_2018 == in_2018
    page.uncheck("#show-undated")
    dated_2018 = page.evaluate("window.mgraph.visibleEdgeCount()")
    assert 0 < dated_2018 < links_2018
    opened.check_clean()


def test_escape_and_a_background_click_clear_the_selection(open_page, curated):
    opened = open_page(curated[1], "#id=country%2Fche")
    page = opened.page
    assert page.get_attribute("body", "data-selected") == "country/che"
    assert page.locator("#panel h2").inner_text() == "Switzerland"
    page.keyboard.press("Escape")
    assert page.get_attribute("body", "data-selected") is None
    assert page.locator("#panel h2").count() == 0
    assert page.evaluate("location.hash") == ""
    assert page.evaluate("window.mgraph.cy.elements('.faded').length") == 0
    page.evaluate("window.mgraph.select('country/che')")
    assert page.get_attribute("body", "data-selected") == "country/che"
    wait_until(page, "() => !window.mgraph.cy.animated()")
    page.evaluate("window.mgraph.cy.pan({x: -1e6, y: -1e6})")  # every node far off the window
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.get_attribute("body", "data-selected") is None
    opened.check_clean()


def test_unchecking_a_family_class_hides_its_subclasses(open_page, curated):
    view, path = curated
    meetings = [a["id"] for _, a in view.nodes(data=True) if "mg:Meeting" in a["classes"]]
    subclassed = [
        a["id"]
        for _, a in view.nodes(data=True)
        if "mg:Meeting" in a["classes"] and a["class"] != "mg:Meeting"
    ]
    assert subclassed, "the curated graph has COPs (mg:ConferenceOfTheParties, a mg:Meeting)"
    opened = open_page(path)
    page = opened.page
    row = page.locator("#legend li", has=page.locator('input[data-key="mg:Meeting"]'))
    assert row.locator(".count").inner_text() == str(len(meetings))  # counted with its subclasses
    row.locator('input[data-key="mg:Meeting"]').uncheck()
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes() - len(meetings)
    assert page.evaluate("ids => ids.filter(id => window.mgraph.isVisible(id))", subclassed) == []
    row.locator("button.fold").click()  # unfolds the subclasses of mg:Meeting
    assert page.locator('#legend input[data-key="mg:ConferenceOfTheParties"]').is_visible()
    opened.check_clean()


def test_one_colour_family_per_top_level_class(curated):
    from mgraph.exporters._style import class_colour

    data = html_export.page_data(curated[0])
    colours = {c["name"]: c["color"] for c in data["classes"]}
    assert colours["mg:ConferenceOfTheParties"] == class_colour("mg:ConferenceOfTheParties")
    assert colours["mg:Meeting"] != colours["mg:ConferenceOfTheParties"]  # a shade, not the same
    ours = {name: colour for name, colour in colours.items() if name.startswith("mg:")}
    assert len(set(ours.values())) == len(ours)  # every class of ours has its own colour


def test_search_matches_words_in_any_order(open_page, curated):
    opened = open_page(curated[1])
    page = opened.page
    page.fill("#search", "faso burkina")
    assert page.locator('#suggestions button[data-id="country/bfa"]').count() == 1
    page.press("#search", "Enter")
    assert page.get_attribute("body", "data-selected") == "country/bfa"
    opened.check_clean()


def test_the_most_linked_entities_are_labelled_at_first(open_page, curated):
    opened = open_page(curated[1])
    page = opened.page
    hubs = page.evaluate("window.mgraph.cy.nodes('.hub').map(n => n.data('label'))")
    assert 0 < len(hubs) <= 20
    assert page.evaluate("window.mgraph.cy.nodes('.hub')[0].style('min-zoomed-font-size')") in ("0", "0px")
    opened.check_clean()


# --- The first view reads: an overview by kind (issue 16, part 5) --------------------------------


def _overview_labels(page) -> dict[str, str]:
    """The overview's drawn kinds: class name -> label ("State · 168")."""
    return page.evaluate(
        """() => {
          const data = JSON.parse(document.getElementById('mgraph-data').textContent);
          const out = {};
          window.mgraph.overview().nodes(':visible').forEach(n => {
            out[data.classes[parseInt(n.id().slice(1), 10)].name] = n.data('label');
          });
          return out;
        }"""
    )


def test_a_large_view_opens_on_an_overview_by_kind(open_page, curated, tmp_path):
    view, path = curated
    opened = open_page(path)
    page = opened.page
    assert page.get_attribute("body", "data-mode") == "overview"
    assert page.locator("#overview").is_visible() and page.locator("#show-network").is_visible()
    labels = _overview_labels(page)
    # A few labelled circles, one per family, whose counts add up to every entity of the view.
    assert 2 <= len(labels) <= 20
    assert sum(int(label.rsplit("\u00b7", 1)[1]) for label in labels.values()) == view.number_of_nodes()
    states = sum(1 for _, a in view.nodes(data=True) if "mg:State" in a["classes"])
    assert labels["mg:State"] == f"State \u00b7 {states}"
    # The panel names the most linked entities, the most linked first.
    top = min(view.nodes, key=lambda n: (-view.degree(n), view.nodes[n]["id"]))
    first = page.locator("#panel .kind-list button.entity").first
    assert first.get_attribute("data-id") == view.nodes[top]["id"]
    page.screenshot(path=str(tmp_path / "overview.png"))
    # A real click on a kind lists it; "Show only these" opens the network on that kind.
    box = page.locator("#overview-graph").bounding_box()
    x, y = page.evaluate(
        """() => {
          const data = JSON.parse(document.getElementById('mgraph-data').textContent);
          const k = data.classes.findIndex(c => c.name === 'mg:State');
          const p = window.mgraph.overview().getElementById('f' + k).renderedPosition();
          return [p.x, p.y];
        }"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.get_attribute("#panel", "data-family") == "mg:State"
    assert page.locator("#panel h2").inner_text() == "State"
    page.click("#panel button.primary")
    assert page.get_attribute("body", "data-mode") == "network"
    assert page.evaluate("window.mgraph.visibleNodeCount()") == states
    # Back to the overview, then the whole network with one click.
    page.click("#to-overview")
    assert page.get_attribute("body", "data-mode") == "overview"
    page.click("#classes-all")
    page.click("#show-network")
    assert page.get_attribute("body", "data-mode") == "network"
    assert not page.locator("#overview").is_visible()
    assert page.evaluate("window.mgraph.visibleNodeCount()") == view.number_of_nodes()
    opened.check_clean()


def test_the_overview_follows_the_period(open_page, curated):
    opened = open_page(curated[1])
    page = opened.page
    page.evaluate("window.mgraph.setPeriod(2018, 2018)")
    page.uncheck("#show-undated")
    shown = int(page.get_attribute("body", "data-visible-nodes"))
    labels = _overview_labels(page)
    assert 0 < shown < curated[0].number_of_nodes()
    assert sum(int(label.rsplit("\u00b7", 1)[1]) for label in labels.values()) == shown
    opened.check_clean()


def test_choosing_an_entity_leaves_the_overview(open_page, curated):
    opened = open_page(curated[1])
    page = opened.page
    page.locator("#panel .kind-list button.entity").first.click()
    assert page.get_attribute("body", "data-mode") == "network"
    assert page.get_attribute("body", "data-selected")
    opened.check_clean()


def test_a_small_view_opens_on_its_network_every_node_labelled(open_page, tmp_path):
    """The failing case for the overview: a view small enough to read is not hidden behind it."""
    view = hand_made_view()
    opened = open_page(write_page(view, tmp_path))
    page = opened.page
    assert page.get_attribute("body", "data-mode") == "network"
    assert not page.locator("#overview").is_visible()
    assert page.evaluate("window.mgraph.overview()") is None
    assert page.evaluate("window.mgraph.cy.nodes()[0].style('min-zoomed-font-size')") in ("0", "0px")
    opened.check_clean()
