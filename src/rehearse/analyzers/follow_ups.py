"""Follow-ups: questions that pick up words from what the other person just said.

Following up on an answer is active listening, and the heart of a reverse interview.
A question is a follow-up when it shares a content word (four letters or more, not a
common word; "manager" matches "management") with the other speaker's turn just
before it. Only the words are compared: a follow-up that rephrases ("your boss" after
"my manager") is missed, so the count is a floor.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, figure_labels, not_separated
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, Turn, join_words, own_text
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, ntr, separated, tr
from rehearse.language import lexicon
from rehearse.language.questions import Asked as Question
from rehearse.language.questions import find as find_questions


class SpeakerFollowUps(TypedDict):
    questions: int
    follow_ups: int
    share: float


class FollowUpsSection(Section, total=False):
    items: list[dict[str, Any]]
    by_speaker: dict[str, SpeakerFollowUps]


def _follow_ups(section: FollowUpsSection, you: str) -> float | None:
    mine = section.get("by_speaker", {}).get(you)
    return mine["follow_ups"] if mine else None


class FollowUps(Analyzer):
    name = "follow_ups"
    title = N_("Follow-up questions")
    figures = (
        Figure(
            "follow_ups",
            N_("Your follow-up questions"),
            "count",
            _follow_ups,
            N_("Follow up on answers with their own words: “You mentioned…: how did that work?”"),
        ),
    )
    options = (
        Option(
            "min_questions",
            3,
            "Advise following up when a speaker asked at least this many questions and none was a follow-up.",
            minimum=1,
            maximum=1000,
        ),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> FollowUpsSection:
        if not conversation.separated:
            return not_separated(conversation, lang, items=[], by_speaker={})
        labels = {s.id: s.label for s in conversation.speakers}
        named = figure_labels(conversation)
        questions = find_questions(conversation)
        items: list[dict[str, Any]] = []
        said_in: dict[str, lexicon.Forms] = {}  # several questions often follow one answer
        for question, heard in zip(questions, _heard_before(conversation.turns, questions)):
            if heard not in said_in:
                said_in[heard] = lexicon.Forms(heard)
            said = said_in[heard]
            picked = [word for word in dict.fromkeys(lexicon.content_words(question.text)) if word in said]
            if picked:
                items.append(
                    {
                        "time": round(question.start, 2),
                        "speaker": question.speaker,
                        "text": question.text,
                        "kind": question.kind,
                        "picks_up": picked,
                        "uncertain": question.uncertain,
                    }
                )
        by_speaker: dict[str, SpeakerFollowUps] = {}
        for speaker in labels:
            asked = sum(1 for q in questions if q.speaker == speaker)
            followed = sum(1 for f in items if f["speaker"] == speaker)
            by_speaker[speaker] = {
                "questions": asked,
                "follow_ups": followed,
                "share": round(followed / asked, 3) if asked else 0.0,
            }
        result: FollowUpsSection = {
            "items": items,
            "by_speaker": by_speaker,
            "moments": [
                {
                    "time": f["time"],
                    "speaker": f["speaker"],
                    "label": "↩ " + ", ".join(f["picks_up"]),
                    "text": f["text"],
                    "uncertain": f["uncertain"],
                }
                for f in items
            ],
            "summary": separated(
                lang,
                [
                    ntr(
                        lang,
                        "{who}: {follow_ups} of {count} question followed up on the answer",
                        "{who}: {follow_ups} of {count} questions followed up on the answer",
                        v["questions"],
                        who=named[s],
                        follow_ups=v["follow_ups"],
                    )
                    for s, v in by_speaker.items()
                    if v["questions"]
                ],
            )
            or tr(lang, "No questions."),
            "advice": [],
        }
        you = roles.you(conversation).speaker
        for speaker in roles.coached(conversation):
            v = by_speaker[speaker]
            if v["questions"] >= options["min_questions"] and not v["follow_ups"]:
                none = (
                    ntr(
                        lang,
                        "Your question did not build on the answer before it.",
                        "None of your {count} questions built on the answer before it.",
                        v["questions"],
                    )
                    if speaker == you
                    else ntr(
                        lang,
                        "{who}'s question did not build on the answer before it.",
                        "None of {who}'s {count} questions built on the answer before it.",
                        v["questions"],
                        who=labels[speaker],
                    )
                )
                result["advice"].append(
                    none
                    + " "
                    + tr(lang, "Follow up with their own words: “You mentioned …: how did that work?”")
                )
        return result


def _heard_before(turns: list[Turn], questions: list[Question]) -> list[str]:
    """For each question, what the other person said in their last turn before it (up to it).

    With the turns in start order, each prefix knows its last turn and the last turn of
    anyone else than that turn's speaker, so each question costs a bisection rather than a
    scan of every turn.
    """
    # Equal starts: the turn listed first comes last, as max() would pick it.
    order = sorted(range(len(turns)), key=lambda i: (turns[i].start, -i))
    starts = [turns[i].start for i in order]
    last: list[Turn | None] = [None]
    last_other: list[Turn | None] = [None]
    for i in order:
        before = last[-1]
        last_other.append(
            before if before is not None and before.speaker != turns[i].speaker else last_other[-1]
        )
        last.append(turns[i])
    heard = []
    for question in questions:
        p = bisect_left(starts, question.start)
        turn = last[p]
        if turn is not None and turn.speaker == question.speaker:
            turn = last_other[p]
        if turn is None:
            heard.append("")
            continue
        said = [w for w in turn.own_words if w.start < question.start]
        # All of it, most often: the turn's own text, joined once for every reader.
        heard.append(own_text(turn) if len(said) == len(turn.own_words) else join_words(said))
    return heard


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(FollowUps())
