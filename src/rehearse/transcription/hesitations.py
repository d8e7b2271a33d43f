"""Hesitations ("um", "uh", "euh") heard in the audio, added to the words Whisper wrote.

Whisper learnt from transcripts that leave filled pauses out, so it seldom writes them: on the
real monologues of ``benchmarks/hesitations.py`` it wrote none of 14. It still hears them.
Decoded again with a prompt written the way people hesitate ("Umm, uh, hmm." — the prompting
advice of OpenAI's speech-to-text guide: the model follows the style of its prompt), only where
a hesitation may hide, it writes them. Prompting the whole recording that way changes the
other words too (a third of them on AMI meetings) and invents text over silences; here the
prompted pass only ever *adds* hesitations, and the words first written stay as they were.

1. **Where a hesitation may hide** (:func:`places`): a pause of at least :data:`MIN_GAP`
   between two words close enough to be one stretch of speech, or the second before the
   first word of such a stretch, where it sounds (a filled pause is voiced: a run of at
   least :data:`MIN_SOUND` within :data:`QUIET_DB` of the speech's level); and a word held
   far longer than its letters need, since Whisper stretches a word over the hesitation next
   to it ("the uh acoustic" written "the acoustic", *acoustic* lasting 1.4 s). Each place is
   padded by :data:`PAD` either side, so that the model hears the sound between the words
   around it. Silent pauses, most of them, cost nothing.
2. Those clips are decoded in batches like the recording (the transcriber's ``hesitations``).
3. **What is kept** (:func:`added`): words of the prompted pass that are hesitation sounds
   (:func:`rehearse.language.lexicon.is_hesitation`), lasting :data:`MIN_SECONDS` at least
   (a zero-length "uh" is the model filling its prompt's pattern), not on top of a word
   already written, and one per place.

A hesitation is a :class:`~rehearse.conversation.Word` with ``hesitation=True``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rehearse.conversation import Word
from rehearse.language import lexicon

MIN_GAP = 0.1  # seconds of pause between two words where a hesitation may hide
JOINED = 2.0  # words further apart than this are two stretches of speech
LEAD = 1.0  # seconds before a stretch's first word searched
PAD = 0.15  # seconds of the words around each place that the model hears with it
# A word longer than this many times what its letters need may hold a hesitation.
STRETCHED = 1.5
SECONDS_PER_LETTER = 0.08
WORD_SECONDS = 0.1
MIN_SECONDS = 0.08
# Frames of a pause this far under the speech's level (median over the words) are silent; a
# filled pause is a run of louder frames, this long at least.
QUIET_DB = 15.0
MIN_SOUND = 0.15
FRAME = 0.01
# A hesitation may overlap a written word by at most this share of that word.
OVERLAP = 0.5

# What the prompted pass is told, per language: hesitations written as people make them.
PROMPTS = {"en": "Umm, uh, hmm. Er, so, um, I mean, uh.", "fr": "Euh, hum, bah. Euh, donc, ben, euh."}


def prompt(language: str | None) -> str:
    return PROMPTS.get(language or "en", PROMPTS["en"])


def places(words: Sequence[Word], audio: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """The stretches of ``audio`` (seconds) where a hesitation may hide, padded, merged."""
    duration = len(audio) / rate
    levels = _levels(audio, rate)
    spoken = [levels[int(w.start / FRAME) : int(w.end / FRAME) + 1] for w in words if not w.hesitation]
    speech_level = float(np.median(np.concatenate(spoken))) if spoken and any(len(x) for x in spoken) else 0.0

    def sounding(start: float, end: float) -> list[tuple[float, float]]:
        """The runs of ``start``-``end`` loud enough to be a voice, :data:`MIN_SOUND` or longer."""
        first = max(0, int(start / FRAME))
        loud = np.append(levels[first : int(end / FRAME)] > speech_level - QUIET_DB, False)
        edges = np.flatnonzero(np.diff(np.concatenate(([False], loud))).astype(bool))
        return [
            ((first + a) * FRAME, (first + b) * FRAME)
            for a, b in zip(edges[::2], edges[1::2])
            if (b - a) * FRAME >= MIN_SOUND
        ]

    found: list[tuple[float, float]] = []
    previous: Word | None = None
    for word in words:
        if word.hesitation:
            continue
        if previous is None or word.start - previous.end > JOINED:
            pause = (max(0.0, word.start - LEAD), word.start)
        else:
            pause = (previous.end, word.start)
        if pause[1] - pause[0] >= MIN_GAP:
            found += sounding(*pause)
        letters = len(re.sub(r"\W", "", word.text))
        if word.end - word.start > STRETCHED * (SECONDS_PER_LETTER * letters + WORD_SECONDS):
            found.append((word.start, word.end))
        previous = word
    merged: list[tuple[float, float]] = []
    for start, end in sorted((max(0.0, s - PAD), min(duration, e + PAD)) for s, e in found):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _levels(audio: np.ndarray, rate: int) -> np.ndarray:
    """The level of each 10 ms frame of ``audio``, in dB."""
    hop = int(rate * FRAME)
    count = len(audio) // hop
    frames = np.asarray(audio[: count * hop], dtype=np.float64).reshape(count, hop)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def added(words: Sequence[Word], heard: Sequence[Word]) -> list[Word]:
    """``words`` with the hesitations of ``heard`` (the prompted pass) put in, in time order;
    every word of ``words`` is kept as it was."""
    starts = [w.start for w in words]
    kept: list[Word] = []
    for candidate in heard:
        if candidate.end - candidate.start < MIN_SECONDS or not lexicon.is_hesitation(candidate.text):
            continue
        if _on_a_word(candidate, words, starts) or (kept and kept[-1].end > candidate.start):
            continue
        # Written bare, with the comma of a pause: a hesitation's own full stop would end a sentence.
        sound = re.sub(r"[^\w'-]", "", candidate.text).lower()
        kept.append(replace(candidate, text=f" {sound},", hesitation=True))
    return sorted([*words, *kept], key=lambda w: (w.start, w.end))


def _on_a_word(candidate: Word, words: Sequence[Word], starts: list[float]) -> bool:
    k = bisect_left(starts, candidate.end)
    for word in words[max(0, k - 3) : k + 1]:
        overlap = min(word.end, candidate.end) - max(word.start, candidate.start)
        if overlap > OVERLAP * max(word.end - word.start, 0.01) and not word.hesitation:
            return True
    return False
