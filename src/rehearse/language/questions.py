"""The grammar of questions: is a sentence a question, open or closed?

Whisper both drops and invents question marks, so punctuation is one clue among
syntax ones (docs/metrics.md#questions):

- *open* questions invite an explanation: how / why / what…, "tell me about",
  comment / pourquoi / qu'est-ce que / en quoi, "parlez-moi de", and which / quel + a
  noun that asks for an account ("Quelles décisions avez-vous prises ?");
- *closed* ones call for yes/no, a choice or a single fact: auxiliary first,
  "est-ce que", subject-verb inversion, or-questions, tags, when / where / who /
  how many, which / quel + a noun of one fact (heure, âge, name…), and statements said
  as questions;
- rhetorical tags and openers ("you know what I mean?", "You know what, …", "tu vois ?")
  ask nothing, and a discourse marker before the question ("But how…", "Et pourquoi…")
  does not hide it;
- a question word that is also a relative pronoun opens a relative clause, not a question, when
  a verb follows it with no subject inverted ("…, which I led", "Which is why we left.",
  "un manager, qui est très bien", "Lequel est au bout de la baie."): only "?" or a rising voice
  asks then. "Which" and "lequel" can open a sentence that refers back to the one before
  (the sentential relative clause of Quirk et al., *A Comprehensive Grammar of the English
  Language*, 1985; the French "relatif de liaison"); "who" and "qui" only after a comma.
  "Quel que soit…", "quoi qu'il en soit" are concessive and ask nothing.

A sentence is read whole even when its speaker paused in it: :func:`find` carries a sentence
that an utterance leaves without final punctuation into the speaker's next one, as long as
nobody else took the floor in between (a backchannel does not).

The words and patterns of each language live in ``grammar/<code>.toml``; the rules below
read them, so a file adds a language.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from itertools import accumulate
from operator import attrgetter
from typing import Any

from rehearse.conversation import UNCERTAIN_BELOW, Conversation, Utterance, Word, join_words
from rehearse.language import lexicon
from rehearse.language.lexicon import normalise, tokens

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Question:
    kind: str  # "open" | "closed"
    form: str  # "wh" | "prompt" | "yes-no" | "choice" | "tag" | "declarative"


def _starts(phrases: list[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``phrases`` at the start of a sentence, as whole words."""
    if not phrases:
        return None
    longest_first = sorted(phrases, key=len, reverse=True)
    return re.compile(
        "^(?:" + "|".join(re.escape(p) + (r"(?!\w)" if p[-1].isalnum() else "") for p in longest_first) + ")"
    )


@dataclass(frozen=True)
class Grammar:
    """One language's way of asking, read from its ``grammar/<code>.toml``."""

    not_asked: re.Pattern[str] | None
    openers: re.Pattern[str] | None
    trailing_tags: re.Pattern[str] | None
    discourse_markers: re.Pattern[str] | None
    tags: re.Pattern[str] | None
    prompts: re.Pattern[str] | None
    prompt_openers: frozenset[str]
    open_words: re.Pattern[str] | None
    fact_words: re.Pattern[str] | None
    choosers: re.Pattern[str] | None
    relatives: frozenset[str]
    linking_relatives: frozenset[str]
    concessive: re.Pattern[str] | None
    fact_nouns: frozenset[str]
    determiners: frozenset[str]
    copulas: frozenset[str]
    fact_after_how: frozenset[str]
    auxiliaries: frozenset[str]
    subjects: frozenset[str]
    pronouns: frozenset[str]
    inversion: re.Pattern[str] | None
    asking: re.Pattern[str] | None
    in_place: re.Pattern[str] | None
    yes_no_starts: re.Pattern[str] | None
    alternative: str

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Grammar:
        def pattern(key: str) -> re.Pattern[str] | None:
            return re.compile(data[key]) if data.get(key) else None

        markers = _starts(data.get("discourse_markers", []))
        return cls(
            not_asked=pattern("not_asked"),
            openers=pattern("openers"),
            trailing_tags=pattern("trailing_tags"),
            # "Mais, alors, pourquoi…": markers are taken off one after another, commas with them.
            discourse_markers=re.compile(markers.pattern + r"[,.]?\s+") if markers else None,
            tags=pattern("tags"),
            prompts=pattern("prompts"),
            prompt_openers=frozenset(data.get("prompt_openers", [])),
            open_words=_starts(data.get("open_words", [])),
            fact_words=_starts(data.get("fact_words", [])),
            choosers=_starts(data.get("choosers", [])),
            relatives=frozenset(data.get("relatives", [])),
            linking_relatives=frozenset(data.get("linking_relatives", [])),
            concessive=pattern("concessive"),
            fact_nouns=frozenset(data.get("fact_nouns", [])),
            determiners=frozenset(data.get("determiners", [])),
            copulas=frozenset(data.get("copulas", [])),
            fact_after_how=frozenset(data.get("fact_after_how", [])),
            auxiliaries=frozenset(data.get("auxiliaries", [])),
            subjects=frozenset(data.get("subjects", [])),
            # The subjects that stand alone ("you", not "the"): one after the verb is inverted.
            pronouns=frozenset(data.get("subjects", [])) - frozenset(data.get("determiners", [])),
            inversion=pattern("inversion"),
            asking=pattern("asking"),
            in_place=pattern("in_place"),
            yes_no_starts=_starts(data.get("yes_no_starts", [])),
            alternative=f" {data['alternative']} " if data.get("alternative") else "\0",
        )


