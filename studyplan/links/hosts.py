"""Whether an http(s) URL's host is well formed: a malformed one is an input problem.

A link whose host cannot be parsed is reported, never requested. The rules follow the WHATWG
URL standard's host parser (what browsers and lychee's ``url`` crate accept), with these
differences, each because the request would fail or go somewhere else than written:

* empty labels (``a..b``, ``.a``) are refused (one trailing dot is fine), and so are labels
  longer than 63 characters and names longer than 253 (DNS limits, in the ASCII form);
* a tab, newline or backslash in the authority is refused rather than dropped or read as
  ``/``; ``http:///x`` and ``http:x`` have an empty host rather than the host ``x``;
* international names are encoded with Python's ``idna`` codec (IDNA 2003), not UTS #46.

Like the standard, a host ending in a number must be an IPv4 address, and the shorthand forms
it accepts stay accepted (``1.2.3`` is ``1.2.0.3``, ``0x7f.1`` is ``127.0.0.1``).
"""

from __future__ import annotations

import re

_AUTHORITY = re.compile(r"^[\x00-\x20]*(https?):(//)?([^/?#]*)", re.IGNORECASE)
_FORBIDDEN = frozenset("#%/:<>?@[\\]^|\x20\x7f") | {chr(code) for code in range(32)}
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
"""Full stops that IDNA reads as dots."""


def host_problem(url: str) -> str | None:
    """Why the host of the http(s) ``url`` is malformed, in one line; None if it is fine.

    Other schemes give None (they are skipped elsewhere). Never raises.
    """
    try:
        return _problem(url)
    except Exception as exc:  # a bug here must not stop a link check
        return f"malformed host in {url!r}: {exc}"


def _problem(url: str) -> str | None:
    match = _AUTHORITY.match(url)
    if match is None:
        return None
    if match.group(2) is None:
        return f"malformed host in {url!r}: an http(s) URL needs '//' before its host"
    host_port = match.group(3).rpartition("@")[2]
    if host_port.startswith("["):
        return _bracketed_problem(host_port)
    host, colon, port = host_port.partition(":")
    problem = _port_problem(port) if colon else None
    if problem is None and not host:
        problem = "the host is empty"
    if problem:
        return f"malformed host {host_port!r}: {problem}"
    problem = _name_problem(host)
    return f"malformed host {host!r}: {problem}" if problem else None


def _port_problem(port: str) -> str | None:
    """Why ``port`` (after the host's ``:``) is not a port; an empty one is the default."""
    if not port:
        return None
    if not (port.isascii() and port.isdigit()):
        return f"the port {port!r} is not a number"
    if int(port) > 65535:
        return f"the port {int(port)} is above 65535"
    return None


def _bracketed_problem(host_port: str) -> str | None:
    """Why ``[address]`` or ``[address]:port`` is not an IPv6 literal (and port)."""
    end = host_port.find("]")
    if end == -1:
        return f"malformed host {host_port!r}: the IPv6 address has no closing ']'"
    address, rest = host_port[1:end], host_port[end + 1 :]
    if rest and not rest.startswith(":"):
        return f"malformed host {host_port!r}: {rest[0]!r} after the IPv6 address"
    problem = _port_problem(rest[1:]) if rest else None
    if problem is None and not _is_ipv6(address):
        problem = f"{address!r} is not an IPv6 address"
    return f"malformed host {host_port!r}: {problem}" if problem else None


def _is_ipv6(address: str) -> bool:
    """Whether ``address`` is an IPv6 address as URLs write it (no zone id)."""
    if not address.isascii() or "%" in address:
        return False
    import ipaddress

    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def _name_problem(host: str) -> str | None:
    """Why ``host`` (not bracketed, not empty) is not a domain name or an IPv4 address."""
    if "%" in host and _valid_escapes(host):
        from urllib.parse import unquote

        host = unquote(host)
    problem = _forbidden(host) or _empty_label(host.translate(_DOTS))
    if problem:
        return problem
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")  # reads 。 as a dot too
        except UnicodeError as exc:
            reason = str(exc).rpartition("UnicodeError: ")[2].rstrip(")") or str(exc)
            return f"it cannot be encoded as an international domain name ({reason})"
        problem = _forbidden(host)
        if problem:
            return problem
    return _length_problem(host) or _ipv4_problem(host)


def _valid_escapes(host: str) -> bool:
    """Whether every ``%`` in ``host`` starts an escape of UTF-8 text."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", host):
        return False
    from urllib.parse import unquote_to_bytes

    try:
        unquote_to_bytes(host).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _forbidden(host: str) -> str | None:
    """What character of ``host`` no host name may hold, if any (``_`` is allowed)."""
    for char in host:
        if char in _FORBIDDEN:
            return _CHARACTER_PROBLEMS.get(char) or (
                f"a control character (U+{ord(char):04X}) is not allowed in a host name"
                if ord(char) < 32 or char == "\x7f"
                else f"{char!r} is not allowed in a host name"
            )
    return None


_CHARACTER_PROBLEMS = {
    " ": "a space is not allowed in a host name",
    "\\": "a backslash is not allowed in a host name",
    "%": "'%' is not allowed in a host name, unless it escapes text (as %C3%A9 does é)",
}


def _empty_label(host: str) -> str | None:
    """Why ``host`` has an empty label (one trailing dot is allowed), if it has one."""
    name = host.removesuffix(".")
    if not name:
        return "a host name cannot be only a dot"
    if name.startswith("."):
        return "a host name cannot start with a dot"
    if ".." in host:
        return "two dots in a row (an empty label)"
    return None


def _length_problem(host: str) -> str | None:
    """Why the ASCII ``host`` breaks a DNS limit or holds a bad ``xn--`` label, if it does."""
    name = host.removesuffix(".")
    for label in name.split("."):
        if len(label) > 63:
            return f"the label '{label[:20]}…' is {len(label)} characters long (at most 63)"
        if label[:4].lower() == "xn--" and not _punycode_ok(label):
            return f"{label!r} is not valid Punycode"
    if len(name) > 253:
        return f"the name is {len(name)} characters long (at most 253)"
    return None


def _punycode_ok(label: str) -> bool:
    """Whether an ``xn--`` label is the IDNA encoding of an international label."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
        return not decoded.isascii() and decoded.encode("idna").decode() == label.lower()
    except (UnicodeError, ValueError, IndexError):
        return False


def _ipv4_problem(host: str) -> str | None:
    """If ``host`` ends in a number it must be an IPv4 address (WHATWG): why it is not."""
    parts = host.lower().split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not _ends_in_number(parts[-1]):
        return None
    if len(parts) > 4:
        return "it ends in a number but has more than 4 parts, so it is not an IPv4 address"
    numbers = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return f"it ends in a number but {part!r} is not, so it is not an IPv4 address"
        numbers.append(number)
    for number in numbers[:-1]:
        if number > 255:
            return f"{number} is above 255, so it is not an IPv4 address"
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return f"{numbers[-1]} is too large for the last part of an IPv4 address"
    return None


def _ends_in_number(last: str) -> bool:
    """The WHATWG "ends in a number" test on a host's last label."""
    return (last != "" and last.isascii() and last.isdigit()) or _ipv4_number(last) is not None


def _ipv4_number(part: str) -> int | None:
    """A WHATWG IPv4 number: decimal, ``0x`` hex or ``0``-prefixed octal; None if not one."""
    if not part:
        return None
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if not part:
        return 0
    digits = "0123456789abcdef"[:radix]
    if any(char not in digits for char in part.lower()):
        return None
    return int(part, radix)
