"""`mgraph push` into a real Oxigraph server and a real Virtuoso (tests/servers.py).

After a push, every library query gives through ``--endpoint`` the rows it gives locally on the
same graph (Virtuoso's known differences are listed, with why, in KNOWN_VIRTUOSO_DIFFERENCES).
A push that fails anywhere (the server killed mid-way, a 500 at the Nth chunk, a count that does
not match) leaves the target graph as it was; a second push changes nothing; 429/503 with
Retry-After are retried; credentials never reach the output.
"""

from __future__ import annotations

import shlex
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from servers import VIRTUOSO_USER, FaultyProxy, Oxigraph, count, graphs, running

from mgraph import cli
from mgraph.core import locations
from mgraph.core.errors import InputError
from mgraph.core.store import from_file
from mgraph.core.user_files import parse_user_file
from mgraph.publish.push import DEFAULT_GRAPH, STAGING_PREFIX, PushError, derive_endpoints, push, redact
from mgraph.queries.library import library
from mgraph.queries.query import run

SMALL = """\
@prefix ex: <https://example.org/> .
ex:a ex:p "one" , "two"@en , 3 , 4.5 , "2020-01-02"^^<http://www.w3.org/2001/XMLSchema#date> .
ex:b ex:q ex:a .
"""
OTHER = """\
@prefix ex: <https://example.org/> .
ex:c ex:p "three" .
"""
SECRET = "s3cr3t-Pa55word"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def content(query_endpoint: str, graph: str = DEFAULT_GRAPH) -> Graph:
    """The triples of ``graph`` in the store, read back with a CONSTRUCT."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        f"{query_endpoint}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": "text/turtle"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return Graph().parse(data=response.read(), format="turtle")


def parsed(path: Path) -> Graph:
    """The file as mgraph reads it (pyoxigraph's parser: literals such as 4.50 made canonical)."""
    return parse_user_file(path)


def staging_graphs(query_endpoint: str) -> set[str]:
    return {g for g in graphs(query_endpoint) if g.startswith(STAGING_PREFIX) or "#staging-" in g}


@pytest.fixture
def ox_server(tmp_path):
    """A fresh Oxigraph server per test (it starts in a fraction of a second)."""
    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        yield server


@pytest.fixture
def vt_graph(virtuoso):
    """A graph IRI of its own in the shared Virtuoso, dropped afterwards."""
    iri = f"https://example.org/test-{time.monotonic_ns()}"
    yield iri
    push_drop(virtuoso, iri)


def push_drop(server, iri: str) -> None:
    body = urllib.parse.urlencode({"update": f"DROP SILENT GRAPH <{iri}>"}).encode()
    import httpx

    httpx.post(
        server.update,
        content=body,
        auth=httpx.DigestAuth(*VIRTUOSO_USER),
        timeout=30,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).raise_for_status()


# --- every library query: the same rows through the endpoint as locally ------------------------

# Where Virtuoso 7.2.5 (Debian's virtuoso-opensource) answers a library query differently from
# Oxigraph and rdflib, and why. Each is a Virtuoso bug, not a difference of values: datatypes,
# decimals, language tags and the order of ties all came back equal on every other query, so
# nothing is ours to normalise in mgraph/core/terms.py. Oxigraph server agrees on every case.
# (query, graph: "fixture"/"curated"/None for both, the parameter whose binding triggers it or
# None, strict, reason). Strict (True) cases must still differ, or the test asks to update the
# list; the others (False) vary from run to run on the same data, so they may agree; None: not run.
KNOWN_VIRTUOSO_DIFFERENCES: list[tuple[str, str | None, str | None, bool | None, str]] = [
    # COALESCE(CONCAT(STR(?date), SUBSTR("-01-01", STRLEN(STR(?date)) - 3)), "9999") with ?date
    # unbound (a deposit without a date: the curated graph has some, the fixture none): SPARQL
    # makes the inner error unbound and COALESCE picks "9999"; Virtuoso fails the whole query
    # with "SR008: Function rdf_substr_impl needs an integer as argument 2, not an arg of type
    # DB_NULL" (HTTP 500).
    (
        "signatories-not-ratified",
        "curated",
        None,
        True,
        "Virtuoso SR008: SUBSTR of an unbound length inside COALESCE",
    ),
    # The same SR008 in the queries that pad partial dates to a day the same way
    # (reported-party-counts, status-as-of), where a date is unbound on the curated graph.
    (
        "reported-party-counts",
        "curated",
        None,
        True,
        "Virtuoso SR008: SUBSTR of an unbound length inside COALESCE",
    ),
    # status-as-of was rewritten since (issue 20: every SUBSTR length is now bound) and still
    # differs on Virtuoso; the cause was not looked at again.
    ("status-as-of", "curated", None, True, "Virtuoso SR008: SUBSTR of an unbound length inside COALESCE"),
    # The queries of issue 19 met three more of Virtuoso 7.2's own errors on valid SPARQL 1.1
    # (checked 2026-12-07 against Virtuoso 07.20.3229; Oxigraph and rdflib agree on each).
    # (amendments-in-force, "SQ200: Aggregate function not allowed in context", agrees since its
    # latest-report test became an OPTIONAL instead of a NOT EXISTS, issue 20.)
    # source-before-fact-violation: "SP031: SPARQL compiler: Internal error: sparp_gp_deprecate():
    # equiv replaces filter but under deprecation" (HTTP 400);
    (
        "source-before-fact-violation",
        "curated",
        None,
        True,
        "Virtuoso SP031: internal error of its SPARQL compiler",
    ),
    # post-holders-on-date: the SR008 above, SUBSTR with an unbound length (argument 3).
    (
        "post-holders-on-date",
        "curated",
        None,
        True,
        "Virtuoso SR008: SUBSTR of an unbound length",
    ),
    # (On tests/queries/fixture.ttl, legal-acts with party=bra and type=entry-into-force also
    # fails on Virtuoso: the bound VALUES (?party ?type) block beside the query's own VALUES
    # (?class ?type) gives "SP031: Internal error: ssg_print_rvr_fixed_val(): no
    # SPART_VARR_FIXED" (HTTP 400); on the curated graph the same query runs and agrees.)
    # { ?entity ?relation ?other } UNION { ?other ?relation ?entity } FILTER (... !STRSTARTS(
    # STR(?other), ".../id/claim/") ...): Virtuoso returns the incoming rdf:subject links from
    # claims, rows the FILTER excludes (29 rows expected for cop-5, Virtuoso gives 32).
    ("entity-links", None, None, True, "Virtuoso leaves a FILTER over a UNION unapplied"),
    # SELECT DISTINCT with a UNION of a property path inside OPTIONAL: Virtuoso repeats rows
    # (bc-cop-16 twice), 19 or 23 rows for the 18 expected, varying from run to run, and takes
    # about 25 s where Oxigraph takes milliseconds: not run (None), to keep the tests fast.
    ("cop-timeline", "curated", None, None, "Virtuoso repeats rows despite DISTINCT (19 or 23 of 18)"),
    # MIN over strings in a sub-select filtered by bound parameters: once in several runs
    # Virtuoso returned 25 of the 50 rows, on the same data (plan chosen by sampling).
    ("parties-in-period", "curated", "from", False, "Virtuoso lost rows once in several runs"),
]


def known_difference(graph: str, name: str, params: dict) -> tuple[bool | None, str] | None:
    """(strict, reason) of a listed difference; strict None: not run."""
    for query, where, trigger, strict, reason in KNOWN_VIRTUOSO_DIFFERENCES:
        if query == name and where in (None, graph) and (trigger is None or trigger in params):
            return strict, reason
    return None


def example_params(query) -> dict[str, str]:
    """The parameters of the query's first documented example."""
    words = shlex.split(query.examples[0]) if query.examples else []
    return dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")


def curated_cases() -> list[tuple[str, dict]]:
    out = []
    for name, query in library().items():
        if not any(p.required for p in query.params):
            out.append((name, {}))
        if example_params(query):
            out.append((name, example_params(query)))
    return out


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """The curated graph (data/) as an N-Triples file, and as a local store."""
    from mgraph.core.loader import load

    graph = load().graph
    file = tmp_path_factory.mktemp("curated") / "mercury.nt"
    file.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    return file, from_file(file, "oxigraph")


@pytest.fixture(scope="module")
def pushed_oxigraph(tmp_path_factory, curated):
    file, local = curated
    with running(Oxigraph(tmp_path_factory.mktemp("oxigraph-curated"))) as server:
        assert cli.main(["push", "--endpoint", server.query, str(file)]) == 0
        yield server.query, local


@pytest.fixture(scope="module")
def pushed_virtuoso(virtuoso, curated, monkeypatch_module):
    """The curated graph in the session's Virtuoso (other tests' graphs are dropped after each)."""
    file, local = curated
    monkeypatch_module.setenv("MGRAPH_TEST_AUTH", ":".join(VIRTUOSO_USER))
    assert cli.main(["push", "--endpoint", virtuoso.query, "--auth-env", "MGRAPH_TEST_AUTH", str(file)]) == 0
    yield virtuoso.query, local
    push_drop(virtuoso, DEFAULT_GRAPH)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def differing_cases(endpoint: str, local) -> dict[str, str]:
    """Every curated case whose rows through ``endpoint`` differ from the local rows: id -> how."""
    out = {}
    for name, params in curated_cases():
        ident = f"{name} {params}"
        known = known_difference("curated", name, params)
        if known and known[0] is None:
            continue  # listed as not run
        expected = run(name, params, store=local)
        try:
            remote = run(name, params, endpoint=endpoint, timeout=60)
        except InputError as exc:
            out[ident] = f"error: {str(exc)[:200]}"
            continue
        if remote.columns != expected.columns or remote != expected:
            out[ident] = f"{len(remote)} rows, expected {len(expected)}"
    return out


def test_every_library_query_gives_the_local_rows_on_oxigraph(pushed_oxigraph):
    """One test over every case (not one per case), so each store's setup runs once."""
    assert differing_cases(*pushed_oxigraph) == {}


def test_every_library_query_gives_the_local_rows_on_virtuoso(pushed_virtuoso):
    differing = differing_cases(*pushed_virtuoso)
    strict = {
        f"{name} {params}"
        for name, params in curated_cases()
        if (known := known_difference("curated", name, params)) and known[0]
    }
    varying = {
        f"{name} {params}"
        for name, params in curated_cases()
        if (known := known_difference("curated", name, params)) and known[0] is False
    }
    assert strict <= set(differing), "a listed Virtuoso difference is gone: update the list"
    assert set(differing) - strict - varying == set(), differing


@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize(
    ("query", "fmt"),
    [
        pytest.param(["legal-acts", "--param", "party=bra"], "csv", id="legal-acts-csv"),
        # grant amounts: xsd:decimal here, xsd:integer once in Virtuoso; the same text either way
        pytest.param(["projects-by-funder", "--param", "funder=gef"], "json", id="grants-json"),
        pytest.param(["projects-by-funder", "--param", "funder=gef"], "csv", id="grants-csv"),
    ],
)
def test_cli_query_after_push_prints_the_local_output(request, store, query, fmt, capsys):
    endpoint, _ = request.getfixturevalue(f"pushed_{store}")
    file, _ = request.getfixturevalue("curated")
    capsys.readouterr()  # the fixtures' own output, when they were set up just now
    args = ["query", *query, "--format", fmt]
    assert cli.main([*args, "--endpoint", endpoint]) == 0
    remote = capsys.readouterr().out
    assert cli.main([*args, "--graph", str(file)]) == 0
    assert remote == capsys.readouterr().out
    assert remote.count("\n") > 3


def test_pushed_content_is_the_file_on_both_stores(pushed_oxigraph, pushed_virtuoso, curated):
    expected = set(parsed(curated[0]))  # no blank nodes: equal sets of triples
    assert set(content(pushed_oxigraph[0])) == expected
    # Virtuoso stores an xsd:decimal with an integral value as xsd:integer ("45262295.00" comes
    # back as "45262295"^^xsd:integer): equal as numbers, and equal as plain values in query
    # rows (mgraph.core.terms.literal_value), but a different RDF term. The only difference.
    assert {integral_decimal_as_integer(t) for t in content(pushed_virtuoso[0])} == {
        integral_decimal_as_integer(t) for t in expected
    }
    assert any(integral_decimal_as_integer(t) != t for t in expected)  # the case is there


def integral_decimal_as_integer(triple):
    from decimal import Decimal

    from rdflib import Literal
    from rdflib.namespace import XSD

    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == XSD.decimal and Decimal(str(o)) == int(Decimal(str(o))):
        return s, p, Literal(str(int(Decimal(str(o)))), datatype=XSD.integer)
    return triple


# --- idempotence and --replace -------------------------------------------------------------------


def test_second_push_is_a_no_op_in_content_oxigraph(ox_server, tmp_path, capsys):
    small = write(tmp_path, "small.ttl", SMALL)
    assert cli.main(["push", "--endpoint", ox_server.query, str(small)]) == 0
    first = content(ox_server.query)
    assert "added 6 triples" in capsys.readouterr().out
    assert cli.main(["push", "--endpoint", ox_server.query, str(small)]) == 0
    assert "no change" in capsys.readouterr().out
    assert isomorphic(content(ox_server.query), first)
    assert isomorphic(first, parsed(small))
    assert staging_graphs(ox_server.query) == set()


def test_second_push_is_a_no_op_in_content_virtuoso(virtuoso, vt_graph, tmp_path):
    small = write(tmp_path, "small.ttl", SMALL)
    first = push(virtuoso.query, [small], graph=vt_graph, auth=VIRTUOSO_USER)
    second = push(virtuoso.query, [small], graph=vt_graph, auth=VIRTUOSO_USER)
    assert (first.before, first.after, second.before, second.after) == (0, 6, 6, 6)
    assert isomorphic(content(virtuoso.query, vt_graph), parsed(small))
    assert staging_graphs(virtuoso.query) == set()


def test_replace_leaves_exactly_the_new_graph(ox_server, tmp_path):
    small, other = write(tmp_path, "small.ttl", SMALL), write(tmp_path, "other.ttl", OTHER)
    push(ox_server.query, [small])
    added = push(ox_server.query, [other])
    assert added.after == 7  # without --replace: added to what the graph held
    replaced = push(ox_server.query, [other], replace=True)
    assert (replaced.before, replaced.after) == (7, 1)
    assert isomorphic(content(ox_server.query), parsed(other))


def test_source_is_the_store_mgraph_reads(ox_server, tmp_path):
    """``source=`` takes the OxigraphStore that read_graph and read_trusted_file give."""
    from mgraph.publish.push import read_graph

    small = write(tmp_path, "small.ttl", SMALL)
    result = push(ox_server.query, source=read_graph([small]))
    assert (result.triples, result.after) == (6, 6)
    assert isomorphic(content(ox_server.query), parsed(small))


def test_source_is_not_a_raw_pyoxigraph_store():
    import pyoxigraph as ox

    with pytest.raises(InputError, match="source is an OxigraphStore"):
        push("http://127.0.0.1:9/query", source=ox.Store())


def test_replace_on_virtuoso(virtuoso, vt_graph, tmp_path):
    small, other = write(tmp_path, "small.ttl", SMALL), write(tmp_path, "other.ttl", OTHER)
    push(virtuoso.query, [small], graph=vt_graph, auth=VIRTUOSO_USER)
    result = push(virtuoso.query, [other], graph=vt_graph, auth=VIRTUOSO_USER, replace=True)
    assert (result.before, result.after) == (6, 1)
    assert isomorphic(content(virtuoso.query, vt_graph), parsed(other))


def test_sparql_update_path_when_there_is_no_graph_store(ox_server, tmp_path):
    small = write(tmp_path, "small.ttl", SMALL)
    result = push(ox_server.query, [small], store_endpoint="", chunk_size=2)
    assert result.method == "sparql update"
    assert result.chunks == 3
    assert isomorphic(content(ox_server.query), parsed(small))


def test_blank_nodes_stay_whole_across_chunks(ox_server, tmp_path):
    """Blank node labels are scoped to one request: a blank node's triples go in one chunk."""
    text = "@prefix ex: <https://example.org/> .\n" + "".join(
        f'ex:s{i} ex:p [ ex:q [ ex:r "{i}" ] ] .\n' for i in range(20)
    )
    file = write(tmp_path, "blank.ttl", text)
    result = push(ox_server.query, [file], chunk_size=1)
    assert result.triples == 60
    assert isomorphic(content(ox_server.query), parsed(file))


def test_blank_nodes_are_not_added_twice(ox_server, tmp_path):
    file = write(tmp_path, "blank.ttl", "[] <https://example.org/p> 1 .\n")
    push(ox_server.query, [file])
    with pytest.raises(InputError, match="--replace"):
        push(ox_server.query, [file])
    assert push(ox_server.query, [file], replace=True).after == 1


def test_default_graph_must_see_the_push_or_we_warn(tmp_path, capsys):
    """Oxigraph server without --union-default-graph: the library queries would not see it."""
    small = write(tmp_path, "small.ttl", SMALL)
    with running(Oxigraph(tmp_path / "plain", union=False)) as server:
        assert cli.main(["push", "--endpoint", server.query, str(small)]) == 0
    assert "--union-default-graph" in capsys.readouterr().err


def test_union_store_needs_no_warning(ox_server, tmp_path, capsys):
    assert cli.main(["push", "--endpoint", ox_server.query, str(write(tmp_path, "small.ttl", SMALL))]) == 0
    assert "note:" not in capsys.readouterr().err


# --- failures leave the target as it was ----------------------------------------------------------


def test_server_killed_mid_push_leaves_the_target(tmp_path):
    """SIGKILL the Oxigraph server at the third chunk; after a restart the target holds v1."""
    v1 = write(tmp_path, "v1.ttl", SMALL)
    v2 = tmp_path / "v2.nt"
    v2.write_text(
        "".join(f'<https://example.org/n{i}> <https://example.org/p> "{i}" .\n' for i in range(100)),
        encoding="utf-8",
    )
    server = Oxigraph(tmp_path / "oxigraph")
    with running(server):
        push(server.query, [v1])

        def kill_at_third(sent: int, total: int) -> None:
            if sent == 30:
                server.stop(kill=True)

        with pytest.raises(PushError) as failure:
            push(server.query, [v2], chunk_size=10, progress=kill_at_third, replace=True, timeout=10)
        message = str(failure.value)
        assert "cannot reach the store" in message
        assert f"The graph <{DEFAULT_GRAPH}> is unchanged (it holds the 6 triples" in message
        assert "could not be removed" in message and "DROP SILENT GRAPH" in message
        server.start()
        assert isomorphic(content(server.query), parsed(v1))
        left = staging_graphs(server.query)
        assert len(left) == 1 and next(iter(left)) in message  # named, as the message says


@pytest.mark.parametrize("nth", [1, 3], ids=["first-chunk", "third-chunk"])  # POST 0: the probe
def test_500_at_the_nth_chunk_leaves_the_target_and_removes_staging(ox_server, tmp_path, nth):
    v1 = write(tmp_path, "v1.ttl", SMALL)
    push(ox_server.query, [v1])
    v2 = write(tmp_path, "v2.ttl", OTHER * 1 + SMALL.replace("ex:a", "ex:z"))

    def fault(method, path, n):
        return (500, {}) if method == "POST" and path == "/store" and n == nth else None

    with FaultyProxy(ox_server.base, fault) as proxy:
        with pytest.raises(PushError) as failure:
            push(f"{proxy.base}/query", [v2], chunk_size=2, replace=True)
    message = str(failure.value)
    assert "HTTP 500" in message and "injected failure" in message
    assert "is unchanged (it holds the 6 triples it held before)" in message
    assert "was removed" in message
    assert isomorphic(content(ox_server.query), parsed(v1))
    assert staging_graphs(ox_server.query) == set()


def test_refused_swap_leaves_the_target(ox_server, tmp_path):
    v1 = write(tmp_path, "v1.ttl", SMALL)
    push(ox_server.query, [v1])

    def fault(method, path, n):  # the probe is update 0; the swap is update 1
        return (500, {}) if path == "/update" and n == 1 else None

    with FaultyProxy(ox_server.base, fault) as proxy:
        with pytest.raises(PushError) as failure:
            push(f"{proxy.base}/query", [write(tmp_path, "v2.ttl", OTHER)], replace=True)
    assert "refused the swap: the graph" in str(failure.value)
    assert "is unchanged (6 triples)" in str(failure.value)
    assert isomorphic(content(ox_server.query), parsed(v1))
    assert staging_graphs(ox_server.query) == set()


def test_count_mismatch_fails_before_the_swap(ox_server, tmp_path):
    """A store that drops a chunk (answers 204 without loading it) is caught by the count."""
    push(ox_server.query, [write(tmp_path, "v1.ttl", SMALL)])

    def fault(method, path, n):
        return (204, {}) if method == "POST" and path == "/store" and n == 2 else None  # 0: the probe

    with FaultyProxy(ox_server.base, fault) as proxy:
        with pytest.raises(PushError, match="counts 2 triples in the staging graph, not the 3 sent"):
            push(
                f"{proxy.base}/query",
                [
                    write(
                        tmp_path,
                        "v2.ttl",
                        SMALL.replace(
                            ', "two"@en , 3 , 4.5 , "2020-01-02"^^<http://www.w3.org/2001/XMLSchema#date>',
                            " , 5",
                        ),
                    )
                ],
                chunk_size=2,
                replace=True,
            )
    assert isomorphic(content(ox_server.query), parsed(tmp_path / "v1.ttl"))


# --- retries, timeouts, credentials --------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(ox_server, tmp_path, status):
    def fault(method, path, n):
        wait = {0: "1", 1: "0"}.get(n)  # one second, then at once
        return (status, {"Retry-After": wait}) if method == "POST" and path == "/store" and wait else None

    small = write(tmp_path, "small.ttl", SMALL)
    with FaultyProxy(ox_server.base, fault) as proxy:
        started = time.monotonic()
        result = push(f"{proxy.base}/query", [small])
        elapsed = time.monotonic() - started
    assert result.after == 6
    answered = [s for m, p, s in proxy.seen if p == "/store"]
    # the first POST (the probe that finds the Graph Store endpoint) is retried; then one chunk
    assert answered[:2] == [status, status] and set(answered[2:]) <= {201, 204} and len(answered) == 4
    assert elapsed >= 1  # waited as asked
    assert isomorphic(content(ox_server.query), parsed(small))


def test_retry_after_as_an_http_date():
    from email.utils import formatdate

    from mgraph.publish.push import _retry_after

    assert 1 <= _retry_after(formatdate(time.time() + 3, usegmt=True), 0) <= 3
    assert _retry_after("7", 0) == 7
    assert _retry_after(None, 2) == 4  # no header: 1, 2, 4... s
    assert _retry_after("soon", 0) is None  # unreadable: not retried


def test_basic_auth_when_the_server_asks_for_it(ox_server, tmp_path, capsys):
    """A real loopback server in front of Oxigraph that wants HTTP Basic credentials."""
    import base64

    good = "Basic " + base64.b64encode(f"alice:{SECRET}".encode()).decode()

    def fault(method, path, n, headers):
        if headers.get("Authorization") != good:
            return 401, {"WWW-Authenticate": 'Basic realm="store"'}
        return None

    small = str(write(tmp_path, "small.ttl", SMALL))
    with FaultyProxy(ox_server.base, fault) as proxy:
        assert (
            cli.main(
                ["push", "--endpoint", f"{proxy.base}/query", "--user", "alice", "--password", SECRET, small]
            )
            == 0
        )
        assert (
            cli.main(
                ["push", "--endpoint", f"{proxy.base}/query", "--user", "alice", "--password", "wrong", small]
            )
            == 1
        )
    out = capsys.readouterr()
    assert "added 6 triples" in out.out and "HTTP 401" in out.err
    assert SECRET not in out.out + out.err
    assert count(ox_server.query, DEFAULT_GRAPH) == 6


def test_cli_update_only(ox_server, tmp_path, capsys):
    assert (
        cli.main(
            [
                "push",
                "--endpoint",
                ox_server.query,
                "--store-endpoint",
                "none",
                str(write(tmp_path, "small.ttl", SMALL)),
            ]
        )
        == 0
    )
    assert "by sparql update" in capsys.readouterr().out
    assert count(ox_server.query, DEFAULT_GRAPH) == 6


def test_retries_are_bounded(ox_server, tmp_path):
    def fault(method, path, n):
        return (503, {"Retry-After": "0"}) if path == "/store" else None

    with FaultyProxy(ox_server.base, fault) as proxy:
        with pytest.raises(PushError, match="HTTP 503"):
            push(f"{proxy.base}/query", [write(tmp_path, "small.ttl", SMALL)])
    assert len([1 for m, p, s in proxy.seen if p == "/store"]) == 6  # 1 + MAX_RETRIES
    assert staging_graphs(ox_server.query) == set()


def test_a_retry_after_too_long_is_not_waited(ox_server, tmp_path):
    def fault(method, path, n):
        return (429, {"Retry-After": "3600"}) if path == "/store" else None

    with FaultyProxy(ox_server.base, fault) as proxy:
        started = time.monotonic()
        with pytest.raises(PushError, match="HTTP 429"):
            push(f"{proxy.base}/query", [write(tmp_path, "small.ttl", SMALL)])
    assert time.monotonic() - started < 10


def test_a_silent_server_times_out(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []
        threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
        started = time.monotonic()
        with pytest.raises(PushError, match="timed out"):
            push(f"http://127.0.0.1:{port}/query", [write(tmp_path, "s.ttl", SMALL)], timeout=1)
        assert time.monotonic() - started < 10
        for conn in accepted:
            conn.close()


@pytest.mark.parametrize("how", ["options", "env", "url"])
def test_wrong_password_is_never_shown(virtuoso, tmp_path, capsys, monkeypatch, how):
    small = str(write(tmp_path, "small.ttl", SMALL))
    if how == "options":
        args = ["--endpoint", virtuoso.query, "--user", "dba", "--password", SECRET]
    elif how == "env":
        monkeypatch.setenv("MGRAPH_PUSH_AUTH", f"dba:{SECRET}")
        args = ["--endpoint", virtuoso.query, "--auth-env", "MGRAPH_PUSH_AUTH"]
    else:
        args = ["--endpoint", virtuoso.query.replace("http://", f"http://dba:{SECRET}@")]
    assert cli.main(["push", *args, "--graph", "https://example.org/never", small]) == 1
    out = capsys.readouterr()
    assert "HTTP 401" in out.err and "credentials" in out.err
    assert "Nothing was loaded" in out.err
    assert SECRET not in out.out + out.err
    assert count(virtuoso.query, "https://example.org/never") == 0


def test_right_password_is_not_shown_either(virtuoso, vt_graph, tmp_path, capsys):
    password = VIRTUOSO_USER[1]
    url = virtuoso.query.replace("http://", f"http://dba:{password}@")
    assert (
        cli.main(["push", "--endpoint", url, "--graph", vt_graph, str(write(tmp_path, "small.ttl", SMALL))])
        == 0
    )
    out = capsys.readouterr()
    assert f"dba:{password}@" not in out.out + out.err
    assert count(virtuoso.query, vt_graph) == 6


def test_virtuoso_anonymous_update_is_refused_clearly(virtuoso, tmp_path, capsys):
    """Without credentials the derived endpoints are the anonymous ones, which may not write."""
    assert (
        cli.main(
            [
                "push",
                "--endpoint",
                virtuoso.query,
                "--graph",
                "https://example.org/never",
                str(write(tmp_path, "small.ttl", SMALL)),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "No permission" in err and "Nothing was loaded" in err


# --- input ---------------------------------------------------------------------------------------


def test_no_built_graph_says_to_build(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(locations, "DIST", tmp_path / "dist")
    assert cli.main(["push", "--endpoint", "http://127.0.0.1:9/query"]) == 2
    assert "mgraph build" in capsys.readouterr().err


def test_user_files_are_read_safely(tmp_path, capsys):
    assert cli.main(["push", "--endpoint", "http://127.0.0.1:9/query", "https://example.org/data.ttl"]) == 2
    assert "reads only local files" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--user", "u"], "--user needs --password", id="user-without-password"),
        pytest.param(["--password", SECRET], "--password needs --user", id="password-without-user"),
        pytest.param(["--auth-env", "MGRAPH_NO_SUCH_VARIABLE"], "is not set", id="env-unset"),
        pytest.param(["--graph", "not an iri"], "not an absolute IRI", id="bad-graph"),
        pytest.param(["--timeout", "0"], "timeout", id="bad-timeout"),
    ],
)
def test_bad_options(tmp_path, capsys, args, message):
    small = str(write(tmp_path, "small.ttl", SMALL))
    assert cli.main(["push", "--endpoint", "http://127.0.0.1:9/query", *args, small]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert SECRET not in err


def test_endpoint_is_an_http_url(tmp_path, capsys):
    assert cli.main(["push", "--endpoint", "file:///etc/passwd", str(write(tmp_path, "s.ttl", SMALL))]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("endpoint", "auth", "update", "store"),
    [
        pytest.param(
            "http://h:7878/query", False, "http://h:7878/update", "http://h:7878/store", id="oxigraph"
        ),
        pytest.param("http://h/ds/query", False, "http://h/ds/update", "http://h/ds/store", id="prefixed"),
        pytest.param(
            "http://h:8890/sparql",
            False,
            "http://h:8890/sparql",
            "http://h:8890/sparql-graph-crud",
            id="virtuoso",
        ),
        pytest.param(
            "http://h:8890/sparql",
            True,
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-graph-crud-auth",
            id="virtuoso-auth",
        ),
        pytest.param("http://h/repositories/x", False, "http://h/repositories/x", None, id="other"),
    ],
)
def test_derived_endpoints(endpoint, auth, update, store):
    points = derive_endpoints(endpoint, authenticated=auth)
    assert (points.query, points.update, points.store) == (endpoint, update, store)
    assert points.bulk == store.endswith("/store") if store else not points.bulk  # Oxigraph's loader


def test_bulk_loading_only_on_the_derived_oxigraph_store():
    assert not derive_endpoints("http://h/query", store="http://h/other/store").bulk


def test_redact_removes_credentials():
    assert redact(f"http://dba:{SECRET}@127.0.0.1:8890/sparql") == "http://127.0.0.1:8890/sparql"
    assert redact("http://127.0.0.1/x?y=1") == "http://127.0.0.1/x?y=1"


def test_push_is_in_the_public_api():
    import mgraph

    assert mgraph.push is push
    assert "push" in mgraph.__all__
