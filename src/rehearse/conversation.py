"""The small typed model of a conversation that every stage of the pipeline shares.

Times are float seconds from the start of the recording. Speaker fields hold a
speaker ``id`` ("S1", "S2", ...).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")

# Below this confidence an attribution is shown as uncertain, and so is what rests on it.
UNCERTAIN_BELOW = 0.5
# A figure resting on a stretch of speech (a speaker's whole talk, one turn, one minute) is shown
# as uncertain when at least this share of that speech is. One uncertain "Sure." should not cast
# doubt on a speaker's ten minutes; but a fifth of them given to the wrong voice would move a 60%
# talk share by 12 points, a fair part of the 30-point bands the situations' targets allow, and
# can change which side of a target the figure falls.
UNCERTAIN_SHARE = 0.2


class Attribution(str, Enum):
    """Where *who spoke when* came from; analyzers state how far to trust it."""

    CHANNELS = "channels"  # one speaker per channel: exact, overlaps are real
    SINGLE = "single"  # one channel, speakers not separated
    VOICES = "voices"  # one channel, speakers told apart by their voices: approximate
    TRANSCRIPT = "transcript"  # timings from a saved transcript: approximate


@dataclass(frozen=True)
class Damage:
    """What of a damaged recording could not be read; the report covers the rest.

    ``expected`` is the length in seconds the file's header announces (None when it does not
    say, or cannot be trusted to), ``read`` the seconds that decoded, ``skipped`` how many
    stretches of it failed to decode and were left out, ``stopped`` whether reading ended on
    an error before the end of the file, and ``reason`` FFmpeg's word for the first error.
    """

    expected: float | None
    read: float
    skipped: int = 0
    stopped: bool = False
    reason: str | None = None

    @property
    def missing(self) -> float:
        """Seconds announced but not read (0 when the header announces no length)."""
        return max(self.expected - self.read, 0.0) if self.expected is not None else 0.0


@dataclass(frozen=True)
class AudioInfo:
    path: str
    duration: float  # seconds decoded
    channels: int
    sample_rate: int
    damage: Damage | None = None  # set when part of the file could not be read


@dataclass(frozen=True)
class Speaker:
    id: str
    label: str
    role: str | None = None
    channel: int | None = None


class _Span:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Segment(_Span):
    """A stretch of speech activity of one speaker, measured on the audio.

    ``confidence`` says how sure the attribution is: 1.0 on a channel of one's own,
    lower where voice diarization hesitated between two speakers.
    """

    speaker: str
    start: float
    end: float
    confidence: float = 1.0


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    speaker: str | None = None
    probability: float = 1.0
    # On the last word of an utterance: how many semitones the voice rose over the sentence's
    # last 0.3 s (rehearse.audio.pitch), when it could be heard; a question's clue when
    # Whisper closed the sentence without a question mark.
    rise: float | None = None
    # A hesitation ("um", "euh") heard in the audio where Whisper wrote nothing
    # (rehearse.transcription.hesitations): shown apart, and counted as a sound, not a word said.
    hesitation: bool = False


@dataclass(frozen=True)
class Utterance(_Span):
    """One speaker's stretch of speech between pauses, with the words said in it.

    ``backchannel`` marks a short "mm-hmm" / "d'accord" said while the other
    person holds the floor: it does not take the floor.
    """

    speaker: str
    start: float
    end: float
    words: tuple[Word, ...] = ()
    backchannel: bool = False
    confidence: float = 1.0  # of the attribution, from the segment this utterance was heard in

    # Worked out once (the fields never change): every analyzer reads it, some many times.
    @cached_property
    def text(self) -> str:
        return join_words(self.words)


@dataclass(frozen=True)
class Turn(_Span):
    """A maximal stretch where one speaker holds the floor.

    The other person's backchannels and failed attempts to cut in do not end it.
    """

    speaker: str
    start: float
    end: float
    utterances: tuple[Utterance, ...] = ()

    @cached_property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for u in self.utterances for w in u.words)

    @cached_property
    def own_words(self) -> tuple[Word, ...]:
        """The words of the speaker holding the floor, without the other's backchannels in between."""
        return tuple(w for u in self.utterances if u.speaker == self.speaker for w in u.words)

    @property
    def confidence(self) -> float:
        """How sure the attribution of this turn is, weighted by the time of each utterance."""
        mine = [u for u in self.utterances if u.speaker == self.speaker] or list(self.utterances)
        total = sum(u.duration for u in mine)
        if not total:
            return min((u.confidence for u in mine), default=1.0)
        return round(sum(u.confidence * u.duration for u in mine) / total, 2)

    @cached_property
    def text(self) -> str:
        return join_words(self.words)


