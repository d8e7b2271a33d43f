"""A practice session around the recording itself: where it goes, what a crash left to repair,
and when the live cue for a long stretch of speech fires."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rehearse.errors import RecordingError
from rehearse.paths import data_dir
from rehearse.recording import sidecar, wav


def sessions_dir() -> Path:
    """Where recordings go when no path is given."""
    return data_dir() / "sessions"


def default_path(profile: str | None) -> Path:
    stamp = datetime.now().strftime("%Y-%m-%d_%H%M%S")
    return sessions_dir() / f"{stamp}_{profile or 'session'}.wav"


def take_for(path: Path) -> Path:
    """The WAV the audio goes to while recording (a crash leaves it repairable); a ``.flac``
    PATH is encoded from it once the recording stops.

    Raises:
        RecordingError: PATH is neither WAV nor FLAC, or it (or its WAV) exists already.
    """
    if path.suffix.lower() not in (".wav", ".flac"):
        raise RecordingError(
            "{name}: recordings are WAV or FLAC files; name it …/something.wav", name=path.name
        )
    take = path.with_suffix(".wav")
    for existing in {take, path}:
        if existing.exists():
            raise RecordingError("{path} exists; choose another name (nothing was overwritten)", path=existing)
    return take


def repair_unfinished(target: Path) -> list[tuple[Path, float]]:
    """Repair every recording a crash left in the folder ``target`` (or the file ``target``);
    return each repaired one with its seconds of audio.

    Raises:
        RecordingError: ``target`` does not exist, or a file cannot be repaired.
    """
    if target.is_dir():
        candidates = sidecar.unfinished(target)
    elif target.is_file():
        candidates = [target]
    else:
        raise RecordingError("{path}: no such file or folder", path=target)
    repaired = []
    for audio in candidates:
        seconds = wav.recover(audio)
        if seconds is not None:
            sidecar.mark_recovered(audio, seconds)
            repaired.append((audio, seconds))
    return repaired


def monologue_cue(profile: str | None) -> float:
    """Seconds of one stretch of speech before the live cue: the situation's longest-turn target,
    else the monologues analyzer's default."""
    from rehearse import plugins
    from rehearse.coaching import scorecard

    if profile is not None:
        longest = scorecard.targets(profile).get("longest_turn")
        if longest is not None and longest[1] is not None:
            return float(longest[1])
    return float(plugins.analyzers()["monologues"].defaults()["threshold"])
