"""``links check FILE --force`` stores its results from another process: faults on either side.

The checking process sends results to ``python -m studyplan.cli.links_store`` as they arrive;
these tests interrupt the checker, and kill the storing process, mid-run, through the real
console script against the loopback server.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from links_cli import STUDYPLAN, run_links
from links_server import LinkServer

from tests.conftest import database_rows

pytestmark = pytest.mark.skipif(not STUDYPLAN.exists(), reason="console script not installed")


@pytest.fixture
def home(db_home: Path) -> Path:
    return db_home


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def start(home: Path, links: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "STUDYPLAN_HOME": str(home)}
    return subprocess.Popen(
        [str(STUDYPLAN), "links", "check", str(links), "--force", "--timeout", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=home,
    )


def storing_children(parent: int) -> list[int]:
    """The pids of ``parent``'s storing processes (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")), 0
        )
        if ppid == parent and b"studyplan.cli.links_store" in command:
            found.append(int(entry.name))
    return found


@pytest.mark.sqlite_only
def test_an_interrupted_check_says_so_once_and_keeps_what_was_stored(
    server: LinkServer, home: Path
) -> None:
    links = home / "links.md"
    tag = uuid.uuid4().hex
    links.write_text(f"- {server.url('/ok/before')}\n- {server.url(f'/gate/{tag}', host=2)}\n")
    database = home / "studyplan.db"
    proc = start(home, links)
    try:
        wait_for(lambda: server.hits[f"/gate/{tag}"] == 1, "the held request")
        wait_for(lambda: database.exists() and database.stat().st_size > 0, "the database")
        wait_for(lambda: storing_children(proc.pid) != [], "the storing process")
        time.sleep(0.5)  # the writer sends every 0.2 s: /ok/before reaches the storing side
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        server.open_gate(tag)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert stderr.count("interrupted") == 1, stderr
    assert "Traceback" not in stderr


@pytest.mark.sqlite_only
def test_a_storing_process_that_dies_is_one_line_and_exit_1(server: LinkServer, home: Path) -> None:
    links = home / "links.md"
    tag = uuid.uuid4().hex
    links.write_text(f"- {server.url('/ok/a')}\n- {server.url(f'/gate/{tag}', host=2)}\n")
    proc = start(home, links)
    try:
        wait_for(lambda: storing_children(proc.pid) != [], "the storing process")
        for child in storing_children(proc.pid):
            os.kill(child, signal.SIGKILL)
        server.open_gate(tag)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        server.open_gate(tag)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1
    assert "2 URLs: 2 alive" in stdout  # the report is printed before the storing ends
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines == [
        "studyplan: links: the results could not be stored (the storing process ended with "
        "code -9); run the check again"
    ]


@pytest.mark.sqlite_only
def test_results_sent_after_the_storing_process_died_are_one_line_not_a_broken_pipe(
    server: LinkServer, home: Path
) -> None:
    """Results keep coming for a second after the storing process is killed: writing them
    to its closed pipe is an error of the storing, not a SIGPIPE that ends the checker."""
    links = home / "links.md"
    tag = uuid.uuid4().hex
    slow = [server.url(f"/delay/{10 * (i % 10)}/{tag}/{i}", host=1 + i % 2) for i in range(200)]
    links.write_text(f"- {server.url(f'/gate/{tag}')}\n" + "".join(f"- {u}\n" for u in slow))
    proc = start(home, links)
    try:
        wait_for(lambda: server.hits[f"/gate/{tag}"] == 1, "the held request")
        wait_for(lambda: storing_children(proc.pid) != [], "the storing process")
        for child in storing_children(proc.pid):
            os.kill(child, signal.SIGKILL)
        server.open_gate(tag)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        server.open_gate(tag)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, stderr
    assert "201 URLs: 201 alive" in stdout
    assert [line for line in stderr.splitlines() if line.strip()] == [
        "studyplan: links: the results could not be stored (the storing process ended with "
        "code -9); run the check again"
    ]


def test_results_arrive_in_the_database_while_the_check_still_runs(
    server: LinkServer, home: Path
) -> None:
    links = home / "links.md"
    tag = uuid.uuid4().hex
    links.write_text(f"- {server.url('/ok/early')}\n- {server.url(f'/gate/{tag}', host=2)}\n")
    proc = start(home, links)
    try:
        wait_for(lambda: server.hits[f"/gate/{tag}"] == 1, "the held request")
        # the first result is stored while the second request is still held
        wait_for(lambda: _stored(home, "/ok/early"), "the first result in the database")
        assert proc.poll() is None
    finally:
        server.open_gate(tag)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert _stored(home, f"/gate/{tag}")


def _stored(home: Path, path: str) -> bool:
    """Whether a result for ``path`` is in the database (False while it is being made)."""
    url = os.environ.get("STUDYPLAN_DATABASE_URL", "")
    if not url and not (home / "studyplan.db").exists():
        return False  # not made yet: looking would create an empty file
    env = {"STUDYPLAN_HOME": str(home), "STUDYPLAN_DATABASE_URL": url}
    try:
        rows = database_rows(env, "SELECT url FROM link_check")
    except Exception:  # the table does not exist yet
        return False
    return any(str(found).endswith(path) for (found,) in rows)


def test_sigpipe_is_ignored_only_while_checking() -> None:
    # the command ends quietly on SIGPIPE (`| head`); while it checks, a send to a socket the
    # server reset must be an error of that URL, not a silent exit 141
    from studyplan.cli.boundary import sigpipe_ignored

    before = signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        with sigpipe_ignored():
            assert signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN
        assert signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGPIPE, before)


def stored(home: Path, marker: str) -> int:
    with sqlite3.connect(home / "studyplan.db") as conn:
        return conn.execute(
            "SELECT count(*) FROM link_check WHERE url LIKE ?", (f"%{marker}%",)
        ).fetchone()[0]


@pytest.mark.sqlite_only
def test_every_result_is_stored_when_the_report_meets_a_closed_pipe(
    server: LinkServer, home: Path
) -> None:
    links = home / "links.md"
    links.write_text(
        "".join(f"- {server.url(f'/ok/pipe{i}', host=1 + i % 2)}\n" for i in range(1500))
    )
    proc = start(home, links)
    assert proc.stdout is not None
    proc.stdout.readline()  # the reader reads the first line and goes away (`| head -1`)
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 141, stderr  # ends as a closed pipe ends other commands
    assert stderr == ""
    assert stored(home, "/ok/pipe") == 1500


@pytest.mark.sqlite_only
def test_every_result_is_stored_when_the_report_cannot_be_written(
    server: LinkServer, home: Path
) -> None:
    links = home / "links.md"
    links.write_text("".join(f"- {server.url(f'/ok/unwritten{i}')}\n" for i in range(40)))
    done = run_links(home, "check", str(links), "--force", "-o", str(home / "no" / "out.txt"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "cannot write" in done.stderr
    assert stored(home, "/ok/unwritten") == 40
