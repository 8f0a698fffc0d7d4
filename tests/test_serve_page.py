"""The pages of ``mgraph serve`` in a real browser: Debian's Chromium driven by Playwright.

The query page must load with no console error and no request to any host but the server, run
a library example and show its rows; an entity page must lead from MC-5/3 to its meeting and to
what it requests (data/decisions.yaml: adopted at cop-5, requests minamata-secretariat); a
``<script>`` in a literal must be shown as text, never run.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM
from browser import CHROMIUM_ARGS as ARGS
from serve_support import FIXTURES, curated_graph, start
from servers import require_tool

from mgraph.queries import run


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    return curated_graph(tmp_path_factory.mktemp("curated"))


@pytest.fixture(scope="module")
def server(tmp_path_factory, curated):
    served = start(
        tmp_path_factory.mktemp("serve-page"), str(curated), str(FIXTURES / "script.ttl"), "--workers", "2"
    )
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def browser():
    require_tool(CHROMIUM, "Debian package chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


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
    page.wait_for_selector(".yasr table tbody tr td", timeout=20000)
    page.wait_for_function(
        "document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue().includes('VALUES')"
    )
    text = page.inner_text(".yasr")
    assert 0 < len(expected) == page.locator(".yasr table tbody tr").count()
    for row in expected:
        assert row["label"] in text
    assert "MC-5/3" in text
    assert outside(page.requests, server) == []
    assert page.problems == []


def test_query_page_free_text_query(page, server):
    page.goto(server.url + "/")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "window.mgraphYasgui.getTab().getYasqe().setValue("
        "'SELECT ?code WHERE { <https://w3id.org/mgraph/id/decision/mc-5-3> "
        "<http://purl.org/dc/terms/identifier> ?code }')"
    )
    page.click("#run")
    page.wait_for_selector(".yasr table tbody tr td")
    assert "MC-5/3" in page.inner_text(".yasr")
    assert outside(page.requests, server) == []
    assert page.problems == []


def test_entity_page_leads_to_meeting_and_what_it_requests(page, server):
    page.goto(server.url + "/id/decision/mc-5-3")
    assert "Study of the global supply" in page.inner_text("h1")
    facts = page.inner_text("#facts")
    assert "Secretariat of the Minamata Convention on Mercury" in facts
    assert page.locator("#sources a[href='/id/source/seed-minamata-online']").count() == 1
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
        "window.mgraphYasgui.getTab().getYasqe().setValue('SELECT ?value WHERE { "
        "<https://w3id.org/mgraph/id/decision/test-script-literal> ?p ?value }')"
    )
    page.click("#run")
    page.wait_for_selector(".yasr table tbody tr td")
    text = page.inner_text(".yasr")
    assert "<script>window.mgraphPwned = true</script>" in text
    assert page.locator(".yasr img").count() == 0
    assert page.evaluate("window.mgraphPwned") is None
    assert outside(page.requests, server) == []
    assert page.problems == []
