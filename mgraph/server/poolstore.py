"""The library's :class:`~mgraph.core.store.Store` over the server's worker pool.

``/library/<name>`` binds a library query's parameters with the library's own typed binding,
which asks a ``Store`` whether the ids it is given exist. This store answers those questions by
running the queries on the server's workers, as any page query (screened, within the time
limit, charged to the client's budget).
"""

from __future__ import annotations

import asyncio
from typing import Any

from mgraph.core.store import Rows, Store, bind_values
from mgraph.core.terms import json_value
from mgraph.server.state import Server, select


class PoolStore(Store):
    """The library's Store interface over the server's workers (for checking that ids exist).

    Called from a thread (the library's binding is synchronous); the query runs on the loop.
    """

    engine = "mgraph serve"

    def __init__(self, server: Server, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.loop = loop

    def _query(self, query: str, bindings: dict[str, Any], timeout: float | None) -> Rows | bool:
        """SELECT rows or an ASK answer (what the library's binding asks: whether ids exist)."""
        text = bind_values(query, bindings)
        rows = asyncio.run_coroutine_threadsafe(select(self.server, text), self.loop).result()
        if len(rows) == 1 and isinstance(rows[0].get("boolean"), bool):
            return bool(rows[0]["boolean"])
        columns = sorted({key for row in rows for key in row})
        return Rows(columns, [{c: json_value(row.get(c)) for c in columns} for row in rows])
