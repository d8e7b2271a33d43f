"""Fillers: "um", "you know", "euh", "du coup"… per minute of talk and as a share of words.

Read.ai flags more than 4% of words (docs/metrics.md#fillers). Sounds ("um", "euh") and phrases
("you know", "du coup") are counted apart. Whisper leaves most sounds out of its transcript;
rehearse listens for them in the audio (rehearse.transcription.hesitations). A transcript where
nobody listened for them (``hesitations_heard`` false: one written by hand, or by a model that
cannot) holds phrases only: its share is not judged against a target, since "0%, on target"
would be said of someone who hesitates in every answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, figure_labels
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, talk_times
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, ntr, percent, separated, tenths, tr
from rehearse.language import lexicon


class SpeakerFillers(TypedDict):
    count: int
    sounds: int  # "um", "euh"
    phrases: int  # "you know", "du coup"
    words: int
    share: float
    per_minute: float
    top: list[list[Any]]  # [filler, times said]


class FillersSection(Section):
    by_speaker: dict[str, SpeakerFillers]
    hesitations_heard: bool


def _filler_share(section: FillersSection, you: str) -> float | None:
    mine = section["by_speaker"].get(you)
    return mine["share"] if mine and section.get("hesitations_heard", True) else None


class Fillers(Analyzer):
    name = "fillers"
    title = N_("Fillers")
    figures = (
        Figure(
            "filler_share",
            N_("Your fillers"),
            "share",
            _filler_share,
            too_high=N_("Replace fillers with a short silence."),
            governs=True,
        ),
    )
    options = (
        Option(
            "max_share",
            0.04,
            "More fillers than this share of a speaker's words gets advice (Read.ai: 4%).",
            minimum=0,
            maximum=1,
        ),
        Option("top", 5, "How many of each speaker's most used fillers to list.", minimum=0, maximum=100),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> FillersSection:
        labels = {s.id: s.label for s in conversation.speakers}
        talk = talk_times(conversation.segments, labels)
        by_speaker: dict[str, SpeakerFillers] = {}
        for speaker in labels:
            said = [u for u in conversation.utterances if u.speaker == speaker and not u.backchannel]
            found = Counter(f for u in said for f in lexicon.fillers(u.text, conversation.language))
            words = sum(len(u.words) for u in said)
            count = sum(found.values())
            sounds = sum(n for name, n in found.items() if lexicon.is_hesitation(name))
            by_speaker[speaker] = {
                "count": count,
                "sounds": sounds,
                "phrases": count - sounds,
                "words": words,
                "share": round(count / words, 4) if words else 0.0,
                "per_minute": round(60 * count / talk[speaker], 2) if talk[speaker] else 0.0,
                "top": [[name, n] for name, n in found.most_common(int(options["top"]))],
            }
        heard = conversation.hesitations_heard or any(v["sounds"] for v in by_speaker.values())
        result: FillersSection = {"by_speaker": by_speaker, "hesitations_heard": heard, "advice": []}
        named = figure_labels(conversation)
        result["summary"] = separated(
            lang,
            [
                ntr(
                    lang,
                    "{who}: {count} filler, {share} of words, {rate}/min",
                    "{who}: {count} fillers, {share} of words, {rate}/min",
                    v["count"],
                    who=named[s],
                    share=percent(v["share"], lang),
                    rate=tenths(v['per_minute'], lang),
                )
                + (f" ({_top(v)})" if v["top"] else "")
                for s, v in by_speaker.items()
                if v["words"]
            ],
        ) or tr(lang, "No words to count.")
        if not heard:
            result["summary"] += " " + tr(
                lang,
                "Hesitations (um, uh) were not listened for in this transcript: only phrases are "
                "counted, and the share is not judged.",
            )
        for speaker in roles.coached(conversation):
            v = by_speaker[speaker]
            if v["words"] and v["share"] > options["max_share"]:
                favourite = v["top"][0][0]
                result["advice"].append(
                    tr(
                        lang,
                        "{who} used fillers for {share} of words, “{filler}” most. "
                        "Replace them with a short silence: a pause sounds confident, a filler does not.",
                        who=named[speaker],
                        share=percent(v["share"], lang),
                        filler=favourite,
                    )
                )
        return result


def _top(v: SpeakerFillers) -> str:
    return ", ".join(f"{name} ×{n}" for name, n in v["top"])


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Fillers())
