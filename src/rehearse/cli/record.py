"""``rehearse record`` and ``rehearse devices``: recording a practice session."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rehearse.cli.analyze import analyze as analyze_command
from rehearse.cli.app import cli
from rehearse.cli.ui import live_levels, progress_bars
from rehearse.coaching.situations import NAMES as PROFILE_NAMES
from rehearse.i18n import clock, ntr, tenths, tr, user_language
from rehearse.renderers.base import printable


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def devices(as_json: bool) -> None:
    """List the input devices rehearse can record from (* marks the default)."""
    import json
    from dataclasses import asdict

    from rehearse.recording import devices as sound

    found = sound.input_devices()
    if as_json:
        click.echo(json.dumps([asdict(d) for d in found], indent=2))
        return
    if not found:
        click.echo(
            tr(
                user_language(),
                "No input device found. Plug in a microphone, or check the system's sound settings.",
            )
        )
    for d in found:
        mark = "*" if d.is_default else " "
        click.echo(
            printable(
                f"{mark} {d.index:>3}  {d.name}  ({d.host_api}, {d.channels} ch, {d.default_rate:.0f} Hz)"
            )
        )


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
    "(default: the brief in your locale's language, French or English; the language detected).",
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

    from rehearse.recording import capture, session, wav

    if recover_target is not None:
        _recover(Path(recover_target) if recover_target else None)
        return
    if len(device_names) > 2:
        raise click.UsageError("--device at most twice (one person per mic)")
    if len(device_names) == 2 and channels != 1:
        raise click.UsageError("with two --device, each records one channel: leave out --channels")
    # What is said while recording, brief included, is in the language spoken when it is given.
    speaks = lang or user_language()
    folder = path.parent if path else session.sessions_dir()
    for leftover, _ in session.repair_unfinished(folder) if folder.is_dir() else []:
        click.echo(printable(tr(speaks, "Repaired an unfinished recording: {path}", path=leftover)), err=True)
    if profile:
        _print_brief(profile, speaks)
    path = path or session.default_path(profile)
    take = session.take_for(path)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    if sys.stdin.isatty():

        def wait_for_enter() -> None:
            sys.stdin.readline()
            stop.set()

        threading.Thread(target=wait_for_enter, daemon=True).start()
    keys = tr(speaks, "Enter or Ctrl-C") if sys.stdin.isatty() else "Ctrl-C"
    if duration:
        started = tr(
            speaks,
            "Recording to {path} — stop with {keys}, or after {seconds} s.",
            path=path,
            keys=keys,
            seconds=f"{duration:.0f}",
        )
    else:
        started = tr(speaks, "Recording to {path} — stop with {keys}.", path=path, keys=keys)
    similarity = None
    if len(device_names) < 2 and channels == 1 and not quiet:
        from rehearse.cli.voice import saved_voice_print
        from rehearse.diarization import voiceprint

        print_ = saved_voice_print()
        if print_ is None:
            click.echo(
                tr(
                    speaks,
                    "One microphone and no voice print: the live cues time each stretch of speech but cannot "
                    "tell who speaks ('rehearse voice enroll' lets them).",
                ),
                err=True,
            )
        else:
            similarity = voiceprint.similarity_to(print_)
    worker = _transcribe_ahead(lang) if then_analyze else None

    def shown(levels):  # type: ignore[no-untyped-def]
        if worker is not None and levels.overflows:  # capture could not keep up: it comes first
            worker.fall_behind()
        show(levels)

    try:
        with live_levels(quiet, session.monologue_cue(profile), speaks) as show:
            info = capture.record(
                take,
                list(device_names) or [None],
                channels if len(device_names) < 2 else 2,
                duration=duration,
                profile=profile,
                language=lang,
                stop=stop,
                on_levels=shown,
                voice_similarity=similarity,
                on_started=lambda: click.echo(printable(started), err=True),
                on_audio=worker.feed if worker else None,
            )
    finally:
        signal.signal(signal.SIGINT, previous)
        ahead = worker.finish() if worker else None
    if path != take:
        wav.save_as_flac(take, path)
    saved = ntr(
        speaks,
        "Saved {path} ({seconds} s, {count} channel, {rate} Hz).",
        "Saved {path} ({seconds} s, {count} channels, {rate} Hz).",
        info.channels,
        path=path,
        seconds=tenths(info.duration, speaks),
        rate=info.sample_rate,
    )
    if info.overflows:
        saved += " " + ntr(
            speaks,
            "{count} input overflow: the machine could not keep up.",
            "{count} input overflows: the machine could not keep up.",
            info.overflows,
        )
    click.echo(printable(saved), err=True)
    if then_analyze:
        if ahead is not None and ahead.failure:
            click.echo(
                printable(
                    tr(
                        speaks,
                        "Could not transcribe while recording ({reason}): the rest is transcribed now.",
                        reason=ahead.failure,
                    )
                ),
                err=True,
            )
        elif ahead is not None and ahead.behind:
            click.echo(
                tr(speaks, "The machine could not transcribe while recording: the rest is transcribed now."),
                err=True,
            )
        elif ahead is not None and ahead.windows:
            click.echo(
                tr(
                    speaks, "Transcribed while recording: up to {time}.", time=clock(ahead.windows[-1][-1][1])
                ),
                err=True,
            )
        ctx.obj["ahead"] = ahead
        ctx.invoke(analyze_command, audio=path, language=lang, profile=profile)


def _transcribe_ahead(language: str | None):  # type: ignore[no-untyped-def]
    """The speech model loaded before recording starts, transcribing the session as it goes."""
    from rehearse import pipeline
    from rehearse.transcription.ahead import TranscribeAhead

    options = pipeline.Options(language=language)
    with progress_bars() as progress:
        model = pipeline.load_transcriber(options, progress)
    return TranscribeAhead(model, pipeline.load_diarizer(options))


def _recover(named: Path | None) -> None:
    """Repair what a crash left in ``named``, or in the sessions folder."""
    from rehearse.recording import session

    lang = user_language()
    target = named or session.sessions_dir()
    if named is None and not target.exists():  # a fresh install: nothing was ever recorded
        click.echo(tr(lang, "Nothing to repair: every recording is complete."))
        return
    repaired = session.repair_unfinished(target)
    for audio, seconds in repaired:
        click.echo(
            printable(
                tr(lang, "Repaired {path}: {seconds} s of audio", path=audio, seconds=tenths(seconds, lang))
            )
        )
    if not repaired:
        click.echo(tr(lang, "Nothing to repair: every recording is complete."))


def _print_brief(profile: str, lang: str) -> None:
    from rehearse.coaching import situations

    brief = situations.brief(profile, lang)
    friend, you, questions = situations.heading(lang)
    click.echo(tr(lang, "{heading}: {text}", heading=friend, text=brief.friend), err=True)
    click.echo(tr(lang, "{heading}: {text}", heading=you, text=brief.you), err=True)
    click.echo(tr(lang, "{heading}:", heading=questions), err=True)
    for question in situations.questions(profile, lang):
        click.echo(f"  • {question}", err=True)
    click.echo("", err=True)
