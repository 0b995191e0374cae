"""A memory, across runs, of the hosts that asked the link checker to slow down.

A host (``scheme://host:port``, see :func:`studyplan.links.scheduler.host_key`) that answered
429 with a Retry-After of *s* seconds during a run starts the next run at one request every
*s* seconds (at most ``cap``). A later run that checks it and gets no 429 from it forgets it;
a run that never contacts it leaves the memory alone; a memory older than 30 days is dropped.

The file is a cache (JSON, ``{"version": 1, "hosts": {host: {"interval": s, "seen": t}}}``):
anything wrong with it reads as an empty memory, and failing to write it is a warning, never
an error. Several studyplan processes may finish at once, so a save reads, merges and writes
under an exclusive ``flock`` on a lock file beside it, and replaces the file atomically.
Standard library only and no heavy modules: this is imported before the first request.
"""

from __future__ import annotations

import contextlib
import os
import time

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from pathlib import Path

VERSION = 1
DEFAULT_CAP = 30.0
MAX_AGE = 30 * 24 * 3600.0
LOCK_TIMEOUT = 2.0
_LOCK_POLL = 0.01
_INF = float("inf")

# host -> (interval seconds, time last asked)
_Entries = dict[str, tuple[float, float]]


class PaceMemory:
    """The remembered pace of each host: one request every ``interval(host)`` seconds."""

    __slots__ = ("_intervals",)

    def __init__(self, intervals: dict[str, float] | None = None) -> None:
        self._intervals = dict(intervals or {})

    @classmethod
    def load(
        cls, path: str | Path, now: float | None = None, cap: float = DEFAULT_CAP
    ) -> PaceMemory:
        """The memory in ``path``; empty if the file is missing, unreadable or corrupt.

        Entries older than 30 days (at ``now``, default the current time) are dropped, and
        intervals above ``cap`` are lowered to it.
        """
        entries = _read(path, _now(now))
        return cls({host: min(interval, cap) for host, (interval, _) in entries.items()})

    def interval(self, host: str) -> float | None:
        """Seconds between two requests to ``host``, or None if it goes at full speed."""
        return self._intervals.get(host)

    def hosts(self) -> dict[str, float]:
        """Every remembered host with its interval (a copy)."""
        return dict(self._intervals)


def save_run(
    path: str | Path,
    asked: dict[str, float],
    contacted: set[str],
    now: float | None = None,
    cap: float = DEFAULT_CAP,
    lock_timeout: float = LOCK_TIMEOUT,
) -> str | None:
    """Merge one run's outcome into the memory in ``path``.

    ``asked`` maps each host that answered 429 with a Retry-After to the seconds it asked for
    (the largest, if it asked more than once); it is remembered at ``min(seconds, cap)``. A
    host in ``contacted`` that is not in ``asked`` (or asked for 0 seconds) is forgotten;
    every other host is kept. Returns None when all went well, or a one-line warning for the
    caller to print when the file could not be written (nothing raises).
    """
    moment = _now(now)
    remembered: dict[str, float] = {}
    for host, seconds in asked.items():
        interval = _pace(seconds, cap)
        if interval is not None:
            remembered[host] = interval
    forgotten = (contacted | asked.keys()) - remembered.keys()
    if not remembered and not forgotten & _read(path, moment).keys():
        return None  # nothing to change: no lock, no write (and no pathlib to load)
    from pathlib import Path

    path = Path(path)
    try:
        return _merge_locked(path, remembered, forgotten, moment, lock_timeout)
    except OSError as error:
        return _warning(path, error.strerror or str(error))


def _merge_locked(
    path: Path, remembered: dict[str, float], forgotten: set[str], now: float, timeout: float
) -> str | None:
    """Read, merge and write ``path`` holding its lock; a warning if the lock never came."""
    with contextlib.suppress(FileExistsError):  # a file in the way: "Not a directory" below
        path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _acquire(lock, timeout):
            return _warning(path, f"another studyplan held it for {timeout:g} s")
        entries = _read(path, now)
        merged = {host: entry for host, entry in entries.items() if host not in forgotten}
        merged.update((host, (interval, now)) for host, interval in remembered.items())
        _write(path, merged)
        return None
    finally:
        os.close(lock)  # closing releases the flock


def _acquire(fd: int, timeout: float) -> bool:
    """Take an exclusive flock on ``fd``, polling until ``timeout`` seconds have passed."""
    import fcntl  # only when writing: the memory is read without it

    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_LOCK_POLL)


def _read(path: str | Path, now: float) -> _Entries:
    """The valid, unexpired entries of ``path``; empty if it cannot be read or parsed."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read()
    except OSError:
        return {}
    import json  # here: most runs have no memory to read, and json costs 1.4 ms

    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # ValueError: bad UTF-8 or JSON
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    hosts = data.get("hosts")
    if not isinstance(hosts, dict):
        return {}
    entries: _Entries = {}
    for host, entry in hosts.items():
        if not isinstance(entry, dict):
            continue
        interval, seen = _number(entry.get("interval")), _number(entry.get("seen"))
        if interval is not None and interval > 0 and seen is not None and now - seen <= MAX_AGE:
            entries[host] = (interval, seen)
    return entries


def _write(path: Path, entries: _Entries) -> None:
    """Replace ``path`` atomically with ``entries`` (the caller holds the lock)."""
    hosts = {
        host: {"interval": interval, "seen": seen} for host, (interval, seen) in entries.items()
    }
    import json

    text = json.dumps({"version": VERSION, "hosts": hosts}, indent=1, sort_keys=True) + "\n"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with open(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the first error is the one worth reporting
            temporary.unlink(missing_ok=True)
        raise


def _number(value: object) -> float | None:
    """``value`` as a finite float; None for anything else (a bool, NaN, ±inf, 10**400)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if abs(number) < _INF else None


def _pace(seconds: object, cap: float) -> float | None:
    """The interval to remember for a host that asked for ``seconds``; None for no pace."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return None
    interval = _number(min(seconds, cap))  # inf and 10**400 become cap; NaN becomes None
    return interval if interval is not None and interval > 0 else None


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _warning(path: Path, reason: str) -> str:
    return f"cannot remember host pace in {path} ({reason}); the next check starts at full speed"
