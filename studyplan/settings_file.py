"""Changing one top-level value of the settings file, keeping everything else in it."""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path

from studyplan.errors import SettingsError


def set_value(path: Path, key: str, value: str, private: bool = False) -> None:
    """Set the top-level string ``key`` to ``value`` in the TOML file at ``path``.

    Other lines stay as they are. The file is replaced whole (a temporary file renamed over
    it); with ``private`` it is made readable by its owner only (mode 0600), as a file
    holding a password must be.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=.*$", re.MULTILINE)
    header = re.search(r"^\s*\[", text, re.MULTILINE)
    top = text[: header.start()] if header else text
    if pattern.search(top):
        updated = pattern.sub(lambda _: line, top, count=1) + text[len(top) :]
    else:
        updated = f"{line}\n{text}"
    try:
        tomllib.loads(updated)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: cannot set {key} in it ({exc}); fix the file first") from None
    _replace(path, updated, 0o600 if private else 0o644)


def _replace(path: Path, text: str, mode: int) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            os.fchmod(handle, mode)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SettingsError(
            f"{path}: cannot write it ({exc.strerror}); nothing was changed"
        ) from None
