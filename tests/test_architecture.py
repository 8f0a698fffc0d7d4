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
CORE = {  # mgraph/core/: module -> layer, a strict stack
    "mgraph.core.errors": 0,
    "mgraph.core.formats": 0,
    "mgraph.core.query_engines": 0,
    "mgraph.core.locations": 0,
    "mgraph.core.sparql_text": 0,
    "mgraph.core.tables": 0,
    "mgraph.core.garbage": 0,
    "mgraph.core.namespaces": 1,
    "mgraph.core.nesting": 1,
    "mgraph.core.timelimit": 1,
    "mgraph.core.files": 1,
    "mgraph.core.terms": 2,
    "mgraph.core.schema": 2,
    "mgraph.core.ontology": 2,
    "mgraph.core.models": 3,
    "mgraph.core.xml_screen": 2,
    "mgraph.core.jsonld_screen": 2,
    "mgraph.core.sparql_screen": 2,
    "mgraph.core.user_files": 3,
    "mgraph.core.serialize": 3,
    "mgraph.core.records": 4,
    "mgraph.core.crosswalk": 4,
    "mgraph.core.loader": 5,
    "mgraph.core.store": 5,
    "mgraph.core.graphs": 6,
}
# The feature packages above the core, lowest first: a package imports the core and the packages
# before it in this list, never one after it. Inside a package, modules import each other freely
# as long as they form no cycle (test_no_import_cycles).
PACKAGES = [
    "mgraph.curation",  # mgraph lint, mgraph schema
    "mgraph.validation",  # mgraph validate: engines, shapes check, results, reports
    "mgraph.networks",  # name index, languages, search, views, analyze/paths
    "mgraph.queries",  # mgraph query: the library and its running
    "mgraph.exporters",  # mgraph export: one module per format
    "mgraph.publish",  # mgraph build, stats, diff, push; the dataset's description
    "mgraph.server",  # mgraph serve
    "mgraph.site",  # mgraph site
]
FEATURES = 7  # the layer of every feature package (ordered among themselves by PACKAGES)
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
    if module == "mgraph.core":
        return -1  # a docstring only
    if module.startswith("mgraph.core."):
        return CORE[module]
    assert package_of(module) in PACKAGES, f"{module} is in no package of PACKAGES"
    return FEATURES


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def rank(module: str) -> int:
    """The order of the module's package: the core 0, the feature packages 1.., the CLI last."""
    if layer(module) < FEATURES:
        return 0
    if layer(module) == TOP:
        return len(PACKAGES) + 1
    return PACKAGES.index(package_of(module)) + 1


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
        elif mine == theirs == FEATURES and rank(target) > rank(module):
            wrong.append(f"{target} (package {package_of(target)}, after {package_of(module)})")
    assert not wrong, f"{module} (layer {mine}) imports upward: {', '.join(wrong)}"


# The only modules that touch the graph engines themselves: everything else goes through
# mgraph.core.store (one Store: building, adding, quads, queries) and mgraph.core.terms (the one
# term conversion), and asks mgraph.core.graphs which graph.
ENGINE_MODULES = {
    "pyoxigraph": {
        "mgraph.core.terms": "the one term conversion (rdflib <-> pyoxigraph, N-Triples texts)",
        "mgraph.core.store": "the Store over the engines: building, adding, quads, queries",
        "mgraph.core.formats": "the one format table names each format's pyoxigraph format object",
        "mgraph.core.user_files": "parses a user's file with pyoxigraph's parser (it never fetches) "
        "and relabels blank nodes as the quads stream into a store; below store in the stack",
        "mgraph.core.serialize": "writes the release with pyoxigraph's serialisers (byte-identical "
        "files); below store in the stack",
        "mgraph.networks.index": "the name index keeps pyoxigraph terms as the parser streams them "
        "(no conversion per triple: memory and time at a million triples)",
        "mgraph.publish.push": "streams the graph to an endpoint: pyoxigraph's N-Triples dump of the "
        "whole store, chunks grouped by blank node",
        "mgraph.server.worker": "the query worker process stays light: the standard library and "
        "pyoxigraph only, no mgraph core",
        "mgraph.server.dataset": "the server's on-disk store: bulk loads into named graphs, opened "
        "read-only to list them",
        "mgraph.server.pages": "reads the worker's replies (pyoxigraph's N-Triples and terms)",
    },
    "rdflib internals": {
        "mgraph.core.store": "rdflib's SPARQL parser and prepared queries (parsed once and kept)",
        "mgraph.validation.engines.pyshacl_engine": "rdflib's SPARQL processor, patched while "
        "pyshacl runs so each constraint is parsed once",
    },
}
RDFLIB_INTERNALS = ("rdflib.plugin", "rdflib.plugins", "rdflib.store")


def engine_imports(module: str) -> set[str]:
    """Which engines ``module`` imports itself (at the top or inside functions): "pyoxigraph",
    and "rdflib internals" for rdflib's store, plugin and SPARQL machinery. Imports under
    ``if TYPE_CHECKING:`` only name types for annotations (pyoxigraph triples handed on) and
    do not count."""
    tree = ast.parse(source_of(module).read_text(encoding="utf-8"))
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    names: list[str] = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    found = set()
    for name in names:
        if name == "pyoxigraph" or name.startswith("pyoxigraph."):
            found.add("pyoxigraph")
        if any(name == p or name.startswith(p + ".") for p in RDFLIB_INTERNALS):
            found.add("rdflib internals")
    return found


@pytest.mark.parametrize("engine", list(ENGINE_MODULES))
def test_only_the_listed_modules_import_the_engines(engine):
    importers = {m for m in ALL if engine in engine_imports(m)}
    assert sorted(importers - set(ENGINE_MODULES[engine])) == [], "not allowed to import " + engine
    assert sorted(set(ENGINE_MODULES[engine]) - importers) == [], "listed but no longer importing " + engine


def test_the_engine_import_finder_sees_imports_inside_functions(tmp_path, monkeypatch):
    code = "def f():\n    import pyoxigraph as ox\n    from rdflib.plugins.sparql import prepareQuery\n"
    (tmp_path / "enginey.py").write_text(code, encoding="utf-8")
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pyoxigraph as ox\n"
    (tmp_path / "plain.py").write_text("from rdflib import Graph\n" + typed, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert engine_imports("enginey") == {"pyoxigraph", "rdflib internals"}
    assert engine_imports("plain") == set()


def test_every_module_is_in_the_core_or_a_feature_package():
    flat = [m for m in ALL if m.count(".") == 1 and m not in ("mgraph.__main__", "mgraph.cli")]
    assert sorted(m for m in flat if m not in ["mgraph.core", *PACKAGES]) == []
    assert [p for p in PACKAGES if p not in ALL] == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph`` (module -> modules it imports), each as a path that returns
    to its start; empty when the imports form a DAG."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_import_cycles():
    """No module reaches itself through imports, counting imports inside functions; so no
    package does either (with test_imports_point_down ordering the packages)."""
    graph = {m: {t for t in imported(m) if not m.startswith(t + ".")} for m in ALL if m not in TYPE_ONLY}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


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
