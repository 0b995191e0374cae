"""The HTML export: one self-contained page, parsed back with html.parser and checked.

Every test renders through ``render`` with a real database (the small catalog) and a pinned
clock, then reads the page as a browser would: a tree of elements, their attributes and text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from studyplan.db.database import Database
from studyplan.db.learner_scope import find_own
from studyplan.db.models import Lab, LabProgress, Progress, Resource, Step
from studyplan.planner.exports import ExportContext, renderer
from studyplan.planner.exports.html import render
from studyplan.planner.exports.html_text import link_target, text
from studyplan.planner.service import build_plan, set_pace
from studyplan.planner.statistics import HEAT_LEVELS, study_stats
from studyplan.services.catalog_admin import import_catalog
from studyplan.services.catalog_query import step_summaries
from studyplan.services.notes import save_note
from studyplan.services.own_resources import add_resource
from studyplan.services.progress import set_status
from studyplan.services.workspace import open_workspace
from studyplan.settings import load_settings
from tests.planner.seeding import timed

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)  # a Wednesday
UTC_ZONE = ZoneInfo("UTC")
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = "\"><img src=x onerror=alert(2)>'"
CONTROLS = "bell\x07 escape\x1b[31m del\x7f"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Node:
    """An element of the parsed page."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """All the text inside, as a browser shows it (entities decoded)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        """Elements named ``tag`` (having class ``cls``) inside, this one included."""
        return [
            n
            for n in self.walk()
            if n.tag == tag and (cls is None or cls in n.attrs.get("class", "").split())
        ]

    def one(self, tag: str, cls: str | None = None) -> Node:
        """The only element named ``tag`` (with class ``cls``)."""
        found = self.find_all(tag, cls)
        assert len(found) == 1, (tag, cls, len(found))
        return found[0]

    def by_id(self, wanted: str) -> Node:
        """The element whose id is ``wanted``."""
        found = [n for n in self.walk() if n.attrs.get("id") == wanted]
        assert len(found) == 1, (wanted, len(found))
        return found[0]


