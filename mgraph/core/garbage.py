"""The cyclic garbage collector paused while large, acyclic structures are built.

Standard library only, so every layer may use it: the name index, the views and the exporters.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block (and restored as it was).

    An index, a view and its export are millions of small containers with no reference cycles;
    every collection the allocations trigger meanwhile rescans all of them alive, for nothing: at
    1M triples that was half the CPU time of a GraphML export. The cycles a block makes, if any,
    are collected after it, by a full collection.

    What the block made is then moved to the oldest generation as it is (``gc.freeze`` and
    ``gc.unfreeze``, when nothing else is frozen, so no one else's frozen objects are thawed;
    CPython 3.12.1 starts with 375 of its own, and there this step is skipped): left young, the
    first collection after the block would scan all of it at once (0.7 s for a view at 1M
    triples)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
