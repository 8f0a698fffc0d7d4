"""Load the graph into a remote triple store, all or nothing: :func:`push`; remove what an
interrupted push left behind: :func:`clean`.

**Endpoints.** The URL given may be the store's root, or any of its query, update or Graph Store
endpoints (Oxigraph server ``/query``, ``/update``, ``/store``; Virtuoso ``/sparql``,
``/sparql-auth``, ``/sparql-graph-crud[-auth]``; Fuseki ``/ds/query``, ``/ds/sparql``,
``/ds/update``, ``/ds/data``). :func:`discover` finds the others by probing: the query endpoint is
the first candidate that answers ``ASK {}``; the update endpoint the first that accepts a no-op
update (``DROP SILENT`` of this push's staging graph, which also checks the credentials); the
Graph Store endpoint the first that accepts an empty N-Triples ``POST`` into the staging graph.
None found: the graph is sent as SPARQL ``INSERT DATA``. The ``Server`` header names the store.
Service descriptions (``GET`` of the query endpoint) name only the query endpoint, so they add
nothing to the probe.

**Three ways, all or nothing** (measured side by side in ``benchmarks/push.py``):

- *One request into the target* (Oxigraph server, when the target is empty or the triples are
  added to it): the whole graph, dumped to a file by pyoxigraph, is streamed in one Graph Store
  ``POST`` to the target. Oxigraph applies one request in one transaction: a request cut off
  (the client killed, the connection dropped, the disk full) changes nothing, so no staging graph
  is needed and none can be left.
- *By difference* (Oxigraph server, ``replace`` onto a target that holds triples, no blank
  nodes): the target is read back (Graph Store ``GET``) and compared with the graph as N-Triples
  lines; the triples to add go into the staging graph, those to remove into a second staging
  graph, and one update (one transaction) deletes, inserts and drops both. Its cost is that of
  what differs; when more differs than the graph holds, the staging graph and ``MOVE`` is used.
- *A staging graph, then one swap* (everything else, and every store but Oxigraph server): the
  graph goes into a staging graph ``urn:mgraph:staging:<UTC time>-<pid>-<host>-<nonce>`` in
  chunks (Oxigraph's bulk loader ``?no_transaction``, safe since only the staging graph is written
  and it is counted), the store's count is checked against ours, and one update swaps it in:
  ``MOVE`` (replace) or ``ADD`` (add).

**Which store gives which guarantee.** Oxigraph server applies one request (one Graph Store
``POST``, one update of any number of operations) in one transaction; its ``?no_transaction``
bulk load and its Graph Store ``PUT`` (clear, then load: two transactions) are not atomic, and
are never used on the target. Inside a transaction it deletes only about 6,500 triples a second:
``DROP`` of a 1M-triple graph took 156 s, ``MOVE`` of 1M 187 s, ``DROP`` then ``LOAD`` in one update
723 s, so no way it offers replaces a graph of 1M triples by 1M *other* triples atomically in
under 60 s; a first push, an addition, or a re-release that changes a part of the graph is.
Virtuoso applies one update operation whole, but not the operations of one request together
(so its swap is always one operation), and its ``MOVE`` from a missing graph empties the target.
With the default ``TransactionAfterImageLimit`` (50 MB) it refuses (SR325, target unchanged) a
``MOVE`` over a target that already holds 1M triples: raise that limit in ``virtuoso.ini`` to
replace graphs that big.

Measured 2026-12-07 (``benchmarks/push.py``, Oxigraph server 0.5.13, Virtuoso 7.2, 1,012,392
triples, 2 cores shared with other jobs): at load average 6-8, the push into an empty target in
one request took 47.2 s (reading 4.8 s, probes 2.0 s, the request 44.7 s; 53 s for the whole
process, 587 MB), a re-release with 1% changed 31.6 s (its swap 1.5 s), the same graph again
19.5 s (nothing written; 1.15 GB peak: both sides' lines are held); at load 10-13 the one request
took 124.7 s beside 209.9 s for a raw Graph Store ``POST`` of the same file. Virtuoso, staging
graph and ``MOVE`` into an empty target: 119.5 s at load 10 (its ``MOVE`` 47.2 s).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import time
import urllib.parse
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from mgraph.core.errors import EXIT_FAILED, InputError, MgraphError
from mgraph.core.terms import check_iri

if TYPE_CHECKING:
    import httpx
    import pyoxigraph as ox

    from mgraph.core.store import OxigraphStore

DEFAULT_GRAPH = "https://w3id.org/mgraph/graph"
"""The named graph a push goes to when no graph is given."""

DEFAULT_TIMEOUT = 60.0
"""Seconds one request may take (connecting, sending, answering) before the push gives up."""

GSP_CHUNK = 50_000
"""Triples per Graph Store POST (a few MB of N-Triples)."""

STREAM_PIECE = 1 << 20
"""Bytes read from the spooled N-Triples file per piece of a one-request upload."""

UPDATE_CHUNK = 1_000
"""Triples per ``INSERT DATA`` request (Virtuoso's update parser runs out of memory near 5,000)."""

MAX_RETRIES = 5
"""How many times one request is retried after HTTP 429 or 503."""

MAX_RETRY_WAIT = 60.0
"""Longest ``Retry-After`` honoured; a server asking for more makes the push give up."""

SWAP_RATE = 2_000
"""Triples a second a big request (the whole graph, the swap, a count, a drop) is given on top
of the timeout: Oxigraph server deletes about 6,500 triples a second in one transaction, so a big
graph's swap outlasts any fixed timeout."""

STAGING_PREFIX = "urn:mgraph:staging:"
"""Every staging graph's IRI starts with this."""

STALE_AFTER = 24 * 3600.0
"""A staging graph made on another machine is removed by a push once it is this old (seconds);
``clean`` removes it at any age."""

Progress = Callable[[int, int], None]
"""``progress(triples_sent, triples_total)``, called after each chunk."""

Log = Callable[[str], None]
"""``log(sentence)``: what was just done on the store, true when it is called."""

_ACTIVE: set[str] = set()  # staging graphs of pushes running in this process


class PushError(MgraphError):
    """The push failed; ``state`` says in one sentence what the store holds now."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, state: str) -> None:
        self.state = state
        super().__init__(f"{message}\n{state}")


class PushInterrupted(PushError):
    """The push was interrupted (Ctrl-C, SIGTERM); ``state`` says what the store holds now."""

    exit_code = 130


@dataclass(frozen=True)
class Endpoints:
    """Where to send queries, updates and Graph Store requests (``store`` None: use updates)."""

    query: str
    update: str
    store: str | None
    bulk: bool = False  # Oxigraph server: load the staging graph with its bulk loader
    server: str = ""  # the Server header, when the store sent one
    found: str = "derived"  # how: "given", "derived" or "probed"

    @property
    def oxigraph(self) -> bool:
        return self.server.lower().startswith("oxigraph")

    def describe(self) -> str:
        """One line: the endpoints used and the store, credentials removed."""
        store = redact(self.store) if self.store else "none (SPARQL Update only)"
        name = f" on {self.server}" if self.server else ""
        return (
            f"endpoints ({self.found}{name}): query {redact(self.query)}, "
            f"update {redact(self.update)}, graph store {store}"
        )


@dataclass(frozen=True)
class PushResult:
    """What a push did, counted by the store itself."""

    graph: str
    triples: int  # distinct triples pushed
    before: int  # triples the target held before
    after: int  # triples the target holds now
    replace: bool
    method: str  # "one graph store request", "graph store protocol" or "sparql update"
    chunks: int
    seconds: float
    visible: bool  # a query naming no graph sees the pushed triples
    leftover: str | None = None  # the staging graph could not be removed: what to do
    load_seconds: float = 0.0  # sending the chunks into the staging graph and counting them
    swap_seconds: float = 0.0  # the one swap update (or the one request into the target)
    endpoints: Endpoints | None = None
    cleaned: tuple[str, ...] = ()  # staging graphs of earlier pushes removed (checked gone)


@dataclass(frozen=True)
class Cleanup:
    """Staging graphs found on the store: removed (checked gone), kept (why), failed (what)."""

    removed: tuple[str, ...] = ()
    kept: tuple[tuple[str, str], ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    endpoints: Endpoints | None = None


# --- endpoints --------------------------------------------------------------------------------


def redact(url: str) -> str:
    """The URL without its ``user:password@`` part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _check_url(url: str, what: str) -> str:
    if not re.match(r"^https?://[^\s/?#]+[^\s]*$", url):
        raise InputError(f"{what} {redact(url)!r} is not an http(s) URL")
    return url


def _with_path(url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=path, query="", fragment=""))


