"""Notice saves of a learner's lab file (for ``lab watch`` and the interface's lab screen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def watch_file(path: Path) -> Iterator[None]:
    """Yield once after each save of ``path`` (editors that replace the file included)."""
    import watchfiles

    target = path.resolve()

    def ours(_change: watchfiles.Change, changed: str) -> bool:
        return Path(changed).resolve() == target

    for _changes in watchfiles.watch(target.parent, watch_filter=ours, debounce=300):
        if target.exists():
            yield


def mtime(path: Path) -> float | None:
    """When ``path`` was last written, or None if it does not exist."""
    try:
        return path.stat().st_mtime_ns / 1e9
    except OSError:
        return None
