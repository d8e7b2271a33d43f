"""What Whisper hears at once: the speech rehearse found, packed into windows of at most 30 s."""

import numpy as np
import pytest

from rehearse.audio.cuts import PACK_GAP_SECONDS, WINDOW_PAD_SECONDS, WINDOW_SECONDS, windows

RATE = 16_000


def noise(seconds: float, quiet: list[tuple[float, float]] = ()) -> np.ndarray:
    audio = np.random.default_rng(0).normal(0, 0.1, int(seconds * RATE)).astype(np.float32)
    for start, end in quiet:
        audio[int(start * RATE) : int(end * RATE)] *= 0.001
    return audio


def held(window) -> float:
    return sum(end - start for start, end in window) + PACK_GAP_SECONDS * (len(window) - 1)


def test_stretches_of_speech_are_packed_without_the_silence_between():
    audio = noise(120)
    speech = [(1.0, 4.0), (4.5, 8.0), (60.0, 64.0)]
    pad = WINDOW_PAD_SECONDS
    assert windows(audio, speech) == [
        ((1.0 - pad, 4.0 + pad), (4.5 - pad, 8.0 + pad), (60.0 - pad, 64.0 + pad)),
    ], "a minute of silence costs nothing"


def test_no_window_holds_more_than_whisper_hears():
    audio = noise(120)
    speech = [(t, t + 2.5) for t in np.arange(0.5, 118, 3.0)]  # talk with half-second pauses
    found = windows(audio, speech)
    assert all(held(w) <= WINDOW_SECONDS for w in found)
    pieces = [piece for w in found for piece in w]
    assert all(b[0] >= a[1] for a, b in zip(pieces, pieces[1:])), "stretches never overlap"
    assert all(any(a <= s and e <= b for a, b in pieces) for s, e in speech), "each stretch whole in one"
    assert len(found) == 5, "40 stretches of 2.9 s in windows of 30 s"


def test_a_long_stretch_of_talk_is_cut_where_it_is_quietest():
    audio = noise(70, quiet=[(22.0, 22.6), (47.0, 47.6)])
    found = windows(audio, [(0.0, 70.0)])
    assert [len(w) for w in found] == [1, 1, 1] and all(held(w) <= WINDOW_SECONDS for w in found)
    assert found[0][0][0] == 0.0 and found[-1][-1][1] == 70.0
    cuts = [w[0][0] for w in found[1:]]
    assert cuts[0] == pytest.approx(22.3, abs=0.3) and cuts[1] == pytest.approx(47.3, abs=0.3)


def test_the_windows_of_a_recording_under_way_are_those_of_the_whole_but_the_last():
    audio = noise(300)
    rng = np.random.default_rng(1)
    starts = np.cumsum(rng.uniform(0.3, 4.0, 120))
    speech = [(round(float(s), 2), round(float(s + rng.uniform(0.5, 6.0)), 2)) for s in starts if s < 290]
    speech = [(s, e) for (s, e), (n, _) in zip(speech, speech[1:] + [(1e9, 0)]) if e < n]
    whole = windows(audio, speech)
    for now in (121.5, 200.0, 280.0):
        heard = [(s, e) for s, e in speech if e <= now]
        so_far = windows(audio[: int(now * RATE)], heard)
        assert len(so_far) > 1 and so_far[:-1] == whole[: len(so_far) - 1], now


def test_a_sentence_whisper_invents_goes_and_the_rest_of_its_window_stays():
    # A window comes back as one segment: dropping the segment would drop everything said in it.
    from rehearse.conversation import Word
    from rehearse.transcription.whisper import _without_inventions

    said = " Merci d'être venue. Sous-titrage ST' 501. Et pourquoi ce choix ?".split(" ")[1:]
    words = [Word(float(i), i + 0.5, " " + text) for i, text in enumerate(said)]
    kept, invented = _without_inventions(words)
    assert "".join(w.text for w in kept) == " Merci d'être venue. Et pourquoi ce choix ?"
    assert invented == ["Sous-titrage ST' 501."]


def test_words_of_the_packed_track_go_back_to_recording_time():
    from rehearse.conversation import Word
    from rehearse.transcription.whisper import _packed, _unpacked

    audio = noise(100)
    window = ((10.0, 12.0), (50.0, 53.0))
    track, clips, places = _packed(audio, [window])
    assert len(track) == int((2.0 + PACK_GAP_SECONDS + 3.0 + PACK_GAP_SECONDS) * RATE)
    assert clips == [{"start": 0.0, "end": pytest.approx(2.0 + PACK_GAP_SECONDS + 3.0)}]
    second = 2.0 + PACK_GAP_SECONDS
    assert _unpacked(Word(second + 1.0, second + 1.4, " later"), places) == Word(51.0, 51.4, " later")
    assert _unpacked(Word(0.5, 0.9, " first"), places) == Word(10.5, 10.9, " first")
