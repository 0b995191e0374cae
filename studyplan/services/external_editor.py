"""Edit text in the learner's own editor ($VISUAL, $EDITOR or the 'editor' setting)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from studyplan.errors import EditorError


def run_editor(command: str, body: str, ref: str) -> str:
    """Open ``body`` in the editor ``command`` and return the text it saved.

    The draft file is kept whenever the text cannot be taken (the editor fails, is not
    found, saves text that is not UTF-8, or studyplan is interrupted meanwhile), and its
    path is in the error, so nothing typed is lost; it is removed after a successful edit.
    """
    argv = _argv(command)
    path = keep_draft(body, ref)
    try:
        result = subprocess.run([*argv, str(path)], check=False)
    except FileNotFoundError:
        raise EditorError(
            f"editor '{argv[0]}' not found; set $EDITOR or the 'editor' setting "
            f"(your text is in {path})"
        ) from None
    except PermissionError:
        raise EditorError(
            f"editor '{argv[0]}' cannot be run (permission denied); set $EDITOR or the "
            f"'editor' setting (your text is in {path})"
        ) from None
    except KeyboardInterrupt:
        raise EditorError(
            f"interrupted while the editor was open; the note was not saved (your text is in {path})"
        ) from None
    if result.returncode != 0:
        raise EditorError(
            f"editor '{argv[0]}' exited with {result.returncode}; the note was not saved "
            f"(your text is in {path})"
        )
    text = _read_back(path)
    path.unlink(missing_ok=True)
    return text


def _argv(command: str) -> list[str]:
    try:
        return shlex.split(command) or ["vi"]
    except ValueError as exc:
        raise EditorError(
            f"the editor command {command!r} cannot be read ({exc}); fix $EDITOR or the "
            "'editor' setting"
        ) from None


def keep_draft(body: str, ref: str) -> Path:
    """Write ``body`` to a new file in the temporary folder (named after ``ref``); its path.

    For text that cannot be saved where it belongs (an editor's draft, a note that a
    read-only database refused): the learner is told the path, nothing is lost.
    """
    safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in ref)
    try:
        handle, name = tempfile.mkstemp(prefix=f"studyplan-{safe}-", suffix=".md")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(body)
    except OSError as exc:
        raise EditorError(
            f"cannot write a draft for the editor in {tempfile.gettempdir()} ({exc.strerror}); "
            "set TMPDIR to a writable folder"
        ) from None
    return Path(name)


def _read_back(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EditorError(
            f"cannot read what the editor saved ({exc.strerror}); the note was not saved "
            f"(look for {path})"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EditorError(
            f"the editor saved text that is not UTF-8 (byte 0x{data[exc.start]:02X} at "
            f"position {exc.start + 1}); the note was not saved (your text is in {path}: "
            "save it as UTF-8 and run the command again)"
        ) from None


def edit_in_place(command: str, path: Path) -> None:
    """Open the file ``path`` itself in the editor ``command`` and wait for it.

    For files the learner owns (a lab's file): nothing to copy back, nothing to lose.
    """
    argv = _argv(command)
    try:
        subprocess.run([*argv, str(path)], check=False)
    except FileNotFoundError:
        raise EditorError(
            f"editor '{argv[0]}' not found; set $EDITOR or the 'editor' setting ({path} is "
            "unchanged)"
        ) from None
    except PermissionError:
        raise EditorError(
            f"editor '{argv[0]}' cannot be run (permission denied); set $EDITOR or the "
            "'editor' setting"
        ) from None
