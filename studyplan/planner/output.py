"""Writing a file whole or not at all: a temporary file beside it, then a rename."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from studyplan.errors import ExportError


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; :class:`ExportError` if even asking fails."""
    try:
        return path.is_dir()
    except OSError as exc:
        raise ExportError(explain(exc, path)) from None


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file and a rename.

    On failure nothing is left behind (neither a partial ``path`` nor the temporary file)
    and :class:`ExportError` says what happened in one line. A read-only file is not
    replaced. A symbolic link keeps pointing
    at the new file; a device or a named pipe (``/dev/stdout``) is written to directly.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write(path, raw)
    except OSError as exc:  # a name too long, a loop of links: asking about the path fails
        raise ExportError(explain(exc, path)) from None


def _write(path: Path, raw: bytes) -> None:
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name, e.g. {path / 'plan'}")
    if path.exists() and not path.is_file():  # /dev/stdout, a named pipe: no file to replace
        _write_special(path, raw)
        return
    if path.is_symlink():  # replace the file the link points to, and keep the link
        path = Path(os.path.realpath(path))
    if path.is_file() and not os.access(path, os.W_OK):  # a rename would replace it anyway
        raise ExportError(
            f"{path} is read-only: nothing was written; make it writable or choose another name"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such folder; create it or choose another path")
    temp = ""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        mode = _mode_of(path)
        os.chmod(temp, mode)
        os.replace(temp, path)
        temp = ""
    except OSError as exc:
        raise ExportError(explain(exc, path)) from None
    finally:
        if temp:
            Path(temp).unlink(missing_ok=True)


def _write_special(path: Path, raw: bytes) -> None:
    """Write to a device or a named pipe as it is (nothing there can be left half-written)."""
    try:
        with path.open("wb") as handle:
            handle.write(raw)
    except OSError as exc:
        raise ExportError(explain(exc, path)) from None


def _mode_of(path: Path) -> int:
    """Keep the mode of a file being replaced; a new file gets 0644 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def explain(exc: OSError, path: Path) -> str:
    """One line for ``exc`` met while writing ``path``."""
    if exc.errno == errno.ENAMETOOLONG:
        return f"{path}: the name is too long; choose a shorter one"
    if exc.errno == errno.ENOSPC:
        return f"{path}: the disk is full; nothing was written, free some space and try again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{path}: cannot write there ({exc.strerror}); choose a folder you can write to"
    return f"{path}: cannot write ({exc.strerror}); nothing was written"
