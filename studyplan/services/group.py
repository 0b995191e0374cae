"""Study groups: learners of one database, where each stands, and who may join.

On SQLite the learners share one file and are told apart by the ``learner`` setting; on
PostgreSQL each learner logs in with a role of their own and row-level security keeps their
rows theirs (:mod:`studyplan.db.group_schema`). The group's status is one query over every
learner, run with the owner's rights through ``studyplan_group_status`` once ``group init``
made it, so that it reads the same for the organiser and for each learner.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import DateTime, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from studyplan.clock import week_start
from studyplan.db import group_schema
from studyplan.db.database import Database
from studyplan.db.engine import display_url
from studyplan.db.models import Learner, utcnow
from studyplan.errors import DatabaseError, NotFoundError, UsageError
from studyplan.learner_names import name_problem, role_name_problem

_LAST = (
    "(SELECT MAX(a.at) FROM activity a WHERE a.learner = l.name)",
    "(SELECT MAX(ss.started_at) FROM study_session ss WHERE ss.learner = l.name)",
    "(SELECT MAX(la.at) FROM lab_attempt la WHERE la.learner = l.name)",
    "(SELECT MAX(n.updated_at) FROM note n WHERE n.learner = l.name)",
)

_STATUS_SQL = """
SELECT l.name AS learner, s.number AS step,
  (SELECT COUNT(*) FROM progress p JOIN resource r ON r.id = p.resource_id
    WHERE p.learner = l.name AND r.step_id = s.id AND r.retired_at IS NULL
      AND p.status IN ('done', 'skipped')) AS done,
  (SELECT COUNT(*) FROM resource r WHERE r.step_id = s.id AND r.retired_at IS NULL) AS total,
  (SELECT COUNT(*) FROM lab_progress lp WHERE lp.learner = l.name AND lp.status = 'passed')
    AS labs_passed,
  COALESCE((SELECT SUM(ss.seconds) FROM study_session ss WHERE ss.learner = l.name
      AND ss.ended_at IS NOT NULL AND ss.started_at >= {since}), 0) / 60
  + COALESCE((SELECT SUM(CASE WHEN r.minutes * 60 > {timed}
                              THEN r.minutes - {timed} / 60 ELSE 0 END)
      FROM progress p JOIN resource r ON r.id = p.resource_id
      WHERE p.learner = l.name AND p.status = 'done' AND p.finished_at >= {since}), 0)
  + COALESCE((SELECT SUM(lb.minutes) FROM lab_progress lp JOIN lab lb ON lb.id = lp.lab_id
      WHERE lp.learner = l.name AND lp.passed_at >= {since}), 0) AS minutes,
  {last} AS last_active
FROM learner l CROSS JOIN step s JOIN curriculum c ON c.id = s.curriculum_id
WHERE l.removed_at IS NULL AND s.retired_at IS NULL AND c.is_primary
ORDER BY l.name, s.number
"""
"""The group's status, one row per learner and step of the main catalog. Minutes follow the
rule of the statistics: timer sessions, plus each resource done at its estimate less its
timer time, plus each lab passed at its estimate."""

_TIMED = (
    "(SELECT COALESCE(SUM(t2.seconds), 0) AS seconds FROM study_session t2 "
    "WHERE t2.learner = p.learner AND t2.resource_id = p.resource_id "
    "AND t2.ended_at IS NOT NULL)"
)


def status_sql(dialect: str, since: str) -> str:
    """The status query for ``dialect``, with ``since`` (a parameter or a name) as the start
    of the week."""
    if dialect == "postgresql":
        last = f"GREATEST({', '.join(_LAST)})"
    else:  # SQLite: MAX() of several values is NULL if one is; times are ISO text
        last = "NULLIF(MAX(" + ", ".join(f"COALESCE({x}, '')" for x in _LAST) + "), '')"
    return _STATUS_SQL.format(since=since, last=last, timed=_TIMED)


@dataclass(frozen=True)
class StepCount:
    """A learner's count of finished resources in one step."""

    step: int
    done: int
    total: int


