"""What Whisper hears at once: the speech rehearse found, grouped into windows of at most 30 s."""

import numpy as np
import pytest

from rehearse.audio.cuts import WINDOW_GAP_SECONDS, WINDOW_PAD_SECONDS, WINDOW_SECONDS, windows

RATE = 16_000


def noise(seconds: float, quiet: list[tuple[float, float]] = ()) -> np.ndarray:
    audio = np.random.default_rng(0).normal(0, 0.1, int(seconds * RATE)).astype(np.float32)
    for start, end in quiet:
        audio[int(start * RATE) : int(end * RATE)] *= 0.001
    return audio


def test_short_pauses_stay_inside_a_window_and_long_ones_end_it():
    audio = noise(60)
    speech = [(1.0, 4.0), (4.5, 8.0), (8.0 + WINDOW_GAP_SECONDS + 1, 14.0)]
    assert windows(audio, speech) == [
        (1.0 - WINDOW_PAD_SECONDS, 8.0 + WINDOW_PAD_SECONDS),
        (11.0 - WINDOW_PAD_SECONDS, 14.0 + WINDOW_PAD_SECONDS),
    ]


def test_no_window_is_longer_than_whisper_hears():
    audio = noise(120)
    speech = [(t, t + 2.5) for t in np.arange(0.5, 118, 3.0)]  # talk with half-second pauses
    found = windows(audio, speech)
    assert all(end - start <= WINDOW_SECONDS for start, end in found)
    assert all(b[0] >= a[1] for a, b in zip(found, found[1:])), "windows never overlap"
    assert all(any(a <= s and e <= b for a, b in found) for s, e in speech), "each stretch whole in one"


def test_a_long_stretch_of_talk_is_cut_where_it_is_quietest():
    audio = noise(70, quiet=[(22.0, 22.6), (47.0, 47.6)])
    found = windows(audio, [(0.0, 70.0)])
    assert all(b - a <= WINDOW_SECONDS for a, b in found) and len(found) == 3
    assert found[0][0] == 0.0 and found[-1][1] == 70.0
    cuts = [start for start, _ in found[1:]]
    assert cuts[0] == pytest.approx(22.3, abs=0.3) and cuts[1] == pytest.approx(47.3, abs=0.3)


def test_the_windows_of_a_recording_under_way_are_those_of_the_whole_but_the_last():
    audio = noise(300)
    rng = np.random.default_rng(1)
    starts = np.cumsum(rng.uniform(0.3, 4.0, 120))
    speech = [(round(float(s), 2), round(float(s + rng.uniform(0.5, 6.0)), 2)) for s in starts if s < 290]
    speech = [(s, e) for (s, e), (n, _) in zip(speech, speech[1:] + [(1e9, 0)]) if e < n]
    whole = windows(audio, speech)
    for now in (60.0, 121.5, 200.0):
        heard = [(s, e) for s, e in speech if e <= now]
        so_far = windows(audio[: int(now * RATE)], heard)
        assert so_far[:-1] == whole[: len(so_far) - 1], now


def test_a_sentence_whisper_invents_goes_and_the_rest_of_its_window_stays():
    # A window comes back as one segment: dropping the segment would drop everything said in it.
    from rehearse.conversation import Word
    from rehearse.transcription.whisper import _without_inventions

    said = " Merci d'être venue. Sous-titrage ST' 501. Et pourquoi ce choix ?".split(" ")[1:]
    words = [Word(float(i), i + 0.5, " " + text) for i, text in enumerate(said)]
    kept, invented = _without_inventions(words)
    assert "".join(w.text for w in kept) == " Merci d'être venue. Et pourquoi ce choix ?"
    assert invented == ["Sous-titrage ST' 501."]
