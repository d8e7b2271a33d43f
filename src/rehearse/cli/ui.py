"""What the command line shows while work runs (progress bars, the recording meter, sparklines)
and how it writes what it made."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from rehearse.errors import RehearseError
from rehearse.i18n import N_, percent, tr, user_language
from rehearse.recording.cues import SILENT_WARNING_SECONDS, Levels

STAGES = {
    "model": N_("Preparing the speech model (first run only)"),
    "record": N_("Recording"),
    "decode": N_("Decoding audio"),
    "voices": N_("Telling voices apart"),
    "transcribe": N_("Transcribing"),
    "speakers": N_("Finding who spoke when"),
    "analyze": N_("Analyzing"),
}


def _stage_name(stage: str) -> str:
    """What a pipeline stage is called on screen; a plugin's own stage keeps its name. The stages
    run before the conversation's language is known, so they speak the user's."""
    return tr(user_language(), STAGES[stage]) if stage in STAGES else stage


@contextmanager
def progress_bars() -> Iterator:  # type: ignore[type-arg]
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
    from rich.table import Column

    console = Console(stderr=True)
    if not console.is_terminal:
        yield plain_progress()
        return
    # The label column as wide as the longest stage name, the bar what is left after the
    # percentage and the clock (about 20 columns), both shrinking on a narrow terminal.
    label_width = min(max(len(_stage_name(stage)) for stage in STAGES), max(console.width - 32, 12))
    bars = Progress(
        TextColumn(
            "{task.description}", table_column=Column(width=label_width, no_wrap=True, overflow="ellipsis")
        ),
        BarColumn(bar_width=max(min(console.width - label_width - 22, 40), 8)),
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
            tasks[stage] = bars.add_task(_stage_name(stage), total=100)
        bars.update(tasks[stage], completed=round(fraction * 100, 1))

    with bars:
        yield update


def plain_progress():  # type: ignore[no-untyped-def]
    """Without a terminal (logs, CI): one line as each stage starts."""
    started: set[str] = set()

    def update(stage: str, fraction: float) -> None:
        if stage not in started:
            started.add(stage)
            click.echo(f"{_stage_name(stage)}…", err=True)

    return update


@contextmanager
def live_levels(quiet: bool, monologue: float, lang: str) -> Iterator:  # type: ignore[type-arg]
    """A level meter per channel on stderr, with warnings and (unless quiet) live cues, in ``lang``."""
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    from rehearse.i18n import clock

    console = Console(stderr=True)
    warned: set[str] = set()

    def warn(key: str, message: str) -> None:
        if key not in warned:
            warned.add(key)
            console.print(f"[yellow]! {message}[/]")

    def lines(levels: Levels) -> Text:
        text = Text(f"● {clock(levels.seconds)}\n", style="bold red")
        total = sum(levels.talk) or 1.0
        for channel, level in enumerate(levels.dbfs):
            filled = int(max(0.0, min(1.0, (level + 60) / 60)) * 30)
            text.append("  " + tr(lang, "ch{number}", number=channel + 1) + " ")
            text.append("█" * filled, style="red" if levels.clipped[channel] else "green")
            text.append("░" * (30 - filled) + f" {level:6.1f} dBFS")
            if not quiet and len(levels.dbfs) > 1:
                text.append(
                    "  " + tr(lang, "talk {share}", share=f"{percent(levels.talk[channel] / total, lang):>4}")
                )
            text.append("\n")
        if not quiet and levels.by_voice:
            you, others = (f"{percent(levels.talk[i] / total, lang):>4}" for i in (0, 1))
            text.append(
                "  "
                + tr(
                    lang,
                    "you {you} · others {others} of the speech (voice print, a preview)",
                    you=you,
                    others=others,
                )
                + "\n"
            )
        if not quiet and levels.speaking is not None:
            seconds = f"{levels.stretch:4.0f}"
            if not levels.by_voice:
                stretch = tr(lang, "current stretch: {seconds} s", seconds=seconds)
            elif levels.speaking == 0:
                stretch = tr(lang, "current stretch: you, {seconds} s", seconds=seconds)
            else:
                stretch = tr(lang, "current stretch: someone else, {seconds} s", seconds=seconds)
            text.append(f"  {stretch}\n")
        return text

    def show(levels: Levels) -> None:
        for channel, clipped in enumerate(levels.clipped):
            if clipped:
                warn(
                    f"clip{channel}",
                    tr(
                        lang,
                        "channel {number} clips: move the mic back or turn the input gain down",
                        number=channel + 1,
                    ),
                )
            if levels.silent_for[channel] >= SILENT_WARNING_SECONDS:
                warn(
                    f"dead{channel}",
                    tr(
                        lang,
                        "channel {number} has been silent for {seconds} s: is that mic on?",
                        number=channel + 1,
                        seconds=f"{SILENT_WARNING_SECONDS:.0f}",
                    ),
                )
        if not quiet:
            if levels.stretch > monologue:
                warn(
                    f"long{int(levels.seconds // monologue)}",
                    tr(
                        lang,
                        "one stretch of speech has passed {seconds} s: time to hand over?",
                        seconds=f"{monologue:.0f}",
                    ),
                )
            if levels.overlap and len(levels.dbfs) > 1:
                warn(f"over{int(levels.seconds // 30)}", tr(lang, "two people talking at once"))
        if live is not None:
            live.update(lines(levels))
        elif int(levels.seconds) % 10 == 0 and int(levels.seconds) != getattr(show, "last", -1):
            show.last = int(levels.seconds)  # type: ignore[attr-defined]
            click.echo(tr(lang, "{time} recorded", time=clock(levels.seconds)), err=True)

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


def check_writable(output: Path) -> None:
    """Refuse an output that cannot be written before the work, not after it."""
    folder = output.parent
    if not folder.is_dir():
        raise RehearseError(
            "cannot write {output}: the folder {folder} does not exist", output=output, folder=folder
        )
    if not os.access(folder, os.W_OK | os.X_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise RehearseError("cannot write {output}: permission denied", output=output)


def write_whole(output: Path, text: str) -> None:
    """Write the file whole or not at all: a full disk must not leave half a report in place
    of the previous one."""
    staging = output.with_name(f".{output.name}.partial")
    try:
        # A lone surrogate (JSON may escape one) has no UTF-8 form: it becomes "?", the rest stays.
        staging.write_text(text, encoding="utf-8", errors="replace")
        staging.replace(output)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise RehearseError(
            "cannot write {output}: {reason}", output=output, reason=exc.strerror or exc
        ) from exc
