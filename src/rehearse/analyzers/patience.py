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

from rehearse.analyzers.base import (
    Analyzer,
    Figure,
    Option,
    Section,
    figure_labels,
    figures_uncertain,
    marked,
    not_separated,
    uncertain,
)
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, join_words
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, duration, separated, tenths, tr


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
    title = N_("Patience")
    figures = (
        Figure(
            "patience",
            N_("Your pause before speaking"),
            "seconds",
            _patience,
            N_("Leave a beat after they stop: they often add the most useful part."),
            governs=True,
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
                    "label": tr(lang, "pause {length}", length=duration(p["pause"])),
                    "text": f"…{p['before']} / {p['after']}…",
                    "uncertain": p["uncertain"],
                }
                for p in long_pauses
            ],
            "advice": [],
        }
        named = figure_labels(conversation)
        unsure = figures_uncertain(conversation)
        you = roles.you(conversation).speaker
        result["summary"] = separated(
            lang,
            [
                # The user's label is not in their clause: the mark of an uncertain attribution ends it.
                marked(
                    tr(
                        lang,
                        "You wait {median} s (median) before taking the floor, cut in quickly {quick}×",
                        **_waits(v, lang),
                    ),
                    unsure[s],
                )
                if s == you
                else tr(
                    lang,
                    "{who} waits {median} s (median) before taking the floor, cut in quickly {quick}×",
                    who=named[s],
                    **_waits(v, lang),
                )
                for s, v in by_speaker.items()
                if v["median"] is not None
            ],
        ) or tr(lang, "No change of speaker.")
        for speaker in roles.coached(conversation):
            v = by_speaker[speaker]
            if v["median"] is not None and v["count"] >= 3 and v["median"] < options["min_median"]:
                took = (
                    tr(
                        lang,
                        "You usually took the floor {pause} after the other stopped.",
                        pause=marked(f"{tenths(v['median'], lang)} s", unsure[speaker]),
                    )
                    if speaker == you
                    else tr(
                        lang,
                        "{who} usually took the floor {median} s after the other stopped.",
                        who=named[speaker],
                        median=tenths(v['median'], lang),
                    )
                )
                result["advice"].append(
                    took
                    + " "
                    + tr(
                        lang,
                        "Leave a beat (about a second): it shows you listened, and they may add the most useful part.",
                    )
                )
        return result


def _waits(v: SpeakerPatience, lang: str) -> dict[str, str]:
    median = v["median"]
    assert median is not None  # only the speakers who took the floor are described
    return {"median": tenths(median, lang), "quick": str(v["quick"])}


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Patience())
