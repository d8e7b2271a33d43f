"""``rehearse drill``: practise the questions that threw you, until they don't."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

import click

from rehearse.cli.app import cli
from rehearse.cli.history import lang_option
from rehearse.cli.ui import progress_bars
from rehearse.coaching.situations import NAMES as PROFILE_NAMES
from rehearse.i18n import N_, figure_text, ntr, percent, tenths, tr, user_language
from rehearse.renderers.base import printable
from rehearse.renderers.json import dumps

SILENCE_ENDS_ANSWER = 4.0  # seconds of quiet after you spoke end a recorded answer
SPEAKING_DBFS = -40.0  # louder than this, the microphone hears you
LONGEST_ANSWER = 600.0

FLAG_WORDS = {
    "slow_start": N_("a long pause before answering"),
    "fillers": N_("many fillers"),
    "short": N_("a very short answer to an open question"),
    "long": N_("a very long answer"),
}


@cli.command(name="drill")
@click.option(
    "--from",
    "from_report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="REPORT.json",
    help="The questions that threw you in one session's JSON report (default: in your whole history).",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    help="Drill the situation's question bank instead (with --lang for its language).",
)
@click.option("--asking", is_flag=True, help="Practise asking: say a closed question again as an open one.")
@click.option(
    "--answer",
    "answer_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Take the answer from an audio file instead of the microphone (the first question, or --question).",
)
@click.option(
    "--question",
    "number",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    metavar="N",
    help="With --answer: which question of the list.",
)
@click.option("--list", "list_", is_flag=True, help="Every drilled question: attempts, best and latest.")
@click.option("--json", "json_", is_flag=True, help="Print as JSON (the attempt's figures, or the list).")
@click.option("--no-save", is_flag=True, help="Do not keep the attempt in your history.")
@lang_option("drill")
@click.pass_context
def drill(
    ctx: click.Context,
    from_report: Path | None,
    profile: str | None,
    asking: bool,
    answer_file: Path | None,
    number: int,
    list_: bool,
    json_: bool,
    no_save: bool,
    lang: str | None,
) -> None:
    """Practise the questions that threw you, in the interviewer's voice, until they don't.

    For each question rehearse plays the moment it was asked (or shows it, when the recording
    has moved), records your answer (Enter or a few seconds of silence ends it), and shows at
    once the pause before your first word, the length against the situation's target, fillers,
    pace, words you repeated, what drill-capable plugins find (STAR structure), and your
    earlier attempts at the same question.

    \b
    rehearse drill                         the questions that threw you, from your history
    rehearse drill --from report.json      from one session
    rehearse drill --profile reverse --lang fr   from the situation's question bank
    rehearse drill --asking                say your closed questions again as open ones
    rehearse drill --answer take.m4a --json      no microphone: an answer from a file
    rehearse drill --list [--json]         every drilled question, attempts, best and latest
    """
    from rehearse import history

    lang = lang or user_language()
    if list_:
        _list(history.attempts(), json_, lang)
        return
    if json_ and answer_file is None:
        raise click.UsageError("--json prints an attempt: give --answer FILE (or use --list --json)")
    if answer_file is None and not sys.stdin.isatty():
        raise click.UsageError("drill needs a terminal to record your answer; give --answer FILE")
    questions = _questions(from_report, profile, asking, lang)
    if answer_file is not None:
        if number > len(questions):
            raise click.UsageError(f"--question {number}: there are {len(questions)} questions")
        attempt = _attempt(questions[number - 1], answer_file, asking, profile, lang)
        if not no_save:
            _keep(attempt, asking, profile)
        if json_:
            click.echo(dumps(attempt))
        else:
            _show_attempt(questions[number - 1], attempt, profile, lang)
        return
    _drill_live(questions, asking, profile, no_save, lang)


def _questions(from_report: Path | None, profile: str | None, asking: bool, lang: str):  # type: ignore[no-untyped-def]
    """The questions to drill, the most recent first, each once."""
    from rehearse import history
    from rehearse.coaching import drill as drilling

    if profile is not None and from_report is None:
        found = drilling.from_bank(profile, lang)
    elif from_report is not None:
        report = _read_report(from_report)
        try:
            found = drilling.closed_ones(report) if asking else drilling.threw_you(report)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise drilling.DrillError(
                "{path} is not a report rehearse wrote: {reason}", path=from_report, reason=exc
            ) from exc
        if not found and asking:
            raise drilling.DrillError(
                "{path} has no closed question of yours to reword; try --profile NAME for the bank",
                path=from_report,
            )
        if not found:
            raise drilling.DrillError(
                "{path} has no question that threw you; try --profile NAME for the situation's bank",
                path=from_report,
            )
    else:
        sessions = history.sessions()
        if not sessions:
            raise drilling.DrillError(
                "no session in your history yet: analyse a recording first, or drill the bank with --profile NAME"
            )
        found = []
        for session in reversed(sessions):
            report = history.report(session.id)
            found += (drilling.closed_ones if asking else drilling.threw_you)(report, session.id)
        if not found and asking:
            raise drilling.DrillError(
                "no closed question of yours in your history; try --profile NAME for the bank"
            )
        if not found:
            raise drilling.DrillError(
                "no question threw you in your history; drill the bank with --profile NAME"
            )
    seen: set[str] = set()
    return [q for q in found if not (q.key in seen or seen.add(q.key))]  # type: ignore[func-returns-value]


def _read_report(path: Path) -> dict:
    from rehearse.coaching.drill import DrillError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DrillError("cannot read {path}: {reason}", path=path, reason=exc.strerror or exc) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise DrillError("{path} is not a JSON report: {reason}", path=path, reason=exc) from exc
    if not isinstance(data, dict):
        raise DrillError("{path} is not a JSON report", path=path)
    return data


_MODELS: dict[str | None, Any] = {}


def _attempt(question, audio: Path, asking: bool, profile: str | None, lang: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Transcribe the answer and judge it (or, when asking, classify the question said again)."""
    from rehearse import pipeline, plugins
    from rehearse.analyzers import base as analysis
    from rehearse.audio import activity, cuts, decode
    from rehearse.coaching import drill as drilling

    with progress_bars() as progress:
        # One model for every attempt of the session: loading it takes seconds.
        if question.language not in _MODELS:
            _MODELS[question.language] = pipeline.load_transcriber(
                pipeline.Options(language=question.language), progress
            )
        model = _MODELS[question.language]
        recording = decode.load(audio, lambda f: progress("decode", f))
        speech = [(s.start, s.end) for s in activity.voice_activity(recording.mono, "S1")]
        words = (
            model.transcribe(
                recording.mono,
                cuts.windows(recording.mono, speech),
                lambda f: progress("transcribe", f),
                language=question.language,
            ).words
            if speech
            else []
        )
    if asking:
        said = "".join(w.text for w in words).strip()
        if not said:
            raise drilling.DrillError("no speech was heard; say the question again, aloud")
        verdict = drilling.reword(said, question.language)
        return {
            "question": question.text,
            "key": question.key,
            "origin": question.origin,
            "language": question.language,
            "session_id": question.session_id,
            "transcript": said,
            "figures": {"kind": verdict.kind, "reason": verdict.reason},
        }
    analyzers = plugins.analyzers()
    attempt = drilling.judge(
        question, words, analyzers, analysis.parse_settings((), analyzers), lang, profile
    ).to_dict()
    attempt["session_id"] = question.session_id
    return attempt


