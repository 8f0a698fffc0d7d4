"""The examples in the public API's docstrings run, and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["mgraph", "mgraph.core.terms", "mgraph.queries.query", "mgraph.core.sparql_text"]


@pytest.mark.parametrize("name", [pytest.param(m, id=m) for m in MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
