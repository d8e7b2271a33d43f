"""Pace: words per minute of each speaker's own talk time, overall and minute by minute.

Microsoft Speaker Coach recommends 100–165 words per minute (docs/metrics.md#pace).
Whisper leaves out most hesitations, so this is the pace of the words, not of every sound.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import (
    Analyzer,
    Figure,
    Option,
    Section,
    figure_labels,
    figures_uncertain,
    marked,
    uncertain,
)
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation, union_length
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, clock, figure_text, separated, tr


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
    title = N_("Pace")
    figures = (
        Figure(
            "pace",
            N_("Your pace"),
            "wpm",
            _pace,
            N_("Pick up the pace: prepare the first sentence of your key stories."),
            N_("Slow down: pause after each key point."),
            governs=True,
        ),
    )
    options = (
        Option(
            "low",
            100.0,
            "Slower than this many words per minute is flagged (Microsoft Speaker Coach: 100).",
            minimum=1,
            maximum=1000,
        ),
        Option(
            "high",
            165.0,
            "Faster than this many words per minute is flagged (Microsoft Speaker Coach: 165).",
            minimum=1,
            maximum=1000,
        ),
        Option(
            "window",
            60.0,
            "Seconds of recording per point of the pace-over-time series.",
            minimum=5,
            maximum=3600,
        ),
        Option(
            "min_talk",
            10.0,
            "Seconds of a speaker's talk a window needs before its pace is given.",
            minimum=0,
            maximum=3600,
        ),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> PaceSection:
        labels = {s.id: s.label for s in conversation.speakers}
        spans_of: dict[str | None, list[tuple[float, float]]] = defaultdict(list)
        for segment in conversation.segments:
            spans_of[segment.speaker].append((segment.start, segment.end))
        said_at: dict[str | None, list[float]] = defaultdict(list)  # when each word starts
        for utterance in conversation.utterances:  # a million words: no list of them all first
            for word in utterance.words:
                # A word attached to the previous one (French "l'" + "équipe") is not a new word.
                if word.text[:1] in (" ", ""):
                    said_at[word.speaker].append(word.start)
        by_speaker: dict[str, SpeakerPace] = {}
        for speaker in labels:
            spans, starts = spans_of[speaker], said_at[speaker]
            talk = union_length(spans)
            by_speaker[speaker] = {
                "words": len(starts),
                "talk_time": round(talk, 2),
                "wpm": round(60 * len(starts) / talk, 1) if talk >= options["min_talk"] else None,
                "timeline": _timeline(spans, starts, conversation.duration, options),
            }
        result: PaceSection = {"low": options["low"], "high": options["high"], "by_speaker": by_speaker}
        measured = {s: v["wpm"] for s, v in by_speaker.items() if v["wpm"] is not None}
        named = figure_labels(conversation)
        result["summary"] = separated(
            lang, [f"{named[s]} {figure_text(wpm, 'wpm', lang)}" for s, wpm in measured.items()]
        ) or tr(lang, "Too little speech to measure a pace.")
        result["advice"] = []
        result["moments"] = []
        you = roles.you(conversation).speaker
        unsure = figures_uncertain(conversation)
        for speaker in roles.coached(conversation):
            wpm = measured.get(speaker)
            if wpm is None:
                continue
            fastest = max(by_speaker[speaker]["timeline"], key=lambda p: p["wpm"], default=None)
            # Minutes with too little talk have no point, so the fastest one shown can be slower than
            # the whole: it is then no moment of speaking fast.
            if fastest is not None and fastest["wpm"] < wpm:
                fastest = None
            figures = {"low": f"{options['low']:.0f}", "high": f"{options['high']:.0f}"}
            # The user's label is not in their sentence: the mark of an uncertain attribution follows the pace.
            spoke = (
                tr(
                    lang,
                    "You spoke at {wpm} words a minute (comfortable: {low}–{high}).",
                    wpm=marked(f"{wpm:.0f}", unsure[speaker]),
                    **figures,
                )
                if speaker == you
                else tr(
                    lang,
                    "{who} spoke at {wpm} words a minute (comfortable: {low}–{high}).",
                    who=named[speaker],
                    wpm=f"{wpm:.0f}",
                    **figures,
                )
            )
            if wpm > options["high"]:
                result["advice"].append(
                    spoke + " " + tr(lang, "Slow down: pause after each key point and let it land.")
                )
                if fastest:
                    result["moments"].append(
                        {
                            "time": fastest["start"],
                            "speaker": speaker,
                            "label": figure_text(fastest["wpm"], "wpm", lang),
                            "text": tr(lang, "fastest minute"),
                            "uncertain": uncertain(
                                (u for u in conversation.utterances if u.speaker == speaker),
                                fastest["start"],
                                fastest["start"] + options["window"],
                            ),
                        }
                    )
            elif wpm < options["low"]:
                result["advice"].append(
                    spoke
                    + " "
                    + tr(
                        lang,
                        "Long hesitations slow answers down: prepare the first sentence of your key stories.",
                    )
                )
        return result


def _timeline(
    spans: list[tuple[float, float]], word_starts: list[float], duration: float, options: Mapping[str, Any]
) -> list[dict]:
    """Pace in each window of the recording where the speaker talked at least ``min_talk``.

    Each span is placed once: it covers every window between the two it starts and ends in,
    and several spans covering a window whole count as one span (window start, window end),
    which adds the same time. So the series costs O((spans + windows) log), not spans × windows.
    """
    window = float(options["window"])
    bounds = []
    start = 0.0
    while start < duration:
        bounds.append((start, start + window))
        start += window
    opens = [opening for opening, _ in bounds]
    partly: list[list[tuple[float, float]]] = [[] for _ in bounds]
    whole = [0] * (len(bounds) + 1)  # +1 where a run of wholly covered windows begins, -1 past its end
    for a, b in spans:
        first = max(bisect_right(opens, a) - 1, 0)
        last = bisect_left(opens, b) - 1
        if last < first or a >= bounds[first][1]:
            continue
        covers_first = a <= bounds[first][0] and b >= bounds[first][1]
        covers_last = a <= bounds[last][0] and b >= bounds[last][1]
        if not covers_first:
            partly[first].append((max(a, bounds[first][0]), min(b, bounds[first][1])))
        if not covers_last and last != first:
            partly[last].append((max(a, bounds[last][0]), min(b, bounds[last][1])))
        inner_first = first if covers_first else first + 1
        inner_last = last if covers_last else last - 1
        if inner_first <= inner_last:
            whole[inner_first] += 1
            whole[inner_last + 1] -= 1
    ordered_starts = sorted(word_starts)
    points = []
    covering = 0
    for index, (start, end) in enumerate(bounds):
        covering += whole[index]
        talk = union_length(partly[index] + ([(start, end)] if covering else []))
        if talk >= options["min_talk"]:
            said = bisect_left(ordered_starts, end) - bisect_left(ordered_starts, start)
            points.append(
                {"start": round(start, 2), "clock": clock(start), "wpm": round(60 * said / talk, 1)}
            )
    return points


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Pace())
