"""``mgraph site``: the static site, and its query page answering in Debian's Chromium from file://.

The query page runs a library query on Oxigraph's WebAssembly build over the site's own copy of
the graph; its rows must be those of ``mgraph query`` on the same graph.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser import wait_until
from paths import FIXTURE

from mgraph.core.errors import InputError
from mgraph.queries.query import run
from mgraph.site import relative_links, write_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site") / "site"
    result = write_site(folder, graph=FIXTURE, view="decisions")
    assert result.entities > 50
    return folder


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_entity_page_with_json_ld_and_rdf_beside_it(site):
    page = (site / "id" / "country" / "bra.html").read_text(encoding="utf-8")
    assert '<h1 id="label">Brazil</h1>' in page
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert embedded is not None
    document = json.loads(embedded.group(1))
    assert "https://w3id.org/mgraph/id/country/bra" in json.dumps(document)
    for ext in ("ttl", "nt", "jsonld"):
        assert (site / "id" / "country" / f"bra.{ext}").stat().st_size > 0
        assert f'href="bra.{ext}"' in page
    assert "<https://w3id.org/mgraph/id/country/bra>" in (site / "id" / "country" / "bra.nt").read_text()


def test_every_link_is_relative_and_lands_on_a_file(site):
    for page in [site / "index.html", site / "id" / "country" / "bra.html", site / "class" / "index.html"]:
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'(?:href|src)="([^"#]*)', html)
        assert links
        for link in links:
            if link.startswith(("http://", "https://", "data:")):
                continue
            assert not link.startswith("/"), f"{page.name}: {link}"
            assert (page.parent / link).resolve().is_file(), f"{page.name}: {link} is missing"


def test_class_pages_sitemap_and_description_pages(site):
    assert "Brazil" in (site / "class" / "State.html").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://w3id.org/mgraph/id/country/bra</loc>" in sitemap
    assert (site / "dataset.html").is_file() and (site / "docs" / "index.html").is_file()
    assert (site / "vendor" / "oxigraph" / "LICENSE-MIT").is_file()


def test_dataset_description_and_documentation_of_the_sites_graph(site):
    import hashlib
    import json

    from rdflib import Graph

    from mgraph.publish.describe import check_description

    page = (site / "dataset.html").read_text(encoding="utf-8")
    nt = (site / "mercury.nt").read_bytes()
    assert hashlib.sha256(nt).hexdigest() in page  # the checksum is the file's
    triples = len(Graph().parse(data=nt.decode("utf-8"), format="nt"))
    assert f"{triples:,} triples" in page
    described = Graph().parse(site / "void.ttl", format="turtle")
    assert check_description(described)[0], check_description(described)[1]
    assert json.loads((site / "dataset.jsonld").read_text(encoding="utf-8"))["@type"] == "Dataset"
    assert (site / "changelog.html").is_file()
    docs = (site / "docs" / "index.html").read_text(encoding="utf-8")
    assert 'id="Decision"' in docs and "Not written by" not in docs


def test_same_graph_same_bytes(site, tmp_path):
    again = tmp_path / "again"
    write_site(again, graph=FIXTURE, view="decisions")
    assert _digests(again) == _digests(site)


def test_a_folder_it_did_not_write_is_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(InputError, match="did not write"):
        write_site(tmp_path, graph=FIXTURE)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_cli_bad_base_url_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mgraph",
            "site",
            "-o",
            str(out),
            "--graph",
            str(FIXTURE),
            "--base-url",
            "ftp://x",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "--base-url" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param('<a href="/id/meeting/cop-5">', '<a href="../../id/meeting/cop-5.html">', id="entity"),
        pytest.param('<a href="/class/Decision">', '<a href="../../class/Decision.html">', id="class"),
        pytest.param(
            '<a href="/class/schema:Event">', '<a href="../../class/schema_Event.html">', id="curie"
        ),
        pytest.param('<a href="/sparql">', '<a href="../../query.html">', id="query"),
        pytest.param('<a href="?format=nt">', '<a href="x.nt">', id="rdf-form"),
        pytest.param('<a href="https://example.org/">', '<a href="https://example.org/">', id="outside"),
    ],
)
def test_relative_links(html, expected):
    assert relative_links(html, 2, "x") == expected


# --- the query page in Chromium ----------------------------------------------------------------


def _lexical(value) -> str | None:
    return None if value is None else str(value)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        pytest.param("decisions-by-meeting", {"meeting": "cop-5"}, id="decisions-by-meeting"),
        pytest.param("parties-in-period", {"from": "2017-01-01", "to": "2017-12-31"}, id="parties-in-period"),
    ],
)
def test_query_page_gives_the_rows_of_mgraph_query(browser, site, name, params):
    expected_rows = run(name, params, graph=FIXTURE)
    expected = [{c: _lexical(row.get(c)) for c in expected_rows.columns} for row in expected_rows]
    assert expected, "the case must have rows"
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto((site / "query.html").as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        page.select_option("#examples", name)
        text = page.input_value("#query")
        if name == "parties-in-period":  # the example's period is 2017; bind the one asked here
            assert "2017-01-01" in text and "2017-12-31" in text
        page.click("#run")
        wait_until(page, "() => window.MGRAPH_LAST_RESULT !== undefined", 60_000)
        result = page.evaluate("window.MGRAPH_LAST_RESULT")
    finally:
        context.close()
    assert result is not None, page.inner_text("#status") if not page.is_closed() else ""
    got = [
        {c: (row[c]["value"] if c in row else None) for c in expected_rows.columns}
        for row in result["results"]["bindings"]
    ]
    assert got == expected
    assert problems == []
    assert all(url.startswith("file://") for url in requests), requests


def test_a_site_in_spanish(tmp_path):
    folder = tmp_path / "es"
    write_site(folder, graph=FIXTURE, view="parties", lang="es")
    assert '<h1 id="label">Brasil</h1>' in (folder / "id" / "country" / "bra.html").read_text(
        encoding="utf-8"
    )
    assert '"label":"Brasil"' in (folder / "graph.html").read_text(encoding="utf-8")
    assert ">Brasil</a>" in (folder / "class" / "State.html").read_text(encoding="utf-8")
    # a State with no name in Spanish in the data keeps its English name
    assert '<h1 id="label">European Union</h1>' in (folder / "id" / "country" / "eu.html").read_text(
        encoding="utf-8"
    )
