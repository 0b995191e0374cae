"""The plan over random progress, on a real SQLite database (hypothesis).

Each example puts random progress in the database through the services a learner's commands
use (statuses, lab attempts) and timer sessions as the timer stores them, sets a random pace,
and checks the plan against an oracle worked out from the catalog file alone: what is left,
in which order, with how many minutes, laid out by the scheduler's rules.

The database is built once per test (syncing a catalog takes about half a second) and the
learner's rows are cleared at the start of every example.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlmodel import Session

from studyplan import clock
from studyplan.db.database import Database
from studyplan.db.models import Activity, LabAttempt, LabProgress, Pace, Progress, StudySession
from studyplan.labs.runner import CheckResult, RunResult
from studyplan.labs.service import record_attempt
from studyplan.planner.items import plan_items
from studyplan.planner.schedule import Pace as SchedulePace
from studyplan.planner.schedule import PlanItem, schedule
from studyplan.planner.service import Plan, build_plan, set_pace
from studyplan.services.progress import set_status
from tests.planner.invariants import check_schedule
from tests.planner.lab_catalog import study_order

DB_EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""Few examples: each writes a dozen transactions to a real database."""

ZONES = ("UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati")
RESOURCE_STATUSES = ("todo", "in_progress", "done", "skipped")
LAB_STATES = ("not_started", "started", "passed")


@dataclass(frozen=True)
class LearnerState:
    """One example's progress: statuses, lab states, timer sessions (resource, seconds)."""

    statuses: dict[str, str]
    labs: dict[str, str]
    sessions: list[tuple[str, int]]
    running: str | None
    """A resource whose timer is still running (its time does not count yet)."""


def progress_for(order: list[tuple[str, str, int]]) -> st.SearchStrategy[LearnerState]:
    """Random progress on the items of ``order``."""
    resources = [ident for kind, ident, _ in order if kind == "resource"]
    labs = [ident for kind, ident, _ in order if kind == "lab"]
    return st.builds(
        LearnerState,
        st.fixed_dictionaries({r: st.sampled_from(RESOURCE_STATUSES) for r in resources}),
        st.fixed_dictionaries({lab: st.sampled_from(LAB_STATES) for lab in labs}),
        st.lists(st.tuples(st.sampled_from(resources), st.integers(0, 12_000)), max_size=8),
        st.none() | st.sampled_from(resources),
    )


paces = st.tuples(
    st.one_of(st.integers(1, 600), st.sampled_from([15, 60, 100])),
    st.frozensets(st.integers(0, 6), min_size=1),
    st.integers(-40, 40),
)
"""Minutes a day, weekdays, and the start date's distance from today in days."""

REAL_DAY = datetime.now(UTC).date()
"""The day the tests run: marking an item done records the real time (as a learner's click
does), which counts as studied today for a plan built at a moment of the same day."""

moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
).filter(lambda moment: abs((moment.date() - REAL_DAY).days) > 1)


def clear_learner_rows(db: Database) -> None:
    """Forget every progress row, attempt, timer session and the pace (the catalog stays)."""

    def work(session: Session) -> None:
        for table in (Activity, Progress, LabAttempt, LabProgress, StudySession, Pace):
            session.execute(delete(table))

    db.write(work)


def put_progress(db: Database, progress: LearnerState, moment: datetime) -> None:
    """Store ``progress`` through the services (and the timer's rows as the timer writes them)."""
    for ident, status in progress.statuses.items():
        if status != "todo":
            set_status(db, ident, status)
    for ident, state in progress.labs.items():
        if state != "not_started":
            passed = state == "passed"
            record_attempt(db, ident, RunResult(checks=[CheckResult("check", passed)]))

    def timer(session: Session) -> None:
        start = moment - timedelta(days=3)
        for ident, seconds in progress.sessions:
            ended = start + timedelta(seconds=seconds)
            session.add(
                StudySession(resource_id=ident, started_at=start, ended_at=ended, seconds=seconds)
            )
        if progress.running is not None:
            session.add(StudySession(resource_id=progress.running, started_at=start))

    db.write(timer)


