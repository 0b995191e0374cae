"""The link-checking engine: worker threads over a small HTTP/1.1 client.

One :class:`LinkChecker` per run. ``max_concurrency`` worker threads take URLs from a
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

Why threads and this client rather than asyncio and aiohttp: a check spends its time waiting
on the network, and before the first request. On 2,000 URLs over 20 loopback hosts (100 ms per
response, 64 global / 4 per host, benchmarks/links_bench.py) the network part is the same
for both (32 rounds of 64 requests); aiohttp and asyncio took 0.2 s to import before the
first request could leave, and 0.25 ms of CPU per request, where this client needs no import
beyond the standard library's sockets and threads.

What a request can raise because of the address or the network (:data:`REQUEST_ERRORS`)
becomes an ``error`` result; anything else is a bug here and propagates out of the run.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

from studyplan.links import http_client
from studyplan.links.extract import LinkTarget, normalize_url
from studyplan.links.http_client import ConnectionDropped, Pool, ProtocolError, Target
from studyplan.links.policy import CheckOptions
from studyplan.links.result import LinkResult
from studyplan.links.scheduler import HostScheduler, SlotHold, Stopped, host_key
from studyplan.links.triage import examine, input_problem

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from random import Random
    from typing import Any

ProgressCallback = Callable[[LinkResult, int, int], None]
"""Called as ``(result, done, total)`` each time a URL is finished (from a worker thread)."""

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def youtube_video_id(url: str) -> str | None:
    """The video id of a YouTube watch, short, embed or youtu.be URL, else None."""
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
    import ssl

    causes = list(_causes(exc))
    text = " ".join(str(c) for c in causes).lower()
    if any(isinstance(c, TimeoutError) for c in causes):
        return f"timeout: no answer within {timeout:g} s", True
    if any(isinstance(c, ssl.SSLError | ssl.CertificateError) for c in causes) or "[ssl" in text:
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

    __slots__ = ("fragments", "targets", "url")

    def __init__(self, url: str) -> None:
        self.url = url
        self.targets: list[LinkTarget] = []
        self.fragments = False
        """Whether a target asks for a ``#part`` (the page's body is then read)."""


