"""Helpers for testing analyzers without audio or a model — for plugin authors and rehearse itself.

    from rehearse.testing import conversation, run

    def test_counts_an_open_question():
        chat = conversation("A: Bonjour. | B: Pourquoi ce poste ? | A: Parce que j'aime les données.", language="fr")
        section = run("questions", chat)
        assert section["by_speaker"]["B"]["open"] == 1

A script is a list of turns separated by ``|`` or new lines, each ``SPEAKER: text``.
Timings are made up from the length of each turn (2.5 words per second, 0.5 s between
turns) unless given: ``A 12-15.5: text`` puts the turn from 12 s to 15.5 s, which is how
to write an overlap (an interruption) or a long monologue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rehearse.analyzers.base import Analyzer
from rehearse.conversation import Conversation
from rehearse.errors import OptionError
from rehearse.report import from_dict

WORDS_PER_SECOND = 2.5
GAP = 0.5
_TURN = re.compile(
    r"^\s*(?P<speaker>[^\s:]+)(?:\s+(?P<start>[\d.]+)\s*-\s*(?P<end>[\d.]+))?\s*:\s*(?P<text>.*)$", re.S
)


def from_turns(
    *turns: tuple[str, float, float, str], attribution: str = "channels", language: str = "en"
) -> Conversation:
    """A conversation from (speaker, start, end, text) turns; words are spread evenly over each turn.

    ``attribution`` says how who-spoke-when is known: "channels" (exact, one mic each),
    "voices" (one mic, told apart by voice) or "transcript".
    """
    speakers = list(dict.fromkeys(t[0] for t in turns))
    return from_dict(
        {
            "speakers": speakers,
            "turns": [{"speaker": s, "start": a, "end": b, "text": t} for s, a, b, t in turns],
            "attribution": attribution,
            "language": language,
        }
    )


def conversation(script: str, *, attribution: str = "channels", language: str = "en") -> Conversation:
    """A conversation from a script such as ``"A: Hello. | B 3-9: Why this job?"``."""
    turns: list[tuple[str, float, float, str]] = []
    cursor = 0.0
    for number, part in enumerate(filter(str.strip, re.split(r"\s*[|\n]\s*", script)), 1):
        match = _TURN.match(part)
        if not match:
            raise ValueError(f"turn {number} ({part!r}): expected 'SPEAKER: text' or 'SPEAKER 1.5-4: text'")
        text = match["text"].strip()
        if match["start"] is not None:
            start, end = float(match["start"]), float(match["end"])
        else:
            start = cursor + (GAP if turns else 0.0)
            end = start + max(1.0, len(text.split()) / WORDS_PER_SECOND)
        turns.append((match["speaker"], start, end, text))
        cursor = max(cursor, end)
    if not turns:
        raise ValueError("the script holds no turns")
    return from_turns(*turns, attribution=attribution, language=language)


def run(
    analyzer: Analyzer | str, conversation: Conversation, lang: str | None = None, **options: Any
) -> dict:
    """Run one analyzer (an instance, or the name of an installed one) and return its section.

    Unlike ``rehearse analyze``, errors are not caught: a failing test shows the traceback.
    Options not given take their defaults; unknown ones raise.
    """
    if isinstance(analyzer, str):
        from rehearse import plugins

        found = plugins.analyzers()
        if analyzer not in found:
            raise OptionError(
                "no analyzer named {name}; installed: {installed}", name=repr(analyzer), installed=", ".join(found)
            )
        analyzer = found[analyzer]
    known = analyzer.defaults()
    unknown = set(options) - set(known)
    if unknown:
        raise OptionError(
            "{analyzer} has no option(s) {unknown}; it has {known}",
            analyzer=analyzer.name,
            unknown=", ".join(sorted(unknown)),
            known=", ".join(known) or "none",
        )
    settings: Mapping[str, Any] = {**known, **options}
    language = lang or (conversation.language if conversation.language in ("en", "fr") else "en")
    result = analyzer.analyze(conversation, settings, language)
    if not isinstance(result, dict):
        raise TypeError(f"{analyzer.name} returned {type(result).__name__}, not a dict")
    return result
