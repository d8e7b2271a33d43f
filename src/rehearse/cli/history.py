"""``rehearse history`` and ``rehearse progress``: your sessions over time."""

from __future__ import annotations

import click

from rehearse.cli.app import cli
from rehearse.cli.ui import sparkline
from rehearse.coaching.situations import NAMES as PROFILE_NAMES
from rehearse.i18n import figure_text, say, target_text, trend_text, user_language
from rehearse.renderers.base import printable
from rehearse.renderers.json import dumps


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
    heads = say(
        lang,
        "id date situation length talk questions recording",
        "n° date situation durée parole questions enregistrement",
    ).split()
    click.echo(
        f"{heads[0]:>4}  {heads[1]:<16}  {heads[2]:<16}  {heads[3]:>10}  {heads[4]:>6}  {heads[5]:>9}  {heads[6]}"
    )
    for s in found:
        share = s.metrics.get("talk_share")
        questions = s.metrics.get("questions")
        # A date, situation and file name are whatever the history file holds: shown, never acted on.
        click.echo(
            printable(
                f"{s.id:>4}  {s.date[:16].replace('T', ' '):<16}  {s.profile or '-':<16}  "
                f"{figure_text(s.duration, 'seconds', lang):>10}  "
                f"{figure_text(share, 'share', lang):>6}  {figure_text(questions, 'count', lang):>9}  "
                f"{s.audio_path}"
            )
        )
    click.echo(printable(say(lang, f"Kept in {history.path()}", f"Conservé dans {history.path()}")), err=True)


def _no_sessions(lang: str) -> str:
    return say(
        lang,
        "No sessions yet: 'rehearse analyze RECORDING' adds one.",
        "Aucune séance pour l'instant : « rehearse analyze ENREGISTREMENT » en ajoute une.",
    )


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
        say(lang, f"Your last {count} session(s){situation}:", f"Vos {count} dernières séances{situation} :")
    )
    rows = []
    declared = coach.declared()
    for name, figure in found["metrics"].items():
        metric = declared[name].figure
        known = [v for v in figure["values"] if v is not None]
        rows.append(
            (
                say(lang, *metric.label),
                sparkline(figure["values"]),
                figure_text(known[0], metric.unit, lang),
                figure_text(known[-1], metric.unit, lang),
                target_text(figure["min"], figure["max"], metric.unit, lang),
                trend_text(figure["trend"], lang),
            )
        )
    if not rows:
        # Figures are kept for "you" only: sessions analysed without knowing who that was have none.
        click.echo(
            say(
                lang,
                "  No figures of yours yet: rehearse did not know which speaker was you "
                "(analyse with --me, or 'rehearse voice enroll' once).",
                "  Pas encore de chiffres à vous : rehearse ne savait pas quel interlocuteur vous étiez "
                "(analysez avec --me, ou faites une fois 'rehearse voice enroll').",
            )
        )
        return
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    target_word = say(lang, "target", "objectif")
    for label, spark, first, latest, target, trend in rows:
        # A figure's label may come from an analyzer plugin.
        click.echo(
            printable(
                f"  {label:<{widths[0]}}  {spark:<{widths[1]}}  {first:>{widths[2]}} → {latest:<{widths[3]}}  "
                f"{target_word} {target:<{widths[4]}}  {trend}"
            )
        )