@dataclass
class MemberStatus:
    """Where one learner of the group stands."""

    learner: str
    steps: list[StepCount] = field(default_factory=list)
    labs_passed: int = 0
    minutes_week: int = 0
    last_active: datetime | None = None

    @property
    def done(self) -> int:
        """Resources finished (done or skipped) over every step."""
        return sum(s.done for s in self.steps)

    @property
    def total(self) -> int:
        """Resources over every step."""
        return sum(s.total for s in self.steps)

    @property
    def share(self) -> float:
        """The part finished, 0 to 1."""
        return self.done / self.total if self.total else 0.0


def group_status(
    db: Database, now: datetime, tz: tzinfo, first_weekday: int = 0
) -> list[MemberStatus]:
    """Every current learner's progress, most advanced first (minutes from this week's start
    in ``tz``)."""
    local = now.astimezone(tz)
    monday = week_start(local.date(), first_weekday)
    since = datetime.combine(monday, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    since_naive = since.replace(tzinfo=None)
    with db.read() as session:
        rows = _status_rows(session, since_naive)
    members: dict[str, MemberStatus] = {}
    for learner, step, done, total, labs, minutes, last in rows:
        member = members.setdefault(learner, MemberStatus(learner))
        member.steps.append(StepCount(int(step), int(done), int(total)))
        member.labs_passed = int(labs)
        member.minutes_week = int(minutes)
        member.last_active = _utc(last)
    return sorted(
        members.values(),
        key=lambda m: (-m.share, -m.labs_passed, -m.minutes_week, m.learner),
    )


def _status_rows(session: Session, since: datetime) -> list[tuple[Any, ...]]:
    bind = session.get_bind()
    dialect = bind.dialect.name
    if dialect == "postgresql" and group_schema.is_installed(session.connection()):
        query = text("SELECT * FROM studyplan_group_status(:since) ORDER BY learner, step")
    else:
        query = text(status_sql(dialect, ":since"))
    typed = query.columns(last_active=DateTime()) if dialect == "sqlite" else query
    return [tuple(r) for r in session.execute(typed, {"since": since})]


def _utc(moment: object) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- init, add, remove ----------------------------------------------------------------


def _require_postgres(db: Database, what: str) -> None:
    if db.engine.dialect.name != "postgresql":
        raise UsageError(
            f"{what} is for a group on PostgreSQL; on SQLite learners share the file and "
            "each sets 'learner' (or STUDYPLAN_LEARNER)"
        )


def init_group(db: Database) -> str:
    """Create or refresh the group's roles, grants, policies and status function."""
    _require_postgres(db, "'group init'")
    check_server(db)
    body = status_sql("postgresql", "since")

    def work(session: Session) -> None:
        group_schema.install(session.connection(), body)

    # a learner's role meets the database's own refusal: one line from Database.write
    db.write(work, as_learner=False)
    return db.display


def check_server(db: Database, minimum: int = group_schema.MIN_SERVER_VERSION) -> None:
    """Refuse, in one line, a PostgreSQL server older than ``minimum`` (server_version_num)."""
    with db.read() as session:
        version = int(session.execute(text("SHOW server_version_num")).scalar_one())
    if version < minimum:
        raise DatabaseError(
            f"{db.display} runs PostgreSQL {version // 10000}; studyplan groups need "
            f"PostgreSQL {minimum // 10000} or newer: upgrade the server"
        )


@dataclass(frozen=True)
class NewLearner:
    """A learner just added; ``url`` (with the password, shown once) on PostgreSQL."""

    name: str
    url: str | None


def add_learner(db: Database, name: str) -> NewLearner:
    """Create the learner ``name``; on PostgreSQL also their login role and password."""
    postgres = db.engine.dialect.name == "postgresql"
    problem = name_problem(name) or (role_name_problem(name) if postgres else None)
    if problem:
        raise UsageError(problem)
    password = secrets.token_urlsafe(18) if postgres else ""

    def work(session: Session) -> None:
        existing = session.get(Learner, name)
        if existing is not None and existing.removed_at is None:
            raise UsageError(f"the learner '{name}' exists already; choose another name")
        if postgres:
            _create_login(session, name, password)
        row = existing or Learner(name=name)
        row.removed_at = None
        row.role_name = name if postgres else None
        row.created_at = utcnow()
        session.add(row)

    # a learner's role meets the database's own refusal: one line from Database.write
    db.write(work, as_learner=False)
    return NewLearner(name, _member_url(db.url, name, password) if postgres else None)


def _create_login(session: Session, name: str, password: str) -> None:
    conn = session.connection()
    taken = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    if taken:
        raise UsageError(
            f"a PostgreSQL role named '{name}' exists already on this server; "
            "choose another learner name"
        )
    if not group_schema.is_installed(conn):
        raise UsageError("this database is not set up for a group yet; run 'studyplan group init'")
    verifier = group_schema.scram_verifier(password).replace(":", "\\:")  # not a parameter
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.execute(
        text(
            f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{verifier}' IN ROLE {group_schema.LEARNER_ROLE}"
        )
    )
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{name}"'))


def _member_url(url: str, name: str, password: str) -> str:
    parsed = make_url(url).set(username=name, password=password)
    return parsed.render_as_string(hide_password=False)


def remove_learner(db: Database, name: str, purge: bool = False) -> None:
    """Take ``name`` out of the group: their role goes; their history stays unless ``purge``."""

    def work(session: Session) -> None:
        row = session.get(Learner, name)
        if row is None or (row.removed_at is not None and not purge):
            raise NotFoundError(
                f"no learner '{name}' in this group; 'studyplan group status' lists them"
            )
        role = row.role_name
        if purge:
            # versions that point at their notes go with them, whoever wrote them
            session.execute(
                text(
                    "DELETE FROM note_version WHERE note_id IN "
                    "(SELECT id FROM note WHERE learner = :name)"
                ),
                {"name": name},
            )
            session.delete(row)
        else:
            row.removed_at = utcnow()
            row.role_name = None
            session.add(row)
        session.flush()
        if role and db.engine.dialect.name == "postgresql":
            conn = session.connection()
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))

    # a learner's role meets the database's own refusal: one line from Database.write
    db.write(work, as_learner=False)


