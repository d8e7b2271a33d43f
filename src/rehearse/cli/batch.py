"""``rehearse batch``: many recordings, one report each, and a summary for the coach."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from rehearse.cli.analyze import RendererChoice, _check_language
from rehearse.cli.app import EXIT_ERROR, cli, plugins_dir_option
from rehearse.cli.history import lang_option
from rehearse.cli.ui import check_writable, write_whole
from rehearse.coaching.situations import NAMES as PROFILE_NAMES
from rehearse.errors import RehearseError
from rehearse.i18n import duration, ntr, tr, user_language
from rehearse.renderers.base import printable

EXIT_INTERRUPTED = 130


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="RECORDING|FOLDER|PATTERN...")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for the reports, summary.csv, summary.json and cohort.html (made if missing).",
)
@click.option(
    "--format",
    "-f",
    "formats",
    type=RendererChoice(),
    multiple=True,
    help="Report format, repeatable (plugins may add others). Default: html. "
    "Each recording's JSON report is always written too: the summary and the next run read it.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    metavar="N",
    help="Recordings analysed at once, each process with its own speech model (about 1 GB each). Default: 1.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on a Dask cluster instead, e.g. tcp://10.0.0.5:8786 (pip install 'rehearse-coach[cluster]').",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    help="The situation practised: the targets every session is judged against.",
)
@click.option(
    "--language",
    "-l",
    callback=_check_language,
    metavar="CODE",
    help="Language spoken in every recording (fr, en, …). Default: detected in each.",
)
@click.option(
    "--model",
    "-m",
    default="base",
    show_default=True,
    help="Speech model: 'base' (embedded) or a path to a CTranslate2 Whisper directory the workers see too.",
)
@click.option(
    "--report-lang",
    type=click.Choice(["en", "fr"]),
    help="Language of the reports. Default: each conversation's.",
)
@click.option(
    "--force", is_flag=True, help="Analyse again the recordings already analysed with the same options."
)
@click.option("--no-save", is_flag=True, help="Do not keep the sessions in your history.")
@click.option("--json", "json_", is_flag=True, help="Print summary.json on stdout when done.")
@lang_option("messages and of cohort.html")
@plugins_dir_option
@click.pass_context
def batch(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: Path,
    formats: tuple[str, ...],
    jobs: int | None,
    scheduler: str | None,
    profile: str | None,
    language: str | None,
    model: str,
    report_lang: str | None,
    force: bool,
    no_save: bool,
    json_: bool,
    lang: str | None,
) -> None:
    """Analyse many recordings: one report each, a summary, and a page for the coach.

    Give files, folders (searched through for sound and video files) or glob patterns
    (quote them; ** reaches into subfolders). Reports mirror the folders below the one
    given, in --output, next to:

    \b
      summary.csv    one row per session and speaker (you, other), the key figures
      summary.json   the same, with each session's scorecard and the failures
      cohort.html    each key figure across sessions against the targets, the
                     sessions furthest from them, a link to every report

    A recording already analysed with the same options (known by its content, wherever
    it is) is skipped, so a batch interrupted with Ctrl-C goes on where it stopped when
    run again; --force redoes it. A recording that cannot be analysed is listed at the
    end with its error, and the others go on. Sessions go to your history unless
    --no-save. Your voice print is not used: in a coach's batch it is not the voice
    of the person coached, who is told from the situation instead.

    \b
    Examples:
      rehearse batch recordings/ --jobs 2 -o reports/ --format html
      rehearse batch 'cohort-*/**/*.m4a' --profile job-interview
      rehearse batch recordings/ --scheduler tcp://scheduler.example:8786

    Exit status: 0 when every recording was analysed, 1 when some failed (or none could
    start), 2 on a wrong command line, 130 when interrupted.
    """
    from rehearse import config, pipeline
    from rehearse.batch import inputs as found_inputs
    from rehearse.batch import work
    from rehearse.coaching import scorecard as coach

    if jobs is not None and scheduler:
        raise click.UsageError(
            "--jobs sets local processes; with --scheduler the cluster's workers do the work"
        )
    lang = lang or user_language()
    formats = tuple(dict.fromkeys(f for f in (formats or ("html",)) if f != "json"))
    recordings = found_inputs.find(inputs)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RehearseError(
            "cannot write {output}: {reason}", output=output, reason=exc.strerror or exc
        ) from exc
    for name in ("summary.csv", "summary.json", "cohort.html"):
        check_writable(output / name)
    where, config_file = config.load()
    coach.targets(profile, config_file, where)
    options = pipeline.Options(
        model=model,
        language=language,
        report_language=report_lang,
        use_voiceprint=False,
        profile=profile,
        config=config_file,
        config_path=str(where) if where else None,
    )
    pipeline.load_diarizer(options)  # a missing plugin is refused before any work
    cluster = work.connect(scheduler) if scheduler else None
    runner = _Batch(output, formats, options, lang, save=not no_save)
    todo = runner.plan(recordings, force)
    interrupted = False
    try:
        runner.run(todo, jobs or 1, cluster)
    except KeyboardInterrupt:
        interrupted = True
    summary = runner.write_summaries()
    runner.say_how_it_went(interrupted)
    if json_:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    if interrupted:
        ctx.exit(EXIT_INTERRUPTED)
    if runner.failed:
        ctx.exit(EXIT_ERROR)


class _Batch:
    """A batch under way: what is done, what failed, and the files it writes."""

    def __init__(self, output: Path, formats: tuple[str, ...], options: Any, lang: str, save: bool) -> None:
        from rehearse import plugins

        self.output, self.formats, self.options, self.lang, self.save = output, formats, options, lang, save
        renderers = plugins.renderers()
        self.suffixes = {
            name: renderers[name].extensions[0] if renderers[name].extensions else f".{name}"
            for name in formats
        }
        self.entries: dict[str, Any] = {}  # by name, in the order of the recordings
        self.failed: list[Any] = []
        self.skipped = 0
        self.done = 0
        self.audio_seconds = 0.0
        self._digests: dict[str, str] = {}  # the content hash of each recording to analyse

    def plan(self, recordings: list, force: bool) -> list:
        """The tasks left to do; a recording whose report is there, made with the same options,
        is taken as it is, unless ``force``."""
        from rehearse import history
        from rehearse.batch import summary, work

        tasks = []
        with _checking(len(recordings), self.lang) as advance:
            for recording in recordings:
                try:
                    digest = history.content_hash(recording.path)
                except OSError as exc:
                    self._failed(
                        summary.Entry(
                            recording.name, str(recording.path), None, None, work._unreadable(exc, self.lang)
                        )
                    )
                    advance()
                    continue
                key = work.key(digest, self.options)
                kept = None if force else self._kept(recording.name, key)
                self.entries[recording.name] = summary.Entry(
                    recording.name, str(recording.path), kept, self._link(recording.name) if kept else None
                )
                if kept is not None:
                    self.skipped += 1
                else:
                    tasks.append(work.Task(recording.name, str(recording.path), key))
                    self._digests[recording.name] = digest
                advance()
        return tasks

    def _kept(self, name: str, key: str) -> dict | None:
        try:
            report = json.loads((self.output / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(report, dict) or (report.get("batch") or {}).get("key") != key:
            return None
        if any(not (self.output / f"{name}{suffix}").is_file() for suffix in self.suffixes.values()):
            return None  # a format asked for now was not written then
        return report

    def _link(self, name: str) -> str:
        return name + (next(iter(self.suffixes.values())) if self.suffixes else ".json")

    def run(self, tasks: list, jobs: int, cluster: Any) -> None:
        from rehearse.batch import work

        if not tasks:
            if cluster is not None:
                cluster.close()
            return
        with _overall(len(tasks), self.lang) as shown:

            def finished(outcome: work.Outcome) -> None:
                self._keep(outcome)
                shown(self.done + len(self.failed), self.audio_seconds)

            if cluster is not None:
                work.run_cluster(cluster, tasks, self.options, self.formats, self.lang, finished)
            else:
                work.run_local(tasks, self.options, self.formats, self.lang, jobs, finished)

    def _keep(self, outcome: Any) -> None:
        """Write a recording's reports (each whole or not at all) and save it to the history."""
        from rehearse.batch import summary

        if outcome.report is None:
            self._failed(summary.Entry(outcome.name, outcome.source, None, None, outcome.error))
            return
        report = outcome.report
        if isinstance(report.get("audio"), dict) and outcome.name in self._digests:
            report["audio"]["sha256"] = self._digests[outcome.name]
        folder = (self.output / outcome.name).parent
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in outcome.rendered.items():
            write_whole(self.output / f"{outcome.name}{self.suffixes[name]}", text)
        # The JSON report last: it is what tells the next run this recording is done.
        write_whole(self.output / f"{outcome.name}.json", json.dumps(report, ensure_ascii=False, indent=2))
        self.entries[outcome.name] = summary.Entry(
            outcome.name, outcome.source, report, self._link(outcome.name)
        )
        self.done += 1
        self.audio_seconds += float(report.get("duration") or 0.0)
        if self.save:
            self._save(report)

    def _failed(self, entry: Any) -> None:
        self.entries[entry.name] = entry
        self.failed.append(entry)

    def _save(self, report: dict) -> None:
        from rehearse import history

        try:
            history.save(report)
        except history.HistoryError as exc:
            click.echo(
                tr(self.lang, "Warning: not saved to your history: {problem}", problem=exc.said(self.lang)),
                err=True,
            )
            self.save = False  # said once

    def write_summaries(self) -> dict:
        """summary.csv, summary.json and cohort.html, of every recording so far."""
        from dataclasses import asdict

        from rehearse.batch import summary
        from rehearse.renderers import html

        entries = list(self.entries.values())
        found = summary.as_json(
            entries, {k: v for k, v in asdict(self.options).items() if k not in ("config",)}
        )
        write_whole(self.output / "summary.json", json.dumps(found, ensure_ascii=False, indent=2))
        write_whole(self.output / "summary.csv", summary.as_csv(entries))
        write_whole(self.output / "cohort.html", html.cohort_page(summary.cohort(entries), self.lang))
        return found

    def say_how_it_went(self, interrupted: bool) -> None:
        lang = self.lang
        said = [
            ntr(lang, "{count} recording analysed", "{count} recordings analysed", self.done),
            ntr(lang, "{count} already done, skipped", "{count} already done, skipped", self.skipped),
        ]
        if self.failed:
            said.append(ntr(lang, "{count} failed", "{count} failed", len(self.failed)))
        click.echo(
            tr(
                lang,
                "{summary}; summary in {path}",
                summary=", ".join(said),
                path=self.output / "summary.csv",
            ),
            err=True,
        )
        for entry in self.failed:
            click.echo(
                printable(tr(lang, "  {recording}: {problem}", recording=entry.source, problem=entry.error)),
                err=True,
            )
        if interrupted:
            click.echo(
                tr(lang, "Interrupted: run the same command again to go on where it stopped."), err=True
            )


