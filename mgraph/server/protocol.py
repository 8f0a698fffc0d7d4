"""The SPARQL 1.1 Protocol at ``/sparql``: queries by GET, POST form and POST direct.

Status codes, as the Protocol and HTTP prescribe (bodies are one line of ``text/plain``):

- 400 a malformed query (the parser's message), a refused one (``SERVICE``, ``FROM`` of a graph
  the store does not hold, nesting too deep), or a bad request (no query, two queries, an unknown
  ``format=``);
- 403 an update (``update=``, ``application/sparql-update``, or ``INSERT``/``LOAD``... as a
  query): this is a read-only endpoint;
- 405 a method other than GET or POST (with ``Allow``); 406 an ``Accept`` that no format we
  serve satisfies; 413 a request body over the limit; 415 a POST body that is neither a form nor
  ``application/sparql-query``;
- 500 a query whose result passes ``--max-results`` (an error, never a silently cut result:
  a truncated answer looks like a complete one), or an engine failure;
- 429 (with ``Retry-After``) a client that has used its ``--budget`` of query time for the
  last minute;
- 503 a query stopped at ``--timeout``, counted from the request's arrival (its worker is
  killed and replaced; other clients are not affected).

Relative IRIs in a query resolve against the endpoint's URL (its base IRI), so
``CONSTRUCT { <s> <p> 1 } WHERE {}`` works. ``default-graph-uri`` and ``named-graph-uri`` may
name any graph: one the store does not hold is an empty graph (nothing is ever fetched).

A GET without a query answers the SPARQL 1.1 Service Description of the endpoint in Turtle.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mgraph.server import negotiation
from mgraph.server.state import READ_ONLY, ProtocolError, Server, error_response, run_job

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"


async def sparql(request: Request) -> Response:
    """The endpoint: read the request, screen the query, run it on a worker, send the bytes."""
    server: Server = request.app.state.server
    try:
        params = await _parameters(request)
        if "update" in params:
            raise ProtocolError(403, READ_ONLY)
        queries = params.get("query", [])
        if not queries:
            if request.method in ("GET", "HEAD"):
                return service_description(request, server)
            raise ProtocolError(400, "No query: give the query in the 'query' parameter or the body")
        if len(queries) > 1:
            raise ProtocolError(400, "More than one 'query' parameter")
        fmt = _format(params)
        default_graphs = params.get("default-graph-uri", [])
        named_graphs = params.get("named-graph-uri", [])
        for iri in (*default_graphs, *named_graphs):
            if not _absolute_iri(iri):
                raise ProtocolError(400, f"Graph name {iri!r} is not an absolute IRI")
        job = server.job(queries[0], request.headers.get("accept"), fmt)
        job.default_graphs = default_graphs
        job.named_graphs = named_graphs
        job.base_iri = endpoint_url(request)
        return await run_job(server, job)
    except ProtocolError as err:
        return error_response(err)


async def _parameters(request: Request) -> dict[str, list[str]]:
    """The request's parameters: the URL's, plus a form body's or a direct query body."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method != "POST":
        return params
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "The request body is not UTF-8") from None
    if media == FORM:
        for key, value in parse_qsl(text, keep_blank_values=True):
            params.setdefault(key, []).append(value)
    elif media == QUERY_BODY:
        params.setdefault("query", []).append(text)
    elif media == UPDATE_BODY:
        raise ProtocolError(403, READ_ONLY)
    else:
        raise ProtocolError(
            415,
            f"Unsupported Content-Type {media or '(none)'!r}: send {FORM} or {QUERY_BODY}",
        )
    return params


def _format(params: dict[str, list[str]]) -> str | None:
    """The ``format=`` asked for: the first one we know (clients such as SPARQLWrapper send several
    spellings of one format); 400 when none is known."""
    values = params.get("format", [])
    if not values:
        return None
    for value in values:
        if negotiation.accepted_format(value):
            return value
    raise ProtocolError(400, f"Unknown format {values[0]!r}")


def endpoint_url(request: Request) -> str:
    """The endpoint's URL as the client addressed it (its base IRI), without query or fragment."""
    return str(request.url.replace(query="", fragment=""))


def _absolute_iri(text: str) -> bool:
    scheme, colon, rest = text.partition(":")
    return bool(colon and scheme[:1].isalpha() and rest) and not any(c in text for c in '<>"{}|^`\\ \n')


def service_description(request: Request, server: Server) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in Turtle."""
    endpoint = endpoint_url(request)
    results = sorted({t for types in negotiation.RESULTS_TYPES.values() for t in types[:1]})
    graphs = sorted({t for types in negotiation.GRAPH_TYPES.values() for t in types[:1]})
    formats = {
        "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "text/turtle": "http://www.w3.org/ns/formats/Turtle",
        "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
        "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    }
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{_iri(endpoint)}> a sd:Service ;",
        f"  sd:endpoint <{_iri(endpoint)}> ;",
        "  sd:supportedLanguage sd:SPARQL11Query ;",
        "  sd:resultFormat " + ", ".join(f"<{formats[t]}>" for t in [*results, *graphs]) + " ;",
        "  dcterms:description "
        + _literal(
            f"Read-only mgraph endpoint over {server.dataset.description}; "
            f"time limit {server.config.timeout:g} s, at most {server.config.max_results} results; "
            "SERVICE, LOAD and updates are refused."
        )
        + " ;",
        "  sd:defaultDataset [",
        "    a sd:Dataset ;",
        "    sd:defaultGraph [ a sd:Graph ; void:triples "
        + f'"{server.dataset.triples}"^^xsd:integer ]'
        + ("" if not server.dataset.graphs else " ;"),
    ]
    for index, graph in enumerate(server.dataset.graphs):
        end = " ;" if index < len(server.dataset.graphs) - 1 else ""
        lines.append(f"    sd:namedGraph [ a sd:NamedGraph ; sd:name <{_iri(graph)}> ]{end}")
    lines += ["  ] .", ""]
    text = "\n".join(line for line in lines if line != "")
    return Response(text + "\n", media_type=negotiation.content_type("text/turtle"))


def _iri(value: str) -> str:
    return "".join(c if c not in '<>"{}|^`\\ ' else f"%{ord(c):02X}" for c in value)


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


ROUTES = [  # the paths this module answers, in the order they are tried
    Route("/sparql", sparql, methods=["GET", "POST"]),
]
