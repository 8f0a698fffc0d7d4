"""Errors a script can act on: each maps to a fixed exit code."""

from __future__ import annotations

from dataclasses import dataclass

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

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.record}: {self.message}" if self.record else f"{where}: {self.message}"


class MgraphError(Exception):
    """Base of every error mgraph raises on purpose."""

    exit_code = EXIT_USAGE


class InputError(MgraphError):
    """Bad input (a data file, a user's RDF file, a query, a parameter): exit 2.

    ``messages`` holds every problem found, one line each, so they are reported all at once.
    """

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


class DataLoadError(InputError):
    """The curated data has errors; ``errors`` keeps them structured, sorted by file and line."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = sorted(errors)
        super().__init__([str(e) for e in self.errors])