def member_of(url: str) -> str:
    """The learner whose login role ``url`` uses; a URL of no group member is refused."""
    from studyplan.db.learners import role_learner
    from studyplan.db.open import open_database

    db = open_database(url)
    try:
        learner = role_learner(db)
    finally:
        db.dispose()
    if learner is None:
        raise UsageError(
            f"{display_url(url)} does not log in as a learner of a studyplan group; use the "
            "URL 'studyplan group add' printed for you"
        )
    return learner


# --- sharing notes ---------------------------------------------------------------------


def sync_share_notes(db: Database, share: bool) -> None:
    """Record the learner's ``share_notes`` choice in the database, if it changed."""
    if not db.learner:
        return

    def work(session: Session) -> None:
        row = session.get(Learner, db.learner)
        if row is not None and row.share_notes != share:
            row.share_notes = share
            session.add(row)

    with db.read() as session:
        row = session.get(Learner, db.learner)
        if row is None or row.share_notes == share:
            return
    db.write(work, as_learner=False)


@dataclass(frozen=True)
class SharedNote:
    """Another learner's note that they share."""

    learner: str
    body: str
    updated_at: datetime


def shared_notes(db: Database, resource_id: str) -> list[SharedNote]:
    """The notes other learners share on ``resource_id``, most recent first."""
    from studyplan.db.learner_scope import ALL_LEARNERS
    from studyplan.db.models import Note

    query = (
        select(col(Note.learner), col(Note.body), col(Note.updated_at))
        .join(Learner, col(Learner.name) == col(Note.learner))
        .where(
            col(Note.resource_id) == resource_id,
            col(Note.learner) != db.learner,
            col(Learner.share_notes),
            col(Learner.removed_at).is_(None),
            col(Note.body) != "",
        )
        .order_by(col(Note.updated_at).desc())
        .execution_options(**{ALL_LEARNERS: True})
    )
    with db.read() as session:
        rows = session.execute(query).all()
    return [SharedNote(r[0], r[1], _utc(r[2]) or utcnow()) for r in rows]
