"""Twenty studyplan processes at once on the same resources, on SQLite and on PostgreSQL.

Every process must succeed (no "internal error" for a race), every note saved must be kept
(as the note or as one of its versions), the positions of a step must stay unique, and the
final status of a resource must be the last change its history records.
"""

from __future__ import annotations

import itertools
import os
import subprocess
from collections import Counter

from tests.conftest import cli_ok, database_rows, studyplan_command

PROCESSES = 20


def _start_all(commands: list[list[str]], env: dict[str, str]) -> list[subprocess.Popen[str]]:
    """Start every command before waiting for any (they run at once)."""
    full_env = {**os.environ, **env}
    return [
        subprocess.Popen(
            [*studyplan_command(), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=full_env,
        )
        for args in commands
    ]


def _finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append((process.returncode, out, err))
    return results


def _mixed_commands() -> list[list[str]]:
    commands: list[list[str]] = []
    for i in range(PROCESSES):
        kind = i % 4
        if kind == 0:
            commands.append(["note", "intro-video", f"note number {i}"])
        elif kind == 1:
            commands.append(["done", "basics-notes"])
        elif kind == 2:
            commands.append(
                [
                    "add",
                    f"https://example.org/shared-{i}",
                    "--step",
                    "1",
                    "--title",
                    "Same Title",
                    "--kind",
                    "blog-post",
                ]
            )
        else:
            commands.append(["reset", "basics-notes"])
    return commands


def test_twenty_processes_at_once_lose_nothing(env: dict[str, str]) -> None:
    cli_ok("steps", env=env)  # the database exists and the catalog is synced
    commands = _mixed_commands()
    results = _finish(_start_all(commands, env))
    failed = [
        (args, code, err) for args, (code, _, err) in zip(commands, results, strict=True) if code
    ]
    assert not failed
    assert not [err for _, _, err in results if "internal error" in err or "Traceback" in err]

    # every note saved is kept: the note itself or one of its earlier versions
    bodies = {r[0] for r in database_rows(env, "SELECT body FROM note")}
    bodies |= {r[0] for r in database_rows(env, "SELECT body FROM note_version")}
    saved = {args[2] for args in commands if args[0] == "note"}
    assert saved <= bodies
    versions = database_rows(env, "SELECT COUNT(*) FROM note_version")[0][0]
    assert versions == len(saved) - 1  # each later save kept the one before it

    # positions unique within each step, and every add made its own resource
    positions = database_rows(env, "SELECT step_id, position FROM resource")
    assert not [p for p, n in Counter(positions).items() if n > 1]
    added = database_rows(env, "SELECT id FROM resource WHERE origin = 'user'")
    assert len(added) == len(set(added)) == sum(1 for a in commands if a[0] == "add")

    # the status is what the last recorded change says, and each change starts where the
    # previous one ended (no two processes changed the same starting point)
    history = database_rows(
        env,
        "SELECT from_status, to_status FROM activity WHERE resource_id = 'basics-notes' "
        "ORDER BY id",
    )
    status = database_rows(env, "SELECT status FROM progress WHERE resource_id = 'basics-notes'")
    assert history and status[0][0] == history[-1][1]
    for before, after in itertools.pairwise(history):
        assert after[0] == before[1]
