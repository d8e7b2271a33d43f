"""Where a recording is cut: at its quietest moments, and into the windows a speech model hears.

Every cut here depends only on the audio before it (and a little after, within a window's
length), so a recording under way is cut where the finished recording will be: what is
transcribed while recording is what would be transcribed afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rehearse.audio.decode import SAMPLE_RATE

SEARCH_SECONDS = 60.0  # a piece ends at the quietest moment of its last minute (or half)
QUIET_WINDOW_SECONDS = 0.4
# What Whisper hears at once, 30 s, less a little: the window's ends fall on whole samples, and
# faster-whisper cuts (and warns about) a window a sample over 30 s.
WINDOW_SECONDS = 29.95
# Silence left between two stretches of speech packed into one window, so words stay apart.
PACK_GAP_SECONDS = 0.3
# Kept around the speech found: voice activity's edges may clip a word's first or last sound.
WINDOW_PAD_SECONDS = 0.2

# The stretches (seconds, in order) of speech one window holds.
Window = tuple[tuple[float, float], ...]


def next_cut(audio: np.ndarray, start: int, length: float) -> int | None:
    """Where the piece of ``audio`` beginning at sample ``start`` ends, at most ``length``
    seconds on, at its quietest moment; None while the rest fits in one piece."""
    size = int(length * SAMPLE_RATE)
    if len(audio) - start <= size:
        return None
    search = int(min(SEARCH_SECONDS, length / 2) * SAMPLE_RATE)
    step = int(QUIET_WINDOW_SECONDS * SAMPLE_RATE) // 4
    region_start = start + size - search
    frames = audio[region_start : region_start + search // step * step].reshape(-1, step)
    energy = np.einsum("ij,ij->i", frames, frames)
    quietest = int(np.argmin(np.convolve(energy, np.ones(4), mode="valid")))
    return region_start + quietest * step + 2 * step  # the middle of the quiet window


def chunk_bounds(audio: np.ndarray, length: float) -> list[tuple[int, int]]:
    """Sample ranges of at most ``length`` seconds covering ``audio``, cut where it is quietest."""
    bounds, start = [], 0
    while (cut := next_cut(audio, start, length)) is not None:
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(audio)))
    return bounds


def windows(audio: np.ndarray, speech: Sequence[tuple[float, float]]) -> list[Window]:
    """What the speech model hears, window by window: the stretches of ``speech`` (seconds),
    padded, packed end to end with the silence between them left out (as faster-whisper packs
    what its own voice activity finds), while the window's audio stays within
    :data:`WINDOW_SECONDS`; a longer stretch of talk is cut where it is quietest.

    Each window depends only on the speech up to its end, so the windows of a recording under
    way are those of the finished recording, all but the last."""
    duration = len(audio) / SAMPLE_RATE
    found: list[list[tuple[float, float]]] = []
    held = 0.0  # seconds of audio the last window holds, with the gaps it will get
    reached = 0.0
    for start, end in speech:
        start = max(start - WINDOW_PAD_SECONDS, reached, 0.0)
        end = min(end + WINDOW_PAD_SECONDS, duration)
        if end <= start:
            continue
        reached = end
        if found and held + PACK_GAP_SECONDS + (end - start) <= WINDOW_SECONDS:
            found[-1].append((start, end))
            held += PACK_GAP_SECONDS + end - start
            continue
        lo = int(start * SAMPLE_RATE)
        for a, b in chunk_bounds(audio[lo : int(end * SAMPLE_RATE)], WINDOW_SECONDS - 1.0):
            found.append([(round((lo + a) / SAMPLE_RATE, 3), round((lo + b) / SAMPLE_RATE, 3))])
            held = (b - a) / SAMPLE_RATE
    return [tuple(window) for window in found]
