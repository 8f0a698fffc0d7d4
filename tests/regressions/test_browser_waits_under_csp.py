"""Browser tests waited with Playwright's wait_for_function, which on Playwright 1.40 (our floor)
polls the predicate with eval; the pages' Content-Security-Policy refuses eval, so the lowest-versions
run failed whenever the first look was false. tests/browser.wait_until polls inside one evaluate."""

from __future__ import annotations

import re

import pytest
from browser import wait_until
from paths import TESTS

# No script may be evaluated from a string; the flag turns true only after the first look.
PAGE = """<!doctype html><meta http-equiv="Content-Security-Policy" content="script-src 'none'">
<body data-ready="no"></body>"""


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    page.set_content(PAGE)
    yield page
    page.close()


def test_wait_until_sees_a_later_change_under_a_policy_without_eval(page) -> None:
    page.evaluate("() => setTimeout(() => { document.body.dataset.ready = 'yes'; }, 200)")
    assert wait_until(page, "() => document.body.dataset.ready === 'yes' && 'seen'") == "seen"


def test_wait_until_gives_up_at_its_timeout(page) -> None:
    with pytest.raises(Exception, match="timed out"):
        wait_until(page, "() => document.body.dataset.never === 'set'", 300)


def test_no_browser_test_waits_with_wait_for_function() -> None:
    users = [
        path.name
        for path in sorted(TESTS.rglob("test_*.py"))
        if re.search(r"\.wait_for_function\(", path.read_text(encoding="utf-8"))
    ]
    assert users == []
