"""A study group on a real PostgreSQL server: the database itself keeps each learner's rows.

The organiser (the server's superuser here, owner of the schema) runs ``group init`` and
``group add``; each learner then works with the URL ``group add`` printed. The tests connect
with psycopg as a learner, as a learner would with psql, and try to read and change another
learner's rows and the catalog directly: the database must refuse.
"""

from __future__ import annotations

import json
import shlex
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.conftest import SMALL_CATALOG, cli_fails, cli_ok, run_cli, studyplan_command


@pytest.fixture
def group(postgres_database: str, tmp_path: Any) -> Iterator[dict[str, Any]]:
    """A group with two learners, ada and bob (names unique on this server), each with their
    own environment; ada finished a resource and wrote a note, bob started one."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(SMALL_CATALOG.read_text())
    organiser = {
        "STUDYPLAN_HOME": str(tmp_path / "organiser"),
        "STUDYPLAN_CATALOG": str(catalog),
        "STUDYPLAN_DATABASE_URL": postgres_database,
    }
    suffix = uuid.uuid4().hex[:8]  # role names are the server's, shared by every test
    names = {"ada": f"ada_{suffix}", "bob": f"bob_{suffix}"}
    cli_ok("group", "init", env=organiser)
    urls = {}
    for short, name in names.items():
        printed = cli_ok("group", "add", name, env=organiser)
        urls[short] = printed.splitlines()[1].strip()
    learners = {
        short: {
            "STUDYPLAN_HOME": str(tmp_path / short),
            "STUDYPLAN_CATALOG": str(catalog),
            "STUDYPLAN_DATABASE_URL": urls[short],
        }
        for short in names
    }
    cli_ok("done", "intro-video", env=learners["ada"])
    cli_ok("note", "intro-video", "ada's own thoughts", env=learners["ada"])
    cli_ok("start", "basics-notes", env=learners["bob"])
    cli_ok("note", "basics-notes", "bob's private words", env=learners["bob"])
    yield {"organiser": organiser, "names": names, "urls": urls, "env": learners}
    with psycopg.connect(_libpq(postgres_database), autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP OWNED BY "{name}"') if _role_exists(conn, name) else None
            conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def _as(group: dict[str, Any], who: str) -> psycopg.Connection[Any]:
    return psycopg.connect(_libpq(group["urls"][who]), autocommit=True)


def test_group_init_is_idempotent_and_members_work_with_their_url(
    group: dict[str, Any],
) -> None:
    cli_ok("group", "init", env=group["organiser"])  # again: nothing breaks
    shown = json.loads(cli_ok("steps", "--json", env=group["env"]["ada"]))
    assert shown  # the catalog is there for a learner (the organiser synced it)
    ada = json.loads(cli_ok("list", "--json", env=group["env"]["ada"]))
    statuses = {r["id"]: r["status"] for r in ada}
    assert statuses["intro-video"] == "done" and statuses["basics-notes"] == "todo"


def test_a_learner_reads_and_changes_only_their_own_rows(group: dict[str, Any]) -> None:
    ada, bob = group["names"]["ada"], group["names"]["bob"]
    with _as(group, "ada") as conn:
        for table in ("progress", "note", "activity", "note_version"):
            learners = {r[0] for r in conn.execute(f"SELECT learner FROM {table}")}
            assert learners <= {ada}, table
        update = "UPDATE progress SET status = 'done' WHERE learner = %s"
        assert conn.execute(update, (bob,)).rowcount == 0
        assert conn.execute("DELETE FROM note WHERE learner = %s", (bob,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO progress (learner, resource_id, status, skip_reason, updated_at) "
                "VALUES (%s, 'old-slides', 'done', '', now())",
                (bob,),
            )
    with _as(group, "bob") as conn:
        status = conn.execute(
            "SELECT status FROM progress WHERE resource_id = 'basics-notes'"
        ).fetchone()
        assert status == ("in_progress",)  # ada's update above reached nothing of bob's
        body = conn.execute("SELECT body FROM note").fetchone()
        assert body == ("bob's private words",)


def test_a_temporary_table_named_learner_does_not_make_a_learner_somebody_else(
    group: dict[str, Any],
) -> None:
    ada = group["names"]["ada"]
    with _as(group, "bob") as conn:
        conn.execute(
            "CREATE TEMP TABLE learner (name varchar, role_name varchar, "
            "removed_at timestamp, share_notes boolean)"
        )
        conn.execute("INSERT INTO learner VALUES (%s, current_user, NULL, true)", (ada,))
        conn.execute("SET search_path = pg_temp, public")
        assert conn.execute("SELECT learner FROM note WHERE learner = %s", (ada,)).fetchall() == []
        changed = conn.execute("UPDATE progress SET status = 'todo' WHERE learner = %s", (ada,))
        assert changed.rowcount == 0
    with _as(group, "ada") as conn:
        status = conn.execute("SELECT status FROM progress WHERE resource_id = 'intro-video'")
        assert status.fetchone() == ("done",)


def test_a_learner_cannot_add_a_version_to_another_learners_note(
    group: dict[str, Any], postgres_database: str
) -> None:
    ada, bob = group["names"]["ada"], group["names"]["bob"]
    insert = (
        "INSERT INTO note_version (note_id, body, saved_at, learner) "
        "VALUES (%s, 'pinned', now(), current_user)"
    )
    with psycopg.connect(_libpq(postgres_database), autocommit=True) as conn:
        adas = conn.execute("SELECT id FROM note WHERE learner = %s", (ada,)).fetchone()[0]
        missing = conn.execute("SELECT MAX(id) + 1000 FROM note").fetchone()[0]
    with _as(group, "bob") as conn:
        for note_id in (adas, missing):  # the same refusal: no probing which notes exist
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(insert, (note_id,))
    cli_ok("note", "basics-notes", "bob's second thoughts", env=group["env"]["bob"])
    with _as(group, "bob") as conn:  # his own notes still get their versions
        kept = conn.execute("SELECT body FROM note_version").fetchall()
        assert kept == [("bob's private words",)]
    with psycopg.connect(_libpq(postgres_database), autocommit=True) as conn:
        conn.execute(  # a version pinned to ada's note by another learner, as before the policy
            "INSERT INTO note_version (note_id, body, saved_at, learner) "
            "VALUES (%s, 'pinned', now(), %s)",
            (adas, bob),
        )
    cli_ok("group", "remove", ada, "--purge", env=group["organiser"])
    with psycopg.connect(_libpq(postgres_database), autocommit=True) as conn:
        assert conn.execute("SELECT 1 FROM note WHERE learner = %s", (ada,)).fetchall() == []


def test_learners_cannot_create_objects_in_the_schema_even_where_the_server_allows_it(
    group: dict[str, Any], postgres_database: str
) -> None:
    with psycopg.connect(_libpq(postgres_database), autocommit=True) as conn:
        conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")  # the default before 15
    cli_ok("group", "init", env=group["organiser"])
    with _as(group, "ada") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "CREATE FUNCTION public.lower(varchar) RETURNS text LANGUAGE sql AS 'SELECT 1'"
        )


def test_a_learner_cannot_change_the_catalog_or_the_group(group: dict[str, Any]) -> None:
    with _as(group, "ada") as conn:
        for statement in (
            "DELETE FROM resource",
            "UPDATE step SET title = 'mine'",
            "INSERT INTO learner (name, share_notes, created_at) VALUES ('eve', false, now())",
            "UPDATE learner SET removed_at = now()",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SELECT COUNT(*) FROM resource").fetchone()[0] > 0
    line = cli_fails("group", "add", "eve", env=group["env"]["ada"])
    assert "refused" in line and "organiser" in line
    line = cli_fails(
        "add",
        "https://example.org/x",
        "-s",
        "1",
        "-t",
        "X",
        "-k",
        "blog-post",
        env=group["env"]["ada"],
    )
    assert "permission denied" in line or "refused" in line


def test_notes_are_private_unless_their_learner_shares_them(group: dict[str, Any]) -> None:
    def bobs_notes() -> list[tuple[str, ...]]:
        with _as(group, "ada") as conn:
            return conn.execute("SELECT body FROM note WHERE learner <> current_user").fetchall()

    assert bobs_notes() == []
    assert "nobody shares" in cli_ok("group", "notes", "basics-notes", env=group["env"]["ada"])
    sharing = {**group["env"]["bob"], "STUDYPLAN_SHARE_NOTES": "true"}
    cli_ok("steps", env=sharing)  # bob's choice reaches the database when he next works
    assert bobs_notes() == [("bob's private words",)]
    shared = cli_ok("group", "notes", "basics-notes", env=group["env"]["ada"])
    assert "bob's private words" in shared and group["names"]["bob"] in shared
    with _as(group, "ada") as conn:  # reading is all sharing allows
        changed = conn.execute("UPDATE note SET body = 'vandal' WHERE learner <> current_user")
        assert changed.rowcount == 0


def test_the_status_is_the_same_for_the_organiser_and_a_learner(group: dict[str, Any]) -> None:
    seen_by_organiser = json.loads(cli_ok("group", "status", "--json", env=group["organiser"]))
    seen_by_ada = json.loads(cli_ok("group", "status", "--json", env=group["env"]["ada"]))
    assert seen_by_organiser == seen_by_ada
    names = [m["learner"] for m in seen_by_ada]
    assert names == [group["names"]["ada"], group["names"]["bob"]]  # most advanced first
    ada = seen_by_ada[0]
    assert ada["done"] == 1 and ada["steps"][0] == {"step": 1, "done": 1, "total": 2}
    assert ada["minutes_this_week"] == 30 and ada["last_active"] is not None


def test_a_wrong_password_and_a_removed_learner_are_refused(group: dict[str, Any]) -> None:
    url = group["urls"]["bob"]
    head, tail = url.split("@", 1)
    wrong = {
        **group["env"]["bob"],
        "STUDYPLAN_DATABASE_URL": head[: head.rindex(":")] + ":nope@" + tail,
    }
    line = cli_fails("steps", env=wrong)
    assert "password authentication failed" in line and "nope" not in line
    cli_ok("group", "remove", group["names"]["bob"], env=group["organiser"])
    line = cli_fails("steps", env=group["env"]["bob"])
    assert "cannot" in line or "failed" in line
    status = json.loads(cli_ok("group", "status", "--json", env=group["organiser"]))
    assert [m["learner"] for m in status] == [group["names"]["ada"]]
    kept = run_cli("group", "remove", group["names"]["bob"], "--purge", env=group["organiser"])
    assert kept.returncode == 0, kept.stderr


def test_a_learner_removed_while_writing_a_note_keeps_the_text(
    group: dict[str, Any], tmp_path: Any
) -> None:
    organiser = " ".join(f"{k}={shlex.quote(v)}" for k, v in group["organiser"].items())
    remove = shlex.join([*studyplan_command(), "group", "remove", group["names"]["bob"]])
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nenv {organiser} {remove} >/dev/null\necho typed > "$1"\n')
    editor.chmod(0o755)
    bob = {**group["env"]["bob"], "EDITOR": str(editor), "VISUAL": ""}
    line = cli_fails("note", "old-slides", "--edit", env=bob)
    assert "was removed from the group meanwhile" in line
    assert "the note was not saved; your text is in" in line
    kept = line.split("your text is in ")[1].rstrip(")")
    with open(kept, encoding="utf-8") as draft:
        assert draft.read() == "typed\n"


def test_learner_names_are_checked(group: dict[str, Any]) -> None:
    organiser = group["organiser"]
    assert "exists already" in cli_fails("group", "add", group["names"]["ada"], env=organiser)
    assert "not a valid learner name" in cli_fails("group", "add", "Ada L", env=organiser)
    assert "exists already on this server" in cli_fails("group", "add", "postgres", env=organiser)
    for reserved in ("pg_ada", "public", "none"):
        line = cli_fails("group", "add", reserved, env=organiser)
        assert "reserved by PostgreSQL" in line and "SCRAM" not in line


def test_a_settings_file_holding_a_password_must_be_the_learners_alone(
    group: dict[str, Any], tmp_path: Any
) -> None:
    ada = dict(group["env"]["ada"])
    url = ada.pop("STUDYPLAN_DATABASE_URL")
    home = tmp_path / "ada-home"
    home.mkdir()
    settings = home / "settings.toml"
    settings.write_text(f'database_url = "{url}"\n', encoding="utf-8")
    settings.chmod(0o644)
    ada = {**ada, "STUDYPLAN_HOME": str(home), "STUDYPLAN_DATABASE_URL": ""}
    warned = run_cli("steps", env=ada)
    assert warned.returncode == 0
    assert "holds a database password and other users can read it" in warned.stderr
    assert url.split("@")[0].split(":")[-1] not in warned.stderr  # the password is not shown
    settings.chmod(0o600)
    quiet = run_cli("steps", env=ada)
    assert quiet.returncode == 0 and "password" not in quiet.stderr


def test_group_join_keeps_the_url_in_a_private_settings_file(
    group: dict[str, Any], tmp_path: Any
) -> None:
    home = tmp_path / "joining"
    home.mkdir()
    settings = home / "settings.toml"
    settings.write_text('timezone = "Europe/Paris"\n\n[keys]\ndone = "x"\n', encoding="utf-8")
    settings.chmod(0o644)
    env = {**group["env"]["ada"], "STUDYPLAN_HOME": str(home), "STUDYPLAN_DATABASE_URL": ""}
    url = group["urls"]["ada"]
    shown = cli_ok("group", "join", url, env=env)
    password = url.split("@")[0].rsplit(":", 1)[1]
    assert f"learner {group['names']['ada']}" in shown and password not in shown
    assert settings.stat().st_mode & 0o777 == 0o600
    text = settings.read_text(encoding="utf-8")
    assert 'timezone = "Europe/Paris"' in text and '[keys]\ndone = "x"' in text
    mine = {r["id"]: r["status"] for r in json.loads(cli_ok("list", "--json", env=env))}
    assert mine["intro-video"] == "done"  # ada's work, through the kept URL
    line = cli_fails("group", "join", group["organiser"]["STUDYPLAN_DATABASE_URL"], env=env)
    assert "does not log in as a learner" in line
    assert settings.read_text(encoding="utf-8") == text  # a refused URL changes nothing
