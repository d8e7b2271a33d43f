"""The command line: the only module that talks to the user."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from rehearse import __version__
from rehearse.errors import RehearseError
from rehearse.i18n import say, user_language
from rehearse.profiles import NAMES as PROFILE_NAMES

EXIT_ERROR = 1
EXIT_ANALYZER_FAILED = 3
STAGES = {
    "model": "Preparing the speech model (first run only)",
    "record": "Recording",
    "decode": "Decoding audio",
    "voices": "Telling voices apart",
    "transcribe": "Transcribing",
    "speakers": "Finding who spoke when",
    "analyze": "Analyzing",
}


def _plugins_dir_option(command):  # type: ignore[no-untyped-def]
    # main() reads --plugins-dir before click runs: plugins must be loaded before the
    # command line is built, since they may add commands to it.
    return click.option(
        "--plugins-dir",
        multiple=True,
        expose_value=False,
        metavar="DIR",
        help="Also load plugins from the *.py files in DIR (this runs their code; repeatable). "
        "Same as REHEARSE_PLUGINS_DIR.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rehearse")
@click.option("--debug", is_flag=True, help="Show full tracebacks when something fails.")
@_plugins_dir_option
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Feedback on your practice interviews, computed entirely on this machine.

    \b
    rehearse analyze interview.m4a            feedback report in the terminal
    rehearse analyze call.wav -o report.md    the same report as Markdown
    rehearse analyze call.wav --format json   the full report as JSON (for tools)
    rehearse voice enroll                     so reports know which speaker is you
    rehearse plugins                          what is installed; see docs/plugins.md

    Nothing you record ever leaves this computer.
    """
    ctx.obj = {"debug": debug}


