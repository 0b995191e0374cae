"""Which URLs are checked at all: skipped (scheme, ``--exclude``) or input problems.

Shared by the engine and by ``links check --dump``, which must agree on what would be
checked. Cheap to import: no network code.
"""

from __future__ import annotations

from studyplan.links.hosts import host_problem
from studyplan.links.plain_url import split_plain

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from studyplan.links.policy import CheckOptions


def input_problem(url: str) -> str | None:
    """Why ``url`` is not a usable address (it cannot be parsed, its host is malformed), or None.

    Such an address is an input problem to fix where it is written: it is reported, never
    requested.
    """
    if split_plain(url) is not None:
        return host_problem(url)
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        _ = parts.port  # parsing the port is the check: 99999 or "x" raise
    except ValueError as exc:
        return f"invalid URL: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return host_problem(url)


def examine(url: str, options: CheckOptions) -> tuple[str | None, str, str]:
    """What becomes of ``url``: ``(status, reason, host)``, parsing it once.

    ``status`` is ``"invalid"`` (an input problem) or ``"skipped"`` with the reason why, or
    None when the URL is to be fetched; ``host`` is then its politeness key (scheme, host
    and port, as :func:`studyplan.links.scheduler.host_key` gives it).
    """
    plain = split_plain(url)
    if plain is not None:
        scheme, hostname, port, _path, _query = plain
    else:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(url)
            port = parts.port  # parsing the port is the check: 99999 or "x" raise
        except ValueError as exc:
            return "invalid", f"invalid URL: {exc}", ""
        scheme = parts.scheme.lower()
        hostname = (parts.hostname or "").lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        return "skipped", f"{shown} links are not checked (only http and https)", ""
    problem = host_problem(url)
    if problem is not None:
        return "invalid", problem, ""
    if options.exclude_patterns and options.is_excluded(url):
        return "skipped", "excluded by --exclude", ""
    port = port or (443 if scheme == "https" else 80)
    return None, "", f"{scheme}://{hostname}:{port}"