class PageParser(HTMLParser):
    """Builds a :class:`Node` tree and insists that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    """The page as a tree; the parser checks that the nesting is sound."""
    parser = PageParser()
    parser.feed(page)
    parser.close()
    assert parser.stack == [parser.root], [n.tag for n in parser.stack]
    assert parser.doctype.lower() == "doctype html"
    return parser.root


def _context(
    db: Database, tz: tzinfo = UTC_ZONE, now: datetime = NOW, **options: bool | int
) -> ExportContext:
    plan = build_plan(db, tz, now)
    return ExportContext(db, plan, tz, now, **options)  # type: ignore[arg-type]


def _page(db: Database, tz: tzinfo = UTC_ZONE, now: datetime = NOW, **options: bool | int) -> Node:
    return parse(render(_context(db, tz, now, **options)))


def _finished(db: Database, rid: str, status: str, at: datetime) -> None:
    """Set a status through the service, then pin when it happened."""
    set_status(db, rid, status)

    def work(session: Session) -> None:
        row = find_own(session, Progress, resource_id=rid)
        assert row is not None
        row.started_at = row.finished_at = at
        session.add(row)

    db.write(work)


def _add_lab(db: Database, lab_id: str, follows: str, passed_at: datetime | None) -> None:
    """A lab of step 1 after ``follows`` (the small catalog has none), passed or not."""

    def work(session: Session) -> None:
        step = session.execute(select(Step).where(col(Step.number) == 1)).scalar_one()
        assert step.id is not None
        session.add(
            Lab(id=lab_id, step_id=step.id, title=f"Lab {lab_id}", minutes=25, follows=follows)
        )
        if passed_at is not None:
            session.add(
                LabProgress(
                    lab_id=lab_id, status="passed", started_at=passed_at, passed_at=passed_at
                )
            )

    db.write(work)


def _pace(db: Database, **options: object) -> None:
    set_pace(db, NOW.date(), start=NOW.date(), **options)  # type: ignore[arg-type]


def _attributes(root: Node) -> Iterator[tuple[Node, str, str]]:
    for node in root.walk():
        for name, value in node.attrs.items():
            yield node, name, value


# The document itself


def test_the_page_is_one_self_contained_html5_document(db: Database) -> None:
    _pace(db, hours_per_week=5, days="mon,wed,sat")
    page = render(_context(db))
    root = parse(page)
    assert page.startswith("<!doctype html>")
    html_element = root.one("html")
    assert html_element.attrs["lang"] == "en"
    assert any(m.attrs.get("charset") == "utf-8" for m in root.find_all("meta"))
    assert any(m.attrs.get("name") == "viewport" for m in root.find_all("meta"))
    assert root.one("head").one("title").text() == "Study plan: A Small Test Curriculum"
    assert root.one("h1").text() == "Study plan: A Small Test Curriculum"
    for tag in ("script", "link", "img", "iframe", "object", "embed", "image", "use", "base"):
        assert root.find_all(tag) == [], tag
    for node, name, _ in _attributes(root):
        assert not name.startswith("on"), (node.tag, name)
        assert name not in ("src", "srcset", "xlink:href", "action", "formaction"), node.tag
        if name == "href":
            assert node.tag == "a"
    style = root.one("style").text()
    assert "url(" not in style and "@import" not in style and "http" not in style
    assert len(page.encode()) < 60_000


def test_the_registry_gives_this_renderer(db: Database) -> None:
    ctx = _context(db)
    assert renderer("html")(ctx) == render(ctx)


def test_the_header_gives_pace_time_left_and_both_finish_dates(db: Database) -> None:
    _pace(db, minutes_per_day=60, days="mon,wed,sat")
    _finished(db, "intro-video", "done", NOW - timedelta(days=3))
    ctx = _context(db)
    stats = study_stats(db, UTC_ZONE, 0, ctx.plan, NOW)
    header = parse(render(ctx)).one("header")
    facts = dict(
        zip(
            [dt.text() for dt in header.find_all("dt")],
            [dd.text() for dd in header.find_all("dd")],
            strict=True,
        )
    )
    assert facts["Pace"] == "60 min on mon, wed, sat, from 2027-03-10"
    assert facts["Left"] == "2h 05m in 3 items"  # 60 + 45 + 20 minutes
    assert facts["Finished"] == "1 of 4 items (25%)"
    assert ctx.plan.finish is not None and stats.actual_finish is not None
    assert facts["Planned finish"].startswith(ctx.plan.finish.isoformat(), 4)
    assert stats.actual_finish.isoformat() in facts["At your actual pace"]
    assert "Streaks" not in facts
    assert "Exported 2027-03-10 20:00 (UTC)" in header.text()


def test_streaks_show_only_when_the_learner_opted_in(db: Database) -> None:
    timed(db, "intro-video", NOW - timedelta(hours=2), 30)
    timed(db, "intro-video", NOW - timedelta(days=1), 30)
    header = _page(db, streaks=True).one("header")
    assert "current 2 days, longest 2 days" in header.text()
    assert "current" not in _page(db).one("header").text()


def test_without_a_pace_the_page_says_how_to_set_one(db: Database) -> None:
    header = _page(db).one("header")
    assert "studyplan plan --hours-per-week" in header.text()
    assert "no pace set yet" in header.text()
    assert "2h 35m in 4 items" in header.text()


# Escaping


@pytest.fixture
def hostile_db(
    small_catalog: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """The small catalog with a hostile curriculum title, step title and advice."""
    source = small_catalog.read_text()
    source = source.replace("title: A Small Test Curriculum", f"title: {json.dumps(SCRIPT)}")
    source = source.replace("title: Basics\n", f"title: {json.dumps(BREAKOUT)}\n")
    source = source.replace(
        "advice: watch at least the first five", f"advice: {json.dumps(SCRIPT + CONTROLS)}"
    )
    small_catalog.write_text(source)
    monkeypatch.setenv("STUDYPLAN_CATALOG", str(small_catalog))
    database = open_workspace(load_settings())
    yield database
    database.dispose()


def _hostile_learner(db: Database) -> str:
    """A resource and notes the learner wrote with markup in them; the new resource's id."""
    added = add_resource(db, "https://own.example.org/x?a=1&b=2", 2, BREAKOUT + SCRIPT, "notes", 10)
    save_note(db, added.id, f"{SCRIPT}\n{BREAKOUT}\n{CONTROLS}\r\nend")
    save_note(db, "1", f"step note {SCRIPT}")
    return added.id


