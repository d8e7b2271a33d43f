"""Interruptions: who started talking while the other held the floor.

Following conversation analysis (docs/metrics.md#interruptions): backchannels and
terminal overlaps (the other was finishing) are not interruptions. An
interruption is *successful* when the first speaker stops and the floor changes,
*unsuccessful* when the first speaker carries on and the interrupter drops out.
With one channel per speaker overlaps are measured; otherwise they are inferred
from timing plus an utterance that sounds unfinished, and marked approximate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, not_separated
from rehearse.coaching import you as roles
from rehearse.conversation import UNCERTAIN_BELOW, Attribution, Conversation, Utterance, join_words
from rehearse.hookspecs import hookimpl
from rehearse.i18n import clock, say
from rehearse.language import lexicon

KINDS_FR = {"successful": "réussie", "unsuccessful": "sans prise de parole"}


class SpeakerInterruptions(TypedDict):
    interrupted: int
    was_interrupted: int


class InterruptionsSection(Section, total=False):
    approximate: bool
    count: int
    by_speaker: dict[str, SpeakerInterruptions]
    events: list[dict[str, Any]]
    backchannels: list[dict[str, Any]]
    terminal_overlaps: int


def _interrupted(section: InterruptionsSection, you: str) -> float | None:
    mine = section.get("by_speaker", {}).get(you)
    return mine["interrupted"] if mine else None


class Interruptions(Analyzer):
    name = "interruptions"
    title = {"en": "Interruptions", "fr": "Interruptions"}
    figures = (
        Figure(
            "interruptions",
            ("Times you interrupted", "Vos interruptions"),
            "count",
            _interrupted,
            too_high=(
                "Let them finish: wait for the end of the sentence, then come back with a question.",
                "Laissez finir : attendez la fin de la phrase, puis revenez-y par une question.",
            ),
        ),
    )
    options = (
        Option(
            "terminal_grace",
            0.5,
            "Seconds of overlap at the end of a finished utterance that "
            "count as normal turn-taking, not an interruption (call-ai-metrics uses 0.5 s).",
        ),
        Option(
            "simultaneous_start",
            0.2,
            "Two people starting within this many seconds are both starting, neither interrupts.",
        ),
        Option(
            "silent_gap",
            0.2,
            "Without measured overlap: a reply starting within this many "
            "seconds of an unfinished utterance counts as cutting it off.",
        ),
        Option("context_words", 8, "Words quoted on each side of an interruption."),
    )

    def analyze(
        self, conversation: Conversation, options: Mapping[str, Any], lang: str
    ) -> InterruptionsSection:
        if not conversation.separated:
            return not_separated(conversation, lang, events=[])
        approximate = conversation.attribution is not Attribution.CHANNELS
        events, backchannels, terminal = _events(conversation.utterances, options, approximate)
        labels = {s.id: s.label for s in conversation.speakers}
        counts = Counter((e["by"], e["of"]) for e in events)
        result: InterruptionsSection = {
            "approximate": approximate,
            "count": len(events),
            "by_speaker": {
                s.id: {
                    "interrupted": sum(1 for e in events if e["by"] == s.id),
                    "was_interrupted": sum(1 for e in events if e["of"] == s.id),
                }
                for s in conversation.speakers
            },
            "events": events,
            "backchannels": backchannels,
            "terminal_overlaps": terminal,
            "moments": [
                {
                    "time": e["time"],
                    "speaker": e["by"],
                    "label": say(lang, e["kind"], KINDS_FR[e["kind"]]),
                    "text": f"{labels[e['of']]}: …{e['of_words']} / {labels[e['by']]}: {e['by_words']}…",
                    "uncertain": e["uncertain"],
                }
                for e in events
            ],
            "advice": [],
        }
        if not events:
            result["summary"] = say(lang, "No interruptions.", "Aucune interruption.")
        else:
            parts = []
            for (by, of), n in counts.items():
                mine = [e for e in events if (e["by"], e["of"]) == (by, of)]
                won = sum(1 for e in mine if e["kind"] == "successful")
                times = ", ".join(clock(e["time"]) for e in mine)
                parts.append(
                    say(
                        lang,
                        f"{labels[by]} interrupted {labels[of]} {n}× ({won} took the floor) at {times}",
                        f"{labels[by]} a interrompu {labels[of]} {n}× ({won} avec prise de parole) à {times}",
                    )
                )
            result["summary"] = "; ".join(parts)
            if approximate:
                result["summary"] += say(
                    lang, " — approximate, inferred from timing", " — approximatif, déduit des temps"
                )
            coached = roles.coached(conversation)
            for (by, of), n in counts.items():
                if by not in coached:
                    continue
                result["advice"].append(
                    say(
                        lang,
                        f"{labels[by]}: let {labels[of]} finish ({n}×). Wait for the end of the sentence, "
                        "note your point and come back to it with a question.",
                        f"{labels[by]} : laissez {labels[of]} finir ({n}×). Attendez la fin de la phrase, "
                        "notez votre idée et revenez-y par une question.",
                    )
                )
        return result


def _events(
    utterances: list[Utterance], options: Mapping[str, Any], approximate: bool
) -> tuple[list[dict], list[dict], int]:
    events: list[dict] = []
    backchannels: list[dict] = []
    terminal = 0
    ordered = sorted(utterances, key=lambda u: u.start)
    for index, u in enumerate(ordered):
        if u.backchannel:
            backchannels.append({"time": u.start, "speaker": u.speaker, "text": u.text})
            continue
        host = next(
            (
                h
                for h in ordered
                if h.speaker != u.speaker
                and not h.backchannel
                and h.start + options["simultaneous_start"] < u.start < h.end
            ),
            None,
        )
        if host is not None:
            if host.end - u.start <= options["terminal_grace"] and not lexicon.sounds_unfinished(
                _said_before(host, u.start + options["terminal_grace"])
            ):
                terminal += 1
                continue
            kind = "unsuccessful" if u.end < host.end else "successful"
            events.append(_event(u, host, kind, options, overlap=min(host.end, u.end) - u.start))
        elif approximate:
            previous = next(
                (h for h in reversed(ordered[:index]) if h.speaker != u.speaker and not h.backchannel),
                None,
            )
            if (
                previous is not None
                and 0 <= u.start - previous.end <= options["silent_gap"]
                and lexicon.sounds_unfinished(previous.text)
            ):
                events.append(_event(u, previous, "successful", options, overlap=0.0))
    for e in events:
        e["approximate"] = approximate
    return events, backchannels, terminal


def _said_before(u: Utterance, time: float) -> str:
    return join_words([w for w in u.words if w.start < time])


def _event(u: Utterance, host: Utterance, kind: str, options: Mapping[str, Any], overlap: float) -> dict:
    n = int(options["context_words"])
    before = [w for w in host.words if w.start < u.start + 0.5][-n:]
    return {
        "time": round(u.start, 2),
        "by": u.speaker,
        "of": host.speaker,
        "kind": kind,
        "overlap": round(max(overlap, 0.0), 2),
        "of_words": join_words(before),
        "by_words": join_words(u.words[:n]),
        "uncertain": min(u.confidence, host.confidence) < UNCERTAIN_BELOW,
    }


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Interruptions())
