"""`mgraph push` stopped at every stage (SIGKILL, SIGTERM, Ctrl-C) against a real Oxigraph server.

The push runs as a child process (the real CLI) and talks to the store through a real proxy on
127.0.0.1 (tests/servers.py ``FaultyProxy``) that holds one request: the stage. Either the request
never reaches the store (``held``: the proxy then drops it) or the store has applied it and the
answer is held (``applied``). The child is signalled while it waits. Then:

- the target graph holds exactly the previous release or exactly the new one;
- every sentence the push printed about the store is true (each kind of claim is checked against
  the store: "was removed", "is unchanged", "holds N triples", "applied");
- the next push (or ``mgraph push --clean``) removes any staging graph left, says so, and leaves
  none.

Every way of pushing is stopped: through a staging graph and one swap (``--replace`` onto a
target that holds a different release), by difference (``--replace`` onto a target that differs
by one triple: two small staging graphs, one update), and in one Graph Store request (the target
empty).
The child is given the store's root URL, so endpoint discovery runs at every stage too.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from servers import VIRTUOSO_USER, FaultyProxy, Oxigraph, count, graphs, running

from mgraph import cli
from mgraph.core.user_files import parse_user_file
from mgraph.publish.push import DEFAULT_GRAPH, STAGING_PREFIX, push

V1 = """\
@prefix ex: <https://example.org/> .
ex:a ex:p "one" , "two"@en , 3 , 4.5 .
ex:b ex:q ex:a .
"""
V2 = "".join(f'<https://example.org/n{i}> <https://example.org/p> "{i}" .\n' for i in range(5))

# The child: the real CLI, with chunks of 2 triples (3 chunks for V2), Ctrl-C raising
# KeyboardInterrupt even if the parent ignores SIGINT.
CHILD = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
import mgraph.publish.push
mgraph.publish.push.GSP_CHUNK = 2
from mgraph import cli
sys.exit(cli.main(sys.argv[1:]))
"""

# (stage, method, path, n: the how-many-th request of this method and path, writes to the store)
PROBES = [
    ("ask", "POST", "/query", 0, False),  # discovery: is /query a query endpoint?
    ("store-probe", "POST", "/store", 0, True),  # empty POST into the staging graph
    ("update-probe", "POST", "/update", 0, True),  # DROP SILENT of the staging graph
    ("count-before", "POST", "/query", 1, False),
    ("list-staging", "POST", "/query", 2, False),  # staging graphs left by earlier pushes
]
STAGES = {
    "staging": [
        *PROBES,
        ("second-chunk", "POST", "/store", 2, True),
        ("count-staging", "POST", "/query", 3, False),
        ("swap", "POST", "/update", 1, True),
        ("count-after", "POST", "/query", 4, False),
    ],
    # Replacing V1 by V1 with one triple changed: one to add, one to remove, one update.
    "difference": [
        ("read-target", "GET", "/store", 0, False),
        ("removals-chunk", "POST", "/store", 2, True),
        ("swap", "POST", "/update", 1, True),
        ("count-after", "POST", "/query", 5, False),
    ],
    "one-request": [
        *PROBES,
        ("the-request", "POST", "/store", 1, True),
        ("count-after", "POST", "/query", 3, False),
    ],
}
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT}


def cases():
    for way, stages in STAGES.items():
        for stage, method, path, n, writes in stages:
            for sig in SIGNALS:
                for applied in [False, True] if writes else [False]:
                    held = "applied" if applied else "held"
                    yield pytest.param(way, method, path, n, sig, applied, id=f"{way}-{stage}-{held}-{sig}")


def content(query_endpoint: str, graph: str = DEFAULT_GRAPH) -> set:
    import urllib.parse
    import urllib.request

    from rdflib import Graph

    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        f"{query_endpoint}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": "text/turtle"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return set(Graph().parse(data=response.read(), format="turtle"))


def staging_left(query_endpoint: str) -> set[str]:
    return {g for g in graphs(query_endpoint) if g.startswith(STAGING_PREFIX)}


