"""The link-checking engine: one event loop over a small HTTP/1.1 client.

One :class:`LinkChecker` per run. Each page to fetch is a task of the event loop
(:mod:`studyplan.links.event_loop`); at most ``max_concurrency`` run at once, started at a
pace (:class:`~studyplan.links.scheduler.StartPace`) and handed out by a
:class:`~studyplan.links.scheduler.HostScheduler`, which keeps every host at or below
``host_concurrency`` requests in flight and at its pace. For each URL: HEAD first, GET when
the server mishandles HEAD (the connection is closed as soon as the head has arrived, so no
body is downloaded), redirects followed by hand so the chain is recorded, retries with
backoff only for 429, 5xx, 408, timeouts and dropped connections. A 429 with ``Retry-After``
paces its host for the rest of the run, and is remembered for the next one
(:attr:`LinkChecker.asked_pace`).

With ``--include-fragments``, a page whose URLs carry ``#part``s is fetched once with GET and a
bounded prefix of its body read (:data:`studyplan.links.anchors.MAX_BODY_BYTES`); each URL gets
its own result, ``fragment-missing`` when the page has no such anchor.

Why this loop and client rather than asyncio and aiohttp, or threads: a check spends its time
waiting on the network, and before the first request. On 2,000 URLs over 20 loopback hosts
(100 ms per response, 64 global / 4 per host, benchmarks/links_bench.py) aiohttp and asyncio
took 0.2 s to import before the first request could leave and 0.25 ms of CPU per request,
and threads as much in hand-offs of the interpreter's lock; this needs nothing beyond the
standard library's sockets.

What a request can raise because of the address or the network (:data:`REQUEST_ERRORS`)
becomes an ``error`` result; anything else is a bug here and propagates out of the run.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from studyplan.links import http_client
from studyplan.links.event_loop import Loop, Stopped, park, sleep
from studyplan.links.extract import LinkTarget, normalize_url
from studyplan.links.http_client import ConnectionDropped, Pool, ProtocolError, Target
from studyplan.links.policy import CheckOptions
from studyplan.links.result import LinkResult
from studyplan.links.scheduler import HostScheduler, StartPace, host_key
from studyplan.links.triage import examine, input_problem

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from collections.abc import Generator
    from random import Random
    from typing import Any

ProgressCallback = Callable[[LinkResult, int, int], None]
"""Called as ``(result, done, total)`` each time a URL is finished (in the loop's thread)."""

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def youtube_video_id(url: str) -> str | None:
    """The video id of a YouTube watch, short, embed or youtu.be URL, else None."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    candidate = None
    if host in ("youtu.be", "www.youtu.be"):
        candidate = parts.path.strip("/").split("/")[0]
    elif host in _YOUTUBE_HOSTS:
        if parts.path == "/watch":
            candidate = parse_qs(parts.query).get("v", [""])[0]
        else:
            pieces = parts.path.strip("/").split("/")
            if len(pieces) >= 2 and pieces[0] in ("embed", "shorts", "v", "live"):
                candidate = pieces[1]
    if candidate and _YOUTUBE_ID.match(candidate):
        return candidate
    return None


REQUEST_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable, DNS (socket.gaierror), TLS (ssl.SSLError), timeout
    ProtocolError,  # an answer that is not HTTP
    ValueError,  # a URL that cannot be requested; UnicodeError (a ValueError) from IDNA
)
"""What one request can raise because of the address or the network: it becomes an error
result. Anything else is a bug in this program and propagates."""


class _Outcome:
    """What following one URL's redirects ended with (one attempt)."""

    __slots__ = (
        "body",
        "chain",
        "code",
        "content_type",
        "error",
        "final_url",
        "retry_after",
        "retryable",
        "truncated",
    )

    def __init__(
        self,
        code: int | None,
        final_url: str,
        chain: list[dict[str, Any]],
        error: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.code = code
        self.final_url = final_url
        self.chain = chain
        self.error = error
        self.retryable = retryable
        self.retry_after = retry_after
        self.body: bytes | None = None
        self.content_type: str | None = None
        self.truncated = False


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def describe_error(exc: BaseException, timeout: float) -> tuple[str, bool]:
    """A one-line description of a request failure and whether it is worth retrying."""
    import socket
    import sys

    # no TLS error without the ssl module (an import could fail: no descriptor left)
    ssl = sys.modules.get("ssl")
    causes = list(_causes(exc))
    text = " ".join(str(c) for c in causes).lower()
    if any(isinstance(c, TimeoutError) for c in causes):
        return f"timeout: no answer within {timeout:g} s", True
    if ssl is not None and any(isinstance(c, ssl.SSLError | ssl.CertificateError) for c in causes):
        return f"TLS error: {_first_line(exc)}", False
    if "[ssl" in text:
        return f"TLS error: {_first_line(exc)}", False
    if any(isinstance(c, socket.gaierror) for c in causes):
        return "DNS error: the host name does not resolve", False
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused", False
    if isinstance(exc, ProtocolError):
        return f"bad HTTP response: {_first_line(exc)}", True
    if isinstance(exc, ConnectionDropped | ConnectionResetError | BrokenPipeError):
        return f"connection dropped: {_first_line(exc) or type(exc).__name__}", True
    if isinstance(exc, UnicodeError):
        return f"invalid URL: the host name cannot be encoded ({_first_line(exc)})", False
    if isinstance(exc, ValueError):
        return f"invalid URL: {_first_line(exc)}", False
    if isinstance(exc, OSError):
        return f"cannot connect: {exc.strerror or _first_line(exc) or type(exc).__name__}", False
    return f"{type(exc).__name__}: {_first_line(exc)}", False


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


def utcnow() -> Any:
    """The current time, timezone-aware in UTC (as :func:`studyplan.db.models.utcnow`).

    Not imported from there: the models pull in SQLModel, which a check does not need.
    """
    from datetime import UTC, datetime

    return datetime.now(UTC)


class _Page:
    """One address to fetch and the targets it answers (several ``#part``s of one page)."""

    __slots__ = ("first", "fragments", "targets", "url")

    def __init__(self, url: str) -> None:
        self.url = url
        self.targets: list[LinkTarget] = []
        self.fragments = False
        """Whether a target asks for a ``#part`` (the page's body is then read)."""
        self.first: tuple[str, Target] | None = None
        """The first request's host key and parsed address, made while the targets are
        examined, before the answers arrive (None: parsed when it is sent, which fails)."""


class _Hold:
    """The one host slot a page's task holds at a time; moving to another host swaps it."""

    __slots__ = ("_checker", "host")

    def __init__(self, checker: LinkChecker, host: str | None = None) -> None:
        self._checker = checker
        self.host = host

    def move_to(self, host: str) -> Generator[Any, Any, None]:
        """Hold a slot of ``host`` (releasing the current one first, so no two are held)."""
        if self.host == host:
            return
        self.release()
        scheduler = self._checker._scheduler
        while True:
            retry = scheduler.try_acquire(host, time.monotonic())
            if retry is None:
                self.host = host
                return
            if retry == 0.0:
                yield park(("slot", host))
            else:
                yield sleep(retry - time.monotonic())

    def release(self) -> None:
        """Give the held slot back, if any, and wake a task waiting for one of that host."""
        if self.host is not None:
            self._checker._scheduler.release(self.host)
            loop = self._checker._loop
            if loop is not None:
                loop.unpark(("slot", self.host))
            self.host = None


_FEED = 64
"""Pages handed to the scheduler per round of the loop while the targets are examined."""
_FIRST_FEED = 4
"""…and in the first round, so that the first requests leave after a few are examined."""
_BOOKKEEPING = 16
"""Finished pages whose results are made per round of the loop, in a lull."""
_BACKLOG = 256
"""Finished pages waiting for their results beyond which they are made without a lull."""


class LinkChecker:
    """Checks URLs through one connection pool, ``max_concurrency`` at a time.

    Use as ``with LinkChecker(options) as checker: checker.check_all(targets)``; the pool keeps
    connections open per origin. Redirects and retries are done here, by hand; cookies and
    proxies are not used. :meth:`cancel` (from any thread) stops a running check soon.
    ``paces`` gives hosts a pace from the start (seconds between requests, from the rate
    memory of earlier runs).
    """

    def __init__(
        self,
        options: CheckOptions,
        rng: Random | None = None,
        paces: dict[str, float] | None = None,
    ) -> None:
        self.options = options
        self._rng = rng
        self._scheduler = HostScheduler(options.host_concurrency, paces)
        # a socket per request in flight and per idle connection kept: within the file limit
        room = http_client.socket_room(options.max_concurrency + http_client.MAX_IDLE)
        wanted = options.max_concurrency
        self._concurrency = max(1, min(wanted, room - min(http_client.MAX_IDLE, room // 2)))
        self._pool = Pool(options.user_agent, max(1, room - self._concurrency))
        self._loop: Loop | None = None
        self._stop = threading.Event()
        self.asked_pace: dict[str, float] = {}
        """Hosts that answered 429 with ``Retry-After`` in this run: seconds they asked for."""
        self.contacted: set[str] = set()
        """Hosts this run sent a request to."""

    def __enter__(self) -> LinkChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the idle connections (``with`` does it)."""
        self._pool.close()

    def cancel(self) -> None:
        """Stop the check soon, from any thread: no new request starts, none is waited for."""
        self._stop.set()
        loop = self._loop
        if loop is not None:
            loop.stop()

    def check_all(
        self,
        targets: list[LinkTarget],
        progress: ProgressCallback | None = None,
        on_started: Callable[[], None] | None = None,
        more: Callable[[], list[LinkTarget]] | None = None,
    ) -> list[LinkResult]:
        """Check every target (each URL once); results come back in the targets' order.

        Runs the event loop in this thread until done. The first requests leave while the
        rest of the targets are still being examined; ``on_started`` is called once they
        all are and the first round of requests is out (it may start what the results
        need, such as the database, without holding up a request). ``more``, if given, is
        called once those first requests are out (or wait for a busy host) and gives every
        target (those in ``targets`` among them, which take its resources and sources):
        the results are then in its order, and none is reported before it is called.
        Raises :class:`Stopped` if :meth:`cancel` was called meanwhile.
        """
        results: dict[str, LinkResult] = {}
        ordered = targets
        total = len(targets)
        held: list[LinkResult] | None = [] if more is not None else None

        def finish(result: LinkResult) -> None:
            if held is not None:  # its target may not have all its resources yet
                held.append(result)
                return
            results[result.url] = result
            if progress is not None:
                progress(result, len(results), total)

        def the_rest() -> list[LinkTarget]:
            nonlocal ordered, total, held
            assert more is not None
            ordered = more()
            total = len(ordered)
            every = {t.url: t for t in ordered}
            for first in targets:  # what the full reading knows of the links sent first
                found = every.get(first.url)
                if found is not None:
                    first.resources = list(found.resources)
                    first.sources = list(found.sources)
                    first.created_at = found.created_at
            waiting, held = held or [], None
            for result in waiting:  # finished before: never requested, nothing else to redo
                found = every.get(result.url)
                if found is not None:
                    result.resources = list(found.resources)
                finish(result)
            sent = {t.url for t in targets}
            return [t for t in ordered if t.url not in sent]

        loop = self._loop = Loop()
        if self._stop.is_set():
            loop.stop()
        rest = the_rest if more is not None else None
        loop.idle.append(self._dispatcher(targets, finish, on_started, rest))
        loop.run()
        if self._stop.is_set():
            raise Stopped
        return [results[t.url] for t in ordered]

    def _dispatcher(
        self,
        targets: list[LinkTarget],
        finish: Callable[[LinkResult], None],
        on_started: Callable[[], None] | None,
        rest: Callable[[], list[LinkTarget]] | None = None,
    ) -> Callable[[], bool]:
        """The loop's idle hook: feed pages to the scheduler, start what may start now.

        ``rest`` gives the targets that follow ``targets``: it is called once every page
        of ``targets`` has started (the time it takes is spent while they are answered).
        Starts are paced (:class:`StartPace`) once there is more than a round of them: a
        single round has no later one to spread, and would only start later.
        """
        loop = self._loop
        assert loop is not None
        scheduler = self._scheduler
        pages = self._pages(targets, finish)
        limit = self._concurrency
        state = {
            "active": 0,
            "fed": False,
            "started": on_started is None,
            "sleeper": False,
            "rounds": 0,
            "waiting": False,
            "paced": False,
        }

        def run_page(page: _Page, host: str) -> Generator[Any, Any, None]:
            hold = _Hold(self, host)
            try:
                results = yield from self._check_page(page, hold)
            finally:
                hold.release()
                state["active"] -= 1
            start(time.monotonic())  # the next request leaves now,
            done.append(results)  # the bookkeeping waits for the end of this round

        done: deque[Callable[[], list[LinkResult]]] = deque()

        def pace_for(count: int) -> StartPace | None:
            """The pace for ``count`` requests to come (None: a round or less)."""
            return StartPace.for_concurrency(limit, time.monotonic()) if count > limit else None

        known = _requested(targets, limit + 1)
        if rest is not None and known >= limit:
            known += 1  # a full round of a longer list's first targets: more will follow
        pace = pace_for(known)

        def start(now: float) -> None:
            state["paced"] = False
            while state["active"] < limit:
                if pace is not None and not pace.allows(now):
                    state["paced"] = scheduler.has_pending()
                    break
                item = scheduler.take(now)
                if item is None:
                    break
                if pace is not None:
                    pace.spend()
                state["active"] += 1
                loop.start(run_page(*item))

        def sleeper(until: float) -> Generator[Any, Any, None]:
            try:
                yield sleep(until - time.monotonic())
            finally:
                state["sleeper"] = False

        def dispatch() -> bool:
            nonlocal pages, rest, pace
            # the bookkeeping of finished pages waits for a lull (or a backlog): an answer
            # that arrived meanwhile is read, and its host's next request sent, first
            if done and rest is None and (loop.quiet or len(done) >= _BACKLOG):
                for _ in range(min(len(done), _BOOKKEEPING)):
                    for result in done.popleft()():
                        finish(result)
            if not state["fed"]:
                # a few pages first, so that the first requests leave at once
                feed = _FEED if state["rounds"] else _FIRST_FEED
                state["rounds"] += 1
                for count, (page, host) in enumerate(pages, 1):
                    scheduler.add(host, page)
                    if count >= feed:
                        break
                else:
                    state["fed"] = rest is None
                    state["waiting"] = rest is not None
            start(time.monotonic())
            if state["waiting"] and rest is not None and not state["paced"]:
                # every first page is on its way, or waits for a busy host (not the pace):
                # read the rest now, while the answers are awaited
                later = rest()
                pages = self._pages(later, finish)
                rest = None
                if pace is None:
                    pace = pace_for(_requested(targets, limit + 1) + _requested(later, limit + 1))
                state["waiting"] = False
            if (
                state["fed"]
                and not state["started"]
                and (state["active"] >= limit or not scheduler.has_pending())
            ):  # every target examined and the first round of requests out
                state["started"] = True
                on_started()  # type: ignore[misc]
            if state["active"] < limit and not state["sleeper"]:
                wake = scheduler.wake_at()
                now = time.monotonic()
                if (
                    pace is not None
                    and scheduler.has_pending()
                    and (ready := pace.next_at(now)) > now
                ):
                    wake = min(wake or ready, ready)  # the pace lets the next start then
                if wake is not None:  # a paced host's next request: come back then
                    state["sleeper"] = True
                    loop.spawn(sleeper(wake))
            # a page may end without waiting on anything (an error at once): its bookkeeping
            # is due at the next round, and the rest of it after the next look at the sockets
            # (while the first pages wait for the pace, the pace's timer calls back)
            return (not state["fed"] and not state["waiting"]) or (bool(done) and rest is None)

        return dispatch

    def _pages(
        self, targets: Iterable[LinkTarget], finish: Callable[[LinkResult], None]
    ) -> Iterator[tuple[_Page, str]]:
        """The pages to fetch and their hosts; the targets never fetched are finished here.

        Without ``--include-fragments`` every target is its own page, handed out as it is
        examined; with it, the targets of one page (``page#a``, ``page#b``) are gathered first.
        """
        if self.options.include_fragments:
            gathered: dict[str, list[LinkTarget]] = {}
            for target in targets:
                gathered.setdefault(normalize_url(target.url), []).append(target)
            groups: Iterable[tuple[str, list[LinkTarget]]] = gathered.items()
        else:
            groups = ((t.url, [t]) for t in targets)
        options = self.options
        for address, members in groups:
            page = _Page(address)
            host = ""
            for target in members:
                status, reason, host_of = examine(target.url, options)
                if status is not None:
                    finish(self._unchecked(target, status, reason))
                    continue
                host = host_of
                page.targets.append(target)
                page.fragments = page.fragments or target.url != address
            if not page.targets:
                continue
            probe = self._probe_url(address)
            if probe != address:
                host = host_key(probe)
            with contextlib.suppress(ValueError):  # the request says what is wrong
                page.first = (host, Target(probe))
            yield page, host

    def _unchecked(self, target: LinkTarget, status: str, reason: str) -> LinkResult:
        """The result of a target never fetched: skipped, or an address that is not usable."""
        from studyplan.links.archive import archive_url

        return LinkResult(
            url=target.url,
            status=status,
            error=reason,
            resources=list(target.resources),
            checked_at=utcnow(),
            archive_url=archive_url(target.url, target.created_at),
        )

    def _probe_url(self, url: str) -> str:
        if "youtu" not in url:
            return url
        video = youtube_video_id(url)
        if video is None:
            return url
        return f"{self.options.youtube_thumbnail_base.rstrip('/')}/vi/{video}/0.jpg"

    def _check_page(
        self, page: _Page, hold: _Hold
    ) -> Generator[Any, Any, Callable[[], list[LinkResult]]]:
        """Fetch the page (following redirects, retrying); a call that makes its results.

        The results are made later, once the requests that can leave now have left.
        """
        started = time.perf_counter()
        probe = self._probe_url(page.url)
        youtube = probe != page.url
        read_body = page.fragments and not youtube
        attempts = 0
        while True:
            attempts += 1
            outcome = yield from self._follow(probe, hold, read_body, page.first)
            if not outcome.retryable or attempts > self.options.retries:
                break
            hold.release()
            yield sleep(self._backoff(attempts, outcome))
        elapsed = round((time.perf_counter() - started) * 1000)

        def results() -> list[LinkResult]:
            anchors = self._anchors(outcome) if read_body else None
            made = []
            for target in page.targets:
                result = self._result(target, outcome, youtube, anchors)
                result.attempts = attempts
                result.elapsed_ms = elapsed
                made.append(result)
            return made

        return results

    def _backoff(self, attempts: int, outcome: _Outcome) -> float:
        from studyplan.links.policy import backoff_delay

        return backoff_delay(attempts, self.options, outcome.retry_after, self._rng)

    def _anchors(self, outcome: _Outcome) -> tuple[set[str], bool] | None:
        """The page's anchors and whether its body was cut, or None when it has none to check."""
        from studyplan.links import anchors

        if outcome.body is None or outcome.code not in self.options.accept:
            return None
        content_type = outcome.content_type or ""
        kind = anchors.page_kind(content_type, outcome.final_url)
        if kind is None:
            return None
        charset = _charset(content_type)
        return anchors.anchors_in(outcome.body, kind, charset), outcome.truncated

    def _result(
        self,
        target: LinkTarget,
        outcome: _Outcome,
        youtube: bool,
        anchors: tuple[set[str], bool] | None,
    ) -> LinkResult:
        result = LinkResult(
            url=target.url,
            status="error",
            http_status=outcome.code,
            final_url=outcome.final_url,
            redirects=outcome.chain,
            error=outcome.error,
            resources=list(target.resources),
            checked_at=utcnow(),
        )
        if youtube:
            result.final_url, result.redirects = target.url, []
        self._judge(result, target, outcome, youtube, anchors)
        if result.failed:  # reports offer an archived copy of a failed address only
            from studyplan.links.archive import archive_url

            result.archive_url = archive_url(target.url, target.created_at)
        return result

    def _judge(
        self,
        result: LinkResult,
        target: LinkTarget,
        outcome: _Outcome,
        youtube: bool,
        anchors: tuple[set[str], bool] | None,
    ) -> None:
        """Set the status (and what went wrong) of ``result`` from the answer."""
        from studyplan.links.policy import BLOCKED_STATUSES, PERMANENT_REDIRECTS, RETRY_STATUSES

        code = outcome.code
        if outcome.error or code is None:
            return
        if code in self.options.accept:
            moved = any(hop["status"] in PERMANENT_REDIRECTS for hop in outcome.chain)
            result.status = "redirected" if moved and not youtube else "alive"
            if anchors is not None:
                self._check_fragment(result, target, *anchors)
        elif code in BLOCKED_STATUSES:
            result.status = "blocked"
            result.error = f"HTTP {code}: the server refuses automated checks; look by hand"
        elif code in RETRY_STATUSES:
            result.error = f"HTTP {code}: server error"
        elif youtube and code in (404, 410):
            result.status = "dead"
            result.error = "YouTube video not found (it has no thumbnail)"
        else:
            result.status = "dead"
            result.error = f"HTTP {code}"

    @staticmethod
    def _check_fragment(
        result: LinkResult, target: LinkTarget, found: set[str], truncated: bool
    ) -> None:
        """Mark ``result`` ``fragment-missing`` if the page has no anchor for its ``#part``."""
        from urllib.parse import urlsplit

        from studyplan.links.anchors import MAX_BODY_BYTES, fragment_found

        fragment = urlsplit(target.url).fragment
        if not fragment or fragment_found(fragment, found):
            return
        result.status = "fragment-missing"
        where = f" in its first {MAX_BODY_BYTES // (1024 * 1024)} MB" if truncated else ""
        result.error = f"the page has no anchor #{fragment}{where}"

    def _follow(
        self, url: str, hold: _Hold, read_body: bool, first: tuple[str, Target] | None = None
    ) -> Generator[Any, Any, _Outcome]:
        """Request ``url`` and the redirects it leads to (``first``: its host and address)."""
        from studyplan.links.policy import REDIRECT_STATUSES, RETRY_STATUSES, parse_retry_after

        chain: list[dict[str, Any]] = []
        seen = {url}
        current = url
        while True:
            if first is not None:
                host, address = first
                first = None
            else:
                host, address = host_key(current), None
            yield from hold.move_to(host)
            self.contacted.add(host)
            try:
                response = yield from self._probe(address or Target(current), read_body)
            except REQUEST_ERRORS as exc:
                message, retryable = describe_error(exc, self.options.timeout)
                return _Outcome(None, current, chain, message, retryable)
            code, headers = response.status, response.headers
            location = headers.get("location")
            if code in REDIRECT_STATUSES and location:
                chain.append({"url": current, "status": code})
                target = _redirect_target(current, location)
                if target is None:
                    return _Outcome(
                        code, current, chain, f"redirect to an invalid URL {location!r}"
                    )
                if target in seen:
                    return _Outcome(code, target, chain, f"redirect loop back to {target}")
                if len(chain) > self.options.max_redirects:
                    return _Outcome(
                        code,
                        target,
                        chain,
                        f"too many redirects (more than {self.options.max_redirects})",
                    )
                if _scheme(target) not in ("http", "https"):
                    return _Outcome(code, target, chain, f"redirect to unsupported {target}")
                seen.add(target)
                current = target
                continue
            retry_after = None
            if code in (429, 503):
                retry_after = parse_retry_after(headers.get("retry-after"))
                if code == 429 and retry_after is not None:
                    self._slow_down(host, retry_after)
            outcome = _Outcome(code, current, chain, "", code in RETRY_STATUSES, retry_after)
            if read_body and response.body is not None:
                outcome.body = response.body
                outcome.truncated = response.truncated
                outcome.content_type = headers.get("content-type")
            return outcome

    def _slow_down(self, host: str, retry_after: float) -> None:
        """A host asked us to wait: pace it for the rest of the run, and remember it."""
        interval = min(retry_after, self.options.backoff_cap)
        self.asked_pace[host] = max(self.asked_pace.get(host, 0.0), interval)
        self._scheduler.slow_down(host, interval, time.monotonic())

    def _probe(self, target: Target, read_body: bool) -> Generator[Any, Any, http_client.Response]:
        from studyplan.links.policy import GET_FALLBACK_STATUSES

        timeout = self.options.timeout
        if read_body:
            from studyplan.links.anchors import MAX_BODY_BYTES

            return (yield from self._pool.request("GET", target, timeout, MAX_BODY_BYTES))
        response = yield from self._pool.request("HEAD", target, timeout)
        if response.status in GET_FALLBACK_STATUSES:
            response = yield from self._pool.request("GET", target, timeout)
        return response


def _requested(targets: list[LinkTarget], most: int) -> int:
    """How many of ``targets`` are http(s) addresses, counting up to ``most`` at most (the
    others are never requested: ``mailto:``, ``file:``…)."""
    count = 0
    for target in targets:
        if target.url[:8].lower().startswith(("http://", "https://")):
            count += 1
            if count >= most:
                break
    return count


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, or None."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def _scheme(url: str) -> str:
    """The scheme of ``url`` as ``urlsplit`` gives it (lower case; empty if none)."""
    from urllib.parse import urlsplit

    return urlsplit(url).scheme


def _redirect_target(current: str, location: str) -> str | None:
    """The absolute address a ``Location`` header points to, or None if it cannot be parsed."""
    from urllib.parse import urljoin

    try:
        target = normalize_url(urljoin(current, location.strip()))
    except ValueError:
        return None
    return None if input_problem(target) else target


def check_now(
    targets: list[LinkTarget],
    options: CheckOptions,
    progress: ProgressCallback | None = None,
    paces: dict[str, float] | None = None,
) -> tuple[list[LinkResult], LinkChecker]:
    """Check ``targets`` with a fresh checker, blocking; the results and the checker."""
    with LinkChecker(options, paces=paces) as checker:
        return checker.check_all(targets, progress), checker


async def check_targets(
    targets: list[LinkTarget],
    options: CheckOptions,
    progress: ProgressCallback | None = None,
    paces: dict[str, float] | None = None,
) -> list[LinkResult]:
    """Check ``targets`` in a thread, for callers on an event loop; results in targets' order.

    Cancelling the awaiting task cancels the check (requests in flight are dropped).
    """
    import asyncio

    checker = LinkChecker(options, paces=paces)
    try:
        return await asyncio.to_thread(checker.check_all, targets, progress)
    except asyncio.CancelledError:
        checker.cancel()
        raise
    finally:
        checker.close()
