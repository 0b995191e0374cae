"""``studyplan lab …``: practice labs, worked and checked from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studyplan.catalog.vocabulary import MAX_STEP
from studyplan.cli.common import JSON_OPTION, err, open_db, out, print_json, settings
from studyplan.cli.params import utf8_text
from studyplan.errors import UsageError
from studyplan.wording import duration

if TYPE_CHECKING:
    from studyplan.labs.runner import CheckResult, RunResult
    from studyplan.labs.service import LabView

app = typer.Typer(
    help="Practice labs: numpy exercises that studyplan checks.", no_args_is_help=True
)

LAB_ID = typer.Argument(
    ..., help="The lab's id ('studyplan lab list' shows them).", callback=utf8_text
)

STATUS_MARK = {"not_started": "[ ]", "started": "[~]", "passed": "[x]"}


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    step: int | None = typer.Option(
        None, "--step", "-s", min=1, max=MAX_STEP, help="Only this step's labs."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Every lab in study order, with its status and attempts."""
    from studyplan.cli import render
    from studyplan.labs.service import list_labs

    labs = list_labs(open_db(ctx), step)
    if json_:
        print_json([lab.to_dict() for lab in labs])
        return
    rows = [
        [lab.step, STATUS_MARK[lab.status], lab.minutes, lab.attempts, lab.id, lab.title]
        for lab in labs
    ]
    out(render.table(("STEP", "ST", "MIN", "TRIES", "ID", "TITLE"), rows) if rows else "no labs")


@app.command("show")
def show(ctx: typer.Context, lab_id: str = LAB_ID, json_: bool = JSON_OPTION) -> None:
    """The lab's brief, status and where its file is."""
    from studyplan.labs.service import brief_text, get_lab

    lab = get_lab(open_db(ctx), lab_id)
    brief = brief_text(lab)
    if json_:
        print_json({**lab.to_dict(), "brief": brief, "hints_shown": lab.hints_shown})
        return
    out(brief.rstrip())
    out("")
    out(f"status    {lab.status.replace('_', ' ')} ({lab.attempts} attempt(s))")
    out(f"follows   {lab.follows_title} [{lab.follows}]")
    out(f"time      about {duration(lab.minutes)}")
    started = lab.work_file.exists()
    where = (
        str(lab.work_file)
        if started
        else f"none yet: 'studyplan lab start {lab.id}' copies the starter"
    )
    out(f"file      {where}")
    out(f"hints     {lab.hints_shown} of {len(lab.hints)} shown ('studyplan lab hint {lab.id}')")


@app.command("start")
def start(
    ctx: typer.Context,
    lab_id: str = LAB_ID,
    edit: bool = typer.Option(False, "--edit", "-e", help="Open the file in $EDITOR."),
) -> None:
    """Copy the starter into the lab workspace (never over your work) and print its path."""
    from studyplan.labs.service import start_lab

    started = start_lab(open_db(ctx), lab_id)
    if started.created:
        out(f"started {started.lab.id}: {started.path}")
    else:
        out(f"{started.lab.id} is already started (your file is kept): {started.path}")
    out(f"then    studyplan lab check {started.lab.id}")
    if edit:
        _edit(ctx, started.path)


def _edit(ctx: typer.Context, path: Path) -> None:
    import shlex
    import subprocess

    from studyplan.errors import EditorError

    command = shlex.split(settings(ctx).editor_command) or ["vi"]
    try:
        subprocess.run([*command, str(path)], check=False)
    except FileNotFoundError:
        raise EditorError(
            f"editor '{command[0]}' not found; set $EDITOR or the 'editor' setting "
            f"(your file is {path})"
        ) from None


