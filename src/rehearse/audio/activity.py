"""Who is speaking when, measured on the audio rather than inferred from words.

Whisper drops fillers, backchannels and overlapped speech, so talk time and
overlaps come from here:

- one speaker per channel: per-channel energy, with the other person's voice
  leaking into a mic (crosstalk) told apart by its level relative to the
  leaking channel;
- one channel: Silero VAD (bundled with faster-whisper, reached through
  :mod:`rehearse.transcription.whisper`) finds speech; who said it is left to diarization.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rehearse.audio.decode import SAMPLE_RATE
from rehearse.conversation import Segment

FRAME_SECONDS = 0.01
# Voice activity runs on pieces of at most this length (see voice_activity): a shorter
# recording goes through whole.
VAD_PIECE_SECONDS = 1800.0
# Silero reads windows of 512 samples from the start of what it is given, and its times are
# rounded to 0.01 s (160 samples): pieces cut on a grid of both keep every window and time
# where it falls in the whole recording.
VAD_GRID = 2560


@dataclass(frozen=True)
class ActivitySettings:
    """Thresholds of speech activity detection (all documented in docs/report.md)."""

    max_gap: float = 0.3  # pauses shorter than this stay inside a stretch of talk
    min_speech: float = 0.12  # shorter blips are clicks or breath, not speech
    min_snr_db: float = 10.0  # speech must stand this far above the channel's noise floor
    crosstalk_margin_db: float = 8.0  # own voice must beat the measured leakage by this much


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """Level in dBFS of each 10 ms frame, per channel: shape (channels, frames)."""
    hop = int(SAMPLE_RATE * FRAME_SECONDS)
    n = samples.shape[-1] // hop
    frames = samples[..., : n * hop].reshape(*samples.shape[:-1], n, hop)
    # einsum sums the squares without materialising them: a 30-minute stereo file
    # would otherwise need a second, float64 copy of itself.
    power = np.einsum("...ij,...ij->...i", frames, frames) / hop
    levels = 10 * np.log10(np.maximum(power, 1e-10))
    # A 30 ms moving average keeps one quiet phoneme from splitting a word.
    kernel = np.ones(3) / 3
    return np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="same"), -1, levels)


def channel_activity(
    samples: np.ndarray, speakers: list[str], settings: ActivitySettings | None = None
) -> list[Segment]:
    """Speech segments of each channel's speaker, crosstalk removed, overlaps kept."""
    settings = settings or ActivitySettings()
    levels = frame_levels(samples)
    active = np.stack([_above_noise(row, settings) for row in levels])
    if len(levels) == 2:
        active = _without_crosstalk(levels, active, settings)
    segments = [
        Segment(speaker, start, end)
        for speaker, row in zip(speakers, active)
        for start, end in _runs(row, settings)
    ]
    return sorted(segments, key=lambda s: (s.start, s.speaker))


def voice_activity(
    samples: np.ndarray, speaker: str, settings: ActivitySettings | None = None
) -> list[Segment]:
    """Speech segments of a single-channel recording, from Silero VAD.

    Silero (through faster-whisper) pads and re-batches all it is given, two more copies of
    it: 1 GB on two hours. So a long recording goes through in pieces cut where it is quietest,
    and speech that runs across a cut is joined back.
    """
    settings = settings or ActivitySettings()
    from rehearse.transcription.whisper import chunk_bounds, speech_spans

    cuts = [hi - hi % VAD_GRID for _, hi in chunk_bounds(samples, VAD_PIECE_SECONDS)[:-1]]
    spans: list[tuple[float, float]] = []
    for lo, hi in zip([0, *cuts], [*cuts, len(samples)]):
        offset = lo / SAMPLE_RATE
        found = [
            (round(start + offset, 2), round(end + offset, 2))
            for start, end in speech_spans(samples[lo:hi], settings.max_gap, settings.min_speech)
        ]
        if spans and found and found[0][0] - spans[-1][1] < settings.max_gap:
            spans[-1] = (spans[-1][0], found.pop(0)[1])
        spans += found
    return [Segment(speaker, start, end) for start, end in spans]


def _above_noise(level: np.ndarray, settings: ActivitySettings) -> np.ndarray:
    floor = float(np.percentile(level, 10))
    peak = float(np.percentile(level, 99))
    threshold = floor + max(settings.min_snr_db, 0.25 * (peak - floor))
    return level > threshold


def _without_crosstalk(levels: np.ndarray, active: np.ndarray, settings: ActivitySettings) -> np.ndarray:
    """Drop frames where a channel only carries the other channel's voice.

    When A speaks alone, channel B hears A attenuated by a roughly constant
    leakage. That leakage is measured (the median level difference while A
    dominates) and B counts as speaking only when it clearly beats it.
    """
    own = active.copy()
    for src, dst in ((0, 1), (1, 0)):
        dominant = active[src] & (levels[src] >= levels[dst])
        if not dominant.any():
            continue
        # Smoothed over 150 ms: frame-to-frame jitter of the ratio is not a voice.
        difference = np.convolve(levels[dst] - levels[src], np.ones(15) / 15, mode="same")
        leakage = float(np.median(difference[dominant]))
        leaked_only = dominant & (difference < leakage + settings.crosstalk_margin_db)
        own[dst] &= ~leaked_only
    return own


def _runs(active: np.ndarray, settings: ActivitySettings) -> list[tuple[float, float]]:
    padded = np.concatenate([[False], active, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    runs = [(s * FRAME_SECONDS, e * FRAME_SECONDS) for s, e in zip(edges[::2], edges[1::2])]
    merged: list[tuple[float, float]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] < settings.max_gap:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(round(float(s), 2), round(float(e), 2)) for s, e in merged if e - s >= settings.min_speech]