def expected_items(
    order: list[tuple[str, str, int]], progress: LearnerState
) -> list[tuple[str, str, int]]:
    """The oracle: unfinished items, begun ones first, each group in study order; a
    resource's minutes less the whole minutes its finished timer sessions add up to."""
    timed: dict[str, int] = {}
    for ident, seconds in progress.sessions:
        timed[ident] = timed.get(ident, 0) + seconds
    left, begun = [], []
    for kind, ident, minutes in order:
        if kind == "resource":
            status = progress.statuses[ident]
            if status in ("done", "skipped"):
                continue
            entry = (kind, ident, minutes - timed.get(ident, 0) // 60)
            (begun if status == "in_progress" else left).append(entry)
        else:
            state = progress.labs[ident]
            if state == "passed":
                continue
            (begun if state == "started" else left).append((kind, ident, minutes))
    return begun + left


def summary(items: list[PlanItem]) -> list[tuple[str, str, int]]:
    return [(i.kind, i.id, i.minutes) for i in items]


def weekday_names(weekdays: frozenset[int]) -> str:
    return ",".join(clock.WEEKDAYS[d] for d in sorted(weekdays))


def check_plan(plan: Plan, today: date, budget: int, weekdays: frozenset[int]) -> None:
    """The plan starts at today or the start date (the later), follows every scheduler rule,
    and ends on its last day."""
    assert plan.pace is not None
    assert plan.today == today
    assert plan.first == max(today, plan.pace.start)
    pace = SchedulePace(budget, weekdays)
    assert plan.days == schedule(plan.items, pace, plan.first)
    check_schedule(plan.items, pace, plan.first, plan.days)
    assert plan.finish == (plan.days[-1].day if plan.days else None)
    for item in plan.items:
        assert item.splittable == (item.kind == "resource")


@DB_EXAMPLES
@given(data=st.data(), pace=paces, moment=moments, zone=st.sampled_from(ZONES))
def test_the_plan_is_what_is_left_in_study_order(
    plan_db: Database,
    lab_catalog: Path,
    data: st.DataObject,
    pace: tuple[int, frozenset[int], int],
    moment: datetime,
    zone: str,
) -> None:
    order = study_order(lab_catalog)
    progress = data.draw(progress_for(order), label="progress")
    clear_learner_rows(plan_db)
    put_progress(plan_db, progress, moment)
    budget, weekdays, offset = pace
    tz = ZoneInfo(zone)
    today = clock.today(tz, moment)
    change = set_pace(
        plan_db,
        today,
        minutes_per_day=budget,
        days=weekday_names(weekdays),
        start=today + timedelta(days=offset),
    )
    assert bool(change.warnings) == (offset < 0)
    with plan_db.read() as session:
        assert summary(plan_items(session)) == expected_items(order, progress)
    plan = build_plan(plan_db, tz, moment)
    assert summary(plan.items) == expected_items(order, progress)
    assert plan.days == change.plan.days
    check_plan(plan, today, budget, weekdays)
    assert plan.first >= today + timedelta(days=offset)


@DB_EXAMPLES
@given(data=st.data(), pace=paces, moment=moments, later=st.integers(1, 120))
def test_missed_sessions_move_forward_and_finished_items_leave(
    plan_db: Database,
    lab_catalog: Path,
    data: st.DataObject,
    pace: tuple[int, frozenset[int], int],
    moment: datetime,
    later: int,
) -> None:
    """Days pass without studying: the plan starts at the new today, with every item and
    minute it had. Then one item is finished: it leaves; the others keep their order."""
    order = study_order(lab_catalog)
    progress = data.draw(progress_for(order), label="progress")
    clear_learner_rows(plan_db)
    put_progress(plan_db, progress, moment)
    budget, weekdays, offset = pace
    today = clock.today(UTC, moment)
    set_pace(
        plan_db,
        today,
        minutes_per_day=budget,
        days=weekday_names(weekdays),
        start=today + timedelta(days=offset),
    )
    before = build_plan(plan_db, UTC, moment)
    after = build_plan(plan_db, UTC, moment + timedelta(days=later))
    check_plan(after, today + timedelta(days=later), budget, weekdays)
    assert after.first == max(today + timedelta(days=later), before.pace.start)  # type: ignore[union-attr]
    assert after.items == before.items
    assert after.minutes_left == before.minutes_left
    assert after.scheduled().keys() == before.scheduled().keys()
    if not before.items:
        return
    done = data.draw(st.sampled_from(before.items), label="finished")
    if done.kind == "lab":
        record_attempt(plan_db, done.id, RunResult(checks=[CheckResult("check", True)]))
    else:
        set_status(plan_db, done.id, data.draw(st.sampled_from(["done", "skipped"])))
    finished = build_plan(plan_db, UTC, moment)
    assert finished.items == [i for i in before.items if i.id != done.id]
    assert done.id not in finished.scheduled()
    check_plan(finished, today, budget, weekdays)


def test_timer_time_counts_against_the_estimate(plan_db: Database) -> None:
    """A 60-minute read timed for 25 min 59 s needs 35 more; the running timer does not
    count yet; timed past its estimate it still gets a few minutes to finish it off."""
    moment = datetime(2027, 1, 4, 12, tzinfo=UTC)
    progress = LearnerState({}, {}, [("basics-notes", 1200), ("basics-notes", 359)], "intro-video")
    put_progress(plan_db, progress, moment)
    set_pace(plan_db, date(2027, 1, 4), minutes_per_day=60)
    plan = build_plan(plan_db, UTC, moment)
    minutes = {i.id: i.minutes for i in plan.items}
    assert (minutes["basics-notes"], minutes["intro-video"]) == (35, 30)
    put_progress(plan_db, LearnerState({}, {}, [("short-note", 3600)], None), moment)
    plan = build_plan(plan_db, UTC, moment)
    short = [p for d in plan.days for p in d.parts if p.item.id == "short-note"]
    assert [(p.item.minutes, p.minutes) for p in short] == [(-50, 5)]
