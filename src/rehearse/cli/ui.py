"""What the command line shows while work runs: progress bars, the recording meter, sparklines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from rehearse.recording.cues import SILENT_WARNING_SECONDS, Levels

STAGES = {
    "model": "Preparing the speech model (first run only)",
    "record": "Recording",
    "decode": "Decoding audio",
    "voices": "Telling voices apart",
    "transcribe": "Transcribing",
    "speakers": "Finding who spoke when",
    "analyze": "Analyzing",
}


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

    console = Console(stderr=True)
    if not console.is_terminal:
        yield plain_progress()
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


def plain_progress():  # type: ignore[no-untyped-def]
    """Without a terminal (logs, CI): one line as each stage starts."""
    started: set[str] = set()

    def update(stage: str, fraction: float) -> None:
        if stage not in started:
            started.add(stage)
            click.echo(f"{STAGES.get(stage, stage)}…", err=True)

    return update


@contextmanager
def live_levels(quiet: bool, monologue: float) -> Iterator:  # type: ignore[type-arg]
    """A level meter per channel on stderr, with warnings and (unless quiet) live cues."""
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

    def show(levels: Levels) -> None:
        for channel, clipped in enumerate(levels.clipped):
            if clipped:
                warn(
                    f"clip{channel}",
                    f"channel {channel + 1} clips: move the mic back or turn the input gain down",
                )
            if levels.silent_for[channel] >= SILENT_WARNING_SECONDS:
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
