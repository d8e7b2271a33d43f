"""rehearse-star: do behavioural answers tell the whole story — situation, task, action, result?"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rehearse import Analyzer, Conversation, Option, Turn, clock, hookimpl, say

# A question asking for a past example, in English or French.
BEHAVIOURAL = re.compile(
    r"tell me about a time|give me an? (?:example|instance)|describe a (?:situation|time)|"
    r"walk me through a time|share an? (?:example|experience)|have you ever had to|"
    r"racontez[- ]moi|parlez[- ]moi d'une (?:fois|situation)|donnez[- ]moi un exemple|"
    r"décrivez[- ]moi une situation|décrivez une situation|avez-vous déjà dû|citez[- ]moi un exemple",
    re.IGNORECASE,
)
# Searching without regard to case, the engine tries each alternative at each character. An
# ASCII text (most are) lower-cased can be searched by the same pattern with regard to case, which
# skips ahead to the letters that may start a match. Same answer: the pattern is in lower case,
# and among ASCII characters a letter matches only itself, in either case.
_BEHAVIOURAL_LOWER = re.compile(BEHAVIOURAL.pattern)

PARTS: dict[str, re.Pattern[str]] = {
    "situation": re.compile(
        r"\b(?:at my (?:last|previous|old) (?:job|company|role)|in my (?:last|previous) (?:job|role|team)|"
        r"when i was|back (?:then|in)|at the time|last year|a few years ago|there was|we had a|"
        r"à l'époque|quand j'étais|dans mon (?:ancien|précédent) (?:poste|emploi)|l'année dernière|"
        r"il y a (?:quelques|deux|trois) ans|il y avait|nous avions)\b",
        re.IGNORECASE,
    ),
    "task": re.compile(
        r"\b(?:i had to|i needed to|my (?:role|job|task|goal) was|i was (?:responsible|in charge|asked)|"
        r"the (?:goal|challenge|objective) was|we needed to|je devais|il fallait|mon rôle (?:était|consistait)|"
        r"ma mission|j'étais (?:responsable|chargée?)|l'objectif était|on m'a demandé)\b",
        re.IGNORECASE,
    ),
    "action": re.compile(
        r"\b(?:i (?:decided|organi[sz]ed|built|wrote|proposed|talked|spoke|set up|created|led|started|"
        r"asked|met|changed|introduced|designed|called|convinced|suggested)|so i\b|"
        r"j'ai (?:décidé|organisé|mis en place|proposé|parlé|créé|lancé|demandé|rencontré|"
        r"conçu|changé|introduit|appelé|convaincu|suggéré|écrit)|alors j'ai|donc j'ai)",
        re.IGNORECASE,
    ),
    "result": re.compile(
        r"(?:\bas a result\b|\bin the end\b|\bthe outcome\b|\bwhich (?:led|meant|allowed)\b|\bwe (?:reduced|"
        r"increased|cut|saved|shipped|delivered|won|grew)\b|\bsaved\b|\d+\s?%|\bpercent\b|"
        r"\bau final\b|\bfinalement\b|\brésultat\b|\bce qui a permis\b|\bnous avons (?:réduit|augmenté|"
        r"gagné|livré)\b|\bpour cent\b)",
        re.IGNORECASE,
    ),
}

ADVICE = {
    "situation": (
        "set the scene in one sentence: where, when, who",
        "posez le décor en une phrase : où, quand, qui",
    ),
    "task": ("say what was expected of you", "dites ce qu'on attendait de vous"),
    "action": ("say what *you* did, with 'I', not 'we'", "dites ce que *vous* avez fait, avec « je »"),
    "result": (
        "end with the result, with a number if you can",
        "terminez par le résultat, chiffré si possible",
    ),
}


class StarAnalyzer(Analyzer):
    name = "star"
    title = {"en": "STAR answers", "fr": "Réponses STAR"}
    drill = True  # `rehearse drill` judges each answer's structure too
    options = (
        Option("min_answer_words", 25, "Answers shorter than this are not judged.", minimum=0, maximum=1000),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> dict:
        turns = conversation.turns
        labels = {s.id: s.label for s in conversation.speakers}
        items = []
        for index, turn in enumerate(turns):
            # A sentence asking for an example is part of the turn's text: most turns hold none,
            # and one search of the text tells, before splitting it.
            if not _asks_for_example(turn.text):
                continue
            question = next((q for q in _sentences(turn.text) if _asks_for_example(q)), None)
            if question is None:
                continue
            answer = _answer(turns, index)
            words = len(answer.split())
            if not answer or words < options["min_answer_words"]:
                continue
            parts = {part: bool(pattern.search(answer)) for part, pattern in PARTS.items()}
            items.append(
                {
                    "time": round(turn.start, 2),
                    "speaker": next(t.speaker for t in turns[index + 1 :] if t.speaker != turn.speaker),
                    "asked_by": turn.speaker,
                    "question": question,
                    "answer_words": words,
                    "parts": parts,
                    "missing": [part for part, present in parts.items() if not present],
                }
            )
        advice = []
        for item in items:
            if item["missing"]:
                en = "; ".join(ADVICE[p][0] for p in item["missing"])
                fr = "; ".join(ADVICE[p][1] for p in item["missing"])
                advice.append(
                    say(
                        lang,
                        f"{labels[item['speaker']]}, your answer at {clock(item['time'])} "
                        f"(“{_short(item['question'])}”): {en}.",
                        f"{labels[item['speaker']]}, votre réponse à {clock(item['time'])} "
                        f"(« {_short(item['question'])} ») : {fr}.",
                    )
                )
        complete = sum(1 for item in items if not item["missing"])
        if not items:
            summary = say(
                lang,
                "No behavioural question with a full answer.",
                "Aucune question comportementale avec une vraie réponse.",
            )
        else:
            summary = say(
                lang,
                f"{complete} of {len(items)} behavioural answer(s) cover situation, task, action and result",
                f"{complete} réponse(s) comportementale(s) sur {len(items)} couvrent situation, tâche, action et résultat",
            )
        moments = [
            {
                "time": item["time"],
                "speaker": item["speaker"],
                "label": say(lang, "missing: ", "manque : ") + ", ".join(item["missing"])
                if item["missing"]
                else "STAR",
                "text": item["question"],
            }
            for item in items
        ]
        return {"items": items, "summary": summary, "advice": advice, "moments": moments}


def _asks_for_example(text: str) -> bool:
    if text.isascii():
        return _BEHAVIOURAL_LOWER.search(text.lower()) is not None
    return BEHAVIOURAL.search(text) is not None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def _answer(turns: list[Turn], index: int) -> str:
    """What the other person said after the question, until the asker spoke again."""
    asker = turns[index].speaker
    said = []
    for turn in turns[index + 1 :]:
        if turn.speaker == asker:
            break
        said.append(turn.text)
    return " ".join(said)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(StarAnalyzer())
