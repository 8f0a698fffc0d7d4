"""Connections that a slow or hostile client cannot use to take the server down.

Measured (2026-12-07, a trivial Starlette app, 800 connections each holding half a request
head, then one normal request; on a 2-core machine loaded by other work): uvicorn 0.55 answered
the normal request but closed none of the 800 after 8 s, and a connection that sent nothing was
still open after 20 s (no timeout before the first request; ``limit_concurrency`` would answer
503 to *everyone* once idle connections fill it); hypercorn 0.18 closed all of them at its read
timeout, and the silent one at its keep-alive timeout, but is pure Python (79 requests/s at 32
clients against uvicorn's 64 and granian's 170 on that machine); granian 2.8 closed the
half-sent heads at its header timeout but left the silent connection open, and runs the
application in worker processes of its own, which the query pool and its lifespan would have to
be rebuilt around. The HTTP layer is not what limits the endpoint (its throughput was the same
with uvicorn's h11 and httptools parsers, and with uvloop or asyncio's own loop: 32 clients on the
curated graph, mgraph/Oxigraph 0.86 with httptools and 0.94 with h11, 0.81 with uvloop and 0.96
without, on an idle machine on 2026-12-08, see ``benchmarks/serve.py``; neither is declared, and
uvicorn uses them when installed), so uvicorn stays, and
the HTTP protocol class given to it is uvicorn's own (httptools when installed, else h11) with
three rules added:

- **A deadline for each request's headers:** from the moment a connection opens, or the last
  response ends, the client has ``client_timeout`` seconds to send a complete request head;
  otherwise the connection is closed (half-sent requests, and connections that send nothing).
  A response still waiting to be sent keeps its connection only while the client takes some of
  it in each ``client_timeout``; a client that stops reading is dropped.
- **A cap on open connections**, below the process's file limit: when a connection arrives over
  the cap, the oldest connection with no request being answered is closed to make room; when
  every connection is busy, the new one is answered 503 and closed.
- **The file limit raised** to its hard limit at start (:func:`raise_file_limit`).

A request body must arrive within ``client_timeout`` too; that rule is the body reader's
(:class:`mgraph.server.app.BodyLimit`). Idle keep-alive connections are closed by uvicorn's own
``timeout_keep_alive``.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the rules below are written against uvicorn's protocol, as they extend it
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Protocol
else:
    _Protocol = object

RESERVED_FILES = 100
"""File descriptors kept free of client connections (workers' pipes, logs, the listening socket)."""

BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Connection: close\r\nRetry-After: 1\r\nContent-Length: 46\r\n\r\n"
    b"Too many connections: the server is at its cap\n"
)


def raise_file_limit() -> int:
    """Raise the soft limit of open files to the hard limit; the soft limit now in force."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def default_cap(file_limit: int) -> int:
    """Connections allowed at once: the file limit less what the server needs, at most 10,000."""
    return max(16, min(file_limit - RESERVED_FILES, 10_000))


@dataclass
class Guard:
    """The connections of one server process and its rules."""

    client_timeout: float = 10.0
    max_connections: int = 1000
    file_limit: int = 0
    open: OrderedDict[int, Any] = field(default_factory=OrderedDict)
    closed_slow: int = 0  # connections closed for not sending a request in time
    evicted: int = 0  # idle connections closed to make room for a new one
    refused: int = 0  # connections answered 503 because all were busy

    def stats(self) -> dict[str, int | float]:
        return {
            "open_files_limit": self.file_limit,
            "max_connections": self.max_connections,
            "connections": len(self.open),
            "client_timeout": self.client_timeout,
            "closed_slow": self.closed_slow,
            "evicted": self.evicted,
            "refused_connections": self.refused,
        }


def _busy(protocol: Any) -> bool:
    """Whether a request's head has arrived and its response is not finished."""
    cycle = getattr(protocol, "cycle", None)
    return cycle is not None and cycle is not protocol._mg_cycle and not cycle.response_complete


def protocol_class(guard: Guard) -> type:
    """uvicorn's HTTP protocol (httptools if installed, else h11) with the guard's rules."""
    base: type
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base = HttpToolsProtocol
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        base = H11Protocol

    class Rules(_Protocol):
        _mg_cycle: Any = None
        _mg_timer: asyncio.TimerHandle | None = None
        _mg_pending = 0  # bytes of response waiting to be sent when the timer was set

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._mg_arm()
            guard.open[id(self)] = self
            if len(guard.open) > guard.max_connections:
                self._mg_make_room()

        def _mg_make_room(self) -> None:
            for key, other in guard.open.items():
                if other is not self and not _busy(other):
                    guard.evicted += 1
                    del guard.open[key]
                    other._mg_close()
                    return
            guard.refused += 1
            del guard.open[id(self)]
            self.transport.write(BUSY_RESPONSE)
            self._mg_close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._mg_arm()
            if id(self) in guard.open:
                guard.open.move_to_end(id(self))

        def _mg_arm(self) -> None:
            if self._mg_timer is not None:
                self._mg_timer.cancel()
            self._mg_cycle = self.cycle
            self._mg_pending = self.transport.get_write_buffer_size()
            self._mg_timer = self.loop.call_later(guard.client_timeout, self._mg_expire)

        def _mg_expire(self) -> None:
            self._mg_timer = None
            if _busy(self):
                return
            pending = self.transport.get_write_buffer_size()
            if pending:  # a finished response still being sent: wait while the client takes it
                if pending < self._mg_pending:
                    self._mg_pending = pending
                    self._mg_timer = self.loop.call_later(guard.client_timeout, self._mg_expire)
                    return
                guard.closed_slow += 1  # it took nothing for a whole client timeout
                self.transport.abort()
                return
            if self.transport.is_closing():
                return
            guard.closed_slow += 1
            self._mg_close()

        def _mg_close(self) -> None:
            if self._mg_timer is not None:
                self._mg_timer.cancel()
                self._mg_timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            guard.open.pop(id(self), None)
            if self._mg_timer is not None:
                self._mg_timer.cancel()
                self._mg_timer = None
            super().connection_lost(exc)

    return type("Guarded", (Rules, base), {})
