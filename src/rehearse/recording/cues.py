"""What the screen shows while recording: levels, warnings, and live cues previewing the report
(talk share, the current stretch of speech, talking over each other)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rehearse.recording.devices import PREFERRED_RATE

SILENT_DBFS = -60.0
SILENT_WARNING_SECONDS = 10.0
CLIP_LEVEL = 0.99
SPEECH_DBFS = -45.0  # a block this loud holds speech (a preview: the report measures properly)
CROSSTALK_DB = 6.0
STRETCH_PAUSE = 1.5  # a pause this long ends a stretch of speech


@dataclass
class Levels:
    """What the screen shows while recording, updated as audio arrives."""

    seconds: float = 0.0
    dbfs: list[float] = field(default_factory=list)
    clipped: list[bool] = field(default_factory=list)
    silent_for: list[float] = field(default_factory=list)
    overflows: int = 0
    # Live cues, a preview of the report: talk per channel and the current stretch of speech.
    # Talk per person: per channel; on one mic with a voice print [you, others]; else [everyone].
    talk: list[float] = field(default_factory=list)
    by_voice: bool = False  # one mic, people told apart by the voice print
    stretch: float = 0.0  # seconds the current speaker has been going
    speaking: int | None = None  # index in ``talk`` of the current speaker
    overlap: bool = False  # two channels speaking at once, now
    silence_run: float = 0.0


class VoiceCue:
    """On one mic: who is speaking now, from the last ``WINDOW`` seconds of speech compared with
    the user's voice print every ``HOP`` seconds of speech.

    ``similarity`` takes 16 kHz mono samples and says how like the voice print they sound.
    How alike the user's short windows are to the print depends on the mic and the room, so
    the line between "you" and "someone else" is learnt from this session's own windows (the
    midpoint of their two groups, once the groups are clearly apart); until then
    ``PRIOR`` holds (docs/benchmarks.md: measured on the fixtures).
    """

    WINDOW = 1.6
    HOP = 0.8
    PRIOR = 0.84
    APART = 0.04  # two groups of similarities this far apart are two voices
    BOUNDS = (0.75, 0.9)  # where a learnt line may fall
    MEMORY = 400  # the last five minutes of speech or so: enough, and it follows a changing room

    def __init__(self, similarity: Callable[[np.ndarray], float], rate: int) -> None:
        self.similarity, self.rate = similarity, rate
        self.recent = np.zeros(0, np.float32)
        self.since = self.HOP
        self.seen: list[float] = []
        self.who: int | None = None  # 0: you, 1: someone else

    def update(self, samples: np.ndarray, speaking: bool) -> int | None:
        if not speaking:  # pauses would only blur the voice
            return self.who
        size = int(self.WINDOW * self.rate)
        self.recent = np.concatenate([self.recent, samples])[-size:]
        self.since += len(samples) / self.rate
        if self.since >= self.HOP and len(self.recent) == size:
            window = self.recent
            if self.rate != PREFERRED_RATE:  # a preview: linear resampling is enough
                times = np.arange(int(self.WINDOW * PREFERRED_RATE)) / PREFERRED_RATE
                window = np.interp(times, np.arange(size) / self.rate, self.recent).astype(np.float32)
            value = self.similarity(window)
            self.seen.append(value)
            self.who = 0 if value >= self.line() else 1
            self.since = 0.0
        return self.who

    def line(self) -> float:
        """The similarity above which a window is the user's."""
        values = np.sort(np.array(self.seen[-self.MEMORY :]))
        n = len(values)
        if n < 6:
            return self.PRIOR
        # 1-D two-means: the cut that leaves the two groups with the least spread (prefix sums).
        sums, squares = np.cumsum(values), np.cumsum(values**2)
        k = np.arange(2, n - 1)
        low_spread = squares[k - 1] - sums[k - 1] ** 2 / k
        high_spread = (squares[-1] - squares[k - 1]) - (sums[-1] - sums[k - 1]) ** 2 / (n - k)
        cut = int(k[np.argmin(low_spread + high_spread)])
        low, high = values[:cut].mean(), values[cut:].mean()
        if high - low < self.APART:
            return self.PRIOR
        return float(np.clip((low + high) / 2, *self.BOUNDS))


def update(levels: Levels, block: np.ndarray, rate: int, seconds: float, cue: VoiceCue | None = None) -> None:
    levels.seconds = seconds
    rms = np.sqrt(np.mean(np.square(block, dtype=np.float64), axis=0))
    peaks = np.max(np.abs(block), axis=0)
    for channel in range(block.shape[1]):
        level = float(20 * np.log10(max(rms[channel], 1e-6)))
        levels.dbfs[channel] = level
        levels.clipped[channel] = bool(peaks[channel] >= CLIP_LEVEL)
        quiet = level < SILENT_DBFS
        levels.silent_for[channel] = levels.silent_for[channel] + len(block) / rate if quiet else 0.0
    # Speech: loud enough, and on two mics clearly louder than what leaks from the other one.
    loudest = max(levels.dbfs)
    active = [
        level > SPEECH_DBFS and (len(levels.dbfs) == 1 or level >= loudest - CROSSTALK_DB)
        for level in levels.dbfs
    ]
    if cue is not None:
        who = cue.update(block[:, 0], active[0])
        active = [active[0] and who == person for person in (0, 1)]
    step = len(block) / rate
    for person, on in enumerate(active):
        if on:
            levels.talk[person] += step
    levels.overlap = sum(active) > 1
    speaker = active.index(True) if any(active) else None
    if speaker is None:
        levels.silence_run += step
        if levels.silence_run > STRETCH_PAUSE:
            levels.speaking, levels.stretch = None, 0.0
    else:
        levels.silence_run = 0.0
        if speaker != levels.speaking and not levels.overlap:
            levels.speaking, levels.stretch = speaker, 0.0
        levels.stretch += step
