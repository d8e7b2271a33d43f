"""From speech activity and timed words to utterances and turns.

Speech activity says who spoke when; each word then goes to a speaker on its
own (word level, not Whisper-segment level), so a turn change inside a Whisper
segment splits it. Short continuers inside the other person's speech are
backchannels, and turns (who holds the floor) are built around them.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from rehearse.conversation import Segment, Turn, Utterance, Word
from rehearse.language import lexicon


@dataclass(frozen=True)
class TurnSettings:
    backchannel_max: float = 1.2  # longest "mm-hmm, d'accord" that still only signals listening
    backchannel_context: float = 1.0  # the other must speak this close before and after it


class _Timeline:
    """Each speaker's segments in time order, searched by bisection (long recordings have thousands)."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.order: dict[str, list[int]] = defaultdict(list)
        for i in sorted(range(len(segments)), key=lambda i: segments[i].start):
            self.order[segments[i].speaker].append(i)
        self.starts = {s: [segments[i].start for i in idx] for s, idx in self.order.items()}
        self.ends = {s: [segments[i].end for i in idx] for s, idx in self.order.items()}
        self.arrays = {
            s: (np.asarray(idx), np.asarray(self.starts[s]), np.asarray(self.ends[s]))
            for s, idx in self.order.items()
        }

    def overlapping(self, speaker: str, start: float, end: float) -> list[int]:
        lo = bisect_right(self.ends[speaker], start)
        hi = bisect_left(self.starts[speaker], end)
        return self.order[speaker][lo:hi]

    def nearest(self, speaker: str, middles: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """For each time in ``middles``, the index of the speaker's segment nearest to it (of two
        as near, the earlier) and how far it is; None when the speaker has no segment.

        Vectorised: a saved transcript can hold a million words, and a bisection per word in
        Python cost seconds.
        """
        if speaker not in self.arrays:
            return None
        order, starts, ends = self.arrays[speaker]
        at = np.searchsorted(starts, middles, side="right")
        before, after = np.maximum(at - 1, 0), np.minimum(at, len(order) - 1)
        to_before = _distance(middles, starts[before], ends[before])
        to_after = _distance(middles, starts[after], ends[after])
        return order[np.where(to_after < to_before, after, before)], np.minimum(to_before, to_after)


def assign_words(words: Iterable[Word], segments: list[Segment]) -> list[Word]:
    """Give each word the speaker whose speech covers it most, or is nearest.

    While two people talk at once, Whisper transcribes the one holding the floor
    rather than a listener's "mm-hmm": a tie goes to the longer stretch of speech.
    """
    timeline = _Timeline(segments)
    assigned = []
    for word in words:
        covering: dict[str, tuple[float, float]] = {}
        for speaker in timeline.order:
            for i in timeline.overlapping(speaker, word.start, word.end):
                seg = segments[i]
                overlap = min(word.end, seg.end) - max(word.start, seg.start)
                best = covering.get(speaker, (0.0, 0.0))
                covering[speaker] = (best[0] + overlap, max(best[1], seg.duration))
        if covering:
            most = max(overlap for overlap, _ in covering.values())
            tied = {s: length for s, (overlap, length) in covering.items() if overlap >= 0.8 * most}
            speaker = max(tied, key=tied.__getitem__)
        elif segments:
            middle = np.array([(word.start + word.end) / 2])
            found = [f for f in (timeline.nearest(s, middle) for s in timeline.order) if f is not None]
            index, _ = min(found, key=lambda f: float(f[1][0]))
            speaker = segments[int(index[0])].speaker
        else:
            speaker = word.speaker or "S1"
        assigned.append(replace(word, speaker=speaker))
    return assigned


def build_utterances(
    segments: list[Segment], words: list[Word], settings: TurnSettings | None = None
) -> list[Utterance]:
    """One utterance per speech segment, holding the words its speaker said in it."""
    settings = settings or TurnSettings()
    timeline = _Timeline(segments)
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for k, word in enumerate(words):
        by_speaker[word.speaker or ""].append(k)
    nearest: list[int | None] = [None] * len(words)
    for speaker, indices in by_speaker.items():
        found = timeline.nearest(speaker, np.array([(words[k].start + words[k].end) / 2 for k in indices]))
        if found is not None:
            for k, i in zip(indices, found[0].tolist()):
                nearest[k] = i
    held: dict[int, list[Word]] = defaultdict(list)
    orphans: dict[str | None, list[Word]] = defaultdict(list)
    for word, i in zip(words, nearest):
        if i is None:
            orphans[word.speaker].append(word)
        else:
            held[i].append(word)
    utterances = [
        Utterance(seg.speaker, seg.start, seg.end, tuple(held[i]), confidence=seg.confidence)
        for i, seg in enumerate(segments)
    ]
    # Words of a speaker the audio never heard (possible on a saved transcript): keep them.
    for who, mine in orphans.items():
        utterances.append(Utterance(who or "S1", mine[0].start, mine[-1].end, tuple(mine)))
    utterances.sort(key=lambda u: (u.start, u.speaker))
    return mark_backchannels(utterances, settings)


def mark_backchannels(utterances: list[Utterance], settings: TurnSettings) -> list[Utterance]:
    """Mark the short continuers said inside another speaker's longer speech as backchannels.

    A short utterance without words, or of continuers only ("mm-hmm", "oui, d'accord"), is
    a backchannel when a longer utterance of someone else starts before it and reaches to
    within ``backchannel_context`` seconds of its start, and one ends after it having started
    within ``backchannel_context`` seconds of its end.
    """
    candidates = [
        i
        for i, u in enumerate(utterances)
        if u.duration <= settings.backchannel_max and (not u.words or lexicon.is_backchannel(u.text))
    ]
    inside = _inside_others(utterances, candidates, settings.backchannel_context)
    return [
        u if u.backchannel == (i in inside) else replace(u, backchannel=i in inside)
        for i, u in enumerate(utterances)
    ]


def _inside_others(utterances: list[Utterance], candidates: list[int], context: float) -> set[int]:
    """Which of ``candidates`` (indices) have longer speech of someone else around them.

    The candidates are taken longest first; by the time one is, every utterance longer than
    it is in two trees: one over start order that gives the latest end among those starting
    before a time, one over end order that gives the earliest start among those ending after
    one. O(n log n), where comparing each candidate with every utterance was O(n²).
    """
    if not candidates:
        return set()
    n = len(utterances)
    lengths = [u.duration for u in utterances]
    by_start = sorted(range(n), key=lambda i: utterances[i].start)
    by_end = sorted(range(n), key=lambda i: utterances[i].end)
    starts = [utterances[i].start for i in by_start]
    ends = [utterances[i].end for i in by_end]
    start_rank, end_rank = [0] * n, [0] * n
    for rank, (i, j) in enumerate(zip(by_start, by_end)):
        start_rank[i] = rank
        end_rank[j] = n - 1 - rank  # latest end first, so "ends after a time" is a prefix
    latest_end, earliest_start = _Highest(n), _Highest(n)
    longest_first = sorted(range(n), key=lengths.__getitem__, reverse=True)
    added = 0
    inside = set()
    for c in sorted(candidates, key=lengths.__getitem__, reverse=True):
        while added < n and lengths[longest_first[added]] > lengths[c]:
            i = longest_first[added]
            latest_end.insert(start_rank[i], utterances[i].end, utterances[i].speaker)
            earliest_start.insert(end_rank[i], -utterances[i].start, utterances[i].speaker)
            added += 1
        u = utterances[c]
        before = latest_end.highest(bisect_left(starts, u.start), u.speaker) >= u.start - context
        after = -earliest_start.highest(n - bisect_right(ends, u.end), u.speaker) <= u.end + context
        if before and after:
            inside.add(c)
    return inside


class _Highest:
    """A Fenwick tree of values by position that gives, over any prefix of positions, the
    highest value of anyone but a given speaker in O(log n).

    Each node keeps its highest value, whose it is, and the highest of anyone else: that
    pair answers for every speaker at once, however many speakers there are.
    """

    def __init__(self, size: int) -> None:
        self.top = [-math.inf] * (size + 1)
        self.owner: list[str | None] = [None] * (size + 1)
        self.other = [-math.inf] * (size + 1)

    def insert(self, position: int, value: float, speaker: str) -> None:
        top, owner, other = self.top, self.owner, self.other
        i = position + 1
        while i < len(top):
            if value > top[i]:
                if owner[i] != speaker:
                    other[i], owner[i] = top[i], speaker
                top[i] = value
            elif owner[i] != speaker and value > other[i]:
                other[i] = value
            i += i & -i

    def highest(self, count: int, speaker: str) -> float:
        """The highest value at the first ``count`` positions not inserted by ``speaker``."""
        best, whose, runner_up = -math.inf, None, -math.inf
        i = count
        while i > 0:
            top, owner, other = self.top[i], self.owner[i], self.other[i]
            if owner == whose:
                best, runner_up = max(best, top), max(runner_up, other)
            elif top > best:
                # The node's best leads now; the old leader is someone else than its owner.
                best, whose, runner_up = top, owner, max(best, other)
            elif top > runner_up:
                runner_up = top
            i -= i & -i
        return runner_up if whose == speaker else best


def build_turns(utterances: list[Utterance]) -> list[Turn]:
    """Group utterances into turns: who holds the floor, and for how long.

    Backchannels never take the floor; neither does an attempt to cut in that the
    holder talks through (the holder speaks both when it starts and when it stops).
    """
    floor = [u for u in utterances if not u.backchannel]
    speaking = _Speaking(floor)
    groups: list[list[Utterance]] = []
    for u in floor:
        holder = groups[-1][0].speaker if groups else None
        if holder == u.speaker:
            groups[-1].append(u)
        elif holder is not None and speaking.at(holder, u.start) and speaking.at(holder, u.end):
            continue
        else:
            groups.append([u])
    return [Turn(g[0].speaker, g[0].start, max(u.end for u in g), tuple(g)) for g in groups]


class _Speaking:
    """When each speaker is speaking: their utterances merged into sorted, disjoint spans
    [start, end), so "is S speaking at t" is one bisection rather than a scan of every utterance."""

    def __init__(self, utterances: list[Utterance]) -> None:
        spans: dict[str, list[list[float]]] = defaultdict(list)
        for u in sorted(utterances, key=lambda u: u.start):
            if u.end <= u.start:
                continue  # holds no moment at all
            mine = spans[u.speaker]
            if mine and u.start <= mine[-1][1]:
                mine[-1][1] = max(mine[-1][1], u.end)
            else:
                mine.append([u.start, u.end])
        self.starts = {s: [start for start, _ in v] for s, v in spans.items()}
        self.ends = {s: [end for _, end in v] for s, v in spans.items()}

    def at(self, speaker: str, time: float) -> bool:
        at = bisect_right(self.starts.get(speaker, []), time) - 1
        return at >= 0 and time < self.ends[speaker][at]


def _distance(middle: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    inside = (start <= middle) & (middle <= end)
    return np.where(inside, 0.0, np.minimum(np.abs(middle - start), np.abs(middle - end)))
