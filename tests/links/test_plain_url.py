"""Plain http(s) addresses split without urllib.parse: the parts are always ``urlsplit``'s.

:func:`split_plain` saves a link check importing :mod:`urllib.parse` before its first
request; these tests hold it, and the three places that use it (the engine's triage, its
politeness key, the request target), to what ``urlsplit`` gives, on generated addresses
that are mostly plain and sometimes not.
"""

from __future__ import annotations

import string
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from studyplan.links import http_client, scheduler, triage
from studyplan.links.plain_url import split_plain
from studyplan.links.policy import CheckOptions

_URL_CHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/%"
_ODD = '?#[]\\ \t\n\x00<>"{}|^`é。%@:'

schemes = st.sampled_from(
    ["http://", "https://", "HTTP://", "hTTps://", "http:", "http:/", "ftp://", ""]
)
hosts = st.text(string.ascii_letters + string.digits + ".-", max_size=12) | st.text(
    string.ascii_letters + ".-" + _ODD, max_size=8
)
ports = st.none() | st.text(string.digits, max_size=6) | st.text(string.digits + "x-+ ", max_size=4)
rests = st.text(_URL_CHARS + "?", max_size=24) | st.text(_URL_CHARS + _ODD, max_size=24)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    port = draw(ports)
    rest = draw(rests)
    path = rest if not rest or rest[0] in "/?#" else "/" + rest
    return draw(schemes) + draw(hosts) + ("" if port is None else ":" + port) + path


def _urlsplit_parts(url: str) -> tuple[str, str | None, int | None, str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port, parts.path, parts.query


@settings(max_examples=3000, deadline=None)
@given(addresses())
@example("http://127.0.0.1:4000/ok/1")
@example("HTTPS://Example.ORG:0443/a/b;c?d=e&f=%20#frag")
@example("http://a:65536/")
@example("http://a:/x")
@example("http://a?x")
@example("httpſ://example.com/")
def test_what_it_splits_is_split_as_urlsplit_splits_it(url: str) -> None:
    plain = split_plain(url)
    if plain is not None:
        assert plain == _urlsplit_parts(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:4000/ok/1",
        "https://www.deeplearningbook.org/contents/mlp.html",
        "https://EXAMPLE.org:443/a?b=c&d=%2F",
        "http://karpathy.github.io",
        "https://www.youtube.com/watch?v=aircAruvnKk",
    ],
)
def test_plain_addresses_take_the_short_way(url: str) -> None:
    assert split_plain(url) == _urlsplit_parts(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://user@host/",
        "http://[::1]:8080/",
        "http://host/page#part",
        "http://host:99999/",
        "http://ho st/",
        "http://hôte.fr/",
        "http://host/a b",
        " http://host/",
        "mailto:someone@example.org",
        "httpſ://example.com/",  # ſ is an s only to a case-insensitive match
        "HTTPK://example.com/",
    ],
)
def test_anything_else_is_left_to_urlsplit(url: str) -> None:
    assert split_plain(url) is None


def _outcome(call: object, url: str) -> object:
    try:
        return call(url)  # type: ignore[operator]
    except ValueError as exc:
        return ("ValueError", str(exc))


def _target(url: str) -> tuple[object, ...]:
    target = http_client.Target(url)
    return (target.scheme, target.host, target.port, target.host_header, target.path)


@settings(max_examples=1500, deadline=None)
@given(addresses())
@example("http://127.0.0.1:4000/ok/1?q=1")
@example("https://Example.org:0/x")
def test_the_engine_reads_an_address_alike_either_way(url: str) -> None:
    options = CheckOptions(excludes=("/private/",))
    short = (
        _outcome(lambda u: triage.examine(u, options), url),
        _outcome(triage.input_problem, url),
        _outcome(scheduler.host_key, url),
        _outcome(_target, url),
    )
    with pytest.MonkeyPatch.context() as patch:
        for module in (triage, scheduler, http_client):
            patch.setattr(module, "split_plain", lambda _url: None)
        long = (
            _outcome(lambda u: triage.examine(u, options), url),
            _outcome(triage.input_problem, url),
            _outcome(scheduler.host_key, url),
            _outcome(_target, url),
        )
    assert short == long
