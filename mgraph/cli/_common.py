"""Arguments and output helpers shared by the command modules (standard library only)."""

from __future__ import annotations

import argparse
import sys


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="curated data folder (default: data/)")


def add_engine_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        default="auto",
        metavar="NAME",
        help="SHACL engine: auto (default: native, falling back to pyshacl "
        "for shapes it does not evaluate exactly), native or pyshacl",
    )


def add_width_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--width",
        type=int,
        metavar="N",
        help="fit tables in N columns (default: the terminal's width, else 80)",
    )


def table_width(asked: int | None) -> int:
    """``--width``, else the terminal's width when printing to one, else 80."""
    from mgraph.core.errors import InputError
    from mgraph.core.tables import terminal_width

    if asked is not None and asked < 20:
        raise InputError("--width takes a number of columns, 20 or more")
    return terminal_width(asked, tty=sys.stdout.isatty())


def emit(text: str) -> None:
    """Print a command's text result, ending in exactly one newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def warn(text: str) -> None:
    print(text, file=sys.stderr)


def show_warning(message: Warning | str, category: type[Warning], *_args: object, **_kwargs: object) -> None:
    """A warning of the library on standard error as one line: ``warning: ...``, or ``note: ...``
    for a category that says it is one (``kind = "note"``, such as a name taken as part of
    a longer one)."""
    warn(f"{getattr(category, 'kind', 'warning')}: {message}")


def write_output(path: str | None, content: str | bytes) -> None:
    """Write a result to a file atomically (checked first), or to standard output for None or -."""
    from mgraph.core.files import check_writable, write_file

    data = content.encode("utf-8") if isinstance(content, str) else content
    if path is None or str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    check_writable(path)
    write_file(path, data)
