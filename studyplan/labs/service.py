"""The labs' use cases, shared by the command line and the interface.

A lab's files are catalog data (``brief.md``, ``starter.py``, ``solution.py``, ``checks.py``
in its folder); the learner works on a copy of the starter in the lab workspace
(``labs/<lab-id>.py`` in the data folder), which studyplan never overwrites. Checking runs
the lab's checks on that file in a separate process (:mod:`studyplan.labs.runner`) and
records the attempt; a lab is *passed* once every check has passed.
"""

from __future__ import annotations

import errno
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from studyplan import paths
from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.learner_scope import find_own, mine
from studyplan.db.models import Lab, LabAttempt, LabProgress, Resource, Step, dump_json, utcnow
from studyplan.errors import NotFoundError, UsageError
from studyplan.labs.runner import CheckResult, Limits, Listener, RunResult, run_checks

NOT_STARTED, STARTED, PASSED = "not_started", "started", "passed"
LAB_STATUSES = (NOT_STARTED, STARTED, PASSED)


@dataclass(frozen=True)
class LabView:
    """A lab as the learner sees it: catalog facts plus their progress."""

    id: str
    curriculum: str
    step: int
    position: int
    title: str
    minutes: int
    follows: str
    follows_title: str
    brief: str
    hints: list[str]
    folder: Path
    time_limit: float
    memory_mb: int
    status: str = NOT_STARTED
    attempts: int = 0
    hints_shown: int = 0
    solution_seen: bool = False
    passed_at: datetime | None = None
    failing: list[str] = field(default_factory=list)
    """The checks that failed in the latest attempt."""

    @property
    def ref(self) -> str:
        """How the interface and listings name the lab's place: ``3.lab2``."""
        prefix = "" if self.curriculum == PRIMARY_ID else f"{self.curriculum}/"
        return f"{prefix}{self.step}.lab{self.position}"

    @property
    def work_file(self) -> Path:
        """The learner's copy of the starter."""
        return work_file(self.id)

    @property
    def checks_file(self) -> Path:
        """The lab's checks."""
        return self.folder / "checks.py"

    @property
    def brief_file(self) -> Path:
        """The lab's Markdown brief."""
        return self.folder / "brief.md"

    @property
    def limits(self) -> Limits:
        """The time and memory its checks may take."""
        return Limits(seconds=self.time_limit, memory_mb=self.memory_mb)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``lab list``."""
        return {
            "id": self.id,
            "step": self.step,
            "title": self.title,
            "follows": self.follows,
            "minutes": self.minutes,
            "status": self.status,
            "attempts": self.attempts,
            "curriculum": self.curriculum,
            "path": str(self.work_file),
        }


def work_file(lab_id: str) -> Path:
    """Where the learner's copy of lab ``lab_id`` lives."""
    return paths.lab_workspace() / f"{lab_id}.py"


def _attempt_counts(session: Session) -> dict[str, int]:
    query = sa_select(col(LabAttempt.lab_id), func.count()).group_by(col(LabAttempt.lab_id))
    return {row[0]: row[1] for row in session.execute(query)}


def _views(session: Session, *conditions: Any) -> list[LabView]:
    query = (
        sa_select(
            Lab,
            col(Step.curriculum_id),
            col(Step.number),
            LabProgress,
            col(Resource.title),
        )
        .join(Step, col(Step.id) == col(Lab.step_id))
        .outerjoin(LabProgress, and_(col(LabProgress.lab_id) == col(Lab.id), mine(LabProgress)))
        .outerjoin(Resource, col(Resource.id) == col(Lab.follows))
        .where(col(Lab.retired_at).is_(None), col(Step.retired_at).is_(None), *conditions)
        .order_by(col(Step.curriculum_id) != PRIMARY_ID, col(Step.number), col(Lab.position))
    )
    counts = _attempt_counts(session)
    views = []
    for lab, curriculum, number, progress, follows_title in session.execute(query):
        views.append(
            LabView(
                id=lab.id,
                curriculum=curriculum,
                step=number,
                position=lab.position,
                title=lab.title,
                minutes=lab.minutes,
                follows=lab.follows,
                follows_title=follows_title or lab.follows,
                brief=lab.brief,
                hints=json.loads(lab.hints or "[]"),
                folder=Path(lab.folder),
                time_limit=lab.time_limit,
                memory_mb=lab.memory_mb,
                status=progress.status if progress is not None else NOT_STARTED,
                attempts=counts.get(lab.id, 0),
                hints_shown=progress.hints_shown if progress is not None else 0,
                solution_seen=bool(progress.solution_seen) if progress is not None else False,
                passed_at=progress.passed_at if progress is not None else None,
                failing=_last_failing(session, lab.id) if counts.get(lab.id) else [],
            )
        )
    return views


