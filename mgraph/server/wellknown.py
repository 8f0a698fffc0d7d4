"""The served dataset described: ``/ontology``, ``/.well-known/void``, ``/.well-known/sparql-examples``.

- ``/ontology``: the ontology documentation (:mod:`mgraph.publish.ontology_docs`), with the counts and
  examples of the graph being served, one anchor per term (``/ontology#Decision``).
- ``/.well-known/void``: the DCAT 3 + VoID description (:mod:`mgraph.publish.describe`) of the served
  graph, counted on the served store, with this server's SPARQL endpoint; when the graph served is
  the built release, its version, dates and distributions (sizes and checksums) are the release's.
- ``/.well-known/sparql-examples``: the query library as SHACL executables targeting this endpoint.

Both RDF answers are Turtle by default, or N-Triples or JSON-LD by ``Accept`` or ``format=``.
Every page embeds the schema.org ``Dataset`` JSON-LD (:func:`dataset_jsonld`, a Jinja global of
the base template). The answers are computed once per server (the graph served does not change).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from mgraph.server import negotiation
from mgraph.server.state import ProtocolError, Server, error_response, select

if TYPE_CHECKING:
    from mgraph.publish.describe import GraphStats

_JSONLD: dict[str, str] = {"script": ""}


def install(server: Server) -> None:
    """Prepare the schema.org JSON-LD every page embeds, for the graph this server serves."""
    from mgraph.publish import describe

    version = _version(server)
    if _serves_release(server) and (_dist() / "dataset.jsonld").is_file():
        document = json.loads((_dist() / "dataset.jsonld").read_text(encoding="utf-8"))
    else:
        document = describe.schema_org(version, describe.GraphStats(triples=server.dataset.triples))
    text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    _JSONLD["script"] = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dataset_jsonld() -> Any:
    """The ``<script type="application/ld+json">`` of the served dataset (empty before install)."""
    from markupsafe import Markup

    if not _JSONLD["script"]:
        return Markup("")
    # The JSON has <, > and & escaped as \u003c...: it cannot close the script or open a tag, and
    # HTML-escaping its quotes would break it (a script's text is not entity-decoded).
    script = _JSONLD["script"]
    return Markup(f'<script type="application/ld+json">{script}</script>')  # noqa: S704


def _dist() -> Any:
    from mgraph.core import locations

    return locations.DIST


def _serves_release(server: Server) -> bool:
    """Whether the graph served is the built release in dist/ (served with no files given)."""
    return server.dataset.description.startswith("the built release")


def _version(server: Server) -> Any:
    """The data version of what is served: the release's, the curated data's, or unversioned."""
    from mgraph.publish.dataversion import UNVERSIONED, DataVersion, read_version

    if _serves_release(server) and (_dist() / "release.toml").is_file():
        return read_version(_dist())
    if server.dataset.description.startswith("the curated data"):
        return read_version()
    return DataVersion(UNVERSIONED)


async def _stats(request: Request) -> GraphStats:
    from mgraph.publish import describe

    server: Server = request.app.state.server
    if server.graph_stats is None:

        async def run(query: str) -> list[dict[str, Any]]:
            return await select(server, query)

        server.graph_stats = await describe.stats_async(run)
    return server.graph_stats


def _endpoint(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/sparql"


def _graph_response(request: Request, graph: Any, extra_prefixes: dict[str, str]) -> Response:
    from mgraph.core.serialize import prepare, to_jsonld, to_ntriples, to_turtle

    chosen = negotiation.choose(
        negotiation.GRAPH_TYPES, request.headers.get("accept"), request.query_params.get("format")
    )
    if chosen is None:
        offered = ", ".join(types[0] for types in negotiation.GRAPH_TYPES.values())
        return PlainTextResponse(f"Not Acceptable: this resource can be sent as {offered}\n", status_code=406)
    fmt, media = chosen
    triples = prepare(graph)
    if fmt == "ntriples":
        body = to_ntriples(triples)
    elif fmt == "jsonld":
        from mgraph.core.serialize import jsonld_context

        context = jsonld_context()
        context["@context"].update(extra_prefixes)
        body = to_jsonld(triples, context)
    else:
        body = to_turtle(triples, extra_prefixes=extra_prefixes)
    return Response(body, media_type=negotiation.content_type(media), headers={"Vary": "Accept"})


async def void(request: Request) -> Response:
    """The DCAT 3 + VoID description of the served graph, with this endpoint."""
    from mgraph.publish import describe

    server: Server = request.app.state.server
    try:
        stats = await _stats(request)
    except ProtocolError as err:
        return error_response(err)
    files = describe.files_of(_dist()) if _serves_release(server) else {}
    graph = describe.dataset_description(_version(server), stats, files, endpoint=_endpoint(request))
    prefixes = {
        "dcat": "http://www.w3.org/ns/dcat#",
        "void": "http://rdfs.org/ns/void#",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "spdx": "http://spdx.org/rdf/terms#",
    }
    return _graph_response(request, graph, prefixes)


async def sparql_examples(request: Request) -> Response:
    """The query library as SHACL executables whose ``schema:target`` is this endpoint."""
    import asyncio

    from mgraph.publish import examples

    graph = await asyncio.to_thread(examples.sparql_examples, _endpoint(request))
    return _graph_response(request, graph, {"spex": examples.SPEX, "mgq": examples.EXAMPLES_BASE})


async def ontology_page(request: Request) -> Response:
    """The ontology documentation, with the counts and examples of the served graph."""
    import asyncio

    from mgraph.publish import ontology_docs

    server: Server = request.app.state.server
    if server.ontology_html is None:
        try:
            stats = await _stats(request)
        except ProtocolError as err:
            return error_response(err)
        server.ontology_html = await asyncio.to_thread(_render_docs, stats, ontology_docs)
    return HTMLResponse(server.ontology_html)


def _render_docs(stats: GraphStats, ontology_docs: Any) -> str:
    from rdflib import Graph

    from mgraph.core import locations
    from mgraph.core.ontology import load_ontology

    shapes = Graph().parse(locations.SHAPES, format="turtle")
    html: str = ontology_docs.render(load_ontology(), shapes, stats, home="/")
    script = dataset_jsonld()
    return html.replace("</body>", f"{script}\n</body>", 1) if script else html


ROUTES = [  # the paths this module answers, in the order they are tried
    Route("/ontology", ontology_page, methods=["GET"]),
    Route("/.well-known/void", void, methods=["GET"]),
    Route("/.well-known/sparql-examples", sparql_examples, methods=["GET"]),
]
