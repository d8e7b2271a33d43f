"""Who is speaking when, measured on the audio rather than inferred from words.

Whisper drops fillers, backchannels and overlapped speech, so talk time and
overlaps come from here:

- one speaker per channel: per-channel energy, with the other person's voice
  leaking into a mic (crosstalk) told apart by its level relative to the
  leaking channel, frame by frame, over each segment, and over each word
  (:class:`Mics`);
- one channel: Silero VAD (bundled with faster-whisper, reached through
  :mod:`rehearse.transcription.whisper`) finds speech; who said it is left to diarization.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rehearse.audio.cuts import next_cut
from rehearse.audio.decode import SAMPLE_RATE
from rehearse.conversation import Segment

FRAME_SECONDS = 0.01
# Voice activity runs on pieces of at most this length (see SpeechFinder), short enough that a
# recording under way is heard as it goes.
VAD_PIECE_SECONDS = 60.0
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


def frame_power(samples: np.ndarray) -> np.ndarray:
    """Mean square of each 10 ms frame, per channel: shape (channels, frames)."""
    hop = int(SAMPLE_RATE * FRAME_SECONDS)
    n = samples.shape[-1] // hop
    frames = samples[..., : n * hop].reshape(*samples.shape[:-1], n, hop)
    # einsum sums the squares without materialising them: a 30-minute stereo file
    # would otherwise need a second, float64 copy of itself.
    return np.einsum("...ij,...ij->...i", frames, frames) / hop


@dataclass(frozen=True)
class Mics:
    """The levels of a recording made with one mic per speaker, and how much each voice leaks
    into the other mic, measured once for the whole recording: speech activity, then every
    word, are judged against them."""

    power: np.ndarray  # mean square of each 10 ms frame, per channel
    active: np.ndarray  # frames above each channel's noise floor, bleed removed
    leakage: np.ndarray | None  # dB per channel's voice on the other mic; None unless two
    settings: ActivitySettings

    @classmethod
    def measure(cls, samples: np.ndarray, settings: ActivitySettings | None = None) -> Mics:
        settings = settings or ActivitySettings()
        power = frame_power(samples)
        levels = _smoothed_levels(power)
        active = np.stack([_above_noise(row, settings) for row in levels])
        leakage = _leakage(levels, active) if len(levels) == 2 else None
        if leakage is not None:
            active = _without_crosstalk(levels, active, leakage, settings)
        return cls(power, active, leakage, settings)

    def segments(self, speakers: list[str]) -> list[Segment]:
        """Speech segments of each channel's speaker, crosstalk removed, overlaps kept."""
        segments = [
            Segment(speaker, start, end)
            for speaker, row in zip(speakers, self.active)
            for start, end in _runs(row, self.settings)
        ]
        if self.leakage is not None and segments:
            # Frame by frame, a loud stretch of the other voice can beat the leakage; over the
            # whole segment, bleed shows for what it is: only the other channel carries a voice.
            carrier = self.owner(np.array([(s.start, s.end) for s in segments])).tolist()
            segments = [s for s, c in zip(segments, carrier) if c in (-1, speakers.index(s.speaker))]
        return sorted(segments, key=lambda s: (s.start, s.speaker))

    def owner(self, spans: np.ndarray) -> np.ndarray:
        """For each span (start, end) in seconds, the index of the one channel carrying a voice
        of its own there; -1 when both do (people talking at once) or neither does, or when
        there are not two channels.

        A voice bleeds into the other mic attenuated by the leakage. Over a span, a channel
        carries its own voice when its power stands ``crosstalk_margin_db`` above what the other
        channel's bleed and its own noise floor explain. The mic a voice is spoken into stands
        about twice the leakage above that (its bleed leaks back weaker still); the mic it only
        leaks into, by nothing. This holds whatever the gains of the two mics, and a "mm-hmm"
        said over the other's speech still stands above the bleed on its own mic.
        """
        owner = np.full(len(spans), -1, dtype=np.int64)
        frames = self.power.shape[-1]
        if self.leakage is None or frames == 0 or not len(spans):
            return owner
        # Mean power over each span from cumulative sums: a long recording has a million words.
        lo = np.clip(np.floor(spans[:, 0] / FRAME_SECONDS).astype(np.int64), 0, frames - 1)
        hi = np.clip(np.ceil(spans[:, 1] / FRAME_SECONDS).astype(np.int64), lo + 1, frames)
        # In float64: differences of float32 running sums lose a quiet word on a long recording.
        total = np.concatenate([np.zeros((2, 1)), np.cumsum(self.power, axis=-1, dtype=np.float64)], axis=-1)
        mean = (total[:, hi] - total[:, lo]) / (hi - lo)
        floor = np.percentile(self.power, 10, axis=-1)  # the noise floor, as speech activity takes it
        # What each channel would hold with no voice of its own: the other's voice as it leaks
        # in, and noise.
        explained = 10 ** (self.leakage[::-1, None] / 10) * mean[::-1] + floor[:, None]
        carries = _db(mean) - _db(explained) >= self.settings.crosstalk_margin_db
        owner[carries[0] & ~carries[1]] = 0
        owner[carries[1] & ~carries[0]] = 1
        return owner


