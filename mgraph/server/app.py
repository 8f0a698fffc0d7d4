"""The Starlette application of ``mgraph serve``: routes, limits, CORS, access log, lifespan.

Routes: ``/sparql`` (the Protocol, :mod:`mgraph.server.protocol`), ``/`` (the query page),
``/id/<kind>/<id>`` (entity pages), ``/class/<name>`` (class pages; ``/class`` lists the
classes), ``/ontology`` (the ontology documentation, an anchor per term), ``/.well-known/void``
and ``/.well-known/sparql-examples`` (:mod:`mgraph.server.wellknown`), ``/library/<name>``
(a library query with its parameters bound), ``/static/...`` (our assets and the vendored
editor), ``/ready`` (readiness).

Request bodies are limited (:class:`BodyLimit`: ``Content-Length`` checked first, then bytes
counted as they arrive), CORS headers are sent only for the origins given with ``--cors``, and
every request is logged in one line (method, path without its query string, status, size, time)
by :class:`AccessLog`: query texts are never logged.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mgraph.server import negotiation, pages, protocol, wellknown
from mgraph.server.dataset import Dataset
from mgraph.server.pool import WorkerPool

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("mgraph.serve")


@dataclass
class Config:
    """What ``mgraph serve`` was told; the defaults are the command's."""

    timeout: float = 30.0
    max_results: int = 100_000
    max_body: int = 1024 * 1024
    workers: int = 2
    cors: list[str] = field(default_factory=list)
    max_depth: int = 200


class Server:
    """The state every request handler shares: the dataset, the worker pool and the limits."""

    def __init__(self, dataset: Dataset, config: Config) -> None:
        from mgraph.namespaces import PREFIXES

        self.dataset = dataset
        self.config = config
        self.prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
        self.pool = WorkerPool(str(dataset.path), config.workers, self.prefixes)
        self.ready = False
        self.label_index: list[tuple[str, str]] | None = None  # (IRI, label), for suggestions

    def job(self, text: str, accept: str | None, fmt: str | None) -> dict[str, Any]:
        """A worker job for a query, screened and with its formats negotiated (or ProtocolError)."""
        form = protocol.screen(self, text)
        results = negotiation.choose(negotiation.RESULTS_TYPES, accept, fmt)
        graph = negotiation.choose(negotiation.GRAPH_TYPES, accept, fmt)
        wanted = graph if form in ("CONSTRUCT", "DESCRIBE") else results
        if wanted is None:
            table = (
                negotiation.GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else negotiation.RESULTS_TYPES
            )
            offered = ", ".join(types[0] for types in table.values())
            raise protocol.ProtocolError(406, f"Not Acceptable: a {form} result can be sent as {offered}")
        return {
            "query": text,
            "subs": {},
            "results_format": (results or ("json", ""))[0],
            "graph_format": (graph or ("turtle", ""))[0],
            "max_results": self.config.max_results,
        }


class BodyLimit:
    """Answer 413 to a request body over ``limit`` bytes, without reading more than the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

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
                await self._refuse(scope, receive, send)
                return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
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

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = Response(
            f"Request body too large: the limit is {self.limit} bytes (the server's --max-body)\n",
            status_code=413,
            media_type="text/plain; charset=utf-8",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


class AccessLog:
    """One log line per request: client, method, path (no query string: it may hold secrets), status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0
        size = 0

        async def logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged)
        finally:
            client = scope.get("client") or ("-", 0)
            LOG.info(
                '%s "%s %s" %d %d %.1fms',
                client[0],
                scope["method"],
                scope["path"],
                status,
                size,
                (time.perf_counter() - start) * 1000,
            )


async def ready(request: Request) -> Response:
    """200 when the workers are up, 503 otherwise; counts for monitoring."""
    server: Server = request.app.state.server
    alive = server.pool.alive()
    body = {
        "ready": server.ready and alive > 0,
        "workers": alive,
        "idle": server.pool.idle,
        "killed": server.pool.killed,
        "triples": server.dataset.triples,
    }
    return JSONResponse(body, status_code=200 if body["ready"] else 503)


def create_app(dataset: Dataset, config: Config) -> Starlette:
    """The application; its lifespan starts the workers and stops them (and removes temp files)."""
    server = Server(dataset, config)
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

    middleware = [Middleware(AccessLog), Middleware(BodyLimit, limit=config.max_body)]
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
        Route("/sparql", protocol.sparql, methods=["GET", "POST"]),
        Route("/ready", ready, methods=["GET"]),
        Route("/healthz", ready, methods=["GET"]),
        Route("/", pages.query_page, methods=["GET"]),
        Route("/library/{name}", pages.library_query, methods=["GET"]),
        Route("/id/{kind}/{ident:path}", pages.entity_page, methods=["GET"]),
        Route("/class", pages.class_index, methods=["GET"]),
        Route("/ontology", wellknown.ontology_page, methods=["GET"]),
        Route("/.well-known/void", wellknown.void, methods=["GET"]),
        Route("/.well-known/sparql-examples", wellknown.sparql_examples, methods=["GET"]),
        Route("/class/{name:path}", pages.class_page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
        Mount("/vendor", app=StaticFiles(directory=HERE / "vendor"), name="vendor"),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.server = server
    return app
