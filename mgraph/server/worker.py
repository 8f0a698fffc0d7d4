"""The query worker: a process that opens the store read-only (or loads a copy of it into memory:
:func:`open_store`) and answers jobs from a pipe.

It imports only the standard library, pyoxigraph and :mod:`mgraph.core.formats` (standard library
only), so a worker starts fast (``spawn``) and a query that must be stopped is stopped by killing
its process: pyoxigraph cannot cancel a query in-process. Results are serialised here, with
pyoxigraph's own serialisers, so the server process only forwards bytes. ``--max-results`` is
checked as the bytes are written: a SELECT's rows are counted in its own format (a mark per row
that no term can hold: :data:`ROW_MARKS`), so a result is serialised once; only CSV, and JSON
holding ``{}``, are counted as TSV and converted.

Queries run in a query thread (:class:`QueryThread`), kept from one query to the next. A query
still running after ``lower_after`` seconds gets the lowest CPU priority (niceness 19; on Linux
a thread's priority is its own), so short queries on the other workers get the processors
first; that thread is then retired, and the next query runs in a new one at the worker's normal
priority (a process cannot raise a priority it lowered without privileges, which is why the
priority is the thread's, not the worker's).

A job is a :class:`~mgraph.server.jobs.Job` (its text already screened by :mod:`mgraph.core.sparql_screen`);
the answer is a :class:`~mgraph.server.jobs.Reply`: the result's kind (``"solutions"``,
``"boolean"`` or ``"graph"``), format and bytes, or an error's HTTP status and message.
"""

from __future__ import annotations

import itertools
import os
import queue
import re
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, cast

from mgraph.core.formats import BY_NAME, RESULTS, WRITTEN, names
from mgraph.server.jobs import Job, Reply

RESULTS_FORMATS = names(RESULTS)
GRAPH_FORMATS = WRITTEN


class _TooMany(Exception):
    """Raised from inside the serialiser's writer when the row limit is passed."""


class _Unsure(Exception):
    """Raised from inside the serialiser's writer when its bytes cannot be counted as rows."""


@dataclass(frozen=True)
class _RowMark:
    """How to count the rows of one results format in its bytes, without parsing them.

    ``mark`` (a pattern of ``width`` bytes) never matches inside a term, as pyoxigraph writes the
    format, and rows are at most its matches + ``offset`` (exactly, but for a result with no row
    at all). ``unsure``: bytes that may be a row with no mark (then the rows are counted another
    way).
    """

    mark: re.Pattern[bytes]
    width: int
    offset: int
    unsure: bytes | None = None


ROW_MARKS = {
    # TSV escapes line breaks inside terms: a row is a line, after the header line.
    "tsv": _RowMark(re.compile(b"\n"), 1, -1),
    # XML escapes "<" inside terms: a row is a <result> element.
    "xml": _RowMark(re.compile(b"<result>"), 8, 0),
    # JSON escapes '"' inside strings, and a string is followed by "}", "," or "]": so '},{"'
    # and a variable's first character only ever separate two rows (a string may end in
    # '},{'). A row with no binding is '{}', which a string may also hold: then the rows are
    # counted as TSV.
    "json": _RowMark(re.compile(b'\\},\\{"[^],}]'), 5, 1, unsure=b"{}"),
}
"""The results formats whose rows are counted in the bytes written (CSV quotes line breaks: its
rows are counted as TSV, then converted)."""


