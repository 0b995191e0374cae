"""The markdown, csv and ics exports, rendered in-process and read back by real parsers.

Each export is parsed by what a reader would use (markdown-it, the link extractor,
``csv.DictReader``, ``icalendar.Calendar.from_ical``) and checked for content: the items in
study order, their statuses and dates, the scheduled days, the time zone, the escaping of
whatever a catalog or a learner wrote.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from markdown_it import MarkdownIt
from sqlmodel import Session

from studyplan.db.database import Database
from studyplan.db.models import LabProgress
from studyplan.links.extract import normalize_url, urls_in_markdown
from studyplan.planner.checklist import checklist
from studyplan.planner.exports import ExportContext, csv_export, ics, markdown
from studyplan.planner.service import build_plan, set_pace
from studyplan.safe_text import visible
from studyplan.services.notes import save_note
from studyplan.services.progress import set_status
from studyplan.services.workspace import open_workspace
from studyplan.settings import load_settings

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
"""Monday 4 January 2027, 09:00 in Paris."""

SMALL_URLS = [
    "https://video.example.org/intro",
    "https://notes.example.org/basics.pdf",
    "https://blog.example.org/backprop",
    "http://gone.example.org/slides.pdf",
]


def context(
    db: Database,
    *,
    tz: Any = PARIS,
    now: datetime = NOW,
    notes: bool = False,
    remind: int | None = None,
    study_time: time = time(19, 0),
) -> ExportContext:
    return ExportContext(
        db=db,
        plan=build_plan(db, tz, now),
        tz=tz,
        now=now,
        study_time=study_time,
        notes=notes,
        remind_minutes=remind,
    )


def paced(db: Database) -> Database:
    """Two hours a week on Mondays, Wednesdays and Saturdays (40 minutes a day) from today."""
    set_pace(db, NOW.date(), hours_per_week=2, days="mon,wed,sat")
    return db


def md_tokens(text: str) -> list[Any]:
    """Every token of ``text`` (block tokens and their inline children), as CommonMark."""
    found = []
    for token in MarkdownIt("commonmark").parse(text):
        found.append(token)
        found.extend(token.children or ())
    return found


def links(text: str) -> list[str]:
    return [t.attrs["href"] for t in md_tokens(text) if t.type == "link_open"]


def extracted(text: str) -> list[str]:
    """The URLs ``studyplan links check`` would check in Markdown ``text``, in order."""
    return list(dict.fromkeys(normalize_url(url) for url in urls_in_markdown(text)))


def no_html(text: str) -> bool:
    return not any(t.type in ("html_inline", "html_block") for t in md_tokens(text))


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    raw = text.encode("utf-8")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------------------- markdown


def test_markdown_is_a_checklist_grouped_by_step_with_links_and_dates(db: Database) -> None:
    paced(db)
    set_status(db, "1.1", "done")
    set_status(db, "2.2", "skipped", "the talk is lost")
    text = markdown.render(context(db))
    headings = [
        t.content
        for t in md_tokens(text)
        if t.type == "inline" and t.map is not None and text.splitlines()[t.map[0]].startswith("#")
    ]
    assert headings == ["Study plan: A Small Test Curriculum", "Step 1: Basics", "Step 2: Backprop"]
    assert links(text) == SMALL_URLS
    assert extracted(text) == SMALL_URLS
    lines = text.splitlines()
    item = {url: next(line for line in lines if f"({url})" in line) for url in SMALL_URLS}
    assert item[SMALL_URLS[0]].startswith("- [x] [Intro Video](")
    assert "video, 30 min (done " in item[SMALL_URLS[0]]
    assert item[SMALL_URLS[1]].startswith("- [ ] [Basics Notes on Sigmoid](")
    assert item[SMALL_URLS[3]].startswith("- [x] [Old Slides](")
    assert item[SMALL_URLS[3]].endswith("(skipped: the talk is lost)")
    assert "  - advice: watch at least the first five" in lines
    # 40 minutes a day: the 60-minute notes take Mon 4 (40) and Wed 6 (20) January
    assert "  - scheduled: Mon 4 Jan 2027 (1/2), Wed 6 Jan 2027 (2/2)" in lines
    assert "- Finish: Sat 9 Jan 2027 (1h 45m left in 2 items)" in lines
    assert no_html(text)


def test_markdown_without_a_pace_lists_everything_and_says_nothing_is_scheduled(
    db: Database,
) -> None:
    text = markdown.render(context(db))
    assert "No pace set, so nothing is scheduled yet" in text
    assert "scheduled:" not in text
    assert links(text) == SMALL_URLS


def test_markdown_titles_cannot_become_links_emphasis_or_html(
    home: Path, small_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = "<script>alert(1)</script> *bold* _it_ `code` [x](https://evil.example/) & &amp; https://a.example ~~s~~"
    text = small_catalog.read_text().replace("title: Intro Video", f"title: '{odd}'")
    text = text.replace("advice: watch at least the first five", "advice: '<b>read</b> [me](x)'")
    small_catalog.write_text(text)
    monkeypatch.setenv("STUDYPLAN_CATALOG", str(small_catalog))
    db = open_workspace(load_settings())
    try:
        document = markdown.render(context(db))
    finally:
        db.dispose()
    assert no_html(document)
    assert links(document) == SMALL_URLS
    assert extracted(document) == SMALL_URLS  # not the evil one, not the bare one
    kinds = {t.type for t in md_tokens(document)}
    assert not kinds & {"em_open", "strong_open", "s_open"}
    codes = [t.content for t in md_tokens(document) if t.type == "code_inline"]
    assert codes == [markdown.PACE_HINT]  # the header's hint, nothing from the title
    link_text = next(t for t in md_tokens(document) if t.type == "inline" and "script" in t.content)
    shown = "".join(c.content for c in link_text.children or () if c.type == "text")
    assert odd in shown and "<b>read</b> [me](x)" in document.replace("\\", "")


def test_markdown_notes_are_block_quotes_that_keep_their_markdown_but_not_html(
    db: Database,
) -> None:
    paced(db)
    save_note(
        db,
        "1.1",
        "see [the paper](https://paper.example/x) and `a <b> c`\n\n<script>alert(1)</script>",
    )
    save_note(db, "step-2", "# my heading\n\n```\n<pre>code</pre>\n```\nend")
    save_note(db, "1.2", "unclosed [link](https://half.example/(a and ](")
    without = markdown.render(context(db))
    assert "paper.example" not in without and "my heading" not in without
    text = markdown.render(context(db, notes=True))
    assert no_html(text)
    assert links(text) == [SMALL_URLS[0], "https://paper.example/x", *SMALL_URLS[1:]]
    lines = text.splitlines()
    assert "  > see [the paper](https://paper.example/x) and `a <b> c`" in lines
    assert "  > \\<script>alert(1)\\</script>" in lines
    assert "> ```" in lines and "> <pre>code</pre>" in lines  # code stays as typed
    codes = [t.content for t in md_tokens(text) if t.type in ("code_inline", "fence")]
    assert codes == ["a <b> c", "<pre>code</pre>\n"]
    # the step note comes under its heading, before the step's items
    assert lines.index("> # my heading") > lines.index("## Step 2: Backprop")
    assert lines.index("> # my heading") < next(
        n for n, line in enumerate(lines) if SMALL_URLS[2] in line
    )
    # the half-written link in a note does not swallow the next resource's link
    assert set(SMALL_URLS) <= set(extracted(text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*list("<>/!?`*_[]()\\&#:abcp \n-~|"), "script", "https://", "```", "    "]
        ),
        max_size=40,
    )
)
def test_no_note_can_hold_live_html_once_escaped(parts: list[str]) -> None:
    assert no_html(markdown.without_html("".join(parts)))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_an_escaped_title_reads_back_as_itself(title: str) -> None:
    escaped = markdown.inline(title)
    tokens = MarkdownIt("commonmark").parseInline(escaped)[0].children or []
    assert {t.type for t in tokens} <= {"text"}
    assert "".join(t.content for t in tokens) == visible(" ".join(title.split()))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("()<>[]{}|\\^\"'` .,;:!?#&=%_*~aZ9/")), max_size=30))
def test_a_link_target_is_one_url_for_markdown_and_for_the_extractor(path: str) -> None:
    url = "https://example.org/" + path
    target = markdown.link_target(url)
    document = f"- [x]({target}) — notes\n"
    assert extracted(document) == [normalize_url(target)]
    assert len(links(document)) == 1


def test_a_link_target_keeps_an_ipv6_host_and_encodes_what_would_end_it() -> None:
    assert markdown.link_target("http://[::1]:8080/a b(c)") == "http://[::1]:8080/a%20b%28c%29"
    assert markdown.link_target("https://x.example/end.") == "https://x.example/end%2E"
    assert markdown.link_target("https://x.example/plain?q=1") == "https://x.example/plain?q=1"


# ---------------------------------------------------------------------------- csv


def test_csv_has_one_row_per_resource_with_statuses_dates_and_schedule(db: Database) -> None:
    paced(db)
    set_status(db, "1.1", "done")
    set_status(db, "2.1", "in_progress")
    set_status(db, "2.2", "skipped")
    text = csv_export.render(context(db))
    assert text.splitlines()[0] == (
        "\ufeffstep,id,title,kind,url,minutes,status,started,finished,scheduled"
    )
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = csv_rows(text)
    today = datetime.now(PARIS).date().isoformat()  # progress is stamped with the real clock
    assert [(r["step"], r["id"], r["kind"], r["status"]) for r in rows] == [
        ("1", "intro-video", "video", "done"),
        ("1", "basics-notes", "notes", "todo"),
        ("2", "backprop-post", "blog-post", "in_progress"),
        ("2", "old-slides", "slides", "skipped"),
    ]
    assert [r["url"] for r in rows] == SMALL_URLS
    assert [r["minutes"] for r in rows] == ["30", "60", "45", "20"]
    done, todo, begun, skipped = rows
    assert (done["started"], done["finished"], done["scheduled"]) == (today, today, "")
    assert (todo["started"], todo["finished"]) == ("", "")
    assert (begun["started"], begun["finished"]) == (today, "")
    assert skipped["finished"] == today and skipped["scheduled"] == ""
    # the begun item first (Mon 4), then the notes (Wed 6: 5 minutes of backprop are left)
    assert (begun["scheduled"], todo["scheduled"]) == ("2027-01-04", "2027-01-06")


def test_csv_dates_are_the_learners_dates(db: Database) -> None:
    set_status(db, "1.1", "done")
    east, west = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")  # +14, -11
    first = csv_rows(csv_export.render(context(db, tz=east)))[0]["finished"]
    second = csv_rows(csv_export.render(context(db, tz=west)))[0]["finished"]
    assert date.fromisoformat(first) > date.fromisoformat(second)  # 25 hours apart


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("＝1+1", "'＝1+1"),
        ('A = b, "quoted"\nnext line', 'A = b, "quoted"\nnext line'),
    ],
)
def test_csv_cells_cannot_start_a_formula_and_read_back_whole(
    home: Path,
    small_catalog: Path,
    monkeypatch: pytest.MonkeyPatch,
    title: str,
    cell: str,
) -> None:
    quoted = (
        title.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    small_catalog.write_text(
        small_catalog.read_text().replace("title: Intro Video", f'title: "{quoted}"')
    )
    monkeypatch.setenv("STUDYPLAN_CATALOG", str(small_catalog))
    db = open_workspace(load_settings())
    try:
        rows = csv_rows(csv_export.render(context(db)))
    finally:
        db.dispose()
    assert rows[0]["title"] == cell
    assert len(rows) == 4


# ---------------------------------------------------------------------------- ics


def events(text: str) -> list[Any]:
    return list(Calendar.from_ical(text).walk("VEVENT"))


def test_ics_has_one_event_per_study_day_in_the_learners_zone(db: Database) -> None:
    paced(db)
    text = ics.render(context(db, study_time=time(7, 30)))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0" and "studyplan" in str(calendar["PRODID"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    found = events(text)
    plan = build_plan(db, PARIS, NOW)
    assert [e.start.date() for e in found] == [d.day for d in plan.days]
    assert [e.start.date() for e in found] == [
        date(2027, 1, 4),
        date(2027, 1, 6),
        date(2027, 1, 9),
        date(2027, 1, 11),
        date(2027, 1, 13),
    ]
    for event, day in zip(found, plan.days, strict=True):
        assert event.start.tzinfo is not None and str(event.start.tzinfo) == "Europe/Paris"
        # 07:30 has passed this morning (it is 09:00): today's session starts now
        assert event.start.time() == (time(9, 0) if day.day == NOW.date() else time(7, 30))
        assert event.end - event.start == timedelta(minutes=day.minutes)
        assert str(event["UID"]) == f"studyplan-{day.day.isoformat()}@studyplan"
        assert event["DTSTAMP"].dt == NOW
        assert not event.walk("VALARM")
    first = found[0]
    assert str(first["SUMMARY"]) == "Study: Intro Video (30m)"
    described = str(found[1]["DESCRIPTION"])
    assert "Basics Notes on Sigmoid (step 1, part 1/2, 40 min)" in described
    assert "https://notes.example.org/basics.pdf" in described


def test_ics_uids_are_stable_and_sequence_grows(db: Database) -> None:
    paced(db)
    one = events(ics.render(context(db)))
    two = events(ics.render(context(db)))
    later = events(ics.render(context(db, now=NOW + timedelta(hours=2))))
    assert [str(e["UID"]) for e in one] == [str(e["UID"]) for e in two]
    assert [e.to_ical() for e in one] == [e.to_ical() for e in two]
    assert [str(e["UID"]) for e in later] == [str(e["UID"]) for e in one]
    assert all(b["SEQUENCE"] > a["SEQUENCE"] for a, b in zip(one, later, strict=True))


def test_ics_reminders_are_display_alarms(db: Database) -> None:
    paced(db)
    for minutes, trigger in ((15, timedelta(minutes=-15)), (0, timedelta(0))):
        found = events(ics.render(context(db, remind=minutes)))
        alarms = [a for e in found for a in e.walk("VALARM")]
        assert len(alarms) == len(found) > 0
        assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
        assert {a["TRIGGER"].dt for a in alarms} == {trigger}
        assert all(str(a["DESCRIPTION"]).startswith("Study: ") for a in alarms)


def test_ics_in_utc_uses_utc_times(db: Database) -> None:
    paced(db)
    text = ics.render(context(db, tz=UTC))
    found = events(text)
    assert found and all(e.start.utcoffset() == timedelta(0) for e in found)
    assert all(e.start.hour == 19 for e in found)
    assert "DTSTART:20270104T190000Z\r\n" in text and "TZID=" not in text


def test_ics_without_a_pace_is_a_valid_calendar_that_says_why_it_is_empty(db: Database) -> None:
    text = ics.render(context(db))
    calendar = Calendar.from_ical(text)
    assert not calendar.walk("VEVENT")
    assert calendar.walk("VTIMEZONE")  # RFC 5545 wants at least one component
    assert "No pace set" in str(calendar["DESCRIPTION"])


def test_ics_text_has_no_control_characters(
    home: Path, small_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_catalog.write_text(
        small_catalog.read_text().replace(
            "title: Intro Video", 'title: "Intro\\u001b[2J, Video; \\\\ end"'
        )
    )
    monkeypatch.setenv("STUDYPLAN_CATALOG", str(small_catalog))
    db = open_workspace(load_settings())
    try:
        text = ics.render(context(paced(db)))
    finally:
        db.dispose()
    assert "\x1b" not in text
    assert str(events(text)[0]["SUMMARY"]) == "Study: Intro␛[2J, Video; \\ end (30m)"


# ---------------------------------------------------------------------------- labs


def _lab_progress(db: Database, lab_id: str, status: str) -> None:
    def work(session: Session) -> None:
        when = NOW - timedelta(days=3)
        passed = when if status == "passed" else None
        session.add(LabProgress(lab_id=lab_id, status=status, started_at=when, passed_at=passed))

    db.write(work)


def test_labs_follow_their_resource_in_every_listing(real_db: Database) -> None:
    steps = checklist(real_db)
    order = [item.id for step in steps for item in step.items]
    labs = [item for step in steps for item in step.items if item.is_lab]
    assert labs and "perceptron-nand" in order
    assert order.index("perceptron-nand") == order.index("nielsen-ch1") + 1
    _lab_progress(real_db, "perceptron-nand", "passed")
    _lab_progress(real_db, labs[1].id, "started")
    paced(real_db)
    ctx = context(real_db)
    rows = {r["id"]: r for r in csv_rows(csv_export.render(ctx))}
    assert [r["id"] for r in rows.values()] == order
    assert rows["perceptron-nand"] == {
        **rows["perceptron-nand"],
        "kind": "lab",
        "url": "",
        "status": "passed",
        "started": "2027-01-01",
        "finished": "2027-01-01",
        "scheduled": "",
    }
    assert rows[labs[1].id]["status"] == "started" and rows[labs[1].id]["scheduled"]
    assert {rows[lab.id]["status"] for lab in labs[2:]} == {"not_started"}
    document = markdown.render(ctx)
    assert f"  - start it with `studyplan lab start {labs[2].id}`" in document.splitlines()
    assert "- [x] lab: Perceptrons, NAND gates and an adder — 30 min (passed " in document
    calendar = ics.render(ctx)
    assert f"Start it with: studyplan lab start {labs[1].id}" in "".join(
        str(e["DESCRIPTION"]) for e in events(calendar)
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\tTab", "'\tTab"),
        ("\rCR", "␍CR"),
        ("\x1b[31m", "␛[31m"),
        ("-1", "'-1"),
        ("a-1", "a-1"),
        ("", ""),
    ],
)
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(text: str, shown: str) -> None:
    assert csv_export.cell(text) == shown


def test_an_event_reads_back_as_the_one_icalendar_writes(db: Database) -> None:
    from icalendar import Alarm, Event

    paced(db)
    ctx = context(db, remind=20)
    day = ctx.plan.days[2]  # two items, one of them split
    start = datetime.combine(day.day, time(19, 0), tzinfo=PARIS)
    reference = Event.new(
        uid=ics.uid(day.day),
        start=start,
        end=start + timedelta(minutes=day.minutes),
        stamp=NOW,
        sequence=ics.sequence(NOW),
        summary=ics.summary(day),
        description=ics.description(day),
        categories=["Study"],
    )
    reference.add_component(Alarm.new_display(ics.summary(day), timedelta(minutes=-20)))
    mine = events(ics.render(ctx))[2]
    for name in ("UID", "SUMMARY", "DESCRIPTION", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND"):
        assert mine.decoded(name) == reference.decoded(name), name
    assert mine["DTSTART"].params["TZID"] == "Europe/Paris"
    assert mine.categories == reference.categories == ["Study"]
    (alarm,) = mine.walk("VALARM")
    (expected,) = reference.walk("VALARM")
    assert {k: alarm.decoded(k) for k in alarm} == {k: expected.decoded(k) for k in expected}


def test_every_calendar_line_is_folded_to_75_octets(db: Database) -> None:
    paced(db)
    text = ics.render(context(db, remind=20))
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # long descriptions were folded
    assert Calendar.from_ical(text).walk("VEVENT")


def test_when_everything_is_finished_the_exports_say_so(db: Database) -> None:
    paced(db)
    for ref in ("1.1", "1.2", "2.1", "2.2"):
        set_status(db, ref, "done")
    ctx = context(db)
    text = markdown.render(ctx)
    assert "- Nothing left to schedule: everything is finished." in text.splitlines()
    assert "4 of 4 items finished." in text and text.count("- [x] ") == 4
    assert {row["scheduled"] for row in csv_rows(csv_export.render(ctx))} == {""}
    calendar = Calendar.from_ical(ics.render(ctx))
    assert not calendar.walk("VEVENT") and "everything is finished" in str(calendar["DESCRIPTION"])
