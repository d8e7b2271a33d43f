import numpy as np
import pytest

from rehearse.audio.activity import Mics
from rehearse.conversation import Segment, Word
from rehearse.diarization.turns import assign_words, build_turns, build_utterances

RATE = 16_000


def test_words_are_assigned_one_by_one_so_a_whisper_segment_can_split():
    segments = [Segment("A", 0.0, 2.0), Segment("B", 2.3, 4.0)]
    # One Whisper segment spanning the change of speaker.
    words = [
        Word(0.1, 0.5, " So"),
        Word(0.6, 1.9, " that's it."),
        Word(2.4, 2.9, " Why"),
        Word(3.0, 3.8, " then?"),
    ]
    assert [w.speaker for w in assign_words(words, segments)] == ["A", "A", "B", "B"]


def test_a_word_outside_speech_goes_to_the_nearest_speaker():
    segments = [Segment("A", 0.0, 1.0), Segment("B", 5.0, 6.0)]
    assert assign_words([Word(4.2, 4.6, " hi")], segments)[0].speaker == "B"


def test_a_tie_goes_to_the_longer_stretch_not_the_listener():
    segments = [Segment("A", 0.0, 10.0), Segment("B", 4.0, 4.6)]
    assert assign_words([Word(4.1, 4.5, " people,")], segments)[0].speaker == "A"


def test_utterances_hold_their_words_and_turns_skip_backchannels():
    segments = [
        Segment("A", 0.0, 3.0),
        Segment("B", 1.0, 1.4),
        Segment("A", 3.2, 6.0),
        Segment("B", 6.5, 8.0),
    ]
    words = [
        Word(0.2, 0.8, " First", "A"),
        Word(1.0, 1.4, " mhm", "B"),
        Word(3.3, 5.0, " second", "A"),
        Word(6.6, 7.5, " Question?", "B"),
    ]
    utterances = build_utterances(segments, words)
    assert [(u.speaker, u.text, u.backchannel) for u in utterances] == [
        ("A", "First", False),
        ("B", "mhm", True),
        ("A", "second", False),
        ("B", "Question?", False),
    ]
    turns = build_turns(utterances)
    assert [(t.speaker, t.start, t.end) for t in turns] == [("A", 0.0, 6.0), ("B", 6.5, 8.0)]


def burst(start: float, end: float, total: float, freq: float, amp: float) -> np.ndarray:
    out = np.zeros(int(total * RATE), np.float32)
    t = np.arange(int((end - start) * RATE)) / RATE
    out[int(start * RATE) : int(start * RATE) + len(t)] = amp * np.sin(2 * np.pi * freq * t)
    return out


def test_channel_activity_ignores_crosstalk_and_keeps_real_overlap():
    rng = np.random.default_rng(0)
    a = burst(0.5, 3.0, 8, 220, 0.3) + burst(5.0, 7.0, 8, 220, 0.3)
    b = burst(2.5, 4.5, 8, 330, 0.3)
    noise = lambda: rng.normal(0, 1e-3, len(a)).astype(np.float32)  # noqa: E731
    left, right = a + 0.1 * b + noise(), b + 0.1 * a + noise()  # -20 dB leakage each way
    segments = Mics.measure(np.stack([left, right])).segments(["A", "B"])
    spans = [(s.speaker, s.start, s.end) for s in segments]
    assert len(spans) == 3
    for (speaker, start, end), (want_speaker, want_start, want_end) in zip(
        spans, [("A", 0.5, 3.0), ("B", 2.5, 4.5), ("A", 5.0, 7.0)]
    ):
        assert speaker == want_speaker
        # 10 ms frames, smoothed over 30 ms: edges within two frames.
        assert start == pytest.approx(want_start, abs=0.03) and end == pytest.approx(want_end, abs=0.03)


def test_channel_activity_on_silence_finds_nothing():
    assert Mics.measure(np.zeros((2, RATE * 3), np.float32)).segments(["A", "B"]) == []


@pytest.mark.parametrize("seed", range(200))
def test_the_utterances_to_transcribe_again_are_those_of_the_plain_rule(seed):
    """pipeline._garbled (a sweep) against its definition (every pair), on random talk."""
    import random

    from rehearse.pipeline import RECHECK_MAX_SECONDS, _garbled, _Spans
    from test_hostile_scale import random_utterances

    rnd = random.Random(seed)
    utterances = random_utterances(rnd, seed % 40, 1 + seed % 3)
    for speaker in ("S1", "S2", "S3"):
        expected = [
            u
            for u in utterances
            if u.speaker == speaker
            and u.duration <= RECHECK_MAX_SECONDS
            and (not u.words or any(o.speaker != speaker and o.start < u.start < o.end for o in utterances))
        ]
        assert _garbled(utterances, speaker) == expected
        spans = _Spans([(u.start, u.end) for u in expected])
        for t in (
            [rnd.uniform(0, 70) for _ in range(50)] + [u.start for u in expected] + [u.end for u in expected]
        ):
            assert spans.cover(t) == any(u.start <= t <= u.end for u in expected)
