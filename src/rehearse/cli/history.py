"""``rehearse history`` and ``rehearse progress``: your sessions over time."""

from __future__ import annotations

import csv
import io
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from rehearse.cli.app import cli
from rehearse.cli.ui import check_writable, sparkline, write_whole
from rehearse.coaching.situations import NAMES as PROFILE_NAMES
from rehearse.i18n import N_, figure_text, ntr, target_text, tr, trend_text, user_language
from rehearse.renderers.base import printable, session_heading
from rehearse.renderers.json import dumps

F = TypeVar("F", bound=Callable[..., Any])

# The listing's columns and how each is aligned and padded; the recording's path takes what is left.
COLUMNS = (
    (N_("id"), ">4"),
    (N_("date"), "<16"),
    (N_("situation"), "<16"),
    (N_("length"), ">10"),
    (N_("talk"), ">6"),
    (N_("questions"), ">9"),
    (N_("recording"), ""),
)


def lang_option(what: str) -> Callable[[F], F]:
    """``--lang``: the language of this command's output (``what`` it prints)."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "fr"]),
        help=f"Language of the {what}. Default: French when your locale is, else English.",
    )


@cli.command(name="history")
@click.option("--profile", type=click.Choice(PROFILE_NAMES), help="Only the sessions of this situation.")
@click.option("--last", type=click.IntRange(1), metavar="N", help="Only the N most recent sessions.")
@click.option("--show", "show_id", type=int, metavar="ID", help="Print the full JSON report of session ID.")
@click.option("--json", "json_", is_flag=True, help="Print as JSON.")
@click.option("--csv", "csv_", is_flag=True, help="Print as CSV (one row per session, with its key figures).")
@click.option("--delete", "delete_id", type=int, metavar="ID", help="Remove session ID from the history.")
@click.option("--yes", "-y", is_flag=True, help="With --delete: do not ask for confirmation.")
@lang_option("listing")
def history_command(
    profile: str | None,
    last: int | None,
    show_id: int | None,
    json_: bool,
    csv_: bool,
    delete_id: int | None,
    yes: bool,
    lang: str | None,
) -> None:
    """List the sessions you have analysed, oldest first, with their key figures.

    \b
    rehearse history                          every session
    rehearse history --profile reverse        only reverse interviews
    rehearse history --show 12 > s12.json     a session's full report
    rehearse analyze --transcript s12.json -f html -o s12.html
    rehearse history --csv > sessions.csv     for a spreadsheet
    rehearse history --delete 12              forget a session (asks first)
    rehearse compare 3 12                     two sessions side by side

    The history is a SQLite file in your user data folder; 'rehearse analyze
    --no-save' leaves a session out of it.
    """
    from rehearse import history

    if sum(map(bool, (show_id is not None, delete_id is not None, json_, csv_))) > 1:
        raise click.UsageError("give only one of --show, --delete, --json and --csv")
    if show_id is not None:
        click.echo(dumps(history.report(show_id)))
        return
    lang = lang or user_language()
    if delete_id is not None:
        _delete(delete_id, yes, lang)
        return
    found = history.sessions(profile, last)
    if json_:
        click.echo(dumps([s.to_dict() for s in found]))
        return
    if csv_:
        click.echo(_csv(found), nl=False)
        return
    if not found:
        click.echo(_no_sessions(lang))
        return
    click.echo(_row([tr(lang, name) for name, _ in COLUMNS]))
    for s in found:
        share = s.metrics.get("talk_share")
        questions = s.metrics.get("questions")
        # A date, situation and file name are whatever the history file holds: shown, never acted on.
        click.echo(
            printable(
                _row(
                    [
                        s.id,
                        s.date[:16].replace("T", " "),
                        s.profile or "-",
                        figure_text(s.duration, "seconds", lang),
                        figure_text(share, "share", lang),
                        figure_text(questions, "count", lang),
                        s.audio_path or "—",
                    ]
                )
            )
        )
    click.echo(printable(tr(lang, "Kept in {path}", path=history.path())), err=True)


def _delete(session_id: int, yes: bool, lang: str) -> None:
    """Remove a session; on a terminal, only once the person said yes."""
    from rehearse import history

    found = history.sessions(ids=[session_id])
    if not found:
        history.delete(session_id)  # raises the one-line "no session" error
        return
    session = found[0]
    if not yes and sys.stdin.isatty():
        question = tr(
            lang,
            "Delete session {id} ({date}, {recording}) from your history?",
            id=session.id,
            date=session.date[:16].replace("T", " "),
            recording=session.audio_path or "—",
        )
        if not click.confirm(printable(question), default=False, err=True):
            click.echo(tr(lang, "Nothing deleted."), err=True)
            return
    history.delete(session_id)
    click.echo(tr(lang, "Session {id} deleted.", id=session_id), err=True)


def _csv(found: list[Any]) -> str:
    """The sessions as CSV: a header, then one row per session; figures as plain numbers, an
    empty cell where a session lacks one."""
    from rehearse.coaching import scorecard

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    fields = ["id", "date", "profile", "audio_path", "audio_sha256", "duration", "language", "you"]
    writer.writerow([*fields, *scorecard.KEY_METRICS])
    for s in found:
        row = s.to_dict()
        writer.writerow([*(row[f] for f in fields), *(s.metrics.get(n) for n in scorecard.KEY_METRICS)])
    return out.getvalue()


def _row(values: list[object]) -> str:
    return "  ".join(format(value, align) for value, (_, align) in zip(values, COLUMNS))


def _no_sessions(lang: str) -> str:
    return tr(lang, "No sessions yet: 'rehearse analyze RECORDING' adds one.")


@cli.command(name="progress")
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    help="Only the sessions of this situation, judged against its targets.",
)
@click.option(
    "--last",
    type=click.IntRange(2),
    default=10,
    show_default=True,
    metavar="N",
    help="How many recent sessions to compare.",
)
@click.option("--json", "json_", is_flag=True, help="Print as JSON.")
@lang_option("listing")
def progress_command(profile: str | None, last: int, json_: bool, lang: str | None) -> None:
    """Show how your key figures moved over your last sessions.

    Each line is one figure: a sparkline from oldest to latest session, the first
    and latest values, the target of the situation, and whether you moved towards it.

    \b
    rehearse progress --profile job-interview
    rehearse progress --json
    """
    from rehearse import config, history
    from rehearse.coaching import scorecard as coach

    where, config_file = config.load()
    found = history.progress(profile, last, coach.targets(profile, config_file, where))
    found["drills"] = history.drill_progress()
    if json_:
        click.echo(dumps(found))
        return
    lang = lang or user_language()
    _session_progress(found, profile, lang)
    for line in _drill_lines(found["drills"], lang):
        click.echo(printable(line))


def _drill_lines(drills: list[dict[str, Any]], lang: str) -> list[str]:
    """The questions drilled (``rehearse drill``): attempts, and the first and latest pause and
    signs of being thrown."""
    if not drills:
        return []
    lines = ["", tr(lang, "Questions you drilled:")]
    for drill in drills:
        first, latest = drill["first"], drill["latest"]
        lines.append(f"  “{drill['question']}”")
        lines.append(
            "    "
            + ntr(lang, "{count} attempt", "{count} attempts", drill["attempts"])
            + " · "
            + tr(
                lang,
                "pause {first} → {latest}",
                first=figure_text(first["pause"], "seconds", lang),
                latest=figure_text(latest["pause"], "seconds", lang),
            )
            + " · "
            + tr(
                lang,
                "signs of being thrown {first} → {latest}",
                first=len(first["flags"]),
                latest=len(latest["flags"]),
            )
        )
    return lines


def _session_progress(found: dict[str, Any], profile: str | None, lang: str) -> None:
    from rehearse.coaching import scorecard as coach
    from rehearse.coaching import situations as profiles

    if not found["sessions"]:
        click.echo(_no_sessions(lang))
        return
    count = len(found["sessions"])
    situation = f" ({profiles.title(profile, lang)})" if profile else ""
    click.echo(
        ntr(
            lang,
            "Your last session{situation}:",
            "Your last {count} sessions{situation}:",
            count,
            situation=situation,
        )
    )
    rows = []
    declared = coach.declared()
    for name, figure in found["metrics"].items():
        metric = declared[name].figure
        known = [v for v in figure["values"] if v is not None]
        rows.append(
            (
                metric.label_text(lang),
                _spark(figure["values"]),
                figure_text(known[0], metric.unit, lang),
                figure_text(known[-1], metric.unit, lang),
                target_text(figure["min"], figure["max"], metric.unit, lang),
                trend_text(figure["trend"], lang),
            )
        )
    if not rows:
        # Figures are kept for "you" only: sessions analysed without knowing who that was have none.
        no_figures = tr(
            lang,
            "No figures of yours yet: rehearse did not know which speaker was you "
            "(analyse with --me, or 'rehearse voice enroll' once).",
        )
        click.echo(f"  {no_figures}")
        return
    gaps = any(None in figure["values"] for figure in found["metrics"].values())
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for label, spark, first, latest, target, trend in rows:
        aim = tr(lang, "target {target}", target=f"{target:<{widths[4]}}")
        # A figure's label may come from an analyzer plugin.
        click.echo(
            printable(
                f"  {label:<{widths[0]}}  {spark:<{widths[1]}}  {first:>{widths[2]}} → {latest:<{widths[3]}}  "
                f"{aim}  {trend}"
            )
        )
    if gaps:
        click.echo(
            "  "
            + tr(
                lang,
                "{mark} a session without this figure (not measured, or not knowing which speaker was you)",
                mark=MISSING,
            )
        )


MISSING = "·"


def _spark(values: list[float | None]) -> str:
    """A sparkline where a session without the figure shows as a dot, not a blank."""
    line = sparkline(values)
    return "".join(MISSING if v is None else c for v, c in zip(values, line))


# How a figure's change reads, by unit: a share moves in points, not percent.
def _change(before: float, after: float, unit: str, lang: str) -> str:
    from rehearse.coaching.scorecard import as_shown

    # The change between the figures shown: "68% → 70%" is +2 points, whatever they were rounded from.
    value = as_shown(after, unit) - as_shown(before, unit)
    if abs(value) < 1e-9:
        return "±0"
    sign = "+" if value > 0 else "−"
    if unit == "share":
        amount = tr(lang, "{value} pts", value=round(abs(value) * 100))
    else:
        amount = figure_text(abs(value), unit, lang)
    return f"{sign}{amount}"


WIDTH = 60


@cli.command(name="compare")
@click.argument("first", type=int, metavar="A")
@click.argument("second", type=int, metavar="B")
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    help="Judge against this situation's targets. Default: B's situation.",
)
@click.option("--json", "json_", is_flag=True, help="Print as JSON.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the comparison as a web page, each figure drawn against its target.",
)
@lang_option("comparison")
def compare_command(
    first: int, second: int, profile: str | None, json_: bool, html_file: Path | None, lang: str | None
) -> None:
    """Compare two sessions side by side: each key figure in A and in B, the change,
    and whether B is closer to the situation's target or further from it.

    \b
    rehearse compare 3 12
    rehearse compare 3 12 --json
    rehearse compare 3 12 --html compare.html
    """
    from rehearse import config, history
    from rehearse.coaching import scorecard as coach

    if html_file is not None:
        check_writable(html_file)
    where, config_file = config.load()
    # Which situation judges the change: asked, else B's, else A's.
    if profile is None:
        known = {s.id: s.profile for s in history.sessions(ids=[first, second])}
        profile = known.get(second) or known.get(first)
    found = history.compare(first, second, coach.targets(profile, config_file, where))
    found["profile"] = profile
    lang = lang or user_language()
    if html_file is not None:
        from rehearse.renderers.html import comparison_page

        write_whole(html_file, comparison_page(found, lang))
        click.echo(tr(lang, "Comparison written to {path}", path=html_file), err=True)
    if json_:
        click.echo(dumps(found))
        return
    for line in _comparison(found, lang):
        # Labels may come from an analyzer plugin, paths from the history file.
        click.echo(printable(line))


def _comparison(found: dict[str, Any], lang: str) -> list[str]:
    """The comparison as lines of at most 60 columns."""
    from rehearse.coaching import scorecard as coach
    lines = []
    for tag, key in (("A", "first"), ("B", "second")):
        lines += textwrap.wrap(session_heading(tag, found[key], lang), WIDTH, subsequent_indent="   ")
    if not found["metrics"]:
        lines.append(tr(lang, "Neither session has figures of yours to compare."))
        return lines
    declared = coach.declared()
    for name, figure in found["metrics"].items():
        metric = declared[name].figure if name in declared else None
        unit = metric.unit if metric else "count"
        label = metric.label_text(lang) if metric else name
        target = target_text(figure["min"], figure["max"], unit, lang)
        lines.append("")
        heading = label if target == "—" else f"{label} ({tr(lang, 'target {target}', target=target)})"
        lines += textwrap.wrap(heading, WIDTH, subsequent_indent="  ")
        values = (
            f"A {figure_text(figure['first'], unit, lang)} → B {figure_text(figure['second'], unit, lang)}"
        )
        if figure["verdict"] == "missing":
            which = "A" if figure["first"] is None else "B"
            verdict = tr(lang, "not measured in {session}", session=which)
            detail = f"{values}  {verdict}"
        else:
            detail = (
                f"{values}  {_change(figure['first'], figure['second'], unit, lang)}  {trend_text(figure['verdict'], lang)}"
            )
        lines += textwrap.wrap(detail, WIDTH, initial_indent="  ", subsequent_indent="    ")
    return lines