def derive_endpoints(
    endpoint: str, update: str | None = None, store: str | None = None, *, authenticated: bool = False
) -> Endpoints:
    """The first guess at the update and Graph Store endpoints of a query endpoint, without
    asking the store (:func:`discover` probes them).

    ``.../query`` (Oxigraph server): ``.../update`` and ``.../store``. ``.../sparql`` or
    ``.../sparql-auth`` (Virtuoso): updates at ``/sparql-auth`` and Graph Store at
    ``/sparql-graph-crud-auth`` when credentials are given, else ``/sparql`` and
    ``/sparql-graph-crud``. The staging graph is loaded with Oxigraph server's bulk loader
    (``?no_transaction``) when the Graph Store endpoint is the derived Oxigraph one.
    Anything else: updates at the endpoint itself and no Graph Store
    endpoint (the graph is sent as ``INSERT DATA``). ``store=""`` forces SPARQL Update.
    """
    _check_url(endpoint, "endpoint")
    path = urllib.parse.urlsplit(endpoint).path
    head, _, last = path.rpartition("/")
    derived_update, derived_store = endpoint, None
    oxigraph = False
    if last == "query":
        derived_update = _with_path(endpoint, f"{head}/update")
        derived_store = _with_path(endpoint, f"{head}/store")
        oxigraph = True
    elif last in ("sparql", "sparql-auth"):
        auth = authenticated or last == "sparql-auth"
        derived_update = _with_path(endpoint, f"{head}/sparql-auth" if auth else path)
        derived_store = _with_path(endpoint, f"{head}/sparql-graph-crud" + ("-auth" if auth else ""))
    update = _check_url(update, "update endpoint") if update else derived_update
    if store == "":
        chosen_store = None
    elif store:
        chosen_store = _check_url(store, "store endpoint")
    else:
        chosen_store = derived_store
    return Endpoints(endpoint, update, chosen_store, bulk=oxigraph and chosen_store == derived_store)


_OXIGRAPH = ("query", "update", "store")
_VIRTUOSO = ("sparql", "sparql-auth", "sparql-graph-crud", "sparql-graph-crud-auth")
_FUSEKI = ("query", "sparql", "update", "data", "get")


def candidates(url: str, *, authenticated: bool = False) -> list[tuple[str, list[str], list[str]]]:
    """Where the query, update and Graph Store endpoints may be, given any one URL of a store:
    ``[(query, [update...], [store...]), ...]``, most likely first. Pure: asks nothing."""
    _check_url(url, "endpoint")
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    head, _, last = path.rpartition("/")

    def at(*names: str, base: str = head) -> list[str]:
        return [_with_path(url, f"{base}/{name}") for name in names]

    crud = "sparql-graph-crud-auth" if authenticated else "sparql-graph-crud"
    virtuoso_update = ("sparql-auth", "sparql") if authenticated else ("sparql", "sparql-auth")
    if not path:  # the server's root: Oxigraph server, then Virtuoso
        return [
            (at("query", base="")[0], at("update", base=""), at("store", base="")),
            (at("sparql", base="")[0], at(*virtuoso_update, base=""), at(crud, base="")),
        ]
    if last in _VIRTUOSO:
        return [(at("sparql")[0], at(*virtuoso_update, "update"), at(crud, "data"))]
    if last in _OXIGRAPH or last in _FUSEKI:
        first = "sparql" if last == "sparql" else "query"
        return [(at(first)[0], at("update"), at("store", "data"))]
    # Anything else: the URL itself takes queries and updates (a Fuseki dataset also takes Graph
    # Store requests there); then the Oxigraph and Fuseki layouts below it.
    return [
        (url, [url], []),
        (at("query", base=path)[0], at("update", base=path), at("store", "data", base=path)),
    ]


# --- staging graphs ---------------------------------------------------------------------------

