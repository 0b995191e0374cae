"""Hand out URLs without ever exceeding a host's limit or its pace.

Each host (scheme, host and port) has ``host_limit`` slots. Every request holds its host's
slot, including redirect hops to other hosts and retries. :meth:`HostScheduler.take` gives
a URL whose host has a free slot (round-robin over hosts), so the checker never queues
behind a busy host while another host could be served.

A host can also have a pace: at most one request every ``interval`` seconds. It comes from
the rate memory of earlier runs (a host that answered 429 with ``Retry-After``) or from a 429
in this run (:meth:`HostScheduler.slow_down`); requests to that host start no closer together
than the interval, and none before the time its ``Retry-After`` named.

Not thread-safe: the checker's event loop is its only user (one thread).
"""

from __future__ import annotations

from collections import deque

from studyplan.links.plain_url import split_plain

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from typing import Any


def host_key(url: str) -> str:
    """The politeness key of ``url``: scheme, host and port (``https://example.org:443``)."""
    plain = split_plain(url)
    if plain is not None:
        scheme, host, port, _path, _query = plain
    else:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = None
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = port or (443 if scheme == "https" else 80)
    return f"{scheme}://{host}:{port}"


class _Host:
    """One host's busy slots and pace."""

    __slots__ = ("busy", "interval", "next_start")

    def __init__(self, interval: float = 0.0) -> None:
        self.busy = 0
        self.interval = interval
        """Seconds between the starts of two requests (0: no pace)."""
        self.next_start = 0.0
        """``time.monotonic()`` before which no request to this host may start."""


class HostScheduler:
    """Pending work grouped by host, each host's slots and pace.

    The items are the caller's (the checker queues its pages); the scheduler never looks
    inside them.
    """

    def __init__(self, host_limit: int, paces: dict[str, float] | None = None) -> None:
        self.host_limit = host_limit
        self._pending: dict[str, deque[Any]] = {}
        self._ready: deque[str] = deque()
        self._hosts: dict[str, _Host] = {}
        for host, interval in (paces or {}).items():
            self._hosts[host] = _Host(max(0.0, interval))

    def add(self, host: str, item: Any) -> None:
        """Queue ``item``, whose first request goes to ``host``."""
        queue = self._pending.get(host)
        if queue is None:
            queue = self._pending[host] = deque()
        if not queue:
            self._ready.append(host)
        queue.append(item)

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host()
        return state

    def _start(self, state: _Host, now: float) -> None:
        state.busy += 1
        if state.interval:
            state.next_start = now + state.interval

    def take(self, now: float) -> tuple[Any, str] | None:
        """The next item whose host has a free slot and whose pace allows it now, slot taken.

        None when no item can start now (see :meth:`wake_at` for when a paced one can).
        """
        ready = self._ready
        for _ in range(len(ready)):
            host = ready[0]
            state = self._host(host)
            if state.busy >= self.host_limit or state.next_start > now:
                ready.rotate(-1)
                continue
            self._start(state, now)
            queue = self._pending[host]
            item = queue.popleft()
            if queue:
                ready.rotate(-1)
            else:
                ready.popleft()
            return item, host
        return None

    def has_pending(self) -> bool:
        """Whether any item is waiting."""
        return bool(self._ready)

    def wake_at(self) -> float | None:
        """When a waiting item held back only by its host's pace may start, if any."""
        times = [
            state.next_start
            for host in self._ready
            if (state := self._host(host)).busy < self.host_limit and state.next_start
        ]
        return min(times) if times else None

    def try_acquire(self, host: str, now: float) -> float | None:
        """Take a slot of ``host`` if free and its pace allows: None; else when to try again.

        ``0.0`` means "when a slot is released" (the host is at its limit).
        """
        state = self._host(host)
        if state.busy >= self.host_limit:
            return 0.0
        if state.next_start > now:
            return state.next_start
        self._start(state, now)
        return None

    def release(self, host: str) -> None:
        """Give back a slot of ``host``."""
        self._host(host).busy -= 1

    def slow_down(self, host: str, interval: float, now: float) -> None:
        """Pace ``host`` at one request every ``interval`` seconds, the next not before then.

        A host asks for it with ``429 Too Many Requests`` and ``Retry-After``. A longer pace
        wins over a shorter one; the pace lasts for the rest of the run.
        """
        state = self._host(host)
        state.interval = max(state.interval, interval)
        state.next_start = max(state.next_start, now + interval)


ROUND_SPREAD = 0.064
"""Seconds over which a full round of requests (``max_concurrency`` of them) starts."""
MIN_START_RATE = 1000.0
"""Request starts a second the pace always allows, whatever the concurrency."""


_WHOLE = 1.0 - 1e-9
"""A start's worth of refill, give or take the rounding of adding up small intervals."""


class StartPace:
    """At most ``rate`` request starts a second, at most ``burst`` at once (a token bucket).

    A round of answers that arrive together would otherwise go back to the servers as a round
    of requests that arrive together, and a server answers a burst in turn: the last ones
    wait for the first. Each request of a round follows an answer to the one before it, so
    the spread of the first round is kept by the later ones: spread over tens of
    milliseconds, each is answered as it comes (measured on benchmarks/links_bench.py: 31
    rounds of 2,000 requests took 3.15 s instead of 3.21 s unpaced, and 9 ms less over
    64 ms than over 16 ms). While answers come spread out, as they do from real servers, no
    start waits. The checker paces only a check of more than one round: a single one has no
    later round to spread.
    """

    __slots__ = ("_at", "burst", "rate", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = float(self.burst)
        self._at = now

    @classmethod
    def for_concurrency(cls, concurrency: int, now: float) -> StartPace:
        """The pace for ``concurrency`` requests in flight: a full round over
        :data:`ROUND_SPREAD` seconds (never slower than :data:`MIN_START_RATE`), in bursts
        of a sixteenth of it (at least 4)."""
        rate = max(MIN_START_RATE, concurrency / ROUND_SPREAD)
        return cls(rate, max(4, concurrency // 16), now)

    def _refill(self, now: float) -> None:
        if now > self._at:
            self.tokens = min(float(self.burst), self.tokens + (now - self._at) * self.rate)
            self._at = now

    def allows(self, now: float) -> bool:
        """Whether a request may start at ``now`` (:meth:`spend` counts it if it does)."""
        self._refill(now)
        return self.tokens >= _WHOLE

    def spend(self) -> None:
        """Count a request that starts."""
        self.tokens -= 1.0

    def next_at(self, now: float) -> float:
        """When the next request may start (``now`` if one may)."""
        self._refill(now)
        return now if self.tokens >= _WHOLE else now + (1.0 - self.tokens) / self.rate
