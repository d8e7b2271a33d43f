"""Patience: the pause each person leaves after the other stops, before taking the floor.

People usually answer within about 200 ms (Levinson & Torreira 2015); Gong found top
sellers leave ~1.5 s after an objection, others ~0.3 s (secondary; docs/metrics.md#patience).
A pause taken while the other was still talking counts as 0. Long pauses are shown
in context: after which words, and what came next.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import median
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, figure_labels, not_separated, uncertain
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, join_words
from rehearse.hookspecs import hookimpl
from rehearse.i18n import duration, say


class SpeakerPatience(TypedDict):
    count: int
    median: float | None
    mean: float | None
    quick: int
    long: int


class PatienceSection(Section, total=False):
    by_speaker: dict[str, SpeakerPatience]
    long_pauses: list[dict[str, Any]]


def _patience(section: PatienceSection, you: str) -> float | None:
    mine = section.get("by_speaker", {}).get(you)
    return mine["median"] if mine else None


class Patience(Analyzer):
    name = "patience"
    title = {"en": "Patience", "fr": "Patience"}
    figures = (
        Figure(
            "patience",
            ("Your pause before speaking", "Votre temps avant de parler"),
            "seconds",
            _patience,
            (
                "Leave a beat after they stop: they often add the most useful part.",
                "Laissez un temps quand l'autre se tait : il ajoute souvent l'essentiel.",
            ),
        ),
    )
    options = (
        Option(
            "quick",
            0.2,
            "Taking the floor sooner than this (seconds) after the other stops is cutting in.",
            minimum=0,
            maximum=10,
        ),
        Option(
            "long_pause",
            3.0,
            "Pauses longer than this (seconds) before answering are shown in context.",
            minimum=0,
            maximum=3600,
        ),
        Option(
            "min_median",
            0.2,
            "Advise leaving a beat when a speaker's median pause is under this (typical gap: ~0.2 s).",
            minimum=0,
            maximum=10,
        ),
        Option("context_words", 8, "Words quoted before and after a long pause.", minimum=0, maximum=100),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> PatienceSection:
        if not conversation.separated:
            return not_separated(conversation, lang, by_speaker={}, long_pauses=[])
        labels = {s.id: s.label for s in conversation.speakers}
        handovers = conversation.floor_changes()
        n = int(options["context_words"])
        by_speaker: dict[str, SpeakerPatience] = {}
        for speaker in labels:
            pauses = [gap for previous, turn, gap in handovers if turn.speaker == speaker]
            by_speaker[speaker] = {
                "count": len(pauses),
                "median": round(median(pauses), 2) if pauses else None,
                "mean": round(sum(pauses) / len(pauses), 2) if pauses else None,
                "quick": sum(1 for p in pauses if p < options["quick"]),
                "long": sum(1 for p in pauses if p > options["long_pause"]),
            }
        long_pauses: list[dict[str, Any]] = [
            {
                "time": round(previous.end, 2),
                "speaker": turn.speaker,
                "pause": round(gap, 2),
                "before": " ".join(join_words(previous.own_words).split()[-n:]),
                "after": " ".join(join_words(turn.own_words).split()[:n]),
                # A pause lies between the end of one voice and the start of the other: either
                # given to the wrong voice, there may have been no handover there at all.
                "uncertain": uncertain(previous.utterances[-1:]) or uncertain(turn.utterances[:1]),
            }
            for previous, turn, gap in handovers
            if gap > options["long_pause"]
        ]
        result: PatienceSection = {
            "by_speaker": by_speaker,
            "long_pauses": long_pauses,
            "moments": [
                {
                    "time": p["time"],
                    "speaker": p["speaker"],
                    "label": say(lang, f"pause {duration(p['pause'])}", f"silence de {duration(p['pause'])}"),
                    "text": f"…{p['before']} / {p['after']}…",
                    "uncertain": p["uncertain"],
                }
                for p in long_pauses
            ],
            "advice": [],
        }
        named = figure_labels(conversation)
        result["summary"] = "; ".join(
            say(
                lang,
                f"{named[s]} waits {v['median']:.1f} s (median) before taking the floor, "
                f"cut in quickly {v['quick']}×",
                f"{named[s]} attend {v['median']:.1f} s (médiane) avant de prendre la parole, "
                f"enchaîne trop vite {v['quick']}×",
            )
            for s, v in by_speaker.items()
            if v["median"] is not None
        ) or say(lang, "No change of speaker.", "Aucun changement d'interlocuteur.")
        for speaker in roles.coached(conversation):
            v = by_speaker[speaker]
            if v["median"] is not None and v["count"] >= 3 and v["median"] < options["min_median"]:
                result["advice"].append(
                    say(
                        lang,
                        f"{named[speaker]} usually took the floor {v['median']:.1f} s after the other stopped. "
                        "Leave a beat (about a second): it shows you listened, and they may add the most "
                        "useful part.",
                        f"{named[speaker]} a pris la parole {v['median']:.1f} s après que l'autre s'est tu, "
                        "en général. Laissez un temps (environ une seconde) : cela montre que vous écoutez, "
                        "et l'autre ajoute souvent l'essentiel.",
                    )
                )
        return result


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Patience())
