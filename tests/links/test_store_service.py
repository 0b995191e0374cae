"""Results in the database: cache within max-age, failures never reused, states, redirects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from links_server import LinkServer
from sqlmodel import select

from studyplan.db.database import Database
from studyplan.db.models import Curriculum, LinkCheck, Resource, Step, dump_json, utcnow
from studyplan.errors import NotFoundError
from studyplan.links import service, store
from studyplan.links.extract import LinkTarget
from studyplan.links.policy import CheckOptions
from studyplan.links.result import LinkResult


def targets(*urls: str) -> list[LinkTarget]:
    return [LinkTarget(u) for u in urls]


def add_resources(
    db: Database, *rows: tuple[str, str, str], created_at: datetime | None = None
) -> None:
    """Insert a curriculum with step 1 holding resources (id, url, origin) and an empty step 2.

    The resources were added at ``created_at`` (by default: now).
    """

    def work(session: object) -> None:
        session.add(Curriculum(id="main", title="T", is_primary=True))  # type: ignore[attr-defined]
        session.flush()  # type: ignore[attr-defined]
        session.add(Step(id=1, curriculum_id="main", number=1, title="S"))  # type: ignore[attr-defined]
        session.add(Step(id=2, curriculum_id="main", number=2, title="Empty"))  # type: ignore[attr-defined]
        session.flush()  # type: ignore[attr-defined]
        for position, (rid, url, origin) in enumerate(rows):
            alternatives = dump_json(
                [{"title": "Mirror", "url": "https://mirror.example/x", "why": "copy"}]
            )
            session.add(  # type: ignore[attr-defined]
                Resource(
                    id=rid,
                    step_id=1,
                    position=position,
                    title=rid.title(),
                    kind="notes",
                    url=url,
                    origin=origin,
                    alternatives=alternatives,
                    created_at=created_at or utcnow(),
                )
            )

    db.write(work)


async def test_results_are_stored_as_history(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    url = server.url("/missing")
    for _ in range(2):
        await service.run_check(targets(url), fast, db)
    with db.read() as session:
        rows = list(session.scalars(select(LinkCheck)))
    assert [r.status for r in rows] == ["dead", "dead"]
    assert rows[0].http_status == 404 and rows[0].attempts == 1 and rows[0].error == "HTTP 404"


async def test_second_run_within_max_age_makes_no_request(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    urls = [server.url(f"/ok/{i}") for i in range(5)] + [server.url("/chain/1")]
    first = await service.run_check(targets(*urls), fast, db)
    assert first.checked == 6 and first.reused == 0
    hits = server.total_hits
    second = await service.run_check(targets(*urls), fast, db)
    assert server.total_hits == hits
    assert second.reused == 6 and second.checked == 0
    assert all(r.cached for r in second.results)
    assert second.results[-1].status == "redirected"
    assert second.results[-1].redirects == [{"url": urls[-1], "status": 301}]


async def test_failures_are_never_reused(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    url = server.url("/missing")
    await service.run_check(targets(url), fast, db)
    await service.run_check(targets(url), fast, db)
    assert server.hits["/missing"] == 4  # two runs, HEAD + GET each


async def test_max_age_zero_or_force_checks_again(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    url = server.url("/ok/age")
    await service.run_check(targets(url), fast, db)
    await service.run_check(targets(url), fast.replace(max_age=timedelta(0)), db)
    await service.run_check(targets(url), fast.replace(force=True), db)
    assert server.hits["/ok/age"] == 3


def test_max_age_cutoff(db: Database) -> None:
    now = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    ages = {"young": timedelta(minutes=59), "edge": timedelta(hours=1), "old": timedelta(hours=2)}
    store.save_results(
        db,
        [
            LinkResult(f"https://{name}.org/", "alive", 200, checked_at=now - age)
            for name, age in ages.items()
        ],
    )
    urls = [f"https://{name}.org/" for name in ages]
    reused = store.reusable_results(db, urls, timedelta(hours=1), now=now)
    assert sorted(reused) == ["https://edge.org/", "https://young.org/"]
    assert all(r.cached for r in reused.values())
    later = store.reusable_results(db, urls, timedelta(hours=1), now=now + timedelta(minutes=2))
    assert later == {}


async def test_a_run_reuses_a_young_success_and_checks_an_old_one(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    young, old = server.url("/ok/young"), server.url("/ok/old")
    store.save_results(
        db,
        [
            LinkResult(young, "alive", 200, checked_at=utcnow() - timedelta(hours=1)),
            LinkResult(old, "alive", 200, checked_at=utcnow() - timedelta(days=2)),
        ],
    )
    run = await service.run_check(targets(young, old), fast, db)  # max_age: one day
    assert (run.reused, run.checked) == (1, 1)
    assert [r.cached for r in run.results] == [True, False]
    assert server.methods == [("HEAD", "/ok/old")]


async def test_a_failure_hides_an_older_success(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    url = server.url("/ok/hidden")
    await service.run_check(targets(url), fast, db)
    assert url in store.reusable_results(db, [url], timedelta(days=1))
    store.save_results(db, [LinkResult(url, "error", error="timeout")])
    assert store.reusable_results(db, [url], timedelta(days=1)) == {}
    await service.run_check(targets(url), fast, db)
    assert server.hits["/ok/hidden"] == 2


async def test_latest_states_and_dead_streak(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    add_resources(
        db,
        ("gone", server.url("/missing"), "catalog"),
        ("fine", server.url("/ok/fine"), "catalog"),
        ("never", "https://example.org/never", "catalog"),
    )
    only_checked = [t for t in service.database_targets(db) if "example.org" not in t.url]
    for _ in range(3):
        run = await service.run_check(only_checked, fast, db)
    assert [r.resources for r in run.results] == [["gone"], ["fine"]]
    states = service.latest_states(db)
    assert states["gone"].status == "dead"
    assert states["gone"].failing_streak == 3
    assert states["gone"].archive_url is None  # a loopback address has no archived copy
    assert states["gone"].alternatives[0]["title"] == "Mirror"
    assert states["fine"].status == "alive" and states["fine"].failing_streak == 0
    assert states["never"].status == "unchecked"


async def test_check_resources_by_step(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    add_resources(db, ("a", server.url("/ok/a"), "catalog"))
    run = await service.check_resources(db, fast, step=1)
    assert [(r.url, r.status, r.resources) for r in run.results] == [
        (server.url("/ok/a"), "alive", ["a"])
    ]


def test_archived_copy_only_for_public_hosts_added_before_today(db: Database) -> None:
    now = datetime(2024, 6, 1, 0, 30, tzinfo=UTC)
    add_resources(
        db,
        ("public", "https://gone.org/paper.pdf", "user"),
        ("private", "http://192.168.1.10/paper.pdf", "user"),
        created_at=datetime(2024, 5, 31, 23, 59, tzinfo=UTC),
    )
    urls = ["https://gone.org/paper.pdf", "http://192.168.1.10/paper.pdf"]
    store.save_results(db, [LinkResult(u, "dead", 404, checked_at=now) for u in urls])
    states = service.latest_states(db, now=now)
    assert states["public"].archive_url == "https://web.archive.org/web/2016/" + urls[0]
    assert states["private"].archive_url is None
    same_day = service.latest_states(db, now=datetime(2024, 5, 31, 23, 59, 59, tzinfo=UTC))
    assert same_day["public"].archive_url is None


def test_a_resource_added_today_has_no_archived_copy(db: Database) -> None:
    add_resources(db, ("new", "https://gone.org/new.pdf", "user"))  # created now
    store.save_results(db, [LinkResult("https://gone.org/new.pdf", "dead", 404)])
    state = service.latest_states(db)["new"]
    assert state.failed and state.archive_url is None
    assert "archive_url" not in state.to_dict()
    [target] = service.database_targets(db)
    assert target.created_at is not None


def test_catalog_resources_synced_today_still_have_archived_copies(db: Database) -> None:
    """The article's addresses are old even when the database was made today."""
    add_resources(db, ("article", "https://gone.org/2015.pdf", "catalog"))  # created now
    store.save_results(db, [LinkResult("https://gone.org/2015.pdf", "dead", 404)])
    state = service.latest_states(db)["article"]
    assert state.archive_url == "https://web.archive.org/web/2016/https://gone.org/2015.pdf"
    [target] = service.database_targets(db)
    assert target.created_at is None


