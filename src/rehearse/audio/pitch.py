"""Whether a sentence ends on a rising pitch: a question the transcript may have missed.

Whisper often writes a spoken yes/no question with a full stop or a comma ("You worked
there before." said rising). The words alone cannot tell; the melody can. This module
measures it in two steps, with numpy only::

    contour = pitch.track(samples, rate)          # Hz per 10 ms frame, nan where unvoiced
    rise = pitch.final_rise(contour, start, end)  # semitones, or None
    rising = rise is not None and rise > pitch.RISING_SEMITONES

**Pitch** (:func:`track`): the fundamental frequency (F0) every 10 ms by YIN (de Cheveigné
& Kawahara, "YIN, a fundamental frequency estimator for speech and music", JASA 111(4),
2002). Each 40 ms frame is compared with itself shifted by every lag of the 60-400 Hz range
(the difference function, the paper's step 2, computed for all frames at once from an FFT
cross-correlation and running energies); dividing it by its running mean (step 3, the
cumulative mean normalised difference) makes the dip at the true period stand out whatever
the level, and taking the *first* lag whose dip falls below :data:`APERIODICITY` (step 4),
then the bottom of that dip, avoids the octave-too-low errors of the plain minimum. A
parabola through the dip (step 5) gives sub-sample precision. The depth of the dip is the
frame's aperiodicity: a frame with no dip below the threshold, or too quiet, is unvoiced.
On one core a minute of 16 kHz speech takes about 0.15 s (0.25% of real time), and long
recordings go through in blocks of bounded memory.

**Final rise** (:func:`final_rise`): in English and French, yes/no questions usually end
rising and statements falling (Hirst & Di Cristo, eds., *Intonation Systems*, Cambridge
University Press, 1998); wh-questions most often fall, so a falling end proves nothing, but
a clear rise is evidence of a question. An unfinished clause rises too, strongly in French
(Delattre, "Les dix intonations de base du français", French Review 40(1), 1966): a rise
at a comma says less than one at a full stop. Pitch is
compared in semitones, the scale on which listeners judge intervals, so one threshold
serves low and high voices; differences under about 3 semitones hardly count for listeners
('t Hart, "Differential sensitivity to pitch distance, particularly in speech", JASA 69(3),
1981). The median pitch of the last 300 ms of voiced speech is compared with the median of
the rest of the stretch: medians shrug off stray frames, and frames more than 7 semitones
from their running median are first dropped as octave errors (a rise is gradual, a
tracker's octave jump is not). Too few voiced frames give ``None`` rather than a guess.

A final *fall-rise* whose rise is squeezed into the last 100 ms, as in the Asterisk voice's
"Mailbox?", is not caught: its last 300 ms sit below the high accent before them. See
:data:`RISING_SEMITONES` for what was measured on real speech.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

HOP_SECONDS = 0.01
FRAME_SECONDS = 0.04
F0_MIN = 60.0  # Hz: below a low male voice
F0_MAX = 400.0  # Hz: above a high female voice, below a child's squeal
# YIN's absolute threshold on the cumulative mean normalised difference, the top of the
# paper's 0.1-0.2 range: 0.3 hardly moved the Asterisk figures below but let noise through
# as 60 and 400 Hz "pitch" after a LibriVox reader's sentences.
APERIODICITY = 0.2
# Frames this far below the recording's loud frames (its 99th percentile of level) are
# pauses or room noise, whatever their periodicity (hum is periodic).
QUIET_DB = 40.0
SILENT_RMS = 1e-4  # -80 dBFS: digital silence, where the difference function is all zeros
BLOCK_FRAMES = 2048  # frames computed at once: bounds memory on long recordings

END_SECONDS = 0.3  # the end of a sentence: its last 300 ms of voiced speech
MIN_END_FRAMES = 10
MIN_REST_FRAMES = 20
OCTAVE_JUMP_SEMITONES = 7.0
RUNNING_MEDIAN_FRAMES = 15  # voiced frames around each frame for the octave-jump check
# Measured with final_rise over whole Asterisk telephone prompts (Debian's
# asterisk-core-sounds, one reader per language, 8 kHz; benchmarks/corpus/sources.py), by
# how their text ends: statements (".") median -6.3 st, quartiles -7.2/-5.5 in English
# (147); -8.3, -9.4/-6.5 in French (173); above 3 st: 0/147 and 2/173 (1%). Wh-questions
# fell (-9.1, -7.5; -10.8, -4.8). The corpus's only yes/no questions, English "Mailbox?"
# twice, are fall-rises scored -4.1 and -2.5: missed, recall unmeasured. Clauses cut at a
# comma (word times from whisper) rise above 3 st in 4/81 English and 37/150 French cases:
# continuation rises. Also: 3 of 5 clause ends of a LibriVox reader of Austen (+4 to +5 st),
# none of JFK's 4 phrases nor of 4 statements of a real phone call. 3 st keeps false alarms
# on statements near 1%, and is about the least pitch movement that counts for listeners.
RISING_SEMITONES = 3.0


def track(
    samples: np.ndarray,
    rate: int,
    spans: Sequence[tuple[float, float]] | None = None,
    voicing: Voicing | None = None,
) -> np.ndarray:
    """F0 in Hz of each 10 ms frame (frame ``i`` centred on ``i * HOP_SECONDS`` s), ``nan``
    where the frame is unvoiced or quiet. ``samples``: mono, float in [-1, 1]. With ``spans``
    (seconds), only the frames :func:`final_rise` reads over them get a pitch: the rest stay
    ``nan``, and the quiet threshold is still the whole recording's. ``voicing``: frames of these
    same samples tracked already."""
    samples = np.asarray(samples).ravel()
    hop, size = _frame_shape(rate)
    count = -(-len(samples) // hop)
    if count == 0:
        return np.empty(0)
    levels = np.empty(count)
    for first in range(0, count, BLOCK_FRAMES):
        last = min(count, first + BLOCK_FRAMES)
        energy = np.concatenate(
            [
                [0.0],
                np.cumsum(
                    _stretch(samples, first * hop - size // 2, (last - 1) * hop + size - size // 2) ** 2
                ),
            ]
        )
        starts = np.arange(last - first) * hop
        levels[first:last] = 10 * np.log10((energy[starts + size] - energy[starts]) / size + 1e-20)
    wanted = np.arange(count) if spans is None else _frames_within(spans, count)
    f0 = np.full(count, np.nan)
    if voicing is not None:
        known = wanted[wanted < len(voicing.done)]
        known = known[voicing.done[known]]
        f0[known] = voicing.f0[known]
        wanted = np.setdiff1d(wanted, known, assume_unique=True)
    f0[wanted] = _voiced(samples, rate, wanted)
    if np.any(np.isfinite(levels)):
        loud = np.percentile(levels, 99)
        f0[(levels < loud - QUIET_DB) | (levels < 20 * np.log10(SILENT_RMS))] = np.nan
    return f0


class Voicing:
    """The F0 of frames of a recording under way (before the quiet threshold, which needs all of
    it), tracked as it comes, so that :func:`track` does not track them again once it ends."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.f0 = np.empty(0)
        self.done = np.zeros(0, bool)

    def add(self, samples: np.ndarray, spans: Sequence[tuple[float, float]]) -> None:
        """Track the frames over ``spans`` that ``samples`` (the recording so far) hold whole."""
        hop, size = _frame_shape(self.rate)
        whole = max(0, (len(samples) - size + size // 2) // hop + 1)  # frames that end inside
        if whole > len(self.done):
            self.f0 = np.concatenate([self.f0, np.full(whole - len(self.f0), np.nan)])
            self.done = np.concatenate([self.done, np.zeros(whole - len(self.done), bool)])
        wanted = _frames_within(spans, whole)
        wanted = wanted[~self.done[wanted]]
        self.f0[wanted] = _voiced(np.asarray(samples).ravel(), self.rate, wanted)
        self.done[wanted] = True


def _frame_shape(rate: int) -> tuple[int, int]:
    """Samples between frames and in each frame at ``rate``."""
    if rate <= 2 * F0_MAX:
        raise ValueError(f"a {rate} Hz recording cannot carry pitch up to {F0_MAX:.0f} Hz")
    return max(1, round(HOP_SECONDS * rate)), round(FRAME_SECONDS * rate)


def _stretch(samples: np.ndarray, start: int, end: int) -> np.ndarray:
    """Samples ``start`` to ``end`` (excluded) in float64, zero outside the recording."""
    inside = samples[max(start, 0) : max(min(end, len(samples)), 0)].astype(np.float64)
    return np.pad(inside, (max(-start, 0), max(end - start - max(-start, 0) - len(inside), 0)))


def _voiced(samples: np.ndarray, rate: int, indices: np.ndarray) -> np.ndarray:
    """F0 of the frames ``indices`` (centred frames, zero beyond the ends), ``nan`` where aperiodic."""
    hop, size = _frame_shape(rate)
    shortest = max(2, int(rate / F0_MAX))
    longest = int(np.ceil(rate / F0_MIN))
    out = np.full(len(indices), np.nan)
    for first in range(0, len(indices), BLOCK_FRAMES):
        at = indices[first : first + BLOCK_FRAMES, None] * hop - size // 2 + np.arange(size)
        inside = (at >= 0) & (at < len(samples))
        frames = np.where(inside, samples[np.clip(at, 0, len(samples) - 1)], 0).astype(np.float64)
        out[first : first + len(at)] = _yin(frames, rate, shortest, longest)
    return out


def _frames_within(spans: Sequence[tuple[float, float]], count: int) -> np.ndarray:
    """The indices of the frames :func:`final_rise` reads over ``spans``, in order, once each."""
    wanted = np.zeros(count, bool)
    for start, end in spans:
        wanted[_first_frame(start) : min(count, _last_frame(end) + 1)] = True
    return np.flatnonzero(wanted)


def _first_frame(start: float) -> int:
    return max(0, int(np.ceil(start / HOP_SECONDS - 1e-9)))


def _last_frame(end: float) -> int:
    return int(np.floor(end / HOP_SECONDS + 1e-9))


def _yin(frames: np.ndarray, rate: int, shortest: int, longest: int) -> np.ndarray:
    """F0 of each row of ``frames``, ``nan`` where aperiodic."""
    count, size = frames.shape
    # YIN's integration window, what is compared at every lag; one lag past the longest
    # period is kept for the parabola through the dip.
    window = size - longest - 1
    # r(t) = sum_j x[j] x[j+t] for j < window: with an FFT of the frame's length the
    # circular product never wraps, since j + t <= window - 1 + longest + 1 < size.
    spectrum = np.fft.rfft(frames, axis=1)
    head = np.fft.rfft(frames[:, :window], n=size, axis=1)
    correlation = np.fft.irfft(np.conj(head) * spectrum, n=size, axis=1)[:, : longest + 2]
    energy = np.concatenate([np.zeros((count, 1)), np.cumsum(frames**2, axis=1)], axis=1)
    lags = np.arange(longest + 2)
    shifted = energy[:, lags + window] - energy[:, lags]  # energy of x[t : t + window]
    difference = np.maximum(shifted[:, :1] + shifted - 2 * correlation, 0.0)
    running = np.cumsum(difference[:, 1:], axis=1) / lags[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        normalised = np.concatenate([np.ones((count, 1)), difference[:, 1:] / running], axis=1)
    normalised = np.nan_to_num(normalised, nan=1.0, posinf=1.0)
    inside = normalised[:, shortest : longest + 1]
    below = inside < APERIODICITY
    voiced = below.any(axis=1)
    # The bottom of the first dip under the threshold: the first lag after the first one
    # below it where the curve stops falling.
    falling = inside[:, 1:] < inside[:, :-1]
    columns = np.arange(inside.shape[1] - 1)
    stop = ~falling & (columns >= np.argmax(below, axis=1)[:, None])
    bottom = np.argmax(stop, axis=1) + shortest
    rows = np.arange(count)
    left, mid, right = (normalised[rows, bottom + k] for k in (-1, 0, 1))
    curvature = left - 2 * mid + right
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(curvature > 0, 0.5 * (left - right) / curvature, 0.0)
    period = bottom + np.clip(shift, -1.0, 1.0)
    # A "dip" on the edge of the lag range is a slope, not a period: hiss at the short end,
    # a hum or creak below F0_MIN at the long one.
    voiced &= (bottom > shortest) & (bottom < longest)
    return np.where(voiced, rate / period, np.nan)


def final_rise(contour: np.ndarray, start: float, end: float) -> float | None:
    """Semitones by which the pitch of the last voiced ``END_SECONDS`` (at least
    ``MIN_END_FRAMES`` voiced frames) of ``[start, end]`` (seconds) stands above that of the
    rest of the stretch; negative when it falls. ``None`` when the stretch has too little
    voiced speech to tell (fewer than ``MIN_REST_FRAMES`` voiced frames before the end).
    ``contour``: from :func:`track`."""
    contour = np.asarray(contour, dtype=np.float64)
    first = _first_frame(start)
    last = min(len(contour), _last_frame(end) + 1)
    frames = np.arange(first, last)
    values = contour[first:last]
    keep = np.isfinite(values) & (values > 0)
    frames, tones = frames[keep], 12 * np.log2(values[keep] / 100.0)
    if len(tones) < MIN_END_FRAMES + MIN_REST_FRAMES:
        return None
    typical = _running_median(tones, RUNNING_MEDIAN_FRAMES)
    steady = np.abs(tones - typical) <= OCTAVE_JUMP_SEMITONES
    frames, tones = frames[steady], tones[steady]
    if len(tones) < MIN_END_FRAMES + MIN_REST_FRAMES:
        return None
    at_end = frames > frames[-1] - END_SECONDS / HOP_SECONDS
    # A last syllable voiced in bits (a creaky fall, a devoiced vowel) still counts: the
    # end reaches back to its last MIN_END_FRAMES voiced frames if need be.
    at_end[-MIN_END_FRAMES:] = True
    if (~at_end).sum() < MIN_REST_FRAMES:
        return None
    return float(np.median(tones[at_end]) - np.median(tones[~at_end]))


def _running_median(values: np.ndarray, width: int) -> np.ndarray:
    """Median of the ``width`` values around each one, the first and last repeated past the
    ends."""
    half = width // 2
    padded = np.pad(values, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    return np.median(windows, axis=1)
