"""A PostgreSQL server that is not there, and one that wants a password: one line each."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from studyplan.db.faults import unreachable_server
from tests.conftest import cli_fails, cli_ok
from tests.postgres import PostgresTestServer


def _down(server: str, url: str) -> str:
    return (
        f"studyplan: database error: cannot connect to the PostgreSQL server {server} "
        "(No such file or directory): is it running and accepting connections? check the "
        f"server, then STUDYPLAN_DATABASE_URL or the 'database_url' setting ({url})"
    )


def test_a_socket_folder_without_a_server_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@/studyplan?host={tmp_path}"
    env = {"STUDYPLAN_HOME": str(tmp_path / "home"), "STUDYPLAN_DATABASE_URL": url}
    line = cli_fails("steps", env=env)
    assert line == _down(f"on the socket {tmp_path}/.s.PGSQL.5432", url)


def test_a_server_stopped_between_two_commands_is_one_line(tmp_path: Path) -> None:
    server = PostgresTestServer()
    try:
        server.start(template=False)
        url = server.url(server.create_database(empty=True))
        env = {"STUDYPLAN_HOME": str(tmp_path / "home"), "STUDYPLAN_DATABASE_URL": url}
        assert "todo -> done" in cli_ok("done", "1.1", env=env)  # creates the tables first
        server.halt()
        line = cli_fails("done", "1.2", env=env)
    finally:
        server.stop()
    assert line == _down(f"on the socket {server.socket_dir}/.s.PGSQL.5432", url)


def test_a_role_gets_in_with_its_password_only(
    postgres_server: PostgresTestServer, postgres_database: str, tmp_path: Path
) -> None:
    """The suite's server lets every role but the superuser in with its password only."""
    database = str(make_url(postgres_database).database)
    role = f"learner_{database}"
    with postgres_server.connect(database) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right horse'")
        conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
    home = str(tmp_path / "home")
    try:
        for password in ("wrong", None):
            url = postgres_server.url(database, user=role, password=password)
            line = cli_fails("steps", env={"STUDYPLAN_HOME": home, "STUDYPLAN_DATABASE_URL": url})
            assert line.startswith("studyplan: database error: cannot open") and "wrong" not in line
            assert (
                f'password authentication failed for user "{role}"' in line
                or "no password supplied" in line
            )
        url = postgres_server.url(database, user=role, password="right horse")
        steps = cli_ok("steps", env={"STUDYPLAN_HOME": home, "STUDYPLAN_DATABASE_URL": url})
        assert "Introducing Deep Learning" in steps  # the bundled catalog, synced
    finally:
        with postgres_server.connect(database) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


@pytest.mark.parametrize(
    ("driver_says", "expected"),
    [
        (
            'connection failed: connection to server at "10.0.0.5", port 5433 failed: '
            "Connection refused\n\tIs the server running on that host?",
            "the PostgreSQL server at 10.0.0.5 port 5433 (Connection refused): is it running",
        ),
        (
            "failed to resolve host 'db.example.org': [Errno -2] Name or service not known",
            "the PostgreSQL server at db.example.org port 5433 (failed to resolve host "
            "'db.example.org': [Errno -2] Name or service not known): is the host name right?",
        ),
        (
            'connection failed: connection to server on socket "/run/pg/.s.PGSQL.5432" failed: '
            "FATAL:  the database system is shutting down",
            "the PostgreSQL server on the socket /run/pg/.s.PGSQL.5432 (FATAL:  the database "
            "system is shutting down): is it running",
        ),
    ],
)
def test_each_way_a_server_is_not_there_names_it(driver_says: str, expected: str) -> None:
    where = "postgresql+psycopg://u:***@db.example.org:5433/studyplan"
    error = unreachable_server(RuntimeError(driver_says), where)
    assert error is not None and f"cannot connect to {expected}" in error.message
    assert error.message.endswith(f"'database_url' setting ({where})")
    assert "\n" not in error.message


def test_other_driver_errors_are_not_taken_for_a_server_that_is_down() -> None:
    said = 'FATAL:  password authentication failed for user "u"'
    assert unreachable_server(RuntimeError(said), "postgresql://u@h/db") is None