def voice_activity(
    samples: np.ndarray,
    speaker: str,
    settings: ActivitySettings | None = None,
    finder: SpeechFinder | None = None,
) -> list[Segment]:
    """Speech segments of a single-channel recording, from Silero VAD (:class:`SpeechFinder`;
    ``finder`` may have heard the start of it already, as it was recorded)."""
    finder = finder or SpeechFinder(settings)
    finder.feed(samples, finished=True)
    return [Segment(speaker, start, end) for start, end in finder.spans]


class SpeechFinder:
    """Silero VAD over a recording piece by piece, fed the recording so far as it grows.

    Silero (through faster-whisper) pads and re-batches all it is given, two more copies of it:
    1 GB on two hours. So it hears pieces of at most :data:`VAD_PIECE_SECONDS`, cut where the
    recording is quietest, and speech that runs across a cut is joined back. A piece is heard
    once the recording runs past it, and its cut depends only on the audio before, so a
    recording fed as it is made gives the speech of the finished one: every span but the last
    is final (:attr:`final`).
    """

    def __init__(self, settings: ActivitySettings | None = None) -> None:
        self.settings = settings or ActivitySettings()
        self.spans: list[tuple[float, float]] = []
        self.heard = 0  # samples done: the next piece starts here

    @property
    def final(self) -> list[tuple[float, float]]:
        """The spans more audio cannot change (the last may yet join speech across the next cut)."""
        return self.spans[:-1]

    def feed(self, samples: np.ndarray, finished: bool = False) -> None:
        """Hear the pieces of ``samples`` (the whole recording so far, 16 kHz) that are complete;
        the rest as well when the recording is ``finished``."""
        from rehearse.transcription.whisper import speech_spans

        while True:
            cut = next_cut(samples, self.heard, VAD_PIECE_SECONDS)
            if cut is None and not (finished and self.heard < len(samples)):
                return
            end = len(samples) if cut is None else cut - cut % VAD_GRID
            offset = self.heard / SAMPLE_RATE
            found = [
                (round(start + offset, 2), round(stop + offset, 2))
                for start, stop in speech_spans(
                    samples[self.heard : end], self.settings.max_gap, self.settings.min_speech
                )
            ]
            if self.spans and found and found[0][0] - self.spans[-1][1] < self.settings.max_gap:
                self.spans[-1] = (self.spans[-1][0], found.pop(0)[1])
            self.spans += found
            self.heard = end


def _above_noise(level: np.ndarray, settings: ActivitySettings) -> np.ndarray:
    floor = float(np.percentile(level, 10))
    peak = float(np.percentile(level, 99))
    threshold = floor + max(settings.min_snr_db, 0.25 * (peak - floor))
    return level > threshold


def _leakage(levels: np.ndarray, active: np.ndarray) -> np.ndarray:
    """How much quieter (dB, negative) each channel's voice comes through on the other mic:
    entry k for channel k's voice; -inf when channel k never dominates.

    When A speaks alone, channel B hears A attenuated by a roughly constant leakage: the median
    level difference while A dominates.
    """
    leakage = np.full(2, -np.inf)
    for src, dst in ((0, 1), (1, 0)):
        dominant, difference = _dominance(levels, active, src, dst)
        if dominant.any():
            leakage[src] = float(np.median(difference[dominant]))
    return leakage


def _without_crosstalk(
    levels: np.ndarray, active: np.ndarray, leakage: np.ndarray, settings: ActivitySettings
) -> np.ndarray:
    """Drop frames where a channel only carries the other channel's voice: while A dominates,
    B counts as speaking only when it clearly beats A's leakage."""
    own = active.copy()
    for src, dst in ((0, 1), (1, 0)):
        dominant, difference = _dominance(levels, active, src, dst)
        own[dst] &= ~(dominant & (difference < leakage[src] + settings.crosstalk_margin_db))
    return own


def _dominance(levels: np.ndarray, active: np.ndarray, src: int, dst: int) -> tuple[np.ndarray, np.ndarray]:
    """The frames where channel ``src`` speaks louder than ``dst``, and the level difference
    dst - src, smoothed over 150 ms: frame-to-frame jitter of the ratio is not a voice."""
    difference = np.convolve(levels[dst] - levels[src], np.ones(15) / 15, mode="same")
    return active[src] & (levels[src] >= levels[dst]), difference


def _smoothed_levels(power: np.ndarray) -> np.ndarray:
    # A 30 ms moving average keeps one quiet phoneme from splitting a word.
    kernel = np.ones(3) / 3
    return np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="same"), -1, _db(power))


def _db(power: np.ndarray) -> np.ndarray:
    return 10 * np.log10(np.maximum(power, 1e-10))


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
