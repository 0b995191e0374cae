"""The migration revisions this studyplan knows, without importing Alembic.

Startup compares the database's revision with :data:`HEAD` and imports Alembic only when the
database is behind. A test checks these against the scripts in ``migrations/versions``.
"""

KNOWN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
"""Every revision, oldest first."""

HEAD = KNOWN[-1]
"""The newest revision: what the models describe."""
