"""Writing files so that a reader never sees half of one: atomic single files and folder swaps.

Files get the usual permissions (what the umask leaves of 0o666; folders 0o777), as ``open``
would give them, not the 0o600 of a temporary file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from mgraph.core.errors import InputError, MgraphError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _carry_over(target: Path, staging: Path, ours: set[str]) -> None:
    """Files a user put in the release folder are kept: the swap replaces only ours."""
    if not target.is_dir():
        return
    for item in target.iterdir():
        if item.name in ours:
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.copytree(item, staging / item.name, symlinks=True)
        else:
            shutil.copy2(item, staging / item.name, follow_symlinks=False)


def write_directory(target: Path, files: dict[str, bytes]) -> None:
    """Write all files into a sibling temporary folder, then swap it in for ``target``.

    A failure at any point leaves ``target`` exactly as it was.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for name, content in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(content)
            (staging / name).chmod(0o666 & ~_umask())
        _carry_over(target, staging, {Path(name).parts[0] for name in files})
        staging.chmod(0o777 & ~_umask())
        if target.exists() and not target.is_dir():
            raise MgraphError(f"{target} exists and is not a directory")
        backup = target.parent / f".{target.name}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, backup)
        try:
            os.replace(staging, target)
        except OSError:
            if backup.exists():
                os.replace(backup, target)
            raise
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_file(path: str | Path, content: bytes | Callable[[BinaryIO], object]) -> None:
    """Write one file atomically: a temporary sibling renamed over it, never a half-written file.

    ``content``: the file's bytes, or a function that writes them to the binary stream it is
    given (a large file is then never whole in memory); if it raises, nothing is written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_writable(path: str | Path) -> None:
    """Refuse, before any work is done, an output path whose folder is missing or not writable."""
    if str(path) == "-":
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"{target}: is a folder; give a file name")
    if not folder.is_dir():
        raise InputError(f"{target}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{target}: folder {folder} is not writable")
