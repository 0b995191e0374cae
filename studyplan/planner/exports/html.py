"""The study plan as one self-contained HTML page to keep, print or share.

No script, no external file of any kind: the style sheet is inline, the charts are inline SVG
(:mod:`studyplan.planner.exports.svg_charts`), and the page works offline, in dark and light
mode, and on paper. Everything a learner or a catalog wrote goes through
:func:`studyplan.planner.exports.html_text.text`, and an address becomes a link only when its
scheme is one of :data:`~studyplan.planner.exports.html_text.LINK_SCHEMES`.
"""

from __future__ import annotations

from datetime import date

from studyplan import clock
from studyplan.planner.checklist import ChecklistItem, ChecklistStep, Notes, checklist, notes
from studyplan.planner.exports import ExportContext
from studyplan.planner.exports.html_text import link_target, text
from studyplan.planner.exports.svg_charts import burndown, day_text, heatmap, weeks_chart
from studyplan.planner.items import step_label
from studyplan.planner.service import Plan
from studyplan.planner.statistics import HEAT_LEVELS, RATE_DAYS, StudyStats, study_stats
from studyplan.services.catalog_query import StepSummary, step_summaries
from studyplan.wording import STATUS_WORD, duration

LAB_WORD = {"not_started": "not started", "started": "started", "passed": "passed"}
MARK = {"done": "\u2611", "passed": "\u2611", "skipped": "\u2612"}
"""The checkbox of a finished item (☑ done or passed, ☒ skipped); anything else is ☐."""
OPEN_MARK = "\u2610"
DAYS_LISTED = 4
"""An item planned over more days shows its first and last day and how many."""

STYLE = """
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;
--accent:#0969da;--bar:#2da44e;--track:#eaeef2;--l0:#ebedf0;--l1:#9be9a8;--l2:#40c463;
--l3:#30a14e;--l4:#216e39;--planned:#0969da;--actual:#bc4c00}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;
--line:#3d444d;--accent:#4493f8;--bar:#3fb950;--track:#262c36;--l0:#161b22;--l1:#0e4429;
--l2:#006d32;--l3:#26a641;--l4:#39d353;--planned:#4493f8;--actual:#f0883e}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:60rem;padding:1rem 1.25rem 3rem;color:var(--fg);
background:var(--bg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;
border-bottom:1px solid var(--line)}h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
a{color:var(--accent)}.muted,.facts dt,.count,.meta{color:var(--muted)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.75rem 0}
.facts dt,.facts dd{margin:0}
.bars{list-style:none;padding:0;margin:0}
.bars li{display:grid;grid-template-columns:minmax(8rem,16rem) 1fr 11rem;gap:.75rem;
align-items:center;margin:.2rem 0}
.bar{display:block;height:.8rem;background:var(--track);border-radius:.4rem;overflow:hidden}
.fill{display:block;height:100%;background:var(--bar)}
.chart{display:block;max-width:100%;height:auto;margin:.5rem 0;font-size:9px}
.chart text{fill:var(--muted)}
.l0{fill:var(--l0);background:var(--l0)}.l1{fill:var(--l1);background:var(--l1)}
.l2{fill:var(--l2);background:var(--l2)}.l3{fill:var(--l3);background:var(--l3)}
.l4{fill:var(--l4);background:var(--l4)}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;
font-size:.85rem;color:var(--muted)}
.swatch{display:inline-block;width:.75rem;height:.75rem;border-radius:2px;
vertical-align:-.1rem;margin-right:.3rem}
.line{display:inline-block;width:1.5rem;vertical-align:.25rem;margin-right:.3rem;
border-top:2px solid var(--fg)}.line.planned{border-top:2px dashed var(--planned)}
.line.actual{border-top:2px dotted var(--actual)}
.weeks .bar{fill:var(--bar)}.axis{stroke:var(--muted)}.grid{stroke:var(--line);
stroke-dasharray:2 3}polyline.left{fill:none;stroke:var(--fg);stroke-width:1.5}
circle.left{fill:var(--fg)}line.planned{stroke:var(--planned);stroke-width:1.5;
stroke-dasharray:6 4}line.actual{stroke:var(--actual);stroke-width:1.5;stroke-dasharray:2 3}
.items{list-style:none;padding:0;margin:0}
.item{padding:.35rem 0 .35rem 1.8rem;border-bottom:1px solid var(--line);position:relative}
.mark{position:absolute;left:.1rem;top:.2rem;font-size:1.15rem;line-height:1.2}
.done .title,.passed .title,.skipped .title{color:var(--muted)}
.skipped .title{text-decoration:line-through}
.details{font-size:.9rem;color:var(--muted)}.details>div{margin-top:.1rem}
code{font:.85rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.note{white-space:pre-wrap;overflow-wrap:anywhere;margin:.35rem 0;padding:.5rem .75rem;
border-left:3px solid var(--line);font:.85rem/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
@media (max-width:40rem){.bars li{grid-template-columns:1fr}}
@media print{:root{--fg:#000;--bg:#fff;--muted:#444;--line:#bbb;--accent:#000}
body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}
.item,.bars li,.chart{break-inside:avoid}
.bar,.fill,.swatch,.chart{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.item a[href]::after{content:" <" attr(href) ">";font-size:.8em;color:#444;
overflow-wrap:anywhere}}
"""


