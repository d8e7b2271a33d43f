"""What a diarizer is: who spoke when on a one-channel recording.

A diarizer plugin subclasses :class:`Diarizer` and registers an instance through the
``register_diarizers`` hook; ``rehearse analyze --diarizer NAME`` picks it. The built-in one
is :mod:`rehearse.diarization.voice`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rehearse.conversation import Segment

if TYPE_CHECKING:
    import numpy as np

ProgressCallback = Callable[[float], None]

TOO_LITTLE_SPEECH = "too_little_speech"


@dataclass
class Diarization:
    segments: list[Segment]  # speech per speaker, with ``confidence`` in [0, 1]
    speakers: list[str]
    # Why speakers were not told apart: TOO_LITTLE_SPEECH, or a plugin's own sentence.
    unseparated: str | None = None


class Diarizer:
    """Base of diarizer plugins: attribute the speech of a one-channel recording to speakers.

    ``speech`` holds the (start, end) seconds where voice activity detection heard speech;
    ``speakers`` forces the number of speakers when given. Return speakers named S1, S2, …
    in order of first appearance.
    """

    name: str = ""
    description: str = ""

    def diarize(
        self,
        samples: np.ndarray,
        speech: list[tuple[float, float]],
        speakers: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Diarization:
        raise NotImplementedError
