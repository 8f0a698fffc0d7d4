"""Every public API function shows how it is called, and the examples run with the tests.

The examples run through pytest's ``--doctest-modules`` over ``mgraph/`` (pyproject's
``testpaths`` and ``addopts``), in the fast tier, from the checkout's root (conftest.py there);
this file checks that every function of the API table (``mgraph._API``) has one, and that the
configuration collects them.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import tomllib

from paths import ROOT

import mgraph


def without_examples(api: dict[str, tuple[str, str]]) -> list[str]:
    """The functions of an API table whose docstring holds no example doctest can run."""
    finder = doctest.DocTestFinder(recurse=False)
    missing = []
    for name, (module, attribute) in sorted(api.items()):
        value = getattr(importlib.import_module(module), attribute)
        if inspect.isfunction(value) and not any(test.examples for test in finder.find(value, name)):
            missing.append(name)
    return missing


def _undocumented() -> None:
    """A function with no example (``>>>`` quoted in prose is not one)."""


def test_every_public_function_has_an_example() -> None:
    functions = [
        name
        for name, (module, attribute) in mgraph._API.items()
        if inspect.isfunction(getattr(importlib.import_module(module), attribute))
    ]
    assert len(functions) == 13  # load build diff validate query stats network export analyze ...
    assert without_examples(mgraph._API) == []


def test_a_function_without_an_example_is_named() -> None:
    api = {"query": ("mgraph.queries.query", "run"), "undocumented": (__name__, "_undocumented")}
    assert without_examples(api) == ["undocumented"]


def test_the_examples_run_with_the_tests() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = pyproject["tool"]["pytest"]["ini_options"]
    assert "mgraph" in options["testpaths"]
    assert "--doctest-modules" in options["addopts"].split()