def render(ctx: ExportContext) -> str:
    """The whole page: the header, per-step progress, the charts and the checklist."""
    stats = study_stats(ctx.db, ctx.tz, ctx.first_weekday, ctx.plan, ctx.now, ctx.streaks)
    summaries = step_summaries(ctx.db)
    steps = checklist(ctx.db)
    found = notes(ctx.db) if ctx.notes else Notes()
    titles = list(dict.fromkeys(step.curriculum_title for step in steps))
    title = "Study plan" + (f": {' + '.join(titles)}" if titles else "")
    return "".join(
        [
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="color-scheme" content="light dark">\n'
            '<meta name="generator" content="studyplan">\n'
            f"<title>{text(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            _header(ctx, title, stats, summaries),
            "<main>\n",
            _progress(summaries),
            _activity(stats),
            _burndown(stats),
            _checklist(steps, ctx.plan, found),
            "</main>\n</body>\n</html>\n",
        ]
    )


def _fact(term: str, value: str) -> str:
    """One line of the header: ``value`` is HTML already."""
    return f"<dt>{text(term)}</dt><dd>{value}</dd>\n"


def _header(ctx: ExportContext, title: str, stats: StudyStats, summaries: list[StepSummary]) -> str:
    plan = ctx.plan
    moment = ctx.now.astimezone(ctx.tz)
    finished = sum(s.finished_count for s in summaries)
    items = sum(s.items for s in summaries)
    share = f" ({100 * finished / items:.0f}%)" if items else ""
    facts = [
        _fact(
            "Pace",
            text(plan.pace.describe())
            if plan.pace
            else "not set (<code>studyplan plan --hours-per-week 5 --days mon,wed,sat</code>)",
        ),
        _fact("Finished", text(f"{finished} of {_count(items, 'item')}{share}")),
        _fact("Left", text(f"{duration(plan.minutes_left)} in {_count(len(plan.items), 'item')}")),
        _fact("Planned finish", text(_planned(plan))),
        _fact("At your actual pace", text(_actual(stats))),
        _fact(
            "Studied",
            text(
                f"{duration(stats.minutes_this_week)} this week; "
                f"{_count(stats.active_days, 'active day')} in the last 12 months"
            ),
        ),
    ]
    if stats.streaks is not None:
        facts.append(
            _fact(
                "Streaks",
                text(
                    f"current {_count(stats.streaks.current, 'day')}, "
                    f"longest {_count(stats.streaks.longest, 'day')}"
                ),
            )
        )
    return (
        f"<header>\n<h1>{text(title)}</h1>\n"
        f'<p class="meta">Exported {text(moment.strftime("%Y-%m-%d %H:%M"))} '
        f"({text(clock.zone_name(ctx.tz))}) by studyplan</p>\n"
        f'<dl class="facts">\n{"".join(facts)}</dl>\n</header>\n'
    )


def _count(count: int, word: str) -> str:
    """``1 day``, ``3 days``."""
    return f"{count} {word}{'s' * (count != 1)}"


def _planned(plan: Plan) -> str:
    if plan.pace is None:
        return "no pace set yet"
    if plan.too_long:
        return "after the year 9999 at the stored pace: set a faster one"
    if plan.finish is None:
        return "nothing left: everything is finished"
    weeks = (plan.finish - plan.first).days // 7 + 1
    return f"{day_text(plan.finish)} (about {_count(weeks, 'week')})"


def _actual(stats: StudyStats) -> str:
    if stats.minutes_left <= 0:
        return "nothing left: everything is finished"
    if stats.actual_finish is None:
        return f"not known yet: nothing finished in the last {RATE_DAYS // 7} weeks"
    pace = duration(round(stats.minutes_per_week))
    return f"{day_text(stats.actual_finish)} ({pace} a week over the last {RATE_DAYS // 7} weeks)"


def _step_name(curriculum: str, number: int, title: str) -> str:
    return f"Step {step_label(curriculum, number)}: {title}"


def _progress(summaries: list[StepSummary]) -> str:
    rows = []
    for s in summaries:
        count = f"{s.finished_count} of {s.items} finished"
        rows.append(
            f'<li><span class="name">{text(_step_name(s.curriculum, s.number, s.title))}</span>'
            f'<span class="bar" role="progressbar" aria-valuemin="0" '
            f'aria-valuemax="{s.items}" aria-valuenow="{s.finished_count}" '
            f'aria-valuetext="{text(count)}">'
            f'<span class="fill" style="width:{s.percent:.1f}%"></span></span>'
            f'<span class="count">{text(count)} · {s.percent:.0f}%</span></li>\n'
        )
    return (
        '<section id="progress">\n<h2>Progress by step</h2>\n'
        f'<ul class="bars">\n{"".join(rows)}</ul>\n</section>\n'
    )


