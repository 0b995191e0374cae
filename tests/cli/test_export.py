"""``studyplan export`` through the real console script: formats, files, time zones, faults."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import pty
import shlex
import shutil
import subprocess
import tempfile
import termios
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from studyplan.planner.exports import FORMATS
from tests.cli.test_faults import HAS_UNSHARE, IS_ROOT, one_line, run_read_only
from tests.conftest import SMALL_CATALOG, cli_fails, cli_ok, run_cli, studyplan_command

NOW = "2027-01-04T08:00:00+00:00"
"""Monday 4 January 2027."""


@pytest.fixture
def paced(env: dict[str, str]) -> dict[str, str]:
    """The small catalog, the clock on Monday 4 January 2027, 40 minutes on mon, wed, sat."""
    env = {**env, "STUDYPLAN_NOW": NOW}
    cli_ok("plan", "--hours-per-week", "2", "--days", "mon,wed,sat", env=env)
    return env


def run_bytes(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run studyplan and keep its standard output as bytes (no newline translation)."""
    return subprocess.run(
        [*studyplan_command(), *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=60,
    )


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_each_format_on_standard_output_is_the_file_byte_for_byte(
    paced: dict[str, str], tmp_path: Path
) -> None:
    for fmt, suffix in (("markdown", ".md"), ("csv", ".csv"), ("ics", ".ics")):
        shown = run_bytes("export", "--format", fmt, env=paced)
        assert shown.returncode == 0, shown.stderr
        target = tmp_path / f"plan{suffix}"
        written = run_cli("export", "-o", str(target), env=paced)
        assert written.returncode == 0, written.stderr
        assert written.stdout.strip() == f"wrote {target} ({fmt})"
        assert target.read_bytes() == shown.stdout
    dashed = run_bytes("export", "--format", "ics", "-o", "-", env=paced)
    assert dashed.stdout == shown.stdout
    assert target.read_bytes().count(b"\r\n") == target.read_bytes().count(b"\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_statuses_after_done_skip_and_start(paced: dict[str, str]) -> None:
    cli_ok("done", "1.1", env=paced)
    cli_ok("skip", "2.2", "--reason", "lost", env=paced)
    cli_ok("start", "2.1", env=paced)
    before = datetime.now(ZoneInfo("UTC")).date()
    rows = csv_rows(run_bytes("export", "--format", "csv", env=paced).stdout)
    after = datetime.now(ZoneInfo("UTC")).date()
    assert [(r["id"], r["status"]) for r in rows] == [
        ("intro-video", "done"),
        ("basics-notes", "todo"),
        ("backprop-post", "in_progress"),
        ("old-slides", "skipped"),
    ]
    assert rows[0]["finished"] in {before.isoformat(), after.isoformat()}
    assert [r["scheduled"] for r in rows] == ["", "2027-01-06", "2027-01-04", ""]
    text = cli_ok("export", env=paced)
    assert "- [x] [Intro Video](https://video.example.org/intro)" in text
    assert (
        "- [x] [Old Slides](http://gone.example.org/slides.pdf) — slides, 20 min (skipped: lost)"
        in text
    )
    assert "- [ ] [A Step by Step Backprop Example](" in text and "(in progress " in text


def test_the_calendar_follows_the_time_zone_and_study_time(paced: dict[str, str]) -> None:
    env = {**paced, "STUDYPLAN_TIMEZONE": "Europe/Paris", "STUDYPLAN_STUDY_TIME": "19:30"}
    calendar = Calendar.from_ical(run_bytes("export", "-f", "ics", env=env).stdout)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = calendar.walk("VEVENT")
    assert len(events) == 5
    paris = ZoneInfo("Europe/Paris")
    for event in events:
        assert event.start.utcoffset() == timedelta(hours=1)
        assert event.start.replace(tzinfo=None).time().isoformat() == "19:30:00"
        assert event.start.astimezone(paris).hour == 19
    assert events[0].start.isoformat() == "2027-01-04T19:30:00+01:00"


def test_uids_stay_and_sequence_grows_across_exports(paced: dict[str, str]) -> None:
    def events(env: dict[str, str]) -> list[tuple[str, int, str]]:
        calendar = Calendar.from_ical(run_bytes("export", "-f", "ics", env=env).stdout)
        return [
            (str(e["UID"]), int(e["SEQUENCE"]), e.start.date().isoformat())
            for e in calendar.walk("VEVENT")
        ]

    first = events(paced)
    assert events(paced) == first
    cli_ok("done", "1.1", env=paced)
    later = events({**paced, "STUDYPLAN_NOW": "2027-01-04T09:00:00+00:00"})
    assert first[0][0] == "studyplan-2027-01-04@studyplan"
    assert {uid for uid, _, _ in later} <= {uid for uid, _, _ in first}
    assert all(uid == f"studyplan-{day}@studyplan" for uid, _, day in later)
    assert min(seq for _, seq, _ in later) > max(seq for _, seq, _ in first)


def test_remind_adds_an_alarm_to_each_session(paced: dict[str, str]) -> None:
    calendar = Calendar.from_ical(
        run_bytes("export", "-f", "ics", "--remind", "15", env=paced).stdout
    )
    events = calendar.walk("VEVENT")
    alarms = [alarm for event in events for alarm in event.walk("VALARM")]
    assert len(alarms) == len(events) == 5
    assert {alarm["TRIGGER"].dt for alarm in alarms} == {timedelta(minutes=-15)}
    assert "TRIGGER:-PT15M" in run_cli("export", "-f", "ics", "--remind", "15", env=paced).stdout


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "xml"], "unknown format 'xml'; choose one of markdown, json, csv, ics, html"),
        (["-o", "plan.txt"], "cannot tell the format from 'plan.txt'"),
        (["--remind", "10"], "--remind works with the ics format only"),
        (["-o", ""], "-o: give a file name, or - for standard output"),
        (["-f", "ics", "--remind", "10081"], "--remind"),
        (["-f", "ics", "--remind", "-1"], "--remind"),
    ],
)
def test_bad_options_are_one_line(env: dict[str, str], args: list[str], expected: str) -> None:
    line = cli_fails("export", *args, env=env)
    assert line.startswith("studyplan: usage error:") and expected in line


