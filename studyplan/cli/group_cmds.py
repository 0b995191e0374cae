"""``studyplan group``: a study group's learners, where each stands, and shared notes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from studyplan.cli.common import JSON_OPTION, err, open_db, out, print_json, settings

if TYPE_CHECKING:
    from studyplan.services.group import MemberStatus

app = typer.Typer(
    help="A study group: set it up on PostgreSQL, add and remove learners, see where each stands.",
    no_args_is_help=True,
)


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Set up the group on PostgreSQL: the catalog, roles, grants, row-level security (run
    again safely)."""
    from studyplan.services.group import init_group

    where = init_group(open_db(ctx))  # the organiser's catalog is the group's
    out(f"group ready on {where}")
    out("roles studyplan_organiser and studyplan_learner; row-level security on every")
    out("learner's rows; add learners with 'studyplan group add NAME'")


@app.command("add")
def add(ctx: typer.Context, name: str = typer.Argument(..., help="The learner's name.")) -> None:
    """Add a learner; on PostgreSQL, print their connection URL with a new password (once)."""
    from studyplan.services.group import add_learner

    added = add_learner(open_db(ctx, sync=False), name)
    if added.url is None:
        out(f"learner {added.name} added; they work as STUDYPLAN_LEARNER={added.name}")
        return
    out(f"learner {added.name} added. Their database URL, shown this once:")
    out(f"  {added.url}")
    err(
        "give it to them privately; they run 'studyplan group join URL', which keeps it in "
        "their settings file, readable by them only"
    )


@app.command("join")
def join(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="The database URL 'group add' printed for you."),
) -> None:
    """Join a group: check the URL 'group add' gave you and keep it in your settings file
    (mode 0600)."""
    from studyplan import paths
    from studyplan.db.engine import display_url
    from studyplan.services.group import member_of
    from studyplan.settings_file import set_value

    learner = member_of(url)
    target = paths.settings_file()
    set_value(target, "database_url", url, private=True)
    out(f"you are learner {learner} in the group at {display_url(url)}")
    out(f"the URL is kept in {target} (readable by you only)")


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The learner's name."),
    purge: bool = typer.Option(False, "--purge", help="Also delete their progress and notes."),
) -> None:
    """Take a learner out of the group (their login goes; their history stays unless --purge)."""
    from studyplan.services.group import remove_learner

    remove_learner(open_db(ctx, sync=False), name, purge)
    kept = "their progress and notes were deleted" if purge else "their history is kept"
    out(f"learner {name} removed; {kept}")


@app.command("status")
def status(ctx: typer.Context, json_: bool = JSON_OPTION) -> None:
    """Each learner: finished/total per step, labs passed, minutes this week, last active."""
    from studyplan import clock
    from studyplan.services.group import group_status

    config = settings(ctx)
    members = group_status(open_db(ctx), clock.now(), config.zone, config.first_weekday)
    if json_:
        print_json([_as_json(m) for m in members])
        return
    if not members:
        out("no learners yet; 'studyplan group add NAME' adds one")
        return
    for line in status_lines(members):
        out(line)


@app.command("notes")
def notes(ctx: typer.Context, ref: str = typer.Argument(..., help="A resource id.")) -> None:
    """Print the notes other learners share on a resource (those with share_notes = true)."""
    from studyplan.services.catalog_query import get_resource
    from studyplan.services.group import shared_notes

    db = open_db(ctx)
    resource = get_resource(db, ref)
    found = shared_notes(db, resource.id)
    if not found:
        out(f"nobody shares a note on {resource.id}")
        return
    for note in found:
        out(f"## {note.learner} ({note.updated_at:%Y-%m-%d %H:%M} UTC)")
        out(note.body.rstrip())
        out()


def status_lines(members: list[MemberStatus]) -> list[str]:
    """The status table: one row per learner, one column per step."""
    steps = [s.step for s in members[0].steps]
    name_width = max(7, *(len(m.learner) for m in members))
    head = f"{'LEARNER':<{name_width}}  " + " ".join(f"{'S' + str(n):>5}" for n in steps)
    lines = [head + "   DONE  LABS  MIN/WK  LAST ACTIVE"]
    for m in members:
        cells = " ".join(f"{f'{s.done}/{s.total}':>5}" for s in m.steps)
        share = f"{m.share:>5.0%}"
        last = _when(m.last_active)
        lines.append(
            f"{m.learner:<{name_width}}  {cells}  {share}  {m.labs_passed:>4}  "
            f"{m.minutes_week:>6}  {last}"
        )
    return lines


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def _as_json(member: MemberStatus) -> dict[str, Any]:
    return {
        "learner": member.learner,
        "steps": [{"step": s.step, "done": s.done, "total": s.total} for s in member.steps],
        "done": member.done,
        "total": member.total,
        "labs_passed": member.labs_passed,
        "minutes_this_week": member.minutes_week,
        "last_active": member.last_active.isoformat() if member.last_active else None,
    }
