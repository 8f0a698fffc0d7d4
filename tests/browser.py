"""Debian's Chromium, driven by Playwright on the system browser (never a downloaded browser)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine's closed network refuses its connections
    "--disable-component-update",
    "--disable-sync",
]


def wait_until(page, predicate: str, timeout: float = 30_000) -> object:
    """Waits until the JavaScript function `predicate` ("() => ...") returns a true value.

    Playwright's own wait_for_function polls with eval in older releases (1.40, our floor), which
    the pages' Content-Security-Policy refuses. A function given to evaluate runs over the DevTools
    protocol, which the policy does not govern, so the polling loop is written into that function.
    """
    return page.evaluate(
        "timeout => new Promise((resolve, reject) => {"
        f" const predicate = {predicate};"
        " const deadline = performance.now() + timeout;"
        " const tick = () => {"
        "  let value;"
        "  try { value = predicate(); } catch (error) { reject(error); return; }"
        "  if (value) resolve(value);"
        "  else if (performance.now() > deadline) reject(new Error('timed out: ' + predicate));"
        "  else setTimeout(tick, 20);"
        " };"
        " tick();"
        "})",
        timeout,
    )
