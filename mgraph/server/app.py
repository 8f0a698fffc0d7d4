"""The Starlette application of ``mgraph serve``: routes, limits, CORS, access log, lifespan.

Routes: ``/sparql`` (the Protocol, :mod:`mgraph.server.protocol`), ``/`` (the query page),
``/id/<kind>/<id>`` (entity pages), ``/class/<name>`` (class pages; ``/class`` lists the
classes), ``/ontology`` (the ontology documentation, an anchor per term), ``/.well-known/void``
and ``/.well-known/sparql-examples`` (:mod:`mgraph.server.wellknown`), ``/library/<name>``
(a library query with its parameters bound), ``/static/...`` (our assets and the vendored
editor), ``/ready`` (readiness).

Request bodies are limited (:class:`BodyLimit`: ``Content-Length`` checked first, then bytes
counted as they arrive), CORS headers are sent only for the origins given with ``--cors``, and
every request is logged in one line of the Combined Log Format by :class:`AccessLog` (the path
without its query string: query texts are never logged). Each request's client and arrival are
recorded (:class:`RequestContext`) for the worker pool's time limit and fair use; a client over
its budget is answered 429 with ``Retry-After``. With ``--public``, responses also carry
``X-Content-Type-Options: nosniff`` and ``X-Frame-Options: DENY``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mgraph.server import pages, protocol, wellknown
from mgraph.server.connections import Guard
from mgraph.server.dataset import Dataset
from mgraph.server.pool import REQUEST
from mgraph.server.state import Config, ProtocolError, Server, error_response

__all__ = ["Config", "create_app"]

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("mgraph.serve")
ACCESS = logging.getLogger("mgraph.serve.access")

ROUTE_MODULES = (protocol, pages, wellknown)
"""The modules that answer requests, each listing its paths in ``ROUTES``: a route is a line there,
a new module of routes its name here."""


SLOW_READER_FACTOR = 3
"""A response part the client does not take within this many client timeouts drops the client."""


class SlowReader(Exception):
    """The client stopped reading its response; the connection is dropped (see AccessLog)."""


class BodyLimit:
    """Answer 413 to a request body over ``limit`` bytes, without reading more than the limit, and
    408 to one that does not arrive in full within ``seconds`` (a slow client holds no task); a
    client that takes no part of its response for ``SLOW_READER_FACTOR * seconds`` is dropped."""

    def __init__(self, app: ASGIApp, limit: int, seconds: float | None = None) -> None:
        self.app = app
        self.limit = limit
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                await self._reject(scope, receive, send, 413)
                return
        if self.seconds is not None:
            send = self._timed(send, self.seconds * SLOW_READER_FACTOR)
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        deadline = None if self.seconds is None else time.monotonic() + self.seconds
        while more:
            try:
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                async with asyncio.timeout(remaining):
                    message = await receive()
            except TimeoutError:
                await self._reject(scope, receive, send, 408)
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._reject(scope, receive, send, 413)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    def _timed(send: Send, seconds: float) -> Send:
        """``send``, but a client that takes none of the response for ``seconds`` is dropped."""

        async def timed(message: Message) -> None:
            try:
                async with asyncio.timeout(seconds):
                    await send(message)
            except TimeoutError:
                raise SlowReader from None

        return timed

    async def _reject(self, scope: Scope, receive: Receive, send: Send, status: int) -> None:
        """Answer a body we will not read (413: too large; 408: too slow) and close the connection."""
        if status == 413:
            message = f"Request body too large: the limit is {self.limit} bytes (the server's --max-body)"
        else:
            message = f"Request body too slow: not received within {self.seconds:g} s"
        response = Response(
            message + "\n",
            status_code=status,
            media_type="text/plain; charset=utf-8",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


class AccessLog:
    """One line per request in the Combined Log Format; the path only (a query string may hold secrets).

    ``client - user [time] "METHOD /path HTTP/1.1" status bytes "referer" "user-agent"`` (the
    user is the ``--auth`` token's name, else ``-``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        size = 0

        async def logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        if not ACCESS.isEnabledFor(logging.INFO):  # --quiet: no line, and no time spent on one
            try:
                await self.app(scope, receive, send)
            except SlowReader:
                pass
            return
        try:
            await self.app(scope, receive, logged)
        except SlowReader:
            pass  # uvicorn closes a connection whose response was left unfinished
        finally:
            client = scope.get("client") or ("-", 0)
            headers = dict(scope["headers"])
            ACCESS.info(
                '%s - %s [%s] "%s %s HTTP/%s" %d %s "%s" "%s"',
                client[0],
                _clean(str(scope.get("mgraph.user", "-"))),
                time.strftime("%d/%b/%Y:%H:%M:%S %z"),
                scope["method"],
                _clean(scope["path"]),
                scope.get("http_version", "1.1"),
                status or 500,
                size or "-",
                _clean(headers.get(b"referer", b"-").decode("latin-1")),
                _clean(headers.get(b"user-agent", b"-").decode("latin-1")),
            )


def _clean(text: str) -> str:
    """A log field: no quotes, backslashes or control characters a client could forge lines with."""
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}" for c in text[:500])


