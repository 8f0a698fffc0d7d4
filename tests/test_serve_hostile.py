"""``mgraph serve`` against hostile clients: slow and half-open connections, runaway queries, a
client over its budget, and ``--public``; a real server on 127.0.0.1 (issue 20).

Clients are told apart by their source address: the whole of 127.0.0.0/8 is this machine, so
each test speaks from its own 127.0.0.x and spends its own budget. The bounds on time ("within a
second") are the ones the issue asks for, kept generous; everything else is counted, not timed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import socket
import time
from pathlib import Path

import httpx
import pytest
from paths import SERVE_FIXTURES
from serve_support import start

from mgraph.server.fairuse import FairUse, OverBudget
from mgraph.server.jobs import Job
from mgraph.server.pool import WorkerPool

TIMEOUT = 6.0
CLIENT_TIMEOUT = 2.0
CAP = 300
BUDGET = 4.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
NORMAL = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A graph on which RUNAWAY runs for minutes (3,000 triples: 3,000^5 rows to count)."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(3000):
            out.write(f"<urn:s{i}> <urn:p{i % 7}> <urn:o{i % 11}> .\n")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, big):
    served = start(
        tmp_path_factory.mktemp("hostile"),
        str(big),
        "--workers",
        "2",
        "--timeout",
        str(TIMEOUT),
        "--client-timeout",
        str(CLIENT_TIMEOUT),
        "--max-connections",
        str(CAP),
        "--budget",
        str(BUDGET),
    )
    try:
        yield served
    finally:
        served.stop()


def address(server) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def client(source: str, timeout: float = 60) -> httpx.Client:
    """An HTTP client speaking from ``source`` (an address of 127.0.0.0/8): one fair-use client."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=timeout)


def state(server) -> dict:
    return httpx.get(f"{server.url}/ready", timeout=10).json()


