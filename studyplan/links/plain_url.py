"""Plain http(s) addresses taken apart without :mod:`urllib.parse`.

Importing :mod:`urllib.parse` costs a link check 2 ms before its first request (it brings
:mod:`ipaddress`), and nearly every address a curriculum links to is plain: a lower- or
upper-case ``http`` or ``https``, a host of letters, digits, dots and hyphens, maybe a port,
and a path and query of the characters a URL may carry as they are. :func:`split_plain`
takes those apart itself and says None for anything else (user info, brackets, a fragment,
escapes in the host, any other character), which the callers hand to ``urlsplit`` as before.
A test holds it to ``urlsplit`` on generated addresses: for every address it accepts, its
parts are ``urlsplit``'s.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(
    r"([Hh][Tt][Tt][Pp][Ss]?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?"  # no (?i): it takes ſ for s
    r"(/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*)?(?:\?([A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*))?"
)


def split_plain(url: str) -> tuple[str, str, int | None, str, str] | None:
    """``(scheme, host, port, path, query)`` of a plain http(s) ``url``, else None.

    As ``urlsplit(url)`` gives them: the scheme and host in lower case, the port as written
    (None when there is none), the path (maybe empty) and the query without its ``?``.
    None for anything this does not take apart, and for a port above 65535.
    """
    match = _PLAIN.fullmatch(url)
    if match is None:
        return None
    scheme, host, port, path, query = match.groups()
    number = None
    if port is not None:
        number = int(port)
        if number > 65535:
            return None
    return scheme.lower(), host.lower(), number, path or "", query or ""
