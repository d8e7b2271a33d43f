"""Talk time: how long each person spoke, and their share of the conversation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import (
    Analyzer,
    Figure,
    Option,
    Section,
    figure_labels,
    uncertain_shares,
    why_not_separated,
)
from rehearse.conversation import Conversation, talk_times, union_length
from rehearse.hookspecs import hookimpl
from rehearse.i18n import duration, percent, say


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
    title = {"en": "Talk time", "fr": "Temps de parole"}
    figures = (
        Figure(
            "talk_share",
            ("Your talk share", "Votre temps de parole"),
            "share",
            _talk_share,
            (
                "Say more: develop your answers with an example and its result.",
                "Développez davantage : un exemple et son résultat.",
            ),
            (
                "Listen more: ask, then let them talk; note your point instead of making it now.",
                "Écoutez davantage : posez la question, laissez parler, notez votre idée au lieu de la dire.",
            ),
        ),
    )
    options = (
        Option(
            "dominant_share",
            0.65,
            "A share of speech above this is flagged as talking too much (Gong: results drop above 65%).",
            minimum=0,
            maximum=1,
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
            result["summary"] = say(lang, "No speech found.", "Aucune parole détectée.")
            return result
        named = figure_labels(conversation)
        parts = [
            f"{named[s]} {percent(v['share'])} ({duration(v['talk_time'])})" for s, v in per_speaker.items()
        ]
        result["summary"] = "; ".join(parts) + say(
            lang,
            f"; silence {percent(result['silence_share'])}",
            f" ; silence {percent(result['silence_share'])}",
        )
        if not conversation.separated:
            result["summary"] = say(
                lang,
                f"{duration(speech)} of speech; {why_not_separated(conversation, lang)}, so there is no talk ratio",
                f"{duration(speech)} de parole ; {why_not_separated(conversation, lang)} : "
                "pas de répartition du temps de parole",
            )
            return result
        top = max(per_speaker, key=lambda s: per_speaker[s]["share"])
        share = per_speaker[top]["share"]
        # With a practice situation, the coach judges shares against its own targets instead.
        if share > options["dominant_share"] and conversation.profile is None:
            result["advice"].append(
                say(
                    lang,
                    f"{named[top]} talked {percent(share)} of the time. If that is the person asking "
                    "or selling, listen more: the best discovery calls sit near 43%. If it is the "
                    "candidate answering, keep each answer focused.",
                    f"{named[top]} a parlé {percent(share)} du temps. Si c'est la personne qui pose les "
                    "questions, écoutez davantage : les meilleurs entretiens de découverte sont vers "
                    "43 %. Si c'est le candidat qui répond, gardez des réponses ciblées.",
                )
            )
        return result


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(TalkTime())