def wait_for(server, test, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        current = state(server)
        if test(current) or time.monotonic() > deadline:
            return current
        time.sleep(0.1)


def timed_query(http: httpx.Client, url: str, query: str = NORMAL) -> tuple[int, float]:
    started = time.monotonic()
    response = http.post(url, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return response.status_code, time.monotonic() - started


def test_ready_reports_the_file_limit_and_the_cap(server):
    import resource

    current = state(server)
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY:
        assert current["open_files_limit"] == hard  # the soft limit raised to the hard one
    assert current["max_connections"] == CAP < current["open_files_limit"]
    assert current["client_timeout"] == CLIENT_TIMEOUT


def test_hundreds_of_half_open_connections(server):
    """400 connections (over the cap of 300) that send nothing, half a head, or half a body:
    a normal query still answers within a second, and all of them are closed in the end."""
    host, port = address(server)
    before = state(server)
    held: list[socket.socket] = []
    try:
        for i in range(400):
            sock = socket.create_connection((host, port), timeout=10, source_address=("127.0.0.11", 0))
            if i % 3 == 1:
                sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: applic")
            elif i % 3 == 2:
                sock.sendall(
                    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                    b"Content-Length: 1000\r\n\r\nASK"
                )
            held.append(sock)
        with client("127.0.0.12") as http:
            status, seconds = timed_query(http, server.sparql)
        assert status == 200
        assert seconds < 1.0
        after = wait_for(server, lambda s: s["connections"] <= 2, seconds=CLIENT_TIMEOUT * 4 + 10)
        assert after["connections"] <= 2  # every hostile connection closed (this /ready's own: 1)
        assert after["evicted"] - before["evicted"] >= 400 - CAP
        assert after["closed_slow"] > before["closed_slow"]
        with client("127.0.0.12") as http:
            status, seconds = timed_query(http, server.sparql)
        assert status == 200 and seconds < 1.0
    finally:
        for sock in held:
            sock.close()
    # a half-sent body is answered 408 once its time is up (the connection that did it sees it)
    with socket.create_connection((host, port), timeout=CLIENT_TIMEOUT * 4) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK"
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 408")


def test_two_runaway_queries_leave_a_worker_for_a_normal_one(server):
    killed_before = state(server)["killed"]

    def runaway(source: str) -> tuple[int, float, str]:
        started = time.monotonic()
        with client(source) as http:
            response = http.post(server.sparql, data={"query": RUNAWAY})
        return response.status_code, time.monotonic() - started, response.text

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(runaway, "127.0.0.21")
        time.sleep(0.3)
        second = pool.submit(runaway, "127.0.0.22")
        # both runaways are in: one on a worker, the other on a worker or waiting for one
        wait_for(server, lambda s: s["idle"] == 0 or s["waiting"] >= 1, seconds=10)
        time.sleep(1.5)  # past the short-query worker's allowance
        with client("127.0.0.23") as http:
            answers = [timed_query(http, server.sparql) for _ in range(3)]
        results = [first.result(), second.result()]
    assert all(status == 200 for status, _ in answers), answers
    assert all(seconds < 1.0 for _, seconds in answers), answers
    for status, seconds, text in results:
        assert status == 503 and "timed out" in text.lower()
        assert seconds < TIMEOUT + 3  # from arrival, queue included: not twice the limit
    after = wait_for(server, lambda s: s["idle"] == 2)
    assert after["killed"] >= killed_before + 1
    assert after["workers"] == 2


def test_client_over_budget_gets_429_while_another_is_served(server):
    with client("127.0.0.31") as heavy, client("127.0.0.32") as light:
        first = heavy.post(server.sparql, data={"query": RUNAWAY})  # TIMEOUT seconds > BUDGET
        assert first.status_code == 503
        refused = heavy.post(server.sparql, data={"query": NORMAL})
        served = light.post(server.sparql, data={"query": NORMAL})
        page = heavy.get(f"{server.url}/class")
    assert refused.status_code == 429
    retry = int(refused.headers["retry-after"])
    assert 0 < retry <= 60
    assert "--budget" in refused.text
    assert served.status_code == 200
    assert page.status_code == 429 and page.headers["retry-after"]  # pages spend the same budget
    assert state(server)["refused_over_budget"] >= 2


# --- the pool's order, without a server --------------------------------------------------------


def test_queue_serves_a_light_client_before_a_heavy_one(tmp_path, big):
    """One worker, held by a runaway until its limit; then a heavy client's query and a light
    client's are waiting, the heavy one first in time: the light one is answered first. A query
    whose limit passes while it waits is answered "timed out" without running."""
    from mgraph.server.dataset import prepare

    dataset = prepare([big], tmp_path / "store")

    async def scenario() -> list[str]:
        pool = WorkerPool(str(dataset.path), 1, {})
        await pool.start()
        order: list[str] = []
        try:
            pool.fair.charge("heavy", 30.0)

            async def one(name: str, query: str, timeout: float) -> None:
                try:
                    await pool.run(Job(query), timeout, client=name)
                    order.append(name)
                except Exception as err:
                    order.append(f"{name}: {type(err).__name__}")

            blocker = asyncio.ensure_future(one("blocker", RUNAWAY, 2.0))
            await asyncio.sleep(0.5)
            heavy = asyncio.ensure_future(one("heavy", NORMAL, 30))
            await asyncio.sleep(0.2)
            light = asyncio.ensure_future(one("light", NORMAL, 30))
            late = asyncio.ensure_future(one("late", NORMAL, 0.5))  # its limit passes in the queue
            await asyncio.gather(blocker, heavy, light, late)
        finally:
            pool.close()
        return order

    try:
        order = asyncio.run(scenario())
    finally:
        dataset.close()
    assert order == ["late: QueryTimeout", "blocker: QueryTimeout", "light", "heavy"]


@pytest.mark.parametrize("held", [False, True], ids=["others-turn-over", "every-worker-held"])
def test_the_short_query_worker_is_freed_only_when_every_worker_is_held(tmp_path, big, held):
    """Two workers, the second kept for short queries, running a long query while short ones
    wait. While the other worker turns over short queries, the long one is left to run (stopping
    it would throw its work away; it ends at its own time limit). When the other worker holds a
    long query too, the short-query worker's is stopped and requeued, and a short query is
    answered on the fresh worker before the long ones' limit."""
    from mgraph.server.dataset import prepare
    from mgraph.server.pool import QueryTimeout

    dataset = prepare([big], tmp_path / "store")

    async def scenario() -> tuple[list[str], int]:
        pool = WorkerPool(str(dataset.path), 2, {})
        await pool.start()
        outcome: list[str] = []
        try:

            async def one(name: str, query: str, timeout: float) -> None:
                try:
                    await pool.run(Job(query), timeout, client=name)
                    outcome.append(name)
                except QueryTimeout:
                    outcome.append(f"{name}: timed out")

            # tasks start in order, each taking a free worker before the next runs: the first
            # gets the general worker, the second the short-query one
            first = asyncio.ensure_future(one("first", RUNAWAY if held else NORMAL, 4.0))
            long = asyncio.ensure_future(one("long", RUNAWAY, 4.0))
            await asyncio.sleep(1.5)  # both past the short-query worker's allowance of 1 s
            if held:
                await one("short", NORMAL, 30)
            else:
                end = time.monotonic() + 2.0
                while time.monotonic() < end:  # two clients: one always waiting
                    await asyncio.gather(one("a", NORMAL, 30), one("b", NORMAL, 30))
            await asyncio.gather(first, long)
        finally:
            pool.close()
        return outcome, pool.preempted

    try:
        outcome, preempted = asyncio.run(scenario())
    finally:
        dataset.close()
    if held:
        assert preempted == 1
        assert outcome.index("short") < outcome.index("long: timed out")
    else:
        assert preempted == 0
        assert "long: timed out" in outcome and outcome.count("a") >= 1


LOWEST = 19  # the niceness of a query thread that ran past reserve_seconds


def _thread_niceness(pid: int) -> list[int]:
    """The niceness of each thread of process ``pid`` (Linux: field 19 of /proc/PID/task/TID/stat)."""
    found = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread has just ended
            continue
        found.append(int(fields[16]))
    return found


@pytest.mark.parametrize(
    ("query", "lowered"),
    [
        pytest.param("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", True, id="long"),
        pytest.param(NORMAL, False, id="short"),
    ],
)
def test_a_long_query_runs_at_the_lowest_priority_and_the_next_one_does_not(tmp_path, big, query, lowered):
    """A query still running after ``reserve_seconds`` has its thread moved to niceness 19 (so
    short queries get the processors first) and still answers; the worker's next query runs at
    the normal priority, on the same worker: the lowered query thread is retired (the worker
    keeps its query thread from one query to the next), so none is left at niceness 19."""
    from mgraph.server.dataset import prepare

    dataset = prepare([big], tmp_path / "store")

    async def scenario() -> tuple[set[int], bool, bool, int, bool]:
        pool = WorkerPool(str(dataset.path), 1, {}, reserve_seconds=0.1)
        await pool.start()
        try:
            pid = pool._workers[0].process.pid
            task = asyncio.ensure_future(pool.run(Job(query), 60.0, client="c"))
            seen: set[int] = set()
            while not task.done():
                await asyncio.sleep(0.02)
                seen.update(_thread_niceness(pid))
            first = task.result()
            second = await pool.run(Job(NORMAL), 60.0, client="c")
            same = pool._workers[0].process.pid == pid
            for _ in range(250):  # the retired thread ends once it reads that it is retired
                if LOWEST not in _thread_niceness(pid):
                    break
                await asyncio.sleep(0.02)
            left_low = LOWEST in _thread_niceness(pid)
            return seen, first.ok and first.lowered, second.lowered or left_low, pool.demoted, same
        finally:
            pool.close()

    try:
        seen, first_lowered, second_lowered, demoted, same_worker = asyncio.run(scenario())
    finally:
        dataset.close()
    assert (LOWEST in seen) is lowered
    assert first_lowered is lowered and demoted == int(lowered)
    assert second_lowered is False
    assert same_worker


@pytest.mark.parametrize(
    ("charges", "budget", "retry"),
    [
        pytest.param([(0.0, 3.0)], 5.0, None, id="under"),
        pytest.param([(0.0, 3.0), (10.0, 3.0)], 5.0, 50, id="over-until-the-first-leaves"),
        pytest.param([(0.0, 3.0), (10.0, 3.0)], 0.0, None, id="no-budget"),
        pytest.param([(-61.0, 30.0), (10.0, 1.0)], 5.0, None, id="old-spending-forgotten"),
    ],
)
def test_fair_use_budget(charges, budget, retry):
    fair = FairUse(budget)
    for when, seconds in charges:
        fair.charge("c", seconds, now=when)
    if retry is None:
        fair.check("c", now=10.0)
    else:
        with pytest.raises(OverBudget) as refused:
            fair.check("c", now=10.0)
        assert refused.value.retry_after == retry
    fair.check("someone-else", now=10.0)


# --- --public -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    folder = tmp_path_factory.mktemp("public")
    served = start(folder, str(SERVE_FIXTURES / "named.trig"), "--public", "--workers", "1")
    try:
        yield served
    finally:
        served.stop()


def test_public_has_stricter_defaults(public):
    current = state(public)
    assert current["budget"] == 60.0
    assert current["client_timeout"] == 5.0
    description = httpx.get(public.sparql).text
    assert "time limit 10 s" in description and "at most 10000 results" in description
    too_big = httpx.post(
        public.sparql, content=b"#" * 70_000, headers={"Content-Type": "application/sparql-query"}
    )
    assert too_big.status_code == 413


def test_public_sends_security_headers_and_no_server_name(public):
    response = httpx.get(public.sparql, params={"query": NORMAL})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "server" not in response.headers


def test_public_logs_in_combined_log_format_without_the_query(public):
    secret = "secret-4711"
    query = f'ASK {{ ?s ?p "{secret}" }}'
    httpx.get(public.sparql, params={"query": query}, headers={"User-Agent": 'ua "x"'})
    time.sleep(0.3)
    log = public.log.read_text()
    combined = re.compile(
        r'^\S+ - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET /sparql HTTP/1\.1" 200 \d+ '
        r'"-" "ua \\x22x\\x22"$',
        re.MULTILINE,
    )
    assert combined.search(log), log
    assert secret not in log


def test_public_budget_follows_the_client_named_by_a_trusted_proxy(tmp_path, big):
    """Behind a reverse proxy on this machine, X-Forwarded-For names the client: one forwarded
    client over its budget gets 429, another forwarded through the same proxy is served."""
    served = start(tmp_path, str(big), "--public", "--workers", "2", "--budget", "1", "--timeout", "2")
    try:
        spender = {"X-Forwarded-For": "203.0.113.5"}
        other = {"X-Forwarded-For": "203.0.113.6"}
        spent = httpx.post(served.sparql, data={"query": RUNAWAY}, headers=spender, timeout=30)
        assert spent.status_code == 503
        refused = httpx.post(served.sparql, data={"query": NORMAL}, headers=spender)
        served_other = httpx.post(served.sparql, data={"query": NORMAL}, headers=other)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert served_other.status_code == 200
        assert re.search(r"^203\.0\.113\.5 - - ", served.log.read_text(), re.MULTILINE)
    finally:
        served.stop()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--graph", "https://example.org/g"], "give IRI=FILE", id="graph-without-file"),
        pytest.param(["--budget", "-1"], "--budget", id="negative-budget"),
        pytest.param(["--client-timeout", "0"], "--client-timeout", id="zero-client-timeout"),
        pytest.param(["--max-connections", "999999999"], "open-file limit", id="cap-over-the-file-limit"),
    ],
)
def test_bad_serve_flags_are_usage_errors(capsys, args, message):
    from mgraph import cli

    assert cli.main(["serve", *args]) == 2
    assert message in capsys.readouterr().err


