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
from rehearse.i18n import percent, say

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


def attribution_notes(
    source: Attribution, unseparated: str | None, speakers: list[str], segments: list[Segment], lang: str
) -> list[str]:
    """What the report says about how who-spoke-when was found, and how far to trust it."""
    if source is Attribution.SINGLE and unseparated == TOO_LITTLE_SPEECH:
        return [
            say(
                lang,
                "Under 2 seconds of speech: too little to tell voices apart, so nobody is compared.",
                "Moins de 2 secondes de parole : trop peu pour distinguer les voix, aucune comparaison.",
            )
        ]
    if source is Attribution.SINGLE and unseparated == VOICES_UNCLEAR:
        return [
            say(
                lang,
                "One channel, and the voices on it could not be told apart reliably (the split "
                "changed when the analysis was repeated on parts of it), so figures are for everyone "
                "together rather than per person and possibly wrong. For figures per person, record "
                "with one mic per person; --speakers 2 forces a split, every moment marked (?).",
                "Une seule piste, et les voix n'ont pas pu y être distinguées de façon fiable (la "
                "séparation changeait quand l'analyse était refaite sur des parties), donc les chiffres "
                "portent sur tout le monde plutôt que par personne, au risque d'être faux. Pour des "
                "chiffres par personne, enregistrez avec un micro par personne ; --speakers 2 force "
                "une séparation, chaque moment marqué (?).",
            )
        ]
    if source is Attribution.SINGLE and unseparated:
        return [unseparated]
    if source is not Attribution.VOICES:
        return []
    notes = [
        say(
            lang,
            f"One channel: {len(speakers)} voice(s) told apart by how they sound. Figures are "
            "approximate, speech where two people talk at once goes to one of them, and a voice "
            "heard for under 3 seconds is not counted as a person of its own. "
            "For exact figures, record with one mic per person.",
            f"Une seule piste : {len(speakers)} voix distinguée(s) à leur timbre. Les chiffres sont "
            "approximatifs, quand deux personnes parlent en même temps le temps va à l'une d'elles, "
            "et une voix entendue moins de 3 secondes n'est pas comptée comme une personne. "
            "Pour des chiffres exacts, enregistrez avec un micro par personne.",
        )
    ]
    speech = sum(s.duration for s in segments)
    unsure = sum(s.duration for s in segments if s.confidence < UNCERTAIN_BELOW)
    if speech and unsure / speech >= 0.05:
        notes.append(
            say(
                lang,
                f"Who spoke is uncertain for {percent(unsure / speech)} of the speech; "
                "moments resting on it are marked (?).",
                f"L'attribution est incertaine pour {percent(unsure / speech)} de la parole ; "
                "les moments concernés sont marqués (?).",
            )
        )
    return notes
