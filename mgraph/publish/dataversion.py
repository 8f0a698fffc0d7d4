"""The version of the data: one place, ``data/release.toml``, distinct from the code's version.

The data version is CalVer ``YEAR.MONTH.MICRO`` (``2026.12.0``). The file also gives the day the
version was released (``date``, the dataset's ``dcterms:modified``) and the day the first version
was (``first_issued``, ``dcterms:issued``): written by whoever releases, never read from the clock,
so the same data always builds the same bytes. A data folder without the file is ``unversioned``
and its description carries no dates.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from mgraph.core import locations
from mgraph.core.errors import InputError

VERSION_FILE = "release.toml"
UNVERSIONED = "unversioned"
_CALVER = re.compile(r"^\d{4}\.(?:[1-9]|1[0-2])\.\d+$")


@dataclass(frozen=True)
class DataVersion:
    """A data version with its release day and the day the dataset was first issued."""

    version: str
    date: datetime.date | None = None
    first_issued: datetime.date | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "version": self.version,
            "date": self.date.isoformat() if self.date else None,
            "first_issued": self.first_issued.isoformat() if self.first_issued else None,
        }


def read_version(data_dir: str | Path | None = None) -> DataVersion:
    """The version in ``<data_dir>/release.toml`` (default ``data/``); ``unversioned`` without one."""
    folder = Path(data_dir) if data_dir is not None else locations.DATA
    path = folder / VERSION_FILE
    if not path.is_file():
        return DataVersion(UNVERSIONED)
    return parse_version(path.read_text(encoding="utf-8"), path)


def parse_version(text: str, where: str | Path = VERSION_FILE) -> DataVersion:
    """Read a ``release.toml`` text; a wrong version or date is an :class:`InputError` naming the file."""
    import tomllib

    try:
        fields = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{where}: not valid TOML: {err}") from None
    version = fields.get("version")
    if not isinstance(version, str) or not _CALVER.match(version):
        raise InputError(f'{where}: version must be CalVer YEAR.MONTH.MICRO such as "2026.12.0"')
    dates: dict[str, datetime.date | None] = {}
    for key in ("date", "first_issued"):
        value = fields.get(key)
        if value is not None and (
            not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
        ):
            raise InputError(f"{where}: {key} must be a day such as 2026-12-07 (no quotes, no time)")
        dates[key] = value
    if dates["date"] and dates["first_issued"] and dates["first_issued"] > dates["date"]:
        raise InputError(f"{where}: first_issued is after date")
    return DataVersion(version, dates["date"], dates["first_issued"] or dates["date"])


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a CalVer version (``unversioned`` first)."""
    return tuple(int(part) for part in version.split(".")) if _CALVER.match(version) else ()
