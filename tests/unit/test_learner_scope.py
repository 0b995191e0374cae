"""Every statement studyplan sends about a learner's rows names the learner.

The services read through the ORM and through plain connections; both must keep to the
connection's learner. This test records every SQL statement the services send while a
learner works in a database another learner uses too, and checks that each one that reads,
changes or deletes learner-owned rows carries ``studyplan_learner()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from studyplan.db.database import Database
from studyplan.db.open import open_database
from studyplan.settings import Settings

OWNED = (
    "progress",
    "note",
    "note_version",
    "activity",
    "study_session",
    "preference",
    "lab_progress",
    "lab_attempt",
    "pace",
)
TOUCHES = re.compile(
    r"\b(FROM|JOIN|UPDATE|DELETE FROM)\s+(" + "|".join(OWNED) + r")\b", re.IGNORECASE
)
BY_ROW_ID = re.compile(
    r"^(UPDATE|DELETE FROM) (\w+) (SET .* )?WHERE \2\.id = (\?|%\(\w+\)s(::\w+)?)$"
)
"""The ORM writing back a row it read (through a scoped query) by its own id."""


@pytest.fixture
def two_learners(db: Database, settings: Settings) -> Iterator[tuple[Database, Database]]:
    """``db`` works as ada; a second handle on the same database works as bob."""
    from studyplan.services.notes import save_note
    from studyplan.services.progress import set_status
    from studyplan.services.timer import stop_timer, toggle_timer

    db.use_learner("ada")
    from studyplan.db.learners import take_seat

    take_seat(db, "ada")
    bob = open_database(db.url, learner="bob")
    set_status(bob, "intro-video", "done")
    save_note(bob, "basics-notes", "bob's words")
    save_note(bob, "basics-notes", "bob's words, again")
    toggle_timer(bob, "backprop-post")
    stop_timer(bob)
    yield db, bob
    bob.dispose()


def _record(db: Database) -> list[str]:
    sent: list[str] = []

    def collect(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        sent.append(statement)

    event.listen(db.base_engine, "before_cursor_execute", collect)
    return sent


def test_every_statement_on_a_learners_rows_names_the_learner(
    two_learners: tuple[Database, Database], tmp_path: Path
) -> None:
    from studyplan.planner.exports import FORMATS, ExportContext, renderer
    from studyplan.planner.progress_document import read_document
    from studyplan.planner.progress_import import import_progress, read_export
    from studyplan.planner.service import build_plan, set_pace
    from studyplan.planner.statistics import study_stats
    from studyplan.services.catalog_query import get_resource, list_resources, step_summaries
    from studyplan.services.live import change_token
    from studyplan.services.next_up import next_up
    from studyplan.services.notes import get_note, list_notes, note_history, save_note
    from studyplan.services.preferences import get_preference, set_preference
    from studyplan.services.progress import cycle_status, set_status
    from studyplan.services.search import search
    from studyplan.services.stats import compute_stats
    from studyplan.services.timer import seconds_logged, stop_timer, timer_state, toggle_timer

    ada, _ = two_learners
    sent = _record(ada)
    now = datetime(2027, 1, 4, 9, tzinfo=UTC)
    set_status(ada, "basics-notes", "in_progress")
    cycle_status(ada, "backprop-post")
    save_note(ada, "basics-notes", "ada's words")
    save_note(ada, "basics-notes", "ada's words, again")
    toggle_timer(ada, "basics-notes")
    timer_state(ada)
    stop_timer(ada)
    seconds_logged(ada, "basics-notes")
    set_preference(ada, "theme", "nord")
    get_preference(ada, "theme")
    set_pace(ada, now.date(), minutes_per_day=60, tz=UTC)
    list_resources(ada)
    get_resource(ada, "basics-notes")
    step_summaries(ada)
    next_up(ada)
    search(ada, "words")
    compute_stats(ada)
    get_note(ada, "basics-notes")
    note_history(ada, "basics-notes")
    list_notes(ada)
    change_token(ada)
    plan = build_plan(ada, UTC, now)
    study_stats(ada, UTC, 0, plan, now, with_streaks=True)
    context = ExportContext(db=ada, plan=plan, tz=UTC, now=now, notes=True)
    exported = {name: renderer(name)(context) for name in FORMATS}
    file = tmp_path / "progress.json"
    file.write_text(exported["json"], encoding="utf-8")
    import_progress(ada, read_document(read_export(file), str(file)))

    unscoped = [
        s
        for s in sent
        if TOUCHES.search(s)
        and "studyplan_learner" not in s
        and not s.lstrip().upper().startswith("INSERT")
        and not BY_ROW_ID.match(s.strip())
    ]
    assert not unscoped
    assert len(sent) > 50  # the services did run their queries here
    assert "bob's words" not in "".join(exported.values())
