"""``rehearse eval``: measuring rehearse against a reference you trust."""

from __future__ import annotations

from pathlib import Path

import click

from rehearse.cli.app import cli
from rehearse.cli.ui import progress_bars
from rehearse.errors import RehearseError


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

    from rehearse import pipeline
    from rehearse.audio import decode as audio_module
    from rehearse.diarization import scoring as evaluation

    truth = evaluation.read_rttm(reference)
    with progress_bars() as progress:
        recording = audio_module.load(audio, lambda f: progress("decode", f))
        found = pipeline.who_spoke_when(
            recording, pipeline.Options(speakers=speakers, diarizer=diarizer), progress
        )
    if not found.segments:
        raise RehearseError("{audio}: no speech found, nothing to score", audio=audio)
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
