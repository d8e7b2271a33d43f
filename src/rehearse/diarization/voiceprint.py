"""Your voice print: which speaker of a recording is "me".

A voice print is the voice embedding of about ten seconds of your speech, kept in the user
data directory as JSON (no audio is kept), together with the embeddings of the same speech as
a telephone line, a room and both would carry it (simulated at enrolment: multi-condition
enrolment, see ``_heard_as``).

How a recording is matched (``match``):

1. The recording chooses the condition: the print's condition its speakers are closest to on
   average. A voice on a phone line is far from its own clean print (0.59-0.75 on the
   benchmark's telephone band, where a clean recording gives 0.87-0.99), but close to its
   print as heard on a line; and every voice of a phone call is nearer the print's phone
   condition than its clean one, whoever is enrolled.
2. The closest speaker there gets a confidence, a logistic function of its similarity fitted
   per condition on real voices (``benchmarks/voiceprint.py``): 0.5 at similarity 0.861 clean,
   0.827 on a line, 0.782 in a room. Held out (fitted on half the voices, measured on the
   other half), matches said 0.95 or more were right 47 times in 47.
3. A speaker with under 10 s of speech gives an unsteady embedding (on CALLFRIEND's call,
   3.3 s of one woman scored further from her print than the other woman did): when any
   speaker compared has less, the confidence is scaled by their share of 10 s, so it never
   reads 1.0 and a 5 s speaker cannot be named.
4. The closest speaker is named "me" from confidence 0.5.

Measured on eight real voices enrolled clean, each in conversation with two others, clean,
in a room, on a phone line and both (assembled conversations, the pipeline's own diarization;
docs/benchmarks.md): where the diarizer kept the enrolled voice apart, it is named in 22 of 22
room conversations and 19 of 22 phone ones (20 and 19 with the confidence fitted on the other
voices only), against none with the former fixed line of 0.86. A voice absent from the
recording named someone in 4 of 422 trials (9 held out), at confidence 0.51-0.64, all but one
of them Allison and June, two women of the same studio the encoder hears as alike even clean
(0.85): below 0.65 a match is a guess, and ``--me`` remains the sure way.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from rehearse.conversation import Segment, talk_times
from rehearse.errors import RehearseError
from rehearse.i18n import percent, tr
from rehearse.paths import data_dir

FORMAT = "rehearse.voiceprint/1"
MIN_SPEECH_SECONDS = 5.0
# The ways the enrolment speech is heard again at enrolment (see _heard_as). "clean" is the
# embedding itself; a print saved before the others existed has that one only.
CONDITIONS = ("clean", "phone", "room", "room+phone")
# Confidence that the closest speaker is the enrolled one: a logistic function of their
# similarity in the condition the recording sounds like, fitted on the trials of
# benchmarks/voiceprint.py with enough speech (``--fit`` prints them; docs/benchmarks.md). The offsets differ
# because a voice through a phone line or a room is further from every print: the same
# similarity says more there than on a clean recording. Confidence 0.5 is similarity 0.861
# clean, 0.827 on a phone line, 0.782 in a room, 0.785 both.
SLOPE = 48.32
OFFSET = {"clean": -41.62, "phone": -39.95, "room": -37.8, "room+phone": -37.93}
# A speaker is named "me" from this confidence on: more likely right than wrong, as measured.
MATCH_CONFIDENCE = 0.5
# Under this much speech, a speaker's embedding is too unsteady to judge by: the confidence
# is scaled down in proportion (3.3 s of one woman on CALLFRIEND's call scored below the
# other woman, 0.809 against 0.881).
JUDGE_SECONDS = 10.0
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
    # The same speech heard through a simulated phone line, room, both: unit vectors by
    # CONDITIONS name ("clean" is ``embedding``); empty in a print made before they existed.
    conditions: dict[str, np.ndarray] = field(default_factory=dict)

    def heard(self) -> dict[str, np.ndarray]:
        """The print in every condition it has, "clean" first."""
        return {"clean": self.embedding, **{k: v for k, v in self.conditions.items() if k != "clean"}}


@dataclass(frozen=True)
class Match:
    speaker: str | None  # None: nobody sounds clearly enough like the voice print
    similarities: dict[str, float]  # in the condition the recording sounds like
    # How sure it is that the closest speaker is the enrolled one (0-1, calibrated: of the
    # benchmark's held-out trials said 0.95 or more, 47 of 47 were right); set even when
    # speaker is None.
    confidence: float = 0.0
    condition: str = "clean"


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
    heard = {name: voice.embed(way(said)) for name, way in _heard_as().items()}
    return VoicePrint(voice.embed(said), created, source, round(seconds, 1), heard)


def _heard_as() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """How the enrolment speech is heard again, beside as recorded: the print of a voice
    recorded on a laptop is compared with the same voice on a phone call or across a room
    (multi-condition enrolment, as the augmentation of Snyder et al., "X-vectors: robust DNN
    embeddings for speaker recognition", ICASSP 2018, does for training). These simulations
    are deliberately not those of the benchmark (corpus/assemble.py): a smooth band and A-law
    here, a brick-wall band and mu-law there; white noise here, pink there."""
    return {
        "phone": lambda x: _line(_noisy(x, 25.0)),
        "room": lambda x: _noisy(_room(x), 20.0),
        "room+phone": lambda x: _line(_noisy(_room(x), 20.0)),
    }


def _line(samples: np.ndarray) -> np.ndarray:
    """A telephone line: the 300-3400 Hz band of ITU-T G.712 as a 4th-order Butterworth
    magnitude response, then 8-bit A-law (ITU-T G.711)."""
    rate = 16_000
    spectrum = np.fft.rfft(samples.astype(np.float64))
    freqs = np.maximum(np.fft.rfftfreq(len(samples), 1 / rate), 1.0)
    gain = 1 / np.sqrt((1 + (300 / freqs) ** 8) * (1 + (freqs / 3400) ** 8))
    band = np.fft.irfft(spectrum * gain, len(samples))
    peak = max(float(np.max(np.abs(band))), 1e-9)
    x, a = np.abs(band / peak), 87.6
    law = 1 + np.log(a)
    coded = np.where(x < 1 / a, a * x / law, (1 + np.log(np.maximum(a * x, 1.0))) / law)
    coded = np.round(coded * 127) / 127
    level = np.where(coded < 1 / law, coded * law / a, np.exp(coded * law - 1) / a)
    return (np.sign(band) * level * peak).astype(np.float32)


def _room(samples: np.ndarray) -> np.ndarray:
    """An office heard a metre away: a direct path, then noise decaying 60 dB in 0.5 s,
    2 dB under it (the exponential model of Lehmann & Johansson, JASA 124, 2008)."""
    rate, rt60 = 16_000, 0.5
    rng = np.random.default_rng(3)
    t = np.arange(1, int(rt60 * rate)) / rate
    tail = rng.standard_normal(len(t)) * np.exp(-6.908 * t / rt60)
    tail *= np.sqrt(10 ** (-2.0 / 10) / np.sum(tail**2))
    response = np.concatenate([[1.0], tail])
    size = 1 << int(np.ceil(np.log2(len(samples) + len(response))))
    wet = np.fft.irfft(np.fft.rfft(samples, size) * np.fft.rfft(response, size), size)[: len(samples)]
    return (wet * np.sqrt(np.mean(samples**2) / max(float(np.mean(wet**2)), 1e-12))).astype(np.float32)


def _noisy(samples: np.ndarray, snr_db: float) -> np.ndarray:
    """White noise ``snr_db`` under the speech (its non-silent samples)."""
    noise = np.random.default_rng(5).standard_normal(len(samples))
    heard = samples[np.abs(samples) > 0]
    power = float(np.mean(heard.astype(np.float64) ** 2)) if len(heard) else 0.0
    return (samples + noise * np.sqrt(power / 10 ** (snr_db / 10))).astype(np.float32)


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
        "conditions": {
            name: [round(float(x), 6) for x in vector] for name, vector in print_.conditions.items()
        },
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
        conditions = {
            str(name): np.asarray(vector, dtype=np.float32)
            for name, vector in dict(data.get("conditions") or {}).items()
            if name in CONDITIONS  # a condition this version does not know is left out
        }
        for vector in (embedding, *conditions.values()):
            if vector.shape != (256,) or not np.isfinite(vector).all():
                raise ValueError("unexpected content")
            if not 0.99 < float(np.linalg.norm(vector)) < 1.01:
                raise ValueError("not a unit vector")
        return VoicePrint(
            embedding, str(data["created"]), str(data["source"]), float(data["speech_seconds"]), conditions
        )
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


def match(
    print_: VoicePrint, voices: dict[str, np.ndarray], seconds: dict[str, float] | None = None
) -> Match:
    """The speaker who sounds like the voice print, if one does clearly enough.

    ``voices`` are the speakers' embeddings, ``seconds`` how much speech each was made from
    (unknown: taken as enough). The recording chooses the condition: the one of the print's
    conditions its speakers are closest to on average, so a phone call is judged against the
    print as heard on a phone line. The closest speaker's similarity there gives the
    confidence (see SLOPE); when any speaker compared has under JUDGE_SECONDS of speech, the
    confidence is scaled by the share of them it has: the closest may be closest by chance,
    or the user may be the one too briefly heard to recognise.
    """
    if not voices:
        return Match(None, {}, 0.0)
    heard = print_.heard()
    names = list(voices)
    table = np.stack(list(heard.values())) @ np.stack([voices[s] for s in names]).T
    condition = list(heard)[int(np.argmax(table.mean(axis=1)))]
    row = table[list(heard).index(condition)]
    similarities = {s: round(float(v), 3) for s, v in zip(names, row)}
    best = names[int(np.argmax(row))]
    logit = SLOPE * float(np.max(row)) + OFFSET[condition]
    confidence = 1 / (1 + np.exp(-logit))
    shortest = min((seconds or {}).get(s, JUDGE_SECONDS) for s in names)
    confidence *= min(1.0, shortest / JUDGE_SECONDS)
    confidence = math.floor(float(confidence) * 1000) / 1000  # down: under 10 s never reads 1.0
    return Match(best if confidence >= MATCH_CONFIDENCE else None, similarities, confidence, condition)


def no_match_note(similarities: dict[str, float], lang: str, confidence: float = 0.0) -> str:
    """The report's note when nobody sounds clearly like the voice print: the closest speaker,
    and how sure the match would have been (under MATCH_CONFIDENCE), as a percent like every
    other certainty in the report."""
    closest = max(similarities.items(), key=lambda item: item[1])
    return tr(
        lang,
        "Nobody sounds clearly enough like your voice print (closest: {speaker}, {sure} sure), so no "
        "one is marked as you; --me tells rehearse who you are.",
        speaker=closest[0],
        sure=percent(confidence, lang),
    )


def unusable_note(lang: str) -> str:
    """The report's note when the saved voice print could not be read (the CLI warns why)."""
    return tr(
        lang,
        "Your voice print ({path}) is damaged or unreadable and was not used; "
        "'rehearse voice enroll' makes a new one.",
        path=path(),
    )
