"""From speech activity and timed words to utterances and turns.

Speech activity says who spoke when; each word then goes to a speaker on its
own (word level, not Whisper-segment level), so a turn change inside a Whisper
segment splits it. Short continuers inside the other person's speech are
backchannels, and turns (who holds the floor) are built around them.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from operator import attrgetter

import numpy as np

from rehearse.conversation import Segment, Turn, Utterance, Word
from rehearse.language import lexicon


@dataclass(frozen=True)
class TurnSettings:
    backchannel_max: float = 1.2  # longest "mm-hmm, d'accord" that still only signals listening
    backchannel_context: float = 1.0  # the other must speak this close before and after it
    backchannel_words: int = 2  # a backchannel by its shape, whatever its words: at most this many


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


def assign_words(
    words: Iterable[Word], segments: list[Segment], heard_by: Sequence[str | None] | None = None
) -> list[Word]:
    """Give each word the speaker the audio shows saying it, else the one whose speech covers
    it most, or is nearest.

    ``heard_by`` gives, word for word, the speaker the audio shows saying it, or None where the
    audio cannot tell: on two mics, a word that only one channel carries (the other holding
    just its bleed) is that channel's, whatever the segments say.

    While two people talk at once, Whisper transcribes the one holding the floor
    rather than a listener's "mm-hmm": a tie goes to the longer stretch of speech.
    """
    timeline = _Timeline(segments)
    known = heard_by if heard_by is not None else repeat(None)
    return [replace(word, speaker=heard or _by_timing(word, timeline)) for word, heard in zip(words, known)]


def _by_timing(word: Word, timeline: _Timeline) -> str:
    segments = timeline.segments
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
        return max(tied, key=tied.__getitem__)
    if segments:
        middle = np.array([(word.start + word.end) / 2])
        found = [f for f in (timeline.nearest(s, middle) for s in timeline.order) if f is not None]
        index, _ = min(found, key=lambda f: float(f[1][0]))
        return segments[int(index[0])].speaker
    return word.speaker or "S1"


def build_utterances(
    segments: list[Segment], words: list[Word], settings: TurnSettings | None = None
) -> list[Utterance]:
    """One utterance per speech segment, holding the words its speaker said in it."""
    settings = settings or TurnSettings()
    timeline = _Timeline(segments)
    # Array work: a saved transcript can hold a million words, and a Python step per word
    # for each of grouping, placing and collecting them cost a second.
    middles = (_floats(words, "start") + _floats(words, "end")) / 2
    said_by = [w.speaker for w in words]
    codes = {speaker: code for code, speaker in enumerate(dict.fromkeys(said_by))}
    speaker_codes = np.fromiter(map(codes.__getitem__, said_by), dtype=np.int64, count=len(words))
    nearest = np.full(len(words), -1, dtype=np.int64)  # -1: the audio never heard that speaker
    for speaker, code in codes.items():
        mine = speaker_codes == code
        found = timeline.nearest(speaker or "", middles[mine])
        if found is not None:
            nearest[mine] = found[0]
    # The words grouped by segment, each group in the order given; the unheard ones first.
    order = np.argsort(nearest, kind="stable")
    grouped = [words[k] for k in order.tolist()]
    bounds = np.cumsum(np.bincount(nearest + 1, minlength=len(segments) + 1)).tolist()
    utterances = [
        Utterance(seg.speaker, seg.start, seg.end, tuple(grouped[lo:hi]), confidence=seg.confidence)
        for seg, lo, hi in zip(segments, bounds, bounds[1:])
    ]
    # Words of a speaker the audio never heard (possible on a saved transcript): keep them.
    orphans: dict[str | None, list[Word]] = defaultdict(list)
    for word in grouped[: bounds[0]]:
        orphans[word.speaker].append(word)
    for who, mine in orphans.items():
        utterances.append(Utterance(who or "S1", mine[0].start, mine[-1].end, tuple(mine)))
    utterances.sort(key=attrgetter("start", "speaker"))
    return mark_backchannels(utterances, settings)


def _floats(items: list[Word] | list[Utterance], name: str) -> np.ndarray:
    return np.fromiter(map(attrgetter(name), items), dtype=np.float64, count=len(items))


def mark_backchannels(utterances: list[Utterance], settings: TurnSettings) -> list[Utterance]:
    """Mark the short utterances said inside another speaker's longer speech that do not take
    the floor as backchannels.

    A short utterance (at most ``backchannel_max``) is a candidate when it has no word, when
    every word is a continuer ("mm-hmm", "oui, d'accord"), or by its shape alone: a word or two
    (``backchannel_words``), none of which bids for the floor (:data:`lexicon.BIDS`: "why",
    "but", "sorry"). Continuers pass the floor back to the speaker (Schegloff 1982, "Discourse as
    an interactional achievement: some uses of 'uh huh' and other things that come between
    sentences"); what marks them is where they fall and how little is said, more than which
    words (Ward & Tsukahara 2000, "Prosodic features which cue back-channel responses in English
    and Japanese"), and Whisper mishears those words ("I know." written "No?"). A candidate is a
    backchannel when a longer utterance of someone else starts before it and reaches to within
    ``backchannel_context`` seconds of its start, and one ends after it having started within
    ``backchannel_context`` seconds of its end. One known by its shape alone must also be said
    while the other carries on (:func:`_carried_on`). Overlaps are common and mostly short
    (Heldner & Edlund 2010, "Pauses, gaps and overlaps in conversations"); an attempt to take
    the floor says more, or makes the other stop.
    """
    starts, ends = _floats(utterances, "start"), _floats(utterances, "end")
    lengths = ends - starts  # as Utterance.duration works them out, bit for bit
    candidates, shaped = [], []
    for i in np.flatnonzero(lengths <= settings.backchannel_max).tolist():
        u = utterances[i]
        if not u.words or lexicon.is_backchannel(u.text):
            candidates.append(i)
        elif _shaped_like_one(u.text, settings.backchannel_words):
            candidates.append(i)
            shaped.append(i)
    inside = set(candidates)
    if inside:
        speakers = [u.speaker for u in utterances]
        # Before it: someone's longer speech starts earlier and ends at most `context` before
        # its start. After it: the same with time running backwards, every time negated (exact:
        # -end - context rounds as end + context does).
        inside &= _reached(starts, ends, lengths, speakers, candidates, settings.backchannel_context)
        inside &= _reached(-ends, -starts, lengths, speakers, candidates, settings.backchannel_context)
        inside -= _carried_on(utterances, [i for i in shaped if i in inside], settings.backchannel_context)
    return [
        u if u.backchannel == (i in inside) else replace(u, backchannel=i in inside)
        for i, u in enumerate(utterances)
    ]


def _shaped_like_one(text: str, most: int) -> bool:
    """A word or two, none bidding for the floor, and words rather than a laugh or a breath
    (those take no floor at all, and stay what they are)."""
    said = lexicon.tokens(text)
    return 0 < len(said) <= most and lexicon.BIDS.isdisjoint(said) and not lexicon.only_sounds([text])


def _carried_on(utterances: list[Utterance], candidates: list[int], context: float) -> set[int]:
    """Which of ``candidates`` (indices) were *not* said while someone else carried on.

    Someone else carries on when their utterance under way at its start still goes on after
    its end, with words said after it (measured with a mic each: they talked through it), or
    when, silent as it starts, they had stopped mid-sentence and speak again within
    ``context`` seconds of its end (one mic, where diarized speech never overlaps: their
    sentence goes on across it). One who was speaking when it began and stopped before it
    ended gave way to it: it took the floor, if only for a word ("He's great." after "He's
    hilarious.", the other starting again over it, on the phone call of the accuracy suite).
    """
    if not candidates:
        return set()
    by_speaker: dict[str, list[Utterance]] = defaultdict(list)
    for u in sorted(utterances, key=attrgetter("start")):
        by_speaker[u.speaker].append(u)
    opened = {s: [u.start for u in mine] for s, mine in by_speaker.items()}
    not_inside = set()
    for c in candidates:
        u = utterances[c]
        if not any(
            _carries_on(by_speaker[speaker], opens, u, context)
            for speaker, opens in opened.items()
            if speaker != u.speaker
        ):
            not_inside.add(c)
    return not_inside


def _carries_on(theirs: list[Utterance], opens: list[float], u: Utterance, context: float) -> bool:
    """Whether the speaker of ``theirs`` (their utterances in start order) carries on across ``u``."""
    at = bisect_left(opens, u.start) - 1  # their latest utterance begun before it
    if at < 0:
        return False
    host = theirs[at]
    if host.end > u.end:
        return any(w.start >= u.end for w in host.words)
    if host.end > u.start:
        return False  # speaking when it began, stopped before it ended
    following = theirs[at + 1 : at + 2]
    return (
        lexicon.sounds_unfinished(host.text)
        and bool(following)
        and following[0].start <= u.end + context
        and bool(following[0].words)
    )


def _reached(
    opens: np.ndarray,
    closes: np.ndarray,
    lengths: np.ndarray,
    speakers: list[str],
    candidates: list[int],
    context: float,
) -> set[int]:
    """Which of ``candidates`` (indices) have a longer span of someone else that opens before
    theirs opens and closes no more than ``context`` before it.

    One sweep in opening order: each span joins a heap, longest first, once it opens before
    the candidate at hand; a span that closed too early for it closed too early for every
    later one too, so it leaves the heap for good when it comes to the top. The longest span
    left answers. Heaps of the speakers with bit b of their number at 0 and at 1: anyone
    else's number differs from the candidate's in some bit, so the heaps of the other value
    of each bit cover exactly the others, however many speakers there are. O(n log n).
    """
    numbers = {speaker: number for number, speaker in enumerate(dict.fromkeys(speakers))}
    bits = range(max(len(numbers) - 1, 1).bit_length())
    heaps: dict[tuple[int, int], list[tuple[float, float, int]]] = defaultdict(list)
    order = np.argsort(opens, kind="stable").tolist()
    open_at, close_at, length_of = opens.tolist(), closes.tolist(), lengths.tolist()
    reached = set()
    joined = 0
    for c in sorted(candidates, key=open_at.__getitem__):
        while joined < len(order) and open_at[order[joined]] < open_at[c]:
            i = order[joined]
            number = numbers[speakers[i]]
            for b in bits:
                heapq.heappush(heaps[b, number >> b & 1], (-length_of[i], close_at[i], i))
            joined += 1
        number = numbers[speakers[c]]
        earliest = open_at[c] - context
        for b in bits:
            heap = heaps[b, 1 - (number >> b & 1)]
            while heap and heap[0][1] < earliest:
                heapq.heappop(heap)
            if heap and -heap[0][0] > length_of[c]:
                reached.add(c)
                break
    return reached


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
        for u in sorted(utterances, key=attrgetter("start")):
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