def _check_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None or value == "auto":
        return None
    from rehearse.transcribe import supported_languages

    code = value.lower()
    if code not in supported_languages():
        raise click.BadParameter(
            f"{value!r} is not a language Whisper knows; use a code such as fr, en, de, es, or 'auto'"
        )
    return code


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
    metavar="NAME",
    help="Report format: terminal (default), markdown, json. Default: from -o's extension.",
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
@_plugins_dir_option
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
@click.option("--no-save", is_flag=True, help="Do not keep this session in your history.")
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
    history', 'rehearse progress') unless --no-save.

    \b
    Examples:
      rehearse analyze interview.m4a --profile job-interview
      rehearse analyze interview.m4a --language fr -o bilan.html
      rehearse analyze memo.m4a --speakers 2 --format rttm -o memo.rttm
      rehearse analyze --transcript report.json --set monologues.threshold=60

    Exit status: 0 when the report was produced, 1 on an error, 3 when an analyzer
    failed (its section says why; the rest of the report is there).
    """
    from rehearse import analysis, coach, config, pipeline, plugins
    from rehearse import report as report_module

    if (audio is None) == (transcript is None):
        raise click.UsageError("give either an AUDIO file or --transcript FILE.json")
    renderer = _pick_renderer(plugins.renderers(), format_, output)
    found = plugins.analyzers()
    where, config_file = config.load()
    from_file = config.analyzer_assignments(config_file, where)
    # Fail fast, before the long part; each source named in its own errors.
    analysis.parse_settings(from_file, found, origin=f"{where}:")
    analysis.parse_settings(settings, found)
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
        profile=profile,
        config=config_file,
        config_path=str(where) if where else None,
    )
    with _progress() as progress:
        if transcript is not None:
            conversation = report_module.load(transcript)
            if options.me:
                pipeline.set_me(conversation, options.me, "option", options)
        else:
            conversation = pipeline.transcribe_recording(audio, options, progress)  # type: ignore[arg-type]
    if conversation.me is None and renderer.name == "terminal" and output is None:
        _ask_who_is_me(conversation, options)
    with _progress() as progress:
        result = pipeline.analyze(conversation, options, progress)
    if not no_save:
        _keep(result, audio, config_file, where)
    failed = [name for name, section in result["analyzers"].items() if section.get("error")]
    if not ctx.obj["debug"]:
        for name in failed:
            result["analyzers"][name].pop("traceback", None)
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = renderer.render(result, color=color)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise RehearseError(f"cannot write {output}: {exc.strerror or exc}") from exc
        click.echo(f"Report written to {output}", err=True)
    if failed:
        click.echo(
            f"Error: analyzer(s) failed: {', '.join(failed)} (see their sections"
            f"{'' if ctx.obj['debug'] else '; --debug shows the traceback'})",
            err=True,
        )
        ctx.exit(EXIT_ANALYZER_FAILED)


def _keep(result: dict, audio: Path | None, config_file: dict, where: Path | None) -> None:
    """Save the session in the history and add the progress so far to the report; a history that
    cannot be used costs a warning, never the report."""
    from rehearse import coach, history, recorder

    recorded_at = recorder.read_sidecar(audio).get("started") if audio else None
    try:
        if history.save(result, recorded_at) is None:
            return
        profile = result.get("profile")
        result["progress"] = history.progress(profile, targets=coach.targets(profile, config_file, where))
    except history.HistoryError as exc:
        click.echo(f"Warning: not saved to your history: {exc}", err=True)


def _ask_who_is_me(conversation, options) -> None:  # type: ignore[no-untyped-def]
    """On a terminal, with several speakers and no voice print: ask which one is the user."""
    from rehearse import pipeline, voiceprint

    if not (sys.stdin.isatty() and sys.stderr.isatty()) or len(conversation.speakers) < 2:
        return
    if voiceprint.load() is not None:
        return  # the voice print was tried; its verdict (or its doubt) is in the notes
    click.echo("Which speaker is you? (Enter to skip; 'rehearse voice enroll' saves asking)", err=True)
    for number, speaker in enumerate(conversation.speakers, 1):
        turns = [t for t in conversation.turns if t.speaker == speaker.id and t.text]
        quote = max(turns, key=lambda t: t.duration).text if turns else ""
        quote = quote if len(quote) <= 90 else quote[:87] + "…"
        click.echo(f"  {number}. {speaker.label}: “{quote}”", err=True)
    answer = click.prompt(
        "You are",
        default="",
        show_default=False,
        type=click.Choice(["", *map(str, range(1, len(conversation.speakers) + 1))]),
        show_choices=False,
        err=True,
    )
    if answer:
        pipeline.set_me(conversation, conversation.speakers[int(answer) - 1].id, "asked", options)


@cli.group()
def voice() -> None:
    """Your voice print: how rehearse knows which speaker is you.

    \b
    rehearse voice enroll                 speak for ~10 s into the microphone
    rehearse voice enroll --from me.m4a   or take a recording of you alone
    rehearse voice show                   what is stored, and where
    rehearse voice forget                 delete it

    The voice print is 256 numbers describing how your voice sounds, kept in
    your user data folder. No audio is kept, and nothing leaves this computer.
    """


@voice.command()
@click.option(
    "--from", "source", type=click.Path(path_type=Path), metavar="FILE", help="A recording of you alone."
)
@click.option(
    "--seconds", type=click.FloatRange(5, 120), default=12.0, show_default=True, help="How long to record."
)
@click.option("--device", metavar="NAME|NUMBER", help="Input device (default: the system's).")
def enroll(source: Path | None, seconds: float, device: str | None) -> None:
    """Make your voice print, from the microphone or from a recording of you alone."""
    import tempfile

    from rehearse import audio, recorder, voiceprint

    if source is not None:
        samples = audio.load(source).mono
        origin = str(source.resolve())
    else:
        click.echo(
            f"Speak naturally for {seconds:.0f} seconds — introduce yourself, or read a paragraph aloud.",
            err=True,
        )
        # Through a temporary file, with the same recorder as sessions; only the print is kept.
        with tempfile.TemporaryDirectory() as tmp:
            take = Path(tmp) / "voice.wav"
            with _progress() as progress:
                recorder.record(
                    take,
                    [device],
                    1,
                    duration=seconds,
                    on_levels=lambda levels: progress("record", min(levels.seconds / seconds, 1.0)),
                )
            samples = audio.load(take).mono
        origin = "microphone"
    print_ = voiceprint.enroll(samples, origin)
    where = voiceprint.save(print_)
    click.echo(f"Voice print saved to {where} ({print_.speech_seconds:.1f} s of speech heard).")


@voice.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def show(as_json: bool) -> None:
    """Show the stored voice print: when and from what it was made."""
    import json

    from rehearse import voiceprint

    print_ = voiceprint.load()
    if as_json:
        info = None
        if print_ is not None:
            info = {
                "path": str(voiceprint.path()),
                "created": print_.created,
                "source": print_.source,
                "speech_seconds": print_.speech_seconds,
            }
        click.echo(json.dumps({"voiceprint": info}, indent=2))
    elif print_ is None:
        click.echo("No voice print yet. Make one with: rehearse voice enroll")
    else:
        click.echo(f"Voice print: {voiceprint.path()}")
        click.echo(f"  made {print_.created} from {print_.source}, {print_.speech_seconds:.1f} s of speech")


@voice.command()
def forget() -> None:
    """Delete the stored voice print."""
    from rehearse import voiceprint

    click.echo("Voice print deleted." if voiceprint.forget() else "There was no voice print to delete.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def devices(as_json: bool) -> None:
    """List the input devices rehearse can record from (* marks the default)."""
    import json
    from dataclasses import asdict

    from rehearse import recorder

    found = recorder.input_devices()
    if as_json:
        click.echo(json.dumps([asdict(d) for d in found], indent=2))
        return
    if not found:
        click.echo("No input device found. Plug in a microphone, or check the system's sound settings.")
    for d in found:
        mark = "*" if d.is_default else " "
        click.echo(f"{mark} {d.index:>3}  {d.name}  ({d.host_api}, {d.channels} ch, {d.default_rate:.0f} Hz)")


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--duration", type=click.FloatRange(min=1), metavar="SECONDS", help="Stop after this long.")
@click.option(
    "--device",
    "device_names",
    multiple=True,
    metavar="NAME|INDEX",
    help="Input device (see 'rehearse devices'); twice for two mics, one person each, recorded as stereo.",
)
@click.option(
    "--channels",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="2 for a two-input interface with one person on each input.",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    help="The situation you practise: prints a brief and questions.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "fr"]),
    help="Language spoken: sets the brief, the questions and the analysis "
    "(default: an English brief, the language detected).",
)
@click.option("--analyze", "then_analyze", is_flag=True, help="Analyze the recording as soon as it stops.")
@click.option("--quiet", is_flag=True, help="No live cues, only the level meter.")
@click.option(
    "--recover",
    "recover_target",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PATH_OR_DIR]",
    help="Repair recordings left unfinished by a crash (default: the sessions folder), then stop.",
)
@click.pass_context
def record(
    ctx: click.Context,
    path: Path | None,
    duration: float | None,
    device_names: tuple[str, ...],
    channels: int,
    profile: str | None,
    lang: str | None,
    then_analyze: bool,
    quiet: bool,
    recover_target: str | None,
) -> None:
    """Record a practice session; the audio is on disk as it comes, safe from crashes.

    \b
    rehearse record --profile job-interview --analyze     one mic, report afterwards
    rehearse record --device 3 --device 5 session.wav     two mics, one person each: exact figures
    rehearse record interview.flac                        FLAC: lossless, half the size of WAV
    rehearse record --duration 600 --channels 2           a two-input interface, 10 minutes
    rehearse record --recover                             repair what a crash left

    Stop with Enter or Ctrl-C (or --duration). Without PATH, the recording goes to the
    sessions folder, named by date and profile, with a .session.json beside it. PATH may end
    in .wav or .flac; either way the audio reaches the disk as WAV while recording, so a
    crash loses at most a second, and a FLAC is encoded once the recording stops.
    """
    import signal
    import threading

    from rehearse import recorder

    sessions = _sessions_dir()
    if recover_target is not None:
        _recover(Path(recover_target) if recover_target else sessions)
        return
    if len(device_names) > 2:
        raise click.UsageError("--device at most twice (one person per mic)")
    if len(device_names) == 2 and channels != 1:
        raise click.UsageError("with two --device, each records one channel: leave out --channels")
    folder = path.parent if path else sessions
    for leftover in recorder.unfinished(folder) if folder.is_dir() else []:
        seconds = recorder.recover(leftover)
        recorder.mark_recovered(leftover, seconds if seconds is not None else 0.0)
        click.echo(f"Repaired an unfinished recording: {leftover}", err=True)
    if profile:
        _print_brief(profile, lang or "en")
    if path is None:
        stamp = datetime.now().strftime("%Y-%m-%d_%H%M%S")
        path = sessions / f"{stamp}_{profile or 'session'}.wav"
    if path.suffix.lower() not in (".wav", ".flac"):
        raise click.UsageError(f"{path.name}: recordings are WAV or FLAC files; name it …/something.wav")
    # Audio goes to disk as WAV while recording, the format a crash leaves repairable; a FLAC
    # is encoded from it once the recording has stopped.
    take = path.with_suffix(".wav")
    for existing in {take, path}:
        if existing.exists():
            raise RehearseError(f"{existing} exists; choose another name (nothing was overwritten)")
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    if sys.stdin.isatty():

        def wait_for_enter() -> None:
            sys.stdin.readline()
            stop.set()

        threading.Thread(target=wait_for_enter, daemon=True).start()
    how = "Enter or Ctrl-C" if sys.stdin.isatty() else "Ctrl-C"
    click.echo(
        f"Recording to {path} — stop with {how}" + (f", or after {duration:.0f} s" if duration else "") + ".",
        err=True,
    )
    similarity = None
    if len(device_names) < 2 and channels == 1 and not quiet:
        from rehearse import voiceprint

        print_ = voiceprint.load()
        if print_ is None:
            click.echo(
                "One microphone and no voice print: the live cues time each stretch of speech but cannot "
                "tell who speaks ('rehearse voice enroll' lets them).",
                err=True,
            )
        else:
            similarity = voiceprint.similarity_to(print_)
    try:
        with _live_levels(quiet, profile) as show:
            info = recorder.record(
                take,
                list(device_names) or [None],
                channels if len(device_names) < 2 else 2,
                duration=duration,
                profile=profile,
                language=lang,
                stop=stop,
                on_levels=show,
                voice_similarity=similarity,
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    overflow = (
        f"; {info.overflows} input overflow(s): the machine could not keep up" if info.overflows else ""
    )
    if path != take:
        recorder.save_as_flac(take, path)
    click.echo(
        f"Saved {path} ({info.duration:.1f} s, {info.channels} channel(s), {info.sample_rate} Hz){overflow}.",
        err=True,
    )
    if then_analyze:
        ctx.invoke(analyze, audio=path, language=lang, profile=profile)


def _sessions_dir() -> Path:
    from rehearse.voiceprint import data_dir

    return data_dir() / "sessions"


def _recover(target: Path) -> None:
    from rehearse import recorder

    if target.is_dir():
        candidates = recorder.unfinished(target)
    elif target.is_file():
        candidates = [target]
    else:
        raise RehearseError(f"{target}: no such file or folder")
    repaired = 0
    for audio in candidates:
        seconds = recorder.recover(audio)
        if seconds is not None:
            recorder.mark_recovered(audio, seconds)
            repaired += 1
            click.echo(f"Repaired {audio}: {seconds:.1f} s of audio")
    if not repaired:
        click.echo("Nothing to repair: every recording is complete.")


def _print_brief(profile: str, lang: str) -> None:
    from rehearse import profiles

    brief = profiles.brief(profile, lang)
    friend, you, questions = profiles.heading(lang)
    click.echo(f"{friend}: {brief.friend}", err=True)
    click.echo(f"{you}: {brief.you}", err=True)
    click.echo(f"{questions}:", err=True)
    for question in profiles.questions(profile, lang):
        click.echo(f"  • {question}", err=True)
    click.echo("", err=True)


def _monologue_cue(profile: str | None) -> float:
    """Seconds of one stretch of speech before the live cue: the situation's longest-turn target,
    else the monologues analyzer's default."""
    from rehearse import coach, plugins

    if profile is not None:
        longest = coach.targets(profile).get("longest_turn")
        if longest is not None and longest[1] is not None:
            return float(longest[1])
    return float(plugins.analyzers()["monologues"].defaults()["threshold"])


