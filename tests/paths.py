"""Where the tests' files are: the paths test files share, in one place (``from paths import GOOD``;
the tests folder is on ``sys.path`` while pytest runs, as ``conftest.py`` is there).

A path only one test file uses is made there from these (``FIXTURES / "stats"``).
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
"""The checkout."""

FIXTURES = TESTS / "fixtures"
GOOD = FIXTURES / "data" / "good"
"""A small data folder that loads and validates, with every kind of record."""
USER = FIXTURES / "user"
"""Users' RDF files, good and bad."""
TINY = FIXTURES / "network" / "tiny.ttl"
"""A small graph for the network views and their exports."""
SERVE_FIXTURES = FIXTURES / "serve"
"""Graphs and queries for ``mgraph serve``."""

QUERY_TESTS = TESTS / "queries"
"""The query tests: the graph (``FIXTURE``), the data it is built from and the expected outputs."""
FIXTURE = QUERY_TESTS / "fixture.ttl"
FIXTURE_DATA = QUERY_TESTS / "data"
EXPECTED = QUERY_TESTS / "expected"

SHAPES = TESTS / "shapes"
"""Pass and fail fixtures of each node shape (``tests/shapes/<Shape>/``)."""
