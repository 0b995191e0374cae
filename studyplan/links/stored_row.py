"""The ``link_check`` row of a result: one mapping for both ways of storing it.

:func:`studyplan.links.store.save_results` inserts :func:`check_row` through SQLAlchemy; the
storing process of ``links check`` inserts :func:`plain_values` with :mod:`sqlite3` alone
(:mod:`studyplan.db.plain_sqlite`) when it can. Light to import: no SQLAlchemy here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from studyplan.db.plain_sqlite import dump_json, sqlite_datetime

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from studyplan.links.result import LinkResult

TABLE = "link_check"
COLUMNS = (
    "url",
    "checked_at",
    "status",
    "http_status",
    "final_url",
    "redirects",
    "attempts",
    "elapsed_ms",
    "error",
)
"""The columns a check fills (``id`` is the database's), each an attribute of
:class:`~studyplan.links.result.LinkResult`; a test holds them to the model."""


def check_row(result: LinkResult) -> dict[str, object]:
    """The row of ``result``: the redirect chain as JSON text, now if it has no time."""
    row: dict[str, object] = {column: getattr(result, column) for column in COLUMNS}
    row["checked_at"] = result.checked_at or datetime.now(UTC)
    row["redirects"] = dump_json(result.redirects)
    return row


def plain_values(result: LinkResult) -> tuple[object, ...]:
    """The row of ``result`` as :mod:`sqlite3` takes it, in the order of :data:`COLUMNS`."""
    row = check_row(result)
    row["checked_at"] = sqlite_datetime(row["checked_at"])  # type: ignore[arg-type]
    return tuple(row[column] for column in COLUMNS)
