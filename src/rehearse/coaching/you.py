"""Which speaker the coaching is for: the user, known, or guessed from the conversation and its situation.

The voice print, ``--me`` or the user's answer on a terminal say it for sure (``conversation.me``).
Without them, and with a practice situation (``--profile``), the conversation says it with more or
less certainty. Counting questions alone is not enough on real speech: Whisper punctuates
discourse openers as questions ("You know what, Ann?"), and a good candidate asks questions too,
at the end. So several cues are weighed, each a *contrast* between a speaker and the others in [-1, 1]:

========  ==============================================================  ======  =============
cue       measure (per speaker)                                           prior   where weighed
========  ==============================================================  ======  =============
asks      questions that hand the floor over (the turn ends on them),     1       every situation
          open ones 1, closed ones 0.6, and a question's weight falling
          from 1 at the start to 0.25 at the end: an interviewer asks
          early, a candidate's own questions come last
answers   seconds spent answering those questions (the turn after them)   10 s    every situation
talk      talk time (as the report shows it): the one asked talks more    0       every situation
opens     a welcome in the first minute ("thanks for coming", "tell me    0       job interview
          about yourself", "merci d'être venu", "présentez-vous")
offers    offering the floor ("do you have any questions for us?",        0       every situation
          "avez-vous des questions ?")
thanks    thanks for the other's time ("thank you for your time",         0       every situation
          "merci de m'avoir reçu")
========  ==============================================================  ======  =============

With ``a`` a speaker's measure and ``b`` the others' together, the contrast is ``(a - b) / (a + b +
prior)``: the prior keeps one short question or answer from counting as a landslide. Each
situation weighs the contrasts in log-odds that the speaker is you (``WEIGHTS``); with two
speakers the confidence is the logistic of that sum, ``1 / (1 + exp(-|z|))``, for the speaker it
favours, and with more (a panel, or a voice the diarizer split) a softmax over half the sums,
which is the same formula for two.

The weights: in a job interview you are the one asked. ``asks`` defines the roles, so it weighs
most (3: four questions to none, alone, is 92% sure); ``answers`` says nearly the same thing from
the other side, so it weighs less (2); the candidate talks 60–70% of the time (contrast 0.2–0.4,
worth 0.4–0.8); the interviewer opens and offers the floor for questions (1.5 each); whoever
thanks for the other's time is the guest (1: interviewers say it too). In an informational,
reverse or discovery interview you are the one asking: the question cues flip, and so does the
talk (weighing 1.5: listening most of the time is the aim there, not a rule); who opens
says nothing there (either may host), and it is the person who has been answering who offers
the floor, so that cue keeps its sign but weighs less (1).

From 85% (``SURE_FROM``, two strong cues agreeing) the guess is used as it is; below, it is
still used — rather than no coaching at all — but the report says it is unsure, why, and how to
correct it (``--me``), and the command asks on a terminal. Cues that cancel out exactly guess
nobody. Without a situation nothing is guessed: who the user is flips between a job interview
and the others, and only the thanks would be left to go by. Who is *being asked* does not flip,
though, so the "questions you were asked" section still reads the answers of the one clearly
being asked (``answering``), never the questions the user put to the other person.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from babel.lists import format_list

from rehearse.coaching.situations import DEFAULT, USER_ASKS
from rehearse.conversation import Attribution, Conversation, Speaker, Turn, talk_times
from rehearse.i18n import N_, percent, tr
from rehearse.language import lexicon, questions
from rehearse.language.questions import Asked

SURE_FROM = 0.85
# A question the asker goes on talking after for longer than this did not hand the floor over.
HANDOVER_SECONDS = 1.5
CLOSED_WEIGHT = 0.6
LATE_DISCOUNT = 0.75  # a question at the very end counts 1 - 0.75 of one at the start
OPENING_SECONDS = 60.0  # the opening is the first minute, or the first tenth of a long conversation
PRIORS = {"asks": 1.0, "answers": 10.0, "talk": 0.0, "opens": 0.0, "offers": 0.0, "thanks": 0.0}
WEIGHTS = {
    "job-interview": {
        "asks": -3.0,
        "answers": 2.0,
        "talk": 2.0,
        "opens": -1.5,
        "offers": -1.5,
        "thanks": 1.0,
    },
    "user asks": {"asks": 3.0, "answers": -2.0, "talk": -1.5, "offers": -1.0, "thanks": 1.0},
}
# Who is being asked, whatever the situation: the one answering, never the one asking.
BEING_ASKED = {"asks": -3.0, "answers": 2.0, "talk": 1.5}


@dataclass(frozen=True)
class Cue:
    """One cue weighed: each speaker's measure, the speaker it points to, and how far."""

    name: str
    values: dict[str, float]
    favours: str | None
    log_odds: float  # ≥ 0: what it adds to the odds that ``favours`` is the one sought

    def to_dict(self) -> dict[str, Any]:
        return {"cue": self.name, "values": self.values, "favours": self.favours, "log_odds": self.log_odds}