class LinkChecker:
    """Checks URLs through one connection pool and ``max_concurrency`` worker threads.

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
        self._pool = Pool(options.user_agent)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.asked_pace: dict[str, float] = {}
        """Hosts that answered 429 with ``Retry-After`` in this run: seconds they asked for."""
        self.contacted: set[str] = set()
        """Hosts this run sent a request to."""
        self._targets: list[LinkTarget] = []
        self._results: dict[str, LinkResult] = {}
        self._errors: list[BaseException] = []
        self._workers: list[threading.Thread] = []

    def __enter__(self) -> LinkChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the idle connections (``with`` does it)."""
        self._pool.close()

    def cancel(self) -> None:
        """Stop the check: no new request starts, requests in flight end now with an error."""
        self._stop.set()
        self._scheduler.close()
        self._pool.abort()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._stop.is_set()

    def check_all(
        self, targets: list[LinkTarget], progress: ProgressCallback | None = None
    ) -> list[LinkResult]:
        """Check every target (each URL once); results come back in the targets' order.

        Blocks until done. Raises :class:`Stopped` if :meth:`cancel` was called meanwhile.
        """
        self.start(targets, progress)
        return self.wait()

    def start(self, targets: list[LinkTarget], progress: ProgressCallback | None = None) -> None:
        """Start checking ``targets`` in worker threads; :meth:`wait` gives the results.

        Workers start with the first URLs, while the rest are still being examined, so the
        first requests leave at once. Targets never fetched (skipped, input problems) are
        finished here.
        """
        results: dict[str, LinkResult] = {}
        total = len(targets)
        lock = self._lock

        def finish(result: LinkResult) -> None:
            with lock:
                results[result.url] = result
                done = len(results)
                if progress is not None:
                    progress(result, done, total)

        self._targets, self._results = targets, results
        try:
            for page, host in self._pages(targets, finish):
                self._scheduler.add(host, page)
                if len(self._workers) < self.options.max_concurrency:
                    worker = threading.Thread(
                        target=self._worker,
                        args=(finish, self._errors),
                        name=f"studyplan-link-{len(self._workers)}",
                        daemon=True,
                    )
                    self._workers.append(worker)
                    worker.start()
        except BaseException:
            self.cancel()
            raise
        finally:
            self._scheduler.seal()

    def wait(self) -> list[LinkResult]:
        """Wait for the check :meth:`start` began; the results in the targets' order."""
        for worker in self._workers:
            worker.join()
        if self._errors:
            raise self._errors[0]
        if self._stop.is_set():
            raise Stopped
        return [self._results[t.url] for t in self._targets]

    def _pages(
        self, targets: list[LinkTarget], finish: Callable[[LinkResult], None]
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
            yield page, host if probe == address else host_key(probe)

    def _worker(self, finish: Callable[[LinkResult], None], errors: list[BaseException]) -> None:
        try:
            while (item := self._scheduler.next()) is not None:
                page, host = item
                hold = SlotHold(self._scheduler, host)
                try:
                    results = self._check_page(page, hold)
                finally:
                    hold.release()
                for result in results:
                    finish(result)
        except Stopped:
            return
        except BaseException as exc:  # a bug: stop everything, re-raised by check_all
            errors.append(exc)
            self._scheduler.close()
            self._pool.abort()

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

    def _check_page(self, page: _Page, hold: SlotHold) -> list[LinkResult]:
        started = time.perf_counter()
        probe = self._probe_url(page.url)
        youtube = probe != page.url
        read_body = page.fragments and not youtube
        attempts = 0
        while True:
            attempts += 1
            outcome = self._follow(probe, hold, read_body)
            if not outcome.retryable or attempts > self.options.retries:
                break
            hold.release()
            if self._stop.wait(self._backoff(attempts, outcome)):
                raise Stopped
        elapsed = round((time.perf_counter() - started) * 1000)
        anchors = self._anchors(outcome) if read_body else None
        results = []
        for target in page.targets:
            result = self._result(target, outcome, youtube, anchors)
            result.attempts = attempts
            result.elapsed_ms = elapsed
            results.append(result)
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
        from studyplan.links.archive import archive_url
        from studyplan.links.policy import BLOCKED_STATUSES, PERMANENT_REDIRECTS, RETRY_STATUSES

        code = outcome.code
        result = LinkResult(
            url=target.url,
            status="error",
            http_status=code,
            final_url=outcome.final_url,
            redirects=outcome.chain,
            error=outcome.error,
            resources=list(target.resources),
            checked_at=utcnow(),
            archive_url=archive_url(target.url, target.created_at),
        )
        if youtube:
            result.final_url, result.redirects = target.url, []
        if outcome.error or code is None:
            return result
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
        return result

    @staticmethod
    def _check_fragment(
        result: LinkResult, target: LinkTarget, found: set[str], truncated: bool
    ) -> None:
        """Mark ``result`` ``fragment-missing`` if the page has no anchor for its ``#part``."""
        from studyplan.links.anchors import MAX_BODY_BYTES, fragment_found

        fragment = urlsplit(target.url).fragment
        if not fragment or fragment_found(fragment, found):
            return
        result.status = "fragment-missing"
        where = f" in its first {MAX_BODY_BYTES // (1024 * 1024)} MB" if truncated else ""
        result.error = f"the page has no anchor #{fragment}{where}"

    def _follow(self, url: str, hold: SlotHold, read_body: bool) -> _Outcome:
        from studyplan.links.policy import REDIRECT_STATUSES, RETRY_STATUSES, parse_retry_after

        chain: list[dict[str, Any]] = []
        seen = {url}
        current = url
        while True:
            host = host_key(current)
            hold.move_to(host)
            with self._lock:
                self.contacted.add(host)
            try:
                response = self._probe(current, read_body)
            except REQUEST_ERRORS as exc:
                if self._stop.is_set():
                    raise Stopped from None
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
                if urlsplit(target).scheme not in ("http", "https"):
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
        with self._lock:
            self.asked_pace[host] = max(self.asked_pace.get(host, 0.0), interval)
        self._scheduler.slow_down(host, interval)

    def _probe(self, url: str, read_body: bool) -> http_client.Response:
        from studyplan.links.policy import GET_FALLBACK_STATUSES

        target = Target(url)
        timeout = self.options.timeout
        if read_body:
            from studyplan.links.anchors import MAX_BODY_BYTES

            return self._pool.request("GET", target, timeout, MAX_BODY_BYTES)
        response = self._pool.request("HEAD", target, timeout)
        if response.status in GET_FALLBACK_STATUSES:
            response = self._pool.request("GET", target, timeout)
        return response


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, or None."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def _redirect_target(current: str, location: str) -> str | None:
    """The absolute address a ``Location`` header points to, or None if it cannot be parsed."""
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
