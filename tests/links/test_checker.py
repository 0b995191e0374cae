"""The checking engine against a real HTTP server on loopback: one test per behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from links_server import LinkServer

from studyplan.links.checker import LinkChecker, check_targets, describe_error, youtube_video_id
from studyplan.links.extract import LinkTarget, TargetSet, urls_in_markdown
from studyplan.links.http_client import Response
from studyplan.links.policy import CheckOptions
from studyplan.links.result import LinkResult


async def check(url: str, options: CheckOptions) -> LinkResult:
    return (await check_targets([LinkTarget(url)], options))[0]


async def test_alive_uses_head_only(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/ok"), fast)
    assert result.status == "alive"
    assert result.http_status == 200
    assert result.attempts == 1
    assert server.methods == [("HEAD", "/ok")]


async def test_every_url_is_checked_once(server: LinkServer, fast: CheckOptions) -> None:
    url = server.url("/once")
    text = f"[a]({url}) and {url}. Again <{url}#part> and [b]({url})\n"
    targets = TargetSet()
    for found in urls_in_markdown(text) * 3:
        targets.add(found)
    results = await check_targets(targets.targets(), fast)
    assert len(results) == 1
    assert server.hits["/once"] == 1


async def test_per_host_limit_holds_on_the_server(server: LinkServer) -> None:
    options = CheckOptions(max_concurrency=64, host_concurrency=3, timeout=2)
    targets = [LinkTarget(server.url(f"/delay/80/{i}", host=1 + i % 2)) for i in range(30)]
    results = await check_targets(targets, options)
    assert all(r.status == "alive" for r in results)
    # exactly three at a time on each host: the limit holds and is used (the speed this
    # gives is measured in benchmarks/links_bench.py, not here)
    assert max(server.peak.values()) == 3
    assert set(server.peak) == {"127.0.0.1", "127.0.0.2"}


async def test_global_limit_holds(server: LinkServer) -> None:
    options = CheckOptions(max_concurrency=2, host_concurrency=4, timeout=2)
    targets = [LinkTarget(server.url(f"/delay/50/{i}", host=1 + i % 2)) for i in range(8)]
    await check_targets(targets, options)
    assert sum(server.peak.values()) <= 2 + 1  # peaks of two hosts need not coincide
    assert max(server.peak.values()) <= 2


async def test_get_fallback_when_head_is_refused(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/nohead"), fast)
    assert result.status == "alive"
    assert server.methods == [("HEAD", "/nohead"), ("GET", "/nohead")]


async def test_endless_body_is_never_downloaded(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/endless"), fast)
    assert result.status == "alive"
    # only what fits in socket buffers before the client hung up, never the 1 GB announced
    assert server.endless_bytes < 32 * 2**20


async def test_huge_response_headers_are_fine(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/bigheaders"), fast)
    assert result.status == "alive", result.error


async def test_redirect_chain_recorded_and_permanent_move_reported(
    server: LinkServer, fast: CheckOptions
) -> None:
    result = await check(server.url("/chain/3"), fast)
    assert result.status == "redirected"
    assert result.final_url == server.url("/chain/0")
    assert [hop["status"] for hop in result.redirects] == [301, 301, 301]
    assert result.redirects[0]["url"] == server.url("/chain/3")
    assert result.moved_permanently


async def test_temporary_redirect_is_alive(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/temp"), fast)
    assert result.status == "alive"
    assert result.final_url == server.url("/ok")
    assert result.redirects == [{"url": server.url("/temp"), "status": 302}]


async def test_more_than_ten_redirects_is_an_error(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/chain/11"), fast)
    assert result.status == "error"
    assert "too many redirects" in result.error
    assert server.hits["/chain/0"] == 0


async def test_redirect_loop_is_an_error_not_a_hang(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/loop/a"), fast)
    assert result.status == "error"
    assert "redirect loop" in result.error
    assert server.hits["/loop/a"] == 1 and server.hits["/loop/b"] == 1


async def test_retry_after_seconds_is_honoured(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/ratelimit/sec?n=1&after=1"), fast)
    assert result.status == "alive"
    assert result.attempts == 2
    assert server.first_hit_at is not None and server.last_hit_at is not None
    assert server.last_hit_at - server.first_hit_at >= 0.95  # the server saw the wait


async def test_retry_after_http_date_is_honoured(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/ratelimit-date/date?n=1"), fast)
    assert result.status == "alive"
    assert result.attempts == 2
    assert server.first_hit_at is not None and server.last_hit_at is not None
    # 2 s ahead at one-second precision: the server saw a wait of 1-2 s
    assert server.last_hit_at - server.first_hit_at >= 0.9


async def test_retry_after_is_capped(server: LinkServer, fast: CheckOptions) -> None:
    options = fast.replace(backoff_cap=0.2)
    result = await check(server.url("/ratelimit/cap?n=1&after=3600"), options)
    assert result.status == "alive" and result.attempts == 2
    assert server.first_hit_at is not None and server.last_hit_at is not None
    assert server.last_hit_at - server.first_hit_at < 60  # not the hour asked for


async def test_persistent_429_is_blocked(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/ratelimit/always?n=99&after=0"), fast)
    assert result.status == "blocked"
    assert result.http_status == 429
    assert result.attempts == 3


async def test_fail_twice_then_succeed(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/flaky/twice?n=2&code=503"), fast)
    assert result.status == "alive"
    assert result.attempts == 3


async def test_server_error_that_persists_fails(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/flaky/always?n=99&code=500"), fast)
    assert result.status == "error"
    assert result.http_status == 500
    assert result.attempts == 3


async def test_408_is_retried(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/flaky/slow?n=1&code=408"), fast)
    assert result.status == "alive"
    assert result.attempts == 2


async def test_404_is_dead_and_not_retried(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/missing"), fast)
    assert result.status == "dead"
    assert result.http_status == 404
    assert result.attempts == 1
    assert server.hits["/missing"] == 2  # HEAD, then GET in case HEAD was mishandled


async def test_persistent_403_is_blocked(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/forbidden"), fast)
    assert result.status == "blocked"
    assert result.attempts == 1


async def test_accept_codes(server: LinkServer, fast: CheckOptions) -> None:
    options = fast.replace(accept=frozenset({200, 403}))
    assert (await check(server.url("/forbidden"), options)).status == "alive"


async def test_dropped_connection_is_retried(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(server.url("/drop/once?n=1"), fast)
    assert result.status == "alive"
    assert result.attempts == 2


async def test_hanging_server_times_out_within_timeout(
    server: LinkServer, fast: CheckOptions
) -> None:
    options = fast.replace(retries=0, timeout=0.4)
    result = await check(server.url("/hang"), options)
    assert result.status == "error"
    assert result.error.startswith("timeout: no answer within 0.4 s")
    assert result.attempts == 1 and result.elapsed_ms >= 350  # it waited, then gave up


async def test_timeouts_are_retried_each_within_timeout(
    server: LinkServer, fast: CheckOptions
) -> None:
    options = fast.replace(retries=1, timeout=0.3)
    result = await check(server.url("/hang"), options)
    assert result.attempts == 2
    assert result.error.startswith("timeout: no answer within 0.3 s")
    assert server.hits["/hang"] == 2  # each attempt reached the server and was given up


async def test_refused_connection_is_named(fast: CheckOptions) -> None:
    result = await check("http://127.0.0.1:1/", fast)
    assert result.status == "error"
    assert result.error == "connection refused"
    assert result.attempts == 1


async def test_dns_failure_is_named(fast: CheckOptions) -> None:
    result = await check("http://no-such-host.invalid/", fast.replace(timeout=3))
    assert result.status == "error"
    assert result.error.startswith("DNS error")


async def test_tls_failure_is_named(server: LinkServer, fast: CheckOptions) -> None:
    result = await check(f"https://127.0.0.1:{server.plain_port}/", fast)
    assert result.status == "error"
    assert result.error.startswith("TLS error")


async def test_other_schemes_are_skipped_never_fetched(
    server: LinkServer, fast: CheckOptions
) -> None:
    urls = ["mailto:someone@example.org", "file:///etc/passwd", "ftp://example.org/x"]
    results = await check_targets([LinkTarget(u) for u in urls], fast)
    assert [r.status for r in results] == ["skipped"] * 3
    assert results[0].error.startswith("mailto: links are not checked")
    assert server.total_hits == 0


async def test_excluded_urls_are_skipped(server: LinkServer, fast: CheckOptions) -> None:
    options = fast.replace(excludes=(r"/private/",))
    result = await check(server.url("/private/x"), options)
    assert result.status == "skipped"
    assert result.error == "excluded by --exclude"
    assert server.total_hits == 0


async def test_youtube_checked_through_thumbnail(server: LinkServer, fast: CheckOptions) -> None:
    server.videos.add("aircAruvnKk")
    options = fast.replace(youtube_thumbnail_base=server.url(""))
    urls = [
        "https://www.youtube.com/watch?v=aircAruvnKk&t=10",
        "https://youtu.be/XXXXXXXXXXX",
    ]
    alive, dead = await check_targets([LinkTarget(u) for u in urls], options)
    assert alive.status == "alive"
    assert alive.final_url == urls[0]
    assert dead.status == "dead"
    assert "YouTube video not found" in dead.error
    assert server.hits["/vi/aircAruvnKk/0.jpg"] == 1


def test_youtube_ids() -> None:
    assert youtube_video_id("https://www.youtube.com/watch?v=aircAruvnKk") == "aircAruvnKk"
    assert youtube_video_id("https://youtu.be/aircAruvnKk") == "aircAruvnKk"
    assert youtube_video_id("https://www.youtube.com/embed/aircAruvnKk") == "aircAruvnKk"
    assert youtube_video_id("https://www.youtube.com/playlist?list=PLx") is None
    assert youtube_video_id("https://example.org/watch?v=aircAruvnKk") is None


def test_describe_unknown_error() -> None:
    message, retry = describe_error(RuntimeError("boom"), 1.0)
    assert message == "RuntimeError: boom"
    assert not retry


async def test_progress_called_for_each_url(server: LinkServer, fast: CheckOptions) -> None:
    seen: list[tuple[int, int]] = []
    urls = [server.url("/ok/1"), server.url("/ok/2"), "mailto:x@y.z"]
    await check_targets([LinkTarget(u) for u in urls], fast, lambda r, d, t: seen.append((d, t)))
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]


# --- what a request may raise: network faults become results, bugs propagate --------------


class _BuggyChecker(LinkChecker):
    """A checker with a programming error where the request is sent."""

    def _probe(self, url: str, read_body: bool) -> Response:
        raise TypeError("a bug in our own code")


def test_a_bug_in_the_checker_propagates(server: LinkServer, fast: CheckOptions) -> None:
    targets = [LinkTarget(server.url(f"/ok/bug/{i}", host=1 + i % 2)) for i in range(4)]
    with _BuggyChecker(fast) as checker, pytest.raises(TypeError, match="a bug in our own code"):
        checker.check_all(targets)


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("refused", "connection refused"),
        ("/hang", "timeout: no answer within 0.3 s"),
        ("/drop/reset?n=1", "connection dropped"),
        ("/garbage", "bad HTTP response"),
    ],
)
async def test_network_faults_are_results(
    server: LinkServer, fast: CheckOptions, path: str, error: str
) -> None:
    url = "http://127.0.0.1:1/" if path == "refused" else server.url(path)
    result = await check(url, fast.replace(retries=0, timeout=0.3))
    assert result.status == "error"
    assert result.error.startswith(error)
    assert result.attempts == 1


async def test_an_address_that_does_not_parse_is_an_error_result(
    server: LinkServer, fast: CheckOptions
) -> None:
    results = await check_targets(
        [LinkTarget("http://[::1/x"), LinkTarget(server.url("/ok/after-bad"))], fast
    )
    assert [r.status for r in results] == ["invalid", "alive"]
    assert results[0].error.startswith("invalid URL")


async def test_a_redirect_to_an_address_that_does_not_parse_is_an_error(
    server: LinkServer, fast: CheckOptions
) -> None:
    result = await check(server.url("/badredirect"), fast)
    assert result.status == "error"
    assert result.error == "redirect to an invalid URL 'http://[::1/x'"
    assert result.redirects == [{"url": server.url("/badredirect"), "status": 302}]


# --- a dropped kept-alive connection: never resent behind our back ----------------------


def _one_connection(fast: CheckOptions, retries: int) -> CheckOptions:
    return fast.replace(max_concurrency=1, host_concurrency=1, retries=retries)


def _on_a_reused_connection(server: LinkServer, options: CheckOptions) -> LinkResult:
    """Check /keepalive/first then /keepalive/second over one kept-alive connection.

    The server answers the first and hangs up on the second without answering it.
    """
    targets = [
        LinkTarget(server.url("/keepalive/first")),
        LinkTarget(server.url("/keepalive/second")),
    ]
    with LinkChecker(options) as running:
        first, second = running.check_all(targets)
    assert first.status == "alive" and first.attempts == 1
    return second


def test_a_dropped_reused_connection_is_not_resent_silently(
    server: LinkServer, fast: CheckOptions
) -> None:
    second = _on_a_reused_connection(server, _one_connection(fast, retries=0))
    assert second.status == "error"
    assert second.error.startswith("connection dropped")
    assert second.attempts == 1
    assert server.methods == [("HEAD", "/keepalive/first"), ("HEAD", "/keepalive/second")]


def test_a_dropped_reused_connection_is_retried_by_us(
    server: LinkServer, fast: CheckOptions
) -> None:
    second = _on_a_reused_connection(server, _one_connection(fast, retries=1))
    assert second.status == "alive"
    assert second.attempts == 2  # our retry, counted, after our backoff
    assert server.methods == [
        ("HEAD", "/keepalive/first"),
        ("HEAD", "/keepalive/second"),
        ("HEAD", "/keepalive/second"),
    ]


def test_a_host_that_hangs_up_after_each_answer_is_alive_with_retries(
    server: LinkServer, fast: CheckOptions
) -> None:
    """A server may close a connection after answering without saying so: once a reused
    connection to a host turned out closed, the retry (and what follows) go over new ones,
    not over the other connections it left in the pool meanwhile."""
    options = fast.replace(host_concurrency=4, retries=1)
    targets = [LinkTarget(server.url(f"/hangsup/{i}")) for i in range(24)]
    with LinkChecker(options) as running:
        results = running.check_all(targets)
    assert [r.error for r in results if r.status != "alive"] == []
    # at most one retry per connection the host had left idle when it first hung up
    assert sum(r.attempts for r in results) <= len(targets) + options.host_concurrency


# --- archived copies ---------------------------------------------------------------------


async def test_no_archived_copy_for_a_loopback_address(
    server: LinkServer, fast: CheckOptions
) -> None:
    result = await check(server.url("/missing"), fast)
    assert result.status == "dead"
    assert result.archive_url is None
    assert "archive_url" not in result.to_dict()


async def test_archived_copy_for_a_public_address_not_added_today(
    server: LinkServer, fast: CheckOptions
) -> None:
    # a YouTube address is public; its thumbnail (what is fetched) lives on the test server
    options = fast.replace(youtube_thumbnail_base=server.url(""))
    url = "https://youtu.be/XXXXXXXXXXX"
    yesterday = datetime.now(UTC) - timedelta(days=1)
    old, new = await check_targets(
        [
            LinkTarget(url, created_at=yesterday),
            LinkTarget(url + "?t=1", created_at=datetime.now(UTC)),
        ],
        options,
    )
    assert old.status == new.status == "dead"
    assert old.archive_url == "https://web.archive.org/web/2016/" + url
    assert old.to_dict()["archive_url"] == old.archive_url
    assert new.archive_url is None
    assert "archive_url" not in new.to_dict()
