"""The query fixture data (``tests/queries/data``) copied, with records planted in it."""

from __future__ import annotations

import shutil
from pathlib import Path

from paths import FIXTURE_DATA


def planted(tmp_path: Path, extra: dict[str, str]) -> Path:
    """The query fixture data, with text appended to some of its files."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    for name, text in extra.items():
        with (data / name).open("a", encoding="utf-8") as handle:
            handle.write(text)
    return data
