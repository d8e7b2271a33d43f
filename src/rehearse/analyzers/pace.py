"""Pace: words per minute of each speaker's own talk time, overall and minute by minute.

Microsoft Speaker Coach recommends 100–165 words per minute (docs/metrics.md#pace).
Whisper leaves out most hesitations, so this is the pace of the words, not of every sound.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, union_length
from rehearse.hookspecs import hookimpl
from rehearse.i18n import clock, say


class SpeakerPace(TypedDict):
    words: int
    talk_time: float
    wpm: float | None  # None: too little talk to measure
    timeline: list[dict[str, Any]]


class PaceSection(Section):
    low: float
    high: float
    by_speaker: dict[str, SpeakerPace]


def _pace(section: PaceSection, you: str) -> float | None:
    mine = section["by_speaker"].get(you)
    return mine["wpm"] if mine else None


class Pace(Analyzer):
    name = "pace"
    title = {"en": "Pace", "fr": "Débit"}
    figures = (
        Figure(
            "pace",
            ("Your pace", "Votre débit"),
            "wpm",
            _pace,
            (
                "Pick up the pace: prepare the first sentence of your key stories.",
                "Accélérez un peu : préparez la première phrase de vos histoires clés.",
            ),
            ("Slow down: pause after each key point.", "Ralentissez : une pause après chaque idée clé."),
        ),
    )
    options = (
        Option(
            "low", 100.0, "Slower than this many words per minute is flagged (Microsoft Speaker Coach: 100)."
        ),
        Option(
            "high", 165.0, "Faster than this many words per minute is flagged (Microsoft Speaker Coach: 165)."
        ),
        Option("window", 60.0, "Seconds of recording per point of the pace-over-time series."),
        Option("min_talk", 10.0, "Seconds of a speaker's talk a window needs before its pace is given."),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> PaceSection:
        labels = {s.id: s.label for s in conversation.speakers}
        by_speaker: dict[str, SpeakerPace] = {}
        for speaker in labels:
            spans = [(s.start, s.end) for s in conversation.segments if s.speaker == speaker]
            # A word attached to the previous one (French "l'" + "équipe") is not a new word.
            words = [w for w in conversation.words if w.speaker == speaker and w.text[:1] in (" ", "")]
            talk = union_length(spans)
            by_speaker[speaker] = {
                "words": len(words),
                "talk_time": round(talk, 2),
                "wpm": round(60 * len(words) / talk, 1) if talk >= options["min_talk"] else None,
                "timeline": _timeline(spans, [w.start for w in words], conversation.duration, options),
            }
        result: PaceSection = {"low": options["low"], "high": options["high"], "by_speaker": by_speaker}
        measured = {s: v["wpm"] for s, v in by_speaker.items() if v["wpm"] is not None}
        result["summary"] = "; ".join(
            say(lang, f"{labels[s]} {wpm:.0f} words/min", f"{labels[s]} {wpm:.0f} mots/min")
            for s, wpm in measured.items()
        ) or say(lang, "Too little speech to measure a pace.", "Trop peu de parole pour mesurer un débit.")
        result["advice"] = []
        result["moments"] = []
        for speaker in roles.coached(conversation):
            wpm = measured.get(speaker)
            if wpm is None:
                continue
            fastest = max(by_speaker[speaker]["timeline"], key=lambda p: p["wpm"], default=None)
            if wpm > options["high"]:
                result["advice"].append(
                    say(
                        lang,
                        f"{labels[speaker]} spoke at {wpm:.0f} words a minute (comfortable: "
                        f"{options['low']:.0f}–{options['high']:.0f}). Slow down: pause after each key point "
                        "and let it land.",
                        f"{labels[speaker]} a parlé à {wpm:.0f} mots par minute (confortable : "
                        f"{options['low']:.0f}–{options['high']:.0f}). Ralentissez : marquez une pause "
                        "après chaque idée importante.",
                    )
                )
                if fastest:
                    result["moments"].append(
                        {
                            "time": fastest["start"],
                            "speaker": speaker,
                            "label": say(
                                lang, f"{fastest['wpm']:.0f} words/min", f"{fastest['wpm']:.0f} mots/min"
                            ),
                            "text": say(lang, "fastest minute", "minute la plus rapide"),
                        }
                    )
            elif wpm < options["low"]:
                result["advice"].append(
                    say(
                        lang,
                        f"{labels[speaker]} spoke at {wpm:.0f} words a minute (comfortable: "
                        f"{options['low']:.0f}–{options['high']:.0f}). Long hesitations slow answers down: "
                        "prepare the first sentence of your key stories.",
                        f"{labels[speaker]} a parlé à {wpm:.0f} mots par minute (confortable : "
                        f"{options['low']:.0f}–{options['high']:.0f}). Les hésitations ralentissent les "
                        "réponses : préparez la première phrase de vos histoires clés.",
                    )
                )
        return result


def _timeline(
    spans: list[tuple[float, float]], word_starts: list[float], duration: float, options: Mapping[str, Any]
) -> list[dict]:
    points = []
    window = float(options["window"])
    start = 0.0
    while start < duration:
        end = start + window
        talk = union_length((max(a, start), min(b, end)) for a, b in spans if a < end and b > start)
        if talk >= options["min_talk"]:
            said = sum(1 for t in word_starts if start <= t < end)
            points.append(
                {"start": round(start, 2), "clock": clock(start), "wpm": round(60 * said / talk, 1)}
            )
        start = end
    return points


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Pace())
