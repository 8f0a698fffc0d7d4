"""Real triple stores for the tests: an Oxigraph server and a Virtuoso, each on 127.0.0.1 on a free
port, with its files in a temporary folder, stopped afterwards.

- Oxigraph server: the ``oxigraph`` binary of the PyPI package ``oxigraph``. Endpoints ``/query``,
  ``/update``, ``/store`` (Graph Store Protocol), no authentication.
- Virtuoso: ``virtuoso-t`` of the Debian package ``virtuoso-opensource-7-bin`` (pulled in by
  ``virtuoso-opensource``), started from an ini file written here. Anonymous queries at
  ``/sparql``; updates at ``/sparql-auth`` and the Graph Store at ``/sparql-graph-crud-auth``, both
  behind HTTP Digest authentication as ``dba``/``dba`` (a fresh database's administrator).

A missing binary skips the tests that need it, saying which package to install; under the README's
test command (``scripts/test.sh`` sets ``MGRAPH_TEST_REQUIRE_TOOLS=1``) it fails them instead, so a
run that was meant to be complete can never pass by skipping.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

VIRTUOSO_USER = ("dba", "dba")


def require_tool(name: str, install: str) -> str:
    """The path of the program ``name`` (on PATH or beside this Python), else skip or fail the test.

    The Python environment's own scripts folder is searched too, so ``oxigraph`` from the
    ``oxigraph`` pip package is found when the environment is used without being activated.
    """
    where = os.pathsep.join(
        [os.environ.get("PATH", ""), sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    )
    found = shutil.which(name, path=where)
    if found is not None:
        return found
    message = f"{name} is not installed ({install})"
    if os.environ.get("MGRAPH_TEST_REQUIRE_TOOLS") == "1":
        pytest.fail(message + "; the README's test command installs it", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, if only with an error
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


class Server:
    """A server process; ``base`` is its ``http://127.0.0.1:PORT``."""

    name = "server"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "server.log"

    def command(self) -> list[str]:  # pragma: no cover
        raise NotImplementedError

    def ready_url(self) -> str:  # pragma: no cover
        raise NotImplementedError

    def start(self, seconds: float = 60) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            if _answers(self.ready_url()):
                return
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"{self.name} did not answer within {seconds} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def stop(self, *, kill: bool = False) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 20 s; ``kill``: SIGKILL at once)."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