def test_everything_written_by_a_learner_or_a_catalog_shows_as_text(hostile_db: Database) -> None:
    own = _hostile_learner(hostile_db)
    page = render(_context(hostile_db, notes=True))
    root = parse(page)
    assert root.find_all("script") == [] and root.find_all("img") == []
    for node, name, _ in _attributes(root):
        assert not name.startswith("on"), (node.tag, name)
    assert root.one("head").one("title").text() == f"Study plan: {SCRIPT}"
    assert root.one("h1").text() == f"Study plan: {SCRIPT}"
    item = root.by_id(f"item-{own}")
    assert item.one("a").text() == BREAKOUT + SCRIPT
    assert item.one("a").attrs["href"] == "https://own.example.org/x?a=1&b=2"
    note = item.one("pre", "note").text()
    assert note.startswith(f"{SCRIPT}\n{BREAKOUT}\n")
    assert note.endswith("bell\u2407 escape\u241b[31m del\u2421\nend")
    steps = root.by_id("checklist").find_all("h3")
    assert steps[0].text().startswith(f"Step 1: {BREAKOUT}")
    assert root.by_id("progress").find_all("span", "name")[0].text() == f"Step 1: {BREAKOUT}"
    advice = root.by_id("item-intro-video").one("div", "advice").text()
    assert advice == f"Advice: {SCRIPT}bell\u2407 escape\u241b[31m del\u2421"
    assert root.one("pre", "step-note").text() == f"step note {SCRIPT}"
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", page)


def test_only_web_and_mail_addresses_become_links(db: Database) -> None:
    def work(session: Session) -> None:
        for rid, url in (("intro-video", "javascript:alert(1)"), ("old-slides", "java\tscript:x")):
            row = session.get(Resource, rid)
            assert row is not None
            row.url = url
            session.add(row)

    db.write(work)
    root = _page(db)
    item = root.by_id("item-intro-video")
    assert item.find_all("a") == []
    assert item.one("span", "title").text() == "Intro Video"
    assert item.one("span", "url").text() == "javascript:alert(1)"
    assert root.by_id("item-old-slides").find_all("a") == []
    assert [a.attrs["href"] for a in root.find_all("a")] == [
        "https://notes.example.org/basics.pdf",
        "https://blog.example.org/backprop",
    ]


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a?b=1&c=2", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("ftp://ftp.example.org/file", True),
        ("mailto:someone@example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("https://exa mple.org/", False),
        ("https:\\\\example.org", False),
        ("http:example.org", False),
        ("https://example.org/\u202e", False),
        ("/relative/path", False),
        ("", False),
    ],
)
def test_link_targets(url: str, linked: bool) -> None:
    assert (link_target(url) == url) is linked
    assert link_target(url) in (url, None)