def _last_failing(session: Session, lab_id: str) -> list[str]:
    query = (
        select(col(LabAttempt.failing))
        .where(col(LabAttempt.lab_id) == lab_id)
        .order_by(col(LabAttempt.id).desc())
        .limit(1)
    )
    text = session.execute(query).scalar_one_or_none()
    return list(json.loads(text)) if text else []


def list_labs(
    db: Database, step: int | None = None, curriculum: str | None = None
) -> list[LabView]:
    """Current labs in study order (of main step ``step`` if given)."""
    conditions = []
    if step is not None:
        conditions += [
            col(Step.number) == step,
            col(Step.curriculum_id) == (curriculum or PRIMARY_ID),
        ]
    elif curriculum is not None:
        conditions.append(col(Step.curriculum_id) == curriculum)
    with db.read() as session:
        views = _views(session, *conditions)
        if step is not None and not views:
            _require_step(session, curriculum or PRIMARY_ID, step)
        return views


def _require_step(session: Session, curriculum: str, number: int) -> None:
    query = select(col(Step.id)).where(
        col(Step.curriculum_id) == curriculum,
        col(Step.number) == number,
        col(Step.retired_at).is_(None),
    )
    if session.execute(query).first() is None:
        raise NotFoundError(f"no step {number}; 'studyplan steps' lists them")


def get_lab(db: Database, lab_id: str) -> LabView:
    """The lab ``lab_id``; :class:`NotFoundError` with the closest ids if there is none."""
    with db.read() as session:
        return find_lab(session, lab_id)


def find_lab(session: Session, lab_id: str) -> LabView:
    """Resolve ``lab_id`` inside ``session``."""
    found = _views(session, col(Lab.id) == lab_id.strip())
    if found:
        return found[0]
    words = [w for w in lab_id.lower().replace("_", "-").split("-") if len(w) > 2]
    close: list[str] = []
    if words:
        query = select(col(Lab.id)).where(
            col(Lab.retired_at).is_(None), col(Lab.id).like(f"%{words[0]}%")
        )
        close = list(session.execute(query.limit(3)).scalars())
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'studyplan lab list' shows them"
    raise NotFoundError(f"no lab '{lab_id}'{hint}")


@dataclass(frozen=True)
class Started:
    """The learner's file of a lab, and whether it was just made."""

    lab: LabView
    path: Path
    created: bool


def start_lab(db: Database, lab_id: str) -> Started:
    """Copy the starter into the workspace (never over the learner's work); mark it started.

    A lab already started costs one read: nothing is written unless something changes.
    """
    with db.read() as session:
        lab = find_lab(session, lab_id)
        recorded = find_own(session, LabProgress, lab_id=lab.id) is not None
    path = lab.work_file
    created = False
    if not path.exists():
        _copy_starter(lab, path)
        created = True
    if not recorded:
        _mark_started(db, lab.id)
        lab = get_lab(db, lab_id)
    return Started(lab, path, created)


def _mark_started(db: Database, lab_id: str) -> None:
    """Record that the lab is started (a passed lab stays passed)."""

    def work(session: Session) -> None:
        if find_own(session, LabProgress, lab_id=lab_id) is None:
            session.add(LabProgress(lab_id=lab_id, status=STARTED))

    db.write(work)


