"""Load the graph into a remote triple store, all or nothing: :func:`push`.

The graph goes first into a **staging graph** (a fresh named graph, ``<target>#staging-<random>``),
in chunks, through the SPARQL 1.1 Graph Store Protocol (HTTP POST of N-Triples to
``?graph=<staging>``) when the store has a Graph Store endpoint, else through SPARQL Update
(``INSERT DATA``). The store's count of the staging graph is then checked against ours, and only
then is the staging graph swapped into the target with **one** update request: ``MOVE`` (with
``replace``: the target becomes exactly this graph) or ``ADD`` then ``DROP`` (without: the triples
are added to what the target holds, so pushing the same graph twice changes nothing). A Graph Store
PUT is never sent to the target: Oxigraph clears the target before it loads a PUT body.

On any failure before the swap the target is untouched and the staging graph is dropped (best
effort); the error says which of these held. Every request has a timeout; HTTP 429 and 503 are
retried a bounded number of times, waiting as ``Retry-After`` asks. Credentials (HTTP Basic or
Digest, chosen by the server's challenge) are never put in a message: URLs are shown without
their user part.

**Which graph.** By default the graph goes into the named graph :data:`DEFAULT_GRAPH`, never the
store's default graph, so a push never overwrites anything else the store holds. The library
queries ask the default graph; Virtuoso's default graph is the union of every graph, and Oxigraph
server's is when it runs with ``--union-default-graph``. :attr:`PushResult.visible` says whether the
pushed triples are seen by a query that names no graph.
"""

from __future__ import annotations

import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgraph.errors import EXIT_FAILED, InputError, MgraphError
from mgraph.terms import check_iri

if TYPE_CHECKING:
    import httpx
    import pyoxigraph as ox

DEFAULT_GRAPH = "https://w3id.org/mgraph/graph"
"""The named graph a push goes to when no graph is given."""

DEFAULT_TIMEOUT = 60.0
"""Seconds one request may take (connecting, sending, answering) before the push gives up."""

GSP_CHUNK = 50_000
"""Triples per Graph Store POST (a few MB of N-Triples)."""

UPDATE_CHUNK = 1_000
"""Triples per ``INSERT DATA`` request (Virtuoso's update parser runs out of memory near 5,000)."""

MAX_RETRIES = 5
"""How many times one request is retried after HTTP 429 or 503."""

MAX_RETRY_WAIT = 60.0

SWAP_RATE = 2_000
"""Triples a second the swap (and a count of a big graph) is given on top of the timeout:
Oxigraph server moves about 10,000 triples a second in one update, so a big graph's swap
outlasts any fixed timeout."""
"""Longest ``Retry-After`` honoured; a server asking for more makes the push give up."""

Progress = Callable[[int, int], None]
"""``progress(triples_sent, triples_total)``, called after each chunk."""


class PushError(MgraphError):
    """The push failed; ``state`` says in one sentence what the store holds now."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, state: str) -> None:
        self.state = state
        super().__init__(f"{message}\n{state}")


@dataclass(frozen=True)
class Endpoints:
    """Where to send queries, updates and Graph Store requests (``store`` None: use updates)."""

    query: str
    update: str
    store: str | None
    bulk: bool = False  # Oxigraph server: load the staging graph with its bulk loader


@dataclass(frozen=True)
class PushResult:
    """What a push did, counted by the store itself."""

    graph: str
    triples: int  # distinct triples pushed
    before: int  # triples the target held before
    after: int  # triples the target holds now
    replace: bool
    method: str  # "graph store protocol" or "sparql update"
    chunks: int
    seconds: float
    visible: bool  # a query naming no graph sees the pushed triples
    leftover: str | None = None  # the staging graph could not be removed: what to do
    load_seconds: float = 0.0  # sending the chunks into the staging graph and counting them
    swap_seconds: float = 0.0  # the one swap update


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
    """The update and Graph Store endpoints of a query endpoint, for the server families we know.

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


# --- reading the graph ------------------------------------------------------------------------


