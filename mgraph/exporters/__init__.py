"""Exporters of network views, one module per format, registered by name.

An exporter is anything with the :class:`Exporter` attributes (a module of this package, or an
object of yours given to :func:`register`): ``NAME``, ``EXTENSION``, ``MEDIA_TYPE``,
``DESCRIPTION``, optionally ``OPTIONS`` (the options its ``export`` reads, each an
:class:`Option`), and ``export(view, **options) -> bytes`` (the same view and options always give
the same bytes); optionally ``write(view, stream, **options)``, the same bytes written to a binary
stream as they are made (:func:`write_export` uses it). The formats of this package are listed
in :data:`FORMATS` and loaded on first use, so listing them (``mgraph --help``) imports no graph
library; a listed module that is not there (a format still being built on another branch) is left
out of :func:`names`.

>>> from mgraph.exporters import get, names
>>> "graphml" in names() and get("html").OPTIONS["layout"].choices
('auto', 'force', 'blocks')
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, BinaryIO, NamedTuple, Protocol, cast

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
"""The formats of this package, each a module ``mgraph.exporters.<name>``, in the order help lists them."""


class Option(NamedTuple):
    """An option an exporter reads: its help text and, when it takes one of a few values, those."""

    help: str
    choices: tuple[str, ...] = ()


class Exporter(Protocol):
    """What an export format provides (a module satisfies it with module-level names)."""

    NAME: str
    EXTENSION: str
    """The file extension, without its dot."""
    MEDIA_TYPE: str
    DESCRIPTION: str

    def export(self, view: Any, **options: Any) -> bytes:
        """The view (a ``networkx.MultiDiGraph`` from :func:`mgraph.networks.views.build_view`) as bytes."""
        ...


_REGISTERED: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    """Add an export format (or replace one of the same ``NAME``): from then on :func:`get`,
    :func:`names`, :func:`export_view` and ``mgraph export`` offer it. Returns the exporter."""
    for attribute in ("NAME", "EXTENSION", "MEDIA_TYPE", "DESCRIPTION", "export"):
        if not hasattr(exporter, attribute):
            raise TypeError(f"an exporter needs {attribute}; {exporter!r} has none")
    _REGISTERED[exporter.NAME] = exporter
    return exporter


def _load(name: str) -> Exporter | None:
    try:
        return cast(Exporter, importlib.import_module(f"{__name__}.{name}"))
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return None
        raise


def names() -> tuple[str, ...]:
    """The formats available here: this package's (listed and present), then the registered ones."""
    from importlib.util import find_spec

    ours = tuple(name for name in FORMATS if find_spec(f"{__name__}.{name}") is not None)
    return ours + tuple(name for name in _REGISTERED if name not in ours)


def get(name: str) -> Exporter:
    """The exporter of a format; InputError (exit 2) for an unknown one."""
    exporter = _REGISTERED.get(name) or (_load(name) if name in FORMATS else None)
    if exporter is None:
        raise InputError(f"unknown export format {name!r}; choose one of: {', '.join(names())}")
    return exporter


def options_of(exporter: Exporter) -> Mapping[str, Option]:
    """The options an exporter reads (none when it declares no ``OPTIONS``)."""
    return cast(Mapping[str, Option], getattr(exporter, "OPTIONS", {}))


def check_options(exporter: Exporter, options: Mapping[str, Any]) -> dict[str, Any]:
    """The options given (None values left out), each checked against the exporter's
    :class:`Option`; InputError (exit 2) for an option it does not read or a value not among its
    choices."""
    declared = options_of(exporter)
    out = {}
    for key, value in options.items():
        if value is None:
            continue
        option = declared.get(key)
        if option is None:
            known = ", ".join(declared) or "none"
            raise InputError(f"the {exporter.NAME} format has no option {key!r} (its options: {known})")
        if option.choices and value not in option.choices:
            raise InputError(
                f"unknown {exporter.NAME} {key} {value!r}; choose one of: {', '.join(option.choices)}"
            )
        out[key] = value
    return out


def export_view(
    format: str, out: str | None = None, view: str = "actors", *, graph: object = None, **options: object
) -> bytes | None:
    """Build a view and export it in ``format``: written atomically to the file ``out``, or
    returned as bytes when ``out`` is None. ``options`` are the view's (see
    :func:`mgraph.networks.views.build_view`) and the format's own (its ``OPTIONS``, such as
    ``title`` and ``layout`` for html). Checks the format, its options and the output path before
    any work, so bad input writes nothing.

    >>> import mgraph
    >>> kg = mgraph.load("tests/fixtures/data/good")
    >>> print(mgraph.export("mermaid", graph=kg, focus="UNEP", depth=1).decode())
    flowchart LR
      n0["United Nations Environment Programme"]
      n1["Artisanal and Small-Scale Gold Mining"]
      n2["GEF GOLD"]
      n0 -->|"co-lead of"| n1
      n2 -->|"implementing agency"| n0
      n2 -->|"partnership area"| n1
    ...
    """
    from mgraph.core.files import check_writable, write_file
    from mgraph.networks.views import build_view

    exporter = get(format)
    declared = options_of(exporter)
    export_options = check_options(exporter, {k: v for k, v in options.items() if k in declared})
    view_options = {k: v for k, v in options.items() if k not in declared}
    if out is not None:
        if str(out) == "-":
            raise InputError("give a file name; for the bytes themselves leave out= None")
        check_writable(out)
    network = build_view(view, graph=graph, **view_options)  # type: ignore[arg-type]
    if out is None:
        content: bytes = exporter.export(network, **export_options)
        return content
    write_file(out, lambda stream: write_export(exporter, network, stream, **export_options))
    return None


def write_export(exporter: Exporter, view: Any, stream: BinaryIO, **options: Any) -> None:
    """Write ``exporter``'s bytes of ``view`` to a binary stream: as they are made when the
    exporter has ``write(view, stream, **options)`` (GraphML: at a million triples the whole
    document in memory was a sixth of the peak), else its ``export``. The same bytes either way."""
    write = getattr(exporter, "write", None)
    if write is not None:
        write(view, stream, **options)
    else:
        stream.write(exporter.export(view, **options))
