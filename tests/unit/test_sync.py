"""Sync keeps the learner's progress and notes across catalog edits and removals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from studyplan.catalog.loader import CatalogInvalid
from studyplan.db.database import Database
from studyplan.db.models import Curriculum, Resource
from studyplan.errors import NotFoundError, UsageError
from studyplan.services.catalog_admin import import_catalog, sync
from studyplan.services.catalog_query import Filters, get_resource, list_resources
from studyplan.services.notes import get_note, save_note
from studyplan.services.own_resources import add_resource
from studyplan.services.progress import set_status
from studyplan.services.workspace import ensure_catalog_synced
from studyplan.settings import Settings


def rewrite(path: Path, change: callable) -> None:  # type: ignore[valid-type]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_edits_keep_progress_and_notes(db: Database, settings: Settings) -> None:
    set_status(db, "backprop-post", "done")
    save_note(db, "backprop-post", "my notes")

    def edit(d: dict) -> None:  # type: ignore[type-arg]
        post = d["steps"][1]["resources"][0]
        post["title"] = "Backprop, Revised"
        post["url"] = "https://blog.example.org/backprop-v2"

    rewrite(settings.catalog_path, edit)
    report = ensure_catalog_synced(db, settings.catalog_path)
    assert report is not None and report.updated == ["backprop-post"]
    view = get_resource(db, "backprop-post")
    assert (view.title, view.url, view.status) == (
        "Backprop, Revised",
        "https://blog.example.org/backprop-v2",
        "done",
    )
    note = get_note(db, "backprop-post")
    assert note is not None and note.body == "my notes"


def test_unchanged_catalog_is_not_parsed_again(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes: no parse and no write. A changed byte: parsed and synced again."""
    from studyplan.catalog import loader

    parsed: list[Path] = []
    real = loader.load_catalog
    monkeypatch.setattr(loader, "load_catalog", lambda path: parsed.append(path) or real(path))
    with db.read() as session:
        before = session.get(Curriculum, "main")
        assert before is not None
        synced_at = before.synced_at
    assert ensure_catalog_synced(db, settings.catalog_path) is None
    assert parsed == []
    with db.read() as session:
        after = session.get(Curriculum, "main")
        assert after is not None and after.synced_at == synced_at
    settings.catalog_path.write_text(settings.catalog_path.read_text() + "\n# edited\n")
    assert ensure_catalog_synced(db, settings.catalog_path) is not None
    assert parsed == [settings.catalog_path.resolve()]


def test_removed_resource_is_retired_then_restored(db: Database, settings: Settings) -> None:
    set_status(db, "old-slides", "skipped", "seen it")
    save_note(db, "old-slides", "keep me")
    original = settings.catalog_path.read_text()
    rewrite(settings.catalog_path, lambda d: d["steps"][1]["resources"].pop(1))
    report = ensure_catalog_synced(db, settings.catalog_path)
    assert report is not None and report.retired == ["old-slides"]
    assert "old-slides" not in [v.id for v in list_resources(db)]
    with pytest.raises(NotFoundError, match="retired"):
        get_resource(db, "old-slides", include_retired=False)
    retired = get_resource(db, "old-slides")  # show finds it, marked retired
    assert retired.retired_at is not None and retired.ref == "retired"
    assert retired.status == "skipped"
    with db.read() as session:
        assert session.get(Resource, "old-slides") is not None  # history kept, never deleted

    settings.catalog_path.write_text(original)
    report = ensure_catalog_synced(db, settings.catalog_path)
    assert report is not None and report.restored == ["old-slides"]
    view = get_resource(db, "old-slides")
    assert (view.status, view.skip_reason) == ("skipped", "seen it")
    note = get_note(db, "old-slides")
    assert note is not None and note.body == "keep me"


def test_new_resource_shifts_positions(db: Database, settings: Settings) -> None:
    def insert_first(d: dict) -> None:  # type: ignore[type-arg]
        d["steps"][0]["resources"].insert(
            0,
            {
                "id": "new-first",
                "title": "New First",
                "kind": "paper",
                "url": "https://example.org/new",
                "minutes": 10,
                "provenance": {"label": "curated", "reason": "a test addition"},
            },
        )

    rewrite(settings.catalog_path, insert_first)
    ensure_catalog_synced(db, settings.catalog_path)
    assert [v.id for v in list_resources(db, Filters(step=1))] == [
        "new-first",
        "intro-video",
        "basics-notes",
    ]
    assert get_resource(db, "1.2").id == "intro-video"


def test_user_resource_survives_sync(db: Database, settings: Settings) -> None:
    mine = add_resource(db, "https://mine.example.org/", 1, "My Find", "video", 12)
    assert mine.origin == "user" and mine.ref == "1.3"
    rewrite(settings.catalog_path, lambda d: d["steps"][0]["resources"].pop(0))
    ensure_catalog_synced(db, settings.catalog_path)
    view = get_resource(db, mine.id)
    assert (view.title, view.ref) == ("My Find", "1.2")


def test_add_refuses_bad_input(db: Database) -> None:
    with pytest.raises(UsageError, match="http"):
        add_resource(db, "ftp://x", 1, "T", "video")
    with pytest.raises(UsageError, match="unknown kind"):
        add_resource(db, "https://x.org", 1, "T", "movie")
    with pytest.raises(NotFoundError, match="no step 9"):
        add_resource(db, "https://x.org", 9, "T", "video")


def test_import_second_curriculum(db: Database, settings: Settings, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(settings.catalog_path.read_text())

    def rename(d: dict) -> None:  # type: ignore[type-arg]
        d["source"]["title"] = "Another Course"
        for step in d["steps"]:
            for r in step["resources"]:
                r["id"] = "other-" + r["id"]

    rewrite(other, rename)
    report = import_catalog(db, other)
    assert report.curriculum == "another-course" and len(report.added) == 4
    assert get_resource(db, "another-course/2.1").id == "other-backprop-post"
    assert get_resource(db, "2.1").id == "backprop-post"
    assert len(list_resources(db, Filters(curriculum="another-course"))) == 4
    # syncing the imported file again updates it in place
    rewrite(other, lambda d: d["steps"][0]["resources"][0].update(title="Changed"))
    assert sync(db, other, settings.catalog_path).updated == ["other-intro-video"]


def test_import_refuses_ids_of_another_curriculum(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    other = tmp_path / "clash.yaml"
    other.write_text(settings.catalog_path.read_text())
    rewrite(other, lambda d: d["source"].update(title="Clash"))
    with pytest.raises(CatalogInvalid, match="already belongs to curriculum 'main'"):
        import_catalog(db, other)


def test_sync_of_unknown_file_is_refused(db: Database, settings: Settings, tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text(settings.catalog_path.read_text())
    with pytest.raises(UsageError, match="catalog import"):
        sync(db, stray, settings.catalog_path)
