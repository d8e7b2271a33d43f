"""The grammar of questions in French and English: is a sentence a question, open or closed?

Whisper both drops and invents question marks, so punctuation is one clue among
syntax ones (docs/metrics.md#questions):

- *open* questions invite an explanation: how / why / what…, "tell me about",
  comment / pourquoi / qu'est-ce que / en quoi, "parlez-moi de";
- *closed* ones call for yes/no, a choice or a single fact: auxiliary first,
  "est-ce que", subject-verb inversion, or-questions, tags, when / where / who /
  how many, and statements said as questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

from rehearse.conversation import UNCERTAIN_BELOW, Conversation, Word, join_words
from rehearse.language.lexicon import normalise, tokens


@dataclass(frozen=True)
class Question:
    kind: str  # "open" | "closed"
    form: str  # "wh" | "prompt" | "yes-no" | "choice" | "tag" | "declarative"


# --- English -----------------------------------------------------------------
EN_AUX = frozenset(
    [
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "am",
        "can",
        "could",
        "would",
        "will",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "can't",
        "couldn't",
        "wouldn't",
        "won't",
        "shouldn't",
        "haven't",
        "hasn't",
        "hadn't",
    ]
)
EN_SUBJECTS = frozenset(
    [
        "you",
        "i",
        "we",
        "they",
        "he",
        "she",
        "it",
        "there",
        "that",
        "this",
        "these",
        "those",
        "your",
        "the",
        "a",
        "an",
        "any",
        "anyone",
        "someone",
    ]
)
EN_OPEN_WH = frozenset(["how", "why", "what"])
EN_CLOSED_WH = frozenset(["when", "where", "who", "whom", "whose", "which"])
EN_FACTUAL_HOW = frozenset(["many", "much", "long", "old", "often", "far", "soon"])
EN_FACTUAL_WHAT = frozenset(["time", "year", "date", "day", "age"])
EN_PROMPTS = re.compile(
    r"\b(tell(ing)? me (about|more)|walk(ing)? me through|talk(ing)? me through|describe|describing|"
    r"explain|explaining|help me understand|"
    r"give me an example|share (an|a|some) example|what do you think|how do you feel)\b"
)
EN_TAGS = re.compile(r",\s*(right|isn't it|aren't you|don't you|didn't you|isn't that|correct|ok|okay)\s*\?$")

# --- French ------------------------------------------------------------------
FR_INVERSION = re.compile(r"\b[\w']+-(t-)?(vous|tu|il|elle|ils|elles|on|je)\b")
FR_OPEN_STARTS = (
    "comment",
    "pourquoi",
    "qu'est-ce",
    "que pensez",
    "que penses",
    "en quoi",
    "dans quelle mesure",
    "à quel point",
    "de quelle manière",
    "de quelle façon",
)
FR_CLOSED_WH = (
    "quand",
    "où",
    "combien",
    "qui",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "lequel",
    "laquelle",
    "à quelle heure",
)
FR_PROMPTS = re.compile(
    r"^(parlez|parle|racontez|raconte|dites|dis|expliquez|explique|décrivez|décris|"
    r"présentez|présente)(-(moi|nous|vous))?\b"
)
FR_TAGS = re.compile(r"(n'est-ce pas|hein|non|d'accord|c'est ça)\s*\?$")


def classify(sentence: str, language: str | None) -> Question | None:
    """Return the question a sentence asks, or ``None`` for a statement.

    ``language`` picks the rules ("en", "fr"); any other value tries both.
    """
    text = normalise(sentence)
    if not tokens(text):
        return None
    marked = text.rstrip().endswith("?")
    for rule in _RULES.get(language or "", (_french, _english)):
        found = rule(text, marked)
        if found:
            return found
    return Question("closed", "declarative") if marked else None


def _english(text: str, marked: bool) -> Question | None:
    words = tokens(text)
    first, second = words[0], words[1] if len(words) > 1 else ""
    if (
        marked
        or first in EN_AUX
        or first
        in {"tell", "walk", "talk", "describe", "explain", "help", "give", "share", "what", "how", "so"}
    ) and EN_PROMPTS.search(text):  # the pattern last: searching is the costly part
        return Question("open", "prompt")
    if marked and EN_TAGS.search(text):
        return Question("closed", "tag")
    if first in EN_OPEN_WH or first in EN_CLOSED_WH:
        if not (
            marked
            or second in EN_AUX
            or second in {"'s", "s"}
            or (first == "how" and second in EN_FACTUAL_HOW)
        ):
            return None  # "What I mean is…", "When I joined…"
        factual = (
            first in EN_CLOSED_WH
            or (first == "how" and second in EN_FACTUAL_HOW)
            or (first == "what" and second in EN_FACTUAL_WHAT)
        )
        return Question("closed" if factual else "open", "wh")
    if first in EN_AUX and second in EN_SUBJECTS:
        return Question("closed", "choice" if " or " in text else "yes-no")
    return None


def _french(text: str, marked: bool) -> Question | None:
    words = tokens(text)
    head = " ".join(words[:6])
    if FR_PROMPTS.search(text):
        return Question("open", "prompt")
    if marked and FR_TAGS.search(text):
        return Question("closed", "tag")
    if text.startswith(("qu'est-ce", "qu’est-ce")):
        return Question("open", "wh")
    if text.startswith(("est-ce que", "est-ce qu'")):
        return Question("closed", "choice" if " ou " in text else "yes-no")
    asks = marked or "est-ce" in head or bool(FR_INVERSION.search(head))
    if text.startswith(FR_OPEN_STARTS):
        return Question("open", "wh") if asks else None  # "Comment dire…" ; "Comme…" never matches
    if text.startswith(FR_CLOSED_WH) and (words[0] in FR_CLOSED_WH or text.startswith("à quelle")):
        return Question("closed", "wh") if asks else None  # "Quand je suis arrivé, …"
    if FR_INVERSION.search(" ".join(words[:4])):
        return Question("closed", "choice" if " ou " in text else "yes-no")
    return None


_RULES = {"en": (_english,), "fr": (_french,)}


def sentences(words: tuple[Word, ...] | list[Word]) -> list[list[Word]]:
    """Split timed words into sentences at final punctuation."""
    found: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        current.append(word)
        if word.text.rstrip().endswith(("?", ".", "!", "…")):
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


@dataclass(frozen=True)
class Asked:
    """A question someone asked in the conversation."""

    speaker: str
    start: float
    end: float
    text: str
    kind: str  # "open" | "closed"
    form: str
    uncertain: bool  # who asked it rests on an uncertain attribution

    def to_dict(self) -> dict[str, Any]:
        # Shallow: dataclasses.asdict deep-copies each value, a cost that shows on long talks.
        return {name: getattr(self, name) for name in _ASKED_FIELDS}


_ASKED_FIELDS = [f.name for f in fields(Asked)]  # dataclasses.fields() is slow to ask each time


def find(conversation: Conversation) -> list[Asked]:
    """Every question asked in the conversation, in time order, with who asked it and its kind.

    Found once per conversation and shared: the questions, follow-ups and "questions you were
    asked" analyzers, and the guess of who the user is, all build on this list.
    """
    return conversation.derived(_find)


def _find(conversation: Conversation) -> list[Asked]:
    items: list[Asked] = []
    for utterance in conversation.utterances:
        if utterance.backchannel:
            continue
        said = sentences(utterance.words)
        for sentence in said:
            # One sentence is the whole utterance, whose text is worked out once for every reader.
            text = utterance.text if len(said) == 1 else join_words(sentence)
            question = classify(text, conversation.language)
            if question:
                items.append(
                    Asked(
                        speaker=utterance.speaker,
                        start=sentence[0].start,
                        end=sentence[-1].end,
                        text=text,
                        kind=question.kind,
                        form=question.form,
                        uncertain=utterance.confidence < UNCERTAIN_BELOW,
                    )
                )
    items.sort(key=attrgetter("start"))
    return items
