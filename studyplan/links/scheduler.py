"""Hand out URLs to worker threads without ever exceeding a host's limit or its pace.

Each host (scheme, host and port) has ``host_limit`` slots. Every request holds its host's
slot, including redirect hops to other hosts and retries. A worker asks
:meth:`HostScheduler.next` for work and gets a URL whose host has a free slot (round-robin
over hosts), so workers never queue behind a busy host while another host could be served;
when every host with work left is busy, the worker sleeps until a slot is released.

A host can also have a pace: at most one request every ``interval`` seconds. It comes from
the rate memory of earlier runs (a host that answered 429 with ``Retry-After``) or from a 429
in this run (:meth:`HostScheduler.slow_down`); requests to that host start no closer together
than the interval, and none before the time its ``Retry-After`` named.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from urllib.parse import urlsplit

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from typing import Any


def host_key(url: str) -> str:
    """The politeness key of ``url``: scheme, host and port (``https://example.org:443``)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


class _Host:
    """One host's busy slots and pace."""

    __slots__ = ("busy", "interval", "next_start")

    def __init__(self, interval: float = 0.0) -> None:
        self.busy = 0
        self.interval = interval
        """Seconds between the starts of two requests (0: no pace)."""
        self.next_start = 0.0
        """``time.monotonic()`` before which no request to this host may start."""


class Stopped(Exception):
    """The scheduler was closed while a worker waited (the check is being cancelled)."""


class HostScheduler:
    """Pending work grouped by host, each host's slots and pace; safe across threads.

    The items are the caller's (the checker queues its pages); the scheduler never looks
    inside them.
    """

    def __init__(self, host_limit: int, paces: dict[str, float] | None = None) -> None:
        self.host_limit = host_limit
        self._pending: dict[str, deque[Any]] = {}
        self._ready: deque[str] = deque()
        self._hosts: dict[str, _Host] = {}
        self._cond = threading.Condition(threading.Lock())
        self._closed = False
        self._sealed = False
        for host, interval in (paces or {}).items():
            self._hosts[host] = _Host(max(0.0, interval))

    def add(self, host: str, item: Any) -> None:
        """Queue ``item``, whose first request goes to ``host`` (workers may be running)."""
        with self._cond:
            queue = self._pending.get(host)
            if queue is None:
                queue = self._pending[host] = deque()
            if not queue:
                self._ready.append(host)
            queue.append(item)
            self._cond.notify()

    def seal(self) -> None:
        """No more items will be added: :meth:`next` returns None once the queue is empty."""
        with self._cond:
            self._sealed = True
            self._cond.notify_all()

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host()
        return state

    def _start(self, state: _Host, now: float) -> None:
        """Take a slot of ``state`` for a request starting now."""
        state.busy += 1
        if state.interval:
            state.next_start = now + state.interval

    def next(self) -> tuple[Any, str] | None:
        """The next item whose host has a free slot and whose pace allows it; None when done.

        Blocks until one is, or until the scheduler is sealed with nothing left to hand out.
        Raises :class:`Stopped` once :meth:`close` was called.
        """
        with self._cond:
            while True:
                if self._closed:
                    raise Stopped
                ready = self._ready
                if not ready and self._sealed:
                    return None
                now = time.monotonic()
                wake_at: float | None = None
                for _ in range(len(ready)):
                    host = ready[0]
                    state = self._host(host)
                    if state.busy >= self.host_limit:
                        ready.rotate(-1)
                        continue
                    if state.next_start > now:
                        wake_at = min(wake_at or state.next_start, state.next_start)
                        ready.rotate(-1)
                        continue
                    self._start(state, now)
                    queue = self._pending[host]
                    item = queue.popleft()
                    if queue:
                        ready.rotate(-1)
                    else:
                        ready.popleft()
                        if not ready and self._sealed:
                            self._cond.notify_all()  # the others can stop waiting: no work left
                    return item, host
                self._cond.wait(None if wake_at is None else max(0.0, wake_at - now))

    def acquire(self, host: str) -> None:
        """Take a slot of ``host``, waiting for one and for its pace (redirect hops, retries)."""
        with self._cond:
            state = self._host(host)
            while True:
                if self._closed:
                    raise Stopped
                now = time.monotonic()
                if state.busy < self.host_limit and state.next_start <= now:
                    self._start(state, now)
                    return
                wait = state.next_start - now if state.busy < self.host_limit else None
                self._cond.wait(wait)

    def release(self, host: str) -> None:
        """Give back a slot of ``host``; wake the waiting workers."""
        with self._cond:
            self._host(host).busy -= 1
            self._cond.notify_all()

    def slow_down(self, host: str, interval: float) -> None:
        """Pace ``host`` at one request every ``interval`` seconds, the next not before then.

        A host asks for it with ``429 Too Many Requests`` and ``Retry-After``. A longer pace
        wins over a shorter one; the pace lasts for the rest of the run.
        """
        with self._cond:
            state = self._host(host)
            state.interval = max(state.interval, interval)
            state.next_start = max(state.next_start, time.monotonic() + interval)

    def pace(self, host: str) -> float:
        """The pace of ``host`` in seconds between requests (0: none)."""
        with self._cond:
            state = self._hosts.get(host)
            return state.interval if state is not None else 0.0

    def close(self) -> None:
        """Stop handing out work: every waiting and later call raises :class:`Stopped`."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class SlotHold:
    """The one host slot a worker holds at a time; moving to another host swaps it."""

    def __init__(self, scheduler: HostScheduler, host: str | None = None) -> None:
        self._scheduler = scheduler
        self.host = host

    def move_to(self, host: str) -> None:
        """Hold a slot of ``host`` (releasing the current one first, so no two are held)."""
        if self.host == host:
            return
        self.release()
        self._scheduler.acquire(host)
        self.host = host

    def release(self) -> None:
        """Give the held slot back, if any."""
        if self.host is not None:
            self._scheduler.release(self.host)
            self.host = None