def check_claims(text: str, server, now: set, old: set, new: set, graph: str = DEFAULT_GRAPH) -> int:
    """Check every sentence of ``text`` that says what the store holds; how many were checked."""
    checked = 0
    target = re.escape(f"<{graph}>")
    for iri in re.findall(r"<(urn:mgraph:staging:[^>]+)> was removed", text):
        assert count(server.query, iri) == 0, f"said removed, but <{iri}> holds triples:\n{text}"
        checked += 1
    for _ in re.findall(f"{target} is unchanged", text):
        assert now == old, f"said unchanged, but the target changed:\n{text}"
        checked += 1
    for n in re.findall(f"{target} (?:still )?holds (?:its )?(?:the )?(\\d+) triples", text):
        assert len(now) == int(n), f"said {n} triples, the target holds {len(now)}:\n{text}"
        checked += 1
    for _ in re.findall(r"the store applied the request|The swap was applied|accepted the graph into", text):
        assert now == new, f"said applied, but the target holds the old release:\n{text}"
        checked += 1
    for iri, n in re.findall(r"staging graph <(urn:mgraph:staging:[^>]+)> holds (\d+)", text):
        assert count(server.query, iri) == int(n), text
        checked += 1
    return checked


@pytest.mark.parametrize(("way", "method", "path", "n", "sig", "applied"), list(cases()))
def test_push_stopped_at_every_stage(tmp_path, way, method, path, n, sig, applied, capsys):
    v1, v2 = tmp_path / "v1.ttl", tmp_path / "v2.nt"
    v1.write_text(V1, encoding="utf-8")
    v2.write_text(V2, encoding="utf-8")
    if way == "difference":
        v2 = tmp_path / "v2.ttl"
        v2.write_text(V1.replace('"one"', '"uno"'), encoding="utf-8")
    old = set(parse_user_file(v1)) if way != "one-request" else set()
    new = set(parse_user_file(v2))
    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        if way != "one-request":
            push(server.query, [v1])
        arrived, release = threading.Event(), threading.Event()
        key = (method, path, n)

        def fault(m: str, p: str, k: int) -> str | None:
            if (m, p, k) == key and not applied:
                arrived.set()
                release.wait(60)
                return "drop"  # it never reaches the store
            return None

        def after(m: str, p: str, k: int) -> None:
            if (m, p, k) == key and applied:
                arrived.set()  # the store has applied it; the answer is held
                release.wait(60)

        with FaultyProxy(server.base, fault, after, forward_server=True) as proxy:
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, "push", "--endpoint", proxy.base, "--replace", str(v2)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                reached = arrived.wait(60)
                if reached:
                    child.send_signal(SIGNALS[sig])
                out, err = child.communicate(timeout=120)
            finally:
                release.set()
                if child.poll() is None:
                    child.kill()
                    child.wait()
            assert reached, f"the push never reached the stage:\n{out}\n{err}"
        text = out + err
        assert child.returncode == (-signal.SIGKILL if sig == "SIGKILL" else 130), text
        now = content(server.query)
        assert now in (old, new), "the target holds neither release"
        checked = check_claims(text, server, now, old, new)
        if sig != "SIGKILL":
            assert checked, f"the push said nothing about what the store holds:\n{text}"
            assert "Traceback" not in text
            if (way, path, n) == ("one-request", "/store", 1):  # the way is the one meant
                assert "sending the graph in one request" in text, text
            if (way, path, n) == ("staging", "/store", 2):
                assert "while loading the staging graph" in text, text

        # The next push (or --clean) removes what is left, and says so.
        left = staging_left(server.query)
        capsys.readouterr()
        if sig == "SIGTERM":
            assert cli.main(["push", "--clean", "--endpoint", server.base]) == 0
        else:
            assert cli.main(["push", "--endpoint", server.base, "--replace", str(v2)]) == 0
        said = capsys.readouterr()
        for iri in left:
            assert f"removed the staging graph <{iri}>" in said.err
        assert staging_left(server.query) == set()
        if sig != "SIGTERM":
            assert content(server.query) == new
        if sig == "SIGTERM":
            assert f"removed {len(left)} staging graph(s)" in said.out


