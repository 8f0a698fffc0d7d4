"""What every test shares: the test tiers, the servers and the browser, and ``--regenerate``
(the paths are in ``tests/paths.py``, importable: ``from paths import GOOD``).

Tiers (markers, registered in pyproject.toml):
- ``slow``: tests that start processes, servers (Oxigraph, Virtuoso, ``mgraph serve``) or a browser,
  or run whole conformance suites. The files listed in ``SLOW_FILES`` are marked here as a whole;
  a test elsewhere can carry ``@pytest.mark.slow`` itself.
- everything else is the fast tier: ``pytest -m "not slow"`` (what a contributor runs while
  editing; the README names it).

``--regenerate`` rewrites golden outputs (query results, snapshots) from the current code instead
of comparing with them; review the diff before committing it.
"""

from __future__ import annotations

import pytest
from servers import oxigraph, virtuoso  # noqa: F401  the shared servers, as fixtures for every test

# Whole files in the slow tier: processes, servers, browsers, conformance suites.
SLOW_FILES = {
    "test_first_run.py",  # every command in a subprocess on a fresh copy of the project
    "test_serve.py",  # mgraph serve in a subprocess
    "test_serve_page.py",  # mgraph serve + Chromium
    "test_endpoint.py",  # mgraph serve in a subprocess
    "test_export_html.py",  # Chromium
    "test_export_d3.py",  # Chromium and d3-force
    "test_browser_waits_under_csp.py",  # Chromium
    "test_push.py",  # Oxigraph server and Virtuoso
    "test_push_kill.py",  # mgraph push killed at every stage, Oxigraph server and Virtuoso
    "test_serve_hostile.py",  # mgraph serve under slow clients and runaway queries
    "test_serve_memory.py",  # worker processes loading the graph into memory, mgraph serve
    "test_w3c_protocol.py",  # the W3C SPARQL 1.1 Protocol suite against mgraph serve
    "test_site.py",  # mgraph site + Chromium
    "test_tables.py",  # every command in a subprocess at three widths
    "test_query_engines.py",  # every library query on three engines and Virtuoso
    "test_w3c_shacl.py",  # the W3C SHACL suite on two engines
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate",
        action="store_true",
        default=False,
        help="rewrite golden outputs from the current code instead of comparing with them",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def regenerate(request: pytest.FixtureRequest) -> bool:
    """True under ``--regenerate``: write golden outputs instead of comparing with them."""
    return bool(request.config.getoption("--regenerate"))


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (the shared browser fixture).

    A missing Chromium skips the test, or fails it under ``MGRAPH_TEST_REQUIRE_TOOLS=1`` (CI).
    """
    from browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    from servers import require_tool

    require_tool(CHROMIUM, "the Debian package chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
