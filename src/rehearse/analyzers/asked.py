"""The questions you were asked: how each answer went, and which ones probably threw you.

For every question the other side asked: the pause before the answer, its length,
fillers and pace. A question is flagged when the answer started late, was full of
fillers, opened with a hesitation ("euh…"), or was very short (to an open question) or very
long — the ones to practise after a difficult interview.

Only questions put *to* you count, never your own: the answers read are yours when rehearse
knows or guesses who you are, else those of the one plainly being asked (``you.answering``),
so a candidate's questions to the interviewer are not listed as questions that threw them.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from statistics import median
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, not_separated
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, Turn, own_text
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, duration, ntr, tenths, tr
from rehearse.language import lexicon
from rehearse.language.questions import Asked as Question
from rehearse.language.questions import find as find_questions

FLAGS = {
    "slow_start": N_("a long pause before answering"),
    "fillers": N_("many fillers"),
    "hesitant_start": N_("an answer that opens with a hesitation"),
    "short": N_("a very short answer to an open question"),
    "long": N_("a very long answer"),
}


class AnswerItem(TypedDict):
    time: float
    asked_by: str
    speaker: str
    question: str
    kind: str
    latency: float
    answer_duration: float
    answer_words: int
    fillers: int
    filler_share: float
    wpm: float | None
    answer_start: str
    flags: list[str]


class AskedSection(Section, total=False):
    items: list[AnswerItem]
    flagged: int


def _median_answer(section: AskedSection, you: str) -> float | None:
    answers = [i["answer_duration"] for i in section["items"] if i["speaker"] == you]
    return round(median(answers), 2) if answers else None


def _threw_you(section: AskedSection, you: str) -> float | None:
    return sum(1 for i in section["items"] if i["speaker"] == you and i["flags"])


class Asked(Analyzer):
    name = "asked"
    title = N_("Questions you were asked")
    drill = True
    figures = (
        Figure(
            "median_answer",
            N_("Your typical answer"),
            "seconds",
            _median_answer,
            N_("Your answers are short: give the situation, what you did and the result."),
            N_("Your answers run long: lead with the result, then one example."),
        ),
        Figure("threw_you", N_("Questions that threw you"), "count", _threw_you),
    )
    options = (
        Option(
            "max_latency",
            3.0,
            "An answer starting more than this many seconds after the question is flagged.",
            minimum=0,
            maximum=600,
        ),
        Option(
            "max_filler_share",
            0.06,
            "An answer with more fillers than this share of its words is flagged.",
            minimum=0,
            maximum=1,
        ),
        Option(
            "short_answer",
            5.0,
            "An answer to an open question shorter than this (seconds) is flagged.",
            minimum=0,
            maximum=3600,
        ),
        Option(
            "long_answer",
            120.0,
            "An answer longer than this (seconds) is flagged (most should run 30 s–2 min).",
            minimum=1,
            maximum=3600,
        ),
        Option(
            "practise", 3, "How many flagged questions the advice lists to practise.", minimum=0, maximum=50
        ),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> AskedSection:
        if not conversation.separated:
            return not_separated(conversation, lang, items=[])
        labels = {s.id: s.label for s in conversation.speakers}
        you = roles.you(conversation).speaker
        answering = roles.answering(conversation)
        items: list[AnswerItem] = []
        for question, answer in _answers(find_questions(conversation), conversation.turns, answering):
            said = own_text(answer)
            words = len(said.split())
            fillers = len(lexicon.fillers(said, conversation.language))
            item: AnswerItem = {
                "time": round(question.start, 2),
                "asked_by": question.speaker,
                "speaker": answer.speaker,
                "question": question.text,
                "kind": question.kind,
                "latency": round(max(answer.start - question.end, 0.0), 2),
                "answer_duration": round(answer.duration, 2),
                "answer_words": words,
                "fillers": fillers,
                "filler_share": round(fillers / words, 3) if words else 0.0,
                "wpm": round(60 * words / answer.duration, 1) if answer.duration > 0 else None,
                "answer_start": " ".join(said.split()[:12]),
                "flags": [],
            }
            item["flags"] = [
                flag
                for flag, raised in (
                    ("slow_start", item["latency"] > options["max_latency"]),
                    ("fillers", item["filler_share"] > options["max_filler_share"]),
                    # "Euh…" before the first word: the question was not expected.
                    ("hesitant_start", bool(said.split()) and lexicon.is_hesitation(said.split()[0])),
                    ("short", question.kind == "open" and answer.duration < options["short_answer"]),
                    ("long", answer.duration > options["long_answer"]),
                )
                if raised
            ]
            items.append(item)
        flagged = [i for i in items if i["flags"]]
        result: AskedSection = {
            "items": items,
            "flagged": len(flagged),
            "moments": [
                {
                    "time": i["time"],
                    "speaker": i["speaker"],
                    "label": _flags(i, lang),
                    "text": i["question"],
                }
                for i in flagged
            ],
            "summary": ntr(lang, "{count} question answered", "{count} questions answered", len(items))
            + ", "
            + (
                ntr(lang, "{count} probably threw you", "{count} probably threw you", len(flagged))
                if you
                else ntr(
                    lang,
                    "{count} probably threw {who}",
                    "{count} probably threw {who}",
                    len(flagged),
                    who=_whom(items, labels, lang),
                )
            ),
            "advice": [],
        }
        if flagged:
            worst = sorted(flagged, key=lambda i: (-len(i["flags"]), -i["latency"]))[
                : int(options["practise"])
            ]
            listed = " ".join(f"“{i['question']}” ({_flags(i, lang)})" for i in worst)
            practise = (
                tr(lang, "Practise the questions that threw you: {questions}.", questions=listed)
                if you
                else tr(
                    lang,
                    "{who}: practise the questions that threw you: {questions}.",
                    who=_whom(items, labels, lang),
                    questions=listed,
                )
            )
            result["advice"].append(
                practise
                + " "
                + tr(
                    lang,
                    "Prepare a short story for each (situation, what you did, the result) and say it aloud twice.",
                )
            )
        if items:
            slowest = max(items, key=lambda i: i["latency"])
            result["summary"] = tr(
                lang,
                "{summary}; answers started after {median} s (median), longest pause {longest}",
                summary=result["summary"],
                median=tenths(median([i['latency'] for i in items]), lang),
                longest=duration(slowest["latency"]),
            )
        return result


def _answers(questions: list[Question], turns: list[Turn], coached: list[str]) -> list[tuple[Question, Turn]]:
    """Each answered question with its answer: the first turn of a ``coached`` speaker other than
    the asker that starts after it — unless the asker asks again before that turn, when the
    answer goes with the later question.

    The turns in start order know, from each position on, the first turn and the first turn
    of anyone else than its speaker, so each question costs a bisection: O((q + t) log t)
    where scanning the turns and later questions for each question was O(q·(q + t)).
    """
    ordered = sorted((t for t in turns if t.speaker in coached), key=lambda t: t.start)
    starts = [t.start for t in ordered]
    first: list[Turn | None] = [None] * (len(ordered) + 1)
    first_other: list[Turn | None] = [None] * (len(ordered) + 1)
    for p in range(len(ordered) - 1, -1, -1):
        after = first[p + 1]
        first[p] = ordered[p]
        first_other[p] = (
            after if after is not None and after.speaker != ordered[p].speaker else first_other[p + 1]
        )
    asks_again: list[float] = []
    next_time: dict[str, float] = {}
    for question in reversed(questions):
        asks_again.append(next_time.get(question.speaker, math.inf))
        next_time[question.speaker] = question.start
    answered = []
    for question, limit in zip(questions, reversed(asks_again)):
        p = bisect_right(starts, question.start)
        answer = first[p]
        if answer is not None and answer.speaker == question.speaker:
            answer = first_other[p]
        if answer is not None and answer.start < limit:  # else unanswered, or answered with the next one
            answered.append((question, answer))
    return answered


def _flags(item: AnswerItem, lang: str) -> str:
    return ", ".join(tr(lang, FLAGS[f]) for f in item["flags"])


def _whom(items: list[AnswerItem], labels: dict[str, str], lang: str) -> str:
    answerers = list(dict.fromkeys(i["speaker"] for i in items))
    if len(answerers) == 1:
        return labels[answerers[0]]
    return tr(lang, "the one answering")


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Asked())
