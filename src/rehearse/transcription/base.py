"""What a transcriber is: speech to timed words.

A transcriber plugin subclasses :class:`TranscriberBackend` and registers an instance
through the ``register_transcribers`` hook; ``rehearse analyze --transcriber NAME`` picks
it. The built-in one is :mod:`rehearse.transcription.whisper`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from rehearse.audio.cuts import Window
from rehearse.conversation import Word

if TYPE_CHECKING:
    import numpy as np

ProgressCallback = Callable[[float], None]


@dataclass
class Transcription:
    words: list[Word]
    language: str
    language_probability: float
    dropped: list[str] = field(default_factory=list)


class SpeechToText(Protocol):
    """A loaded speech-to-text model, as the pipeline uses it."""

    @property
    def batch_windows(self) -> int:
        """How many windows the model decodes together, at most. A recording transcribed as it is
        made hands each window over once it is closed: alone, or with the others closed since."""
        ...

    def transcribe(
        self,
        audio: np.ndarray,
        windows: Sequence[Window],
        progress: ProgressCallback | None = None,
        language: str | None = None,
    ) -> Transcription:
        """Timed words (in recording time) of the ``windows`` of 16 kHz mono ``audio`` (float32):
        each holds stretches of the speech rehearse found (seconds, in order), at most 30 s of
        audio in all (:func:`rehearse.audio.cuts.windows`). With ``language`` (heard in earlier
        windows) the model does not detect it again."""
        ...

    def transcribe_clips(
        self, channel: np.ndarray, spans: list[tuple[float, float]], language: str | None
    ) -> list[Word]:
        """Words said in short ``spans`` (seconds) of one channel, in recording time."""
        ...

    # Optional: ``hesitations(audio, spans, language) -> list[Word]``, what the model writes in
    # ``spans`` when told that people hesitate there (rehearse.transcription.hesitations). A
    # model without it leaves hesitations out, and the report says that it could not hear them.


class TranscriberBackend:
    """Base of transcriber plugins: turns ``--model`` and friends into a :class:`SpeechToText`.

    ``load`` may take seconds (it is shown as the "model" progress stage) and raises
    :class:`rehearse.errors.ModelError` with the way out when the model cannot be had.
    """

    name: str = ""
    description: str = ""

    def load(
        self,
        model: str,
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        language: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> SpeechToText:
        raise NotImplementedError