@cache
def grammars() -> dict[str, Grammar]:
    """Every language with a grammar file, by its code."""
    folder = resources.files("rehearse.language") / "grammar"
    return {
        entry.name.removesuffix(".toml"): Grammar.parse(tomllib.loads(entry.read_text(encoding="utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    }


def classify(sentence: str, language: str | None, rising: bool = False) -> Question | None:
    """Return the question a sentence asks, or ``None`` for a statement.

    ``language`` picks the grammar ("en", "fr"); any other value tries every one.
    ``rising``: the voice rose at its end, which asks as a question mark does.
    """
    text = normalise(sentence)
    if not tokens(text):
        return None
    known = grammars()
    for grammar in (known[language],) if language in known else known.values():
        found = _last_clause(grammar, text, rising) or _read(grammar, text, rising, grammar.linking_relatives)
        if found:
            return found
    return None


_CLAUSE_BREAK = re.compile(r"[,;:]\s+")


def _last_clause(grammar: Grammar, text: str, rising: bool) -> Question | None:
    """The question asked after a leading clause: "Selon vous, quelles sont…", "When you work on
    several projects, how do you choose?", "Vous, comment voyez-vous…". A spoken question puts
    what it asks last, so a clause that asks by its own words says what the sentence asks; a
    question mark alone does not (it is the whole sentence's). After a comma a relative word
    may refer back to the noun before it ("I have a manager, who is great"), so every
    relative of the grammar is read as one there."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text)]
    for start in reversed(breaks[-4:]):  # the last clause that asks
        found = _read(grammar, text[start:], rising, grammar.relatives)
        if found and found.form != "declarative":
            return found
    return None


def _read(grammar: Grammar, text: str, rising: bool, relatives: frozenset[str]) -> Question | None:
    """The question ``text`` asks, if any; ``relatives``: the question words that may open a
    relative clause where ``text`` starts (see :func:`_relative_clause`)."""
    if grammar.not_asked and grammar.not_asked.search(text):
        return None
    marked = rising
    if grammar.openers and (opened := grammar.openers.sub("", text, count=1)) != text:
        # "You know what, Ann?": the question mark went to the opener; what follows asks
        # only by its own syntax.
        text, marked = opened.rstrip(" ?"), False
    if grammar.trailing_tags:
        text = grammar.trailing_tags.sub("", text, count=1)
    marked = marked or text.rstrip().endswith("?")
    if grammar.discourse_markers:
        while (stripped := grammar.discourse_markers.sub("", text, count=1)) != text:
            text = stripped
    words = tokens(text)
    if not words:
        return None
    first = words[0]
    if (
        grammar.prompts
        and (
            not grammar.prompt_openers
            or marked
            or first in grammar.prompt_openers
            or first in grammar.auxiliaries
        )
        and grammar.prompts.search(text)  # the pattern last: searching is the costly part
    ):
        return Question("open", "prompt")
    if grammar.tags and marked and grammar.tags.search(text):
        return Question("closed", "tag")
    head = " ".join(words[:6])
    asked_by_syntax = any(p is not None and p.search(head) for p in (grammar.asking, grammar.inversion))
    if grammar.yes_no_starts and grammar.yes_no_starts.match(text):
        return Question("closed", _yes_no(grammar, text))
    # "Quel que soit le poste, …", "Quoi qu'il en soit, …": a question word with "que" after it
    # opens a concessive clause and asks nothing (Grevisse, Le Bon Usage, "quel que"); what
    # follows is read as if the sentence opened without a question word.
    conceding = grammar.concessive is not None and grammar.concessive.match(text) is not None
    for pattern, opens in ((grammar.choosers, True), (grammar.open_words, True), (grammar.fact_words, False)):
        start = pattern.match(text) if pattern and not conceding else None
        if start:
            rest = tokens(text[start.end() :])
            return _wh(
                grammar,
                rest,
                opens,
                pattern is grammar.choosers,
                marked or asked_by_syntax,
                start.group() in relatives and _relative_clause(grammar, rest),
            )
    if first in grammar.auxiliaries and len(words) > 1 and words[1] in grammar.subjects:
        return Question("closed", _yes_no(grammar, text))
    if grammar.inversion and grammar.inversion.search(" ".join(words[:4])):
        return Question("closed", _yes_no(grammar, text))
    if marked and grammar.in_place and grammar.in_place.search(text):
        return Question("open", "wh")
    return Question("closed", "declarative") if marked else None


def _yes_no(grammar: Grammar, text: str) -> str:
    return "choice" if grammar.alternative in text else "yes-no"


def _relative_clause(grammar: Grammar, rest: tuple[str, ...]) -> bool:
    """Whether a relative word followed by ``rest`` reads as a relative clause: a verb straight
    after it, or a subject and then the verb ("which is sort of at the end of the bay", "which I
    led", "qui est très bien"). A question puts a noun first ("Which team did you lead?") or
    inverts its subject after the auxiliary ("Which did you choose?"); French inverts with a
    hyphen, which ``inversion`` reads. Said with neither, only a question mark or a rising
    voice makes it a question ("Which is better?")."""
    following = rest[0] if rest else ""
    if following in grammar.pronouns:
        return True
    return following in grammar.auxiliaries and not (len(rest) > 1 and rest[1] in grammar.pronouns)


def _wh(
    grammar: Grammar, rest: tuple[str, ...], opens: bool, chooser: bool, asked: bool, relative: bool = False
) -> Question | None:
    """A question opened by a question word, followed by the words ``rest``; ``relative``: the
    word reads as a relative pronoun, so only ``asked`` (a mark, or inversion) makes a question."""
    following = rest[0] if rest else ""
    if chooser:
        # The noun comes first, or after "is" and a determiner: "What is your name", but not
        # after "does": "What does your day look like" asks about the day.
        skipped = 1 if following in grammar.copulas else 0
        while skipped < len(rest) and rest[skipped] in grammar.determiners:
            skipped += 1
        # An adjective may come first: "What was your last salary?"
        nouns = {re.sub(r"^[ld]'", "", word) for word in rest[skipped : skipped + 2]}
        # "Which obstacles did you face", "Quel est votre rôle": the verb comes after the noun.
        asked = asked or (
            not relative
            and (following in grammar.auxiliaries or (len(rest) > 1 and rest[1] in grammar.auxiliaries))
        )
        opens = not nouns & grammar.fact_nouns
    else:
        asked = asked or (not relative and following in grammar.auxiliaries)
        if following in grammar.fact_after_how:
            asked, opens = True, False
    if not asked:
        return None  # "What I mean is…", "Quand je suis arrivé, …"
    return Question("open" if opens else "closed", "wh")


_ENDS_SENTENCE = ("?", ".", "!", "…")


def sentences(words: tuple[Word, ...] | list[Word]) -> list[list[Word]]:
    """Split timed words into sentences at final punctuation."""
    found: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        current.append(word)
        if word.text.rstrip().endswith(_ENDS_SENTENCE):
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


ANSWER_WITHIN = 2.0  # seconds: a reply starting later answers nothing in particular
REPLY_OVERLAP = 1.0  # seconds a reply may start before the question ends


def _answered(utterances: list[Utterance] | tuple[Utterance, ...]) -> set[int]:
    """The utterances that someone else's utterance follows within :data:`ANSWER_WITHIN`
    seconds (or starts in their last :data:`REPLY_OVERLAP`), before their speaker speaks again."""
    floor = sorted(
        (u.start, u.end, u.speaker, index) for index, u in enumerate(utterances) if not u.backchannel
    )
    found = set()
    for position, (_, end, speaker, index) in enumerate(floor):
        # By index: islice would walk the list from its start for every utterance (quadratic).
        for following in range(position + 1, len(floor)):
            start, _, other, _ = floor[following]
            if start > end + ANSWER_WITHIN:
                break
            if other != speaker and start >= end - REPLY_OVERLAP:
                found.add(index)
                break
            if other == speaker and start >= end:
                break
    return found


def _talked_over(utterances: list[Utterance] | tuple[Utterance, ...]) -> set[int]:
    """The utterances said wholly while someone else kept talking (who started before and went
    on after): nobody took them up, so they asked nothing ("But what if?" over an answer)."""
    found: set[int] = set()
    for speaker in {u.speaker for u in utterances}:
        others = sorted((u.start, u.end) for u in utterances if u.speaker != speaker)
        starts = [start for start, _ in others]
        reach = list(accumulate((end for _, end in others), max))  # latest end among the first k
        for index, u in enumerate(utterances):
            if u.speaker == speaker:
                before = bisect_left(starts, u.start)
                if before and reach[before - 1] > u.end:
                    found.add(index)
    return found


def _runs(utterances: list[Utterance] | tuple[Utterance, ...], skipped: set[int]) -> list[list[int]]:
    """The utterances (indices) grouped into runs of one speaker's, said with nobody else taking
    the floor in between: a sentence said across a pause goes on in the next utterance of the
    run. The other's backchannels do not take the floor, nor do the utterances of ``skipped``
    (said wholly over someone who kept talking); they are left out."""
    runs: list[list[int]] = []
    for index in sorted(range(len(utterances)), key=lambda i: utterances[i].start):
        utterance = utterances[index]
        if utterance.backchannel or index in skipped:
            continue
        if runs and utterances[runs[-1][0]].speaker == utterance.speaker:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _sentences_over(
    utterances: list[Utterance] | tuple[Utterance, ...], run: list[int]
) -> Iterator[tuple[list[Word], list[int]]]:
    """The sentences of a run of utterances, each with the utterances (indices) it was said in:
    one that ends without final punctuation goes on in the next ("…feedback from the" /
    "specification?")."""
    current: list[Word] = []
    said_in: list[int] = []
    for index in run:
        for word in utterances[index].words:
            if not said_in or said_in[-1] != index:
                said_in.append(index)
            current.append(word)
            if word.text.rstrip().endswith(_ENDS_SENTENCE):
                yield current, said_in
                current, said_in = [], []
    if current:
        yield current, said_in


def _find(conversation: Conversation) -> list[Asked]:
    from rehearse.audio.pitch import RISING_SEMITONES  # numpy: not for `rehearse --help`

    items: list[Asked] = []
    utterances = conversation.utterances
    answered = _answered(utterances)
    talked_over = _talked_over(utterances)
    for run in _runs(utterances, talked_over):
        for sentence, said_in in _sentences_over(utterances, run):
            # The utterance it ends in is the one answered, and the one its rise was measured on.
            index = said_in[-1]
            utterance = utterances[index]
            # A sentence that is a whole utterance: its text is worked out once for every reader.
            whole = len(said_in) == 1 and len(sentence) == len(utterance.words)
            text = utterance.text if whole else join_words(sentence)
            # The voice rising at the end says "question" where Whisper wrote a full stop, when
            # the sentence ends the utterance, finished, and the other person answers: a voice
            # also rises on a sentence that goes on, and in laughter.
            last = sentence[-1]
            rising = (
                last.rise is not None
                and last.rise >= RISING_SEMITONES
                and last is utterance.words[-1]
                and index in answered
                and not lexicon.sounds_unfinished(last.text.rstrip(" ,") + ".")
                and not last.text.rstrip().endswith(("…", "...", "-", "—"))
            )
            question = classify(text, conversation.language, rising)
            if question:
                items.append(
                    Asked(
                        speaker=utterance.speaker,
                        start=sentence[0].start,
                        end=sentence[-1].end,
                        text=text,
                        kind=question.kind,
                        form=question.form,
                        uncertain=min(utterances[i].confidence for i in said_in) < UNCERTAIN_BELOW,
                    )
                )
    items.sort(key=attrgetter("start"))
    return items