def _copy_starter(lab: LabView, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".py.partial")
        shutil.copyfile(lab.folder / "starter.py", partial)
        partial.replace(path)
    except FileNotFoundError:
        raise NotFoundError(
            f"the starter of lab '{lab.id}' is missing ({lab.folder / 'starter.py'}); "
            "run 'studyplan catalog validate'"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot write {path} ({exc.strerror})") from None


def check_lab(
    db: Database,
    lab_id: str,
    file: Path | None = None,
    on_result: Listener | None = None,
) -> tuple[LabView, RunResult]:
    """Run the checks of ``lab_id`` on the learner's file (or on ``file``, not recorded).

    An attempt on the learner's own file is recorded; all checks passing marks the lab
    passed (for good: a later failing attempt does not take it back).
    """
    lab = get_lab(db, lab_id)
    target = file if file is not None else lab.work_file
    if file is None and not target.exists():
        raise UsageError(
            f"lab '{lab.id}' is not started: 'studyplan lab start {lab.id}' copies its starter"
        )
    if file is not None and file.is_dir():
        raise UsageError(f"{file} is a folder; give the path of a Python file")
    if file is not None and not file.is_file():
        raise NotFoundError(f"{file}: no such file")
    result = run_checks(target.resolve(), lab.checks_file, lab.limits, on_result)
    if file is None and not result.cancelled:  # a run cut short by closing is no attempt
        record_attempt(db, lab.id, result)
        lab = get_lab(db, lab_id)
    return lab, result


def record_attempt(db: Database, lab_id: str, result: RunResult) -> None:
    """Keep an attempt (time, passed, failing checks); a pass marks the lab passed."""

    def work(session: Session) -> None:
        now = utcnow()
        session.add(
            LabAttempt(
                lab_id=lab_id,
                at=now,
                passed=result.passed,
                failing=dump_json(result.failing),
                duration_ms=result.duration_ms,
            )
        )
        progress = find_own(session, LabProgress, lab_id=lab_id) or LabProgress(
            lab_id=lab_id, started_at=now
        )
        if result.passed and progress.status != PASSED:
            progress.status = PASSED
            progress.passed_at = now
        progress.updated_at = now
        session.add(progress)

    db.write(work)


@dataclass(frozen=True)
class Hint:
    """One hint of a lab: its number (1-based), how many there are, and the text."""

    number: int
    total: int
    text: str


def next_hint(db: Database, lab_id: str) -> Hint | None:
    """The next hint of ``lab_id`` (remembered), or None when every hint was shown."""

    def work(session: Session) -> Hint | None:
        lab = find_lab(session, lab_id)
        progress = find_own(session, LabProgress, lab_id=lab.id) or LabProgress(
            lab_id=lab.id, status=STARTED
        )
        if progress.hints_shown >= len(lab.hints):
            return None
        progress.hints_shown += 1
        progress.updated_at = utcnow()
        session.add(progress)
        number = progress.hints_shown
        return Hint(number, len(lab.hints), lab.hints[number - 1])

    return db.write(work)


def shown_hints(db: Database, lab_id: str) -> list[str]:
    """The hints shown so far, in order."""
    lab = get_lab(db, lab_id)
    return lab.hints[: lab.hints_shown]


def solution_source(db: Database, lab_id: str) -> str:
    """The reference solution's source; the lab remembers that it was seen."""
    lab = get_lab(db, lab_id)
    try:
        text = (lab.folder / "solution.py").read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFoundError(
            f"the solution of lab '{lab.id}' cannot be read ({exc.strerror}); "
            "run 'studyplan catalog validate'"
        ) from None

    def work(session: Session) -> None:
        progress = find_own(session, LabProgress, lab_id=lab.id) or LabProgress(
            lab_id=lab.id, status=STARTED
        )
        progress.solution_seen = True
        progress.updated_at = utcnow()
        session.add(progress)

    db.write(work)
    return text


@dataclass(frozen=True)
class Reset:
    """A lab's file back to the starter; the learner's version kept as ``backup``."""

    path: Path
    backup: Path | None


def reset_lab(db: Database, lab_id: str) -> Reset:
    """Put the starter back, keeping the learner's file in ``labs/backups/``.

    A file that is already the starter needs no copy; a copy never replaces another (two
    resets within a second get two names). The lab counts as started afterwards.
    """
    lab = get_lab(db, lab_id)
    path = lab.work_file
    backup = None
    if path.exists() and not _same_bytes(path, lab.folder / "starter.py"):
        backup = _keep_copy(lab, path)
    _copy_starter(lab, path)
    if lab.status == NOT_STARTED:
        _mark_started(db, lab.id)
    return Reset(path, backup)


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        return one.read_bytes() == other.read_bytes()
    except OSError:
        return False


def _keep_copy(lab: LabView, path: Path) -> Path:
    """Copy ``path`` to a new file in ``labs/backups/`` (never over an older copy)."""
    folder = paths.lab_workspace() / "backups"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(1, 1000):
            backup = folder / (
                f"{lab.id}-{stamp}.py" if number == 1 else f"{lab.id}-{stamp}-{number}.py"
            )
            try:
                with backup.open("xb") as copy, path.open("rb") as original:
                    shutil.copyfileobj(original, copy)
                return backup
            except FileExistsError:
                continue
        raise OSError(errno.EEXIST, "too many copies in the same second")
    except OSError as exc:
        raise UsageError(
            f"cannot keep a copy of {path} in {folder} ({exc.strerror}); nothing was reset"
        ) from None


def work_text(lab: LabView) -> str:
    """The learner's file of ``lab``; :class:`UsageError` if it cannot be read as text."""
    path = lab.work_file
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(
            f"{path} is not UTF-8 text; fix it, or 'studyplan lab reset {lab.id}' "
            "puts the starter back (your file is kept as a backup)"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path} ({exc.strerror})") from None


def brief_text(lab: LabView) -> str:
    """The lab's Markdown brief."""
    try:
        return lab.brief_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFoundError(
            f"the brief of lab '{lab.id}' cannot be read ({exc.strerror}); "
            "run 'studyplan catalog validate'"
        ) from None


__all__ = [
    "LAB_STATUSES",
    "NOT_STARTED",
    "PASSED",
    "STARTED",
    "CheckResult",
    "Hint",
    "LabView",
    "Reset",
    "RunResult",
    "Started",
    "brief_text",
    "check_lab",
    "get_lab",
    "list_labs",
    "next_hint",
    "record_attempt",
    "reset_lab",
    "shown_hints",
    "solution_source",
    "start_lab",
    "work_file",
    "work_text",
]
