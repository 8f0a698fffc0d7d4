"""Errors a script can act on: each maps to a fixed exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_FAILED = 1  # data does not conform, a check failed
EXIT_USAGE = 2  # bad input or usage


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in a curated data file, located to the line and the record."""

    file: str
    line: int
    record: str  # "decision 'mc-5-3'", or "" when the problem is not inside a record
    message: str
    primary: bool = field(default=False, compare=False)
    """A cause other errors may follow from: a file that cannot be read or parsed, a duplicate id."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.record}: {self.message}" if self.record else f"{where}: {self.message}"


class MgraphError(Exception):
    """Base of every error mgraph raises on purpose."""

    exit_code = EXIT_USAGE


class InputError(MgraphError, ValueError):
    """Bad input (a data file, a user's RDF file, a query, a parameter, an option): exit 2.

    It is a ``ValueError`` too, so code that caught the ValueErrors of earlier versions still
    works; the API raises no other ValueError on purpose.

    ``messages`` holds every problem found, one line each, so they are reported all at once.
    """

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


class DataLoadError(InputError):
    """The curated data has errors; ``errors`` keeps them structured.

    Causes (``primary``) come first: files that cannot be read or parsed, then duplicate ids;
    then the other errors, each group sorted by file and line. ``caused`` holds the errors that
    follow from an unparsable file (references to the records it lost): they are counted in one
    line right after the file errors, not listed.
    """

    def __init__(self, errors: list[DataError], caused: list[DataError] | None = None) -> None:
        self.errors = sorted(errors, key=lambda e: (not e.primary, e.primary and bool(e.record), e))
        self.caused = sorted(caused or [])
        files = [str(e) for e in self.errors if e.primary and not e.record]
        lines = list(files)
        if self.caused:
            n = len(self.caused)
            lines.append(
                f"... and {n} more error{'s' if n != 1 else ''} caused by the "
                f"error{'s' if len(files) != 1 else ''} above (references to records lost there)"
            )
        lines += [str(e) for e in self.errors if not (e.primary and not e.record)]
        super().__init__(lines)
