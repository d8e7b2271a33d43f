"""Closing: how the conversation ended — thanks, next steps, feedback, introductions.

What a good ending holds depends on the situation: a candidate asks about next steps
and any concerns (a chance to answer them while still in the room); after an
informational interview you ask who else to talk to; in discovery you agree on the
next step. Everyone thanks the other. Only the last part of the conversation counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rehearse.analyzers.base import Analyzer, Option, marked, uncertain
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation
from rehearse.hookspecs import hookimpl
from rehearse.i18n import clock, say
from rehearse.language import lexicon

CHECKS = {
    "thanks": re.compile(r"\bthank(?:s| you)\b|\bmerci\b"),
    "next_steps": re.compile(
        r"\bnext (?:steps?|stage|round)\b|\bwhat happens next\b|\bhear back\b|\bhiring process\b|\btimeline\b"
        r"|\bprochaines? étapes?\b|\bla suite\b|\bdes nouvelles\b|\bcalendrier\b"
    ),
    "feedback": re.compile(
        r"\bfeedback\b|\bany (?:concerns|reservations|hesitations|doubts)\b|\bhow did i do\b"
        r"|\bretours?\b|\bvos impressions\b|\bdes réserves\b|\bdes doutes\b|\bdes hésitations\b|\bun avis\b"
    ),
    "referral": re.compile(
        r"\bwho else\b|\banyone else\b|\bintroduce me\b|\bput me in touch\b"
        r"|\bqui d'autre\b|\bquelqu'un d'autre\b|\bme présenter à\b|\bmettre en (?:contact|relation)\b"
    ),
}
EXPECTED = {
    None: ("thanks", "next_steps"),
    "job-interview": ("thanks", "next_steps", "feedback"),
    "reverse": ("thanks", "next_steps", "feedback"),
    "informational": ("thanks", "referral"),
    "client-discovery": ("thanks", "next_steps"),
}
ADVICE = {
    "thanks": (
        "Thank them for their time before you hang up.",
        "Remerciez votre interlocuteur pour son temps avant de conclure.",
    ),
    "next_steps": (
        "Ask about the next steps (“What happens next, and when can I expect to hear back?”).",
        "Demandez la suite (« Quelles sont les prochaines étapes, et quand aurai-je des nouvelles ? »).",
    ),
    "feedback": (
        "Ask for feedback while you can still answer it (“Do you have any concerns about my fit?”).",
        "Demandez un retour tant que vous pouvez y répondre (« Avez-vous des réserves sur ma candidature ? »).",
    ),
    "referral": (
        "Ask who else you should talk to, and whether they would introduce you.",
        "Demandez à qui d'autre parler, et si la personne peut vous mettre en relation.",
    ),
}


class Closing(Analyzer):
    name = "closing"
    title = {"en": "Closing", "fr": "Conclusion"}
    options = (
        Option(
            "window",
            180.0,
            "The closing is at most this many seconds at the end of the conversation.",
            minimum=10,
            maximum=3600,
        ),
        Option("share", 0.25, "… and at most this share of it (at least 30 s).", minimum=0.01, maximum=1),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> dict:
        labels = {s.id: s.label for s in conversation.speakers}
        window = min(options["window"], max(30.0, options["share"] * conversation.duration))
        since = max(conversation.duration - window, 0.0)
        by_speaker = {}
        unsure = {}
        for speaker in labels:
            closing = [u for u in conversation.utterances if u.speaker == speaker and u.end > since]
            said = " ".join(lexicon.normalise(u.text) for u in closing)
            by_speaker[speaker] = {check: bool(pattern.search(said)) for check, pattern in CHECKS.items()}
            unsure[speaker] = uncertain(closing, since)
        expected = EXPECTED.get(conversation.profile, EXPECTED[None])
        focus = roles.you(conversation).speaker
        result: dict[str, Any] = {
            "since": round(since, 2),
            "expected": list(expected),
            "by_speaker": by_speaker,
            "uncertain_speakers": [s for s in labels if unsure[s]],  # their closing words may be another's
            "advice": [],
        }
        names = {
            "thanks": say(lang, "thanked", "a remercié"),
            "next_steps": say(lang, "asked about next steps", "a demandé la suite"),
            "feedback": say(lang, "asked for feedback", "a demandé un retour"),
            "referral": say(lang, "asked for introductions", "a demandé des contacts"),
        }
        shown = [focus] if focus else list(labels)
        result["summary"] = say(lang, f"From {clock(since)}: ", f"À partir de {clock(since)} : ") + "; ".join(
            f"{marked(labels[s], unsure[s])} "
            + (
                ", ".join(names[c] for c in expected if by_speaker[s][c])
                or say(lang, "none of it", "rien de cela")
            )
            for s in shown
        )
        if focus:
            missing = [c for c in expected if not by_speaker[focus][c]]
            result["missing"] = missing
            result["advice"] = [say(lang, *ADVICE[c]) for c in missing]
        return result


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Closing())
