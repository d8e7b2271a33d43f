"""From speech activity and timed words to utterances and turns.

Speech activity says who spoke when; each word then goes to a speaker on its
own (word level, not Whisper-segment level), so a turn change inside a Whisper
segment splits it. Short continuers inside the other person's speech are
backchannels, and turns (who holds the floor) are built around them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

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

    def overlapping(self, speaker: str, start: float, end: float) -> list[int]:
        lo = bisect_right(self.ends[speaker], start)
        hi = bisect_left(self.starts[speaker], end)
        return self.order[speaker][lo:hi]

    def nearest(self, speaker: str, word: Word) -> int | None:
        if not self.order.get(speaker):
            return None
        at = bisect_right(self.starts[speaker], (word.start + word.end) / 2)
        around = self.order[speaker][max(at - 1, 0) : at + 1]
        return min(around, key=lambda i: _distance(word, self.segments[i]))


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
            nearest = [i for i in (timeline.nearest(s, word) for s in timeline.order) if i is not None]
            speaker = segments[min(nearest, key=lambda i: _distance(word, segments[i]))].speaker
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
    held: dict[int, list[Word]] = defaultdict(list)
    orphans: list[Word] = []
    for word in words:
        nearest = timeline.nearest(word.speaker or "", word)
        if nearest is None:
            orphans.append(word)
        else:
            held[nearest].append(word)
    utterances = [
        Utterance(seg.speaker, seg.start, seg.end, tuple(held[i]), confidence=seg.confidence)
        for i, seg in enumerate(segments)
    ]
    # Words of a speaker the audio never heard (possible on a saved transcript): keep them.
    for speaker in dict.fromkeys(w.speaker for w in orphans):
        mine = tuple(w for w in orphans if w.speaker == speaker)
        utterances.append(Utterance(speaker or "S1", mine[0].start, mine[-1].end, mine))
    utterances.sort(key=lambda u: (u.start, u.speaker))
    return mark_backchannels(utterances, settings)


def mark_backchannels(utterances: list[Utterance], settings: TurnSettings) -> list[Utterance]:
    marked = []
    for u in utterances:
        short = u.duration <= settings.backchannel_max
        continuer = not u.words or lexicon.is_backchannel(u.text)
        marked.append(replace(u, backchannel=short and continuer and _inside_other(u, utterances, settings)))
    return marked


def _inside_other(u: Utterance, utterances: list[Utterance], settings: TurnSettings) -> bool:
    others = [o for o in utterances if o.speaker != u.speaker and o.duration > u.duration]
    before = any(o.start < u.start and o.end >= u.start - settings.backchannel_context for o in others)
    after = any(o.end > u.end and o.start <= u.end + settings.backchannel_context for o in others)
    return before and after


def build_turns(utterances: list[Utterance]) -> list[Turn]:
    """Group utterances into turns: who holds the floor, and for how long.

    Backchannels never take the floor; neither does an attempt to cut in that the
    holder talks through (the holder speaks both when it starts and when it stops).
    """
    floor = [u for u in utterances if not u.backchannel]
    groups: list[list[Utterance]] = []
    for u in floor:
        if groups and groups[-1][0].speaker == u.speaker:
            groups[-1].append(u)
        elif groups and _talked_through(u, groups[-1][0].speaker, floor):
            continue
        else:
            groups.append([u])
    return [Turn(g[0].speaker, g[0].start, max(u.end for u in g), tuple(g)) for g in groups]


def _talked_through(u: Utterance, holder: str, floor: list[Utterance]) -> bool:
    held = [h for h in floor if h.speaker == holder]
    return any(h.start <= u.start < h.end for h in held) and any(h.start <= u.end < h.end for h in held)


def _distance(word: Word, seg: Segment) -> float:
    middle = (word.start + word.end) / 2
    if seg.start <= middle <= seg.end:
        return 0.0
    return min(abs(middle - seg.start), abs(middle - seg.end))
