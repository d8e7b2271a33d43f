"""A long recording of real two-person conversation, for speed measurements.

Made of the English recordings of :mod:`corpus.sources` where two people do most of the
talking (3.4 minutes of distinct speech, 204 s):

- ``pyannote-sample``: 30 s, two women on the telephone, 16 kHz (pyannote.audio's sample);
- ``ami-dev00``, ``ami-trn09``, ``ami-dev01``, ``ami-trn00``, ``ami-trn08``: five 30 s
  excerpts of AMI meetings, 16 kHz, two main speakers each (the two dev excerpts are the same
  pair; a third or fourth person says a few words in the last three: 0.8 to 6 s of 30 s);
- ``know``: 24 s of a telephone call between two women (CALLFRIEND), 8 kHz, one per channel.

They play in the order pyannote-sample, ami-dev00, know, ami-trn09, ami-dev01, ami-trn00,
ami-trn08 (``_sources``), so the kinds of recording alternate.

The sequence is **repeated** until it lasts ``minutes`` (the last recording is kept whole, so
the file runs a little longer), with 0.5 s of silence between recordings. A 30-minute file
is the same 3.4 minutes about nine times over: right for timing (Whisper does not remember
one window in the next with ``condition_on_previous_text=False``), not for accuracy.

Two files are written, both 16 kHz, 16-bit WAV:

- mono: each recording as it is (its channels mixed), resampled to 16 kHz;
- stereo: each recording's two main speakers on two channels, as two microphones in one
  room: the first speaker (the one who talks most) on the left, the second on the right, each
  channel carrying the other at -20 dB (``BLEED``). On the telephone call the two sides are
  its own two channels (halved: each person at their level in the mono mix); elsewhere the
  mix is gated by the reference turns (``_gated``): full level on a speaker's channel while
  they speak, -20 dB otherwise; anyone else is heard at -6 dB on both. Speech and timing are
  the same as in the mono file, only spread over two channels.

Files are cached in ``~/.cache/rehearse-bench/long-conversation`` (next to the sources), one
pair per length: a second run with the same ``minutes`` does no work.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from corpus import assemble, sources
from rehearse.audio import decode

RATE = assemble.RATE
FOLDER = sources.CACHE / "long-conversation"
# The English recordings where two people do most of the talking, in playing order.
AMI = ["ami-dev00", "ami-trn09", "ami-dev01", "ami-trn00", "ami-trn08"]
BLEED = 10 ** (-20 / 20)  # the other person, heard on one's own microphone
OTHERS = 10 ** (-6 / 20)  # a third person, between the two microphones
GAP = 0.5  # seconds of silence between two recordings
RAMP = 0.02  # seconds over which a channel's gain rises and falls
# Bumped whenever what is built changes, so an old cached file is not reused.
VERSION = 1


def build(minutes: float, folder: Path = FOLDER) -> tuple[Path, Path]:
    """Mono and stereo WAV files (16 kHz, 16-bit) of at least ``minutes`` of real conversation."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"v{VERSION}-{minutes:g}min"
    mono, stereo = folder / f"{stem}-mono.wav", folder / f"{stem}-stereo.wav"
    if mono.exists() and stereo.exists():
        return mono, stereo
    recordings = list(_recordings())
    gap = np.zeros((2, int(GAP * RATE)), np.float32)
    partial = [path.with_suffix(".partial") for path in (mono, stereo)]
    with wave.open(str(partial[0]), "wb") as one, wave.open(str(partial[1]), "wb") as two:
        for w, channels in ((one, 1), (two, 2)):
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(RATE)
        written = 0
        while written < minutes * 60 * RATE:
            for mix, pair in recordings:
                one.writeframes(_pcm(np.concatenate([mix, gap[0]])[None]))
                two.writeframes(_pcm(np.concatenate([pair, gap], axis=1)))
                written += len(mix) + gap.shape[1]
                if written >= minutes * 60 * RATE:
                    break
    # Renamed only once complete: an interrupted build is never taken for a cached one.
    for part, path in zip(partial, (mono, stereo)):
        os.replace(part, path)
    return mono, stereo


def describe() -> list[tuple[str, float]]:
    """The recordings one round is made of, with their length in seconds."""
    return [(source.name, len(decode.load(source.audio).mono) / RATE) for source in _sources()]


def _sources() -> list[sources.Source]:
    clips = {clip.name: clip for clip in sources.ami_clips()}
    ami = [clips[name] for name in AMI]
    # The kinds of recording alternate rather than the meetings playing in a row.
    return [sources.pyannote_sample(), ami[0], sources.transcriber_example("know"), *ami[1:]]


def _recordings() -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each recording's mono mix and its two-channel version, faded in and out over 10 ms
    (excerpts start and end mid-word: no click at the joins)."""
    for source in _sources():
        recording = decode.load(source.audio)
        a, b = _main_speakers(source)
        if recording.speaker_channels == 2:
            channel = assemble.channel_of(source, recording.samples)
            left, right = recording.samples[channel[a]], recording.samples[channel[b]]
            # Halved: each person at the level they have in the mono mix (the channels' mean).
            pair = np.stack([left + BLEED * right, right + BLEED * left]) / 2
        else:
            pair = _gated(recording.mono, source, a, b)
        yield _faded(recording.mono.astype(np.float32)), _faded(pair.astype(np.float32))


def _main_speakers(source: sources.Source) -> tuple[str, str]:
    """The two people who talk most, the one who talks most first."""
    talk: dict[str, float] = {}
    for s in source.reference:
        talk[s.speaker] = talk.get(s.speaker, 0.0) + s.end - s.start
    first, second = sorted(talk, key=talk.__getitem__, reverse=True)[:2]
    return first, second


def _gated(mix: np.ndarray, source: sources.Source, a: str, b: str) -> np.ndarray:
    """Two channels from one mix: ``a``'s turns at full level on the left and ``b``'s on the
    right, each at ``BLEED`` on the other side; other speakers at ``OTHERS`` on both."""

    def speaking(who: set[str]) -> np.ndarray:
        on = np.zeros(len(mix), np.float32)
        for s in source.reference:
            if s.speaker in who:
                on[max(int((s.start - RAMP) * RATE), 0) : int((s.end + RAMP) * RATE)] = 1.0
        width = int(RAMP * RATE)
        return np.convolve(on, np.ones(width, np.float32) / width, mode="same")

    others = OTHERS * speaking({s.speaker for s in source.reference} - {a, b})
    left = np.maximum(np.maximum(speaking({a}), others), BLEED)
    right = np.maximum(np.maximum(speaking({b}), others), BLEED)
    return np.stack([mix * left, mix * right])


def _faded(samples: np.ndarray, seconds: float = 0.01) -> np.ndarray:
    n = int(seconds * RATE)
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out = samples.copy()
    out[..., :n] *= ramp
    out[..., -n:] *= ramp[::-1]
    return out


def _pcm(samples: np.ndarray) -> bytes:
    """(channels, n) float samples as interleaved 16-bit little-endian PCM."""
    return (np.clip(samples.T, -1, 1) * 32767).astype("<i2").tobytes()
