"""The async link-checking engine (httpx).

One :class:`LinkChecker` per run. A bounded set of worker tasks (``max_concurrency``) takes
URLs from a :class:`~studyplan.links.scheduler.HostScheduler`, which keeps every host at or
below ``host_concurrency`` requests in flight. For each URL: HEAD first, GET when the server
mishandles HEAD (the body is never read: the response is streamed and closed at once),
redirects followed by hand so the chain is recorded, retries with backoff only for 429, 5xx,
408, timeouts and dropped connections.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import random
import re
import socket
import ssl
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from studyplan.db.models import utcnow
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


def skip_reason(url: str, options: CheckOptions) -> str | None:
    """Why ``url`` is not fetched at all (scheme, exclusion, no host), or None to check it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        return f"{shown} links are not checked (only http and https)"
    if options.is_excluded(url):
        return "excluded by --exclude"
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
    if any(isinstance(c, TimeoutError | httpx.TimeoutException) for c in causes):
        return f"timeout: no answer within {timeout:g} s", True
    if any(isinstance(c, ssl.SSLError) for c in causes) or "certificate" in text or "[ssl" in text:
        return f"TLS error: {_first_line(exc)}", False
    if any(isinstance(c, socket.gaierror) for c in causes) or any(
        marker in text
        for marker in ("name or service not known", "nodename nor servname", "getaddrinfo")
    ):
        return "DNS error: the host name does not resolve", False
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
        return "connection refused", False
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL: {_first_line(exc)}", False
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {_first_line(exc)}", False
    if isinstance(exc, httpx.TransportError | ConnectionError):
        return f"connection dropped: {_first_line(exc) or type(exc).__name__}", True
    return f"{type(exc).__name__}: {_first_line(exc)}", False


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


class LinkChecker:
    """Checks URLs with one small httpx connection pool per host.

    Use as ``async with LinkChecker(options) as checker``. Requests go straight to an
    :class:`httpx.AsyncHTTPTransport` per host (``host_concurrency`` connections each):
    redirects, cookies and auth are not wanted here, and skipping the client layer saves
    CPU per request (see benchmarks/links_bench.py and the module notes).
    """

    def __init__(self, options: CheckOptions, rng: random.Random | None = None) -> None:
        self.options = options
        self._rng = rng or random.Random()
        self._scheduler: HostScheduler[LinkTarget] = HostScheduler(options.host_concurrency)
        self._transports: dict[str, httpx.AsyncHTTPTransport] = {}
        self._ssl: ssl.SSLContext | None = None
        self._headers = httpx.Headers({"User-Agent": options.user_agent, "Accept": "*/*"})
        self._timeouts = httpx.Timeout(options.timeout).as_dict()

    async def __aenter__(self) -> LinkChecker:
        _skip_sniffio_lookups()
        return self

    async def __aexit__(self, *exc: object) -> None:
        transports, self._transports = self._transports, {}
        for transport in transports.values():
            await transport.aclose()

    def _transport_for(self, host: str) -> httpx.AsyncHTTPTransport:
        """The connection pool of ``host``, made on first use."""
        transport = self._transports.get(host)
        if transport is None:
            if host.startswith("https:"):
                if self._ssl is None:
                    self._ssl = ssl.create_default_context()
                context = self._ssl
            else:
                # A plain-http host's pool never does TLS (a redirect to https goes to that
                # host's own pool); skip loading the CA bundle for it (30 ms each).
                context = _plain_context()
            transport = make_transport(self.options, context)
            self._transports[host] = transport
        return transport

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
            reason = skip_reason(target.url, self.options)
            if reason is not None:
                finish(self._skipped(target, reason))
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
            for task in workers:
                task.cancel()
        return [results[t.url] for t in targets]

    async def check_url(self, url: str) -> LinkResult:
        """Check one URL (outside a run's scheduling; used by tests and one-off checks)."""
        results = await self.check_all([LinkTarget(normalize_url(url))])
        return results[0]

    async def _worker(self, finish: Callable[[LinkResult], None]) -> None:
        while (item := await self._scheduler.next()) is not None:
            target, host = item
            hold = SlotHold(self._scheduler, host)
            try:
                result = await self._check_target(target, hold)
            finally:
                hold.release()
            finish(result)

    def _skipped(self, target: LinkTarget, reason: str) -> LinkResult:
        return LinkResult(
            url=target.url,
            status=SKIPPED,
            error=reason,
            resources=list(target.resources),
            checked_at=utcnow(),
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
            except Exception as exc:
                message, retryable = describe_error(exc, self.options.timeout)
                return _Outcome(None, current, chain, message, retryable)
            location = headers.get("location")
            if code in REDIRECT_STATUSES and location:
                chain.append({"url": current, "status": code})
                target = normalize_url(urljoin(current, location.strip()))
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

    async def _probe(self, url: str) -> tuple[int, httpx.Headers]:
        code, headers = await self._send("HEAD", url)
        if code in GET_FALLBACK_STATUSES:
            code, headers = await self._send("GET", url)
        return code, headers

    async def _send(self, method: str, url: str) -> tuple[int, httpx.Headers]:
        """One request, bounded by the timeout in total; the body is never read."""
        transport = self._transport_for(host_key(url))
        request = httpx.Request(
            method, url, headers=self._headers, extensions={"timeout": self._timeouts}
        )
        async with asyncio.timeout(self.options.timeout):
            response = await transport.handle_async_request(request)
            if method == "HEAD":
                # Nothing to read, but consuming the (empty) message keeps the connection
                # reusable; closing an unread response would drop it.
                await response.aread()
            await response.aclose()
        return response.status_code, response.headers


@functools.cache
def _plain_context() -> ssl.SSLContext:
    """An SSL context without CA certificates, for clients that only speak plain http."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def make_transport(
    options: CheckOptions, context: ssl.SSLContext | None = None
) -> httpx.AsyncHTTPTransport:
    """A connection pool for one host: at most ``host_concurrency`` connections."""
    limits = httpx.Limits(
        max_connections=options.host_concurrency,
        max_keepalive_connections=options.host_concurrency,
        keepalive_expiry=30,
    )
    return httpx.AsyncHTTPTransport(
        verify=context if context is not None else True, limits=limits, trust_env=False
    )


def _skip_sniffio_lookups() -> None:
    """Make httpcore's per-request ``import sniffio`` cheap when sniffio is not installed.

    httpcore 1.x tries ``import sniffio`` on every request; anyio 4 no longer installs it, and
    a failed import scans sys.path each time (measured: 1.2 ms per request, over half the CPU
    of a run). A ``None`` entry in ``sys.modules`` makes the import fail at once, which is
    exactly what httpcore expects when sniffio is absent (it then assumes asyncio).
    """
    if "sniffio" in sys.modules:
        return
    if importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


async def check_targets(
    targets: list[LinkTarget],
    options: CheckOptions,
    progress: ProgressCallback | None = None,
) -> list[LinkResult]:
    """Check ``targets`` with a fresh checker and client; results in the targets' order."""
    async with LinkChecker(options) as checker:
        return await checker.check_all(targets, progress)