@contextmanager
def _live_levels(quiet: bool, profile: str | None) -> Iterator:  # type: ignore[type-arg]
    """A level meter per channel on stderr, with warnings and (unless quiet) live cues."""
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    from rehearse import recorder
    from rehearse.i18n import clock

    console = Console(stderr=True)
    monologue = _monologue_cue(profile)
    warned: set[str] = set()

    def warn(key: str, message: str) -> None:
        if key not in warned:
            warned.add(key)
            console.print(f"[yellow]! {message}[/]")

    def lines(levels: recorder.Levels) -> Text:
        text = Text(f"● {clock(levels.seconds)}\n", style="bold red")
        total = sum(levels.talk) or 1.0
        for channel, level in enumerate(levels.dbfs):
            filled = int(max(0.0, min(1.0, (level + 60) / 60)) * 30)
            text.append(f"  ch{channel + 1} ")
            text.append("█" * filled, style="red" if levels.clipped[channel] else "green")
            text.append("░" * (30 - filled) + f" {level:6.1f} dBFS")
            if not quiet and len(levels.dbfs) > 1:
                text.append(f"  talk {levels.talk[channel] / total:4.0%}")
            text.append("\n")
        if not quiet and levels.by_voice:
            text.append(
                f"  you {levels.talk[0] / total:4.0%} · others {levels.talk[1] / total:4.0%} of the speech "
                "(voice print, a preview)\n"
            )
        if not quiet and levels.speaking is not None:
            who = ("you", "someone else")[levels.speaking] + ", " if levels.by_voice else ""
            text.append(f"  current stretch: {who}{levels.stretch:4.0f} s\n")
        return text

    def show(levels: recorder.Levels) -> None:
        for channel, clipped in enumerate(levels.clipped):
            if clipped:
                warn(
                    f"clip{channel}",
                    f"channel {channel + 1} clips: move the mic back or turn the input gain down",
                )
            if levels.silent_for[channel] >= recorder.SILENT_WARNING_SECONDS:
                warn(f"dead{channel}", f"channel {channel + 1} has been silent for 10 s: is that mic on?")
        if not quiet:
            if levels.stretch > monologue:
                warn(
                    f"long{int(levels.seconds // monologue)}",
                    f"one stretch of speech has passed {monologue:.0f} s: time to hand over?",
                )
            if levels.overlap and len(levels.dbfs) > 1:
                warn(f"over{int(levels.seconds // 30)}", "two people talking at once")
        if live is not None:
            live.update(lines(levels))
        elif int(levels.seconds) % 10 == 0 and int(levels.seconds) != getattr(show, "last", -1):
            show.last = int(levels.seconds)  # type: ignore[attr-defined]
            click.echo(f"{clock(levels.seconds)} recorded", err=True)

    live = Live(console=console, refresh_per_second=8, transient=True) if console.is_terminal else None
    if live is None:
        yield show
        return
    with live:
        yield show


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """Values as a row of block characters, lowest to highest; a gap where a value is missing."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else SPARKS[round((v - low) / span * (len(SPARKS) - 1)) if high > low else 3]
        for v in values
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
    import json

    from rehearse import coach, history

    if show_id is not None:
        click.echo(json.dumps(history.report(show_id), ensure_ascii=False, indent=2))
        return
    found = history.sessions(profile, last)
    if json_:
        click.echo(json.dumps([s.to_dict() for s in found], ensure_ascii=False, indent=2))
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
        click.echo(
            f"{s.id:>4}  {s.date[:16].replace('T', ' '):<16}  {s.profile or '-':<16}  "
            f"{coach.show(s.duration, 'seconds', lang):>10}  "
            f"{coach.show(share, 'share', lang):>6}  {coach.show(questions, 'count', lang):>9}  {s.audio_path}"
        )
    click.echo(say(lang, f"Kept in {history.path()}", f"Conservé dans {history.path()}"), err=True)


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
    import json

    from rehearse import coach, config, history, profiles

    where, config_file = config.load()
    found = history.progress(profile, last, coach.targets(profile, config_file, where))
    if json_:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
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
    for name, figure in found["metrics"].items():
        metric = coach.METRICS[name]
        known = [v for v in figure["values"] if v is not None]
        rows.append(
            (
                say(lang, *metric.label),
                sparkline(figure["values"]),
                coach.show(known[0], metric.unit, lang),
                coach.show(known[-1], metric.unit, lang),
                coach.target_text(figure["min"], figure["max"], metric.unit, lang),
                coach.trend_text(figure["trend"], lang),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    target_word = say(lang, "target", "objectif")
    for label, spark, first, latest, target, trend in rows:
        click.echo(
            f"  {label:<{widths[0]}}  {spark:<{widths[1]}}  {first:>{widths[2]}} → {latest:<{widths[3]}}  "
            f"{target_word} {target:<{widths[4]}}  {trend}"
        )


@cli.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@_plugins_dir_option
def plugins_command(as_json: bool) -> None:
    """List every plugin: where it comes from, its version, and what it registers.

    Built-in analyzers, renderers, diarizers and transcribers are plugins too, so
    they are listed alongside installed ones (entry points in the group
    'rehearse') and local files (--plugins-dir / REHEARSE_PLUGINS_DIR).
    """
    import json

    from rehearse import plugins

    found = plugins.describe()
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    for plugin in found:
        version = f" {plugin['version']}" if plugin["version"] else ""
        click.echo(f"{plugin['name']}{version}  ({plugin['source']})")
        for kind, names in plugin["registers"].items():
            click.echo(f"    {kind}: {', '.join(names)}")


@cli.command(name="analyzers")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@_plugins_dir_option
def analyzers_command(as_json: bool) -> None:
    """List the analyzers and their options (set them with --set ANALYZER.OPTION=VALUE)."""
    import json

    from rehearse import plugins

    registry = plugins.collect("register_analyzers")
    found: list[dict[str, Any]] = [
        {
            "name": name,
            "title": analyzer.title if isinstance(analyzer.title, str) else dict(analyzer.title),
            "plugin": registry.owners[name],
            "options": [
                {"name": o.name, "type": type(o.default).__name__, "default": o.default, "help": o.help}
                for o in analyzer.options
            ],
        }
        for name, analyzer in registry.items.items()
    ]
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for name, analyzer in registry.items.items():
        title = analyzer.title if isinstance(analyzer.title, str) else analyzer.title.get("en", name)
        click.echo(f"{name}  — {title}  ({registry.owners[name]})")
        for option in analyzer.options:
            click.echo(
                f"    --set {name}.{option.name}=<{type(option.default).__name__}>  (default {option.default})"
            )
            click.echo(f"        {option.help}")


@cli.group()
def plugin() -> None:
    """Write your own plugin: see docs/plugins.md."""


@plugin.command()
@click.argument("package", metavar="rehearse-NAME")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the package folder.",
)
def new(package: str, directory: Path) -> None:
    """Create a working analyzer plugin package in ./rehearse-NAME/.

    \b
    It holds an analyzer named NAME (it counts words per speaker: replace that with
    your idea), a passing test, a README and a pyproject.toml with the entry point.
    \b
      rehearse plugin new rehearse-star
      cd rehearse-star && pip install -e . && pytest
      rehearse analyze --transcript report.json      # your section is in the report
    """
    from rehearse import scaffold

    target = scaffold.create(package, directory)
    click.echo(f"Created {target}/ — next: cd {target} && pip install -e . && pytest")


@cli.group(name="eval")
def eval_() -> None:
    """Measure how well rehearse does against a reference you trust."""


@eval_.command()
@click.argument("audio", type=click.Path(path_type=Path))
@click.argument("reference", type=click.Path(path_type=Path), metavar="REF.rttm")
@click.option("--speakers", type=click.IntRange(1, 4), metavar="N", help="Force the number of speakers.")
@click.option("--diarizer", default="voice", show_default=True, metavar="NAME", help="Diarizer to evaluate.")
@click.option(
    "--collar",
    type=click.FloatRange(0.0),
    default=0.25,
    show_default=True,
    help="Seconds around each reference boundary left out of scoring.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def diarization(
    audio: Path, reference: Path, speakers: int | None, diarizer: str, collar: float, as_json: bool
) -> None:
    """Score who-spoke-when on AUDIO against a reference RTTM file.

    Prints the diarization error rate (DER) with its parts: missed speech, false
    alarm and speaker confusion, overlapped speech included, and how far each
    person's share of talk time is from the reference, in percentage points.
    No transcription is run, so this takes seconds.

    \b
    Example:
      rehearse eval diarization memo.wav memo.rttm
      rehearse analyze memo.wav -f rttm -o mine.rttm    (the RTTM rehearse itself writes)
    """
    import json

    from rehearse import audio as audio_module
    from rehearse import evaluation, pipeline

    truth = evaluation.read_rttm(reference)
    with _progress() as progress:
        recording = audio_module.load(audio, lambda f: progress("decode", f))
        found = pipeline.who_spoke_when(
            recording, pipeline.Options(speakers=speakers, diarizer=diarizer), progress
        )
    if not found.segments:
        raise RehearseError(f"{audio}: no speech found, nothing to score")
    result = evaluation.score(truth, found.segments, collar)
    summary = {
        **result.to_dict(),
        "collar": collar,
        "attribution": found.source.value,
        "speakers_found": len(found.speakers),
        "speakers_reference": len({s.speaker for s in truth}),
    }
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(
        f"DER {summary['der']:.1%}  (missed {summary['missed']:.1%}, false alarm {summary['false_alarm']:.1%}, "
        f"confusion {summary['confusion']:.1%}) on {summary['scored_seconds']:.1f} s of reference speech, "
        f"collar {collar:g} s"
    )
    mapping = ", ".join(f"{mine} → {theirs}" for mine, theirs in sorted(result.mapping.items())) or "none"
    click.echo(
        f"Speakers: {summary['speakers_found']} found ({found.source.value}), "
        f"{summary['speakers_reference']} in the reference; {mapping}"
    )
    errors = ", ".join(f"{name} {error:.1f} pts" for name, error in sorted(result.share_error.items()))
    click.echo(f"Talk-share error: {errors}")


def _pick_renderer(renderers: dict, format_: str | None, output: Path | None):  # type: ignore[no-untyped-def]
    if format_ is None and output is not None:
        suffix = output.suffix.lower()
        format_ = next((name for name, r in renderers.items() if suffix in r.extensions), None)
        if format_ is None:
            raise click.UsageError(
                f"cannot tell the format from {output.name!r}; add --format ({', '.join(renderers)})"
            )
    format_ = format_ or "terminal"
    if format_ not in renderers:
        raise click.UsageError(f"unknown --format {format_!r}; choose from {', '.join(renderers)}")
    return renderers[format_]


@contextmanager
def _progress() -> Iterator:  # type: ignore[type-arg]
    """Progress bars on stderr, one per pipeline stage, shown as each stage starts."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskID,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        yield _plain_progress()
        return
    bars = Progress(
        TextColumn("{task.description:<45}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    tasks: dict[str, TaskID] = {}

    def update(stage: str, fraction: float) -> None:
        if stage not in tasks:
            for earlier in tasks.values():  # a stage starting means the ones before are done
                bars.update(earlier, completed=100)
            tasks[stage] = bars.add_task(STAGES.get(stage, stage), total=100)
        bars.update(tasks[stage], completed=round(fraction * 100, 1))

    with bars:
        yield update


def _plain_progress():  # type: ignore[no-untyped-def]
    """Without a terminal (logs, CI): one line as each stage starts."""
    started: set[str] = set()

    def update(stage: str, fraction: float) -> None:
        if stage not in started:
            started.add(stage)
            click.echo(f"{STAGES.get(stage, stage)}…", err=True)

    return update


def _take_plugins_dirs(args: list[str]) -> None:
    """Put every ``--plugins-dir DIR`` of the command line into REHEARSE_PLUGINS_DIR."""
    from rehearse.plugins import PLUGINS_DIR_VARIABLE

    dirs = [value for flag, value in zip(args, args[1:]) if flag == "--plugins-dir"]
    dirs += [arg.split("=", 1)[1] for arg in args if arg.startswith("--plugins-dir=")]
    if dirs:
        existing = [d for d in os.environ.get(PLUGINS_DIR_VARIABLE, "").split(os.pathsep) if d]
        os.environ[PLUGINS_DIR_VARIABLE] = os.pathsep.join(existing + dirs)


def _add_plugin_commands() -> None:
    from rehearse import plugins

    plugins.manager().hook.register_commands(cli=cli)


def main() -> None:
    """Entry point: turns rehearse's errors into one line on stderr and an exit status."""
    debug = "--debug" in sys.argv[1:]
    try:
        _take_plugins_dirs(sys.argv[1:])
        _add_plugin_commands()
        # Without standalone mode, click returns ctx.exit()'s status instead of exiting.
        status = cli.main(standalone_mode=False)
        if isinstance(status, int) and status:
            sys.exit(status)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except RehearseError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug still gets one readable line
        if debug:
            traceback.print_exc()
        click.echo(f"Error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(EXIT_ERROR)