def test_text_escapes_markup_quotes_and_characters_html_does_not_allow() -> None:
    assert text(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert text("a\"b'c&d") == "a&quot;b&#x27;c&amp;d"
    assert text("a\x00b\x1bc\td\r\ne\rf") == "a\u2400b\u241bc\td\ne\nf"
    assert text("\udcff\ufdd0\uffff\u202e") == "&lt;0xFF&gt;\ufffd\ufffd&lt;U+202E&gt;"


# Links and the checklist


def test_each_resource_has_exactly_one_link_to_its_address(db: Database) -> None:
    own = add_resource(db, "https://own.example.org/mine", 1, "Mine", "notes", 5)

    def mail(session: Session) -> None:
        row = session.get(Resource, "old-slides")
        assert row is not None
        row.url = "mailto:teacher@example.org"
        session.add(row)

    db.write(mail)
    root = _page(db)

    def rows(session: Session) -> list[tuple[str, str]]:
        query = select(col(Resource.id), col(Resource.url)).where(
            col(Resource.retired_at).is_(None)
        )
        return [(r[0], r[1]) for r in session.execute(query)]

    with db.read() as session:
        resources = rows(session)
    assert len(resources) == 5
    links = root.find_all("a")
    assert len(links) == len(resources)
    for rid, url in resources:
        (link,) = root.by_id(f"item-{rid}").find_all("a")
        assert link.attrs["href"] == url
    assert root.by_id(f"item-{own.id}").one("a").attrs["href"] == "https://own.example.org/mine"
    assert root.by_id("item-old-slides").one("a").attrs["href"] == "mailto:teacher@example.org"


def test_the_checklist_marks_finished_items_and_passed_labs_in_study_order(db: Database) -> None:
    _pace(db, minutes_per_day=60)
    _finished(db, "intro-video", "done", NOW - timedelta(days=1))
    _finished(db, "old-slides", "skipped", NOW - timedelta(days=1))
    set_status(db, "backprop-post", "in_progress")
    _add_lab(db, "lab-passed", "intro-video", NOW - timedelta(days=1))
    _add_lab(db, "lab-open", "basics-notes", None)
    root = _page(db)
    checklist = root.by_id("checklist")
    order = [li.attrs["id"] for li in checklist.find_all("li", "item")]
    assert order == [
        "item-intro-video",
        "item-lab-passed",
        "item-basics-notes",
        "item-lab-open",
        "item-backprop-post",
        "item-old-slides",
    ]
    marks = {li.attrs["id"]: li.one("span", "mark").text() for li in checklist.find_all("li")}
    assert marks == {
        "item-intro-video": "\u2611",
        "item-lab-passed": "\u2611",
        "item-basics-notes": "\u2610",
        "item-lab-open": "\u2610",
        "item-backprop-post": "\u2610",
        "item-old-slides": "\u2612",
    }
    assert "done" in root.by_id("item-intro-video").attrs["class"].split()
    assert "passed" in root.by_id("item-lab-passed").attrs["class"].split()
    assert "in progress" in root.by_id("item-backprop-post").one("div", "details").text()
    assert root.by_id("item-lab-open").one("code").text() == "studyplan lab start lab-open"
    assert root.by_id("item-lab-passed").find_all("div", "when") == []
    heads = [h.text() for h in checklist.find_all("h3")]
    assert heads == ["Step 1: Basics 2 of 4 finished", "Step 2: Backprop 1 of 2 finished"]


def test_the_checklist_gives_kind_minutes_advice_and_planned_days(db: Database) -> None:
    _pace(db, minutes_per_day=40, days="mon,wed,sat")
    ctx = _context(db)
    root = parse(render(ctx))
    video = root.by_id("item-intro-video")
    assert video.one("div", "details").text().startswith("video · 30m · todo · intro-video")
    assert video.one("div", "advice").text() == "Advice: watch at least the first five"
    scheduled = ctx.plan.scheduled()
    assert scheduled["intro-video"] == [date(2027, 3, 10)]
    assert video.one("div", "when").text() == "planned Wed 2027-03-10"
    notes = root.by_id("item-basics-notes").one("div", "when").text()
    days = scheduled["basics-notes"]
    assert len(days) == 2 and notes == (f"planned {days[0]:%a} {days[0]}, {days[1]:%a} {days[1]}")


def test_notes_appear_only_with_the_option(db: Database) -> None:
    save_note(db, "basics-notes", "resource note: sigmoid squashes")
    save_note(db, "2", "step note: backprop is the chain rule")
    without = render(_context(db))
    assert "sigmoid squashes" not in without and "chain rule" not in without
    root = _page(db, notes=True)
    assert (
        root.by_id("item-basics-notes").one("pre", "note").text()
        == "resource note: sigmoid squashes"
    )
    step = root.by_id("step-2")
    assert step.one("pre", "step-note").text() == "step note: backprop is the chain rule"
    assert len(root.find_all("pre")) == 2


def test_an_imported_curriculum_follows_the_main_one(db: Database, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    source = (Path(__file__).parents[1] / "data" / "catalogs" / "small.yaml").read_text()
    source = source.replace("A Small Test Curriculum", "Another Course")
    for rid in ("intro-video", "basics-notes", "backprop-post", "old-slides"):
        source = source.replace(f"id: {rid}", f"id: other-{rid}")
    other.write_text(source)
    import_catalog(db, other)
    root = _page(db)
    assert root.one("h1").text() == "Study plan: A Small Test Curriculum + Another Course"
    heads = [h.text().split(" ", 2)[1] for h in root.by_id("checklist").find_all("h3")]
    assert heads == ["1:", "2:", "another-course/1:", "another-course/2:"]
    names = [n.text() for n in root.by_id("progress").find_all("span", "name")]
    assert names[2] == "Step another-course/1: Basics"
    assert len(root.find_all("a")) == 8


# Progress bars and charts


def test_progress_bars_match_the_step_counts(db: Database) -> None:
    _finished(db, "intro-video", "done", NOW - timedelta(days=1))
    _finished(db, "old-slides", "skipped", NOW - timedelta(days=1))
    _add_lab(db, "lab-passed", "intro-video", NOW - timedelta(days=1))
    root = _page(db)
    rows = root.by_id("progress").find_all("li")
    summaries = step_summaries(db)
    assert len(rows) == len(summaries) == 2
    for row, summary in zip(rows, summaries, strict=True):
        bar = row.one("span", "bar")
        width = row.one("span", "fill").attrs["style"]
        assert width == f"width:{summary.percent:.1f}%"
        words = f"{summary.finished_count} of {summary.items} finished"
        assert bar.attrs["aria-valuetext"] == words
        assert row.one("span", "count").text().startswith(words)
    assert [r.one("span", "fill").attrs["style"] for r in rows] == ["width:66.7%", "width:50.0%"]


def _svg(root: Node, name: str) -> Node:
    return root.one("svg", name)


def test_three_charts_and_nothing_else_drawn(db: Database) -> None:
    root = _page(db)
    charts = root.find_all("svg")
    assert [c.attrs["class"] for c in charts] == [
        "chart heatmap",
        "chart weeks",
        "chart burndown",
    ]
    for chart in charts:
        assert chart.attrs["role"] == "img"
        assert chart.by_id(chart.attrs["aria-labelledby"]).tag == "title"


def test_the_heatmap_has_a_cell_per_day_up_to_today_with_its_minutes(db: Database) -> None:
    day = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)
    timed(db, "basics-notes", day, 90)
    earlier = day - timedelta(days=300)
    timed(db, "basics-notes", earlier, 15)
    root = _page(db)
    heat = _svg(root, "heatmap")
    cells = heat.find_all("rect")
    # 52 whole weeks before this one, and Monday to Wednesday of this week
    assert len(cells) == 52 * 7 + 3
    titles = {c.one("title").text(): c.attrs["class"] for c in cells}
    assert titles["Thu 2027-03-04: 90 min"] == "l3"
    assert titles[f"{earlier:%a} {earlier.date()}: 15 min"] == "l1"
    assert titles["Wed 2027-03-10: no activity"] == "l0"
    assert sum(1 for level in titles.values() if level != "l0") == 2
    assert cells[0].one("title").text() == "Mon 2026-03-09: no activity"
    labels = [t.text() for t in heat.find_all("text")]
    assert labels[-7:] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert labels[:-7] == [
        "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar",
    ]  # fmt: skip
    legend = root.by_id("activity").one("ul", "legend")
    assert [li.text() for li in legend.find_all("li")] == list(HEAT_LEVELS)
    assert [li.one("span").attrs["class"] for li in legend.find_all("li")] == [
        f"swatch l{n}" for n in range(5)
    ]


def test_the_heatmap_weeks_start_on_the_learners_first_weekday(db: Database) -> None:
    heat = _svg(_page(db, first_weekday=6), "heatmap")
    labels = [t.text() for t in heat.find_all("text")]
    assert labels[-7:] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    cells = heat.find_all("rect")
    assert cells[0].one("title").text() == "Sun 2026-03-08: no activity"
    assert len(cells) == 52 * 7 + 4  # this week: Sunday to Wednesday


def test_the_weeks_chart_has_the_last_twelve_weeks(db: Database) -> None:
    timed(db, "basics-notes", datetime(2027, 3, 4, 18, 0, tzinfo=UTC), 90)
    timed(db, "basics-notes", datetime(2027, 3, 9, 18, 0, tzinfo=UTC), 45)
    weeks = _svg(_page(db), "weeks").find_all("g", "week")
    assert len(weeks) == 12
    titles = [g.one("title").text() for g in weeks]
    assert titles[0] == "week of Mon 2026-12-21: 0 min"
    assert titles[-2:] == ["week of Mon 2027-03-01: 90 min", "week of Mon 2027-03-08: 45 min"]
    heights = [float(g.one("rect").attrs["height"]) for g in weeks]
    assert heights[:-2] == [0.0] * 10 and heights[-2] == 2 * heights[-1] > 0
    assert [t.text() for t in weeks[-1].find_all("text")] == ["45m", "Mar 8"]


def test_the_burndown_shows_minutes_left_and_both_projections(db: Database) -> None:
    _pace(db, minutes_per_day=30, days="sat")
    _finished(db, "intro-video", "done", datetime(2027, 2, 20, 12, tzinfo=UTC))
    _finished(db, "backprop-post", "done", datetime(2027, 3, 9, 12, tzinfo=UTC))
    ctx = _context(db)
    stats = study_stats(db, UTC_ZONE, 0, ctx.plan, NOW)
    chart = _svg(parse(render(ctx)), "burndown")
    points = [c.one("title").text() for c in chart.find_all("circle")]
    assert points == [f"{d:%a} {d}: {m} min left" for d, m in stats.burndown]
    assert points[0] == "Sun 2027-02-21: 125 min left"
    assert points[-1] == "Wed 2027-03-10: 80 min left"
    planned = chart.one("line", "planned")
    actual = chart.one("line", "actual")
    assert ctx.plan.finish is not None and stats.actual_finish is not None
    assert planned.one("title").text() == f"planned finish: {ctx.plan.finish:%a} {ctx.plan.finish}"
    assert actual.one("title").text() == (
        f"finish at your actual pace: {stats.actual_finish:%a} {stats.actual_finish}"
    )
    circles = chart.find_all("circle")
    for line in (planned, actual):  # from today's point down to the axis
        assert (line.attrs["x1"], line.attrs["y1"]) == (
            circles[-1].attrs["cx"],
            circles[-1].attrs["cy"],
        )
        assert line.attrs["y2"] == "190.0"
    labels = [t.text() for t in chart.find_all("text")]
    assert labels[:3] == ["3h", "1h 30m", "0"]
    assert "today" in labels and "2027-02-21" in labels


def test_a_far_finish_is_cut_at_the_edge_of_the_burndown(db: Database) -> None:
    _pace(db, minutes_per_day=60)
    short = add_resource(db, "https://own.example.org/short", 1, "A short one", "notes", 1)
    _finished(db, short.id, "done", NOW - timedelta(days=1))  # a quarter of a minute a week
    stats = study_stats(db, UTC_ZONE, 0, build_plan(db, UTC_ZONE, NOW), NOW)
    assert stats.actual_finish is not None and stats.actual_finish > date(2028, 3, 10)
    actual = _svg(_page(db), "burndown").one("line", "actual")
    assert actual.one("title").text().endswith("(beyond the chart)")
    assert float(actual.attrs["x2"]) == 620.0 and float(actual.attrs["y2"]) < 190.0


def test_nothing_studied_still_draws_every_chart(db: Database) -> None:
    root = _page(db)
    assert len(_svg(root, "burndown").find_all("circle")) == 1
    assert _svg(root, "burndown").find_all("line", "planned") == []
    assert "not known yet" in root.one("header").text()


# Dates follow the learner's time zone


def test_the_time_zone_decides_the_dates(db: Database) -> None:
    """22:00 UTC on 9 March is 07:00 on 10 March in Tokyo: the cell, today and the plan move."""
    set_pace(db, date(2027, 3, 1), minutes_per_day=60, start=date(2027, 3, 1))
    late = datetime(2027, 3, 9, 23, 30, tzinfo=UTC)
    timed(db, "basics-notes", datetime(2027, 3, 9, 22, 0, tzinfo=UTC), 90)
    in_utc = _page(db, now=late)
    in_tokyo = _page(db, ZoneInfo("Asia/Tokyo"), now=late)
    utc_cells = {c.one("title").text() for c in _svg(in_utc, "heatmap").find_all("rect")}
    tokyo_cells = {c.one("title").text() for c in _svg(in_tokyo, "heatmap").find_all("rect")}
    assert "Tue 2027-03-09: 90 min" in utc_cells
    assert "Wed 2027-03-10: 90 min" in tokyo_cells
    assert "Tue 2027-03-09: no activity" in tokyo_cells
    assert not any(cell.startswith("Wed 2027-03-10") for cell in utc_cells)
    assert "Exported 2027-03-09 23:30 (UTC)" in in_utc.one("header").text()
    assert "Exported 2027-03-10 08:30 (Asia/Tokyo)" in in_tokyo.one("header").text()
    utc_when = in_utc.by_id("item-intro-video").one("div", "when").text()
    tokyo_when = in_tokyo.by_id("item-intro-video").one("div", "when").text()
    # today's 90 minutes fill its 60-minute budget: the plan starts the next day
    assert utc_when == "planned Wed 2027-03-10"
    assert tokyo_when == "planned Thu 2027-03-11"


# The real catalog


def test_the_real_catalog_with_a_year_of_study_makes_a_small_page(real_db: Database) -> None:
    _pace(real_db, hours_per_week=5, days="mon,wed,sat")
    with real_db.read() as session:
        resources = list(session.execute(select(col(Resource.id), col(Resource.url))))
        labs = list(session.execute(select(col(Lab.id))).scalars())
    for n in range(7 * 53):
        timed(real_db, resources[n % len(resources)][0], NOW - timedelta(days=n), 20 + n % 150)
    page = render(_context(real_db, notes=True, streaks=True))
    assert len(page.encode()) < 200_000
    root = parse(page)
    assert len(root.find_all("a")) == len(resources)
    for rid, url in resources:
        assert root.by_id(f"item-{rid}").one("a").attrs["href"] == url
    for lab_id in labs:
        command = root.by_id(f"item-{lab_id}").one("code").text()
        assert command == f"studyplan lab start {lab_id}"
    cells = _svg(root, "heatmap").find_all("rect")
    assert all(c.attrs["class"] != "l0" for c in cells)
    assert len(root.by_id("progress").find_all("li")) == len(step_summaries(real_db))
