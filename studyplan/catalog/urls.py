"""The one URL rule: what the catalog and ``studyplan add`` accept as a resource's address.

A URL is accepted when, after leading and trailing whitespace is stripped, it

- starts with ``http://`` or ``https://`` (lowercase);
- names a host: letters (any script), digits and ``-`` in parts separated by single dots
  (a final dot is allowed), or an IPv6 literal in brackets such as ``[2001:db8::1]``;
- optionally has a user before the host (``user@`` or ``user:password@``) and a port after
  it (``:8080``, a number from 1 to 65535 without leading zeros);
- has nothing but a path, query or fragment after that (starting with ``/``, ``?`` or ``#``);
- holds no whitespace, no control character and no invisible format character (a
  bidirectional override, a zero-width space) anywhere.

:data:`URL_PATTERN` says this once, for pydantic's native (Rust) regex engine, so checking
thousands of URLs costs microseconds. Python's ``re`` cannot read ``\\p{L}``, so the
decision is always made by :data:`URL_PATTERN` (:func:`is_valid_url`), and
:func:`url_problem` only words what is wrong with a URL the pattern refused.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Annotated

from pydantic import StringConstraints, TypeAdapter, ValidationError

_LABEL = r"[\p{L}\p{M}\p{Nd}-]+"
_HOST = rf"{_LABEL}(?:\.{_LABEL})*\.?"
_IPV6 = r"\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]"
_USER = r"[^\s/?#@\[\]\p{Cc}\p{Cf}]+@"
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
_REST = r"[/?#][^\s\p{Cc}\p{Cf}]*"

URL_PATTERN = rf"^https?://(?:{_USER})?(?:{_HOST}|{_IPV6})(?::{_PORT})?(?:{_REST})?$"
"""The URL rule as a regular expression for pydantic's Rust engine (applied after stripping)."""

Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=URL_PATTERN)]
"""An http(s) URL following the rule above (checked natively; :func:`url_problem` words why not)."""


@cache
def _adapter() -> TypeAdapter[str]:
    return TypeAdapter(Url)


def is_valid_url(value: str) -> bool:
    """Whether ``value`` follows the URL rule (the same check the catalog schema makes)."""
    try:
        _adapter().validate_python(value)
    except ValidationError:
        return False
    return True


def url_problem(value: str) -> str:
    """One line saying what is wrong with ``value``, a URL the rule refused, and what to do."""
    url = value.strip()
    if not url:
        return "URL is empty; write the full address, starting with https://"
    if not url.startswith(("http://", "https://")):
        return f"URL must start with http:// or https://, got {url!r}"
    return (
        _character_problem(url)
        or _authority_problem(url)
        or (f"URL {url!r} is not a valid http(s) address; check it in a browser")
    )


def _character_problem(url: str) -> str | None:
    for char in url:
        if char == " ":
            return f"URL has a space in it ({url!r}); write spaces as %20"
        if unicodedata.category(char) == "Cc":
            return f"URL has a control character (U+{ord(char):04X}) in it ({url!r}); remove it"
        if unicodedata.category(char) == "Cf":
            return f"URL has an invisible format character (U+{ord(char):04X}) in it; remove it"
        if char.isspace():
            return f"URL has whitespace (U+{ord(char):04X}) in it ({url!r}); remove it"
    return None


def _authority_problem(url: str) -> str | None:
    rest = url.split("://", 1)[1]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority = rest[:end]
    if "@" in authority:
        user, authority = authority.rsplit("@", 1)
        if not user or any(c in user for c in "[]@"):
            return f"URL has an invalid user name before '@' ({url!r})"
    if authority.startswith("["):
        return _ipv6_problem(url, authority)
    host, colon, port = authority.partition(":")
    if not host:
        return f"URL has no host ({url!r}); write it as https://host/path"
    return _host_problem(url, host) or (_port_problem(port) if colon else None)


def _ipv6_problem(url: str, authority: str) -> str | None:
    close = authority.find("]")
    if close < 0:
        return f"URL's IPv6 address has no closing ']' ({url!r})"
    literal, after = authority[1:close], authority[close + 1 :]
    if ":" not in literal or any(c not in "0123456789abcdefABCDEF:." for c in literal):
        return f"URL's IPv6 address [{literal}] is not valid ({url!r})"
    if after and not after.startswith(":"):
        return f"URL has {after!r} after its IPv6 address ({url!r})"
    return _port_problem(after[1:]) if after else None


def _host_problem(url: str, host: str) -> str | None:
    for char in host:
        if char != "." and not _host_char(char):
            return (
                f"URL host {host!r} has a character that is not allowed ({char!r}); "
                "a host holds letters, digits, '-' and '.'"
            )
    if host.startswith(".") or ".." in host:
        return f"URL host {host!r} has an empty part between dots"
    return None


def _host_char(char: str) -> bool:
    category = unicodedata.category(char)
    return char == "-" or category[0] in "LM" or category == "Nd"


def _port_problem(port: str) -> str | None:
    if not port:
        return "URL has ':' after its host but no port; remove the ':' or add the port"
    if not (port.isascii() and port.isdigit()):
        return f"port {port!r} is not a number (a port is 1 to 65535)"
    if port.startswith("0") or not 1 <= int(port) <= 65535:
        return f"port {port} is not a port (use 1 to 65535, without leading zeros)"
    return None
