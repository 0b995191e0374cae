"""studyplan's error classes.

Every error a user can cause is a :class:`StudyplanError` with a short ``title`` and a one-line
``message`` saying what went wrong, where, and what to do. The command line prints
``title: message`` and exits 1; the interface shows the same text in one modal.
"""

from __future__ import annotations


class StudyplanError(Exception):
    """Base class of every error studyplan reports to the user."""

    title = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.title}: {self.message}"


class CatalogError(StudyplanError):
    """The catalog file cannot be read or does not follow the schema."""

    title = "catalog error"


class DatabaseError(StudyplanError):
    """The database is missing, corrupt, busy or at an unknown revision."""

    title = "database error"


class DatabaseBusyError(DatabaseError):
    """Another studyplan process held the database for too long."""

    title = "database busy"


class NotFoundError(StudyplanError):
    """A resource, step or note the user named does not exist."""

    title = "not found"


class UsageError(StudyplanError):
    """An argument or option has a value studyplan cannot use."""

    title = "usage error"


class SettingsError(StudyplanError):
    """The settings file cannot be read or holds an invalid value."""

    title = "settings error"


class EditorError(StudyplanError):
    """The external editor could not be run."""

    title = "editor error"


class LinkCheckError(StudyplanError):
    """The link checker was given input it cannot use."""

    title = "link check error"


class ExportError(StudyplanError):
    """An export or import could not be written or read."""

    title = "export error"


class ProgressImportError(StudyplanError):
    """A progress export given to ``import-progress`` cannot be read or does not fit."""

    title = "import error"
