"""``rehearse analyze``: a recording (or a saved transcript) to a feedback report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from rehearse.cli.app import EXIT_ANALYZER_FAILED, cli, plugins_dir_option
from rehearse.cli.ui import check_writable, progress_bars, write_whole
from rehearse.cli.voice import saved_voice_print
from rehearse.coaching.situations import NAMES as PROFILE_NAMES
from rehearse.i18n import ntr, report_language, tr
from rehearse.renderers.base import printable


def _check_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None or value == "auto":
        return None
    from rehearse.transcription.whisper import supported_languages

    code = value.lower()
    if code not in supported_languages():
        raise click.BadParameter(
            f"{value!r} is not a language Whisper knows; use a code such as fr, en, de, es, or 'auto'"
        )
    return code


class RendererChoice(click.Choice):
    """The report formats of the installed renderers, plugins' included: read when needed (for
    --help or a check), since plugins load after this module is imported."""

    def __init__(self) -> None:
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        from rehearse import plugins

        return tuple(plugins.renderers())

    @choices.setter
    def choices(self, value: object) -> None:
        pass


@cli.command()
@click.argument("audio", required=False, type=click.Path(path_type=Path))
@click.option(
    "--transcript",
    type=click.Path(path_type=Path),
    metavar="FILE.json",
    help="Re-run the analyzers on a saved JSON report (or a minimal "
    '{"speakers": [...], "turns": [...]} file) instead of audio: no model, no waiting.',
)
@click.option(
    "--model",
    "-m",
    default="base",
    show_default=True,
    help="Speech model: 'base' (embedded, works offline), a path to a CTranslate2 Whisper "
    "directory, or a size name (tiny, small, large-v3, …) to download where online.",
)
@click.option(
    "--language",
    "-l",
    callback=_check_language,
    metavar="CODE",
    help="Language spoken (fr, en, …). Default: detected from the audio.",
)
@click.option(
    "--device",
    type=click.Choice(["cpu", "cuda", "auto"]),
    default="cpu",
    show_default=True,
    help="Where the speech model runs.",
)
@click.option(
    "--compute-type",
    default="int8",
    show_default=True,
    help="Model precision: int8 is fastest on CPU; float16 suits a GPU.",
)
@click.option(
    "--format",
    "-f",
    "format_",
    type=RendererChoice(),
    help="Report format (plugins may add others). Default: from -o's extension, else terminal.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of the terminal.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="ANALYZER.OPTION=VALUE",
    help="Change an analyzer threshold, e.g. --set monologues.threshold=60 (repeatable).",
)
@click.option(
    "--report-lang",
    type=click.Choice(["en", "fr"]),
    help="Language of the report. Default: the conversation's (French or English).",
)
@click.option(
    "--speakers",
    type=click.IntRange(1, 4),
    metavar="N",
    help="On a one-channel recording: how many people speak (1-4). Default: told from their voices.",
)
@click.option(
    "--diarizer",
    default="voice",
    show_default=True,
    metavar="NAME",
    help="How a one-channel recording is split between speakers (a plugin may add others).",
)
@click.option(
    "--transcriber",
    default="faster-whisper",
    show_default=True,
    metavar="NAME",
    help="Speech-to-text backend (a plugin may add others).",
)
@plugins_dir_option
@click.option(
    "--me",
    metavar="SPEAKER",
    help="Which speaker is you (S1, S2, …), overriding the voice print. See 'rehearse voice'.",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    help="The situation practised; sets the targets you are judged against. "
    "Default: the one stored with the recording or report, else general targets.",
)
@click.option("--no-save", is_flag=True, help="Do not keep this session (of a recording) in your history.")
@click.option(
    "--save",
    is_flag=True,
    help="Keep this session in your history even though it is a --transcript re-run or a --set "
    "experiment (those are not kept otherwise).",
)
@click.pass_context
def analyze(
    ctx: click.Context,
    audio: Path | None,
    transcript: Path | None,
    model: str,
    language: str | None,
    device: str,
    compute_type: str,
    format_: str | None,
    output: Path | None,
    settings: tuple[str, ...],
    report_lang: str | None,
    speakers: int | None,
    diarizer: str,
    transcriber: str,
    me: str | None,
    profile: str | None,
    no_save: bool,
    save: bool,
) -> None:
    """Analyze a recorded interview and print a feedback report.

    AUDIO is any recording FFmpeg reads (wav, mp3, m4a, flac, ogg, a video's sound
    track…). A stereo file with one person per channel (two mics, or a call
    recorded as stereo) gives exact talk times and interruptions. On one channel
    (a laptop mic, a phone memo), voices are told apart by how they sound: the
    figures are approximate, and uncertain moments are marked (?).

    \b
    The report covers:
      talk_time      each person's talk time and share, and the silence
      interruptions  who cut off whom, when, with the words around it
      questions      every question, open or closed (French and English rules)
      monologues     the longest turns, and turns over a threshold (90 s)
      pace           words per minute, overall and minute by minute
      fillers        um, you know, euh, du coup… per minute and share of words
      patience       the pause before taking the floor; long pauses in context
      interactivity  floor switches per minute
      follow_ups     questions that pick up the other person's words
      asked          the questions you were asked, and those that threw you
      closing        thanks, next steps, feedback at the end

    With --profile (job-interview, informational, reverse, client-discovery) your
    figures are judged against that situation's targets, and the top three things
    to change come first. Each session is kept in your history ('rehearse
    history', 'rehearse progress') unless --no-save; a --transcript re-run or a --set
    experiment is kept only with --save (a recording is known by its content: the
    same audio analysed from another folder updates its entry).

    \b
    Examples:
      rehearse analyze interview.m4a --profile job-interview
      rehearse analyze interview.m4a --language fr -o bilan.html
      rehearse analyze memo.m4a --speakers 2 --format rttm -o memo.rttm
      rehearse analyze --transcript report.json --set monologues.threshold=60

    Exit status: 0 when the report was produced, 1 on an error, 2 on a wrong command
    line (an unknown option, a missing or invalid value), 3 when an analyzer failed
    (its section says why; the rest of the report is there).
    """
    from rehearse import config, pipeline, plugins
    from rehearse import report as report_module
    from rehearse.analyzers import base as analysis
    from rehearse.coaching import scorecard as coach

    if (audio is None) == (transcript is None):
        raise click.UsageError("give either an AUDIO file or --transcript FILE.json")
    if transcript is not None and speakers is not None:
        raise click.UsageError(
            "--speakers applies to a recording, not to --transcript (its speakers are given)"
        )
    if save and no_save:
        raise click.UsageError("--save and --no-save contradict each other; give one")
    renderer = _pick_renderer(plugins.renderers(), format_, output)
    if output is not None:
        check_writable(output)
    has_voice_print = me is None and saved_voice_print() is not None
    found = plugins.analyzers()
    where, config_file = config.load()
    from_file = config.analyzer_assignments(config_file, where)
    # Fail fast, before the long part; each source named in its own errors.
    analysis.parse_settings(from_file, found, origin=f"{where}:")
    analysis.parse_settings(settings, found)
    settings_given = bool(settings)
    settings = (*from_file, *settings)  # the command line wins
    coach.targets(profile, config_file, where)
    options = pipeline.Options(
        model=model,
        language=language,
        device=device,
        compute_type=compute_type,
        report_language=report_lang,
        settings=settings,
        speakers=speakers,
        diarizer=diarizer,
        transcriber=transcriber,
        me=me.upper() if me else None,
        use_voiceprint=has_voice_print,
        profile=profile,
        config=config_file,
        config_path=str(where) if where else None,
    )
    with progress_bars() as progress:
        if transcript is not None:
            conversation = report_module.load(transcript)
            if options.me:
                pipeline.set_me(conversation, options.me, "option", options)
        else:
            # What `rehearse record --analyze` transcribed while recording, if it did.
            ahead = ctx.obj.pop("ahead", None)
            conversation = pipeline.transcribe_recording(audio, options, progress, ahead)  # type: ignore[arg-type]
    # What this command says about the conversation, it says in the report's language.
    lang = report_language(conversation.language, report_lang)
    _warn_if_damaged(conversation, lang)
    # With a voice print, its verdict (or its doubt) is in the notes: no need to ask.
    if conversation.me is None and not has_voice_print and renderer.name == "terminal" and output is None:
        _ask_who_is_me(conversation, options, lang)
    with progress_bars() as progress:
        result = pipeline.analyze(conversation, options, progress)
    # A re-run or an experiment would overwrite the real session's figures: kept only when asked.
    if save or not (no_save or transcript is not None or settings_given):
        _keep(result, audio, transcript, config_file, where, lang)
    failed = [name for name, section in result["analyzers"].items() if section.get("error")]
    if not ctx.obj["debug"]:
        for name in failed:
            result["analyzers"][name].pop("traceback", None)
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = renderer.render(result, color=color)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_whole(output, text)
        click.echo(tr(lang, "Report written to {path}", path=output), err=True)
    if failed:
        said = ntr(
            lang,
            "Error: analyzer failed: {names} (see its section).",
            "Error: analyzers failed: {names} (see their sections).",
            len(failed),
            names=", ".join(failed),
        )
        hint = tr(lang, "--debug shows the traceback.")
        click.echo(said if ctx.obj["debug"] else f"{said} {hint}", err=True)
        ctx.exit(EXIT_ANALYZER_FAILED)


def _warn_if_damaged(conversation, lang: str) -> None:  # type: ignore[no-untyped-def]
    """A damaged recording is analysed as far as it decodes; the report says so, and so does
    stderr, where someone reading only the figures would not look."""
    from rehearse.audio.decode import damage_note

    damage = conversation.audio.damage if conversation.audio else None
    if damage is not None:
        click.echo(printable(tr(lang, "Warning: {problem}", problem=damage_note(damage, lang))), err=True)


def _keep(
    result: dict,
    audio: Path | None,
    transcript: Path | None,
    config_file: dict,
    where: Path | None,
    lang: str,
) -> None:
    """Save the session in the history and add the progress so far to the report; a history that
    cannot be used costs a warning, never the report."""
    from rehearse import history
    from rehearse.coaching import scorecard as coach
    from rehearse.recording import sidecar

    recorded_at = sidecar.read(audio).get("started") if audio else None
    if isinstance(result.get("audio"), dict):
        digest = _content_hash(audio, transcript, result["audio"].get("path"))
        if digest:
            result["audio"]["sha256"] = digest
    try:
        if history.save(result, recorded_at) is None:
            return
        profile = history.situation(result)
        result["progress"] = history.progress(profile, targets=coach.targets(profile, config_file, where))
    except history.HistoryError as exc:
        click.echo(
            tr(lang, "Warning: not saved to your history: {problem}", problem=exc.said(lang)), err=True
        )


def _content_hash(audio: Path | None, transcript: Path | None, recorded: str | None) -> str | None:
    """What identifies the recording in the history: the hash of the audio analysed; for a saved
    report, the hash it kept, else that of the recording it names if it is still there."""
    import json

    from rehearse import history

    candidate = audio
    if transcript is not None:
        try:
            kept = (json.loads(transcript.read_text(encoding="utf-8")).get("audio") or {}).get("sha256")
        except (OSError, ValueError, AttributeError):
            kept = None
        if isinstance(kept, str) and kept:
            return kept
        candidate = Path(recorded) if recorded else None
    if candidate is None or not candidate.is_file():
        return None
    try:
        return history.content_hash(candidate)
    except OSError:
        return None


def _ask_who_is_me(conversation, options, lang: str) -> None:  # type: ignore[no-untyped-def]
    """On a terminal, with several speakers and no voice print: ask which one is the user, unless
    the situation makes it plain. An unsure guess is offered, and Enter keeps it (the report then
    says it is a guess); off a terminal the report alone says so."""
    from rehearse import pipeline
    from rehearse.coaching import you as roles

    if not (sys.stdin.isatty() and sys.stderr.isatty()) or len(conversation.speakers) < 2:
        return
    if options.profile is not None:
        conversation.profile = options.profile  # the guess reads the situation
    focus = roles.you(conversation)
    if focus.sure:
        return
    ids = [s.id for s in conversation.speakers]
    guess = f"{ids.index(focus.speaker) + 1}" if focus.speaker else None
    if guess:
        question = tr(
            lang, "Which speaker is you? (Enter keeps the guess; 'rehearse voice enroll' saves asking)"
        )
    else:
        question = tr(lang, "Which speaker is you? (Enter to skip; 'rehearse voice enroll' saves asking)")
    click.echo(question, err=True)
    for number, speaker in enumerate(conversation.speakers, 1):
        turns = [t for t in conversation.turns if t.speaker == speaker.id and t.text]
        quote = max(turns, key=lambda t: t.duration).text if turns else ""
        quote = quote if len(quote) <= 90 else quote[:87] + "…"
        said = tr(lang, "{number}. {speaker}: “{quote}”", number=number, speaker=speaker.label, quote=quote)
        click.echo(printable(f"  {said}"), err=True)
    if guess:
        why = tr(
            lang,
            "Guess: {number}, {certainty} sure ({reasons}).",
            number=guess,
            certainty=roles.certainty(focus, lang),
            reasons=roles.reasons(focus, lang),
        )
        click.echo(printable(f"  {why}"), err=True)
    answer = click.prompt(
        tr(lang, "You are: "),
        prompt_suffix="",  # the colon is the language's to space
        default="",
        show_default=False,
        type=click.Choice(["", *map(str, range(1, len(conversation.speakers) + 1))]),
        show_choices=False,
        err=True,
    )
    if answer:
        pipeline.set_me(conversation, conversation.speakers[int(answer) - 1].id, "asked", options)


def _pick_renderer(renderers: dict, format_: str | None, output: Path | None):  # type: ignore[no-untyped-def]
    if format_ is None and output is not None:
        suffix = output.suffix.lower()
        format_ = next((name for name, r in renderers.items() if suffix in r.extensions), None)
        if format_ is None:
            raise click.UsageError(
                f"cannot tell the format from {output.name!r}; add --format ({', '.join(renderers)})"
            )
    return renderers[format_ or "terminal"]
