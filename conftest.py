"""The docstring examples of mgraph/ run as tests (``--doctest-modules``, set in pyproject.toml).

Their paths (``tests/fixtures/...``, ``data/``) are the checkout's, so each example runs in the
checkout's root wherever pytest was started. Everything else tests share is in tests/conftest.py.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _examples_run_in_the_checkout(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    root = request.config.rootpath
    if request.node.path.is_relative_to(root / "mgraph"):  # only docstring examples live there
        monkeypatch.chdir(root)
