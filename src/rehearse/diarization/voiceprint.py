"""Your voice print: which speaker of a recording is "me".

A voice print is the voice embedding of about ten seconds of your speech, kept in
the user data directory as JSON (no audio is kept). At analysis, the speaker whose
voice is closest becomes role "me" — if the match is clear enough.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from rehearse.conversation import Segment, talk_times
from rehearse.errors import RehearseError
from rehearse.i18n import tr
from rehearse.paths import data_dir

FORMAT = "rehearse.voiceprint/1"
MIN_SPEECH_SECONDS = 5.0
# Calibrated on six enrollments (8 s of each speaker of the two fixtures and of pyannote's
# real sample) against the rest of the same recording: the enrolled speaker scored
# 0.887-0.968, the other speaker 0.711-0.892, and the enrolled one always came first by
# at least 0.017 (docs/benchmarks.md). Both conditions must hold for a match.
MATCH_SIMILARITY = 0.86
MATCH_MARGIN = 0.015
# A second voice holding this share of the speech means the enrolment is not of one person:
# a print averaged over two voices would match neither. A smaller share (a word from someone
# in the room, or the diarizer hesitating on one voice) is left out of the print instead.
SECOND_VOICE_SHARE = 0.25


class VoicePrintError(RehearseError):
    pass


@dataclass(frozen=True)
class VoicePrint:
    embedding: np.ndarray  # unit vector, 256 values
    created: str  # ISO 8601, UTC
    source: str  # "microphone" or the file it was taken from
    speech_seconds: float


@dataclass(frozen=True)
class Match:
    speaker: str | None  # None: nobody sounds clearly enough like the voice print
    similarities: dict[str, float]


def path() -> Path:
    return data_dir() / "voiceprint.json"


def enroll(samples: np.ndarray, source: str) -> VoicePrint:
    """A voice print from a recording of the user alone (16 kHz mono)."""
    from rehearse.audio import activity
    from rehearse.audio import decode as audio
    from rehearse.diarization import encoder as voice
    from rehearse.diarization.voice import diarize

    speech = [(s.start, s.end) for s in activity.voice_activity(samples, "me")]
    speech = _main_voice(diarize(samples, speech).segments, speech, source)
    said = audio.excerpt(samples, speech, 60.0)
    seconds = len(said) / audio.SAMPLE_RATE
    if seconds < MIN_SPEECH_SECONDS:
        raise VoicePrintError(
            "only {heard} s of speech heard; speak for about 12 s (at least {needed} s) to make a voice print",
            heard=f"{seconds:.1f}",
            needed=f"{MIN_SPEECH_SECONDS:.0f}",
        )
    created = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return VoicePrint(voice.embed(said), created, source, round(seconds, 1))


def _main_voice(
    segments: list[Segment], speech: list[tuple[float, float]], source: str
) -> list[tuple[float, float]]:
    """The speech of the voice heard most, refusing a recording where two voices share it."""
    talk = talk_times(segments, {s.speaker for s in segments})
    if len(talk) < 2:
        return speech
    ranked = sorted(talk, key=talk.__getitem__, reverse=True)
    total = sum(talk.values())
    if talk[ranked[1]] >= SECOND_VOICE_SHARE * total:
        shares = ", ".join(f"{100 * talk[name] / total:.0f}%" for name in ranked)
        raise VoicePrintError(
            "{source}: {count} voices heard (shares of the speech: {shares}); "
            "a voice print needs a recording of you alone",
            source=source,
            count=len(talk),
            shares=shares,
        )
    return [(s.start, s.end) for s in segments if s.speaker == ranked[0]]


def check_writable() -> Path:
    """Where the voice print will go, checked before anyone speaks for it.

    Raises:
        VoicePrintError: the data directory cannot be created or written.
    """
    target = path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VoicePrintError(
            "cannot create {folder} ({reason})", folder=target.parent, reason=exc.strerror or exc
        ) from exc
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise VoicePrintError(
            "cannot write the voice print to {folder} (permission denied)", folder=target.parent
        )
    return target


def save(print_: VoicePrint) -> Path:
    target = check_writable()
    data = {
        "format": FORMAT,
        "created": print_.created,
        "source": print_.source,
        "speech_seconds": print_.speech_seconds,
        "embedding": [round(float(x), 6) for x in print_.embedding],
    }
    staging = target.with_suffix(".tmp")
    try:
        staging.write_text(json.dumps(data), encoding="utf-8")
        staging.replace(target)  # atomic: a crash never leaves half a voice print
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise VoicePrintError(
            "cannot save the voice print to {path} ({reason})", path=target, reason=exc.strerror or exc
        ) from exc
    return target


def load() -> VoicePrint | None:
    """The saved voice print, or None when there is none."""
    where = path()
    if not where.exists():
        return None
    if not where.is_file():
        raise VoicePrintError(
            "the voice print {path} is not a regular file; "
            "run 'rehearse voice enroll' again, or 'rehearse voice forget' to remove it",
            path=where,
        )
    try:
        text = where.read_text(encoding="utf-8")
    except OSError as exc:
        raise VoicePrintError(
            "cannot read the voice print {path} ({reason}); check its permissions",
            path=where,
            reason=exc.strerror or exc,
        ) from exc
    try:
        data = json.loads(text)
        embedding = np.asarray(data["embedding"], dtype=np.float32)
        if data.get("format") != FORMAT or embedding.shape != (256,) or not np.isfinite(embedding).all():
            raise ValueError("unexpected content")
        norm = float(np.linalg.norm(embedding))
        if not 0.99 < norm < 1.01:
            raise ValueError("not a unit vector")
        return VoicePrint(embedding, str(data["created"]), str(data["source"]), float(data["speech_seconds"]))
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise VoicePrintError(
            "the voice print {path} is damaged ({reason}); "
            "run 'rehearse voice enroll' again, or 'rehearse voice forget' to remove it",
            path=where,
            reason=exc,
        ) from exc


def forget() -> bool:
    """Delete the voice print; False when there was none."""
    where = path()
    if not where.exists():
        return False
    try:
        where.unlink()
    except OSError as exc:
        raise VoicePrintError(
            "cannot delete {path} ({reason})", path=where, reason=exc.strerror or exc
        ) from exc
    return True


def similarity_to(print_: VoicePrint) -> Callable[[np.ndarray], float]:
    """How like the voice print a stretch of 16 kHz speech sounds (cosine similarity); the voice
    model is loaded now, so the first call is as quick as the others."""
    from rehearse.diarization import encoder as voice

    voice.embed(np.zeros(voice.SAMPLE_RATE * 2, np.float32))
    return lambda samples: float(np.dot(print_.embedding, voice.embed(samples)))


def match(print_: VoicePrint, voices: dict[str, np.ndarray]) -> Match:
    """The speaker who sounds like the voice print, if one clearly does."""
    similarities = {s: round(float(np.dot(print_.embedding, v)), 3) for s, v in voices.items()}
    ranked = sorted(similarities.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < MATCH_SIMILARITY:
        return Match(None, similarities)
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MATCH_MARGIN:
        return Match(None, similarities)
    return Match(ranked[0][0], similarities)


def no_match_note(similarities: dict[str, float], lang: str) -> str:
    """The report's note when nobody sounds clearly like the voice print."""
    closest = max(similarities.items(), key=lambda item: item[1])
    return tr(
        lang,
        "Nobody sounds clearly like your voice print (closest: {speaker}, similarity "
        "{similarity}), so no one is marked as you; --me tells rehearse who you are.",
        speaker=closest[0],
        similarity=f"{closest[1]:.2f}",
    )


def unusable_note(lang: str) -> str:
    """The report's note when the saved voice print could not be read (the CLI warns why)."""
    return tr(
        lang,
        "Your voice print ({path}) is damaged or unreadable and was not used; "
        "'rehearse voice enroll' makes a new one.",
        path=path(),
    )
