"""The ``mgraph`` command: parses arguments and calls the library. Nothing imports this package.

Each command is one module of this package, listed in :data:`COMMANDS`. A command module has a
docstring (its ``--help`` description: the first line is the one-line help), ``EXAMPLES`` (shown
under ``--help``), ``add_arguments(parser)`` and ``run(args) -> int``. Command modules import only
the standard library at module level, so ``mgraph --help`` stays fast; the library is imported
inside ``run``.

Exit codes: 0 ok, 1 data does not conform or a check failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from mgraph.core.errors import EXIT_OK, EXIT_USAGE, MgraphError

COMMANDS = (
    "build",
    "diff",
    "validate",
    "lint",
    "stats",
    "query",
    "search",
    "export",
    "analyze",
    "path",
    "serve",
    "site",
    "push",
    "schema",
)
"""The commands, in the order ``mgraph --help`` lists them (module ``mgraph.cli.<name>``)."""

EPILOG = "Exit codes: 0 ok, 1 data does not conform or a check failed, 2 bad input or usage."


class _Formatter(argparse.HelpFormatter):
    """Help in the terminal's width: prose paragraphs of descriptions are wrapped again (the
    docstrings are written at 100 columns); indented paragraphs (examples) are kept as they are."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        out = []
        for paragraph in text.split("\n\n"):
            lines = paragraph.splitlines()
            if all(line.startswith(" ") for line in lines if line.strip()) or paragraph.endswith(":"):
                out.append("\n".join(indent + line for line in lines))
            elif lines and lines[0].endswith(":") and all(line.startswith(" ") for line in lines[1:]):
                out.append("\n".join(indent + line for line in lines))  # "examples:" and its lines
            else:
                out.append(
                    textwrap.fill(
                        " ".join(paragraph.split()),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
        return "\n\n".join(out)


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with one line naming what is wrong, as argparse does, plus a hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        hint = _did_you_mean(message)
        from mgraph.core.tables import fit_text, terminal_width

        width = terminal_width(tty=sys.stderr.isatty())
        line = fit_text(f"{self.prog}: error: {message}", width, indent="  ")
        self.exit(EXIT_USAGE, f"{line}\n{hint}(see `{self.prog} --help`)\n")


def _did_you_mean(message: str) -> str:
    """``did you mean search?`` for a misspelt command or choice (argparse's invalid choice)."""
    import difflib
    import re

    match = re.match(r"argument [^:]+: invalid choice: '([^']*)' \(choose from (.*)\)$", message)
    if not match:
        return ""
    choices = re.findall(r"'([^']*)'", match.group(2)) or [c.strip() for c in match.group(2).split(",")]
    close = difflib.get_close_matches(match.group(1), choices, n=3, cutoff=0.6)
    return f"did you mean {' or '.join(close)}?\n" if close else ""


def _command_modules() -> list[object]:
    return [importlib.import_module(f"mgraph.cli.{name}") for name in COMMANDS]


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, built from the command modules. With ``only`` (a command name, or
    "" for none), only that command's arguments are added and the others are listed by name and
    summary: a run reads only the registries its own command offers (the export formats' options
    load every exporter module, for one)."""
    from mgraph import __version__

    top = _Parser(
        prog="mgraph",
        description="mgraph: the mercury governance knowledge graph.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    top.add_argument("--version", action="version", version=f"mgraph {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name, module in zip(COMMANDS, _command_modules(), strict=True):
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0].rstrip(".") if doc else name
        examples = getattr(module, "EXAMPLES", "").strip("\n")
        epilog = f"examples:\n{examples}\n\n{EPILOG}" if examples else EPILOG
        command = sub.add_parser(
            name.replace("_", "-"), help=summary, description=doc, epilog=epilog, formatter_class=_Formatter
        )
        if only is None or only == name:
            module.add_arguments(command)  # type: ignore[attr-defined]
        command.set_defaults(func=module.run)  # type: ignore[attr-defined]
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    import warnings

    from mgraph.cli._common import show_warning

    words = list(sys.argv[1:] if argv is None else argv)
    chosen = next((word for word in words if not word.startswith("-")), "")  # no top option takes a value
    top = parser(chosen if chosen in COMMANDS else "")
    args, extra = top.parse_known_args(words)
    if extra:  # positional values after an option: kept where the command allows it, else refused
        intermixed = getattr(importlib.import_module(f"mgraph.cli.{args.command}"), "INTERMIXED", None)
        if intermixed is None or any(value.startswith("-") and value != "-" for value in extra):
            top.error(f"unrecognized arguments: {' '.join(extra)}")
        getattr(args, intermixed).extend(extra)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with warnings.catch_warnings():
            warnings.showwarning = show_warning
            return func(args)
    except MgraphError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


def entry() -> NoReturn:
    """The ``mgraph`` command and ``python -m mgraph``: :func:`main`, then exit with its code.

    What the command built is left for the operating system to free: the last garbage collection
    at exit walks every object still alive and frees them one by one (at 1M triples an index and
    a view of millions of objects: about 2 s of a GraphML export), so they are first moved out of
    its sight (``gc.freeze``). Output files are closed by then and standard output is flushed as
    usual."""
    import gc

    code = main()
    gc.freeze()
    sys.exit(code)