def test_clean_keeps_a_running_push_and_removes_a_dead_one(tmp_path, capsys):
    """--clean removes the staging graph of a killed push, not one whose push still runs."""
    v2 = tmp_path / "v2.nt"
    v2.write_text(V2, encoding="utf-8")
    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        arrived, release = threading.Event(), threading.Event()

        def hold(m: str, p: str, k: int) -> None:
            if (m, p, k) == ("POST", "/store", 2):  # the second chunk: the staging graph holds one
                arrived.set()
                release.wait(60)

        pushes = []
        # A proxy that does not name the store: the pushes take the staging way, as on Virtuoso.
        with FaultyProxy(server.base, lambda m, p, k: None, hold) as proxy:
            for _ in range(2):
                arrived.clear()
                child = subprocess.Popen(
                    [sys.executable, "-c", CHILD, "push", "--endpoint", f"{proxy.base}/update", str(v2)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                pushes.append(child)
                assert arrived.wait(60)
                proxy.counts.clear()  # the second push is held at its second chunk too
            dead, alive = pushes
            dead.kill()
            dead.wait()
            both = staging_left(server.query)
            assert len(both) == 2
            capsys.readouterr()
            assert cli.main(["push", "--clean", "--endpoint", server.base]) == 0
            said = capsys.readouterr()
            release.set()
            alive.communicate(timeout=60)
        assert alive.returncode == 0
        assert "removed 1 staging graph(s)" in said.out
        assert "is still running" in said.err
        assert staging_left(server.query) == set()
        assert content(server.query) == set(parse_user_file(v2))


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("", id="root"),
        pytest.param("/", id="root-slash"),
        pytest.param("/query", id="query"),
        pytest.param("/update", id="update"),
        pytest.param("/store", id="store"),
    ],
)
def test_endpoints_found_from_any_url_of_oxigraph(tmp_path, capsys, path):
    v2 = tmp_path / "v2.nt"
    v2.write_text(V2, encoding="utf-8")
    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        assert cli.main(["push", "--endpoint", server.base + path, str(v2)]) == 0
        said = capsys.readouterr()
        assert f"query {server.query}, update {server.update}, graph store {server.store}" in said.err, (
            said.err
        )
        assert "Oxigraph" in said.err
        assert "in one request" in said.out
        assert count(server.query, DEFAULT_GRAPH) == 5


def test_not_a_store_is_said_clearly(tmp_path, capsys):
    """A server that answers no SPARQL: exit 1, the URLs tried named, nothing claimed."""
    with FaultyProxy("http://127.0.0.1:9", lambda m, p, k: (404, {})) as proxy:
        v2 = tmp_path / "v2.nt"
        v2.write_text(V2, encoding="utf-8")
        assert cli.main(["push", "--endpoint", proxy.base, str(v2)]) == 1
    err = capsys.readouterr().err
    assert "no SPARQL query endpoint answered" in err and f"{proxy.base}/query" in err
    assert "Nothing was loaded" in err


def test_a_full_disk_leaves_the_target(tmp_path, capsys):
    """The store fails the one request (507 Insufficient Storage): the target is unchanged."""
    v2 = tmp_path / "v2.nt"
    v2.write_text(V2, encoding="utf-8")
    with running(Oxigraph(tmp_path / "oxigraph")) as server:

        def fault(m: str, p: str, k: int):
            return (507, {}) if (m, p, k) == ("POST", "/store", 1) else None

        with FaultyProxy(server.base, fault, forward_server=True) as proxy:
            assert cli.main(["push", "--endpoint", proxy.base, str(v2)]) == 1
        err = capsys.readouterr().err
        assert "HTTP 507" in err
        assert f"<{DEFAULT_GRAPH}> is unchanged (it holds the 0 triples" in err
        assert count(server.query, DEFAULT_GRAPH) == 0
        assert staging_left(server.query) == set()


def test_a_dropped_connection_during_the_swap_is_reported_truly(tmp_path, capsys):
    """The connection drops after the store applied the swap: the push counts and says so."""
    v1, v2 = tmp_path / "v1.ttl", tmp_path / "v2.nt"
    v1.write_text(V1, encoding="utf-8")
    v2.write_text(V2, encoding="utf-8")
    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        push(server.query, [v1])
        with FaultyProxy(
            server.base,
            lambda m, p, k: "drop" if (m, p, k) == ("POST", "/update", 1) else None,
            forward_server=True,
        ) as proxy:
            assert cli.main(["push", "--endpoint", proxy.base, "--replace", str(v2)]) == 1
        err = capsys.readouterr().err
        now = content(server.query)
        assert now == set(parse_user_file(v1))  # dropped before reaching the store
        assert check_claims(err, server, now, now, set(parse_user_file(v2)))
        # the staging graph stays (a swap in flight would need it) until the next push
        assert cli.main(["push", "--endpoint", server.base, "--replace", str(v2)]) == 0
        assert "removed the staging graph" in capsys.readouterr().err
        assert staging_left(server.query) == set()


