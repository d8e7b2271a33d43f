import re

from rehearse import pipeline
from rehearse.testing import conversation
from rehearse_webvtt import WebVttRenderer


def rendered(script: str) -> str:
    chat = conversation(script)
    return WebVttRenderer().render(pipeline.analyze(chat, pipeline.Options()))


def test_cues_carry_speaker_names_and_valid_timestamps():
    text = rendered("Alice: Tell me about yourself. | Bob: I build data pipelines & dashboards <fast>.")
    assert text.startswith("WEBVTT\n\n1\n")
    cues = re.findall(r"(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n<v ([^>]+)>(.*)", text)
    assert [(c[2], c[3]) for c in cues] == [
        ("Alice", "Tell me about yourself."),
        ("Bob", "I build data pipelines &amp; dashboards &lt;fast&gt;."),
    ]
    assert all(start < end for start, end, *_ in cues)


def test_long_turns_are_split_into_readable_cues():
    long_answer = " ".join(["word"] * 60)
    text = rendered(f"Alice: Go on. | Bob 2-30: {long_answer}")
    bob = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n<v Bob>(.*)", text)
    assert len(bob) >= 5
    for *times, words in bob:
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, times)
        assert (h2 * 3600 + m2 * 60 + s2 + ms2 / 1000) - (h1 * 3600 + m1 * 60 + s1 + ms1 / 1000) <= 6.0
        assert len(words) <= 84


def test_hours_are_written_in_full():
    from rehearse_webvtt import _time

    assert _time(3725.5) == "01:02:05.500"
