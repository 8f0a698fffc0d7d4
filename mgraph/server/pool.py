"""A pool of query worker processes, driven from the server's asyncio loop.

Each worker (:mod:`mgraph.server.worker`) opens the store read-only and runs one job at a time.
A request joins a queue; whenever a worker is free, the waiting request whose client has used
the least query time in the last minute goes first (:mod:`mgraph.server.fairuse`; ties in order
of arrival). Its reply is read when the worker's pipe is readable (no thread per query).

Three rules keep one client, or a few runaway queries, from holding the endpoint:

- **The time limit counts from the request's arrival**, queue included: a request still waiting
  at its deadline is answered "timed out" without running, and a running one gets only the time
  left. A job past its deadline gets its worker killed (the only way to stop a pyoxigraph query)
  and another worker in its place: a spare, started beforehand, so the pool is never short.
- **One worker is kept for short queries** (when there are two or more): it takes any query,
  but when queries are waiting and every worker, this one included, has been running its query
  for more than ``reserve_seconds``, this one's query is stopped and goes back to the queue
  marked heavy, to wait for one of the other workers (its deadline unchanged). So runaway
  queries can hold every worker but one, never all; while the other workers turn over, a long
  query on this one runs to its end (stopping it would only throw its work away).
- **A long query runs at the lowest CPU priority**: a query still running after
  ``reserve_seconds`` gets niceness 19 (its worker runs queries in a query thread and lowers
  that thread's priority: :mod:`mgraph.server.worker`), so on a busy machine short
  queries get the processors first and runaways take what is left.
- **A budget of query time per client per minute** (``budget``; 0: none): a client over it is
  refused with :class:`~mgraph.server.fairuse.OverBudget` (HTTP 429) before it queues.

A worker that dies on its own (a crash in the engine) is replaced the same way.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from mgraph.server.fairuse import FairUse
from mgraph.server.jobs import Job, Reply

START_TIMEOUT = 60.0  # seconds a new worker may take to open the store
RESERVE_SECONDS = 1.0  # how long a query may hold the short-query worker while others wait

REQUEST: contextvars.ContextVar[tuple[str, float] | None] = contextvars.ContextVar(
    "mgraph_request", default=None
)
"""(client, arrival on the monotonic clock) of the HTTP request being served, set by the app."""


class QueryTimeout(Exception):
    """The query ran (or waited) past the time limit; a running one had its worker replaced."""


class WorkerLost(Exception):
    """The worker died while running the query (the engine crashed); it was replaced."""


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    reserved: bool = False
    jobs: int = field(default=0)
    request: _Request | None = None
    started: float = 0.0
    preempted: bool = False
    timer: asyncio.TimerHandle | None = None  # the short-query worker's checks while it runs


@dataclass(eq=False)
class _Request:
    job: Job
    client: str
    deadline: float
    seq: int
    heavy: bool = False
    assigned: asyncio.Future[_Worker] | None = None


class _Preempted(Exception):
    pass


class WorkerPool:
    """``size`` worker processes over the read-only store at ``store_path`` (and one spare); given
    ``memory_file``, each worker loads that copy of the store into memory instead
    (:func:`mgraph.server.worker.open_store`) and may take ``start_timeout`` seconds to."""

    def __init__(
        self,
        store_path: str,
        size: int,
        prefixes: dict[str, str],
        *,
        budget: float = 0.0,
        reserve_seconds: float = RESERVE_SECONDS,
        memory_file: str | None = None,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.store_path = store_path
        self.memory_file = memory_file
        self.start_timeout = start_timeout
        self.size = max(1, size)
        self.prefixes = prefixes
        self.fair = FairUse(budget)
        self.reserve_seconds = reserve_seconds
        self._context = multiprocessing.get_context("spawn")
        self._threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mgraph-pool")
        self._workers: list[_Worker] = []  # the serving workers; the reserved one last
        self._spares: list[_Worker] = []
        self._spawning = 0
        self._waiting: list[_Request] = []
        self._seq = itertools.count()
        self._closed = False
        self.killed = 0  # workers killed for running past the limit (reported by /ready)
        self.preempted = 0  # heavy queries sent back from the short-query worker
        self.demoted = 0  # queries that ran long enough to be given the lowest CPU priority

    async def start(self) -> None:
        """Start every worker and the spare, and wait until all have opened the store."""
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(
            *(loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size + 1))
        )
        *serving, spare = workers
        if self.size >= 2:
            serving[-1].reserved = True
        self._workers = list(serving)
        self._spares.append(spare)

    def _spawn(self) -> _Worker:
        """Start one worker and wait for it to say it is ready (runs in a thread)."""
        from mgraph.server import worker as worker_module

        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_module.main,
            args=(child, self.store_path, self.prefixes, self.reserve_seconds, self.memory_file),
            name="mgraph-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        if not parent.poll(self.start_timeout):
            process.kill()
            raise RuntimeError(f"a query worker did not start within {self.start_timeout:g} s")
        status, detail = parent.recv()
        if status != "ready":
            process.join()
            raise RuntimeError(f"a query worker could not open the store: {detail}")
        return _Worker(process, parent)

    @property
    def idle(self) -> int:
        return sum(1 for worker in self._workers if worker.request is None)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def alive(self) -> int:
        return sum(1 for worker in self._workers if worker.process.is_alive())

    # --- a request's life ---------------------------------------------------------------------

    async def run(
        self,
        job: Job,
        timeout: float | None,
        *,
        client: str | None = None,
        arrival: float | None = None,
    ) -> Reply:
        """Run a job; its reply, or QueryTimeout, WorkerLost or OverBudget.

        ``client`` and ``arrival`` default to those of the HTTP request being served (see
        :data:`REQUEST`); the deadline is ``arrival + timeout``.
        """
        current = REQUEST.get()
        now = time.monotonic()
        client = client or (current[0] if current else "-")
        arrival = arrival if arrival is not None else (current[1] if current else now)
        self.fair.check(client, now)
        deadline = arrival + timeout if timeout else float("inf")
        request = _Request(job, client, deadline, next(self._seq))
        while True:
            try:
                worker = await self._acquire(request)
            except TimeoutError:
                raise QueryTimeout from None  # its time ran out in the queue
            try:
                return await self._execute(worker, request)
            except _Preempted:
                request.heavy = True

    async def _acquire(self, request: _Request) -> _Worker:
        """Wait in the queue for a worker, at most until the request's deadline."""
        if request.deadline <= time.monotonic():
            raise TimeoutError
        if not self._waiting:  # nobody waits: a free worker is taken at once, no queue
            worker = self._free_worker(request)
            if worker is not None:
                worker.request = request
                worker.started = time.monotonic()
                return worker
        loop = asyncio.get_running_loop()
        assigned: asyncio.Future[_Worker] = loop.create_future()
        request.assigned = assigned
        self._waiting.append(request)
        self._dispatch()
        self._check_reserved()
        try:
            if assigned.done():
                return assigned.result()
            async with asyncio.timeout(_remaining(request.deadline)):
                return await asyncio.shield(assigned)
        except BaseException:
            if request in self._waiting:
                self._waiting.remove(request)
            elif assigned.done() and not assigned.cancelled():
                worker = assigned.result()  # assigned at the last moment: give it back
                worker.request = None
                self._dispatch()
            if not assigned.done():
                assigned.cancel()
            raise

    def _free_worker(self, request: _Request) -> _Worker | None:
        """A free worker for ``request``: another before the short-query one, which a heavy
        request never gets."""
        reserved = None
        for worker in self._workers:
            if worker.request is None:
                if not worker.reserved:
                    return worker
                reserved = worker
        return None if request.heavy else reserved

    def _dispatch(self) -> None:
        """Give free workers to waiting requests: the lightest client first, then the oldest."""
        if not self._waiting:
            return
        if len(self._waiting) == 1:
            order = list(self._waiting)
        else:
            now = time.monotonic()
            used = {r.client: self.fair.used(r.client, now) for r in self._waiting}
            order = sorted(self._waiting, key=lambda r: (used[r.client], r.seq))
        for request in order:
            assert request.assigned is not None
            if request.assigned.done():  # its client has gone; it should not be waiting
                self._waiting.remove(request)
                continue
            worker = self._free_worker(request)
            if worker is None:
                if all(w.request is not None for w in self._workers):
                    return
                continue
            self._waiting.remove(request)
            worker.request = request
            worker.started = time.monotonic()  # until the job is sent: not yet a long-running one
            request.assigned.set_result(worker)

    def _check_reserved(self) -> None:
        """Stop the query of the short-query worker when short queries wait and every worker,
        this one included, has been running its query for more than ``reserve_seconds``."""
        if len(self._workers) < 2 or not any(not r.heavy for r in self._waiting):
            return
        now = time.monotonic()
        if any(w.request is None or now - w.started <= self.reserve_seconds for w in self._workers):
            return  # a worker is free or turning over: the waiting queries get it soon
        for worker in self._workers:
            if worker.reserved and not worker.preempted:
                worker.preempted = True
                self.preempted += 1
                try:
                    worker.process.kill()  # its reader sees the end of the pipe at once
                except (OSError, ValueError):
                    pass

    def _watch_reserved(self, worker: _Worker) -> None:
        """While the short-query worker runs a query, check every ``reserve_seconds / 2``."""
        self._check_reserved()
        if worker.request is not None and not worker.preempted:
            loop = asyncio.get_running_loop()
            worker.timer = loop.call_later(self.reserve_seconds / 2, self._watch_reserved, worker)

    async def _execute(self, worker: _Worker, request: _Request) -> Reply:
        """Send the job to ``worker`` and wait for its reply, at most until the deadline."""
        loop = asyncio.get_running_loop()
        worker.started = time.monotonic()
        readable: asyncio.Future[None] = loop.create_future()

        def ready() -> None:
            if not readable.done():
                readable.set_result(None)

        fd = worker.conn.fileno()
        if worker.reserved:
            worker.timer = loop.call_later(self.reserve_seconds + 0.01, self._watch_reserved, worker)
        outcome = "ok"
        try:
            worker.conn.send(request.job)
            loop.add_reader(fd, ready)
            async with asyncio.timeout(_remaining(request.deadline)):
                await readable
            loop.remove_reader(fd)
            os.set_blocking(fd, True)  # uvloop makes a watched descriptor non-blocking
            reply: Reply = worker.conn.recv()  # the reply has begun: the rest follows at pipe speed
        except TimeoutError:
            outcome = "timeout"
            raise QueryTimeout from None
        except (EOFError, OSError):
            outcome = "preempted" if worker.preempted else "lost"
            if worker.preempted:
                raise _Preempted from None
            raise WorkerLost from None
        except BaseException:  # the client went away mid-query: the worker's answer is unusable
            outcome = "cancelled"
            raise
        finally:
            if worker.timer is not None:
                worker.timer.cancel()
                worker.timer = None
            try:
                loop.remove_reader(fd)
            except (OSError, ValueError):
                pass
            self.fair.charge(request.client, time.monotonic() - worker.started)
            if outcome == "ok":
                worker.jobs += 1
                self.demoted += reply.lowered
                worker.request = None
            else:
                if outcome == "timeout":
                    self.killed += 1
                self._replace(worker)
            self._dispatch()
        return reply

    # --- workers come and go -----------------------------------------------------------------

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now and put the spare in its place; start a new spare in the background."""
        self._kill(worker)
        if self._closed:
            return
        if worker in self._workers:
            position = self._workers.index(worker)
            if self._spares:
                fresh = self._spares.pop()
                fresh.reserved = worker.reserved
                self._workers[position] = fresh
            else:
                del self._workers[position]
                self._spawn_later()  # the replacement
        self._spawn_later()  # the next spare

    def _spawn_later(self) -> None:
        """Start a worker in a thread; it serves if the pool is short, else it is the spare."""
        loop = asyncio.get_running_loop()
        self._spawning += 1
        future = loop.run_in_executor(self._threads, self._spawn)

        def done(started: asyncio.Future[_Worker]) -> None:
            self._spawning -= 1
            if started.cancelled() or started.exception() is not None:
                return  # the pool stays one smaller; /ready reports it
            fresh = started.result()
            if self._closed or (len(self._workers) >= self.size and self._spares):
                self._kill(fresh)
            elif len(self._workers) < self.size:
                fresh.reserved = self.size >= 2 and not any(w.reserved for w in self._workers)
                self._workers.append(fresh)
                self._dispatch()
            else:
                self._spares.append(fresh)

        future.add_done_callback(done)

    def _kill(self, worker: _Worker) -> None:
        """Kill a worker; it is reaped in a thread, so the answer to its client is not delayed."""
        try:
            worker.process.kill()
        except (OSError, ValueError):
            pass
        worker.conn.close()
        if self._closed:
            worker.process.join(timeout=5)
        else:
            self._threads.submit(worker.process.join, 5)

    def close(self) -> None:
        """Terminate every worker (they hold no state worth saving) and wait for them."""
        self._closed = True
        everyone = [*self._workers, *self._spares]
        deadline = time.monotonic() + 5
        for worker in everyone:
            worker.process.terminate()
        for worker in everyone:
            worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers.clear()
        self._spares.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)


def _remaining(deadline: float) -> float | None:
    """Seconds until ``deadline`` for :func:`asyncio.timeout` (None: no deadline; 0: now)."""
    if deadline == float("inf"):
        return None
    return max(0.0, deadline - time.monotonic())
