"""Learner names: what makes one valid, and who the learner is when nobody says."""

from __future__ import annotations

import getpass
import re

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
"""Lower-case letters, digits, ``_``, ``.`` and ``-``, starting with a letter or digit, at
most 63 characters: a name that is also a PostgreSQL role name without surprises."""

FALLBACK = "learner"
"""The learner when the operating system names no user (a container without one)."""


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a learner, or None if it can."""
    if NAME.match(name):
        return None
    if not name:
        return "a learner's name cannot be empty"
    if len(name) > 63:
        return f"'{name[:20]}…' is longer than 63 characters"
    return (
        f"'{name}' is not a valid learner name; use lower-case letters, digits, '_', '.' or '-', "
        "starting with a letter or digit (at most 63 characters)"
    )


RESERVED_ROLES = frozenset({"public", "none"})
"""Names PostgreSQL keeps for itself and refuses as role names (so does any name starting
with ``pg_``)."""


def role_name_problem(name: str) -> str | None:
    """Why ``name``, a valid learner name, cannot also name a PostgreSQL login role."""
    if name in RESERVED_ROLES or name.startswith("pg_"):
        return f"'{name}' is reserved by PostgreSQL for its own roles; choose another learner name"
    return None


def system_learner() -> str:
    """The operating-system user name as a learner name (lower-cased), else ``learner``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        return FALLBACK
    name = re.sub(r"[^a-z0-9_.-]", "_", user.lower())[:63].lstrip("_.-")
    return name or FALLBACK