def _keep(attempt: dict[str, Any], asking: bool, profile: str | None) -> None:
    from rehearse import history

    try:
        history.save_attempt(attempt, "asking" if asking else "answer", profile)
    except history.HistoryError as exc:
        click.echo(
            tr(
                user_language(),
                "Warning: not saved to your history: {problem}",
                problem=exc.said(user_language()),
            ),
            err=True,
        )


def _show_attempt(question, attempt: dict[str, Any], profile: str | None, lang: str) -> None:  # type: ignore[no-untyped-def]
    from rehearse import history
    from rehearse.coaching import scorecard

    figures = attempt["figures"]
    if "kind" in figures:
        click.echo(printable(tr(lang, "You asked: “{text}”", text=attempt["transcript"])))
        click.echo(printable(figures["reason"]))
        return
    low, high, _ = scorecard.targets(profile).get("median_answer", (None, None, ""))
    rows = [
        (tr(lang, "Pause before your first word"), figure_text(figures["pause"], "seconds", lang)),
        (
            tr(lang, "Length"),
            figure_text(figures["length"], "seconds", lang)
            + (f" ({tr(lang, 'target {target}', target=_target(low, high, lang))})" if low or high else ""),
        ),
        (tr(lang, "Fillers"), f"{figures['fillers']} ({percent(figures['filler_share'], lang)})"),
        (
            tr(lang, "Pace"),
            tr(lang, "{value} words/min", value=round(figures["wpm"])) if figures["wpm"] else "—",
        ),
        (
            tr(lang, "Repeated"),
            ", ".join(f"“{w}”" for w in figures["repeated"]) if figures["repeated"] else tr(lang, "nothing"),
        ),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        click.echo(printable(f"  {label.ljust(width)}  {value}"))
    if figures["flags"]:
        said = ", ".join(tr(lang, FLAG_WORDS[f]) for f in figures["flags"] if f in FLAG_WORDS)
        click.echo(printable("  " + tr(lang, "Still: {what}.", what=said)))
    else:
        click.echo("  " + tr(lang, "No sign of being thrown this time."))
    for name, section in attempt["sections"].items():
        if name != "asked" and section.get("summary"):
            click.echo(printable(f"  {section.get('title', name)}: {section['summary']}"))
    earlier = [a for a in history.attempts(attempt["key"]) if a["mode"] == "answer"][:-1]
    if earlier:
        click.echo("  " + ntr(lang, "Your earlier attempt:", "Your earlier attempts:", len(earlier)))
        for before in earlier[-5:]:
            f = before["figures"]
            click.echo(
                printable(
                    "    "
                    + tr(
                        lang,
                        "{date}: pause {pause}, length {length}, {fillers} fillers",
                        date=before["date"][:10],
                        pause=figure_text(f["pause"], "seconds", lang),
                        length=figure_text(f["length"], "seconds", lang),
                        fillers=f["fillers"],
                    )
                )
            )


def _target(low: float | None, high: float | None, lang: str) -> str:
    from rehearse.i18n import target_text

    return target_text(low, high, "seconds", lang)


def _list(attempts: list[dict[str, Any]], json_: bool, lang: str) -> None:
    by_question: dict[str, list[dict[str, Any]]] = {}
    for attempt in attempts:
        by_question.setdefault(attempt["key"], []).append(attempt)
    listed = []
    for tries in by_question.values():
        answers = [a for a in tries if a["mode"] == "answer"]
        # The best answer is the one with the fewest signs of being thrown, then the shortest pause.
        best = min(answers, key=lambda a: (len(a["figures"]["flags"]), a["figures"]["pause"]), default=None)
        listed.append(
            {
                "question": tries[-1]["question"],
                "language": tries[-1]["language"],
                "attempts": len(tries),
                "latest": {"date": tries[-1]["date"], "figures": tries[-1]["figures"]},
                "best": {"date": best["date"], "figures": best["figures"]} if best else None,
            }
        )
    if json_:
        click.echo(dumps(listed))
        return
    if not listed:
        click.echo(tr(lang, "No question drilled yet: 'rehearse drill' starts."))
        return
    for item in listed:
        click.echo(printable(f"“{item['question']}”"))
        latest = item["latest"]["figures"]
        line = ntr(lang, "{count} attempt", "{count} attempts", item["attempts"])
        if "pause" in latest:
            line += " · " + tr(
                lang,
                "latest: pause {pause}, length {length}, {flags} sign(s) of being thrown",
                pause=figure_text(latest["pause"], "seconds", lang),
                length=figure_text(latest["length"], "seconds", lang),
                flags=len(latest["flags"]),
            )
        if item["best"] and item["best"]["date"] != item["latest"]["date"]:
            line += " · " + tr(lang, "best {date}", date=item["best"]["date"][:10])
        click.echo(printable("  " + line))


def _drill_live(questions: list, asking: bool, profile: str | None, no_save: bool, lang: str) -> None:
    """Question after question: play or show it, record the answer, show how it went."""
    import tempfile

    from rehearse.coaching.drill import DrillError

    index = 0
    with tempfile.TemporaryDirectory(prefix="rehearse-drill-") as folder:
        while index < len(questions):
            question = questions[index]
            click.echo("")
            click.echo(
                printable(
                    tr(
                        lang,
                        "Question {n} of {total} ({origin})",
                        n=index + 1,
                        total=len(questions),
                        origin=question.origin,
                    )
                )
            )
            click.echo(printable(f"  “{question.text}”"))
            if asking:
                click.echo(tr(lang, "Say it again as an open question."))
            else:
                _play(question, lang)
            answer = Path(folder) / f"answer-{index + 1}.wav"
            _record_answer(answer, lang)
            try:
                attempt = _attempt(question, answer, asking, profile, lang)
            except DrillError as exc:
                click.echo(printable(exc.said(lang)), err=True)
            else:
                if not no_save:
                    _keep(attempt, asking, profile)
                _show_attempt(question, attempt, profile, lang)
            choice = (
                click.prompt(tr(lang, "[n]ext, [a]gain, [s]top"), default="n", show_default=False)
                .strip()
                .lower()[:1]
            )
            if choice in ("s", "q"):
                break
            if choice != "a":
                index += 1


def _play(question, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The interviewer asking, cut from the recording; the text alone when it has moved."""
    if not question.audio or question.start is None or question.end is None:
        return
    if not Path(question.audio).is_file():
        click.echo(
            printable(
                tr(lang, "(The recording is no longer at {path}: read the question.)", path=question.audio)
            )
        )
        return
    from rehearse.audio import decode
    from rehearse.recording import devices

    recording = decode.load(question.audio)
    clip = recording.mono[int(question.start * decode.SAMPLE_RATE) : int(question.end * decode.SAMPLE_RATE)]
    sd = devices.sounddevice()
    try:
        sd.play(clip, decode.SAMPLE_RATE, blocking=True)
    except sd.PortAudioError as exc:
        click.echo(printable(tr(lang, "(Cannot play the question: {reason}. Read it.)", reason=exc)))


def _record_answer(path: Path, lang: str) -> None:
    """Record until Enter, or a few seconds of quiet once you have spoken."""
    import select

    from rehearse.recording import capture

    stop = threading.Event()
    spoke: list[float] = []

    def on_levels(levels) -> None:  # type: ignore[no-untyped-def]
        # Enter is read here, between blocks, so no reader is left waiting on the next prompt.
        if select.select([sys.stdin], [], [], 0)[0]:
            sys.stdin.readline()
            stop.set()
        if levels.dbfs[0] > SPEAKING_DBFS:
            spoke[:] = [levels.seconds]
        elif spoke and levels.seconds - spoke[0] > SILENCE_ENDS_ANSWER:
            stop.set()

    click.echo(
        tr(
            lang,
            "Your answer — Enter, or {seconds} s of silence, ends it.",
            seconds=tenths(SILENCE_ENDS_ANSWER, lang),
        )
    )
    capture.record(path, [None], 1, duration=LONGEST_ANSWER, stop=stop, on_levels=on_levels)
