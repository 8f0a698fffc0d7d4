"""A pool of query worker processes, driven from the server's asyncio loop.

Each worker (:mod:`mgraph.server.worker`) opens the store read-only and runs one job at a time.
A request waits for an idle worker (an asyncio queue: many clients are held at once, and a slow
query occupies one worker only), sends its job and waits for the reply in a thread. A job that
runs past the time limit gets its worker killed (the only way to stop a pyoxigraph query) and a
fresh worker started in its place; the client is told the query timed out, the others never
notice. A worker that dies on its own (a crash in the engine) is replaced the same way.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

START_TIMEOUT = 60.0  # seconds a new worker may take to open the store


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed and replaced."""


class WorkerLost(Exception):
    """The worker died while running the query (the engine crashed); it was replaced."""


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    jobs: int = field(default=0)


class WorkerPool:
    """``size`` worker processes over the read-only store at ``store_path``."""

    def __init__(self, store_path: str, size: int, prefixes: dict[str, str]) -> None:
        self.store_path = store_path
        self.size = max(1, size)
        self.prefixes = prefixes
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._threads = ThreadPoolExecutor(max_workers=self.size + 2, thread_name_prefix="mgraph-pool")
        self._all: set[_Worker] = set()
        self._closed = False
        self.killed = 0  # workers killed for running past the limit (reported by /ready)

    async def start(self) -> None:
        """Start every worker and wait until all have opened the store."""
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(
            *(loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size))
        )
        for worker in workers:
            self._idle.put_nowait(worker)

    def _spawn(self) -> _Worker:
        """Start one worker and wait for it to say it is ready (runs in a thread)."""
        from mgraph.server import worker as worker_module

        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_module.main,
            args=(child, self.store_path, self.prefixes),
            name="mgraph-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        if not parent.poll(START_TIMEOUT):
            process.kill()
            raise RuntimeError(f"a query worker did not start within {START_TIMEOUT:g} s")
        status, detail = parent.recv()
        if status != "ready":
            process.join()
            raise RuntimeError(f"a query worker could not open the store: {detail}")
        worker = _Worker(process, parent)
        self._all.add(worker)
        return worker

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    async def run(self, job: dict[str, Any], timeout: float | None) -> tuple[Any, ...]:
        """Run a job on the next idle worker; QueryTimeout or WorkerLost when it cannot finish."""
        worker = await self._idle.get()
        loop = asyncio.get_running_loop()
        try:
            worker.conn.send(job)
            reply = await asyncio.wait_for(
                loop.run_in_executor(self._threads, worker.conn.recv), timeout=timeout or None
            )
        except TimeoutError:
            self._replace(worker)
            self.killed += 1
            raise QueryTimeout from None
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerLost from None
        except BaseException:  # the client went away mid-query: the worker's answer is unusable
            self._replace(worker)
            raise
        worker.jobs += 1
        self._idle.put_nowait(worker)
        return tuple(reply)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now and start another in the background."""
        self._kill(worker)
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._threads, self._spawn)

        def done(started: asyncio.Future[_Worker]) -> None:
            if started.cancelled() or started.exception() is not None:
                return  # the pool stays one smaller; /ready reports it
            fresh = started.result()
            if self._closed:
                self._kill(fresh)
            else:
                self._idle.put_nowait(fresh)

        future.add_done_callback(done)

    def _kill(self, worker: _Worker) -> None:
        self._all.discard(worker)
        try:
            worker.process.kill()
        except (OSError, ValueError):
            pass
        worker.process.join(timeout=5)
        worker.conn.close()

    def alive(self) -> int:
        return sum(1 for worker in self._all if worker.process.is_alive())

    def close(self) -> None:
        """Terminate every worker (they hold no state worth saving) and wait for them."""
        self._closed = True
        deadline = time.monotonic() + 5
        for worker in list(self._all):
            worker.process.terminate()
        for worker in list(self._all):
            worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