class _RowCounter:
    """A writer for pyoxigraph's serialiser of a results format with a :class:`_RowMark`: it keeps
    the bytes and stops as soon as they hold more than ``limit`` rows."""

    def __init__(self, limit: int, rows: _RowMark) -> None:
        self.limit = limit
        self.rows = rows
        self.marks = 0
        self.tail = b""  # the end of the last chunk: a mark may be cut between two chunks
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        data = bytes(chunk)
        seen = self.tail + data
        if self.rows.unsure is not None and self.rows.unsure in seen:
            raise _Unsure
        self.marks += len(self.rows.mark.findall(seen))
        if self.marks + self.rows.offset > self.limit:
            raise _TooMany
        keep = max(self.rows.width, len(self.rows.unsure or b"")) - 1
        self.tail = seen[-keep:] if keep else b""
        self.parts.append(data)
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
    try:
        answer = _query(store, job, prefixes)
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
            try:
                body = _limited(answer, ROW_MARKS.get(fmt), target, limit)
                if body is None:  # rows not countable in this format's bytes: counted as TSV
                    if fmt in ROW_MARKS:  # the serialiser stopped part way: the query runs again
                        answer = _query(store, job, prefixes)
                    body = _limited(answer, ROW_MARKS["tsv"], results_formats["tsv"], limit)
                    assert body is not None  # TSV rows are always countable
                    if fmt != "tsv":  # TSV keeps every term exactly, so the others come from it
                        tsv = ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
                        body = _bytes(tsv.serialize(format=target))
            except _TooMany:
                return Reply.error(500, _too_many(limit, "solutions"))
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


def _query(store: Any, job: Job, prefixes: dict[str, str]) -> Any:
    """The job's query evaluated on the store (pyoxigraph's lazy answer)."""
    import pyoxigraph as ox

    options: dict[str, Any] = {}
    if job.subs:
        options["substitutions"] = {ox.Variable(name): ox.NamedNode(iri) for name, iri in job.subs.items()}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
    if job.base_iri:
        options["base_iri"] = job.base_iri
    return store.query(job.query, prefixes=prefixes, **options)


def _limited(answer: Any, rows: _RowMark | None, target: Any, limit: int) -> bytes | None:
    """The solutions serialised in ``target``, counted as they are written: their bytes, or None
    when this format's bytes cannot say how many rows they hold (``rows`` None, or unsure).
    Raises _TooMany past ``limit`` rows."""
    if rows is None:
        return None
    counter = _RowCounter(limit, rows)
    try:
        answer.serialize(cast(Any, counter), format=target)
    except _Unsure:
        return None
    return b"".join(counter.parts)


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


class QueryThread:
    """Runs a worker's queries in a thread of its own, kept from one query to the next, and moves a
    query still running after ``lower_after`` seconds to the lowest CPU priority (None: never; only
    on Linux, where a thread's priority is its own).

    The thread is kept because a new thread per query cost 0.3 ms of CPU per query in pyoxigraph
    (20% of a library query on the curated graph, measured 2026-12-08); once lowered, it is
    retired and the next query gets a new one, since a thread cannot raise its own priority again.
    """

    def __init__(self, store: Any, prefixes: dict[str, str], lower_after: float | None) -> None:
        self.store = store
        self.prefixes = prefixes
        self.lower_after = lower_after if sys.platform == "linux" else None
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._replies: queue.SimpleQueue[Reply] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def run(self, job: Job) -> Reply:
        if self.lower_after is None:  # nothing to lower: the query runs here
            return _run_guarded(self.store, job, self.prefixes)
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="mgraph-query", daemon=True)
            self._thread.start()
        self._jobs.put(job)
        try:
            return self._replies.get(timeout=self.lower_after)
        except queue.Empty:
            pass
        lowered = False
        if self._thread.native_id is not None:
            try:
                os.setpriority(os.PRIO_PROCESS, self._thread.native_id, LOWEST_PRIORITY)
                lowered = True
            except OSError:  # the thread is gone
                pass
        reply = self._replies.get()
        reply.lowered = lowered
        if lowered:  # retired: its priority stays low
            self._jobs.put(None)
            self._jobs = queue.SimpleQueue()
            self._thread = None
        return reply

    def _serve(self) -> None:
        jobs, replies = self._jobs, self._replies
        while (job := jobs.get()) is not None:
            replies.put(_run_guarded(self.store, job, self.prefixes))


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
    queries = QueryThread(store, prefixes, lower_after)
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        reply = queries.run(job)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
