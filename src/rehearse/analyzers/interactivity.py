"""Interactivity: how often the floor changes hands, per minute, and the longest stretch without.

Backchannels ("mm-hmm") do not change the floor (rehearse.diarization.turns builds turns so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, not_separated
from rehearse.conversation import Conversation
from rehearse.hookspecs import hookimpl
from rehearse.i18n import clock, duration, say


class InteractivitySection(Section, total=False):
    switches: int
    per_minute: float | None
    longest_without_switch: dict[str, float]


def _per_minute(section: InteractivitySection, you: str) -> float | None:
    return section.get("per_minute")


class Interactivity(Analyzer):
    name = "interactivity"
    title = {"en": "Interactivity", "fr": "Interactivité"}
    figures = (
        Figure(
            "switches_per_minute",
            ("Floor switches a minute", "Changements de parole par minute"),
            "per_minute",
            _per_minute,
            (
                "Make it a conversation: shorter turns that end on a question.",
                "Faites-en une conversation : des tours plus courts qui finissent par une question.",
            ),
        ),
    )
    options = (
        Option(
            "low",
            1.0,
            "Fewer floor switches per minute than this gets advice. Answers of 30 s to 2 min with a "
            "question between them give about 1 to 3 a minute.",
            minimum=0,
            maximum=60,
        ),
    )

    def analyze(
        self, conversation: Conversation, options: Mapping[str, Any], lang: str
    ) -> InteractivitySection:
        if not conversation.separated:
            return not_separated(conversation, lang, switches=0, per_minute=None)
        switches = conversation.floor_changes()
        minutes = conversation.duration / 60
        per_minute = round(len(switches) / minutes, 2) if minutes else 0.0
        times = [0.0] + [turn.start for _, turn, _ in switches] + [conversation.duration]
        longest_at, longest = max(
            ((a, b - a) for a, b in zip(times, times[1:])), key=lambda x: x[1], default=(0.0, 0.0)
        )
        result: InteractivitySection = {
            "switches": len(switches),
            "per_minute": per_minute,
            "longest_without_switch": {"start": round(longest_at, 2), "duration": round(longest, 2)},
            "summary": say(
                lang,
                f"{len(switches)} floor switches, {per_minute:.1f} a minute; longest stretch without one "
                f"{duration(longest)} from {clock(longest_at)}",
                f"{len(switches)} changements de parole, {per_minute:.1f} par minute ; plus longue période "
                f"sans : {duration(longest)} à partir de {clock(longest_at)}",
            ),
            "advice": [],
        }
        if minutes >= 2 and per_minute < options["low"]:
            result["advice"].append(
                say(
                    lang,
                    f"The floor changed hands only {per_minute:.1f} times a minute. Make it a conversation: "
                    "shorter answers that end on a question or a check-in.",
                    f"La parole n'a changé de mains que {per_minute:.1f} fois par minute. Faites-en une "
                    "conversation : des réponses plus courtes qui finissent par une question.",
                )
            )
        return result


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Interactivity())
