"""Interruptions: who started talking while the other held the floor.

Following conversation analysis (docs/metrics.md#interruptions): backchannels,
terminal overlaps (the other was finishing) and sounds without words (a laugh, a
breath, a cough) are not interruptions. An
interruption is *successful* when the first speaker stops and the floor changes,
*unsuccessful* when the first speaker carries on and the interrupter drops out.
With one channel per speaker overlaps are measured; otherwise they are inferred
from timing plus an utterance that sounds unfinished, and marked approximate.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict, deque
from collections.abc import Mapping
from operator import attrgetter
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Option, Section, marked, not_separated, uncertain
from rehearse.coaching import you as roles
from rehearse.conversation import Attribution, Conversation, Utterance, join_words
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, clock, separated, tr
from rehearse.language import lexicon

# Said plainly in the report ("successful" is the literature's word, jargon to a job seeker);
# the JSON keeps the literature's.
KINDS = {"successful": N_("took the floor"), "unsuccessful": N_("the other kept talking")}


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
    title = N_("Interruptions")
    figures = (
        Figure(
            "interruptions",
            N_("Times you interrupted"),
            "count",
            _interrupted,
            too_high=N_("Let them finish: wait for the end of the sentence, then come back with a question."),
            governs=True,
        ),
    )
    options = (
        Option(
            "terminal_grace",
            0.5,
            "Seconds of overlap at the end of a finished utterance that "
            "count as normal turn-taking, not an interruption (call-ai-metrics uses 0.5 s).",
            minimum=0,
            maximum=10,
        ),
        Option(
            "last_syllable",
            0.25,
            "Seconds of overlap with the very end of the other's utterance that never count as an "
            "interruption, however it ends: too short to cut anything off (Whisper often ends a "
            "finished sentence with a comma).",
            minimum=0,
            maximum=5,
        ),
        Option(
            "simultaneous_start",
            0.2,
            "Two people starting within this many seconds are both starting, neither interrupts.",
            minimum=0,
            maximum=5,
        ),
        Option(
            "silent_gap",
            0.2,
            "Without measured overlap: a reply starting within this many "
            "seconds of an unfinished utterance counts as cutting it off.",
            minimum=0,
            maximum=5,
        ),
        Option("context_words", 8, "Words quoted on each side of an interruption.", minimum=0, maximum=100),
    )

    def analyze(
        self, conversation: Conversation, options: Mapping[str, Any], lang: str
    ) -> InterruptionsSection:
        if not conversation.separated:
            return not_separated(conversation, lang, events=[])
        approximate = conversation.attribution is not Attribution.CHANNELS
        events, backchannels, terminal = _events(conversation.utterances, options, approximate)
        labels = {s.id: s.label for s in conversation.speakers}
        by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for e in events:
            by_pair[(e["by"], e["of"])].append(e)
        interrupted, was_interrupted = Counter(e["by"] for e in events), Counter(e["of"] for e in events)
        kinds = {kind: tr(lang, message) for kind, message in KINDS.items()}
        result: InterruptionsSection = {
            "approximate": approximate,
            "count": len(events),
            "by_speaker": {
                s.id: {
                    "interrupted": interrupted[s.id],
                    "was_interrupted": was_interrupted[s.id],
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
                    "label": kinds[e["kind"]],
                    "text": tr(
                        lang,
                        "{of}: …{of_words} / {by}: {by_words}…",
                        of=labels[e["of"]],
                        of_words=e["of_words"],
                        by=labels[e["by"]],
                        by_words=e["by_words"],
                    ),
                    "uncertain": e["uncertain"],
                }
                for e in events
            ],
            "advice": [],
        }
        if not events:
            result["summary"] = tr(lang, "No interruptions.")
        else:
            you = roles.you(conversation).speaker
            result["summary"] = separated(
                lang,
                [_interrupted_whom(by, of, mine, labels, you, lang) for (by, of), mine in by_pair.items()],
            )
            if approximate:
                result["summary"] = tr(
                    lang, "{summary} — approximate, inferred from timing", summary=result["summary"]
                )
            coached = roles.coached(conversation)
            for (by, of), mine in by_pair.items():
                if by not in coached:
                    continue
                result["advice"].append(
                    tr(
                        lang,
                        "{who}: let {other} finish ({count}×). Wait for the end of the sentence, "
                        "note your point and come back to it with a question.",
                        who=marked(labels[by], any(e["uncertain"] for e in mine)),
                        other=labels[of],
                        count=len(mine),
                    )
                )
        return result


def _interrupted_whom(
    by: str, of: str, mine: list[dict], labels: dict[str, str], you: str | None, lang: str
) -> str:
    """How often ``by`` interrupted ``of``, and when; the user in the second person."""
    counts = {
        "count": len(mine),
        "won": sum(1 for e in mine if e["kind"] == "successful"),
        "times": ", ".join(marked(clock(e["time"]), e["uncertain"]) for e in mine),
    }
    if by == you:
        return tr(
            lang,
            "You interrupted {other} {count}× ({won} took the floor) at {times}",
            other=labels[of],
            **counts,
        )
    if of == you:
        return tr(
            lang, "{who} interrupted you {count}× ({won} took the floor) at {times}", who=labels[by], **counts
        )
    return tr(
        lang,
        "{who} interrupted {other} {count}× ({won} took the floor) at {times}",
        who=labels[by],
        other=labels[of],
        **counts,
    )


def _events(
    utterances: list[Utterance], options: Mapping[str, Any], approximate: bool
) -> tuple[list[dict], list[dict], int]:
    events: list[dict] = []
    backchannels: list[dict] = []
    terminal = 0
    ordered = sorted(utterances, key=attrgetter("start"))
    hosts = _Hosts(ordered, options["simultaneous_start"])
    # The latest utterance so far, and the latest of anyone else than its speaker: between
    # them, the one just before, of whoever is not the current speaker.
    latest: Utterance | None = None
    latest_other: Utterance | None = None
    for u in ordered:
        if u.backchannel:
            backchannels.append({"time": u.start, "speaker": u.speaker, "text": u.text})
            continue
        if not _takes_floor(u):
            continue
        host = hosts.first(u.start, u.speaker)
        if host is not None:
            left = host.end - u.start
            if left <= options["last_syllable"] or (
                left <= options["terminal_grace"]
                and not lexicon.sounds_unfinished(_said_before(host, u.start + options["terminal_grace"]))
            ):
                terminal += 1
            else:
                kind = "unsuccessful" if u.end < host.end else "successful"
                events.append(_event(u, host, kind, options, overlap=min(host.end, u.end) - u.start))
        elif approximate:
            previous = latest if latest is None or latest.speaker != u.speaker else latest_other
            if (
                previous is not None
                and 0 <= u.start - previous.end <= options["silent_gap"]
                and lexicon.sounds_unfinished(previous.text)
            ):
                events.append(_event(u, previous, "successful", options, overlap=0.0))
        if latest is not None and latest.speaker != u.speaker:
            latest_other = latest
        latest = u
    for e in events:
        e["approximate"] = approximate
    return events, backchannels, terminal


class _Hosts:
    """Who holds the floor when someone starts: the first utterance, in start order, that
    began more than ``lead`` seconds before a time and is still going, by anyone else.

    Asked for times that never go back, it keeps each speaker's utterances under way in a
    queue and the queues' heads in a heap: each utterance goes in and out once, so all the
    questions cost O(n log n), where scanning every utterance for each was O(n²).
    """

    def __init__(self, ordered: list[Utterance], lead: float) -> None:
        self.ordered = ordered
        self.lead = lead
        self.begun = 0  # ordered[:begun] began more than `lead` before the last time asked
        self.going: dict[str, deque[int]] = {}
        self.heads: list[tuple[int, str]] = []  # (index of the head of a speaker's queue, speaker)

    def first(self, time: float, speaker: str) -> Utterance | None:
        ordered = self.ordered
        while self.begun < len(ordered) and ordered[self.begun].start + self.lead < time:
            h = ordered[self.begun]
            if not h.backchannel and _takes_floor(h):
                queue = self.going.setdefault(h.speaker, deque())
                if not queue:
                    heapq.heappush(self.heads, (self.begun, h.speaker))
                queue.append(self.begun)
            self.begun += 1
        found, mine = None, None
        while self.heads and found is None:
            index, owner = self.heads[0]
            if ordered[index].end <= time:  # over, and so for every later time too
                heapq.heappop(self.heads)
                queue = self.going[owner]
                queue.popleft()
                if queue:
                    heapq.heappush(self.heads, (queue[0], owner))
            elif owner == speaker:
                mine = heapq.heappop(self.heads)  # nobody interrupts themselves: look past it
            else:
                found = ordered[index]
        if mine is not None:
            heapq.heappush(self.heads, mine)
        return found


def _takes_floor(u: Utterance) -> bool:
    """Whether an utterance says words: a laugh, a breath, a cough or a click neither
    interrupts nor holds a floor to be interrupted."""
    return bool(u.words) and not lexicon.only_sounds([u.text])


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
        # Either voice given to the wrong speaker, and it was someone carrying on, not cutting in.
        "uncertain": uncertain([u]) or uncertain([host]),
    }


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Interruptions())
