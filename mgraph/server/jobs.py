"""What the server, the worker pool and a worker process say to each other: a ``Job`` and its ``Reply``.

A :class:`Job` is one query to run (its text already screened by :mod:`mgraph.core.sparql_screen`), with
its IRIs to bind, the formats to answer in and the limits; a :class:`Reply` is the answer's
bytes, serialised in the worker, or an error with its HTTP status. Both cross the worker's pipe
(pickled), so this module imports only the standard library: the worker stays light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ResultKind = Literal["solutions", "boolean", "graph"]


@dataclass
class Job:
    """One query for a worker.

    ``subs`` binds variables to IRIs with pyoxigraph's ``substitutions`` (never pasted into the
    text); ``results_format`` is for SELECT and ASK, ``graph_format`` for CONSTRUCT and DESCRIBE;
    ``max_results`` 0 is no limit. ``default_graphs`` and ``named_graphs`` are the Protocol's
    ``default-graph-uri`` and ``named-graph-uri`` (a graph the store does not hold is empty);
    ``base_iri`` is the endpoint's URL, against which relative IRIs resolve.
    """

    query: str
    results_format: str = "json"
    graph_format: str = "turtle"
    max_results: int = 0
    subs: dict[str, str] = field(default_factory=dict)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    base_iri: str | None = None


@dataclass
class Reply:
    """A worker's answer: ``status`` 200 with the result's ``kind``, ``format`` and ``body``, or
    an error's HTTP status and one-line ``message``."""

    status: int
    kind: ResultKind | None = None
    format: str = ""
    body: bytes = b""
    message: str = ""
    lowered: bool = False  # the query ran long enough to be moved to the lowest CPU priority

    @property
    def ok(self) -> bool:
        return self.status == 200

    @classmethod
    def result(cls, kind: ResultKind, fmt: str, body: bytes) -> Reply:
        return cls(200, kind, fmt, body)

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, message=message)
