"""How the link checker behaves: limits, timeouts, retries, accepted codes, backoff.

Everything here is pure (no network, no database) so it is cheap to import and to test.
"""

from __future__ import annotations

import re

from studyplan.errors import UsageError
from studyplan.links.records import Record

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from datetime import datetime, timedelta
    from random import Random

_INFINITY = float("inf")

SUCCESS_CODES = frozenset(range(200, 300))
"""The 2xx codes: alive unless an ``--accept`` list names 2xx codes of its own."""

DEFAULT_ACCEPT = SUCCESS_CODES
"""Status codes counted alive unless ``--accept`` says otherwise."""

ONE_DAY = 86400.0
"""Seconds a stored success is reused unless ``--max-age`` says otherwise."""

DEFAULT_USER_AGENT = "studyplan-linkcheck/0.1 (+https://github.com/studyplan)"
"""The User-Agent sent with every request unless ``--user-agent`` says otherwise."""

RETRY_STATUSES = frozenset({408, 429, *range(500, 600)})
"""HTTP codes worth asking again: rate limits, request timeouts and server errors."""

BLOCKED_STATUSES = frozenset({401, 403, 429})
"""Codes that, when they persist, mean "a person should look" rather than "dead"."""

GET_FALLBACK_STATUSES = frozenset({400, 403, 404, 405, 406, 410, 501})
"""Codes after a HEAD request that servers often send because they mishandle HEAD."""

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
"""Codes that carry a ``Location`` to follow."""

PERMANENT_REDIRECTS = frozenset({301, 308})
"""Redirects that say the resource moved for good."""


