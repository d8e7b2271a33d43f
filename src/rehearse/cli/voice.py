"""``rehearse voice``: your voice print."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from rehearse.cli.app import cli
from rehearse.cli.ui import progress_bars
from rehearse.i18n import tenths, tr, user_language
from rehearse.renderers.base import printable

if TYPE_CHECKING:
    from rehearse.diarization.voiceprint import VoicePrint


@cli.group()
def voice() -> None:
    """Your voice print: how rehearse knows which speaker is you.

    \b
    rehearse voice enroll                 speak for ~12 s into the microphone
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

    from rehearse.audio import decode as audio
    from rehearse.diarization import voiceprint
    from rehearse.recording import capture

    voiceprint.check_writable()  # before anyone speaks for nothing
    if source is not None:
        samples = audio.load(source).mono
        origin = str(source.resolve())
    else:
        click.echo(
            tr(
                user_language(),
                "Speak naturally for {seconds} seconds — introduce yourself, or read a paragraph aloud.",
                seconds=f"{seconds:.0f}",
            ),
            err=True,
        )
        # Through a temporary file, with the same recorder as sessions; only the print is kept.
        with tempfile.TemporaryDirectory() as tmp:
            take = Path(tmp) / "voice.wav"
            with progress_bars() as progress:
                capture.record(
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
    speaks = user_language()
    click.echo(
        tr(
            speaks,
            "Voice print saved to {path} ({seconds} s of speech heard).",
            path=where,
            seconds=tenths(print_.speech_seconds, speaks),
        )
    )


@voice.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def show(as_json: bool) -> None:
    """Show the stored voice print: when and from what it was made."""
    import json

    from rehearse.diarization import voiceprint

    print_ = voiceprint.load()
    lang = user_language()
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
        click.echo(tr(lang, "No voice print yet. Make one with: rehearse voice enroll"))
    else:
        click.echo(tr(lang, "Voice print: {path}", path=voiceprint.path()))
        made = tr(
            lang,
            "made {date} from {source}, {seconds} s of speech",
            date=print_.created,
            source=print_.source,
            seconds=tenths(print_.speech_seconds, lang),
        )
        click.echo(printable(f"  {made}"))


@voice.command()
def forget() -> None:
    """Delete the stored voice print."""
    from rehearse.diarization import voiceprint

    lang = user_language()
    click.echo(
        tr(lang, "Voice print deleted.")
        if voiceprint.forget()
        else tr(lang, "There was no voice print to delete.")
    )


def saved_voice_print() -> VoicePrint | None:
    """The voice print for analysis or live cues; a damaged one costs a warning, not the session."""
    from rehearse.diarization import voiceprint

    try:
        return voiceprint.load()
    except voiceprint.VoicePrintError as exc:
        lang = user_language()
        click.echo(tr(lang, "Warning: {problem}; going on without it.", problem=exc.said(lang)), err=True)
        return None
