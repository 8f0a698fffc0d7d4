"""Library queries through a real SPARQL endpoint: an Oxigraph server started for this module.

The server gets the fixture graph over the SPARQL 1.1 Graph Store Protocol (HTTP PUT to
``/store?default``); every query must then give through ``--endpoint`` exactly the rows it gives on
the embedded engines. Skipped only when the ``oxigraph`` binary (PyPI package ``oxigraph``) is
missing.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest
import yaml
from paths import EXPECTED, FIXTURE
from servers import Oxigraph, free_port, running

from mgraph import cli
from mgraph.core.errors import InputError
from mgraph.core.store import from_file
from mgraph.queries.library import library
from mgraph.queries.query import run

LIBRARY = library()
HOSTILE = ['x" } ?s ?p ?o { "', "> . ?s ?p ?o <", "a'''b\"\"\"c\n}\\"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with running(Oxigraph(tmp_path_factory.mktemp("oxigraph"), union=False)) as server:
        request = urllib.request.Request(
            f"{server.store}?default",
            data=FIXTURE.read_bytes(),
            method="PUT",
            headers={"Content-Type": "text/turtle"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204)
        yield server.query


_LOCAL: dict = {}


def local():
    if "store" not in _LOCAL:
        _LOCAL["store"] = from_file(FIXTURE, "oxigraph")
    return _LOCAL["store"]


def endpoint_cases() -> list:
    out = []
    for name, query in LIBRARY.items():
        path = EXPECTED / f"{name}.yaml"
        params = (
            [
                c.get("params") or {}
                for c in yaml.safe_load(path.read_text(encoding="utf-8"))
                if c.get("graph", "fixture") == "fixture"
            ]
            if path.exists()
            else []
        )
        if not any(p.required for p in query.params) and {} not in params:
            params.append({})
        out += [pytest.param(name, p, id=f"{name}-{i}") for i, p in enumerate(params)]
    return out


@pytest.mark.parametrize(("name", "params"), endpoint_cases())
def test_endpoint_gives_the_local_rows(endpoint, name, params):
    remote = run(name, params, endpoint=endpoint, timeout=30)
    embedded = run(name, params, store=local())
    assert remote.columns == embedded.columns
    assert remote == embedded


def test_cli_with_endpoint(endpoint, capsys):
    args = ["query", "legal-acts", "--param", "party=bra", "--format", "csv"]
    assert cli.main([*args, "--endpoint", endpoint]) == 0
    remote = capsys.readouterr().out
    assert cli.main([*args, "--graph", str(FIXTURE)]) == 0
    assert remote == capsys.readouterr().out
    assert remote.count("\n") == 4  # header and three acts


@pytest.mark.parametrize("value", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))])
def test_values_are_data_on_the_endpoint(endpoint, tmp_path, value):
    echo = tmp_path / "echo.rq"
    echo.write_text(
        "# param: text string (required) — anything\nSELECT ?text WHERE { } ORDER BY ?text\n",
        encoding="utf-8",
    )
    assert run(echo, {"text": value}, endpoint=endpoint) == [{"text": value}]
    assert run("legal-acts", {"type": value}, endpoint=endpoint) == []


def test_service_is_refused_before_reaching_the_endpoint(endpoint, tmp_path):
    query = tmp_path / "service.rq"
    query.write_text(
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } ORDER BY ?s\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="SERVICE"):
        run(query, endpoint=endpoint)


# --- failures of the remote side are clear usage errors (exit 2) -------------------------------


def test_unreachable_endpoint(capsys):
    url = f"http://127.0.0.1:{free_port()}/query"
    assert cli.main(["query", "topics", "--endpoint", url, "--timeout", "5"]) == 2
    assert "cannot reach the endpoint" in capsys.readouterr().err


def test_http_status_with_the_servers_message(endpoint, capsys):
    wrong = endpoint.rsplit("/", 1)[0] + "/no-such-service"
    assert cli.main(["query", "topics", "--endpoint", wrong]) == 2
    err = capsys.readouterr().err
    assert "HTTP 404" in err


def test_timeout(capsys):
    """A server that accepts the connection and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []
        thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
        thread.start()
        started = time.monotonic()
        code = cli.main(["query", "topics", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "1"])
        elapsed = time.monotonic() - started
        for conn in accepted:
            conn.close()
    assert code == 2
    assert "timed out" in capsys.readouterr().err
    assert elapsed < 10


# --- the same endpoint through httpx (RemoteStore) and through SPARQLWrapper (the adapter) --------


def _stores(endpoint):
    from SPARQLWrapper import SPARQLWrapper

    from mgraph.core.store import RemoteStore, SPARQLWrapperStore

    return [RemoteStore(endpoint, 30), SPARQLWrapperStore(SPARQLWrapper(endpoint), 30)]


@pytest.mark.parametrize("form", ["select", "ask", "construct"])
def test_httpx_and_sparqlwrapper_give_the_local_answer(endpoint, form):
    query = {
        "select": "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label",
        "ask": "ASK { ?s a mg:Convention }",
        "construct": "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a mg:Convention ; rdfs:label ?l }",
    }[form]
    embedded = local().query(query)
    answers = [store.query(query) for store in _stores(endpoint)]
    assert answers[0] == answers[1] == embedded
    assert embedded  # a non-empty answer (True for ASK)


def test_sparqlwrapper_adapter_reports_http_errors(endpoint):
    from SPARQLWrapper import SPARQLWrapper

    from mgraph.core.store import SPARQLWrapperStore

    wrong = endpoint.rsplit("/", 1)[0] + "/no-such-service"
    with pytest.raises(InputError, match="HTTP 404"):
        run("topics", store=SPARQLWrapperStore(SPARQLWrapper(wrong)))
    assert run("topics", store=SPARQLWrapperStore(SPARQLWrapper(endpoint))) == run("topics", store=local())