def test_the_format_comes_from_the_file_name(paced: dict[str, str], tmp_path: Path) -> None:
    for name, start in (
        ("a.md", b"# Study plan"),
        ("b.markdown", b"# Study plan"),
        ("c.CSV", b"\xef\xbb\xbfstep,id,"),
        ("d.ics", b"BEGIN:VCALENDAR\r\n"),
        ("no-suffix", b"# Study plan"),
    ):
        cli_ok("export", "-o", str(tmp_path / name), env=paced)
        assert (tmp_path / name).read_bytes().startswith(start), name
    cli_ok("export", "-f", "csv", "-o", str(tmp_path / "e.md"), env=paced)
    assert (tmp_path / "e.md").read_bytes().startswith(b"\xef\xbb\xbfstep")


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_there_is_exports(paced: dict[str, str], tmp_path: Path, name: str) -> None:
    if importlib.util.find_spec(FORMATS[name]) is None:
        line = cli_fails("export", "-f", name, env=paced)
        assert f"the {name} format is not available" in line
        return
    target = tmp_path / f"plan.{name}"
    cli_ok("export", "-f", name, "-o", str(target), env=paced)
    assert target.stat().st_size > 0


def test_without_a_pace_everything_is_listed_and_nothing_scheduled(env: dict[str, str]) -> None:
    env = {**env, "STUDYPLAN_NOW": NOW}
    text = cli_ok("export", env=env)
    assert "No pace set, so nothing is scheduled yet" in text and "scheduled:" not in text
    rows = csv_rows(run_bytes("export", "-f", "csv", env=env).stdout)
    assert len(rows) == 4 and {r["scheduled"] for r in rows} == {""}
    result = run_bytes("export", "-f", "ics", env=env)
    assert result.returncode == 0
    assert b"studyplan: warning: no pace set" in result.stderr
    calendar = Calendar.from_ical(result.stdout)
    assert not calendar.walk("VEVENT") and "No pace set" in str(calendar["DESCRIPTION"])


