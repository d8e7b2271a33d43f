"""The built-in transcriber: speech to timed words with faster-whisper.

This module and :mod:`rehearse.transcription.model_files` are the only ones that import
faster_whisper: its types stop here, and the rest of rehearse sees :class:`Word` and
:class:`Transcription`. It also lends its bundled Silero VAD to the audio stage.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from rehearse.audio.decode import SAMPLE_RATE
from rehearse.conversation import Word
from rehearse.errors import ModelError
from rehearse.hookspecs import hookimpl
from rehearse.transcription import runtimes
from rehearse.transcription.base import ProgressCallback, SpeechToText, TranscriberBackend, Transcription

# Whisper writes these on silence or music; they were never said.
HALLUCINATIONS = re.compile(
    r"sous-titr|amara\.org|merci d'avoir regardé|thanks? (you )?for watching|"
    r"please subscribe|abonnez-vous",
    re.IGNORECASE,
)


CHUNK_SECONDS = 300.0  # longest stretch handed to faster-whisper at once
SAMPLING_SEED = 0
CHUNK_SEARCH_SECONDS = 60.0  # a chunk ends at the quietest moment of its last minute
QUIET_WINDOW_SECONDS = 0.4


@dataclass(frozen=True)
class WhisperSettings:
    model_path: str
    device: str = "cpu"
    compute_type: str = "int8"
    language: str | None = None
    beam_size: int = 5
    chunk_seconds: float = CHUNK_SECONDS


class FasterWhisperBackend(TranscriberBackend):
    name = "faster-whisper"
    description = "Whisper through CTranslate2: the embedded 'base', a model directory, or a size name."

    def load(
        self,
        model: str,
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        language: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> SpeechToText:
        from rehearse.transcription import model_files

        path = model_files.resolve(model, progress)
        return Transcriber(WhisperSettings(path, device, compute_type, language))


@hookimpl
def register_transcribers(register):  # type: ignore[no-untyped-def]
    register(FasterWhisperBackend())


# The languages multilingual Whisper models know (WhisperModel.supported_languages once a model
# is loaded; tests/test_e2e.py checks this copy against it). Kept here so that checking
# --language does not load a model.
LANGUAGES = (
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi "
    "hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no "
    "oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi yi yo "
    "zh yue"
).split()


def supported_languages() -> tuple[str, ...]:
    return tuple(LANGUAGES)


# Silero's speech probability: 0.5 is its default, but on telephone-band, noisy or
# reverberant speech it stays under 0.5 for whole words. On the real-speech suite
# (docs/benchmarks.md) 0.35 missed 11% of a phone call where 0.5 missed 16%, and 23% of a
# reverberant phone mix where 0.5 missed 55%, for at most 4 points more false alarm (on music).
SPEECH_PROBABILITY = 0.35


def speech_spans(samples: np.ndarray, min_silence: float, min_speech: float) -> list[tuple[float, float]]:
    """Where there is speech in 16 kHz mono ``samples``, in seconds, by the Silero VAD that
    faster-whisper bundles."""
    runtimes.disable_telemetry()  # the VAD runs on onnxruntime, which reads the switch on import
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=SPEECH_PROBABILITY,
        min_silence_duration_ms=int(min_silence * 1000),
        min_speech_duration_ms=int(min_speech * 1000),
        speech_pad_ms=30,
    )
    return [
        (round(s["start"] / SAMPLE_RATE, 2), round(s["end"] / SAMPLE_RATE, 2))
        for s in get_speech_timestamps(samples, options)
    ]


CLIP_PAD = 0.15  # seconds kept around each overlapped utterance
CLIP_GAP = 0.5  # silence between clips, so Whisper hears them as separate phrases


def chunk_bounds(audio: np.ndarray, length: float = CHUNK_SECONDS) -> list[tuple[int, int]]:
    """Sample ranges of at most ``length`` seconds covering ``audio``, cut where it is quietest."""
    size = int(length * SAMPLE_RATE)
    search = int(min(CHUNK_SEARCH_SECONDS, length / 2) * SAMPLE_RATE)
    step = int(QUIET_WINDOW_SECONDS * SAMPLE_RATE) // 4
    bounds, start = [], 0
    while len(audio) - start > size:
        region_start = start + size - search
        frames = audio[region_start : region_start + search // step * step].reshape(-1, step)
        energy = np.einsum("ij,ij->i", frames, frames)
        quietest = int(np.argmin(np.convolve(energy, np.ones(4), mode="valid")))
        cut = region_start + quietest * step + 2 * step  # the middle of the quiet window
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(audio)))
    return bounds


class Transcriber:
    """A loaded Whisper model. Loading takes seconds, so one instance serves every pass."""

    def __init__(self, settings: WhisperSettings) -> None:
        runtimes.disable_telemetry()  # transcribe(vad_filter=True) will load onnxruntime
        from faster_whisper import WhisperModel

        self.settings = settings
        try:
            self._model = WhisperModel(
                settings.model_path,
                device=settings.device,
                compute_type=settings.compute_type,
                cpu_threads=os.cpu_count() or 0,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                "cannot load the speech model from {path}: {reason}", path=settings.model_path, reason=exc
            ) from exc

    def transcribe(self, audio: np.ndarray, progress: ProgressCallback | None = None) -> Transcription:
        """Transcribe 16 kHz mono ``audio`` into timed words.

        Long recordings go through in chunks cut at pauses: faster-whisper computes
        its VAD and mel features over the whole array at once, which on a 30-minute
        file costs more memory than the model itself.
        """
        import ctranslate2  # loaded with the model already

        duration = len(audio) / SAMPLE_RATE
        language = self.settings.language
        detected: tuple[str, float] | None = None
        words: list[Word] = []
        dropped: list[str] = []
        for lo, hi in chunk_bounds(audio, self.settings.chunk_seconds):
            offset = lo / SAMPLE_RATE
            # Where greedy decoding fails its checks, faster-whisper samples at higher
            # temperatures; a fixed seed makes that sampling, and so the words, the same on
            # every run of the same recording.
            ctranslate2.set_random_seed(SAMPLING_SEED)
            segments, info = self._model.transcribe(
                audio[lo:hi],
                language=language,
                beam_size=self.settings.beam_size,
                word_timestamps=True,
                vad_filter=True,
                # Without the previous text as a prompt, one misheard phrase cannot loop.
                condition_on_previous_text=False,
            )
            heard = False
            for segment in segments:  # lazy: decoding happens as we iterate
                if HALLUCINATIONS.search(segment.text):
                    dropped.append(segment.text.strip())
                else:
                    found = _words(segment.words or (), offset)
                    heard = heard or bool(found)
                    words.extend(found)
                if progress and duration:
                    progress(min((offset + segment.end) / duration, 1.0))
            if detected is None and (heard or hi == len(audio)):
                # The first chunk with speech names the language for the rest,
                # so a quiet start cannot switch a French interview to English.
                detected = (info.language, round(info.language_probability, 3))
                language = language or info.language
            if progress and duration:
                progress(min(hi / len(audio), 1.0))
        if progress:
            progress(1.0)
        assert detected is not None  # chunk_bounds always yields the end of the audio
        return Transcription(words, detected[0], detected[1], dropped)

    def transcribe_clips(
        self, channel: np.ndarray, spans: list[tuple[float, float]], language: str | None
    ) -> list[Word]:
        """Words said in short spans of one channel, in recording time.

        The spans are joined into one short track so a single pass hears them all;
        each word is mapped back to the span it came from.
        """
        pieces: list[np.ndarray] = []
        offsets: list[tuple[float, float, float]] = []  # (track start, track end, recording start)
        cursor = 0.0
        gap = np.zeros(int(CLIP_GAP * SAMPLE_RATE), np.float32)
        for start, end in spans:
            lo = max(int((start - CLIP_PAD) * SAMPLE_RATE), 0)
            hi = min(int((end + CLIP_PAD) * SAMPLE_RATE), len(channel))
            pieces += [channel[lo:hi], gap]
            offsets.append((cursor, cursor + (hi - lo) / SAMPLE_RATE, lo / SAMPLE_RATE))
            cursor += (hi - lo + len(gap)) / SAMPLE_RATE
        if not pieces:
            return []
        segments, _ = self._model.transcribe(
            np.concatenate(pieces),
            language=language,
            beam_size=self.settings.beam_size,
            word_timestamps=True,
            vad_filter=False,
            condition_on_previous_text=False,
            # No fallback to sampling: on a short "mm" Whisper's quality checks fail
            # every time, and each retry costs a full decode.
            temperature=0.0,
        )
        words = []
        for segment in segments:
            if HALLUCINATIONS.search(segment.text):
                continue
            for word in _words(segment.words or ()):
                middle = (word.start + word.end) / 2
                for track_start, track_end, origin in offsets:
                    if track_start <= middle <= track_end:
                        shift = origin - track_start
                        words.append(
                            Word(
                                round(word.start + shift, 3),
                                round(word.end + shift, 3),
                                word.text,
                                probability=word.probability,
                            )
                        )
                        break
        return words


def _words(raw: object, offset: float = 0.0) -> list[Word]:
    return [
        Word(
            start=round(float(w.start) + offset, 3),
            end=round(float(w.end) + offset, 3),
            text=w.word,
            probability=round(float(w.probability), 3),
        )
        for w in raw  # type: ignore[attr-defined]
    ]