_STAGING = re.compile(r"^urn:mgraph:staging:(\d{8}T\d{6}Z)-(\d+)-([0-9a-f]{8})-[0-9a-f]+$")


def _host_tag() -> str:
    """This machine, as 8 hex digits (a hash: the host name is not put on the store)."""
    return hashlib.sha256(socket.gethostname().encode("utf-8")).hexdigest()[:8]


def staging_iri() -> str:
    """A fresh staging graph IRI: when, which process, which machine (hashed), and a nonce."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{STAGING_PREFIX}{stamp}-{os.getpid()}-{_host_tag()}-{secrets.token_hex(4)}"


def _is_staging(iri: str) -> bool:
    return iri.startswith(STAGING_PREFIX) or "#staging-" in iri  # and earlier versions' names


def _process_started(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds), from /proc; None where that cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime")
        )
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _why_kept(iri: str, *, everything: bool) -> str | None:
    """Why a staging graph must stay (its push may still be running), or None: remove it."""
    match = _STAGING.match(iri)
    if match is None:
        return None  # an earlier version's name: its push is long gone
    stamp, pid_text, host = match.groups()
    created = time.mktime(time.strptime(stamp, "%Y%m%dT%H%M%SZ")) - time.timezone
    pid = int(pid_text)
    if host != _host_tag():
        age = time.time() - created
        if everything or age >= STALE_AFTER:
            return None
        return (
            f"made {age / 60:.0f} min ago by a push on another machine, which may still be running; "
            "`mgraph push --clean` removes it"
        )
    if pid == os.getpid():
        return "this process is pushing into it" if iri in _ACTIVE else None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # it exists, another user's
    started = _process_started(pid)
    if started is not None and started > created + 5:
        return None  # the process id was reused by a later process
    return f"the push that made it (process {pid}) is still running"


def staging_graphs(client: _Client, query_endpoint: str, timeout: float | None = None) -> list[str]:
    """The staging graphs (ours, and earlier versions') that hold triples on the store."""
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}") || CONTAINS(STR(?g), "#staging-")) }} ORDER BY ?g'
    )
    response = client.request(
        "POST",
        query_endpoint,
        timeout=timeout,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        rows = response.json()["results"]["bindings"]
        return [row["g"]["value"] for row in rows if _is_staging(row["g"]["value"])]
    except (ValueError, KeyError, TypeError) as exc:
        raise _Failure(
            f"{redact(query_endpoint)}: did not answer with SPARQL JSON results", sent=True
        ) from exc


# --- reading the graph ------------------------------------------------------------------------


def read_graph(files: Sequence[str | Path] | None = None) -> OxigraphStore:
    """The triples to push, in an in-memory store (so duplicates count once).

    No files: the built graph ``dist/mercury.nt`` (push publishes a release: it does not fall
    back to the data folder). Files are read through :func:`mgraph.core.user_files.parse_user_file`
    (local files only, named graphs merged). :func:`mgraph.core.graphs.which_graph` decides.
    """
    from mgraph.core.graphs import read_store, which_graph

    return read_store(which_graph(files, built=True))


def read_trusted_file(path: str | Path) -> OxigraphStore:
    """Our own N-Triples file (the release), read by pyoxigraph directly, as the ``source`` of
    :func:`push`."""
    from mgraph.core.store import OxigraphStore

    store = OxigraphStore()
    store.load_trusted(path)
    return store


def chunks(store: ox.Store, size: int) -> Iterator[list[ox.Triple]]:
    """The store's triples in chunks of about ``size``; every triple of one blank node (and of
    blank nodes linked to it) stays in one chunk, since labels are scoped to one request."""
    import pyoxigraph as ox

    ground: list[ox.Triple] = []
    parent: dict[str, str] = {}
    with_blank: list[ox.Triple] = []

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        blanks = [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        if not blanks:
            ground.append(triple)
            if len(ground) >= size:
                yield ground
                ground = []
            continue
        with_blank.append(triple)
        roots = [find(b) for b in blanks]
        for root in roots[1:]:
            parent[root] = roots[0]
    groups: dict[str, list[ox.Triple]] = {}
    for triple in with_blank:
        node = triple.subject if isinstance(triple.subject, ox.BlankNode) else triple.object
        assert isinstance(node, ox.BlankNode)  # with_blank holds only such triples
        groups.setdefault(find(node.value), []).append(triple)
    for group in groups.values():
        ground.extend(group)
        if len(ground) >= size:
            yield ground
            ground = []
    if ground:
        yield ground


def _has_blank_nodes(store: ox.Store) -> bool:
    return bool(store.query("ASK { { ?s ?p ?o FILTER isBlank(?s) } UNION { ?s ?p ?o FILTER isBlank(?o) } }"))


# --- HTTP -------------------------------------------------------------------------------------


def _auth(credentials: tuple[str, str] | None) -> httpx.Auth | None:
    """HTTP Basic or Digest, whichever the server's 401 challenge asks for; None: no auth."""
    if credentials is None:
        return None
    import httpx

    user, password = credentials

    class ChallengeAuth(httpx.Auth):
        requires_request_body = True

        def __init__(self) -> None:
            self.basic = httpx.BasicAuth(user, password)
            self.digest = httpx.DigestAuth(user, password)
            self.scheme: str | None = None

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            if self.scheme == "basic":
                yield from self.basic.auth_flow(request)
                return
            if self.scheme == "digest":
                yield from self.digest.auth_flow(request)
                return
            response = yield request
            challenge = response.headers.get("www-authenticate", "").lower()
            if response.status_code != 401 or not challenge:
                return
            if challenge.startswith("digest"):
                self.scheme = "digest"
                flow = self.digest.auth_flow(request)
                next(flow)  # the unauthenticated request, already sent
                retried = flow.send(response)
                response = yield retried
                try:
                    flow.send(response)
                except StopIteration:
                    pass
            elif challenge.startswith("basic"):
                self.scheme = "basic"
                yield from self.basic.auth_flow(request)

    return ChallengeAuth()


class _Client:
    """One HTTP client with timeouts, bounded retries on 429/503, and redacted messages."""

    def __init__(
        self,
        credentials: tuple[str, str] | None,
        timeout: float,
        retries: int = MAX_RETRIES,
        max_wait: float = MAX_RETRY_WAIT,
    ) -> None:
        import httpx

        from mgraph import __version__

        self.http = httpx.Client(
            auth=_auth(credentials),
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": f"mgraph/{__version__}"},
            follow_redirects=False,
            trust_env=False,
        )
        self.credentials = credentials
        self.timeout = timeout
        self.server = ""  # the Server header of the last answer
        self.retries = retries
        self.max_wait = max_wait

    def close(self) -> None:
        self.http.close()

    def request(
        self, method: str, url: str, *, timeout: float | None = None, **kwargs: Any
    ) -> httpx.Response:
        """The response (2xx), or :class:`_Failure` with a message free of credentials."""
        import httpx

        shown = redact(url)
        body = kwargs.pop("body", None)  # a function giving the body anew for each attempt
        for attempt in range(self.retries + 1):
            if body is not None:
                kwargs["content"] = body()
            try:
                response = self.http.request(method, url, timeout=timeout or self.timeout, **kwargs)
            except httpx.TimeoutException as exc:
                raise _Failure(
                    f"{shown}: no answer within {timeout or self.timeout:g} s (timed out)", sent=True
                ) from exc
            except httpx.HTTPError as exc:
                connected = not isinstance(exc, httpx.ConnectError)
                raise _Failure(
                    f"{shown}: cannot reach the store ({type(exc).__name__})", sent=connected
                ) from exc
            if response.status_code in (429, 503) and attempt < self.retries:
                wait = _retry_after(response.headers.get("retry-after"), attempt)
                if wait is not None and wait <= self.max_wait:
                    time.sleep(wait)
                    continue
            if response.is_success:
                self.server = response.headers.get("server", self.server)
                return response
            raise _Failure(
                f"{shown}: HTTP {response.status_code} {response.reason_phrase}" + _body(response),
                sent=True,
                status=response.status_code,
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def select_count(self, endpoint: str, graph: str, *, timeout: float | None = None) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return self.select_int(endpoint, query, timeout=timeout)

    def select_int(self, endpoint: str, query: str, *, timeout: float | None = None) -> int:
        response = self.request(
            "POST",
            endpoint,
            timeout=timeout,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            bindings = response.json()["results"]["bindings"]
            return int(bindings[0]["n"]["value"]) if bindings else 0
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise _Failure(f"{redact(endpoint)}: did not answer with SPARQL JSON results", sent=True) from exc

    def ask(self, endpoint: str, query: str) -> bool:
        response = self.request(
            "POST", endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        try:
            return bool(response.json()["boolean"])
        except (ValueError, KeyError, TypeError) as exc:
            raise _Failure(
                f"{redact(endpoint)}: did not answer with SPARQL JSON results",
                sent=True,
                status=response.status_code,
            ) from exc

    def update(self, endpoint: str, update: str, *, timeout: float | None = None) -> None:
        self.request(
            "POST",
            endpoint,
            timeout=timeout,
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )


class _Failure(Exception):
    """A request that failed; ``sent``: the server may have received (and applied) it."""

    def __init__(self, message: str, *, sent: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.sent = sent
        self.status = status


def _retry_after(header: str | None, attempt: int) -> float | None:
    """Seconds to wait: the header's delay (seconds or an HTTP date), else 1, 2, 4... s."""
    if header is None:
        return float(2**attempt)
    header = header.strip()
    if header.isdigit():
        return float(header)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _body(response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:300]
    return f": {text}" if text else ""


# --- discovery ----------------------------------------------------------------------------------


def _answers_ask(client: _Client, url: str) -> bool:
    """Does ``url`` answer ``ASK {}`` as a SPARQL query endpoint? Unreachable: :class:`_Failure`."""
    try:
        client.ask(url, "ASK {}")
    except _Failure as exc:
        if exc.status in (401, 403) or exc.status is None:
            raise
        return False  # an error, or an answer that is not SPARQL results: not a query endpoint
    return True


def _accepts(client: _Client, method: str, url: str, **kwargs: Any) -> bool:
    """Does ``url`` accept this (harmless) request? 404, 405, 400, 415: no; 401/403: raise."""
    try:
        client.request(method, url, **kwargs)
    except _Failure as exc:
        if exc.status in (400, 404, 405, 406, 415, 501):
            return False
        raise
    return True


def discover(
    client: _Client,
    url: str,
    probe_graph: str,
    *,
    update: str | None = None,
    store: str | None = None,
    authenticated: bool = False,
) -> Endpoints:
    """The store's query, update and Graph Store endpoints, found by asking it (see the module
    doc). ``probe_graph`` is written to (an empty Graph Store POST) and dropped: pass the push's
    staging graph. Raises :class:`_Failure` (unreachable, or credentials refused) or
    :class:`PushError` (no SPARQL endpoint found)."""
    tried: list[str] = []
    for query, updates, stores in candidates(url, authenticated=authenticated):
        tried.append(redact(query))
        if not _answers_ask(client, query):
            continue
        server = client.server
        chosen_store: str | None = None
        if store != "":
            for candidate in [_check_url(store, "store endpoint")] if store else stores:
                if _accepts(
                    client,
                    "POST",
                    candidate,
                    params={"graph": probe_graph},
                    content=b"",
                    headers={"Content-Type": "application/n-triples"},
                ):
                    chosen_store = candidate
                    break
        chosen_update = None
        for candidate in [_check_url(update, "update endpoint")] if update else updates:
            # A no-op for the store (the probe graph is this push's own), a check that we may write.
            if _accepts(
                client,
                "POST",
                candidate,
                content=f"DROP SILENT GRAPH <{probe_graph}>".encode(),
                headers={"Content-Type": "application/sparql-update"},
            ):
                chosen_update = candidate
                break
        if chosen_update is None:
            raise _Failure(
                f"{redact(query)} answers queries, but no update endpoint was found (tried "
                + ", ".join(redact(u) for u in updates)
                + "): give --update-endpoint",
                sent=False,
            )
        oxigraph = server.lower().startswith("oxigraph")
        return Endpoints(
            query,
            chosen_update,
            chosen_store,
            bulk=oxigraph and chosen_store is not None,
            server=server.split()[0] if server else "",
            found="given" if update and store is not None else "probed",
        )
    raise _Failure(
        f"no SPARQL query endpoint answered at {', '.join(tried)}: give the store's query endpoint",
        sent=False,
    )


# --- removing staging graphs ----------------------------------------------------------------------


def _remove(client: _Client, points: Endpoints, iri: str, timeout: float | None = None) -> str | None:
    """Drop ``iri`` and check that the store holds nothing in it: None when so, else what is true."""
    for attempt in range(3):
        try:
            client.update(points.update, f"DROP SILENT GRAPH <{iri}>", timeout=timeout)
            if not client.ask(points.query, f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"):
                return None
        except _Failure as exc:
            return f"it could not be removed ({exc})"
        time.sleep(0.5 * (attempt + 1))  # a request still in flight wrote to it again: once more
    return "it was dropped but still holds triples (a request still in flight writes to it)"


def _cleanup(
    client: _Client, points: Endpoints, *, everything: bool, log: Log | None, timeout: float | None = None
) -> Cleanup:
    removed: list[str] = []
    kept: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    for iri in staging_graphs(client, points.query, timeout=timeout):
        why = _why_kept(iri, everything=everything)
        if why is not None:
            kept.append((iri, why))
            if log:
                log(f"left the staging graph <{iri}> in place: {why}")
            continue
        problem = _remove(client, points, iri, timeout)
        if problem is None:
            removed.append(iri)
            if log:
                log(
                    f"removed the staging graph <{iri}> left by an earlier push "
                    "(checked: the store holds nothing in it)"
                )
        else:
            failed.append((iri, problem))
            if log:
                log(f"the staging graph <{iri}> left by an earlier push is still there: {problem}")
    return Cleanup(tuple(removed), tuple(kept), tuple(failed), points)


def clean(
    endpoint: str,
    auth: tuple[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    log: Log | None = None,
) -> Cleanup:
    """Remove every staging graph on the store at ``endpoint`` except those of a push still
    running on this machine; each removal is checked. Do not run it while a push from another
    machine is running into this store (its swap would find its staging graph gone)."""
    endpoint, auth = _credentials_from_url(endpoint, auth)
    client = _Client(auth, timeout)
    try:
        try:
            points = discover(
                client,
                endpoint,
                staging_iri(),
                update=update_endpoint,
                store=store_endpoint,
                authenticated=auth is not None,
            )
            return _cleanup(client, points, everything=True, log=log, timeout=timeout * 10)
        except _Failure as exc:
            hint = " (are the credentials right?)" if exc.status in (401, 403) else ""
            raise PushError(f"{exc}{hint}", "Nothing was removed by this request.") from exc
    finally:
        client.close()


# --- the push ---------------------------------------------------------------------------------


def push(
    endpoint: str,
    files: Sequence[str | Path] | None = None,
    graph: str | None = None,
    replace: bool = False,
    auth: tuple[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    *,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    chunk_size: int | None = None,
    source: OxigraphStore | None = None,
    log: Log | None = None,
    staging: bool | None = None,
) -> PushResult:
    """Load the built graph (or ``files``, or the triples of ``source``, an
    :class:`~mgraph.core.store.OxigraphStore` such as :func:`read_graph` gives) into the named
    graph ``graph`` (default :data:`DEFAULT_GRAPH`) of the store at ``endpoint``, all or nothing.

    ``endpoint`` is any URL of the store (its root, or its query, update or Graph Store
    endpoint); the others are found by :func:`discover` unless given. ``auth`` is
    ``(user, password)``, sent as HTTP Basic or Digest as the server asks; a ``user:password@``
    part of the URL is used the same way. ``log`` is told each thing done on the store (staging
    graphs of earlier pushes removed, the endpoints used). ``staging``: True forces the staging
    graph and swap, False the one request into the target (only where it is all or nothing);
    None chooses (see the module doc). Raises :class:`PushError` (its message says what the store
    holds), :class:`PushInterrupted` on ``KeyboardInterrupt``, or
    :class:`~mgraph.core.errors.InputError`.

    Nothing listens on port 9 here, so nothing is loaded (with a store there, the same call
    loads the file's triples into the graph and returns a :class:`PushResult`):

    >>> import mgraph
    >>> mgraph.push("http://127.0.0.1:9/", files=["tests/fixtures/user/things.ttl"])
    Traceback (most recent call last):
    ...
    mgraph.publish.push.PushError: http://127.0.0.1:9/query: cannot reach the store (ConnectError)
    Nothing was loaded: the graph <https://w3id.org/mgraph/graph> is unchanged.
    >>> mgraph.push("ftp://example.org/sparql")
    Traceback (most recent call last):
    ...
    mgraph.core.errors.InputError: endpoint 'ftp://example.org/sparql' is not an http(s) URL
    """
    target = check_iri(graph or DEFAULT_GRAPH)
    if timeout is None or timeout <= 0:
        raise InputError("the timeout must be a positive number of seconds")
    endpoint, auth = _credentials_from_url(endpoint, auth)
    _check_url(endpoint, "endpoint")
    from mgraph.core.store import OxigraphStore

    if source is not None and not isinstance(source, OxigraphStore):
        raise InputError(f"source is an OxigraphStore (mgraph.core.store), not {type(source).__name__}")
    data = (source if source is not None else read_graph(files)).store  # streamed from pyoxigraph
    total = len(data)
    if not total:
        raise InputError("the graph to push holds no triples")
    started = time.monotonic()
    run = _Run(_Client(auth, timeout), target, total, replace, log)
    try:
        return run.push(
            endpoint,
            data,
            update_endpoint,
            store_endpoint,
            auth is not None,
            chunk_size,
            progress,
            staging,
            started,
        )
    finally:
        _ACTIVE.discard(run.staging)
        run.client.close()


def _credentials_from_url(url: str, auth: tuple[str, str] | None) -> tuple[str, tuple[str, str] | None]:
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, auth
    if auth is not None:
        raise InputError(f"{redact(url)}: give credentials either in the URL or as options, not both")
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    return redact(url), (user, password)


@dataclass
class _Run:
    """One push: its client, target, staging graph, and what the store held before."""

    client: _Client
    target: str
    total: int
    replace: bool
    log: Log | None
    staging: str = field(default_factory=staging_iri)
    removals: str | None = None  # the second staging graph of a push by difference
    before: int = 0
    points: Endpoints = field(default_factory=lambda: Endpoints("", "", None))

    @property
    def long(self) -> float:
        """The timeout of a request whose work grows with the graph (a swap, a count, a drop)."""
        return self.client.timeout + self.total / SWAP_RATE

    def say(self, text: str) -> None:
        if self.log is not None:
            self.log(text)

    def fresh_client(self) -> None:
        """After an interrupt the connection may be mid-request: close it (the store sees the
        request cut off) and talk on a new one."""
        old = self.client
        self.client = _Client(old.credentials, old.timeout, old.retries, old.max_wait)
        self.client.server = old.server
        old.close()

    def push(
        self,
        endpoint: str,
        data: ox.Store,
        update: str | None,
        store: str | None,
        authenticated: bool,
        chunk_size: int | None,
        progress: Progress | None,
        staging: bool | None,
        started: float,
    ) -> PushResult:
        nothing = f"Nothing was loaded: the graph <{self.target}> is unchanged."
        _ACTIVE.add(self.staging)
        try:
            self.points = discover(
                self.client, endpoint, self.staging, update=update, store=store, authenticated=authenticated
            )
            self.say(self.points.describe())
            self.before = self.client.select_count(self.points.query, self.target, timeout=self.long)
            cleaned = _cleanup(self.client, self.points, everything=False, log=self.log, timeout=self.long)
        except _Failure as exc:
            hint = " (are the credentials right?)" if exc.status in (401, 403) else ""
            raise PushError(f"{exc}{hint}", nothing) from exc
        except KeyboardInterrupt as exc:
            # The probes write nothing but this push's own (empty) staging graph.
            self.fresh_client()
            raise PushInterrupted(
                "push interrupted before loading anything", nothing + " " + self.drop_staging()
            ) from exc
        if not self.replace and self.before and _has_blank_nodes(data):
            raise InputError(
                f"the graph has blank nodes and <{self.target}> already holds {self.before} triples: "
                "adding it again would copy the blank nodes; give --replace to replace it"
            )
        direct = (
            self.points.oxigraph and self.points.store is not None and (not self.replace or self.before == 0)
        )
        if staging is False and not direct:
            raise InputError(
                "one request into the target is all or nothing only on Oxigraph server, "
                "when adding or when the target is empty"
            )
        result = None
        if staging is None and not direct and self.replace and self.points.oxigraph and self.points.store:
            result = self.by_difference(data, progress, started)
        if result is not None:
            pass
        elif staging or not direct:
            result = self.through_staging(data, chunk_size, progress, started)
        else:
            result = self.in_one_request(data, progress, started)
        return PushResult(**result, cleaned=cleaned.removed, endpoints=self.points)

    # --- one request into the target ---

    def in_one_request(self, data: ox.Store, progress: Progress | None, started: float) -> dict[str, Any]:
        import tempfile

        import pyoxigraph as ox

        assert self.points.store is not None
        sent = {"done": False}
        # Written by pyoxigraph at once (the client's CPU is then free for the upload), streamed
        # from the file: memory stays flat, and one request has one scope of blank node labels.
        spool = tempfile.TemporaryFile()
        data.dump(spool, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        size = max(spool.tell(), 1)

        def body() -> Iterator[bytes]:
            sent["done"] = False
            spool.seek(0)
            while piece := spool.read(STREAM_PIECE):
                yield piece
                if progress is not None:
                    progress(self.total * spool.tell() // size, self.total)
            sent["done"] = True

        begun = time.monotonic()
        try:
            with spool:
                self.client.request(
                    "POST",
                    self.points.store,
                    timeout=self.long,
                    params={"graph": self.target},
                    body=body,
                    headers={"Content-Type": "application/n-triples"},
                )
        except (_Failure, KeyboardInterrupt) as exc:
            interrupted = isinstance(exc, KeyboardInterrupt)
            if interrupted:
                self.fresh_client()
            state = self.state_after_one_request(bool(sent["done"]), getattr(exc, "status", None))
            error = PushInterrupted if interrupted else PushError
            reason = "interrupted" if interrupted else str(exc)
            raise error(f"push failed while sending the graph in one request: {reason}", state) from exc
        swapped = time.monotonic()
        after = self.count_after()
        expected_low = self.total if self.before == 0 else max(self.before, self.total)
        if not (expected_low <= after <= self.before + self.total):
            raise PushError(
                f"the store accepted the graph, but <{self.target}> holds {after} triples "
                f"(it held {self.before}; {self.total} were sent)",
                f"The graph <{self.target}> holds {after} triples: check the store.",
            )
        return {
            "graph": self.target,
            "triples": self.total,
            "before": self.before,
            "after": after,
            "replace": self.replace,
            "method": "one graph store request",
            "chunks": 1,
            "seconds": time.monotonic() - started,
            "visible": self.visible(data, after),
            "load_seconds": begun - started,
            "swap_seconds": swapped - begun,
        }

    def state_after_one_request(self, whole: bool, status: int | None) -> str:
        """What the target holds after the one request failed or was cut off, counted."""
        try:
            now = self.client.select_count(self.points.query, self.target, timeout=self.long)
        except (_Failure, KeyboardInterrupt) as exc:
            return (
                f"The store applies a request whole or not at all, so <{self.target}> holds either its "
                f"{self.before} triples or the new graph; counting it failed ({exc or 'interrupted'})."
            )
        if now != self.before:
            return (
                f"The graph <{self.target}> holds {now} triples (it held {self.before}): "
                "the store applied the request."
            )
        if whole and status is None:
            return (
                f"The graph <{self.target}> still holds its {now} triples; the store received the whole "
                "request and applies it whole or not at all, so it may still come to hold the new graph. "
                "No staging graph was used."
            )
        return (
            f"The graph <{self.target}> is unchanged (it holds the {now} triples it held before); "
            "no staging graph was used."
        )

    def visible(self, data: ox.Store, after: int) -> bool:
        """Does a query naming no graph see the pushed triples? (Not known: True, no warning.)"""
        try:
            return _visible(self.client, self.points.query, data)
        except _Failure:
            return True
        except KeyboardInterrupt as exc:
            raise PushInterrupted(
                "push interrupted after it was done",
                f"The graph <{self.target}> holds the new graph ({after} triples).",
            ) from exc

    def count_after(self) -> int:
        try:
            return self.client.select_count(self.points.query, self.target, timeout=self.long)
        except _Failure as exc:
            raise PushError(
                f"the graph was pushed, but counting it failed: {exc}",
                f"The store accepted the graph into <{self.target}>.",
            ) from exc
        except KeyboardInterrupt as exc:
            raise PushInterrupted(
                "push interrupted while counting", f"The store accepted the graph into <{self.target}>."
            ) from exc

    # --- a staging graph, then one swap ---

    def through_staging(
        self, data: ox.Store, chunk_size: int | None, progress: Progress | None, started: float
    ) -> dict[str, Any]:
        points, staging, target = self.points, self.staging, self.target
        size = chunk_size or (GSP_CHUNK if points.store else UPDATE_CHUNK)
        unchanged = f"The graph <{target}> is unchanged (it holds the {self.before} triples it held before)"
        sent = count = 0
        try:
            for chunk in chunks(data, size):
                _send_chunk(self.client, points, staging, chunk)
                count += 1
                sent += len(chunk)
                if progress is not None:
                    progress(sent, self.total)
            loaded = self.client.select_count(points.query, staging, timeout=self.long)
            if loaded != self.total:
                raise _Failure(
                    f"the store counts {loaded} triples in the staging graph, not the {self.total} sent",
                    sent=True,
                )
        except (_Failure, KeyboardInterrupt) as exc:
            self.loading_failed(exc, "the staging graph", unchanged)
        # One operation, so the swap is one request and one statement: Virtuoso applies the
        # statements of a multi-statement update one by one and keeps the first when a later fails.
        swap = f"MOVE <{staging}> TO <{target}>" if self.replace else f"ADD <{staging}> TO <{target}>"
        loaded_at = time.monotonic()
        try:
            self.client.update(points.update, swap, timeout=self.long)
        except _Failure as exc:
            if exc.status is not None:  # the store answered with an error: see what it holds
                state = self.state_after_refusal() + "; " + self.drop_staging()
            else:
                state = self.state_after_lost_swap()
            raise PushError(f"push failed while swapping the staging graph in: {exc}", state) from exc
        except KeyboardInterrupt as exc:
            self.fresh_client()
            raise PushInterrupted("push interrupted during the swap", self.state_after_lost_swap()) from exc
        swapped_at = time.monotonic()
        leftover = None
        if not self.replace:  # MOVE removed the staging graph; ADD leaves it
            note = self.drop_staging()
            leftover = None if "was removed" in note else note
        after = self.count_after()
        visible = self.visible(data, after)
        return {
            "graph": target,
            "triples": self.total,
            "before": self.before,
            "after": after,
            "replace": self.replace,
            "method": "graph store protocol" if points.store else "sparql update",
            "chunks": count,
            "seconds": time.monotonic() - started,
            "visible": visible,
            "leftover": leftover,
            "load_seconds": loaded_at - started,
            "swap_seconds": swapped_at - loaded_at,
        }

    def loading_failed(self, exc: BaseException, what: str, unchanged: str) -> NoReturn:
        """Loading ``what`` failed or was interrupted: drop the staging graph (checked), say so."""
        interrupted = isinstance(exc, KeyboardInterrupt)
        if interrupted:
            self.fresh_client()
        error = PushInterrupted if interrupted else PushError
        reason = "interrupted" if interrupted else str(exc)
        raise error(
            f"push failed while loading {what}: {reason}",
            unchanged + "; " + self.drop_staging(),
        ) from exc

    def drop_staging(self) -> str:
        """Remove the staging graph(s) and check they are gone; the sentence says what is true."""
        return " ".join(self.drop(iri) for iri in [self.staging, self.removals] if iri)

    def drop(self, iri: str) -> str:
        try:
            problem = (
                _remove(self.client, self.points, iri, self.long)
                if self.points.update
                else "no update endpoint was found"
            )
        except KeyboardInterrupt:
            problem = "interrupted again while removing it"
        if problem is None:
            return f"the staging graph <{iri}> was removed (checked: the store holds nothing in it)."
        return (
            f"the staging graph <{iri}> may still be on the store: {problem}; the next push "
            f"or `mgraph push --clean` removes it (or `DROP SILENT GRAPH <{iri}>`)."
        )

    # --- the difference, in one update (Oxigraph server, replacing a graph that holds triples) ---

    def by_difference(
        self, data: ox.Store, progress: Progress | None, started: float
    ) -> dict[str, Any] | None:
        """Replace the target by writing only what differs: the triples to add go into the
        staging graph, those to remove into a second one, and one update (one transaction on
        Oxigraph) deletes, inserts and drops both. None: not worth it (more differs than the
        graph holds) or not possible (blank nodes), use the staging graph and MOVE."""
        import tempfile

        import pyoxigraph as ox

        assert self.points.store is not None
        if _has_blank_nodes(data):
            return None
        unchanged = (
            f"The graph <{self.target}> is unchanged (it holds the {self.before} triples it held before)"
        )
        # Compared as N-Triples lines: both sides are written by Oxigraph's serializer, one line
        # per triple. Were a term written two ways, its triple would be removed and added again.
        with tempfile.TemporaryFile() as spool:
            data.dump(spool, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            spool.seek(0)
            new = set(spool.read().splitlines())
        try:
            response = self.client.request(
                "GET",
                self.points.store,
                timeout=self.long,
                params={"graph": self.target},
                headers={"Accept": "application/n-triples"},
            )
            old = set(response.content.splitlines())
            del response
        except KeyboardInterrupt as exc:
            self.fresh_client()
            raise PushInterrupted("push interrupted while reading the target", unchanged + ".") from exc
        except _Failure:  # reading the target only saves work: use MOVE
            return None
        old.discard(b"")
        if any(line.startswith(b"_:") or b" _:" in line for line in old) or len(old) != self.before:
            return None  # blank nodes, or not what was counted: use MOVE
        additions = sorted(new - old)
        deletions = sorted(old - new)
        del new, old
        if len(additions) + len(deletions) >= self.total:
            return None
        self.removals = staging_iri()
        _ACTIVE.add(self.removals)
        try:
            return self.apply_difference(data, additions, deletions, progress, started, unchanged)
        finally:
            _ACTIVE.discard(self.removals)

    def apply_difference(
        self,
        data: ox.Store,
        additions: list[bytes],
        deletions: list[bytes],
        progress: Progress | None,
        started: float,
        unchanged: str,
    ) -> dict[str, Any]:

        assert self.removals is not None
        sent = chunk_count = 0
        try:
            for graph, triples in ((self.staging, additions), (self.removals, deletions)):
                for start in range(0, len(triples), GSP_CHUNK):
                    chunk = triples[start : start + GSP_CHUNK]
                    _send_lines(self.client, self.points, graph, b"\n".join(chunk) + b"\n")
                    chunk_count += 1
                    sent += len(chunk)
                    if progress is not None:
                        progress(sent, len(additions) + len(deletions))
                loaded = self.client.select_count(self.points.query, graph, timeout=self.long)
                if loaded != len(triples):
                    raise _Failure(
                        f"the store counts {loaded} triples in the staging graph <{graph}>, not the "
                        f"{len(triples)} sent",
                        sent=True,
                    )
        except (_Failure, KeyboardInterrupt) as exc:
            self.loading_failed(exc, "the staging graphs", unchanged)
        t, a, r = self.target, self.staging, self.removals
        swap = (
            f"DELETE {{ GRAPH <{t}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{r}> {{ ?s ?p ?o }} }} ;\n"
            f"INSERT {{ GRAPH <{t}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{a}> {{ ?s ?p ?o }} }} ;\n"
            f"DROP SILENT GRAPH <{a}> ;\nDROP SILENT GRAPH <{r}>"
        )
        loaded_at = time.monotonic()
        if additions or deletions:
            try:
                self.client.update(self.points.update, swap, timeout=self.long)
            except _Failure as exc:
                if exc.status is not None:
                    state = self.state_after_refusal() + "; " + self.drop_staging()
                else:
                    state = self.state_after_lost_swap()
                raise PushError(f"push failed while applying the difference: {exc}", state) from exc
            except KeyboardInterrupt as exc:
                self.fresh_client()
                raise PushInterrupted(
                    "push interrupted while applying the difference", self.state_after_lost_swap()
                ) from exc
        else:
            self.drop_staging()  # the probe's empty graph
        swapped_at = time.monotonic()
        after = self.count_after()
        if after != self.total:
            raise PushError(
                f"the difference was applied, but <{t}> holds {after} triples, not the {self.total} pushed "
                "(did another writer change it meanwhile?)",
                f"The graph <{t}> holds {after} triples: push again with --replace.",
            )
        return {
            "graph": t,
            "triples": self.total,
            "before": self.before,
            "after": after,
            "replace": self.replace,
            "method": f"difference (+{len(additions)} -{len(deletions)}) in one update",
            "chunks": chunk_count,
            "seconds": time.monotonic() - started,
            "visible": self.visible(data, after),
            "load_seconds": loaded_at - started,
            "swap_seconds": swapped_at - loaded_at,
        }

    def state_after_refusal(self) -> str:
        try:
            now = self.client.select_count(self.points.query, self.target)
        except _Failure as exc:
            return f"The store refused the swap; counting <{self.target}> afterwards failed too ({exc})"
        if now == self.before:
            return f"The store refused the swap: the graph <{self.target}> is unchanged ({now} triples)"
        return (
            f"The store refused the swap but changed the graph <{self.target}> (it held {self.before} "
            f"triples, it holds {now})"
        )

    def state_after_lost_swap(self) -> str:
        """The swap was sent and its answer lost: say what the store holds now, counted."""
        swapped = "the new graph"
        try:
            now = self.client.select_count(self.points.query, self.target, timeout=self.long)
            left = self.client.select_count(self.points.query, self.staging, timeout=self.long)
        except (_Failure, KeyboardInterrupt) as exc:
            return (
                f"The swap request was sent but its answer was lost: <{self.target}> holds either its "
                f"{self.before} triples or {swapped} (the store applies the swap whole), and counting "
                f"failed ({exc or 'interrupted'}); the next push or `mgraph push --clean` removes "
                f"<{self.staging}> if it is left."
            )
        held = {self.staging: left}
        if self.removals:
            try:
                held[self.removals] = self.client.select_count(
                    self.points.query, self.removals, timeout=self.long
                )
            except (_Failure, KeyboardInterrupt):
                held[self.removals] = -1  # not known
        if self.replace and not any(held.values()):
            return (
                f"The swap was applied: <{self.target}> holds {now} triples, the new graph; "
                "no staging graph is left."
            )
        staged = " and ".join(
            f"the staging graph <{iri}> holds {n}"
            if n >= 0
            else f"the staging graph <{iri}> may hold triples"
            for iri, n in held.items()
        )
        return (
            f"The swap request was sent but its answer was lost: <{self.target}> holds {now} triples "
            f"(it held {self.before}) and {staged}. The store applies the swap whole, and may still "
            "be applying it; the staging graphs are not removed now (a swap in flight needs them): "
            "the next push or `mgraph push --clean` removes them."
        )


def _send_chunk(client: _Client, points: Endpoints, staging: str, chunk: Iterable[ox.Triple]) -> None:
    import pyoxigraph as ox

    _send_lines(client, points, staging, ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"")


def _send_lines(client: _Client, points: Endpoints, staging: str, body: bytes) -> None:
    """N-Triples into the staging graph: a Graph Store POST, or an ``INSERT DATA``."""
    if points.store:
        client.request(
            "POST",
            points.store,
            # Oxigraph's bulk loader (``no_transaction``) is ten times faster than its
            # transactions and is safe here: only the staging graph is written, and it is
            # counted before anything touches the target.
            params={"graph": staging, **({"no_transaction": ""} if points.bulk else {})},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        )
    else:
        text = body.decode("utf-8")
        client.update(points.update, f"INSERT DATA {{ GRAPH <{staging}> {{\n{text}}} }}")


def _visible(client: _Client, query_endpoint: str, data: ox.Store) -> bool:
    """Does a query naming no graph see one of the pushed triples?"""
    import pyoxigraph as ox

    for quad in data.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            continue
        pattern = f"{quad.subject} {quad.predicate} {quad.object}"
        return client.ask(query_endpoint, f"ASK {{ {pattern} }}")
    return True
