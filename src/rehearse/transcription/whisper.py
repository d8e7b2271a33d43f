"""The built-in transcriber: speech to timed words with faster-whisper.

This module and :mod:`rehearse.transcription.model_files` are the only ones that import
faster_whisper: its types stop here, and the rest of rehearse sees :class:`Word` and
:class:`Transcription`. It also lends its bundled Silero VAD to the audio stage.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from rehearse.audio import cuts
from rehearse.audio.cuts import PACK_GAP_SECONDS, Window
from rehearse.audio.decode import SAMPLE_RATE
from rehearse.conversation import Word
from rehearse.errors import ModelError
from rehearse.hookspecs import hookimpl
from rehearse.transcription import hesitations, runtimes
from rehearse.transcription.base import ProgressCallback, SpeechToText, TranscriberBackend, Transcription

SAMPLING_SEED = 0

# Whisper writes these on silence or music; they were never said.
HALLUCINATIONS = re.compile(
    r"sous-titr|amara\.org|merci d'avoir regardé|thanks? (you )?for watching|"
    r"please subscribe|abonnez-vous",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WhisperSettings:
    model_path: str
    device: str = "cpu"
    compute_type: str = "int8"
    language: str | None = None
    beam_size: int = 5
    # Windows decoded together. On 2 cores, 4 ran as fast as 8 (0.053 x real time on 3.5 min
    # of real conversation, docs/benchmarks.md) and closes a batch sooner while recording.
    batch_size: int = 4


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


class Transcriber:
    """A loaded Whisper model. Loading takes seconds, so one instance serves every pass."""

    def __init__(self, settings: WhisperSettings) -> None:
        runtimes.disable_telemetry()  # importing faster_whisper may load onnxruntime
        from faster_whisper import BatchedInferencePipeline, WhisperModel

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
        self._batched = BatchedInferencePipeline(self._model)

    @property
    def batch_windows(self) -> int:
        return self.settings.batch_size

    def transcribe(
        self,
        audio: np.ndarray,
        windows: Sequence[Window],
        progress: ProgressCallback | None = None,
        language: str | None = None,
        *,
        retry: bool = True,
        prompt: str | None = None,
    ) -> Transcription:
        """The words of the ``windows`` of 16 kHz mono ``audio`` (:func:`rehearse.audio.cuts.windows`),
        in recording time.

        Each window's stretches of speech are packed end to end and the windows go through
        faster-whisper's batched pipeline a batch at a time, so memory stays that of one batch on
        any length and progress moves with each; rehearse found the speech already, so there is
        no second voice-activity pass. Each window is decoded on its own (no text carried over
        from the one before, no sampling), so the words are the same whether the recording is
        transcribed at once or as it is recorded. With ``retry``, a window that fails
        faster-whisper's checks or loops is decoded again alone. ``prompt``: text the model is
        told came before, whose style it follows.
        """
        language = language or self.settings.language
        detected: tuple[str, float] | None = (language, 1.0) if language else None
        words: list[Word] = []
        dropped: list[str] = []
        duration = len(audio) / SAMPLE_RATE
        size = self.settings.batch_size
        for first in range(0, len(windows), size):
            portion = windows[first : first + size]
            track, clips, places = _packed(audio, portion)
            segments, info = self._batched.transcribe(
                track,
                language=detected[0] if detected else None,
                beam_size=self.settings.beam_size,
                word_timestamps=True,
                # One segment a window: with timestamps, the batched pipeline drops a window's
                # unfinished last segment (10 of 210 words of tests/test_e2e.py's interview).
                without_timestamps=True,
                clip_timestamps=clips,
                batch_size=size,
                initial_prompt=prompt,
            )
            if detected is None:
                detected = (info.language, round(info.language_probability, 3))
            starts = [clip["start"] for clip in clips]
            decoded: dict[int, list] = {}
            for segment in segments:
                decoded.setdefault(max(bisect_right(starts, segment.start + 0.01) - 1, 0), []).append(segment)
            heard: list[Word] = []
            for index, clip in enumerate(clips):
                found = decoded.get(index, [])
                said = [word for segment in found for word in _words(segment.words or ())]
                if retry and any(_failed(segment) for segment in found):
                    heard += self._again(track, clip, detected[0], dropped)  # as faster-whisper does
                    continue
                kept, invented = _without_inventions(said)
                heard += kept
                dropped += invented
            words += sorted((_unpacked(word, places) for word in heard), key=lambda w: w.start)
            if progress and duration:
                progress(min(portion[-1][-1][1] / duration, 1.0))
        if progress:
            progress(1.0)
        if detected is None:  # nothing to hear: Whisper's guess on the first seconds names the language
            found, probability, _ = self._model.detect_language(audio[: 30 * SAMPLE_RATE])
            detected = (found, round(probability, 3))
        return Transcription(words, detected[0], detected[1], dropped)

    def _again(
        self, track: np.ndarray, clip: dict[str, float], language: str, dropped: list[str]
    ) -> list[Word]:
        """A window batched decoding failed on (Whisper looping or unsure), decoded on its own with
        faster-whisper's fallback to higher temperatures; sampling seeded, so the words are the
        same every run."""
        import ctranslate2  # loaded with the model already

        ctranslate2.set_random_seed(SAMPLING_SEED)
        lo, hi = int(clip["start"] * SAMPLE_RATE), int(clip["end"] * SAMPLE_RATE)
        segments, _ = self._model.transcribe(
            track[lo:hi],
            language=language,
            beam_size=self.settings.beam_size,
            word_timestamps=True,
            vad_filter=False,
            condition_on_previous_text=False,
        )
        words: list[Word] = []
        for segment in segments:
            kept, invented = _without_inventions(_words(segment.words or (), clip["start"]))
            words += kept
            dropped += invented
        return words

    def transcribe_clips(
        self, channel: np.ndarray, spans: list[tuple[float, float]], language: str | None
    ) -> list[Word]:
        """Words said in short spans of one channel, in recording time: the spans packed into
        windows and decoded in batches like the recording itself (sequentially, this pass cost
        as much as the whole transcription)."""
        if not spans:
            return []
        # No retry: a short "mm" or the other voice through the mic fails Whisper's checks every
        # time, and each retry costs a full decode with sampling.
        return self.transcribe(channel, cuts.windows(channel, spans), language=language, retry=False).words


    def hesitations(self, audio: np.ndarray, spans: list[tuple[float, float]], language: str | None) -> list[Word]:
        """What the model writes in short ``spans`` of 16 kHz mono ``audio`` when told that people
        hesitate there (:mod:`rehearse.transcription.hesitations`), in recording time."""
        if not spans:
            return []
        return self.transcribe(
            audio, cuts.windows(audio, spans), language=language, retry=False, prompt=hesitations.prompt(language)
        ).words


# faster-whisper's own thresholds for a decoding to fail its checks and be tried again.
COMPRESSION_RATIO_LIMIT = 2.4  # the text repeats itself
LOG_PROBABILITY_FLOOR = -1.0  # the model is unsure of every word


# A window is one segment, whose ratio a long answer dilutes: a word said this many times in a
# row is Whisper looping ("non, non, non…"), which then drops what follows.
LOOP_WORDS = 5


def _failed(segment: object) -> bool:
    said = [re.sub(r"\W", "", w.word.lower()) for w in segment.words or ()]  # type: ignore[attr-defined]
    run = longest = 1
    for before, word in zip(said, said[1:]):
        run = run + 1 if word and word == before else 1
        longest = max(longest, run)
    return bool(
        segment.compression_ratio > COMPRESSION_RATIO_LIMIT  # type: ignore[attr-defined]
        or segment.avg_logprob < LOG_PROBABILITY_FLOOR  # type: ignore[attr-defined]
        or longest >= LOOP_WORDS
    )


def _packed(
    audio: np.ndarray, portion: Sequence[Window]
) -> tuple[np.ndarray, list[dict[str, float]], list[tuple[float, float]]]:
    """The windows' stretches end to end, :data:`PACK_GAP_SECONDS` apart; each window's place
    in that track (faster-whisper's ``clip_timestamps``), and where each stretch begins in the
    track and in the recording."""
    gap = np.zeros(int(PACK_GAP_SECONDS * SAMPLE_RATE), np.float32)
    parts: list[np.ndarray] = []
    clips: list[dict[str, float]] = []
    places: list[tuple[float, float]] = []
    cursor = 0
    for window in portion:
        begins = cursor
        for start, end in window:
            piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
            places.append((cursor / SAMPLE_RATE, int(start * SAMPLE_RATE) / SAMPLE_RATE))
            parts += [piece, gap]
            cursor += len(piece) + len(gap)
        clips.append({"start": begins / SAMPLE_RATE, "end": (cursor - len(gap)) / SAMPLE_RATE})
    return np.concatenate(parts), clips, places


def _unpacked(word: Word, places: list[tuple[float, float]]) -> Word:
    """A word of the packed track back in recording time, by the stretch its middle falls in."""
    middle = (word.start + word.end) / 2
    index = max(bisect_right([track for track, _ in places], middle) - 1, 0)
    shift = places[index][1] - places[index][0]
    return replace(
        word, start=round(max(word.start + shift, places[index][1]), 3), end=round(word.end + shift, 3)
    )


def _without_inventions(words: list[Word]) -> tuple[list[Word], list[str]]:
    """The words without the sentences Whisper invents (:data:`HALLUCINATIONS`), and those sentences."""
    kept: list[Word] = []
    invented: list[str] = []
    sentence: list[Word] = []
    for position, word in enumerate(words, 1):
        sentence.append(word)
        if position == len(words) or word.text.rstrip().endswith((".", "!", "?", "…")):
            text = "".join(w.text for w in sentence).strip()
            if HALLUCINATIONS.search(text):
                invented.append(text)
            else:
                kept += sentence
            sentence = []
    return kept, invented


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
