"""Transcribing a session while it is recorded, so the report is ready when the conversation ends.

The recorder hands each block it writes to :class:`TranscribeAhead`, which turns it into the
16 kHz mono audio that decoding the finished file gives (the same 16-bit samples, the same
resampler), finds the speech piece by piece as it comes (:class:`SpeechFinder`), and transcribes
each window as soon as it is closed (:func:`rehearse.audio.cuts.windows`: a window depends only
on the speech before its end) in a background thread. When the session stops, the pipeline takes
the windows transcribed ahead (:class:`Ahead`) and does only the rest: the last window or two.

The windows are the file's, so the words are too. Only the batching differs: while the session
goes a window is mostly decoded alone, where analysing the file decodes four at a time, and the
batch a window is decoded in moves some word times by a hundredth of a second (on 5 minutes of
real conversation: the same 766 words, letter for letter; 272 of them 0.01 s apart, and one
moved across a pause to the next stretch of speech).

Capture comes first: the thread runs at a lower priority, and if the machine cannot keep up
(batches pile up, or capture overflows) it stops, and what is left is transcribed after the
session, as it would have been without it.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rehearse.audio import cuts, decode, pitch
from rehearse.audio.activity import SpeechFinder
from rehearse.conversation import Word
from rehearse.diarization.base import Diarizer
from rehearse.recording.wav import pcm16
from rehearse.transcription.base import SpeechToText

CHECK_SECONDS = 5.0  # new audio is looked at this often
BEHIND_BATCHES = 3  # closed windows waiting beyond this many batches: the machine cannot keep up
NICENESS = 10  # the thread's priority below capture's (Linux: per thread)
# Audio heard ahead that differs from the decoded file by more than this (-60 dBFS) is not the
# same recording: nothing done ahead is used.
SAME_AUDIO = 1e-3


@dataclass
class Ahead:
    """What was transcribed while recording: the first ``len(windows)`` windows of the recording,
    their words, and the speech found so far (its ``finder`` goes on from there)."""

    model: SpeechToText
    diarizer: Diarizer | None  # warmed on the speech of one-channel sessions (Diarizer.warm)
    finder: SpeechFinder
    voicing: pitch.Voicing  # the pitch of one-channel sessions' speech
    heard: np.ndarray  # the 16 kHz mono audio of the session, as it came
    windows: list[cuts.Window] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    language: str | None = None
    language_probability: float | None = None
    behind: bool = False  # the machine could not keep up: the rest waits for the end
    failure: str | None = None  # why transcribing ahead stopped, if it failed

    def voicing_of(self, mono: np.ndarray) -> pitch.Voicing | None:
        """The pitch tracked while recording, if ``mono``, the decoded file, is the audio heard."""
        heard = len(self.heard)
        return self.voicing if len(mono) >= heard and np.array_equal(mono[:heard], self.heard) else None

    def done_of(self, mono: np.ndarray, windows: list[cuts.Window]) -> int:
        """How many of the recording's ``windows`` were transcribed ahead (0 if ``mono``, the
        decoded file, is not the audio heard)."""
        n = min(len(self.heard), len(mono))
        done = len(self.windows)
        if not done or windows[:done] != self.windows:
            return 0
        if n and float(np.max(np.abs(self.heard[:n] - mono[:n]))) > SAME_AUDIO:
            return 0
        return done


class TranscribeAhead:
    """The background transcription of a session being recorded."""

    def __init__(self, model: SpeechToText, diarizer: Diarizer | None = None) -> None:
        self._blocks: queue.SimpleQueue[tuple[np.ndarray, int] | None] = queue.SimpleQueue()
        self._resample: Callable[[np.ndarray, int], np.ndarray] | None = None
        self._heard = np.empty(0, np.float32)
        self._length = 0
        self._checked = 0
        self._stopped = False
        self._channels = 0
        self.ahead = Ahead(model, diarizer, SpeechFinder(), pitch.Voicing(decode.SAMPLE_RATE), self._heard)
        self._thread = threading.Thread(target=self._run, name="rehearse-transcribe-ahead", daemon=True)
        self._thread.start()

    def feed(self, block: np.ndarray, rate: int) -> None:
        """A block as captured (float32, frames × channels, at ``rate`` Hz); never blocks the capture."""
        if not self._stopped:
            self._blocks.put((block, rate))

    def fall_behind(self) -> None:
        """Capture overflowed: give it the machine, and leave the rest for the end."""
        self.ahead.behind = True
        self._stopped = True

    def finish(self) -> Ahead:
        """What was done ahead, once the audio already given is heard and its closed windows
        transcribed."""
        self._stopped = True
        self._blocks.put(None)
        self._thread.join()
        self.ahead.heard = self._heard[: self._length]
        return self.ahead

    def _run(self) -> None:
        try:
            self._work()
        except Exception as exc:  # noqa: BLE001 - the session must go on; the pipeline redoes the work
            self.ahead.behind = True
            self.ahead.failure = str(exc) or type(exc).__name__
            self._stopped = True

    def _work(self) -> None:
        if hasattr(os, "setpriority"):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
        while True:
            got = self._blocks.get()
            if self.ahead.behind:
                return
            if got is None:
                self._catch_up()
                return
            self._append(*got)
            if self._length - self._checked >= CHECK_SECONDS * decode.SAMPLE_RATE:
                self._checked = self._length
                self._catch_up()

    def _append(self, block: np.ndarray, rate: int) -> None:
        """The block as decoding the file will give it: 16-bit samples, resampled, mixed down."""
        if self._resample is None:
            self._resample, self._channels = decode.resampler(block.shape[1]), block.shape[1]
        rows = self._resample(pcm16(block), rate)
        mono = rows.mean(axis=0, dtype=np.float32) if len(rows) > 1 else rows[0]
        if self._length + len(mono) > len(self._heard):
            self._heard = np.resize(self._heard, max(self._length + len(mono), len(self._heard) * 2))
        self._heard[self._length : self._length + len(mono)] = mono
        self._length += len(mono)

    def _catch_up(self) -> None:
        ahead, model = self.ahead, self.ahead.model
        audio = self._heard[: self._length]
        ahead.finder.feed(audio)
        closed = cuts.windows(audio, ahead.finder.final)[:-1]
        size = max(model.batch_windows, 1)
        while len(closed) > len(ahead.windows) and not ahead.behind:
            if len(closed) - len(ahead.windows) > BEHIND_BATCHES * size:
                ahead.behind = True
                self._stopped = True
                return
            batch = closed[len(ahead.windows) : len(ahead.windows) + size]
            result = model.transcribe(audio, batch, language=ahead.language)
            if ahead.language is None:
                ahead.language, ahead.language_probability = result.language, result.language_probability
            ahead.windows += batch
            ahead.words += result.words
            ahead.dropped += result.dropped
        if self._channels == 1 and not ahead.behind:
            if ahead.diarizer is not None:
                ahead.diarizer.warm(audio, ahead.finder.final)
            ahead.voicing.add(audio, ahead.finder.final)
