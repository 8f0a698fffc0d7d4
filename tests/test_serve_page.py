"""The pages of ``mgraph serve`` in a real browser: Debian's Chromium driven by Playwright.

The query page must load with no console error and no request to any host but the server, run
a library example and show its rows; a result of ours must lead to the server's own page (same
tab); a valid query using our prefixes must show no error mark, a wrong one a mark on the line
the server names; an error must replace the previous results; the share link must reopen the
query. An entity page must lead from MC-5/3 to its meeting and to what it requests
(data/decisions.yaml: adopted at cop-5, requests minamata-secretariat); a ``<script>`` in a
literal must be shown as text, never run. Names in URLs resolve; Turtle and JSON-LD of an entity
are compact.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import httpx
import pytest
import rdflib
from browser import wait_until
from paths import ROOT, SERVE_FIXTURES
from rdflib.compare import isomorphic
from serve_support import curated_graph, start

from mgraph.queries.query import run


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    return curated_graph(tmp_path_factory.mktemp("curated"))


@pytest.fixture(scope="module")
def server(tmp_path_factory, curated):
    served = start(
        tmp_path_factory.mktemp("serve-page"),
        str(curated),
        str(SERVE_FIXTURES / "script.ttl"),
        "--workers",
        "2",
    )
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.problems = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on(
        "console", lambda message: page.problems.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def outside(requests: list[str], server) -> list[str]:
    own = urlsplit(server.url).netloc
    return [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != own
    ]


def test_query_page_runs_a_library_example_offline(page, server, curated):
    expected = run("decisions-by-meeting", {"meeting": "cop-5"}, graph=curated)
    page.goto(server.url + "/")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.select_option("#example", "decisions-by-meeting")
    page.fill("#params input[name=meeting]", "cop-5")
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td", timeout=20000)
    wait_until(
        page,
        "() => document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue().includes('VALUES')",
    )
    text = page.inner_text("#results")
    assert 0 < len(expected) == page.locator("#results table tbody tr").count()
    for row in expected:
        assert row["label"] in text
    assert "MC-5/3" in text
    assert outside(page.requests, server) == []
    assert page.problems == []


def test_query_page_free_text_query(page, server):
    page.goto(server.url + "/")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "window.mgraphYasqe.setValue("
        "'SELECT ?code WHERE { <https://w3id.org/mgraph/id/decision/mc-5-3> "
        "<http://purl.org/dc/terms/identifier> ?code }')"
    )
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td")
    assert "MC-5/3" in page.inner_text("#results")
    assert outside(page.requests, server) == []
    assert page.problems == []


def test_entity_page_leads_to_meeting_and_what_it_requests(page, server):
    page.goto(server.url + "/id/decision/mc-5-3")
    assert "Study of the global supply" in page.inner_text("h1")
    facts = page.inner_text("#facts")
    assert "Secretariat of the Minamata Convention on Mercury" in facts
    enb = "https://enb-test.iisd.org/minamata-convention-mercury-cop5-2Nov2023"
    assert page.locator(f"#sources a[href='{enb}']").count() == 1
    page.click("#facts a[href='/id/meeting/cop-5']")
    page.wait_for_url("**/id/meeting/cop-5")
    assert "Fifth meeting of the Conference of the Parties" in page.inner_text("h1")
    assert page.locator("#incoming a[href='/id/decision/mc-5-3']").count() == 1
    page.goto(server.url + "/id/decision/mc-5-3")
    page.click("#facts a[href='/id/organisation/minamata-secretariat']")
    page.wait_for_url("**/id/organisation/minamata-secretariat")
    assert outside(page.requests, server) == []
    assert page.problems == []


def test_script_in_a_literal_is_shown_as_text(page, server):
    page.goto(server.url + "/id/decision/test-script-literal")
    assert page.inner_text("h1") == "<script>window.mgraphPwned = true</script> label"
    assert "<img src=x" in page.inner_text("#facts")
    assert page.locator("#facts img").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert "javascript:window.mgraphPwned=true" in page.inner_text("#facts")  # shown, not linked
    assert page.evaluate("window.mgraphPwned") is None
    assert page.problems == []


def test_script_in_a_result_is_shown_as_text_on_the_query_page(page, server):
    page.goto(server.url + "/")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "window.mgraphYasqe.setValue('SELECT ?value WHERE { "
        "<https://w3id.org/mgraph/id/decision/test-script-literal> ?p ?value }')"
    )
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td")
    text = page.inner_text("#results")
    assert "<script>window.mgraphPwned = true</script>" in text
    assert page.locator("#results img").count() == 0
    assert page.evaluate("window.mgraphPwned") is None
    assert outside(page.requests, server) == []
    assert page.problems == []


# --- A query page that stays home (issue 16) -----------------------------------------------------


def set_query(page, text: str) -> None:
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("text => window.mgraphYasqe.setValue(text)", text)


VALID = """SELECT ?decision ?label ?meeting ?date WHERE {
  ?decision a mg:Decision ;
    rdfs:label ?label ;
    mg:adoptedAt ?meeting .
  ?meeting schema:startDate ?date .
  FILTER (STRSTARTS(STR(?meeting), STR(mgid:)) && ?date >= "2023-01-01"^^xsd:date)
}
ORDER BY ?label"""


def test_a_result_of_ours_opens_the_server_s_own_page_in_the_same_tab(page, server):
    page.goto(server.url + "/")
    set_query(page, 'SELECT ?d WHERE { ?d dcterms:identifier "MC-5/3" }')
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td a")
    link = page.locator("#results td a").first
    assert link.get_attribute("href") == "/id/decision/mc-5-3"
    assert link.get_attribute("target") is None
    link.click()
    page.wait_for_url("**/id/decision/mc-5-3")
    assert len(page.context.pages) == 1
    assert "Study of the global supply" in page.inner_text("h1")
    assert outside(page.requests, server) == []
    assert page.problems == []


def test_values_read_as_people_read_them(page, server):
    page.goto(server.url + "/")
    set_query(page, VALID)
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td")
    first = page.locator("#results tbody tr").first
    cells = first.locator("td")
    label, meeting, date = cells.nth(1).inner_text(), cells.nth(2).inner_text(), cells.nth(3).inner_text()
    assert not label.startswith('"') and "@en" not in label and label
    assert meeting.startswith("mgid:") or meeting.startswith("meeting:")  # a short name...
    assert cells.nth(2).locator("a").get_attribute("href").startswith("/id/meeting/")  # ...linked home
    assert "^^" not in date and "XMLSchema" not in date and date[:4].isdigit()
    assert page.locator("#results th").all_inner_texts() == ["decision", "label", "meeting", "date"]
    assert page.locator("button", has_text="Run").count() == 1  # one Run button
    assert page.problems == []


def test_a_valid_query_with_our_prefixes_has_no_error_mark(page, server):
    page.goto(server.url + "/")
    set_query(page, VALID)
    page.wait_for_timeout(300)  # the editor checks the syntax after a change
    page.evaluate("window.mgraphYasqe.checkSyntax()")
    assert page.locator(".yasqe .parseErrorIcon").count() == 0
    # the check is on: an undeclared prefix is marked
    set_query(page, "SELECT * WHERE {\n  ?s nosuch:thing ?o\n}")
    page.evaluate("window.mgraphYasqe.checkSyntax()")
    assert page.locator(".yasqe .parseErrorIcon").count() == 1
    assert page.problems == []


def test_a_wrong_query_is_marked_on_the_line_the_server_names(page, server):
    page.goto(server.url + "/")
    set_query(page, "SELECT ?d WHERE {\n  ?d a mg:Decision .\n  FILTER (?d = )\n}")
    page.click("#run")
    page.wait_for_selector("#results .error")
    message = page.inner_text("#results .error")
    line = int(re.search(r"\bat (\d+):\d+", message).group(1))  # the server's position
    marked = page.evaluate(
        "() => { const y = window.mgraphYasqe; const out = [];"
        " for (let i = 0; i < y.lineCount(); i++) {"
        "   const info = y.lineInfo(i); if ((info.bgClass || '').includes('server-error')) out.push(i); }"
        " return out; }"
    )
    assert marked == [line - 1]  # CodeMirror counts lines from 0
    assert page.locator(".yasqe .server-error-mark").count() == 1


def test_an_error_replaces_the_previous_results(page, server):
    page.goto(server.url + "/")
    set_query(page, VALID)
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td")
    page.select_option("#example", "decisions-by-meeting")
    page.fill("#params input[name=meeting]", "cop-99")
    page.click("#run")
    page.wait_for_selector("#results .error")
    assert "no meeting" in page.inner_text("#results .error")
    assert page.locator("#results table").count() == 0
    set_query(page, VALID)
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td")
    set_query(page, "SELECT ?x WHERE { ?x ?y }")
    page.click("#run")
    page.wait_for_selector("#results .error")
    assert page.locator("#results table").count() == 0
    assert page.locator("#results > *").count() == 1


def test_the_share_link_reopens_the_query(page, server):
    page.goto(server.url + "/")
    set_query(page, VALID)
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td")
    rows = page.locator("#results tbody tr").count()
    href = page.get_attribute("#share", "href")
    assert href.startswith("/?query=")
    page.goto(server.url + href)
    page.wait_for_selector("#results table tbody tr td")
    assert page.evaluate("window.mgraphYasqe.getValue()") == VALID
    assert page.locator("#results tbody tr").count() == rows
    assert outside(page.requests, server) == []
    assert page.problems == []


def test_the_editor_completes_our_classes(page, server):
    page.goto(server.url + "/")
    set_query(page, "SELECT ?d WHERE { ?d a mg:Decis")
    page.evaluate(
        "() => { const y = window.mgraphYasqe; y.focus();"
        " y.setCursor({line: 0, ch: y.getLine(0).length}); y.autocomplete(); }"
    )
    page.wait_for_selector(".CodeMirror-hints li")
    assert "mg:Decision" in page.locator(".CodeMirror-hints li").all_inner_texts()
    assert outside(page.requests, server) == []


# --- Names in URLs, class pages, entity RDF --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "target"),
    [
        pytest.param("/id/meeting/COP-5", "/id/meeting/cop-5", id="upper-case"),
        pytest.param("/id/decision/MC-5%2F3", "/id/decision/mc-5-3", id="code-with-slash"),
        pytest.param("/id/meeting/cop5", "/id/meeting/cop-5", id="no-hyphen"),
        pytest.param("/id/meeting/COP-5?format=ttl", "/id/meeting/cop-5?format=ttl", id="keeps-format"),
    ],
)
def test_names_written_differently_redirect_to_the_entity(server, path: str, target: str):
    response = httpx.get(server.url + path)
    assert response.status_code == 308
    assert response.headers["location"] == target
    assert httpx.get(server.url + path, follow_redirects=True).status_code == 200


def test_suggestions_put_the_same_kind_and_the_closest_name_first(server):
    response = httpx.get(server.url + "/id/meeting/cop-55")
    assert response.status_code == 404
    html = response.text
    assert 'href="/id/meeting/cop-5"' in html
    if 'href="/id/meeting/inc-5"' in html:
        assert html.index('href="/id/meeting/cop-5"') < html.index('href="/id/meeting/inc-5"')
    first = html.split('id="suggestions"')[1].split("href=")[1]
    assert first.startswith('"/id/meeting/')


def test_class_page_has_label_definition_and_instances_in_order(server, curated):
    html = httpx.get(server.url + "/class/Decision").text
    heading = html.split('<h1 id="label">')[1].split("</h1>")[0]
    assert heading != "mg:Decision" and heading
    assert 'id="definition"' in html
    assert 'href="/ontology#Decision"' in html
    graph = rdflib.Graph().parse(curated)
    meetings = httpx.get(server.url + "/class/ConferenceOfTheParties").text
    listed = [part.split('"')[0] for part in meetings.split('id="instances"')[1].split('href="')[1:]]
    dates = {
        f"/id/{str(s)[len('https://w3id.org/mgraph/id/') :]}": str(o)
        for s, o in graph.subject_objects(rdflib.URIRef("https://schema.org/startDate"))
    }
    in_order = [dates[x] for x in listed if x in dates]
    assert len(in_order) >= 3 and in_order == sorted(in_order)  # by date, not by name


def test_entity_turtle_declares_only_the_prefixes_it_uses(server, curated):
    response = httpx.get(server.url + "/id/decision/mc-5-3", headers={"Accept": "text/turtle"})
    text = response.text
    assert "\\/" not in text
    declared = [line.split()[1][:-1] for line in text.splitlines() if line.startswith("@prefix")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
    assert declared and all(f"{p}:" in body for p in declared)  # every prefix declared is used
    assert "mgsh" not in declared and "vann" not in declared
    graph = rdflib.Graph().parse(data=text, format="turtle")
    nt = httpx.get(server.url + "/id/decision/mc-5-3", headers={"Accept": "application/n-triples"}).text
    assert isomorphic(graph, rdflib.Graph().parse(data=nt, format="nt"))


def test_entity_jsonld_is_compacted_with_our_context(server):
    import json

    document = json.loads(
        httpx.get(server.url + "/id/decision/mc-5-3", headers={"Accept": "application/ld+json"}).text
    )
    assert document["@context"]["mg"] == "https://w3id.org/mgraph/ontology#"
    ids = [node["@id"] for node in document["@graph"]]
    assert "mgid:decision/mc-5-3" in ids or "decision:mc-5-3" in ids
    assert any(key.startswith("mg:") for node in document["@graph"] for key in node)


def test_a_busy_port_is_an_error_before_anything_is_announced(tmp_path, curated):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "mgraph", "serve", str(curated), "--port", str(port), "--workers", "1"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)},
        )
    assert done.returncode == 2
    assert f"http://127.0.0.1:{port}/" not in done.stderr
    assert str(port) in done.stderr and "Traceback" not in done.stderr


def test_a_construct_query_shows_its_turtle(page, server):
    page.goto(server.url + "/")
    set_query(page, "CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d dcterms:identifier 'MC-5/3' ; rdfs:label ?l }")
    page.click("#run")
    page.wait_for_selector("#results pre.graph")
    graph = rdflib.Graph().parse(data=page.inner_text("#results pre.graph"), format="turtle")
    assert len(graph) == 1
    assert page.problems == []


def test_a_long_result_is_drawn_in_part_and_says_so(page, server, curated):
    page.goto(server.url + "/")
    set_query(page, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2500")
    page.click("#run")
    page.wait_for_selector("#results table tbody tr td", timeout=30000)
    assert page.locator("#results tbody tr").count() == 2000
    assert "2500 rows (the first 2000 shown" in page.inner_text("#status")
    assert page.problems == []
