"""A new user's first ten minutes, and the packages that make them possible.

- Every package the library imports is a declared dependency of the distribution (or of an extra,
  for an optional path), read from the installed metadata: a missing declaration (scipy for
  networkx's PageRank, 2026-12-07) fails here, not on a user's fresh machine.
- Every module of ``mgraph`` imports in this environment.
- Each user group's main job runs as a command, in a subprocess, on a fresh copy of the project
  (its code, data, ontology and queries; no ``dist/``): build, validate, a dated library query,
  analyze, path, search, an export in every registered format, serve answering a query, and push
  into a real Oxigraph server. Each must exit 0 with output.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from paths import ROOT
from servers import Oxigraph, free_port, running

import mgraph
from mgraph.exporters import names as export_formats

PACKAGE = Path(mgraph.__file__).parent
pytestmark = pytest.mark.slow

# Imports that name a module of another distribution than its import name.
_DISTRIBUTION_OF = {"yaml": "pyyaml", "SPARQLWrapper": "sparqlwrapper", "ruamel": "ruamel.yaml"}


def _imported_packages() -> dict[str, set[str]]:
    """Top-level third-party modules imported anywhere in mgraph/ -> the files importing them."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top not in sys.stdlib_module_names and top not in {"mgraph", "__future__"}:
                    found.setdefault(top, set()).add(str(path.relative_to(PACKAGE)))
    return found


def _declared() -> dict[str, str | None]:
    """Requirement name (normalised) -> the extra it belongs to (None: a core dependency)."""
    declared: dict[str, str | None] = {}
    for requirement in importlib.metadata.requires("mgraph") or []:
        name = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
        extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", requirement)
        declared.setdefault(_normal(name), extra.group(1) if extra else None)
    return declared


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _distributions(module: str) -> set[str]:
    named = importlib.metadata.packages_distributions().get(module, [])
    return {_normal(d) for d in named} or {_normal(_DISTRIBUTION_OF.get(module, module))}


OPTIONAL = {"pandas": "dataframe"}  # import -> the extra that declares it (used only on request)


def test_every_import_of_the_library_is_a_declared_dependency() -> None:
    declared = _declared()
    missing = []
    for module, files in sorted(_imported_packages().items()):
        owners = _distributions(module)
        extras = {declared[d] for d in owners if d in declared}
        wanted = OPTIONAL.get(module)
        if (wanted is None and None not in extras) or (wanted is not None and wanted not in extras):
            missing.append(f"{module} ({', '.join(sorted(files))}) -> {sorted(owners)}")
    assert not missing, "imported but not declared in pyproject.toml:\n" + "\n".join(missing)


def test_scipy_is_declared_for_networkx_algorithms() -> None:
    # networkx imports scipy inside pagerank; no import of ours names it, so it is checked here.
    assert _declared().get("scipy", "absent") is None


def test_the_declared_check_fails_on_an_undeclared_import(monkeypatch) -> None:
    # The check above must be able to fail: a module importing an undeclared package is caught.
    monkeypatch.setattr(sys.modules[__name__], "_imported_packages", lambda: {"notapackage_xyz": {"fake.py"}})
    with pytest.raises(AssertionError, match="notapackage_xyz"):
        test_every_import_of_the_library_is_a_declared_dependency()


@pytest.mark.parametrize(
    "module",
    [
        info.name
        for info in pkgutil.walk_packages([str(PACKAGE)], prefix="mgraph.")
        if info.name != "mgraph.__main__"  # runs the command line when imported
    ],
)
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


# --- the first ten minutes, as commands on a fresh copy of the project -----------------------------


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A copy of the project as a clone has it (no dist/), built once with ``mgraph build``."""
    copy = tmp_path_factory.mktemp("fresh") / "mgraph-clone"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("mgraph", "data", "ontology", "queries"):
        shutil.copytree(ROOT / part, copy / part, ignore=ignore)
    done = _mgraph(copy, "build")
    assert (copy / "dist" / "mercury.nt").stat().st_size > 0, done.stderr
    return copy


def _env(copy: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(copy), "COLUMNS": "100", "TMPDIR": str(copy.parent)}


def _mgraph(copy: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "mgraph", *args],
        cwd=copy,
        env=_env(copy),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"mgraph {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        pytest.param(("validate",), "0 violations", id="validate"),
        pytest.param(("query", "status-as-of", "--param", "date=2018-01-01"), "", id="dated-query"),
        pytest.param(("query", "decisions-by-meeting", "--param", "meeting=COP-5"), "", id="named-param"),
        pytest.param(("analyze", "--top", "5"), "", id="analyze"),
        pytest.param(("analyze", "--format", "json", "--top", "3"), "pagerank", id="analyze-json"),
        pytest.param(("path", "Burkina Faso", "Switzerland"), "", id="path"),
        pytest.param(("search", "Minamata"), "", id="search"),
        pytest.param(("stats",), "", id="stats"),
    ],
)
def test_first_run_command(fresh: Path, args: tuple[str, ...], expect: str) -> None:
    done = _mgraph(fresh, *args)
    output = done.stdout + done.stderr
    assert output.strip(), f"mgraph {' '.join(args)} printed nothing"
    assert expect.lower() in output.lower()


@pytest.mark.parametrize("fmt", export_formats())
def test_first_run_export(fresh: Path, fmt: str) -> None:
    out = fresh / f"view.{fmt}"
    _mgraph(fresh, "export", "--format", fmt, "--view", "actors", "-o", str(out))
    assert out.stat().st_size > 0


def test_first_run_serve_answers_a_query(fresh: Path) -> None:
    port = free_port()
    log = fresh.parent / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mgraph", "serve", "--port", str(port), "--workers", "1"],
            cwd=fresh,
            env=_env(fresh),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        url = f"http://127.0.0.1:{port}/sparql?{query}"
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    answer = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert int(answer["results"]["bindings"][0]["n"]["value"]) > 1000
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_first_run_push_then_query_the_store(fresh: Path, tmp_path: Path) -> None:
    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        endpoint = f"{server.base}/query"
        _mgraph(fresh, "push", "--endpoint", endpoint)
        done = _mgraph(fresh, "query", "cop-timeline", "--endpoint", endpoint, "--format", "csv")
    assert done.stdout.count("\n") > 3