def read_graph(files: Sequence[str | Path] | None = None) -> ox.Store:
    """The triples to push, in an in-memory pyoxigraph store (so duplicates count once).

    No files: the built graph ``dist/mercury.nt``. Files are read through
    :func:`mgraph.safety.parse_user_file` (local files only, named graphs merged).
    """
    import pyoxigraph as ox

    if files:
        from mgraph.safety import parse_user_file
        from mgraph.terms import to_oxigraph

        store = ox.Store()
        for file in files:
            graph = parse_user_file(file)
            store.bulk_extend(ox.Quad(*(to_oxigraph(t) for t in triple)) for triple in graph)
        return store
    from mgraph.graphs import default_graph_file

    built = default_graph_file()
    if built is None:
        raise InputError("no built graph (dist/mercury.nt): run `mgraph build` first, or give files")
    return read_trusted_file(built)


def read_trusted_file(path: str | Path) -> ox.Store:
    """Our own N-Triples file (the release), read by pyoxigraph directly."""
    import pyoxigraph as ox

    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot read the graph: {exc}") from exc
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
        self.timeout = timeout
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
        for attempt in range(self.retries + 1):
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
            raise _Failure(f"{redact(endpoint)}: did not answer with SPARQL JSON results", sent=True) from exc

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
    source: ox.Store | None = None,
) -> PushResult:
    """Load the built graph (or ``files``, or the triples of ``source``) into the named graph
    ``graph`` (default :data:`DEFAULT_GRAPH`) of the store at ``endpoint``, all or nothing.

    ``endpoint`` is the store's SPARQL query endpoint; its update and Graph Store endpoints are
    derived from it (:func:`derive_endpoints`) unless given. ``auth`` is ``(user, password)``,
    sent as HTTP Basic or Digest as the server asks; a ``user:password@`` part of the URL is
    used the same way. Raises :class:`PushError` (the target holds what it held before, unless
    the message says otherwise) or :class:`~mgraph.errors.InputError`.
    """
    target = check_iri(graph or DEFAULT_GRAPH)
    if timeout is None or timeout <= 0:
        raise InputError("the timeout must be a positive number of seconds")
    endpoint, auth = _credentials_from_url(endpoint, auth)
    points = derive_endpoints(endpoint, update_endpoint, store_endpoint, authenticated=auth is not None)
    data = source if source is not None else read_graph(files)
    total = len(data)
    if not total:
        raise InputError("the graph to push holds no triples")
    method = "graph store protocol" if points.store else "sparql update"
    size = chunk_size or (GSP_CHUNK if points.store else UPDATE_CHUNK)
    started = time.monotonic()
    client = _Client(auth, timeout)
    try:
        return _push(client, points, data, total, target, replace, method, size, progress, started)
    finally:
        client.close()


def _credentials_from_url(url: str, auth: tuple[str, str] | None) -> tuple[str, tuple[str, str] | None]:
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, auth
    if auth is not None:
        raise InputError(f"{redact(url)}: give credentials either in the URL or as options, not both")
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    return redact(url), (user, password)