@dataclass(frozen=True)
class Focus:
    speaker: str | None
    source: str | None  # "voiceprint" | "option" | "asked" | "profile", or None when unknown
    # How likely ``speaker`` is you: 1 when told, the cues' confidence when guessed, None when
    # nothing was guessed.
    confidence: float | None = 1.0
    cues: tuple[Cue, ...] = ()

    @property
    def sure(self) -> bool:
        """Told, or guessed with enough confidence to go without asking."""
        return self.speaker is not None and (self.confidence or 0.0) >= SURE_FROM


def you(conversation: Conversation) -> Focus:
    """The speaker the report coaches, how that was decided, and how sure it is."""
    if conversation.me and conversation.me.get("speaker"):
        # Told (--me, the user's answer) is sure; a voice print's match says how sure it is.
        confidence = conversation.me.get("confidence")
        return Focus(
            conversation.me["speaker"], conversation.me.get("source"), 1.0 if confidence is None else confidence
        )
    if len(conversation.speakers) < 2:
        return Focus(None, None, None)
    # Without --profile the report is coached as the default situation, so the roles are read as in it.
    situation = conversation.profile or DEFAULT
    weights = WEIGHTS["user asks" if situation in USER_ASKS else "job-interview"]
    speaker, confidence, cues = _weigh(conversation, weights)
    return Focus(speaker, "profile" if speaker else None, confidence, cues)


def coached(conversation: Conversation) -> list[str]:
    """The speakers whose advice matters: the user when known, else everyone."""
    focus = you(conversation).speaker
    return [focus] if focus else [s.id for s in conversation.speakers]


def answering(conversation: Conversation) -> list[str]:
    """The speakers whose answers count as answers to "questions you were asked".

    The user when known or guessed; else the speaker the question cues and the talk time show
    to be the one asked (as sure as ``SURE_FROM``); else, in a conversation where
    both ask and answer alike, everyone.
    """
    focus = you(conversation).speaker
    if focus:
        return [focus]
    if len(conversation.speakers) >= 2:
        speaker, confidence, _ = _weigh(conversation, BEING_ASKED)
        if speaker and confidence >= SURE_FROM:
            return [speaker]
    return [s.id for s in conversation.speakers]


def _weigh(
    conversation: Conversation, weights: dict[str, float]
) -> tuple[str | None, float, tuple[Cue, ...]]:
    """The speaker the weighted cues point to (None on a tie), the confidence, the cues.

    Each cue sets a speaker against everyone else together: with two speakers, one against the
    other, so that a speaker's score is the log-odds that they are the one sought; in a panel,
    the candidate against all the interviewers, whose questions add up. The confidence is then a
    softmax over half the scores, which with two speakers is the logistic of the score. A voice
    the diarizer split in two weighs as two speakers: both halves answer, and the one holding
    more of the talk and the answers stands out, less surely than a whole voice would."""
    ids = [s.id for s in conversation.speakers]
    measured = conversation.derived(_measures)
    scores = dict.fromkeys(ids, 0.0)
    cues = []
    for name, weight in weights.items():
        values = {s: measured[name].get(s, 0.0) for s in ids}
        total = sum(values.values())
        scale = total + PRIORS[name]
        evidence = {s: weight * (2 * values[s] - total) / scale if scale else 0.0 for s in ids}
        for s in ids:
            scores[s] += evidence[s]
        top, runner_up = sorted(ids, key=lambda s: -evidence[s])[:2]
        # What the cue adds to the odds of the speaker it favours against the next one.
        margin = (evidence[top] - evidence[runner_up]) / 2
        favours = top if margin > 1e-9 else None
        cues.append(Cue(name, {s: round(v, 2) for s, v in values.items()}, favours, round(margin, 2)))
    ranked = sorted(ids, key=lambda s: -scores[s])
    if scores[ranked[0]] - scores[ranked[1]] < 1e-9:
        return None, 1 / len(ids), tuple(cues)
    top_score = scores[ranked[0]]
    confidence = 1 / sum(math.exp((scores[s] - top_score) / 2) for s in ids)
    return ranked[0], confidence, tuple(cues)