class RequestContext:
    """Record each request's client and arrival for the pool (time limit from arrival, fair use).

    The client is its address, or with ``--auth`` the name of the bearer token it sends
    (``Authorization: Bearer TOKEN``; a request without one is still identified by its address,
    one with a token the server does not know is answered 401). The name is the access log's
    user field; the token itself is never logged.
    """

    def __init__(self, app: ASGIApp, tokens: dict[str, str] | None = None) -> None:
        self.app = app
        self.tokens = tokens or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrival = time.monotonic()
        client = str((scope.get("client") or ("-", 0))[0])
        if self.tokens:
            header = dict(scope["headers"]).get(b"authorization")
            if header is not None:
                name = self._name(header.decode("latin-1"))
                if name is None:
                    response = Response(
                        "Unknown or malformed bearer token\n",
                        status_code=401,
                        media_type="text/plain; charset=utf-8",
                        headers={"WWW-Authenticate": 'Bearer realm="mgraph"'},
                    )
                    await response(scope, receive, send)
                    return
                client = f"token:{name}"
                scope["mgraph.user"] = name
        REQUEST.set((client, arrival))
        await self.app(scope, receive, send)

    def _name(self, header: str) -> str | None:
        import hmac

        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        given = token.strip().encode("utf-8", "replace")
        found = None
        for known, name in self.tokens.items():  # every token compared, in constant time each
            if hmac.compare_digest(given, known.encode("utf-8")):
                found = name
        return found


class SecurityHeaders:
    """``--public``: headers that keep browsers from sniffing types or framing the pages."""

    HEADERS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


def protocol_error(request: Request, exc: Exception) -> Response:
    """A ProtocolError that a handler left to the application (a page's 429 or 503, say)."""
    assert isinstance(exc, ProtocolError)
    return error_response(exc)


async def ready(request: Request) -> Response:
    """200 when the workers are up, 503 otherwise; counts for monitoring."""
    server: Server = request.app.state.server
    alive = server.pool.alive()
    body: dict[str, Any] = {
        "ready": server.ready and alive > 0,
        "workers": alive,
        "idle": server.pool.idle,
        "waiting": server.pool.waiting,
        "killed": server.pool.killed,
        "preempted": server.pool.preempted,
        "demoted": server.pool.demoted,
        "budget": server.config.budget,
        "refused_over_budget": server.pool.fair.refused,
        "triples": server.dataset.triples,
        "storage": server.dataset.storage,
    }
    if server.guard is not None:
        body.update(server.guard.stats())
    return JSONResponse(body, status_code=200 if body["ready"] else 503)


def create_app(dataset: Dataset, config: Config, guard: Guard | None = None) -> Starlette:
    """The application; its lifespan starts the workers and stops them (and removes temp files).

    ``guard`` is the connection guard of the HTTP server in front (its figures go in ``/ready``).
    """
    server = Server(dataset, config, guard)
    wellknown.install(server)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            await server.pool.start()
            server.ready = True
            yield
        finally:
            server.ready = False
            server.pool.close()
            dataset.close()

    middleware = [
        Middleware(AccessLog),
        Middleware(RequestContext, tokens=config.tokens),
        Middleware(BodyLimit, limit=config.max_body, seconds=guard.client_timeout if guard else None),
    ]
    if config.public:
        middleware.insert(1, Middleware(SecurityHeaders))
    if config.cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=config.cors,
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
            )
        )
    routes = [
        Route("/ready", ready, methods=["GET"]),
        Route("/healthz", ready, methods=["GET"]),
        *(route for module in ROUTE_MODULES for route in module.ROUTES),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
        Mount("/vendor", app=StaticFiles(directory=HERE / "vendor"), name="vendor"),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={ProtocolError: protocol_error},
    )
    app.state.server = server
    return app
