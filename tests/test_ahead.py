"""Transcribing while recording gives what transcribing the finished file gives.

Fast tests with a stand-in model that names the windows it is given; the real model through
PulseAudio is in tests/test_recorder.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import AUDIO
from rehearse import pipeline
from rehearse.audio import activity, cuts, pitch
from rehearse.audio import decode as audio
from rehearse.audio.activity import VAD_PIECE_SECONDS
from rehearse.conversation import Word
from rehearse.diarization import encoder, voice
from rehearse.diarization.voice import VoiceDiarizer
from rehearse.recording.wav import WavWriter
from rehearse.transcription.ahead import CHECK_SECONDS, TranscribeAhead
from rehearse.transcription.base import Transcription


class Namer:
    """A model whose words say which window they came from, and which records each call."""

    def __init__(self, batch: int) -> None:
        self.batch_windows = batch
        self.calls: list[list] = []

    def transcribe(self, audio, windows, progress=None, language=None):  # type: ignore[no-untyped-def]
        self.calls.append(list(windows))
        words = [Word(w[0][0], w[-1][1], f" {w[0][0]:.3f}-{w[-1][1]:.3f}") for w in windows]
        return Transcription(words, language or "en", 0.9)

    def transcribe_clips(self, channel, spans, language):  # type: ignore[no-untyped-def]
        return []


def blocks(samples: np.ndarray, rate: int, size: float = 0.1):
    step = int(rate * size)
    for start in range(0, samples.shape[0], step):
        yield samples[start : start + step]


@pytest.mark.parametrize("rate", [16_000, 48_000, 44_100])
@pytest.mark.parametrize("channels", [1, 2])
def test_audio_heard_while_recording_is_the_audio_decoded_afterwards(tmp_path, rate, channels):
    rng = np.random.default_rng(rate + channels)
    captured = (rng.normal(0, 0.2, (rate * 3, channels))).astype(np.float32)
    path = tmp_path / "take.wav"
    writer = WavWriter(path, channels, rate)
    worker = TranscribeAhead(Namer(8))
    for block in blocks(captured, rate):
        writer.write(block)
        worker.feed(block, rate)
    writer.close()
    heard = worker.finish().heard
    decoded = audio.load(path).mono
    n = min(len(heard), len(decoded))
    assert n >= len(decoded) - rate // 100, "all but the resampler's last few milliseconds"
    assert np.array_equal(heard[:n], decoded[:n])


def session(seconds: float = 150.0) -> np.ndarray:
    """A real-looking session: the interview fixture, twice over and more."""
    mono = audio.load(AUDIO / "en-interview-mono.wav").mono
    return np.tile(mono, int(seconds * 16_000 / len(mono)) + 1)[: int(seconds * 16_000)]


def test_each_window_is_transcribed_ahead_once_closed_and_only_the_rest_at_the_end(tmp_path):
    samples = session()
    model = Namer(batch=2)
    worker = TranscribeAhead(model)
    for block in blocks(samples[:, None], 16_000):
        worker.feed(block, 16_000)
    ahead = worker.finish()

    speech = [(s.start, s.end) for s in activity.voice_activity(samples, "S1")]
    every = cuts.windows(samples, speech)
    done = ahead.done_of(samples, every)
    assert done == len(ahead.windows) >= 3
    assert done < len(every), "the last window waits for the end of the session"
    assert [w for call in model.calls for w in call] == every[:done], (
        "the file's windows, in order, once each"
    )
    assert all(1 <= len(call) <= 2 for call in model.calls), (
        "in batches of what is closed, at most the model's"
    )

    model.calls.clear()
    with_ahead = pipeline._transcribe(model, samples, every, pipeline._quiet, ahead)
    assert model.calls == [every[done:]], "only the rest is transcribed"
    alone = pipeline._transcribe(Namer(batch=2), samples, every, pipeline._quiet, None)
    assert with_ahead.words == alone.words


@pytest.mark.parametrize("loudness", ["steady", "rising and quiet"])
def test_voices_embedded_while_recording_give_the_diarization_of_the_file(monkeypatch, loudness):
    samples = session()
    if loudness != "steady":  # the gain the encoder calls for changes as the session goes
        samples = samples * np.linspace(0.01, 0.08, len(samples), dtype=np.float32)
    worker = TranscribeAhead(Namer(batch=2), VoiceDiarizer())
    for block in blocks(samples[:, None], 16_000):
        worker.feed(block, 16_000)
    ahead = worker.finish()
    samples = ahead.heard  # the 16-bit samples the file holds
    speech = [(s.start, s.end) for s in activity.voice_activity(samples, "S1")]

    embedded = []
    embed = encoder.embed_frames
    monkeypatch.setattr(
        encoder, "embed_frames", lambda windows: embedded.append(len(windows)) or embed(windows)
    )
    streamed = ahead.diarizer.diarize(samples, speech)
    left = sum(embedded)
    embedded.clear()
    after = VoiceDiarizer().diarize(samples, speech)
    assert streamed == after
    # Speech is final once the voice activity detector's piece is heard: what the last piece
    # and the last check held is left for the end, the rest was embedded while recording.
    unheard = len(samples) / 16_000 - VAD_PIECE_SECONDS - CHECK_SECONDS
    late = sum(
        len(voice._stretch_windows(round(a * 100), round(b * 100), voice.DiarizationSettings()))
        for a, b in speech
        if b > unheard
    )
    assert 0 < left <= late < sum(embedded) / 2, (left, late)


def test_pitch_tracked_while_recording_is_the_pitch_of_the_file():
    worker = TranscribeAhead(Namer(batch=2))
    for block in blocks(session()[:, None], 16_000):
        worker.feed(block, 16_000)
    ahead = worker.finish()
    samples = ahead.heard
    speech = [(s.start, s.end) for s in activity.voice_activity(samples, "S1")]
    voicing = ahead.voicing_of(samples)
    assert voicing is not None and ahead.voicing_of(samples * 0.5) is None
    tracked = pitch.track(samples, 16_000, speech, voicing)
    assert np.array_equal(tracked, pitch.track(samples, 16_000, speech), equal_nan=True)
    assert voicing.done.sum() > 0.5 * sum(end - start for start, end in speech) / pitch.HOP_SECONDS


def test_audio_that_is_not_the_file_is_transcribed_again(tmp_path):
    samples = session(100.0)
    worker = TranscribeAhead(Namer(batch=1))
    for block in blocks(samples[:, None], 16_000):
        worker.feed(block, 16_000)
    ahead = worker.finish()
    speech = [(s.start, s.end) for s in activity.voice_activity(samples, "S1")]
    every = cuts.windows(samples, speech)
    assert ahead.done_of(samples, every) > 0
    assert ahead.done_of(samples * 0.5, every) == 0


def test_a_worker_that_falls_behind_stops_and_leaves_the_rest_for_the_end():
    samples = session(100.0)
    model = Namer(batch=1)
    worker = TranscribeAhead(model)
    worker.fall_behind()  # as when capture overflows
    for block in blocks(samples[:, None], 16_000):
        worker.feed(block, 16_000)
    ahead = worker.finish()
    assert ahead.behind and ahead.windows == [] and model.calls == []


def test_a_model_that_fails_while_recording_leaves_the_work_to_the_end_and_says_why():
    class Broken(Namer):
        def transcribe(self, audio, windows, progress=None, language=None):  # type: ignore[no-untyped-def]
            raise RuntimeError("out of memory")

    worker = TranscribeAhead(Broken(batch=1))
    for block in blocks(session(100.0)[:, None], 16_000):
        worker.feed(block, 16_000)
    ahead = worker.finish()
    assert ahead.behind and ahead.failure == "out of memory" and ahead.windows == []
