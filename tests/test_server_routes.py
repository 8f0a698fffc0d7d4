"""Adding a server route: a line in the ``ROUTES`` of the module that answers it, or a module of
routes named in ``mgraph.server.app.ROUTE_MODULES`` (docs/architecture.md, "Adding things").

The application is the real one, served in-process through httpx's ASGI transport; no worker is
started (its lifespan does not run), which the routes asked here do not need."""

from __future__ import annotations

import asyncio
import types

import httpx
import pytest
from paths import FIXTURE
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from mgraph.server import app as server_app
from mgraph.server.dataset import prepare
from mgraph.server.state import Config


async def hello(request: Request) -> Response:
    return PlainTextResponse("hello")


def get(application: object, path: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get(path)

    return asyncio.run(fetch())


@pytest.fixture
def dataset():
    served = prepare([FIXTURE])
    yield served
    served.close()


def test_a_module_of_routes_is_one_name_in_route_modules(dataset, monkeypatch) -> None:
    toy = types.SimpleNamespace(ROUTES=[Route("/hello", hello, methods=["GET"])])
    monkeypatch.setattr(server_app, "ROUTE_MODULES", (*server_app.ROUTE_MODULES, toy))
    application = server_app.create_app(dataset, Config())
    response = get(application, "/hello")
    assert response.status_code == 200 and response.text == "hello"


def test_without_it_the_path_is_not_answered(dataset) -> None:
    application = server_app.create_app(dataset, Config())
    assert get(application, "/hello").status_code == 404


def test_every_route_but_health_comes_from_a_module_of_routes() -> None:
    listed = [route.path for module in server_app.ROUTE_MODULES for route in module.ROUTES]
    assert len(listed) == len(set(listed))
    assert {"/sparql", "/", "/id/{kind}/{ident:path}", "/class", "/ontology"} <= set(listed)