@contextmanager
def _checking(count: int, lang: str) -> Iterator[Callable[[], None]]:
    """A bar while the recordings are read through to know them by their content."""
    with _bar(tr(lang, "Checking recordings"), count, lang, audio=False) as shown:
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            shown(done, 0.0)

        yield advance


@contextmanager
def _overall(count: int, lang: str) -> Iterator[Callable[[int, float], None]]:
    """One bar for the whole batch: recordings done, hours of audio, time left."""
    with _bar(tr(lang, "Analysing recordings"), count, lang, audio=True) as shown:
        yield shown


@contextmanager
def _bar(title: str, total: int, lang: str, audio: bool) -> Iterator[Callable[[int, float], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:  # logs: a line as each recording is done
        click.echo(f"{title}…", err=True)

        def said(done: int, seconds: float) -> None:
            if audio:
                click.echo(
                    tr(
                        lang,
                        "{done} of {total} ({audio} of audio)",
                        done=done,
                        total=total,
                        audio=_amount(seconds),
                    ),
                    err=True,
                )

        yield said
        return
    columns = [
        TextColumn("{task.description}"),
        BarColumn(bar_width=max(min(console.width - 60, 30), 8)),
        MofNCompleteColumn(),
    ]
    if audio:
        columns.append(TextColumn("{task.fields[audio]}"))
    columns.append(TimeRemainingColumn())
    with Progress(*columns, console=console, transient=not audio) as bars:
        task = bars.add_task(title, total=total, audio="")

        def shown(done: int, seconds: float) -> None:
            bars.update(task, completed=done, audio=tr(lang, "{audio} of audio", audio=_amount(seconds)))

        yield shown


def _amount(seconds: float) -> str:
    """Hours of audio as people say them: 45 min, 2 h 05 min (the same in English and French)."""
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else duration(seconds)
