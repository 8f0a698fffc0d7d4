"""Exporters of network views, one module per format, registered by name in :data:`FORMATS`.

Each format module has ``NAME``, ``EXTENSION``, ``MEDIA_TYPE``, ``DESCRIPTION`` and
``export(view, **options) -> bytes`` (the same view always gives the same bytes). A listed module
that is not there (a format still being built on another branch) is left out of :func:`names`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from mgraph.core.errors import InputError

FORMATS = (
    "graphml",
    "gexf",
    "cytoscape",
    "dot",
    "mermaid",
    "nodelink",
    "csv",
    "turtle",
    "ntriples",
    "jsonld",
    "html",
)
"""Format names, each a module ``mgraph.exporters.<name>``, in the order help lists them."""


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return None
        raise


def names() -> tuple[str, ...]:
    """The formats available here (listed and present)."""
    from importlib.util import find_spec

    return tuple(name for name in FORMATS if find_spec(f"{__name__}.{name}") is not None)


def get(name: str) -> ModuleType:
    """The exporter module of a format; InputError (exit 2) for an unknown one."""
    module = _load(name) if name in FORMATS else None
    if module is None:
        raise InputError(f"unknown export format {name!r}; choose one of: {', '.join(names())}")
    return module


def export_view(
    format: str, out: str | None = None, view: str = "actors", *, graph: object = None, **view_options: object
) -> bytes | None:
    """Build a view and export it in ``format``: written atomically to the file ``out``, or
    returned as bytes when ``out`` is None. Checks the format and the output path before any
    work, so bad input writes nothing."""
    from mgraph.core.files import check_writable, write_file
    from mgraph.networks.views import build_view

    exporter = get(format)
    if out is not None:
        if str(out) == "-":
            raise InputError("give a file name; for the bytes themselves leave out= None")
        check_writable(out)
    network = build_view(view, graph=graph, **view_options)  # type: ignore[arg-type]
    content: bytes = exporter.export(network)
    if out is None:
        return content
    write_file(out, content)
    return None
