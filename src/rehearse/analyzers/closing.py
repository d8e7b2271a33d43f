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
from rehearse.i18n import N_, clock, separated, tr
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
    "thanks": N_("Thank them for their time before you hang up."),
    "next_steps": N_("Ask about the next steps (“What happens next, and when can I expect to hear back?”)."),
    "feedback": N_(
        "Ask for feedback while you can still answer it (“Do you have any concerns about my fit?”)."
    ),
    "referral": N_("Ask who else you should talk to, and whether they would introduce you."),
}
# What each speaker did, as the participles the summary lists after its subject.
DONE = {
    "thanks": N_("thanked"),
    "next_steps": N_("asked about next steps"),
    "feedback": N_("asked for feedback"),
    "referral": N_("asked for introductions"),
}


class Closing(Analyzer):
    name = "closing"
    title = N_("Closing")
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
        shown = [focus] if focus else list(labels)
        result["summary"] = tr(
            lang,
            "From {time}: {closing}",
            time=clock(since),
            closing=separated(
                lang, [_did(s == focus, labels[s], by_speaker[s], expected, unsure[s], lang) for s in shown]
            ),
        )
        if focus:
            missing = [c for c in expected if not by_speaker[focus][c]]
            result["missing"] = missing
            result["advice"] = [tr(lang, ADVICE[c]) for c in missing]
        return result


def _did(
    you: bool, label: str, checks: dict[str, bool], expected: tuple[str, ...], unsure: bool, lang: str
) -> str:
    """What one speaker did of what was expected; the user's in the second person, whose mark of
    an uncertain attribution follows the whole clause since their label is not in it."""
    done = ", ".join(tr(lang, DONE[c]) for c in expected if checks[c])
    if you:
        # TRANSLATORS: {done} lists past participles: "thanked, asked about next steps".
        return marked(tr(lang, "you {done}", done=done) if done else tr(lang, "you did none of it"), unsure)
    who = marked(label, unsure)
    # TRANSLATORS: {done} lists past participles: "thanked, asked about next steps".
    return tr(lang, "{who} {done}", who=who, done=done) if done else tr(lang, "{who} did none of it", who=who)


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Closing())
