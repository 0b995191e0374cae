"""The async link-checking engine (aiohttp).

One :class:`LinkChecker` per run. A bounded set of worker tasks (``max_concurrency``) takes
URLs from a :class:`~studyplan.links.scheduler.HostScheduler`, which keeps every host at or
below ``host_concurrency`` requests in flight. For each URL: HEAD first, GET when the server
mishandles HEAD (the body is never read: the connection is closed as soon as the head has
arrived), redirects followed by hand so the chain is recorded, retries with backoff only for
429, 5xx, 408, timeouts and dropped connections.

Why aiohttp and not httpx: at 64 requests in flight the HTTP client's own CPU per request
decides the wall time on a small machine. Measured on 2,000 URLs over 20 loopback hosts
(100 ms per response, 64 global / 4 per host, benchmarks/links_bench.py): httpx with one
``AsyncHTTPTransport`` per host cost 1.0 ms of CPU per URL, httpx over the aiohttp transport
(httpx-aiohttp) 0.6 ms, aiohttp alone (C HTTP parser) 0.3 ms; with aiohttp the run waits on
the network, not on the CPU, and the wall time is the network's. The client is used through four calls only (``_open``, ``_send``, ``aclose`` and
:func:`describe_error`), so swapping it again stays a local change.

What a request can raise because of the address or the network (:data:`REQUEST_ERRORS`)
becomes an ``error`` result; anything else is a bug here and propagates out of the run.
"""

from __future__ import annotations

import asyncio
import random
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import aiohttp

from studyplan.links.archive import archive_url
from studyplan.links.extract import LinkTarget, normalize_url
from studyplan.links.policy import (
    BLOCKED_STATUSES,
    GET_FALLBACK_STATUSES,
    PERMANENT_REDIRECTS,
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    CheckOptions,
    backoff_delay,
    parse_retry_after,
)
from studyplan.links.result import (
    ALIVE,
    BLOCKED,
    DEAD,
    ERROR,
    REDIRECTED,
    SKIPPED,
    LinkResult,
)
from studyplan.links.scheduler import HostScheduler, SlotHold, host_key

ProgressCallback = Callable[[LinkResult, int, int], None]
"""Called as ``(result, done, total)`` each time a URL is finished."""

_MAX_HEADER_BYTES = 64 * 1024
_MAX_HEADERS = 512
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
    aiohttp.ClientError,
    OSError,  # refused, reset, unreachable, DNS (socket.gaierror), TLS (ssl.SSLError)
    TimeoutError,  # asyncio.timeout in _send (asyncio.TimeoutError is the same class)
    ValueError,  # a URL yarl cannot parse; UnicodeError (a ValueError) from IDNA encoding
)
"""What one request can raise because of the address or the network: it becomes an error
result. Anything else is a bug in this program and propagates."""


