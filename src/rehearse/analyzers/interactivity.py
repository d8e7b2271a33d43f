"""Interactivity: how often the floor changes hands, per minute, and the longest stretch without.

Backchannels ("mm-hmm") do not change the floor (rehearse.diarization.turns builds turns so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, not_separated
from rehearse.conversation import Conversation
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, clock, duration, ntr, tenths, tr


class InteractivitySection(Section, total=False):
    switches: int
    per_minute: float | None
    longest_without_switch: dict[str, float]


def _per_minute(section: InteractivitySection, you: str) -> float | None:
    return section.get("per_minute")


class Interactivity(Analyzer):
    name = "interactivity"
    title = N_("Interactivity")
    figures = (
        Figure(
            "switches_per_minute",
            N_("Floor switches a minute"),
            "per_minute",
            _per_minute,
            N_("Make it a conversation: shorter turns that end on a question."),
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
            "summary": ntr(
                lang,
                "{count} floor switch, {rate} a minute; longest stretch without one {length} from {time}",
                "{count} floor switches, {rate} a minute; longest stretch without one {length} from {time}",
                len(switches),
                rate=tenths(per_minute, lang),
                length=duration(longest),
                time=clock(longest_at),
            ),
            "advice": [],
        }
        if minutes >= 2 and per_minute < options["low"]:
            result["advice"].append(
                tr(
                    lang,
                    "The floor changed hands only {rate} times a minute. Make it a conversation: "
                    "shorter answers that end on a question or a check-in.",
                    rate=tenths(per_minute, lang),
                )
            )
        return result


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Interactivity())
