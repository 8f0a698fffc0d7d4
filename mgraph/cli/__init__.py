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

from mgraph.errors import EXIT_OK, EXIT_USAGE, MgraphError

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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with one line naming what is wrong, as argparse does, plus a hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(see `{self.prog} --help`)\n")


def _command_modules() -> list[object]:
    return [importlib.import_module(f"mgraph.cli.{name}") for name in COMMANDS]


def parser() -> argparse.ArgumentParser:
    """The whole command line, built from the command modules."""
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
        module.add_arguments(command)  # type: ignore[attr-defined]
        command.set_defaults(func=module.run)  # type: ignore[attr-defined]
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    top = parser()
    args, extra = top.parse_known_args(argv)
    if extra:  # positional values after an option: kept where the command allows it, else refused
        intermixed = getattr(importlib.import_module(f"mgraph.cli.{args.command}"), "INTERMIXED", None)
        if intermixed is None or any(value.startswith("-") and value != "-" for value in extra):
            top.error(f"unrecognized arguments: {' '.join(extra)}")
        getattr(args, intermixed).extend(extra)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except MgraphError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