def skip_reason(url: str, options: CheckOptions) -> str | None:
    """Why ``url`` is not fetched at all (scheme, exclusion), or None to check it.

    Raises ValueError when ``url`` cannot be parsed (see :func:`invalid_reason`).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        return f"{shown} links are not checked (only http and https)"
    if options.is_excluded(url):
        return "excluded by --exclude"
    return None


def invalid_reason(url: str) -> str | None:
    """Why ``url`` cannot even be parsed (an unclosed ``[``, a bad port), or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # parsing the port is the check: 99999 or "x" raise
    except ValueError as exc:
        return f"invalid URL: {exc}"
    return None


@dataclass
class _Outcome:
    """What following one URL's redirects ended with (one attempt)."""

    code: int | None
    final_url: str
    chain: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    retryable: bool = False
    retry_after: float | None = None


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def describe_error(exc: BaseException, timeout: float) -> tuple[str, bool]:
    """A one-line description of a request failure and whether it is worth retrying."""
    causes = list(_causes(exc))
    text = " ".join(str(c) for c in causes).lower()
    if any(isinstance(c, TimeoutError) for c in causes):
        return f"timeout: no answer within {timeout:g} s", True
    if any(isinstance(c, ssl.SSLError) for c in causes) or "certificate" in text or "[ssl" in text:
        return f"TLS error: {_first_line(exc)}", False
    if any(isinstance(c, socket.gaierror | aiohttp.ClientConnectorDNSError) for c in causes) or any(
        marker in text
        for marker in ("name or service not known", "nodename nor servname", "getaddrinfo")
    ):
        return "DNS error: the host name does not resolve", False
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
        return "connection refused", False
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return f"invalid URL: {_first_line(exc)}", False
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect: {_first_line(exc)}", False
    if isinstance(exc, aiohttp.ClientResponseError | aiohttp.ClientPayloadError):
        return f"bad HTTP response: {_first_line(exc) or type(exc).__name__}", True
    if isinstance(exc, aiohttp.ClientConnectionError | ConnectionError):
        return f"connection dropped: {_first_line(exc) or type(exc).__name__}", True
    return f"{type(exc).__name__}: {_first_line(exc)}", False


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (as :func:`studyplan.db.models.utcnow`).

    Not imported from there: the models pull in SQLModel, which a check does not need.
    """
    return datetime.now(UTC)


class LinkChecker:
    """Checks URLs through one aiohttp session and connection pool.

    Use as ``async with LinkChecker(options) as checker``. The pool keeps connections open
    per host and never holds more than ``host_concurrency`` of them busy for one host (the
    scheduler already guarantees it; the pool's own limit is a second guard). Redirects,
    cookies, automatic retries and decompression are off: this class does them by hand or
    not at all.
    """

    def __init__(self, options: CheckOptions, rng: random.Random | None = None) -> None:
        self.options = options
        self._rng = rng or random.Random()
        self._scheduler: HostScheduler[LinkTarget] = HostScheduler(options.host_concurrency)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LinkChecker:
        self._session = self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.options.max_concurrency,
            limit_per_host=self.options.host_concurrency,
            keepalive_timeout=30,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.options.user_agent, "Accept": "*/*"},
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            # real sites send 10 kB+ Content-Security-Policy headers and many cookies; the
            # defaults (8 kB a field, 128 fields) would turn them into errors
            max_line_size=_MAX_HEADER_BYTES,
            max_field_size=_MAX_HEADER_BYTES,
            max_headers=_MAX_HEADERS,
            # asyncio.timeout in _send bounds each request as a whole; no timers of aiohttp's
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=None, sock_read=None),
        )
        # aiohttp silently repeats an idempotent request once when the connection drops;
        # retries are ours (counted in ``attempts``, with backoff), so turn that off.
        session._retry_connection = False
        return session

    async def aclose(self) -> None:
        """Close the connection pool (``async with`` does it)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def check_all(
        self, targets: list[LinkTarget], progress: ProgressCallback | None = None
    ) -> list[LinkResult]:
        """Check every target (each URL once); results come back in the targets' order."""
        results: dict[str, LinkResult] = {}
        total = len(targets)

        def finish(result: LinkResult) -> None:
            results[result.url] = result
            if progress is not None:
                progress(result, len(results), total)

        queued = 0
        for target in targets:
            invalid = invalid_reason(target.url)
            if invalid is not None:
                finish(self._unchecked(target, ERROR, invalid))
                continue
            reason = skip_reason(target.url, self.options)
            if reason is not None:
                finish(self._unchecked(target, SKIPPED, reason))
                continue
            self._scheduler.add(host_key(self._probe_url(target.url)), target)
            queued += 1
        workers = [
            asyncio.create_task(self._worker(finish))
            for _ in range(min(self.options.max_concurrency, queued))
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            # after an error (a bug: network faults are results) stop the other workers
            # and wait for them, so none is left running against a closing session
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return [results[t.url] for t in targets]

    async def _worker(self, finish: Callable[[LinkResult], None]) -> None:
        while (item := await self._scheduler.next()) is not None:
            target, host = item
            hold = SlotHold(self._scheduler, host)
            try:
                result = await self._check_target(target, hold)
            finally:
                hold.release()
            finish(result)

    def _unchecked(self, target: LinkTarget, status: str, reason: str) -> LinkResult:
        """The result of a target never fetched: skipped, or an address that does not parse."""
        return LinkResult(
            url=target.url,
            status=status,
            error=reason,
            resources=list(target.resources),
            checked_at=utcnow(),
            archive_url=archive_url(target.url, target.created_at),
        )

    def _probe_url(self, url: str) -> str:
        video = youtube_video_id(url)
        if video is None:
            return url
        return f"{self.options.youtube_thumbnail_base.rstrip('/')}/vi/{video}/0.jpg"

    async def _check_target(self, target: LinkTarget, hold: SlotHold) -> LinkResult:
        started = time.perf_counter()
        probe = self._probe_url(target.url)
        attempts = 0
        while True:
            attempts += 1
            outcome = await self._follow(probe, hold)
            if not outcome.retryable or attempts > self.options.retries:
                break
            hold.release()
            await asyncio.sleep(
                backoff_delay(attempts, self.options, outcome.retry_after, self._rng)
            )
        result = self._result(target, outcome, probe != target.url)
        result.attempts = attempts
        result.elapsed_ms = round((time.perf_counter() - started) * 1000)
        return result

    def _result(self, target: LinkTarget, outcome: _Outcome, youtube: bool) -> LinkResult:
        code = outcome.code
        result = LinkResult(
            url=target.url,
            status=ERROR,
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
            result.status = REDIRECTED if moved and not youtube else ALIVE
        elif code in BLOCKED_STATUSES:
            result.status = BLOCKED
            result.error = f"HTTP {code}: the server refuses automated checks; look by hand"
        elif code in RETRY_STATUSES:
            result.error = f"HTTP {code}: server error"
        elif youtube and code in (404, 410):
            result.status = DEAD
            result.error = "YouTube video not found (it has no thumbnail)"
        else:
            result.status = DEAD
            result.error = f"HTTP {code}"
        return result

    async def _follow(self, url: str, hold: SlotHold) -> _Outcome:
        chain: list[dict[str, Any]] = []
        seen = {url}
        current = url
        while True:
            await hold.move_to(host_key(current))
            try:
                code, headers = await self._probe(current)
            except REQUEST_ERRORS as exc:
                message, retryable = describe_error(exc, self.options.timeout)
                return _Outcome(None, current, chain, message, retryable)
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
            return _Outcome(code, current, chain, "", code in RETRY_STATUSES, retry_after)

    async def _probe(self, url: str) -> tuple[int, Mapping[str, str]]:
        code, headers = await self._send("HEAD", url)
        if code in GET_FALLBACK_STATUSES:
            code, headers = await self._send("GET", url)
        return code, headers

    async def _send(self, method: str, url: str) -> tuple[int, Mapping[str, str]]:
        """One request, bounded by the timeout in total; the body is never read."""
        session = self._session
        if session is None:
            session = self._session = self._open()
        async with asyncio.timeout(self.options.timeout):
            response = await session.request(method, url, allow_redirects=False)
        if method == "HEAD":
            response.release()  # no body: the connection goes back to the pool
        else:
            response.close()  # drop the connection rather than read a body of any size
        return response.status, response.headers


def _redirect_target(current: str, location: str) -> str | None:
    """The absolute address a ``Location`` header points to, or None if it cannot be parsed."""
    try:
        target = normalize_url(urljoin(current, location.strip()))
    except ValueError:
        return None
    return None if invalid_reason(target) else target


async def check_targets(
    targets: list[LinkTarget],
    options: CheckOptions,
    progress: ProgressCallback | None = None,
) -> list[LinkResult]:
    """Check ``targets`` with a fresh checker and client; results in the targets' order."""
    async with LinkChecker(options) as checker:
        return await checker.check_all(targets, progress)
