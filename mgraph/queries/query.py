"""Running a library query or a ``.rq`` file (``mgraph query``, :func:`mgraph.query`).

>>> from mgraph.queries.query import run
>>> rows = run("decisions-by-meeting", meeting="cop-5")  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph

from mgraph.core.graphs import open_store
from mgraph.core.store import Answer, Rows, Store
from mgraph.queries.binding import bind_params
from mgraph.queries.checks import QueryWarning, check_query, screen
from mgraph.queries.library import get_query

DEFAULT_TIMEOUT = 60.0
"""Seconds a local query may take from the command line (parsing, screening and evaluation)."""


def run(
    query: str | Path,
    params: Mapping[str, Any] | None = None,
    /,
    *,
    engine: str | None = None,
    graph: str | Path | Graph | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
    store: Store | None = None,
    **kwparams: Any,
) -> Answer:
    """Run a library query (by name) or a .rq file: rows for SELECT, a bool for ASK, triples else.

    Parameters go as keywords (``run("decisions-by-meeting", meeting="cop-5")``) or as a
    mapping. Values are str, int, Decimal/float, datetime.date, bool or None. ``engine`` is
    "oxigraph" (default) or "rdflib"; ``endpoint`` asks a remote SPARQL endpoint instead;
    ``graph`` is an RDF file or an rdflib Graph (default: dist/mercury.nt, else data/).
    ``timeout`` (seconds; None or 0: none) covers screening, binding and evaluation of a local
    query, which runs where it can be stopped (:mod:`mgraph.core.timelimit`); a remote query always
    has one (default 60 s). What in the query is probably a mistake (see :func:`check_query`)
    is reported as a :class:`QueryWarning`.

    >>> rows = run("decisions-by-meeting", meeting="cop-5")
    >>> rows.columns[:3]
    ['adopted_at', 'meeting_label', 'meeting_start']
    >>> sorted(r["code"] for r in rows if r["code"])[:2]
    ['MC-5/1', 'MC-5/11']
    """
    spec = get_query(query)
    target = (
        store if store is not None else open_store(engine, graph=graph, endpoint=endpoint, timeout=timeout)
    )
    bindings = bind_params(spec, {**(params or {}), **kwparams}, target)
    screen(spec.text, store=target, allow_service=allow_service, source=str(spec.path))
    answer = target.query(
        spec.text, bindings, timeout=timeout, source=str(spec.path), what=f"query {spec.name}"
    )
    for message in check_query(spec.text, target, answer):
        warnings.warn(f"{spec.path.name}: {message}", QueryWarning, stacklevel=2)
    return answer


def to_dataframe(rows: Rows | list[dict[str, Any]]) -> Any:
    """The rows as a pandas DataFrame (pandas is optional: install it to use this)."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
    columns = getattr(rows, "columns", None) or (list(rows[0]) if rows else [])
    return pd.DataFrame(list(rows), columns=columns)
