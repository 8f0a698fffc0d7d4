"""``mgraph serve --in-memory``: workers that load the graph into memory answer as the store on disk.

Each worker may load an N-Quads copy of the store into pyoxigraph's in-memory store
(:meth:`mgraph.server.dataset.Dataset.choose_storage`): the same answers, the same blank node
labels in every worker (a worker started later included), and ``auto`` decides by the memory
the copies need.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from paths import SERVE_FIXTURES
from serve_support import start

from mgraph.core.errors import InputError
from mgraph.server.dataset import MEMORY_BYTES_PER_TRIPLE, Dataset, available_memory, fits_in_memory, prepare
from mgraph.server.jobs import Job
from mgraph.server.pool import QueryTimeout, WorkerPool

BLANKS = SERVE_FIXTURES / "blank-nodes.trig"
EVERY_TERM = """SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }
ORDER BY ?g ?s ?p ?o"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(10)) + " }"
"""Every combination of ten triples of the fixture's 13: hours of counting."""


def answers(dataset: Dataset, memory: bool, queries: list[str], pools: int = 1) -> list[list[dict]]:
    """Each query's JSON bindings from ``pools`` separate one-worker pools (each worker loads the
    graph itself)."""

    async def scenario() -> list[list[dict]]:
        out = []
        for _ in range(pools):
            pool = WorkerPool(
                str(dataset.path), 1, {}, memory_file=str(dataset.memory_file) if memory else None
            )
            await pool.start()
            try:
                for text in queries:
                    reply = await pool.run(Job(text), timeout=60)
                    assert reply.ok, reply.message
                    out.append(json.loads(reply.body)["results"]["bindings"])
            finally:
                pool.close()
        return out

    return asyncio.run(scenario())


@pytest.fixture()
def blank_dataset():
    dataset = prepare([BLANKS])
    try:
        yield dataset
    finally:
        dataset.close()


def test_workers_in_memory_hold_the_stores_terms_and_blank_node_labels(blank_dataset):
    on_disk = answers(blank_dataset, False, [EVERY_TERM])[0]
    assert blank_dataset.choose_storage("yes", copies=2) == "memory"
    first, second = answers(blank_dataset, True, [EVERY_TERM], pools=2)
    labels = {b["s"]["value"] for b in on_disk if b["s"]["type"] == "bnode"}
    assert len(labels) == 5  # venue, room, two authors, the note
    assert first == on_disk and second == on_disk


def test_in_memory_copy_is_removed_with_the_dataset():
    dataset = prepare([BLANKS])
    dataset.choose_storage("yes", copies=1)
    copy = dataset.memory_file
    assert copy is not None and copy.stat().st_size > 0
    dataset.close()
    assert not copy.exists() and not copy.parent.exists()


@pytest.mark.parametrize(
    ("mode", "available", "expected"),
    [
        pytest.param("auto", 10**12, "memory", id="auto-room-for-every-copy"),
        pytest.param("auto", 1000, "disk", id="auto-no-room"),
        pytest.param("no", 10**12, "disk", id="no-even-with-room"),
        pytest.param("yes", 1000, "memory", id="yes-even-without-room"),
    ],
)
def test_choose_storage(blank_dataset, mode, available, expected):
    assert blank_dataset.choose_storage(mode, copies=4, available=available) == expected
    assert (blank_dataset.memory_file is not None) == (expected == "memory")


def test_choose_storage_refuses_an_unknown_mode(blank_dataset):
    with pytest.raises(InputError, match="--in-memory maybe"):
        blank_dataset.choose_storage("maybe", copies=1)


@pytest.mark.parametrize(
    ("triples", "copies", "available", "fits"),
    [
        pytest.param(1000, 4, 4000 * MEMORY_BYTES_PER_TRIPLE * 2, True, id="exactly-half"),
        pytest.param(1000, 4, 4000 * MEMORY_BYTES_PER_TRIPLE * 2 - 1, False, id="just-over-half"),
        pytest.param(1_000_000, 4, None, True, id="unknown-memory-small-graph"),
        pytest.param(1_000_001, 4, None, False, id="unknown-memory-large-graph"),
    ],
)
def test_fits_in_memory(triples, copies, available, fits):
    assert fits_in_memory(triples, copies, available) is fits


def test_available_memory_is_read_from_the_machine():
    free = available_memory()
    assert free is None or free > 0


def test_a_runaway_on_a_worker_in_memory_is_stopped_and_its_replacement_loads_the_graph(blank_dataset):
    blank_dataset.choose_storage("yes", copies=2)

    async def scenario() -> list[dict]:
        pool = WorkerPool(str(blank_dataset.path), 1, {}, memory_file=str(blank_dataset.memory_file))
        await pool.start()
        try:
            with pytest.raises(QueryTimeout):
                await pool.run(Job(RUNAWAY), timeout=1.0)
            assert pool.killed == 1
            reply = await pool.run(Job(EVERY_TERM), timeout=60)
            return json.loads(reply.body)["results"]["bindings"]
        finally:
            pool.close()

    after = asyncio.run(scenario())
    assert after == answers(blank_dataset, False, [EVERY_TERM])[0]


@pytest.mark.parametrize(
    ("flags", "storage"),
    [
        pytest.param([], "memory", id="default-auto-small-graph"),
        pytest.param(["--in-memory", "no"], "disk", id="in-memory-no"),
    ],
)
def test_serve_says_where_the_workers_read_the_graph(tmp_path, flags, storage):
    served = start(tmp_path, str(BLANKS), "--workers", "1", *flags)
    try:
        ready = httpx.get(f"{served.url}/ready").json()
        response = httpx.post(
            served.sparql, data={"query": EVERY_TERM}, headers={"Accept": "application/json"}
        )
    finally:
        served.stop()
    assert ready["storage"] == storage
    assert response.status_code == 200 and len(response.json()["results"]["bindings"]) == 10
    log = served.log.read_text()
    assert ("in memory" if storage == "memory" else "on disk") in log
