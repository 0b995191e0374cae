"""The link checker's small HTTP/1.1 client against the loopback server: connections kept
alive or not, bodies in chunks or gzip-encoded, interim responses, heads over the limits."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest
from links_server import LinkServer

from studyplan.links.checker import LinkChecker
from studyplan.links.event_loop import Loop
from studyplan.links.extract import LinkTarget
from studyplan.links.http_client import Pool, ProtocolError, Response, Target
from studyplan.links.policy import CheckOptions

TIMEOUT = 5.0
PAGE = b"<html><body>" + b"".join(b'<p id="p%d">paragraph %d</p>\n' % (i, i) for i in range(300))


@pytest.fixture
def pool() -> Iterator[Pool]:
    """A connection pool, closed after the test."""
    connections = Pool("studyplan-test")
    yield connections
    connections.close()


def run(task: Generator[Any, Any, Response]) -> Response:
    """Run one of the pool's requests as the only task of an event loop; its response.

    The pool's kept-alive connections outlive the loop: the next request may reuse them.
    """
    outcome: list[Response] = []

    def whole() -> Generator[Any, Any, None]:
        outcome.append((yield from task))

    loop = Loop()
    loop.spawn(whole())
    loop.run()  # an error of the request propagates
    return outcome[0]


def get(pool: Pool, url: str, body_limit: int) -> Response:
    """Send GET to ``url``; the response with up to ``body_limit`` bytes of its body."""
    return run(pool.request("GET", Target(url), TIMEOUT, body_limit))


def head(pool: Pool, url: str) -> int:
    """Send HEAD to ``url``; the status."""
    return run(pool.request("HEAD", Target(url), TIMEOUT)).status


def test_two_heads_share_one_kept_alive_connection(server: LinkServer, pool: Pool) -> None:
    assert head(pool, server.url("/ok/first")) == 200
    assert head(pool, server.url("/ok/second")) == 200
    assert server.connections["127.0.0.1"] == 1
    assert server.methods == [("HEAD", "/ok/first"), ("HEAD", "/ok/second")]


def test_each_origin_has_its_own_connection(server: LinkServer, pool: Pool) -> None:
    for _ in range(2):
        assert head(pool, server.url("/ok/one")) == 200
        assert head(pool, server.url("/ok/two", host=2)) == 200
    assert server.connections == {"127.0.0.1": 1, "127.0.0.2": 1}


@pytest.mark.parametrize(
    "path",
    [
        "/closing",  # HTTP/1.1 with "Connection: close"
        "/http10",  # HTTP/1.0 without "Connection: keep-alive"
        "/headbody",  # a body after a HEAD response: what follows on the line is unknown
    ],
)
def test_a_connection_that_cannot_carry_another_request_is_not_reused(
    server: LinkServer, pool: Pool, path: str
) -> None:
    # the server leaves the connection open: only the response tells the client
    assert head(pool, server.url(path)) == 200
    assert head(pool, server.url(path)) == 200
    assert server.connections["127.0.0.1"] == 2


def test_a_get_connection_is_closed_after_its_prefix(server: LinkServer, pool: Pool) -> None:
    path = server.add_page("get", PAGE)
    response = get(pool, server.url(path), body_limit=1 << 20)
    assert response.body == PAGE and not response.truncated
    assert head(pool, server.url("/ok/after-get")) == 200
    assert server.connections["127.0.0.1"] == 2


def test_an_interim_response_is_skipped(server: LinkServer, pool: Pool) -> None:
    response = get(pool, server.url("/continue"), body_limit=100)
    assert (response.status, response.body) == (200, b"ok\n")
    assert head(pool, server.url("/continue")) == 200
    assert head(pool, server.url("/ok/after-continue")) == 200  # nothing left over on the line
    assert server.connections["127.0.0.1"] == 2  # the GET's, then one for both HEADs


@pytest.mark.parametrize("variant", ["", "chunked=1", "gzip=1", "chunked=1&gzip=1"])
def test_bodies_are_read_whole_and_decoded(server: LinkServer, pool: Pool, variant: str) -> None:
    url = server.url(server.add_page("body", PAGE, "text/html") + "?" + variant)
    response = get(pool, url, body_limit=1 << 20)
    assert response.body == PAGE
    assert not response.truncated


@pytest.mark.parametrize("variant", ["", "chunked=1", "gzip=1", "chunked=1&gzip=1"])
def test_bodies_are_cut_at_the_limit(server: LinkServer, pool: Pool, variant: str) -> None:
    url = server.url(server.add_page("cut", PAGE, "text/html") + "?" + variant)
    response = get(pool, url, body_limit=1000)
    assert response.body == PAGE[:1000]
    assert response.truncated


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("line", "a header line longer than 64 kB"),
        ("fields", "more than 512 header fields"),
        ("total", "response head larger than 1 MB"),
    ],
)
def test_a_response_head_over_the_limits_is_a_bad_response(
    server: LinkServer, pool: Pool, fast: CheckOptions, kind: str, problem: str
) -> None:
    url = server.url(f"/hugehead/{kind}")
    with pytest.raises(ProtocolError, match=problem):
        head(pool, url)
    with LinkChecker(fast.replace(retries=0, timeout=TIMEOUT)) as checker:
        (result,) = checker.check_all([LinkTarget(url)])
    assert result.status == "error"
    assert result.error == f"bad HTTP response: {problem}"


def test_an_interim_response_through_the_checker(server: LinkServer, fast: CheckOptions) -> None:
    with LinkChecker(fast) as checker:
        (result,) = checker.check_all([LinkTarget(server.url("/continue"))])
    assert (result.status, result.http_status, result.attempts) == ("alive", 200, 1)