def test_cli_refuses_clean_with_files(tmp_path, capsys):
    v2 = tmp_path / "v2.nt"
    v2.write_text(V2, encoding="utf-8")
    assert cli.main(["push", "--clean", "--endpoint", "http://127.0.0.1:9", str(v2)]) == 2
    assert "--clean only removes staging graphs" in capsys.readouterr().err


def test_staging_names_are_recognisable():
    from mgraph.publish.push import _why_kept, staging_iri

    iri = staging_iri()
    assert re.fullmatch(r"urn:mgraph:staging:\d{8}T\d{6}Z-\d+-[0-9a-f]{8}-[0-9a-f]{8}", iri)
    assert _why_kept(iri, everything=False) is None  # this process, not pushing into it
    dead = iri.replace(f"-{Path('/proc/self').resolve().name}-", "-999999999-")
    assert _why_kept(dead, everything=False) is None


def test_replace_by_difference_writes_only_what_differs(tmp_path, capsys):
    v1, v2 = tmp_path / "v1.ttl", tmp_path / "v2.ttl"
    v1.write_text(V1, encoding="utf-8")
    v2.write_text(V1.replace('"one"', '"uno"'), encoding="utf-8")
    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        push(server.query, [v1])
        result = push(server.query, [v2], replace=True)
        assert result.method == "difference (+1 -1) in one update"
        assert (result.before, result.after) == (5, 5)
        assert content(server.query) == set(parse_user_file(v2))
        same = push(server.query, [v2], replace=True)
        assert same.method == "difference (+0 -0) in one update"
        assert staging_left(server.query) == set()
        other = tmp_path / "v3.nt"
        other.write_text(V2, encoding="utf-8")
        assert push(server.query, [other], replace=True).method == "graph store protocol"  # all differs: MOVE
        assert content(server.query) == set(parse_user_file(other))


@pytest.mark.parametrize("way", ["one-request", "staging"])
def test_ctrl_c_in_the_middle_of_a_body_leaves_nothing(tmp_path, way, monkeypatch):
    """Ctrl-C while the graph is streaming (the store has part of a request): nothing changes,
    and the message says so, as the store counts it."""
    big = tmp_path / "big.nt"
    big.write_text(
        "".join(f'<https://example.org/n{i}> <https://example.org/p> "{i}" .\n' for i in range(5_000)),
        encoding="utf-8",
    )

    import mgraph.publish.push

    monkeypatch.setattr(mgraph.publish.push, "GSP_CHUNK", 1_000)  # five parts: cut after the first
    monkeypatch.setattr(mgraph.publish.push, "STREAM_PIECE", 16_384)

    def interrupt(sent: int, total: int) -> None:
        raise KeyboardInterrupt

    with running(Oxigraph(tmp_path / "oxigraph")) as server:
        from mgraph.publish.push import PushInterrupted

        with pytest.raises(PushInterrupted) as stopped:
            push(server.query, [big], progress=interrupt, staging=way == "staging")
        message = str(stopped.value)
        assert count(server.query, DEFAULT_GRAPH) == 0
        assert f"<{DEFAULT_GRAPH}> is unchanged (it holds the 0 triples" in message
        if way == "staging":
            assert "was removed (checked" in message
        else:
            assert "no staging graph was used" in message
        assert staging_left(server.query) == set()


# Virtuoso: the stages of the staging way that write or decide, recognised by the request body
# (HTTP Digest sends each request twice, so counting requests would not name a stage).
VIRTUOSO_STAGES = {
    "first-chunk": lambda p, body: p.endswith("/sparql-graph-crud-auth") and body.count(b"\n") >= 1,
    "count-staging": lambda p, body: (
        p == "/sparql" and b"COUNT" in body and b"urn%3Amgraph%3Astaging" in body
    ),
    "swap": lambda p, body: p == "/sparql-auth" and b"MOVE" in body,
}


