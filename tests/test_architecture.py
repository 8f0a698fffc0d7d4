"""The shape of the code: imports point down, the command line stays light, the API is whole.

The layers (see docs/architecture.md). A module may import modules of lower layers, and modules
of its own layer only in the top layers (the features and the CLI); the core is a strict stack.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import mgraph
import mgraph.cli

PACKAGE = Path(mgraph.__file__).parent
CORE = {  # module -> layer; every other module is a feature (FEATURES) or the CLI (TOP)
    "mgraph.errors": 0,
    "mgraph.locations": 0,
    "mgraph.sparql_text": 0,
    "mgraph.namespaces": 1,
    "mgraph.timelimit": 1,
    "mgraph.files": 1,
    "mgraph.terms": 2,
    "mgraph.schema": 2,
    "mgraph.ontology": 2,
    "mgraph.models": 3,
    "mgraph.safety": 3,
    "mgraph.serialize": 3,
    "mgraph.records": 4,
    "mgraph.crosswalk": 4,
    "mgraph.loader": 5,
    "mgraph.store": 5,
    "mgraph.graphs": 6,
}
FEATURES = 7  # validation, shacl, report, queries, release, statistics, views, exporters, server...
TOP = 8  # mgraph.cli.*, mgraph.__main__
HEAVY = (
    "rdflib",
    "pyoxigraph",
    "pyshacl",
    "networkx",
    "SPARQLWrapper",
    "starlette",
    "uvicorn",
    "pyrudof",
    "yaml",
    "pydantic",
)


def modules() -> list[str]:
    names = ["mgraph"]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="mgraph."):
        names.append(info.name)
    return sorted(names)


def layer(module: str) -> int:
    if module == "mgraph":
        return -1  # the lazy API table imports nothing at run time
    if module.startswith("mgraph.cli") or module == "mgraph.__main__":
        return TOP
    return CORE.get(module, FEATURES)


def source_of(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin)


def imported(module: str) -> set[str]:
    """Every mgraph module that ``module`` imports, at the top or inside functions."""
    tree = ast.parse(source_of(module).read_text(encoding="utf-8"))
    package = module if source_of(module).name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("mgraph")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1]
                    + ([node.module] if node.module else [])
                )
            if not base.startswith("mgraph"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if _is_module(candidate) else base)
    return {m for m in out if m != module and m in ALL}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


ALL = modules()
TYPE_ONLY = {"mgraph"}  # mgraph/__init__ imports the API under TYPE_CHECKING only


@pytest.mark.parametrize("module", [m for m in ALL if m not in TYPE_ONLY])
def test_imports_point_down(module):
    mine = layer(module)
    wrong = []
    for target in sorted(imported(module)):
        theirs = layer(target)
        same_package = target.startswith(module + ".") or module.startswith(target + ".")
        if theirs > mine or (theirs == mine and mine < FEATURES and not same_package):
            wrong.append(f"{target} (layer {theirs})")
    assert not wrong, f"{module} (layer {mine}) imports upward: {', '.join(wrong)}"


def test_nothing_imports_the_cli():
    importers = [m for m in ALL if layer(m) < TOP and any(t.startswith("mgraph.cli") for t in imported(m))]
    assert not importers


def test_library_modules_never_print():
    printing = []
    for module in ALL:
        if layer(module) == TOP:
            continue
        tree = ast.parse(source_of(module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                printing.append(f"{module}:{node.lineno}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("stdout", "stderr")
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                printing.append(f"{module}:{node.lineno}")
    assert not printing, "library code prints: " + ", ".join(printing)


def test_help_and_import_load_no_heavy_library():
    code = (
        "import sys, contextlib, io\nimport mgraph, mgraph.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        mgraph.cli.main(['--help'])\n    except SystemExit:\n        pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout


@pytest.mark.parametrize("command", [pytest.param(c, id=c) for c in mgraph.cli.COMMANDS])
def test_every_command_has_a_description_and_examples(command):
    module = importlib.import_module(f"mgraph.cli.{command}")
    assert (module.__doc__ or "").strip(), f"mgraph {command} has no description"
    assert getattr(module, "EXAMPLES", "").strip().startswith("mgraph"), command


def test_python_dash_m_mgraph_works():
    done = subprocess.run(
        [sys.executable, "-m", "mgraph", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "COMMAND" in done.stdout


def test_api_names_are_not_hidden_by_submodules():
    """Regression: importing ``mgraph.query`` (a module) hid ``mgraph.query`` (the function)."""
    for module in ALL:
        if module != "mgraph.__main__":  # that one runs the command
            importlib.import_module(module)
    assert set(mgraph._API) == set(mgraph.__all__) - {"__version__"}
    for name in mgraph._API:
        value = getattr(mgraph, name)
        assert not isinstance(value, type(mgraph)), f"mgraph.{name} is a module"


def test_the_version_is_written_once():
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and '\nversion = "' not in pyproject
    from importlib.metadata import version

    assert version("mgraph") == mgraph.__version__
