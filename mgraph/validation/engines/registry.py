"""The SHACL engines by name, and ``auto``: the one place an engine is chosen and falls back.

Each engine module declares an :class:`~mgraph.validation.engines.common.Engine` (``ENGINE``):
its name and the representations of the data it takes. Adding an engine to mgraph is one module
with an ``ENGINE`` and its name in the tuple below; an engine of your own, outside the package,
is :func:`register` (``mgraph validate --engine`` and :func:`mgraph.validate` then offer it).
:mod:`mgraph.validation.validate` never names an engine.
"""

from __future__ import annotations

from rdflib import Graph

from mgraph.validation.engines import native, pyshacl_engine
from mgraph.validation.engines.common import Data, Engine, ShapesError
from mgraph.validation.results import ValidationResult

ENGINES: dict[str, Engine] = {engine.name: engine for engine in (native.ENGINE, pyshacl_engine.ENGINE)}
"""Validation engines by name, for the same shapes and data the same results."""

AUTO = ("native", "pyshacl")
"""What ``auto`` tries, in order: native, and pyshacl when native refuses or fails."""


def register(engine: Engine) -> Engine:
    """Add a SHACL engine (or replace one of the same name); returns it. ``auto`` is unchanged."""
    if engine.name == "auto" or not engine.runs:
        raise ValueError(f"an engine needs a name other than 'auto' and a runner; got {engine!r}")
    ENGINES[engine.name] = engine
    return engine


def engine_names() -> list[str]:
    """The engines a user may choose, "auto" first (for ``--engine`` choices)."""
    return ["auto", *ENGINES]


def chain(name: str) -> list[Engine]:
    """The engines ``name`` tries, in order (``auto``: :data:`AUTO`; else the one engine)."""
    return [ENGINES[n] for n in (AUTO if name == "auto" else (name,))]


def run(name: str, data: Data, shapes: Graph, mixin: Graph) -> tuple[list[ValidationResult], str]:
    """The results of engine ``name`` (or ``auto``) and the name of the engine that gave them.

    Each engine but the last of the chain that refuses or fails hands over to the next; ill-formed
    shapes (:class:`ShapesError`) stop at once: no other engine would make them right.
    """
    return _first(chain(name), data, shapes, mixin)


def _first(
    engines: list[Engine], data: Data, shapes: Graph, mixin: Graph
) -> tuple[list[ValidationResult], str]:
    engine, *rest = engines
    if not rest:
        return engine.run(data, shapes, mixin), engine.name
    try:
        return engine.run(data, shapes, mixin), engine.name
    except ShapesError:
        raise
    except Exception:  # any refusal or failure: the next engine decides
        return _first(rest, data, shapes, mixin)