def test_a_folder_or_a_missing_folder_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "out.md"
    folder.mkdir()
    line = cli_fails("export", "-o", str(folder), env=env)
    assert (
        line
        == f"studyplan: export error: {folder} is a folder; give a file name, e.g. {folder}/plan.md"
    )
    line = cli_fails("export", "-o", str(tmp_path / "missing" / "plan.md"), env=env)
    assert "missing: no such folder; create it or choose another path" in line
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(IS_ROOT and not HAS_UNSHARE, reason="root needs unshare(1)")
def test_a_read_only_folder_is_one_line_and_leaves_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    cli_ok("steps", env=env)
    folder = tmp_path / "read-only"
    folder.mkdir()
    line = one_line(run_read_only(folder, "export", "-o", str(folder / "plan.md"), env=env))
    assert line.startswith(f"studyplan: export error: {folder / 'plan.md'}: cannot write there")
    assert list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_and_keeps_its_mode(
    env: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    cli_ok("export", "-o", str(link), env=env)
    assert link.is_symlink() and target.read_bytes().startswith(b"\xef\xbb\xbfstep")
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [
        "catalog.yaml",
        "link.csv",
        "plan.csv",
    ]


def test_a_device_is_written_to_directly(env: dict[str, str]) -> None:
    result = run_bytes("export", "-f", "csv", "-o", "/dev/stdout", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"\xef\xbb\xbfstep,id,")


@pytest.mark.skipif(not (IS_ROOT and HAS_UNSHARE), reason="needs root to mount a small tmpfs")
def test_a_full_disk_is_one_line_and_leaves_nothing(env: dict[str, str], tmp_path: Path) -> None:
    cli_ok("steps", env=env)
    folder, listing = tmp_path / "full", tmp_path / "listing"
    folder.mkdir()
    quoted, target = shlex.quote(str(folder)), shlex.quote(str(folder / "plan.md"))
    command = " ".join(shlex.quote(part) for part in (*studyplan_command(), "export", "-o"))
    script = (
        f"mount -t tmpfs -o size=64k tmpfs {quoted}"
        f" && (dd if=/dev/zero of={quoted}/filler bs=4k 2>/dev/null || true)"
        f" && {command} {target}; code=$?; ls -A {quoted} > {shlex.quote(str(listing))}; exit $code"
    )
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    line = one_line(result)
    assert line.startswith("studyplan: export error:") and "the disk is full" in line
    assert "nothing was written" in line
    assert listing.read_text().split() == ["filler"]


def test_a_terminal_sees_control_characters_as_signs(paced: dict[str, str]) -> None:
    cli_ok("note", "1.1", "bell \x07 and clear \x1b[2J here", env=paced)
    piped = run_bytes("export", "--notes", env=paced).stdout
    # a file is read in terminals too: control characters are signs there as well
    assert "bell ␇ and clear ␛[2J here".encode() in piped and b"\x1b" not in piped
    shown = on_a_terminal("export", "--notes", env=paced)
    assert "bell ␇ and clear ␛[2J here" in shown and "\x1b" not in shown
    named = on_a_terminal("export", "--notes", "-o", "/dev/stdout", env=paced)
    assert "bell ␇ and clear ␛[2J here" in named and "\x1b" not in named
    csv_shown = on_a_terminal("export", "-f", "csv", env=paced)
    assert csv_shown.startswith("step,id,") and "\ufeff" not in csv_shown


def on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run studyplan with standard output on a pseudo-terminal; what it printed."""
    leader, follower = pty.openpty()
    attrs = termios.tcgetattr(follower)
    attrs[1] &= ~termios.ONLCR  # keep "\n" as the program wrote it
    termios.tcsetattr(follower, termios.TCSANOW, attrs)
    process = subprocess.Popen(
        [*studyplan_command(), *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks).decode("utf-8")


def _as_nobody(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run studyplan as an unprivileged user when the tests run as root (root may write
    any file, read-only or not)."""
    if not IS_ROOT:
        return run_cli(*args, env=env)
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run(
        [*command, *studyplan_command(), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def test_a_read_only_file_is_not_replaced() -> None:
    folder = Path(tempfile.mkdtemp(prefix="studyplan-ro-"))  # reachable by another user
    try:
        folder.chmod(0o777)
        catalog = folder / "catalog.yaml"
        catalog.write_text(SMALL_CATALOG.read_text())
        catalog.chmod(0o644)
        env = {"STUDYPLAN_HOME": str(folder / "home"), "STUDYPLAN_CATALOG": str(catalog)}
        target = folder / "plan.md"
        target.write_text("keep me")
        target.chmod(0o444)
        line = one_line(_as_nobody("export", "-o", str(target), env=env))
        assert line == (
            f"studyplan: export error: {target} is read-only: nothing was written; "
            "make it writable or choose another name"
        )
        assert target.read_text() == "keep me"
        assert sorted(p.name for p in folder.iterdir()) == ["catalog.yaml", "home", "plan.md"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
