"""Which speaker the coaching is for: the user, known or guessed from the situation.

The voice print, ``--me`` or the user's answer say it for sure (``conversation.me``).
Without them, a practice situation often says it: in a job interview the candidate
is the one asked the questions; in an informational, reverse or discovery interview
the user is the one asking. That guess is labelled as one wherever it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.analyzers import questions
from rehearse.conversation import Conversation

# In these situations the user is the one who asks; in a job interview, the one who answers.
USER_ASKS = frozenset(["informational", "reverse", "client-discovery"])


@dataclass(frozen=True)
class Focus:
    speaker: str | None
    source: str | None  # "voiceprint" | "option" | "asked" | "profile", or None when unknown


def you(conversation: Conversation) -> Focus:
    """The speaker the report coaches, and how that was decided."""
    if conversation.me and conversation.me.get("speaker"):
        return Focus(conversation.me["speaker"], conversation.me.get("source"))
    if conversation.profile is None or len(conversation.speakers) != 2:
        return Focus(None, None)
    asked = {s.id: 0 for s in conversation.speakers}
    for question in questions.find(conversation):
        asked[question["speaker"]] = asked.get(question["speaker"], 0) + 1
    (first, n_first), (second, n_second) = asked.items()
    if n_first == n_second:
        return Focus(None, None)
    asker = first if n_first > n_second else second
    answerer = second if asker == first else first
    return Focus(asker if conversation.profile in USER_ASKS else answerer, "profile")


def coached(conversation: Conversation) -> list[str]:
    """The speakers whose advice matters: the user when known, else everyone."""
    focus = you(conversation).speaker
    return [focus] if focus else [s.id for s in conversation.speakers]