def _measures(conversation: Conversation) -> dict[str, dict[str, float]]:
    """Each speaker's measure of each cue. Worked out once per conversation: it reads neither who
    the user is nor the situation."""
    ids = [s.id for s in conversation.speakers]
    found = {name: dict.fromkeys(ids, 0.0) for name in PRIORS}
    ordered = sorted(conversation.turns, key=lambda t: t.start)
    length = conversation.duration or max((t.end for t in ordered), default=0.0) or 1.0
    starts: dict[str, list[float]] = {}
    positions: dict[str, list[int]] = {}
    for p, turn in enumerate(ordered):
        starts.setdefault(turn.speaker, []).append(turn.start)
        positions.setdefault(turn.speaker, []).append(p)
    handing_over: set[int] = set()
    for question in questions.find(conversation):
        if question.speaker not in starts:
            continue
        held = _holding_turn(question, starts[question.speaker], positions[question.speaker], ordered)
        # A question inside the other's turn (a failed cut-in) or that its asker talks on after
        # ("You know what? I…") puts nothing to the other person.
        if held is None or ordered[held].end - question.end > HANDOVER_SECONDS:
            continue
        kind = 1.0 if question.kind == "open" else CLOSED_WEIGHT
        found["asks"][question.speaker] += kind * (1 - LATE_DISCOUNT * min(question.start / length, 1.0))
        handing_over.add(held)
    for p in handing_over:
        if p + 1 < len(ordered) and ordered[p + 1].speaker != ordered[p].speaker:
            found["answers"][ordered[p + 1].speaker] += ordered[p + 1].duration
    opening = max(OPENING_SECONDS, length / 10)
    # The talk time the report shows (the talk_time analyzer's), so that "talked 68% of the time"
    # here is the talk share there.
    found["talk"].update(talk_times(conversation.segments, ids))
    for u in conversation.utterances:
        if u.speaker not in found["talk"] or u.backchannel:
            continue
        said = lexicon.normalise(u.text)
        for name, pattern in (("offers", lexicon.FLOOR_OFFERS), ("thanks", lexicon.THANKS_FOR_TIME)):
            if pattern.search(said):
                found[name][u.speaker] = 1.0
        if u.start < opening and lexicon.WELCOMES.search(said):
            found["opens"][u.speaker] = 1.0
    return found


def _holding_turn(question: Asked, starts: list[float], positions: list[int], ordered: list[Turn]) -> int | None:
    """The asker's turn that holds most of the question, by position in ``ordered`` (None when
    none holds any of it). Not the turn its first word falls in: Whisper often times a first
    word a little before the voice activity that the turns are built from (0.76 s against
    0.96 s), and the previous turn would take the question."""
    best, held = None, 0.0
    k = bisect_left(starts, question.end) - 1
    while k >= 0:
        turn = ordered[positions[k]]
        if turn.end <= question.start:
            break
        overlap = min(turn.end, question.end) - max(turn.start, question.start)
        if best is None or overlap > held:
            best, held = positions[k], overlap
        k -= 1
    return best


# The sides of a two-channel recording, in channel order.
SIDES = (N_("left"), N_("right"))


def label_speakers(source: Attribution, ids: list[str], lang: str, me: str | None = None) -> list[Speaker]:
    """The speakers as the report names them: you and the interviewer once the user is known,
    else Speaker 1, 2…; on two channels, which side each one is on."""
    if source is Attribution.SINGLE:
        if me:
            return [Speaker("S1", tr(lang, "You"), role="me", channel=0)]
        return [Speaker("S1", tr(lang, "Everyone (one channel)"), channel=0)]
    speakers = []
    for i, s in enumerate(ids):
        if source is not Attribution.CHANNELS:
            where = ""
        elif len(ids) <= len(SIDES):
            where = f" ({tr(lang, SIDES[i])})"
        else:  # three mics or more: no left and right to speak of
            where = f" ({tr(lang, 'channel {number}', number=i + 1)})"
        channel = i if source is Attribution.CHANNELS else None
        if s == me:
            speakers.append(Speaker(s, tr(lang, "You") + where, "me", channel))
        elif me and len(ids) == 2:
            speakers.append(Speaker(s, tr(lang, "The interviewer") + where, "interviewer", channel))
        else:
            speakers.append(Speaker(s, tr(lang, "Speaker {number}", number=i + 1) + where, None, channel))
    return speakers