@dataclass
class Conversation:
    speakers: list[Speaker]
    segments: list[Segment]
    utterances: list[Utterance]
    turns: list[Turn]
    duration: float
    attribution: Attribution
    language: str | None = None
    language_probability: float | None = None
    audio: AudioInfo | None = None
    model: str | None = None
    notes: list[str] = field(default_factory=list)
    # Which speaker is the user and how that was decided: {"speaker", "source", ["similarities"]}.
    me: dict | None = None
    # The practice situation (rehearse.coaching.situations.NAMES), which sets the targets the report
    # judges against.
    profile: str | None = None
    # Whether hesitations ("um", "euh") were listened for in the audio: a transcript without
    # them cannot say how often someone hesitated.
    hesitations_heard: bool = False
    _derived: dict[Callable[[Conversation], Any], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def words(self) -> list[Word]:
        return [w for u in self.utterances for w in u.words]

    def speaker(self, speaker_id: str) -> Speaker:
        for speaker in self.speakers:
            if speaker.id == speaker_id:
                return speaker
        raise KeyError(speaker_id)

    @property
    def separated(self) -> bool:
        """Whether the speakers were told apart, so per-speaker comparisons mean something."""
        return len(self.speakers) > 1

    def derived(self, compute: Callable[[Conversation], T]) -> T:
        """``compute(self)``, worked out once and shared by every analyzer that asks for it.

        For facts that several analyzers build on (the questions asked, the floor changes).
        They rest on the words, utterances and turns, which do not change once a conversation
        is built; who is the user and the situation may, so ``compute`` must not read them.
        """
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return self._derived[compute]  # type: ignore[no-any-return]

    def floor_changes(self) -> list[FloorChange]:
        """Each turn that takes the floor from another speaker, in time order."""
        return self.derived(_floor_changes)


class FloorChange(NamedTuple):
    previous: Turn
    turn: Turn
    pause: float  # seconds between the two turns, 0 when the new one started over the old


def _floor_changes(conversation: Conversation) -> list[FloorChange]:
    ordered = sorted(conversation.turns, key=lambda t: t.start)
    return [
        FloorChange(previous, turn, max(turn.start - previous.end, 0.0))
        for previous, turn in zip(ordered, ordered[1:])
        if previous.speaker != turn.speaker
    ]


def join_words(words: tuple[Word, ...] | list[Word]) -> str:
    # Like faster-whisper's, a word's text starts with a space unless it attaches to the
    # previous one (French elisions such as " n" + "'est").
    return " ".join("".join([w.text for w in words]).split())  # a list joins faster than a generator


def own_text(turn: Turn) -> str:
    """What the speaker holding the floor said in ``turn``: in most turns nobody else said
    anything, and that is the turn's text, joined once for every reader."""
    own = turn.own_words
    return turn.text if len(own) == len(turn.words) else join_words(own)


def union_length(spans: Iterable[tuple[float, float]]) -> float:
    """Total time covered by possibly overlapping spans."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def talk_times(segments: list[Segment], speakers: Iterable[str]) -> dict[str, float]:
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for seg in segments:
        spans[seg.speaker].append((seg.start, seg.end))
    return {s: union_length(spans[s]) for s in speakers}


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a conversation is built or analysed.

    Building one allocates a million small objects on a long recording and frees none, so
    each collection the allocations trigger walks them all and finds nothing: a fifth of the
    time of analysing a 100,000-turn transcript. What is built holds no reference cycles to
    free; collection resumes, as it was, on the way out.

    On the way out, what was built goes straight to the oldest generation (freezing then
    unfreezing moves every object there): left in the youngest, the first collections after
    would walk it all again, a second on that transcript. It is looked at again only with
    the rest of the long-lived objects. Skipped if the caller froze objects of its own, which
    unfreezing would release.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