def _activity(stats: StudyStats) -> str:
    legend = "".join(
        f'<li><span class="swatch l{level}"></span>{text(words)}</li>'
        for level, words in enumerate(HEAT_LEVELS)
    )
    total = sum(stats.daily.values())
    summary = f"{_count(stats.active_days, 'active day')}, {duration(total)} studied"
    return (
        '<section id="activity">\n<h2>Activity in the last 12 months</h2>\n'
        f"{heatmap(stats)}\n"
        f'<ul class="legend">{legend}</ul>\n'
        f'<p class="muted">{text(summary)}</p>\n<h3>Minutes per week</h3>\n'
        f"{weeks_chart(stats)}\n</section>\n"
    )


def _burndown(stats: StudyStats) -> str:
    legend = ['<li><span class="line"></span>minutes left at the end of each week</li>']
    if stats.minutes_left > 0 and stats.planned_finish is not None:
        legend.append(
            '<li><span class="line planned"></span>'
            f"{text(f'planned finish {day_text(stats.planned_finish)}')}</li>"
        )
    if stats.minutes_left > 0 and stats.actual_finish is not None:
        legend.append(
            '<li><span class="line actual"></span>'
            f"{text(f'at your actual pace {day_text(stats.actual_finish)}')}</li>"
        )
    return (
        '<section id="burndown">\n<h2>Burndown</h2>\n'
        f'{burndown(stats)}\n<ul class="legend">{"".join(legend)}</ul>\n</section>\n'
    )


def _checklist(steps: list[ChecklistStep], plan: Plan, found: Notes) -> str:
    scheduled = plan.scheduled()
    parts = ['<section id="checklist">\n<h2>Checklist</h2>\n']
    for step in steps:
        done = sum(1 for item in step.items if item.finished)
        parts.append(
            f'<section class="step" id="step-{text(step.label)}">\n'
            f"<h3>{text(_step_name(step.curriculum, step.number, step.title))} "
            f'<span class="count">{done} of {len(step.items)} finished</span></h3>\n'
        )
        if step.id in found.steps:
            parts.append(f'<pre class="note step-note">{text(found.steps[step.id])}</pre>\n')
        parts.append('<ul class="items">\n')
        for item in step.items:
            note = found.resources.get(item.id) if item.kind == "resource" else None
            parts.append(_item(item, scheduled.get(item.id, []), note))
        parts.append("</ul>\n</section>\n")
    parts.append("</section>\n")
    return "".join(parts)


def _title(item: ChecklistItem) -> str:
    target = link_target(item.url) if item.url else None
    if target is not None:
        return f'<a class="title" href="{text(target)}">{text(item.title)}</a>'
    shown = f'<span class="title">{text(item.title)}</span>'
    if item.url:
        shown += f' <span class="url">{text(item.url)}</span>'
    return shown


def _when(days: list[date]) -> str:
    """The planned days (HTML: dates and words only, nothing to escape)."""
    if len(days) <= DAYS_LISTED:
        return "planned " + ", ".join(day_text(d) for d in days)
    return f"planned over {len(days)} days, {day_text(days[0])} to {day_text(days[-1])}"


def _lab_command(item: ChecklistItem) -> str:
    verb = {"not_started": "start", "started": "check"}.get(item.status, "show")
    return f"studyplan lab {verb} {item.id}"


def _item(item: ChecklistItem, days: list[date], note: str | None) -> str:
    word = LAB_WORD.get(item.status) if item.kind == "lab" else STATUS_WORD.get(item.status)
    known = word is not None
    ident = text(item.id)
    facts = (
        f"{text(item.resource_kind)} · {duration(item.minutes)} · "
        f"{word if known else text(item.status)} · {ident}"
    )
    details = [f"<div>{facts}</div>"]
    if item.advice:
        details.append(f'<div class="advice">{text(f"Advice: {item.advice}")}</div>')
    if days:
        details.append(f'<div class="when">{_when(days)}</div>')
    if item.kind == "lab":
        details.append(f'<div class="command"><code>{text(_lab_command(item))}</code></div>')
    body = f'<pre class="note">{text(note)}</pre>' if note else ""
    state = item.status if known else "other"
    return (
        f'<li class="item {item.kind} {state}" id="item-{ident}">'
        f'<span class="mark" aria-hidden="true">{MARK.get(item.status, OPEN_MARK)}</span>'
        f'{_title(item)}<div class="details">{"".join(details)}</div>{body}</li>\n'
    )