# What a cue says of a speaker, when they have more of it and when they have less: the guessed
# speaker, never labelled "You", is its subject.
_SAYS = {
    "asks": (N_("asked more questions"), N_("asked fewer questions")),
    "answers": (N_("spent more time answering"), N_("spent less time answering")),
    "opens": (N_("opened with a welcome"), N_("was welcomed")),
    "offers": (N_("invited the other's questions"), N_("was invited to ask questions")),
    "thanks": (N_("thanked the other for their time"), N_("was thanked for their time")),
}


def certainty(focus: Focus, lang: str = "en") -> str:
    """How sure a guess is, as the report and the command line print it ("92%")."""
    # Summed cues that are not independent overstate it: never "100% sure" of a guess.
    return percent(min(focus.confidence or 0.0, 0.99), lang)


def reasons(focus: Focus, lang: str) -> str:
    """Why ``focus.speaker`` was guessed, in a few words: the cues for it, strongest first, then
    the strongest against it ("asked fewer questions, talked 68% of the time; but …"); the
    report's ``you_cues`` list them all."""
    speaker = focus.speaker
    if speaker is None:
        return ""
    telling = sorted((c for c in focus.cues if c.log_odds), key=lambda c: -c.log_odds)

    def said(cue: Cue) -> str:
        mine = cue.values[speaker]
        theirs = sum(cue.values.values()) - mine
        if cue.name == "talk":
            return tr(lang, "talked {share} of the time", share=percent(mine / (mine + theirs), lang))
        more, less = _SAYS[cue.name]
        return tr(lang, more if mine > theirs else less)

    why = ", ".join([said(c) for c in telling if c.favours == speaker][:3])
    against = ", ".join([said(c) for c in telling if c.favours != speaker][:1])
    if why and against:
        return tr(lang, "{why}; but {against}", why=why, against=against)
    return why or against


def focus_note(conversation: Conversation, focus: Focus, lang: str) -> str | None:
    """What the report says about who it coaches, when that is unknown or only guessed."""
    ids = [s.id for s in conversation.speakers]
    if focus.speaker is None:
        if focus.cues:  # weighed, and tied
            return tr(
                lang,
                "Targets are not judged: the cues to which speaker is you cancel out; --me {speakers} says which.",
                speakers=format_list(ids, style="or", locale=lang),
            )
        if (conversation.me or {}).get("source") == "voiceprint":  # enrolled already: it matched nobody
            return tr(
                lang,
                "Targets are not judged: rehearse does not know which speaker is you; --me {first} says which.",
                first=ids[0],
            )
        return tr(
            lang,
            "Targets are not judged: rehearse does not know which speaker is you; --me {first} says which, "
            "and a voice print ('rehearse voice enroll') tells it every time.",
            first=ids[0],
        )
    others = format_list([s for s in ids if s != focus.speaker], style="or", locale=lang)
    if focus.source == "voiceprint" and not focus.sure:
        return tr(
            lang,
            "Your voice print matched {speaker}, but only {sure} sure (little of your speech, or another "
            "microphone or line); if that is wrong, analyze again with --me {other}.",
            speaker=focus.speaker,
            sure=certainty(focus, lang),
            other=others,
        )
    if focus.source != "profile":
        return None
    found = {
        "label": conversation.speaker(focus.speaker).label,
        "other": others,
        "sure": certainty(focus, lang),
        "why": reasons(focus, lang),
    }
    if focus.sure:
        return tr(
            lang, "{label} is taken to be you ({sure} sure: {why}); --me {other} says otherwise.", **found
        )
    return tr(
        lang,
        "Only a guess: rehearse takes {label} to be you, {sure} sure ({why}). "
        "If that is wrong, analyze again with --me {other}.",
        **found,
    )
