"""Request starts are paced (a burst of answers does not go back as a burst of requests), and
the event loop waits on sockets the same way with epoll and with ``selectors``."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from links_server import LinkServer

from studyplan.links import checker, event_loop, http_client, pollers
from studyplan.links.checker import LinkChecker, check_now
from studyplan.links.extract import LinkTarget
from studyplan.links.policy import CheckOptions
from studyplan.links.scheduler import MIN_START_RATE, ROUND_SPREAD, StartPace


def test_a_burst_starts_at_once_then_one_per_interval() -> None:
    pace = StartPace(rate=1000.0, burst=4, now=10.0)
    started = 0
    while pace.allows(10.0):
        pace.spend()
        started += 1
    assert started == 4
    assert pace.next_at(10.0) == pytest.approx(10.001)
    assert not pace.allows(10.0005)
    assert pace.allows(10.001)
    pace.spend()
    assert not pace.allows(10.001)


def test_the_bucket_never_holds_more_than_a_burst() -> None:
    pace = StartPace(rate=1000.0, burst=4, now=0.0)
    assert pace.allows(60.0)  # a minute idle: still four at once, not sixty thousand
    for _ in range(4):
        pace.spend()
    assert not pace.allows(60.0)
    assert pace.next_at(60.0) > 60.0


def test_time_going_backwards_adds_nothing() -> None:
    pace = StartPace(rate=1000.0, burst=1, now=5.0)
    pace.spend()
    assert not pace.allows(4.0)
    assert pace.allows(5.001)


@pytest.mark.parametrize(("concurrency", "rate", "burst"), [(64, 1000.0, 4), (256, 4000.0, 16)])
def test_a_full_round_starts_over_the_spread(concurrency: int, rate: float, burst: int) -> None:
    pace = StartPace.for_concurrency(concurrency, 0.0)
    assert pace.rate == pytest.approx(rate) == pytest.approx(concurrency / ROUND_SPREAD)
    assert pace.burst == burst


def test_a_small_concurrency_is_not_slowed_below_the_floor() -> None:
    pace = StartPace.for_concurrency(1, 0.0)
    assert pace.rate == MIN_START_RATE
    assert pace.burst == 4


@pytest.fixture
def start_times(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """When each request of a check starts (the client's own clock)."""
    times: list[float] = []
    request = http_client.Pool.request

    def timed(self: http_client.Pool, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        times.append(time.monotonic())
        return (yield from request(self, *args, **kwargs))  # type: ignore[arg-type]

    monkeypatch.setattr(http_client.Pool, "request", timed)
    yield times


def test_a_round_of_requests_never_starts_faster_than_the_pace(
    server: LinkServer, start_times: list[float]
) -> None:
    options = CheckOptions(max_concurrency=64, host_concurrency=4, timeout=5)
    targets = [LinkTarget(server.url(f"/delay/100/{i}", host=1 + i % 2)) for i in range(8)]
    targets += [LinkTarget(server.url(f"/ok/{i}", host=1 + i % 2)) for i in range(120)]
    results, _ = check_now(targets, options)
    assert all(r.status == "alive" for r in results)
    rate, burst = 64 / ROUND_SPREAD, 4  # what a concurrency of 64 is paced at (see above)
    # A start is counted at the time its round of starts began and may go out later, never
    # earlier; one round can straddle a window's start. So in any window: at most two
    # bursts more than the rate allows (unpaced, 64 start within a few milliseconds).
    assert len(start_times) == len(targets)
    for index, first in enumerate(start_times):
        for later in start_times[index:]:
            window = later - first
            count = sum(1 for t in start_times[index:] if t <= later)
            assert count <= 2 * burst + window * rate + 1e-6, (index, window, count)


@pytest.fixture
def paces(monkeypatch: pytest.MonkeyPatch) -> list[tuple[StartPace, float]]:
    """Every pace a check makes, and when (none: its starts are not paced)."""
    made: list[tuple[StartPace, float]] = []
    make = StartPace.for_concurrency

    def spy(concurrency: int, now: float) -> StartPace:
        made.append((make(concurrency, now), time.monotonic()))
        return made[-1][0]

    monkeypatch.setattr(checker.StartPace, "for_concurrency", spy)
    return made


def _targets(server: LinkServer, count: int, start: int = 0) -> list[LinkTarget]:
    return [
        LinkTarget(server.url(f"/ok/p{i}", host=1 + i % 2)) for i in range(start, start + count)
    ]


def test_a_single_round_starts_unpaced(
    server: LinkServer, paces: list[tuple[StartPace, float]]
) -> None:
    # nothing follows it to spread out: pacing would only start it later
    options = CheckOptions(max_concurrency=8, host_concurrency=4, timeout=5)
    results, _ = check_now(_targets(server, 8), options)
    assert [r.status for r in results] == ["alive"] * 8
    assert paces == []
    never_requested = [LinkTarget(f"mailto:someone{i}@example.org") for i in range(3)]
    results, _ = check_now(_targets(server, 8, 10) + never_requested, options)
    assert [r.status for r in results] == ["alive"] * 8 + ["skipped"] * 3
    assert paces == []  # eleven addresses, but only eight requests: one round
    results, _ = check_now(_targets(server, 9), options)
    assert len(paces) == 1 and paces[0][0].rate == MIN_START_RATE


def test_an_early_round_is_paced_when_more_follows(
    server: LinkServer, paces: list[tuple[StartPace, float]], start_times: list[float]
) -> None:
    options = CheckOptions(max_concurrency=4, host_concurrency=4, timeout=5)
    every = _targets(server, 12)
    with LinkChecker(options) as full_first:  # a full round sent first: more will follow
        results = full_first.check_all(every[:4], more=lambda: every)
    assert len(results) == 12 and len(paces) == 1
    assert paces[0][1] <= start_times[0]  # made before the first start: it is paced too
    few = _targets(server, 3, 100)  # a short first round: paced once the rest is known
    with LinkChecker(options) as short_first:
        results = short_first.check_all(few[:2], more=lambda: few)
    assert len(results) == 3 and len(paces) == 1
    with LinkChecker(options) as long_rest:
        results = long_rest.check_all(every[:2], more=lambda: every)
    assert len(results) == 12 and len(paces) == 2


def test_the_loop_wakes_where_socketpair_is_the_socket_modules_own(
    server: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows' _socket has no socketpair: the loop's wake-up pair comes from socket's,
    # which makes one over loopback there (as this stand-in does)
    import _socket
    import socket

    made: list[object] = []

    def over_loopback() -> tuple[socket.socket, socket.socket]:
        with socket.create_server(("127.0.0.1", 0)) as listener:
            near = socket.create_connection(listener.getsockname())
            far, _ = listener.accept()
        made.append(near)
        return near, far

    monkeypatch.delattr(_socket, "socketpair")
    monkeypatch.setattr(socket, "socketpair", over_loopback)
    options = CheckOptions(max_concurrency=2, host_concurrency=2, timeout=5)
    results, _ = check_now(_targets(server, 3), options)
    assert [r.status for r in results] == ["alive"] * 3
    assert len(made) == 1


@pytest.mark.parametrize("kind", ["epoll", "selectors"])
def test_both_pollers_check_alike(
    server: LinkServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    if kind == "epoll" and not hasattr(pollers.select, "epoll"):
        pytest.skip("epoll is Linux's")
    chosen = pollers.EpollPoller if kind == "epoll" else pollers.SelectorPoller
    made: list[object] = []

    def make(wake: object) -> object:
        made.append(chosen(wake))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(event_loop, "make_poller", make)
    options = CheckOptions(max_concurrency=8, host_concurrency=2, timeout=0.5, retries=0)
    paths = ["/ok", "/missing", "/moved", "/hang", "/nohead", "/drop/p?n=1"]
    targets = [
        LinkTarget(server.url(f"{p}{'&' if '?' in p else '?'}i={i}"))
        for p in paths
        for i in range(3)
    ]
    results, _ = check_now(targets, options)
    assert len(made) == 1 and isinstance(made[0], chosen)
    by_path = {}
    for result in results:
        by_path.setdefault(result.url.split("?")[0].rsplit("/", 1)[-1], set()).add(result.status)
    assert by_path == {
        "ok": {"alive"},
        "missing": {"dead"},
        "moved": {"redirected"},
        "hang": {"error"},
        "nohead": {"alive"},
        "p": {"error", "alive"},
    }