@app.command("check")
def check(
    ctx: typer.Context,
    lab_id: str = LAB_ID,
    file: Path | None = typer.Option(
        None, "--file", help="Check this file instead of yours (no attempt is recorded)."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Run the lab's checks on your file; exit 0 when every check passes, 1 otherwise."""
    from studyplan.labs.service import check_lab

    stream = None if json_ or not sys.stdout.isatty() else _show_result
    lab, result = check_lab(open_db(ctx), lab_id, file, stream)
    if json_:
        print_json({"lab": lab.id, **result.to_dict()})
    else:
        _print_result(lab, result, streamed=stream is not None)
    if not result.passed:
        raise typer.Exit(1)


def _show_result(check: CheckResult) -> None:
    out(_check_line(check))


def _check_line(check: CheckResult) -> str:
    if check.passed:
        return f"  ✓ {check.name}"
    return f"  ✗ {check.name}: {check.message}"


def _print_result(lab: LabView, result: RunResult, streamed: bool = False) -> None:
    if not streamed:
        for check_result in result.checks:
            out(_check_line(check_result))
    if result.output.strip():
        dropped = f" (and {result.output_dropped} more characters)" if result.output_dropped else ""
        out(f"\nyour code printed{dropped}:")
        out(result.output.rstrip())
    passing = sum(c.passed for c in result.checks)
    total = len(result.checks)
    if result.problem and any(c.message != result.problem for c in result.checks):
        out(f"\n{result.problem}")
    if result.passed:
        out(f"\n{lab.id}: all {total} checks pass. Well done! ({result.duration_ms} ms)")
    else:
        out(f"\n{lab.id}: {passing} of {total} checks pass ({result.duration_ms} ms)")
        out(f"stuck?  studyplan lab hint {lab.id}")


@app.command("hint")
def hint(ctx: typer.Context, lab_id: str = LAB_ID) -> None:
    """Show the next hint (each time one more; they are remembered)."""
    from studyplan.labs.service import get_lab, next_hint

    db = open_db(ctx)
    found = next_hint(db, lab_id)
    if found is None:
        lab = get_lab(db, lab_id)
        out(f"no more hints for {lab.id}: 'studyplan lab solution {lab.id}' shows the solution")
        for number, text in enumerate(lab.hints, 1):
            out(f"  hint {number}: {text}")
        return
    out(f"hint {found.number} of {found.total}: {found.text}")


@app.command("solution")
def solution(
    ctx: typer.Context,
    lab_id: str = LAB_ID,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before a lab is passed."),
) -> None:
    """Print the reference solution (asks first while the lab is not passed)."""
    from studyplan.labs.service import PASSED, get_lab, solution_source

    db = open_db(ctx)
    lab = get_lab(db, lab_id)
    if lab.status != PASSED and not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                f"lab '{lab.id}' is not passed yet; add --yes to see its solution anyway"
            )
        question = f"{lab.id} is not passed yet. Show the solution anyway?"
        if not typer.confirm(question, default=False, err=True):
            err("not shown")
            raise typer.Exit(1)
    sys.stdout.write(solution_source(db, lab.id))


@app.command("reset")
def reset(ctx: typer.Context, lab_id: str = LAB_ID) -> None:
    """Put the starter back; your file is kept in the workspace's backups folder."""
    from studyplan.labs.service import reset_lab

    done = reset_lab(open_db(ctx), lab_id)
    if done.backup is not None:
        out(f"your file is kept as {done.backup}")
    out(f"{done.path} is the starter again")


@app.command("watch")
def watch(ctx: typer.Context, lab_id: str = LAB_ID) -> None:
    """Check on every save of your file (as rustlings watch does); ctrl+c stops."""
    from studyplan.labs.service import check_lab, get_lab

    db = open_db(ctx)
    lab = get_lab(db, lab_id)
    if not lab.work_file.exists():
        raise UsageError(
            f"lab '{lab.id}' is not started: 'studyplan lab start {lab.id}' copies its starter"
        )

    def run_once() -> None:
        current, result = check_lab(db, lab.id)
        _print_result(current, result)
        out(f"\nwatching {current.work_file} (ctrl+c stops)")

    from studyplan.labs.watching import watch_file

    try:
        run_once()
        for _ in watch_file(lab.work_file):
            out("\n" + "-" * 60)
            run_once()
    except KeyboardInterrupt:
        out("stopped watching")


@app.command("verify")
def verify(
    ctx: typer.Context,
    lab_id: str | None = typer.Argument(None, help="Only this lab.", callback=utf8_text),
    json_: bool = JSON_OPTION,
) -> None:
    """For maintainers: every starter fails, every solution passes, every lab is complete."""
    from studyplan.labs.service import get_lab, list_labs
    from studyplan.labs.verify import verify_labs
    from studyplan.services.catalog_query import list_resources

    db = open_db(ctx)
    labs = [get_lab(db, lab_id)] if lab_id else list_labs(db)
    resources = {v.id for v in list_resources(db)}
    verdicts = verify_labs(labs, resources)
    if json_:
        print_json(
            [
                {
                    "lab": v.lab.id,
                    "sound": v.sound,
                    "problems": v.problems,
                    "notes": v.notes,
                    "solution_ms": v.solution.duration_ms if v.solution else None,
                }
                for v in verdicts
            ]
        )
    else:
        for v in verdicts:
            out(f"{'ok ' if v.sound else 'BAD'} {v.lab.id}")
            for problem in v.problems:
                out(f"    {problem}")
            for note in v.notes:
                out(f"    note: {note}")
        bad = sum(not v.sound for v in verdicts)
        out(f"{len(verdicts)} labs: {len(verdicts) - bad} sound, {bad} with problems")
    if any(not v.sound for v in verdicts):
        raise typer.Exit(1)
