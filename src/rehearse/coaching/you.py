"""Which speaker the coaching is for: the user, known or guessed from the situation.

The voice print, ``--me`` or the user's answer say it for sure (``conversation.me``).
Without them, a practice situation often says it: in a job interview the candidate
is the one asked the questions; in an informational, reverse or discovery interview
the user is the one asking. That guess is labelled as one wherever it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.coaching.situations import USER_ASKS
from rehearse.conversation import Attribution, Conversation, Speaker
from rehearse.i18n import say
from rehearse.language import questions


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
        asked[question.speaker] = asked.get(question.speaker, 0) + 1
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


def label_speakers(source: Attribution, ids: list[str], lang: str, me: str | None = None) -> list[Speaker]:
    """The speakers as the report names them: you and the interviewer once the user is known,
    else Speaker 1, 2…; on two channels, which side each one is on."""
    if source is Attribution.SINGLE:
        if me:
            return [Speaker("S1", say(lang, "You", "Vous"), role="me", channel=0)]
        return [Speaker("S1", say(lang, "Everyone (one channel)", "Tout le monde (une piste)"), channel=0)]
    sides = say(lang, "left right", "gauche droite").split()
    speakers = []
    for i, s in enumerate(ids):
        where = f" ({sides[i]})" if source is Attribution.CHANNELS else ""
        channel = i if source is Attribution.CHANNELS else None
        if s == me:
            speakers.append(Speaker(s, say(lang, "You", "Vous") + where, "me", channel))
        elif me and len(ids) == 2:
            label = say(lang, "The interviewer", "L'intervieweur") + where
            speakers.append(Speaker(s, label, "interviewer", channel))
        else:
            label = say(lang, f"Speaker {i + 1}", f"Personne {i + 1}") + where
            speakers.append(Speaker(s, label, None, channel))
    return speakers


def focus_note(conversation: Conversation, focus: Focus, lang: str) -> str | None:
    """What the report says about who it coaches, when that is unknown or only guessed."""
    if focus.speaker is None:
        return say(
            lang,
            "Targets are not judged: rehearse does not know which speaker is you "
            "(--me S1, a voice print with 'rehearse voice enroll', or --profile to tell from the questions).",
            "Objectifs non évalués : rehearse ne sait pas quel interlocuteur vous êtes "
            "(--me S1, une empreinte vocale avec « rehearse voice enroll », ou --profile).",
        )
    if focus.source != "profile":
        return None
    label = conversation.speaker(focus.speaker).label
    asking = conversation.profile in USER_ASKS
    return say(
        lang,
        f"{label} is taken to be you, as the one {'asking' if asking else 'answering'} the questions; "
        "--me S1 or S2 says otherwise.",
        f"{label} est considéré comme vous : c’est la personne qui {'pose les' if asking else 'répond aux'} "
        "questions ; --me S1 ou S2 pour corriger.",
    )