class Oxigraph(Server):
    """``oxigraph serve`` on a folder; ``union``: the default graph is the union of all graphs."""

    name = "oxigraph serve"

    def __init__(self, folder: Path, *, union: bool = True) -> None:
        super().__init__(folder)
        self.union = union

    def command(self) -> list[str]:
        binary = require_tool("oxigraph", "pip install oxigraph, part of the test extra")
        return [
            binary,
            "serve",
            "--location",
            str(self.folder / "db"),
            "--bind",
            f"127.0.0.1:{self.port}",
            *(["--union-default-graph"] if self.union else []),
        ]

    def ready_url(self) -> str:
        return f"{self.base}/query?query=ASK%7B%7D"

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    @property
    def update(self) -> str:
        return f"{self.base}/update"

    @property
    def store(self) -> str:
        return f"{self.base}/store"


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 120
"""


class Virtuoso(Server):
    """``virtuoso-t +foreground`` with its database, log and ini file in ``folder``."""

    name = "virtuoso-t"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.sql_port = free_port()
        (folder / "www").mkdir(parents=True, exist_ok=True)
        (folder / "virtuoso.ini").write_text(
            VIRTUOSO_INI.format(folder=folder, sql_port=self.sql_port, http_port=self.port), encoding="utf-8"
        )

    def command(self) -> list[str]:
        binary = require_tool("virtuoso-t", "Debian package virtuoso-opensource")
        return [binary, "+configfile", str(self.folder / "virtuoso.ini"), "+foreground"]

    def ready_url(self) -> str:
        return f"{self.base}/sparql?query=ASK%7B%7D"

    @property
    def query(self) -> str:
        return f"{self.base}/sparql"

    @property
    def update(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def store(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


def count(query_endpoint: str, graph: str | None = None) -> int:
    """Triples in ``graph`` (None: the default graph), asked with a plain HTTP GET."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"})
    request = urllib.request.Request(
        f"{query_endpoint}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    import json

    with urllib.request.urlopen(request, timeout=30) as response:
        bindings = json.load(response)["results"]["bindings"]
    return int(bindings[0]["n"]["value"])


def graphs(query_endpoint: str) -> set[str]:
    """The named graphs the store holds triples in."""
    import json

    query = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(
        f"{query_endpoint}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return {b["g"]["value"] for b in json.load(response)["results"]["bindings"]}


# --- fixtures: tests/conftest.py offers them to every test module -------------------------------


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oxigraph]:
    """An Oxigraph server whose default graph is the union of its named graphs."""
    with running(Oxigraph(tmp_path_factory.mktemp("oxigraph"))) as server:
        yield server  # type: ignore[misc]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso per test session (it takes a few seconds to start)."""
    with running(Virtuoso(tmp_path_factory.mktemp("virtuoso"))) as server:
        yield server  # type: ignore[misc]


class FaultyProxy:
    """A real HTTP server on 127.0.0.1 in front of a store that misbehaves on purpose.

    ``fault(method, path, n)`` (or ``fault(method, path, n, headers)``) is asked for every
    request (``n``: how many requests with this method and path came before, from 0) and
    returns None to forward the request to ``upstream``, ``(status, headers)`` to answer
    that instead, or ``"drop"`` to close the connection without an answer (the request never
    reaches the store). It may block: the request is held meanwhile. ``after(method, path, n)``,
    when given, is called once the store has answered a forwarded request and before the answer
    is passed on (it may block too: the store has applied the request, the client waits).
    ``forward_server``: pass the store's ``Server`` header on. Request bodies may be chunked.
    A ``fault`` of five parameters gets the request body too; an ``after`` of six gets
    ``(method, path, n, headers, body, status)``. A store's ``WWW-Authenticate`` challenge is
    passed on, so HTTP Digest works through the proxy.
    ``seen`` lists (method, path, status) answered.
    """

    def __init__(self, upstream: str, fault, after=None, forward_server: bool = False) -> None:  # type: ignore[no-untyped-def]
        import http.server
        import inspect
        import threading

        self.upstream = upstream
        self.fault = fault
        self.after = after
        self.forward_server = forward_server
        self.fault_arity = len(inspect.signature(fault).parameters)
        self.wants_headers = self.fault_arity >= 4
        self.after_arity = len(inspect.signature(after).parameters) if after is not None else 0
        self.seen: list[tuple[str, str, int]] = []
        self.counts: dict[tuple[str, str], int] = {}
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def version_string(self) -> str:
                return getattr(self, "upstream_server", "") or super().version_string()

            def read_body(self) -> bytes | None:
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    parts = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(parts)
                        parts.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else None

            def handle_one(self) -> None:
                self.upstream_server = ""
                body = self.read_body()
                path = urllib.parse.urlsplit(self.path).path
                key = (self.command, path)
                n = proxy.counts.get(key, 0)
                proxy.counts[key] = n + 1
                if proxy.fault_arity == 5:
                    answer = proxy.fault(self.command, path, n, dict(self.headers.items()), body or b"")
                elif proxy.wants_headers:
                    answer = proxy.fault(self.command, path, n, dict(self.headers.items()))
                else:
                    answer = proxy.fault(self.command, path, n)
                if answer == "drop":
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    proxy.seen.append((self.command, path, 0))
                    return
                if answer is not None:
                    status, headers = answer
                    payload = b"injected failure"
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    proxy.seen.append((self.command, path, status))
                    return
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() in ("content-type", "accept", "authorization")
                }
                request = urllib.request.Request(
                    proxy.upstream + self.path, data=body, method=self.command, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        status, data = response.status, response.read()
                        ctype = response.headers.get("Content-Type", "")
                    server = response.headers.get("Server", "")
                    challenge = ""
                except urllib.error.HTTPError as exc:
                    status, data = exc.code, exc.read()
                    ctype = exc.headers.get("Content-Type", "")
                    server = exc.headers.get("Server", "")
                    challenge = exc.headers.get("WWW-Authenticate", "")
                if proxy.after_arity == 6:
                    proxy.after(self.command, path, n, dict(self.headers.items()), body or b"", status)
                elif proxy.after is not None:
                    proxy.after(self.command, path, n)
                self.upstream_server = server if proxy.forward_server else ""
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if challenge:
                    self.send_header("WWW-Authenticate", challenge)

                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                proxy.seen.append((self.command, path, status))

            do_GET = do_POST = do_PUT = do_DELETE = handle_one  # noqa: N815

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultyProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
