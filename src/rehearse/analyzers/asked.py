"""The questions you were asked: how each answer went, and which ones probably threw you.

For every question the other side asked: the pause before the answer, its length,
fillers and pace. A question is flagged when the answer started late, was full of
fillers, or was very short (to an open question) or very long — the ones to practise
after a difficult interview.

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
from rehearse.i18n import duration, say
from rehearse.language import lexicon
from rehearse.language.questions import Asked as Question
from rehearse.language.questions import find as find_questions

FLAGS = {
    "slow_start": ("a long pause before answering", "un long silence avant de répondre"),
    "fillers": ("many fillers", "beaucoup de mots de remplissage"),
    "short": ("a very short answer to an open question", "une réponse très courte à une question ouverte"),
    "long": ("a very long answer", "une réponse très longue"),
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
    title = {"en": "Questions you were asked", "fr": "Les questions qu'on vous a posées"}
    figures = (
        Figure(
            "median_answer",
            ("Your typical answer", "Votre réponse type"),
            "seconds",
            _median_answer,
            (
                "Your answers are short: give the situation, what you did and the result.",
                "Réponses courtes : donnez la situation, ce que vous avez fait, le résultat.",
            ),
            (
                "Your answers run long: lead with the result, then one example.",
                "Réponses longues : commencez par le résultat, puis un seul exemple.",
            ),
        ),
        Figure("threw_you", ("Questions that threw you", "Questions déstabilisantes"), "count", _threw_you),
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
                    "label": ", ".join(say(lang, *FLAGS[f]) for f in i["flags"]),
                    "text": i["question"],
                }
                for i in flagged
            ],
            "summary": say(
                lang,
                f"{len(items)} question(s) answered, {len(flagged)} probably threw {_whom(items, labels, lang)}",
                f"{len(items)} question(s) avec réponse, {len(flagged)} ont sans doute déstabilisé "
                f"{_whom(items, labels, lang)}",
            ),
            "advice": [],
        }
        if flagged:
            worst = sorted(flagged, key=lambda i: (-len(i["flags"]), -i["latency"]))[
                : int(options["practise"])
            ]
            listed = " ".join(
                f"“{i['question']}” ({', '.join(say(lang, *FLAGS[f]) for f in i['flags'])})" for i in worst
            )
            if roles.you(conversation).speaker:
                threw = say(lang, "threw you", "vous ont déstabilisé")
            else:
                threw = say(lang, "threw ", "ont déstabilisé ") + _whom(items, labels, lang)
            result["advice"].append(
                say(
                    lang,
                    f"Practise the questions that {threw}: {listed}. Prepare a short story for each "
                    "(situation, what you did, the result) and say it aloud twice.",
                    f"Travaillez les questions qui {threw} : {listed}. Préparez une courte histoire "
                    "pour chacune (situation, ce que vous avez fait, le résultat) et dites-la deux fois à voix haute.",
                )
            )
        if items:
            slowest = max(items, key=lambda i: i["latency"])
            result["summary"] += say(
                lang,
                f"; answers started after {median([i['latency'] for i in items]):.1f} s "
                f"(median), longest pause {duration(slowest['latency'])}",
                f" ; réponses après {median([i['latency'] for i in items]):.1f} s (médiane), plus long silence "
                f"{duration(slowest['latency'])}",
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


def _whom(items: list[AnswerItem], labels: dict[str, str], lang: str) -> str:
    answerers = list(dict.fromkeys(i["speaker"] for i in items))
    if len(answerers) == 1:
        return labels[answerers[0]]
    return say(lang, "the one answering", "la personne qui répond")


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Asked())