class CheckOptions(Record):
    """Options of one link check run (the CLI's flags, with the same defaults); immutable.

    Raises :class:`UsageError` with one line for a value out of range. ``replace`` gives a
    copy with changes.
    """

    _fields = (
        "max_concurrency",
        "host_concurrency",
        "timeout",
        "retries",
        "max_age",
        "force",
        "accept",
        "excludes",
        "user_agent",
        "max_redirects",
        "backoff_base",
        "backoff_cap",
        "include_fragments",
        "youtube_thumbnail_base",
    )
    __slots__ = (*(f for f in _fields if f != "max_age"), "max_age_seconds", "exclude_patterns")

    max_concurrency: int
    """At most this many requests in flight at once."""
    host_concurrency: int
    """At most this many requests in flight to one host (scheme, host and port)."""
    timeout: float
    """Seconds one request may take from connecting to the response head, in total."""
    retries: int
    """How many times to ask again after a 429, 5xx, 408, timeout or dropped connection."""
    max_age_seconds: float
    """Reuse a stored success younger than this many seconds instead of asking again."""
    force: bool
    """Ignore stored results and check every URL."""
    accept: frozenset[int]
    """Status codes counted alive."""
    excludes: tuple[str, ...]
    """Regular expressions; a URL matching any of them is skipped."""
    user_agent: str
    """The User-Agent header."""
    max_redirects: int
    """Redirects followed before giving up with an error."""
    backoff_base: float
    """Seconds before the first retry; doubled for each further one (with jitter)."""
    backoff_cap: float
    """The longest wait before a retry, whatever Retry-After asks."""
    include_fragments: bool
    """Check that the ``#part`` of a URL names an anchor of the page (reads a body prefix)."""
    youtube_thumbnail_base: str
    """Where YouTube thumbnails are fetched to tell a missing video from a present one."""
    exclude_patterns: tuple[re.Pattern[str], ...]
    """``excludes``, compiled."""

    def __init__(
        self,
        max_concurrency: int = 64,
        host_concurrency: int = 4,
        timeout: float = 20.0,
        retries: int = 2,
        max_age: timedelta | float = ONE_DAY,
        force: bool = False,
        accept: frozenset[int] = DEFAULT_ACCEPT,
        excludes: tuple[str, ...] = (),
        user_agent: str = DEFAULT_USER_AGENT,
        max_redirects: int = 10,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        include_fragments: bool = False,
        youtube_thumbnail_base: str = "https://img.youtube.com",
    ) -> None:
        if max_concurrency < 1:
            raise UsageError("--max-concurrency must be at least 1")
        if host_concurrency < 1:
            raise UsageError("--host-concurrency must be at least 1")
        if not 0 < timeout < _INFINITY:  # NaN is neither (math costs 0.3 ms to import)
            raise UsageError("--timeout must be a number of seconds more than 0")
        if any(ord(char) < 32 or ord(char) == 127 for char in user_agent):
            raise UsageError("--user-agent must not hold control characters (line breaks…)")
        if retries < 0:
            raise UsageError("--retries must be 0 or more")
        patterns = []
        for text in excludes:
            try:
                patterns.append(re.compile(text))
            except re.error as exc:
                raise UsageError(
                    f"--exclude {text!r} is not a valid regular expression: {exc}"
                ) from None
        values = {
            "max_concurrency": max_concurrency,
            "host_concurrency": host_concurrency,
            "timeout": timeout,
            "retries": retries,
            "max_age_seconds": (
                max_age.total_seconds() if hasattr(max_age, "total_seconds") else float(max_age)
            ),
            "force": force,
            "accept": accept,
            "excludes": tuple(excludes),
            "user_agent": user_agent,
            "max_redirects": max_redirects,
            "backoff_base": backoff_base,
            "backoff_cap": backoff_cap,
            "include_fragments": include_fragments,
            "youtube_thumbnail_base": youtube_thumbnail_base,
            "exclude_patterns": tuple(patterns),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def max_age(self) -> timedelta:
        """Reuse a stored success younger than this instead of asking again."""
        from datetime import timedelta  # not before a link check's first request: 1.5 ms

        return timedelta(seconds=self.max_age_seconds)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CheckOptions are immutable: use replace({name}=...)")

    def is_excluded(self, url: str) -> bool:
        """Whether ``url`` matches one of the ``--exclude`` expressions."""
        return any(p.search(url) for p in self.exclude_patterns)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_LONGEST = 10 * 366 * 86400


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``, ``30m``, ``12h``, ``1d``, ``2w`` or plain seconds into a timedelta."""
    from datetime import timedelta

    return timedelta(seconds=parse_seconds(text))


def parse_seconds(text: str) -> float:
    """Parse ``90s``, ``30m``, ``12h``, ``1d``, ``2w`` or plain seconds into seconds."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"{text!r} is not a duration; use e.g. 30m, 12h, 1d or 0")
    value = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if value > _LONGEST:
        raise UsageError(f"{text!r} is longer than ten years; use a shorter duration")
    return value


_ACCEPT_PART = r"^(\d*)\.\.(=?)(\d*)$|^(\d+)-(\d+)$|^(\d+)$"


def _accept_part(part: str) -> range:
    """The codes of one ``--accept`` item: ``403``, ``200..=299``, ``200..300``, ``..=204``,
    ``500..`` (lychee's syntax) or ``200-299``; ValueError if it is none of them."""
    match = re.match(_ACCEPT_PART, part)  # compiled and cached by re on first use
    if match is None:
        raise ValueError(part)
    low, inclusive, high, dash_low, dash_high, single = match.groups()
    if single is not None:
        return range(int(single), int(single) + 1)
    if dash_low is not None:
        return range(int(dash_low), int(dash_high) + 1)
    if not low and not high:
        raise ValueError(part)
    end = int(high) + (1 if inclusive else 0) if high else 1000
    return range(int(low) if low else 100, end)


def parse_accept(text: str) -> frozenset[int]:
    """The status codes counted alive for ``--accept text``.

    ``text`` lists codes and ranges separated by commas or spaces, in lychee's syntax:
    ``403``, ``200..=299`` (inclusive), ``200..300`` (exclusive), ``..=204``, ``500..``;
    ``200-299`` works too. A list that names any 2xx code is the whole list (the user chose
    their 2xx codes); any other list is added to 200..=299, so ``403,404`` keeps 200 alive.
    Raises :class:`UsageError` with one line saying what is wrong.
    """
    codes: set[int] = set()
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        try:
            span = _accept_part(part)
        except ValueError:
            raise UsageError(
                f"--accept {text!r}: {part!r} is not a status code or range (e.g. 200..=299,403)"
            ) from None
        if not span:
            raise UsageError(f"--accept {text!r}: the range {part!r} holds no status code")
        codes.update(span)
    if not codes or any(not 100 <= c <= 999 for c in codes):
        raise UsageError(f"--accept {text!r}: give status codes between 100 and 999")
    if codes.isdisjoint(SUCCESS_CODES):
        codes |= SUCCESS_CODES
    return frozenset(codes)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(
    attempt: int,
    options: CheckOptions,
    retry_after: float | None = None,
    rng: Random | None = None,
) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first retry).

    Exponential (base × 2^(attempt-1)) with full jitter in [50 %, 100 %]; a server's
    Retry-After wins when it asks for longer. Never more than ``backoff_cap``.
    """
    if rng is None:
        import random

        rng = random.Random()
    jitter = rng.random()
    delay = options.backoff_base * 2 ** (attempt - 1) * (0.5 + jitter / 2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, options.backoff_cap)
