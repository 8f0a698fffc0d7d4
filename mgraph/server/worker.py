"""The query worker: a process that opens the store read-only (or loads a copy of it into memory:
:func:`open_store`) and answers jobs from a pipe.

It imports only the standard library, pyoxigraph and :mod:`mgraph.core.formats` (standard library
only), so a worker starts fast (``spawn``) and a query that must be stopped is stopped by killing
its process: pyoxigraph cannot cancel a query in-process. Results are serialised here, with
pyoxigraph's own serialisers, so the server process only forwards bytes.

Each query runs in a thread of its own. One still running after ``lower_after`` seconds gets
the lowest CPU priority (niceness 19; on Linux a thread's priority is its own), so short
queries on the other workers get the processors first; the next query's thread starts at the
worker's normal priority again (a process cannot raise a priority it lowered without
privileges, which is why the priority is the thread's, not the worker's).

A job is a :class:`~mgraph.server.jobs.Job` (its text already screened by :mod:`mgraph.core.sparql_screen`);
the answer is a :class:`~mgraph.server.jobs.Reply`: the result's kind (``"solutions"``,
``"boolean"`` or ``"graph"``), format and bytes, or an error's HTTP status and message.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any, cast

from mgraph.core.formats import BY_NAME, RESULTS, WRITTEN, names
from mgraph.server.jobs import Job, Reply

RESULTS_FORMATS = names(RESULTS)
GRAPH_FORMATS = WRITTEN


class _TooMany(Exception):
    """Raised from inside the serialiser's writer when the row limit is passed."""


class _RowCounter:
    """A writer for pyoxigraph's TSV serialiser that keeps the bytes and stops past ``limit`` rows.

    TSV escapes line breaks inside terms, so its rows are its lines (after the header line).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:
            raise _TooMany
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        return None


def _formats() -> tuple[dict[str, Any], dict[str, Any]]:
    results = {name: BY_NAME[name].pyoxigraph() for name in RESULTS_FORMATS}
    graphs = {name: BY_NAME[name].pyoxigraph() for name in GRAPH_FORMATS}
    return results, graphs


def open_store(store_path: str, memory_file: str | None = None) -> Any:
    """The store a worker queries: the one on disk, read-only, or an in-memory copy loaded from
    ``memory_file`` (N-Quads written from that store), its blank node labels kept so that every
    worker holds the same terms."""
    import pyoxigraph as ox

    if memory_file is None:
        return ox.Store.read_only(store_path)
    store = ox.Store()
    store.bulk_extend(ox.parse(path=memory_file, format=ox.RdfFormat.N_QUADS))
    return store


def run_job(store: Any, job: Job, prefixes: dict[str, str]) -> Reply:
    """Run one query job on a pyoxigraph store; its reply (a result, or an error with its status)."""
    import pyoxigraph as ox

    results_formats, graph_formats = _formats()
    limit = job.max_results
    subs = {ox.Variable(name): ox.NamedNode(iri) for name, iri in job.subs.items()}
    try:
        options: dict[str, Any] = {}
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs]
        if job.named_graphs:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
        if job.base_iri:
            options["base_iri"] = job.base_iri
        answer = store.query(job.query, substitutions=subs or None, prefixes=prefixes, **options)
    except (SyntaxError, ValueError) as err:
        return Reply.error(400, f"SPARQL syntax error: {' '.join(str(err).split())}")
    try:
        if isinstance(answer, ox.QueryBoolean):
            fmt = job.results_format
            return Reply.result("boolean", fmt, _bytes(answer.serialize(format=results_formats[fmt])))
        if isinstance(answer, ox.QuerySolutions):
            fmt = job.results_format
            target = results_formats[fmt]
            if not limit:
                return Reply.result("solutions", fmt, _bytes(answer.serialize(format=target)))
            counter = _RowCounter(limit)
            try:
                answer.serialize(cast(Any, counter), format=ox.QueryResultsFormat.TSV)
            except _TooMany:
                return Reply.error(500, _too_many(limit, "solutions"))
            body: bytes = b"".join(counter.parts)
            if fmt != "tsv":  # TSV keeps every term exactly, so the other formats come from it
                body = _bytes(
                    ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(format=target)
                )
            return Reply.result("solutions", fmt, body)
        fmt = job.graph_format
        triples = list(itertools.islice(answer, limit + 1) if limit else answer)
        if limit and len(triples) > limit:
            return Reply.error(500, _too_many(limit, "triples"))
        used = prefixes if fmt == "turtle" else None
        return Reply.result(
            "graph", fmt, _bytes(ox.serialize(triples, format=graph_formats[fmt], prefixes=used))
        )
    except OSError as err:
        return Reply.error(500, f"Query evaluation failed: {' '.join(str(err).split())}")


def _bytes(serialized: bytes | None) -> bytes:
    """What a pyoxigraph serialiser returns when given no output: the bytes."""
    assert serialized is not None
    return serialized


def _too_many(limit: int, what: str) -> str:
    return (
        f"Query result too large: more than {limit} {what} (the server's --max-results limit); "
        "add LIMIT to the query, or ask the server's operator to raise the limit"
    )


LOWEST_PRIORITY = 19  # the niceness of a query running past lower_after


def run_lowering(store: Any, job: Job, prefixes: dict[str, str], lower_after: float | None) -> Reply:
    """:func:`run_job` in a thread of its own, moved to the lowest CPU priority if it is still
    running after ``lower_after`` seconds (None: never; only on Linux, where a thread's priority
    is its own)."""
    if lower_after is None or sys.platform != "linux":  # nothing to lower: no thread
        return _run_guarded(store, job, prefixes)
    answer: list[Reply] = []
    thread = threading.Thread(
        target=lambda: answer.append(_run_guarded(store, job, prefixes)), name="mgraph-query", daemon=True
    )
    thread.start()
    thread.join(lower_after)
    lowered = False
    if thread.is_alive() and thread.native_id is not None:
        try:
            os.setpriority(os.PRIO_PROCESS, thread.native_id, LOWEST_PRIORITY)
            lowered = True
        except OSError:  # it has just ended
            pass
    thread.join()
    reply = answer[0]
    reply.lowered = lowered
    return reply


def _run_guarded(store: Any, job: Job, prefixes: dict[str, str]) -> Reply:
    """:func:`run_job`, an unexpected failure of the engine answered as a 500."""
    try:
        return run_job(store, job, prefixes)
    except Exception as err:
        return Reply.error(500, f"Query evaluation failed: {type(err).__name__}: {err}")


def main(
    conn: Connection,
    store_path: str,
    prefixes: dict[str, str],
    lower_after: float | None = None,
    memory_file: str | None = None,
) -> None:
    """A worker's life: open the store read-only (or, given ``memory_file``, load that N-Quads
    copy of it into an in-memory store), say ready, answer jobs until the pipe closes."""
    try:
        store = open_store(store_path, memory_file)
    except (OSError, RuntimeError, SyntaxError, ValueError) as err:
        conn.send(("failed", str(err)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        reply = run_lowering(store, job, prefixes, lower_after)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