def test_an_unknown_step_is_an_error_everywhere(db: Database) -> None:
    add_resources(db, ("a", "https://a.org/", "catalog"))
    message = "no step 9; 'studyplan steps' lists them"
    with pytest.raises(NotFoundError, match=message):
        service.database_targets(db, step=9)
    with pytest.raises(NotFoundError, match=message):
        service.latest_states(db, step=9)


async def test_a_step_without_resources_is_not_an_error(fast: CheckOptions, db: Database) -> None:
    add_resources(db, ("a", "https://a.org/", "catalog"))
    assert service.database_targets(db, step=2) == []
    assert service.latest_states(db, step=2) == {}
    run = await service.check_resources(db, fast, step=2)
    assert run.results == []


async def test_apply_redirects_moves_user_resources_keeping_old_address(
    server: LinkServer, fast: CheckOptions, db: Database
) -> None:
    old = server.url("/moved")
    add_resources(db, ("mine", old, "user"), ("theirs", server.url("/chain/1"), "catalog"))
    await service.check_resources(db, fast)
    preview = service.apply_redirects(db, dry_run=True)
    assert [(c.resource_id, c.new_url) for c in preview] == [("mine", server.url("/ok"))]
    changes = service.apply_redirects(db)
    assert [(c.resource_id, c.old_url, c.new_url) for c in changes] == [
        ("mine", old, server.url("/ok"))
    ]
    with db.read() as session:
        mine = session.get(Resource, "mine")
        theirs = session.get(Resource, "theirs")
    assert mine is not None and theirs is not None
    assert mine.url == server.url("/ok")
    previous = json.loads(mine.alternatives)[-1]
    assert previous["title"] == "previous address" and previous["url"] == old
    assert previous["why"].startswith("moved permanently on ")
    assert theirs.url == server.url("/chain/1")  # catalog resources are left to the catalog
    assert service.apply_redirects(db) == []
