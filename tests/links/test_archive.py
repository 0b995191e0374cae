"""When an archived copy (Wayback Machine) can exist: public hosts, not resources added today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from studyplan.links.archive import archive_url, is_public_host

PREFIX = "https://web.archive.org/web/2016/"


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST.",
        "app.localhost",
        "127.0.0.1",
        "127.0.0.2",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",
        "fe80::1",
        "fd12:3456::1",
        "0.0.0.0",
        "::",
        "::ffff:127.0.0.1",
        "224.0.0.1",
        "printer.local",
        "db.internal",
        "site.test",
        "no-such-host.invalid",
        "gone.example",
        "example.com",
        "www.example.org",
        "docs.example.net",
        "intranet",
        "",
    ],
)
def test_hosts_no_crawler_can_reach(host: str) -> None:
    assert not is_public_host(host)


@pytest.mark.parametrize(
    "host",
    ["arxiv.org", "www.youtube.com", "8.8.8.8", "2001:4860:4860::8888", "notexample.com"],
)
def test_public_hosts(host: str) -> None:
    assert is_public_host(host)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/paper.pdf",
        "http://[::1]:8000/paper.pdf",
        "http://localhost/notes",
        "https://example.com/",
        "mailto:someone@arxiv.org",
        "ftp://ftp.arxiv.org/pub/x",
        "http://[::1/unparsable",
    ],
)
def test_no_copy_for_these_addresses(url: str) -> None:
    assert archive_url(url) is None


def test_copy_of_a_public_address() -> None:
    url = "https://arxiv.org/abs/1206.5533"
    assert archive_url(url) == PREFIX + url


def test_no_copy_for_a_resource_added_today() -> None:
    url = "https://arxiv.org/abs/1206.5533"
    now = datetime(2024, 6, 1, 0, 30, tzinfo=UTC)
    assert archive_url(url, datetime(2024, 6, 1, 0, 1, tzinfo=UTC), now) is None
    assert archive_url(url, datetime(2024, 5, 31, 23, 59, tzinfo=UTC), now) == PREFIX + url
    # a naive time is UTC, as the database stores it; ``now`` in another zone counts in UTC
    assert archive_url(url, datetime(2024, 6, 1, 0, 1), now) is None
    paris = now.astimezone(timezone(timedelta(hours=2)))
    assert archive_url(url, datetime(2024, 5, 31, 23, 0, tzinfo=UTC), paris) == PREFIX + url
    assert archive_url(url, None, now) == PREFIX + url  # not a catalog resource: no age limit
