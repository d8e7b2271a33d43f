"""What a diarizer is: who spoke when on a one-channel recording.

A diarizer plugin subclasses :class:`Diarizer` and registers an instance through the
``register_diarizers`` hook; ``rehearse analyze --diarizer NAME`` picks it. The built-in one
is :mod:`rehearse.diarization.voice`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rehearse.conversation import UNCERTAIN_BELOW, Attribution, Segment
from rehearse.i18n import ntr, percent, tr

if TYPE_CHECKING:
    import numpy as np

ProgressCallback = Callable[[float], None]

TOO_LITTLE_SPEECH = "too_little_speech"
VOICES_UNCLEAR = "voices_unclear"


@dataclass
class Diarization:
    segments: list[Segment]  # speech per speaker, with ``confidence`` in [0, 1]
    speakers: list[str]
    # Why speakers were not told apart: TOO_LITTLE_SPEECH, VOICES_UNCLEAR, or a plugin's own sentence.
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

    def warm(self, samples: np.ndarray, speech: list[tuple[float, float]]) -> None:
        """Optional: work for :meth:`diarize` done while a session is recorded, so less is left
        when it ends. ``samples``: the session so far; ``speech``: its stretches of speech that
        more audio will not change, growing from call to call. The next :meth:`diarize` may use
        it; what it returns must not depend on whether this ran. Does nothing by default."""


def attribution_notes(
    source: Attribution, unseparated: str | None, speakers: list[str], segments: list[Segment], lang: str
) -> list[str]:
    """What the report says about how who-spoke-when was found, and how far to trust it."""
    if source is Attribution.SINGLE and unseparated == TOO_LITTLE_SPEECH:
        return [
            tr(lang, "Under 2 seconds of speech: too little to tell voices apart, so nobody is compared.")
        ]
    if source is Attribution.SINGLE and unseparated == VOICES_UNCLEAR:
        return [
            tr(
                lang,
                "One channel, and the voices on it could not be told apart reliably (the split "
                "changed when the analysis was repeated on parts of it), so figures are for everyone "
                "together rather than per person and possibly wrong. For figures per person, record "
                "with one mic per person; --speakers 2 forces a split, every moment marked (?).",
            )
        ]
    if source is Attribution.SINGLE and unseparated:
        return [unseparated]
    if source is not Attribution.VOICES:
        return []
    notes = [
        ntr(
            lang,
            "One channel: {count} voice told apart by how it sounds.",
            "One channel: {count} voices told apart by how they sound.",
            len(speakers),
        )
        + " "
        + tr(
            lang,
            "Figures are approximate, speech where two people talk at once goes to one of them, and a "
            "voice heard for under 3 seconds is not counted as a person of its own. "
            "For exact figures, record with one mic per person.",
        )
    ]
    speech = sum(s.duration for s in segments)
    unsure = sum(s.duration for s in segments if s.confidence < UNCERTAIN_BELOW)
    if speech and unsure / speech >= 0.05:
        notes.append(
            tr(
                lang,
                "Who spoke is uncertain for {share} of the speech; moments resting on it are marked (?).",
                share=percent(unsure / speech, lang),
            )
        )
    return notes