def _push(
    client: _Client,
    points: Endpoints,
    data: ox.Store,
    total: int,
    target: str,
    replace: bool,
    method: str,
    size: int,
    progress: Progress | None,
    started: float,
) -> PushResult:
    long = client.timeout + total / SWAP_RATE  # the swap and the counts of big graphs
    staging = f"{target}#staging-{secrets.token_hex(8)}"
    try:
        before = client.select_count(points.query, target, timeout=long)
        # An update that changes nothing: are we allowed to write, with these credentials?
        client.update(points.update, f"DROP SILENT GRAPH <{staging}>")
    except _Failure as exc:
        hint = " (are the credentials right?)" if exc.status in (401, 403) else ""
        raise PushError(f"{exc}{hint}", f"Nothing was loaded: the graph <{target}> is unchanged.") from exc
    if not replace and before and _has_blank_nodes(data):
        raise InputError(
            f"the graph has blank nodes and <{target}> already holds {before} triples: "
            "adding it again would copy the blank nodes; give --replace to replace it"
        )
    unchanged = f"The graph <{target}> is unchanged (it holds the {before} triples it held before)"
    sent = 0
    count = 0
    try:
        for chunk in chunks(data, size):
            _send_chunk(client, points, staging, chunk)
            count += 1
            sent += len(chunk)
            if progress is not None:
                progress(sent, total)
        loaded = client.select_count(points.query, staging, timeout=long)
        if loaded != total:
            raise _Failure(
                f"the store counts {loaded} triples in the staging graph, not the {total} sent", sent=True
            )
    except (_Failure, KeyboardInterrupt) as exc:
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)
        raise PushError(
            f"push failed while loading the staging graph: {reason}",
            unchanged + "; " + _drop_staging(client, points, staging, long),
        ) from exc
    # One operation, so the swap is one request and one statement: Virtuoso applies the
    # statements of a multi-statement update one by one and keeps the first when a later fails.
    swap = f"MOVE <{staging}> TO <{target}>" if replace else f"ADD <{staging}> TO <{target}>"
    loaded_at = time.monotonic()
    try:
        client.update(points.update, swap, timeout=long)
    except _Failure as exc:
        if exc.status is not None:  # the store answered with an error: see what it holds
            state = (
                _state_after_refusal(client, points, target, before)
                + "; "
                + _drop_staging(client, points, staging, long)
            )
        else:
            state = (
                f"The swap request was sent but its answer was lost: the graph <{target}> "
                f"may hold either its old triples or the new ones; check with "
                f"`SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}`, "
                f"and drop <{staging}> if it is still there."
            )
        raise PushError(f"push failed while swapping the staging graph in: {exc}", state) from exc
    except KeyboardInterrupt as exc:
        raise PushError(
            "push interrupted during the swap",
            f"The graph <{target}> may hold either its old triples or the new ones; "
            f"drop <{staging}> if it is still there.",
        ) from exc
    swapped_at = time.monotonic()
    leftover = None
    if not replace:  # MOVE removed the staging graph; ADD leaves it
        note = _drop_staging(client, points, staging, long)
        leftover = None if note.endswith("was removed.") else note
    try:
        after = client.select_count(points.query, target, timeout=long)
        visible = _visible(client, points.query, data)
    except _Failure as exc:
        raise PushError(
            f"the graph was pushed, but counting it failed: {exc}",
            f"The graph <{target}> holds the pushed triples.",
        ) from exc
    return PushResult(
        target,
        total,
        before,
        after,
        replace,
        method,
        count,
        time.monotonic() - started,
        visible,
        leftover,
        loaded_at - started,
        swapped_at - loaded_at,
    )


def _send_chunk(client: _Client, points: Endpoints, staging: str, chunk: Iterable[ox.Triple]) -> None:
    import pyoxigraph as ox

    body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b""
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


def _state_after_refusal(client: _Client, points: Endpoints, target: str, before: int) -> str:
    try:
        now = client.select_count(points.query, target)
    except _Failure as exc:
        return f"The store refused the swap; counting <{target}> afterwards failed too ({exc})"
    if now == before:
        return f"The store refused the swap: the graph <{target}> is unchanged ({now} triples)"
    return (
        f"The store refused the swap but changed the graph <{target}> (it held {before} "
        f"triples, it holds {now})"
    )


def _drop_staging(client: _Client, points: Endpoints, staging: str, timeout: float | None = None) -> str:
    try:
        client.update(points.update, f"DROP SILENT GRAPH <{staging}>", timeout=timeout)
    except _Failure as exc:
        return (
            f"the staging graph <{staging}> could not be removed ({exc}): "
            f"remove it with `DROP SILENT GRAPH <{staging}>`."
        )
    return f"the staging graph <{staging}> was removed."


def _visible(client: _Client, query_endpoint: str, data: ox.Store) -> bool:
    """Does a query naming no graph see one of the pushed triples?"""
    import pyoxigraph as ox

    for quad in data.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            continue
        pattern = f"{quad.subject} {quad.predicate} {quad.object}"
        return client.ask(query_endpoint, f"ASK {{ {pattern} }}")
    return True
