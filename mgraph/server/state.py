"""What every request handler of ``mgraph serve`` shares: the configuration, the server's state,
the one kind of error answer, and the way a query becomes a job and its reply an HTTP response.

It sits below the handlers (:mod:`~mgraph.server.protocol`, :mod:`~mgraph.server.pages`,
:mod:`~mgraph.server.wellknown`) and above the worker pool, so that the handlers use it and
none of them imports another's module to reach it.

Status codes of a job's failure, one wording each (the Protocol's and the pages'): 429 with
``Retry-After`` for a client over its ``--budget``, 503 for a query stopped at ``--timeout``
(counted from the request's arrival), 500 when the worker died under the query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.responses import PlainTextResponse, Response

from mgraph.core.errors import InputError
from mgraph.server import negotiation
from mgraph.server.connections import Guard
from mgraph.server.dataset import Dataset
from mgraph.server.fairuse import OverBudget
from mgraph.server.jobs import Job, Reply
from mgraph.server.pool import START_TIMEOUT, QueryTimeout, WorkerLost, WorkerPool

if TYPE_CHECKING:
    from mgraph.publish.describe import GraphStats

READ_ONLY = "SPARQL updates are not allowed: this is a read-only endpoint"
_SCREENED_MAX = 4096  # texts remembered (library and page queries repeat; the rest are forgotten)


@dataclass
class Config:
    """What ``mgraph serve`` was told; the defaults are the command's."""

    timeout: float = 30.0
    max_results: int = 100_000
    max_body: int = 1024 * 1024
    workers: int = 2
    cors: list[str] = field(default_factory=list)
    max_depth: int = 200
    budget: float = 0.0  # seconds of query time per client per minute; 0: no budget
    public: bool = False
    tokens: dict[str, str] = field(default_factory=dict)  # --auth: bearer token -> client name


class ProtocolError(Exception):
    """An answer other than a result: a status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(err: ProtocolError) -> Response:
    return PlainTextResponse(err.message + "\n", status_code=err.status, headers=err.headers)


def over_budget(err: OverBudget) -> ProtocolError:
    """HTTP 429 with Retry-After: the client has used its query time for this minute."""
    return ProtocolError(
        429,
        f"Too many requests: this client used its {err.budget:g} s of query time per minute "
        f"(the server's --budget); retry after {err.retry_after} s",
        {"Retry-After": str(err.retry_after)},
    )


def timed_out(timeout: float) -> ProtocolError:
    return ProtocolError(503, f"Query timed out: stopped after {timeout:g} s (the server's --timeout limit)")


class Server:
    """The state every request handler shares: the dataset, the worker pool and the limits."""

    def __init__(self, dataset: Dataset, config: Config, guard: Guard | None = None) -> None:
        from mgraph.core.namespaces import PREFIX_IRIS

        self.dataset = dataset
        self.config = config
        self.guard = guard
        self.prefixes = dict(PREFIX_IRIS)
        memory = dataset.memory_file
        self.pool = WorkerPool(
            str(dataset.path),
            config.workers,
            self.prefixes,
            budget=config.budget,
            memory_file=None if memory is None else str(memory),
            start_timeout=START_TIMEOUT + (dataset.triples / 100_000 if memory is not None else 0),
        )
        self.ready = False
        self.label_index: list[tuple[str, str]] | None = None  # (IRI, label), for suggestions
        self.screened: dict[str, str] = {}  # query texts that passed the screen -> their form
        self.graph_stats: GraphStats | None = None  # the served graph's counts (once asked for)
        self.ontology_html: str | None = None  # /ontology, rendered once

    def job(self, text: str, accept: str | None, fmt: str | None) -> Job:
        """A worker job for a query, screened and with its formats negotiated (or ProtocolError)."""
        form = self.screen(text)
        results = negotiation.choose(negotiation.RESULTS_TYPES, accept, fmt)
        graph = negotiation.choose(negotiation.GRAPH_TYPES, accept, fmt)
        wanted = graph if form in ("CONSTRUCT", "DESCRIBE") else results
        if wanted is None:
            table = (
                negotiation.GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else negotiation.RESULTS_TYPES
            )
            offered = ", ".join(types[0] for types in table.values())
            raise ProtocolError(406, f"Not Acceptable: a {form} result can be sent as {offered}")
        return Job(
            query=text,
            results_format=(results or ("json", ""))[0],
            graph_format=(graph or ("turtle", ""))[0],
            max_results=self.config.max_results,
        )

    def screen(self, text: str) -> str:
        """Screen a query (see :func:`mgraph.core.sparql_screen.screen_query`); its form, or a
        ProtocolError.

        A text that passed is remembered (the screen depends only on the text and the server's
        fixed graphs and depth), so a query sent again is not tokenised again.
        """
        remembered = self.screened  # query text -> its form, for texts that passed
        form = remembered.get(text)
        if form is not None:
            return form
        from mgraph.core.sparql_screen import UpdateRefused, screen_query
        from mgraph.core.store import query_form

        try:
            screen_query(text, graphs=self.dataset.graphs, max_depth=self.config.max_depth)
        except UpdateRefused as err:
            raise ProtocolError(403, f"{READ_ONLY} ({str(err).partition(': ')[2]})") from None
        except InputError as err:
            raise ProtocolError(400, f"Query refused: {err}") from None
        try:
            form = query_form(text)
        except InputError as err:
            raise ProtocolError(400, f"SPARQL syntax error: {err}") from None
        if len(remembered) >= _SCREENED_MAX:
            remembered.pop(next(iter(remembered)))
        remembered[text] = form
        return form

    async def run(self, job: Job) -> Reply:
        """Run a job on the pool within the time limit; a result, or a ProtocolError."""
        try:
            reply = await self.pool.run(job, self.config.timeout)
        except OverBudget as err:
            raise over_budget(err) from None
        except QueryTimeout:
            raise timed_out(self.config.timeout) from None
        except WorkerLost:
            raise ProtocolError(500, "Query evaluation failed: the query worker stopped") from None
        if not reply.ok:
            raise ProtocolError(reply.status, reply.message)
        return reply


async def run_job(server: Server, job: Job) -> Response:
    """Run a prepared job and turn the worker's reply into the HTTP response."""
    try:
        reply = await server.run(job)
    except ProtocolError as err:
        return error_response(err)
    table = negotiation.GRAPH_TYPES if reply.kind == "graph" else negotiation.RESULTS_TYPES
    media = table[reply.format][0]
    return Response(reply.body, media_type=negotiation.content_type(media), headers={"Vary": "Accept"})


async def select(server: Server, query: str, subs: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The JSON bindings of a page query (screened like any other), with IRIs bound by
    substitution; an ASK answers ``[{"boolean": ...}]``. A failure is a ProtocolError."""
    job = server.job(query, "application/sparql-results+json", None)
    job.subs = subs or {}
    job.max_results = 0
    reply = await server.run(job)
    data = json.loads(reply.body)
    if "boolean" in data:
        return [{"boolean": data["boolean"]}]
    return list(data["results"]["bindings"])


async def construct(server: Server, query: str, subs: dict[str, str], fmt: str) -> Reply:
    """A page's CONSTRUCT (or DESCRIBE) in ``fmt`` with IRIs bound by substitution, no row limit."""
    job = server.job(query, None, fmt)
    job.subs = subs
    job.max_results = 0
    return await server.run(job)
