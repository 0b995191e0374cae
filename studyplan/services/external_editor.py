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

    The draft file is kept when the editor fails, and its path is in the error, so nothing
    typed is lost; it is removed after a successful edit.
    """
    argv = shlex.split(command) or ["vi"]
    safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in ref)
    handle, name = tempfile.mkstemp(prefix=f"studyplan-{safe}-", suffix=".md")
    path = Path(name)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(body)
    try:
        result = subprocess.run([*argv, str(path)], check=False)
    except FileNotFoundError:
        raise EditorError(
            f"editor '{argv[0]}' not found; set $EDITOR or the 'editor' setting "
            f"(your text is in {path})"
        ) from None
    if result.returncode != 0:
        raise EditorError(
            f"editor '{argv[0]}' exited with {result.returncode}; the note was not saved "
            f"(your text is in {path})"
        )
    text = path.read_text(encoding="utf-8")
    path.unlink(missing_ok=True)
    return text