def virtuoso_cases():
    for stage in VIRTUOSO_STAGES:
        for sig in SIGNALS:
            for applied in [False, True] if stage != "count-staging" else [False]:
                held = "applied" if applied else "held"
                yield pytest.param(stage, sig, applied, id=f"{stage}-{held}-{sig}")


@pytest.mark.parametrize(("stage", "sig", "applied"), list(virtuoso_cases()))
def test_push_into_virtuoso_stopped_at_every_stage(virtuoso, tmp_path, stage, sig, applied, capsys):
    """The staging graph and MOVE on Virtuoso (HTTP Digest), stopped while loading the staging
    graph, while counting it, and during the swap."""
    import os
    import time

    v1, v2 = tmp_path / "v1.ttl", tmp_path / "v2.nt"
    v1.write_text(V1, encoding="utf-8")
    v2.write_text(V2, encoding="utf-8")
    graph = f"https://example.org/kill-{time.monotonic_ns()}"
    old, new = set(parse_user_file(v1)), set(parse_user_file(v2))
    push(virtuoso.query, [v1], graph=graph, auth=VIRTUOSO_USER)
    arrived, release = threading.Event(), threading.Event()
    wanted = VIRTUOSO_STAGES[stage]

    def authorised(headers: dict) -> bool:  # Digest: the first try of a request is refused
        return stage == "count-staging" or "Authorization" in headers

    def fault(m: str, p: str, k: int, headers: dict, body: bytes):
        if not applied and not arrived.is_set() and wanted(p, body) and authorised(headers):
            arrived.set()
            release.wait(60)
            return "drop"
        return None

    def after(m: str, p: str, k: int, headers: dict, body: bytes, status: int) -> None:
        if applied and not arrived.is_set() and wanted(p, body) and status < 300:
            arrived.set()
            release.wait(60)

    env = {**os.environ, "MGRAPH_KILL_AUTH": ":".join(VIRTUOSO_USER)}
    with FaultyProxy(virtuoso.base, fault, after, forward_server=True) as proxy:
        args = ["push", "--endpoint", f"{proxy.base}/sparql", "--auth-env", "MGRAPH_KILL_AUTH"]
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, *args, "--graph", graph, "--replace", str(v2)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            reached = arrived.wait(90)
            if reached:
                child.send_signal(SIGNALS[sig])
            out, err = child.communicate(timeout=180)
        finally:
            release.set()
            if child.poll() is None:
                child.kill()
                child.wait()
        assert reached, f"the push never reached the stage:\n{out}\n{err}"
    text = out + err
    try:
        assert child.returncode == (-signal.SIGKILL if sig == "SIGKILL" else 130), text
        now = content(virtuoso.query, graph)
        assert now in (old, new), "the target holds neither release"
        checked = check_claims(text, virtuoso, now, old, new, graph)
        if sig != "SIGKILL":
            assert checked, f"the push said nothing about what the store holds:\n{text}"
            assert "Traceback" not in text
        left = {g for g in graphs(virtuoso.query) if g.startswith(STAGING_PREFIX)}
        capsys.readouterr()
        os.environ["MGRAPH_KILL_AUTH"] = ":".join(VIRTUOSO_USER)
        assert (
            cli.main(
                [*args[:1], "--endpoint", virtuoso.query, *args[3:], "--graph", graph, "--replace", str(v2)]
            )
            == 0
        )
        said = capsys.readouterr()
        for iri in left:
            assert f"removed the staging graph <{iri}>" in said.err
        assert {g for g in graphs(virtuoso.query) if g.startswith(STAGING_PREFIX)} == set()
        assert content(virtuoso.query, graph) == new
    finally:
        os.environ.pop("MGRAPH_KILL_AUTH", None)
        from mgraph.publish.push import clean

        clean(virtuoso.query, VIRTUOSO_USER)
        import httpx

        httpx.post(
            virtuoso.update,
            data={"update": f"DROP SILENT GRAPH <{graph}>"},
            auth=httpx.DigestAuth(*VIRTUOSO_USER),
            timeout=30,
        )
