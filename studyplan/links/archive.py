"""Wayback Machine copies: when one can exist and its address (built offline, never fetched).

The Internet Archive crawls public web sites only, and needs time to do it. So a copy is
offered only for an http(s) address on a public host, and not for a catalog resource added
today. Hosts that are never public: ``localhost`` and ``*.localhost``; IP literals that are not
globally routable (loopback, private, link-local, unspecified, reserved, documentation) or are
multicast; single-label names (``intranet``); the special-use top-level domains ``.local``,
``.internal``, ``.test``, ``.invalid``, ``.example`` and ``.localhost`` (RFC 2606, RFC 6761,
RFC 6762); and the documentation domains ``example.com``, ``example.org`` and ``example.net``.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from urllib.parse import urlsplit

ARCHIVE_PREFIX = "https://web.archive.org/web/2016/"
"""The Wayback Machine's address of the copy nearest to 2016 (the article's year)."""

_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".test", ".invalid", ".example")
_EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public_host(host: str) -> bool:
    """Whether ``host`` (a name or an IP literal, as ``urlsplit().hostname`` gives it) is public.

    Public means a crawler on the internet can reach it: see the module's description for
    the names and addresses that are not.
    """
    host = host.strip().rstrip(".").lower()
    if not host:
        return False
    address = _ip_literal(host)
    if address is not None:
        return address.is_global and not address.is_multicast
    if host == "localhost" or "." not in host:
        return False
    if host.endswith(_PRIVATE_SUFFIXES):
        return False
    return not any(host == d or host.endswith("." + d) for d in _EXAMPLE_DOMAINS)


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 literal
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return parts.hostname


def _added_today(created_at: datetime | None, now: datetime | None) -> bool:
    if created_at is None:
        return False
    if created_at.tzinfo is None:  # stored times are UTC
        created_at = created_at.replace(tzinfo=UTC)
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    return created_at.astimezone(UTC).date() >= today


def archive_url(
    url: str, created_at: datetime | None = None, now: datetime | None = None
) -> str | None:
    """The Wayback Machine's copy of ``url`` nearest to 2016, or None when none can exist.

    None for an address that is not http(s) on a public host (see :func:`is_public_host`),
    and for a catalog resource whose ``created_at`` (UTC) is today (``now``'s UTC date, by
    default the current one). ``created_at`` None means "not a catalog resource": no age limit.
    """
    host = _host(url)
    if host is None or not is_public_host(host) or _added_today(created_at, now):
        return None
    return ARCHIVE_PREFIX + url
