"""Hand out URLs to a bounded set of workers without ever exceeding a per-host limit.

Each host (scheme, host and port) has an :class:`asyncio.Semaphore` of ``host_concurrency``
slots. Every request holds its host's slot, including redirect hops to other hosts and
retries. A worker asks :meth:`HostScheduler.next` for work and gets a URL whose host has a free
slot (round-robin over hosts), so workers never queue behind a busy host while another host
could be served; when every host with work left is busy, the worker sleeps until a slot of
such a host is released.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")


def host_key(url: str) -> str:
    """The politeness key of ``url``: scheme, host and port (``https://example.org:443``)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


class HostScheduler(Generic[T]):
    """Pending work grouped by host, plus each host's slots."""

    def __init__(self, host_limit: int) -> None:
        self.host_limit = host_limit
        self._pending: dict[str, deque[T]] = {}
        self._ready: deque[str] = deque()
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._waiters: deque[asyncio.Future[None]] = deque()

    def add(self, host: str, item: T) -> None:
        """Queue ``item``, whose first request goes to ``host``."""
        queue = self._pending.get(host)
        if queue is None:
            queue = self._pending[host] = deque()
        if not queue:
            self._ready.append(host)
        queue.append(item)

    def _slot(self, host: str) -> asyncio.Semaphore:
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(self.host_limit)
        return slot

    async def next(self) -> tuple[T, str] | None:
        """The next item whose host has a free slot, with that slot taken; None when done."""
        while True:
            ready = self._ready
            for _ in range(len(ready)):
                host = ready[0]
                slot = self._slot(host)
                if slot.locked():
                    ready.rotate(-1)
                    continue
                await slot.acquire()  # a free slot: returns at once, no other task runs
                queue = self._pending[host]
                item = queue.popleft()
                if queue:
                    ready.rotate(-1)
                else:
                    ready.popleft()
                    if not ready:
                        self._wake(all_=True)
                return item, host
            if not ready:
                return None
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    async def acquire(self, host: str) -> None:
        """Take a slot of ``host``, waiting for one (used for redirect hops and retries)."""
        await self._slot(host).acquire()

    def release(self, host: str) -> None:
        """Give back a slot of ``host``; wake a waiting worker if that host has work left."""
        self._slot(host).release()
        if self._pending.get(host):
            self._wake()

    def _wake(self, all_: bool = False) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                if not all_:
                    return


class SlotHold:
    """The one host slot a worker holds at a time; moving to another host swaps it."""

    def __init__(self, scheduler: HostScheduler[Any], host: str | None = None) -> None:
        self._scheduler = scheduler
        self.host = host

    async def move_to(self, host: str) -> None:
        """Hold a slot of ``host`` (releasing the current one first, so no two are held)."""
        if self.host == host:
            return
        self.release()
        await self._scheduler.acquire(host)
        self.host = host

    def release(self) -> None:
        """Give the held slot back, if any."""
        if self.host is not None:
            self._scheduler.release(self.host)
            self.host = None
