"""``rehearse history`` and ``rehearse progress``: your sessions over time."""

from __future__ import annotations

import click

from rehearse.cli.app import cli
from rehearse.cli.ui import sparkline
from rehearse.coaching.situations import NAMES as PROFILE_NAMES
from rehearse.i18n import N_, figure_text, ntr, target_text, tr, trend_text, user_language
from rehearse.renderers.base import printable
from rehearse.renderers.json import dumps

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


@cli.command(name="history")
@click.option("--profile", type=click.Choice(PROFILE_NAMES), help="Only the sessions of this situation.")
@click.option("--last", type=click.IntRange(1), metavar="N", help="Only the N most recent sessions.")
@click.option("--show", "show_id", type=int, metavar="ID", help="Print the full JSON report of session ID.")
@click.option("--json", "json_", is_flag=True, help="Print as JSON.")
@click.option(
    "--lang",
    type=click.Choice(["en", "fr"]),
    help="Language of the listing. Default: French when your locale is, else English.",
)
def history_command(
    profile: str | None, last: int | None, show_id: int | None, json_: bool, lang: str | None
) -> None:
    """List the sessions you have analysed, oldest first, with their key figures.

    \b
    rehearse history                          every session
    rehearse history --profile reverse        only reverse interviews
    rehearse history --show 12 > s12.json     a session's full report
    rehearse analyze --transcript s12.json -f html -o s12.html

    The history is a SQLite file in your user data folder; 'rehearse analyze
    --no-save' leaves a session out of it.
    """
    from rehearse import history

    if show_id is not None:
        click.echo(dumps(history.report(show_id)))
        return
    found = history.sessions(profile, last)
    if json_:
        click.echo(dumps([s.to_dict() for s in found]))
        return
    lang = lang or user_language()
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
                        s.audio_path,
                    ]
                )
            )
        )
    click.echo(printable(tr(lang, "Kept in {path}", path=history.path())), err=True)


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
@click.option(
    "--lang",
    type=click.Choice(["en", "fr"]),
    help="Language of the listing. Default: French when your locale is, else English.",
)
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
    from rehearse.coaching import situations as profiles

    where, config_file = config.load()
    found = history.progress(profile, last, coach.targets(profile, config_file, where))
    if json_:
        click.echo(dumps(found))
        return
    lang = lang or user_language()
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
                sparkline(figure["values"]),
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