def test_auth_tokens_name_the_client(tmp_path, big):
    """With --auth, a client sending a known bearer token spends that token's budget, wherever it
    connects from; an unknown token is 401; the log names the token's owner, never the token."""
    alice, bob = "alice-token-0123456789", "bob-token-0123456789"
    tokens = tmp_path / "tokens"
    tokens.write_text(f"# name token\nalice {alice}\nbob {bob}\n", encoding="utf-8")
    served = start(
        tmp_path, str(big), "--auth", str(tokens), "--budget", "1", "--timeout", "2", "--workers", "2"
    )
    try:
        as_alice = {"Authorization": f"Bearer {alice}"}
        with client("127.0.0.41") as first, client("127.0.0.42") as second:
            assert first.post(served.sparql, data={"query": RUNAWAY}, headers=as_alice).status_code == 503
            moved = second.post(served.sparql, data={"query": NORMAL}, headers=as_alice)
            other = second.post(
                served.sparql, data={"query": NORMAL}, headers={"Authorization": f"Bearer {bob}"}
            )
            wrong = second.post(
                served.sparql, data={"query": NORMAL}, headers={"Authorization": "Bearer nope"}
            )
        assert moved.status_code == 429  # alice's budget, from another address
        assert other.status_code == 200
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
        log = served.log.read_text()
        assert re.search(r"^127\.0\.0\.42 - bob \[", log, re.MULTILINE)
        assert alice not in log and bob not in log
    finally:
        served.stop()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("alice\n", "give NAME TOKEN", id="one-word"),
        pytest.param("alice short\n", "shorter than 16", id="short"),
        pytest.param("a 0123456789abcdef\nb 0123456789abcdef\n", "also a's", id="shared"),
        pytest.param("# nothing\n", "no tokens", id="empty"),
    ],
)
def test_bad_tokens_file_is_a_usage_error(tmp_path, capsys, text, message):
    from mgraph import cli

    tokens = tmp_path / "tokens"
    tokens.write_text(text, encoding="utf-8")
    assert cli.main(["serve", "--auth", str(tokens)]) == 2
    assert message in capsys.readouterr().err


def test_a_client_that_stops_reading_its_response_is_dropped(tmp_path):
    """A large answer that the client never reads: once the socket buffers are full, the server
    waits CLIENT_TIMEOUT * 3 seconds for the client to take more, then drops the connection."""
    graph = tmp_path / "wide.nt"
    with graph.open("w", encoding="utf-8") as out:
        for i in range(150_000):
            out.write(f'<urn:s{i}> <urn:p> "{"x" * 60} {i}" .\n')
    served = start(
        tmp_path, str(graph), "--workers", "1", "--max-results", "0", "--client-timeout", str(CLIENT_TIMEOUT)
    )
    try:
        host, port = address(served)
        with socket.create_connection((host, port), timeout=60) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            body = b"query=CONSTRUCT+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D"
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/n-triples\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            dropped = wait_for(
                served, lambda s: s["connections"] <= 1, seconds=CLIENT_TIMEOUT * 3 + 60
            )  # only /ready's own connection left
        assert dropped["connections"] <= 1
        assert state(served)["ready"] is True
    finally:
        served.stop()
