"""Monologues: the longest turns, where one person held the floor too long.

A turn is a maximal stretch of one speaker; the other's backchannels do not
break it (Gong's "longest customer story" tolerates them the same way).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, marked, not_separated, uncertain
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, Turn
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, clock, duration, ntr, separated, tr


class LongTurn(TypedDict):
    speaker: str
    start: float
    end: float
    duration: float
    first_words: str
    uncertain: bool  # enough of the turn is uncertainly attributed to doubt its length


class MonologuesSection(Section, total=False):
    threshold: float
    turn_count: int
    longest: dict[str, LongTurn]
    items: list[LongTurn]


def _longest_turn(section: MonologuesSection, you: str) -> float | None:
    turn = section.get("longest", {}).get(you)
    return turn["duration"] if turn else None


class Monologues(Analyzer):
    name = "monologues"
    title = N_("Monologues")
    figures = (
        Figure(
            "longest_turn",
            N_("Your longest turn"),
            "seconds",
            _longest_turn,
            too_high=N_("Break long answers into chapters: headline, one example, then check in."),
            governs=True,
        ),
    )
    options = (
        Option(
            "threshold",
            90.0,
            "Turns longer than this many seconds are monologues "
            "(Gong: keep an overview under 2 minutes; most interview answers run 30 s to 2 min).",
            minimum=1,
            maximum=3600,
        ),
        Option("quote_words", 12, "Words quoted from the start of each monologue.", minimum=0, maximum=200),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> MonologuesSection:
        if not conversation.separated:
            return not_separated(conversation, lang, longest={}, items=[])
        labels = {s.id: s.label for s in conversation.speakers}
        n = int(options["quote_words"])
        longest: dict[str, LongTurn] = {}
        for speaker in labels:
            turns = [t for t in conversation.turns if t.speaker == speaker]
            if turns:
                longest[speaker] = _describe(max(turns, key=lambda t: t.duration), n)
        over = [_describe(t, n) for t in conversation.turns if t.duration > options["threshold"]]
        result: MonologuesSection = {
            "threshold": options["threshold"],
            "turn_count": len(conversation.turns),
            "longest": longest,
            "items": over,
            "moments": [
                {
                    "time": m["start"],
                    "speaker": m["speaker"],
                    "label": duration(m["duration"]),
                    "text": m["first_words"],
                    "uncertain": m["uncertain"],
                }
                for m in over
            ],
            "advice": [],
        }
        you = roles.you(conversation).speaker
        result["summary"] = separated(
            lang,
            [
                tr(lang, "Your longest turn {length} at {time}", **_turn(t))
                if s == you
                else tr(lang, "{who}'s longest turn {length} at {time}", who=labels[s], **_turn(t))
                for s, t in longest.items()
            ],
        ) or tr(lang, "No turns.")
        if over:
            result["summary"] = ntr(
                lang,
                "{summary}; {count} turn over {threshold}",
                "{summary}; {count} turns over {threshold}",
                len(over),
                summary=result["summary"],
                threshold=duration(options["threshold"]),
            )
        coached = roles.coached(conversation)
        for speaker in dict.fromkeys(m["speaker"] for m in over if m["speaker"] in coached):
            mine = [m for m in over if m["speaker"] == speaker]
            unsure = any(m["uncertain"] for m in mine)
            figures = {
                "threshold": duration(options["threshold"]),
                "longest": duration(max(m["duration"] for m in mine)),
            }
            # The user's label is not in their sentence: the mark of an uncertain attribution follows the count.
            spoke = (
                tr(
                    lang,
                    "You spoke for over {threshold} without a break {times} (longest {longest}).",
                    times=marked(f"{len(mine)}×", unsure),
                    **figures,
                )
                if speaker == you
                else tr(
                    lang,
                    "{who} spoke for over {threshold} without a break {count}× (longest {longest}).",
                    who=marked(labels[speaker], unsure),
                    count=len(mine),
                    **figures,
                )
            )
            result["advice"].append(
                spoke
                + " "
                + tr(
                    lang,
                    "Answer in chapters: the headline first, one example, then check in "
                    '("Shall I go deeper?").',
                )
            )
        return result


def _turn(turn: LongTurn) -> dict[str, str]:
    return {"length": marked(duration(turn["duration"]), turn["uncertain"]), "time": clock(turn["start"])}


def _describe(turn: Turn, quote_words: int) -> LongTurn:
    return {
        "speaker": turn.speaker,
        "start": round(turn.start, 2),
        "end": round(turn.end, 2),
        "duration": round(turn.duration, 2),
        "first_words": " ".join(turn.text.split()[:quote_words]),
        "uncertain": uncertain(turn.utterances),
    }


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Monologues())
