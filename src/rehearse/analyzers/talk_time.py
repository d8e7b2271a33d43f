"""Talk time: how long each person spoke, and their share of the conversation.

The share is judged once, by the situation's target for the person coached (the scorecard): a
threshold of its own here would speak to either side of the table, and could contradict it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import (
    Analyzer,
    Figure,
    Section,
    figure_labels,
    uncertain_shares,
    why_not_separated,
)
from rehearse.conversation import Conversation, talk_times, union_length
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, duration, percent, separated, tr


class SpeakerTalk(TypedDict):
    talk_time: float
    share: float
    uncertain_share: float  # of this speaker's speech, attributed uncertainly: their figures rest on it


class TalkTimeSection(Section):
    speakers: dict[str, SpeakerTalk]
    speech_time: float
    overlap_time: float
    silence_share: float


def _talk_share(section: TalkTimeSection, you: str) -> float | None:
    mine = section["speakers"].get(you)
    return mine["share"] if mine else None


class TalkTime(Analyzer):
    name = "talk_time"
    title = N_("Talk time")
    figures = (
        Figure(
            "talk_share",
            N_("Your talk share"),
            "share",
            _talk_share,
            N_("Say more: develop your answers with an example and its result."),
            N_("Listen more: ask, then let them talk; note your point instead of making it now."),
        ),
    )
    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> TalkTimeSection:
        ids = [s.id for s in conversation.speakers]
        talk = talk_times(conversation.segments, ids)
        speech = sum(talk.values())
        anyone = union_length((s.start, s.end) for s in conversation.segments)
        overlap = speech - anyone
        silence = max(conversation.duration - anyone, 0.0)
        unsure = uncertain_shares(conversation)
        per_speaker: dict[str, SpeakerTalk] = {
            s: {
                "talk_time": round(t, 2),
                "share": round(t / speech, 4) if speech else 0.0,
                "uncertain_share": round(unsure.get(s, 0.0), 3),
            }
            for s, t in talk.items()
        }
        result: TalkTimeSection = {
            "speakers": per_speaker,
            "speech_time": round(anyone, 2),
            "overlap_time": round(overlap, 2),
            "silence_share": round(silence / conversation.duration, 4) if conversation.duration else 0.0,
            "advice": [],
        }
        if not speech:
            result["summary"] = tr(lang, "No speech found.")
            return result
        named = figure_labels(conversation)
        result["summary"] = tr(
            lang,
            "{speakers}; silence {share}",
            speakers=separated(
                lang,
                [
                    f"{named[s]} {percent(v['share'], lang)} ({duration(v['talk_time'])})"
                    for s, v in per_speaker.items()
                ],
            ),
            share=percent(result["silence_share"], lang),
        )
        if not conversation.separated:
            result["summary"] = tr(
                lang,
                "{length} of speech; {why}, so there is no talk ratio",
                length=duration(speech),
                why=why_not_separated(conversation, lang),
            )
        return result


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(TalkTime())
