"""Questions: every question each person asked, open or closed, in French and English.

What counts as a question, and as an open one, is the grammar of
:mod:`rehearse.language.questions` (docs/metrics.md#questions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, figure_labels
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, ntr, separated, tr
from rehearse.language.questions import find

KINDS = {"open": N_("open"), "closed": N_("closed")}


class SpeakerQuestions(TypedDict):
    open: int
    closed: int
    by_third: list[int]  # questions in each third of the conversation


class QuestionsSection(Section):
    items: list[dict[str, Any]]
    by_speaker: dict[str, SpeakerQuestions]


def _asked(section: QuestionsSection, you: str) -> float | None:
    mine = section["by_speaker"].get(you)
    return mine["open"] + mine["closed"] if mine else None


def _open(section: QuestionsSection, you: str) -> float | None:
    mine = section["by_speaker"].get(you)
    return mine["open"] if mine else None


def _open_share(section: QuestionsSection, you: str) -> float | None:
    mine = section["by_speaker"].get(you)
    if not mine or not mine["open"] + mine["closed"]:
        return None
    return round(mine["open"] / (mine["open"] + mine["closed"]), 3)


def _spread(section: QuestionsSection, you: str) -> float | None:
    mine = section["by_speaker"].get(you)
    if not mine or not sum(mine["by_third"]):
        return None
    return round((mine["by_third"][1] + mine["by_third"][2]) / sum(mine["by_third"]), 3)


class Questions(Analyzer):
    name = "questions"
    title = N_("Questions")
    figures = (
        Figure(
            "questions",
            N_("Questions you asked"),
            "count",
            _asked,
            N_("Ask more questions: prepare five before the call."),
            N_("Fewer, deeper questions: follow up on the answers instead of moving on."),
        ),
        Figure(
            "open_questions",
            N_("Open questions you asked"),
            "count",
            _open,
            N_("Ask open questions: “How do you…?”, “Why did you choose…?”"),
        ),
        Figure(
            "open_share",
            N_("Share of open questions"),
            "share",
            _open_share,
            N_("Turn closed questions into open ones: “How…”, “Why…”, “Tell me about…”."),
            governs=True,
        ),
        Figure(
            "questions_spread",
            N_("Questions after the first third"),
            "share",
            _spread,
            N_("Spread your questions through the call instead of front-loading them."),
        ),
    )
    options = (
        Option(
            "min_open_share",
            0.5,
            "Advise asking more open questions when fewer than this share of a speaker's questions are open.",
            minimum=0,
            maximum=1,
        ),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> QuestionsSection:
        items = [q.to_dict() for q in find(conversation)]
        labels = {s.id: s.label for s in conversation.speakers}
        by_speaker: dict[str, SpeakerQuestions] = {
            s: {
                "open": sum(1 for q in items if q["speaker"] == s and q["kind"] == "open"),
                "closed": sum(1 for q in items if q["speaker"] == s and q["kind"] == "closed"),
                # Gong: the best discovery calls spread questions through the call.
                "by_third": _thirds([q["start"] for q in items if q["speaker"] == s], conversation.duration),
            }
            for s in labels
        }
        named = figure_labels(conversation)
        advice = []
        coached = roles.coached(conversation)
        for s, n in by_speaker.items():
            asked = n["open"] + n["closed"]
            if s in coached and asked >= 2 and n["open"] / asked < options["min_open_share"]:
                advice.append(
                    ntr(
                        lang,
                        "{who}: {count} of {asked} questions was closed. Turn it into an open "
                        'one: "How do you…?", "Why did you choose…?", "Tell me about…".',
                        "{who}: {count} of {asked} questions were closed. Turn them into open "
                        'ones: "How do you…?", "Why did you choose…?", "Tell me about…".',
                        n["closed"],
                        who=named[s],
                        asked=asked,
                    )
                )
        summary = separated(
            lang,
            [
                tr(
                    lang,
                    "{who} asked {questions} ({open}, {closed})",
                    who=named[s],
                    questions=ntr(lang, "{count} question", "{count} questions", n["open"] + n["closed"]),
                    open=ntr(lang, "{count} open", "{count} open", n["open"]),
                    closed=ntr(lang, "{count} closed", "{count} closed", n["closed"]),
                )
                for s, n in by_speaker.items()
            ],
        )
        kinds = {kind: tr(lang, message) for kind, message in KINDS.items()}
        return {
            "items": items,
            "by_speaker": by_speaker,
            "summary": summary,
            "moments": [
                {
                    "time": q["start"],
                    "speaker": q["speaker"],
                    "label": kinds[q["kind"]],
                    "text": q["text"],
                    "uncertain": q["uncertain"],
                }
                for q in items
            ],
            "advice": advice,
        }


def _thirds(times: list[float], duration: float) -> list[int]:
    counts = [0, 0, 0]
    for time in times:
        counts[min(int(3 * time / duration), 2) if duration > 0 else 0] += 1
    return counts


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Questions())
