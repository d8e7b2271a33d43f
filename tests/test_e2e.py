"""The real base model on the fixtures, compared with the ground truth the fixtures were built from.

Tolerances (see docs/benchmarks.md for the measured errors):
- talk time: 1.0 s per speaker. Activity is measured on 10 ms frames, smoothed over 30 ms, with
  crosstalk judged over 150 ms; on these fixtures the measured error is under 0.1 s.
- event times: 0.3 s, an onset read from energy on 10 ms frames (measured error: 0.02 s).
- question times: 1.0 s, since Whisper word timestamps drift by several hundred ms (measured 0.7 s).
"""

import json

import pytest

from conftest import AUDIO, run_cli, truth
from rehearse.conversation import union_length

pytestmark = pytest.mark.e2e

FIXTURES = {
    "en-stereo": ("en-interview", "en-interview-stereo.flac"),
    "fr-stereo": ("fr-interview", "fr-interview-stereo.flac"),
    "en-mono": ("en-interview", "en-interview-mono.wav"),
    "fr-mono": ("fr-interview", "fr-interview-mono.m4a"),
}
_reports: dict[str, dict] = {}


def analyzed(key: str) -> tuple[dict, dict]:
    name, filename = FIXTURES[key]
    if key not in _reports:
        result = run_cli("analyze", str(AUDIO / filename), "--format", "json")
        assert result.returncode == 0, result.stderr
        _reports[key] = json.loads(result.stdout)
    return _reports[key], truth(name)


@pytest.mark.parametrize("key", ["en-stereo", "fr-stereo"])
def test_stereo_talk_time_matches_truth(key):
    report, expected = analyzed(key)
    assert report["attribution"] == "channels"
    assert report["language"] == expected["language"]
    shares = report["analyzers"]["talk_time"]["speakers"]
    total = sum(expected["talk_time"].values())
    for speaker, seconds in expected["talk_time"].items():
        assert shares[speaker]["talk_time"] == pytest.approx(seconds, abs=1.0)
        assert shares[speaker]["share"] == pytest.approx(seconds / total, abs=0.02)


@pytest.mark.parametrize("key", ["en-stereo", "fr-stereo"])
def test_stereo_interruptions_and_backchannels_match_truth(key):
    report, expected = analyzed(key)
    section = report["analyzers"]["interruptions"]
    found = [(e["by"], e["of"], e["kind"]) for e in section["events"]]
    assert found == [(e["by"], e["of"], e["kind"]) for e in expected["interruptions"]]
    for event, want in zip(section["events"], expected["interruptions"]):
        assert event["time"] == pytest.approx(want["time"], abs=0.3)
        assert event["of_words"] and event["by_words"], "an interruption is shown with its words"
    assert [(b["speaker"], round(b["time"])) for b in section["backchannels"]] == [
        (b["speaker"], round(b["time"])) for b in expected["backchannels"]
    ]


def matched_questions(report, expected):
    found = report["analyzers"]["questions"]["items"]
    return [
        q
        for q in expected["questions"]
        if any(
            f["speaker"] == q["speaker"] and f["kind"] == q["kind"] and abs(f["start"] - q["start"]) <= 1.0
            for f in found
        )
    ]


def test_english_questions_all_found_with_their_kind():
    report, expected = analyzed("en-stereo")
    assert matched_questions(report, expected) == expected["questions"]
    assert len(report["analyzers"]["questions"]["items"]) == len(expected["questions"])


def test_french_questions_mostly_found():
    # espeak-ng French is hard for Whisper base: the last question comes out as "Les équipes
    # travaillent à la distance." with neither "?" nor inversion. Measured: 6 of 7 found with the
    # right kind; one more garbled question is allowed before the test fails.
    report, expected = analyzed("fr-stereo")
    assert len(matched_questions(report, expected)) >= 5


@pytest.mark.parametrize("key", ["en-stereo", "fr-stereo"])
def test_longest_turns_match_truth(key):
    report, expected = analyzed(key)
    longest = report["analyzers"]["monologues"]["longest"]
    for speaker, want in expected["longest_turn"].items():
        assert longest[speaker]["start"] == pytest.approx(want["start"], abs=0.3)
        assert longest[speaker]["duration"] == pytest.approx(want["duration"], abs=1.0)


def test_monologue_threshold_flags_the_long_answer():
    result = run_cli("analyze", str(AUDIO / "en-interview-stereo.flac"), "--set", "monologues.threshold=20")
    assert result.returncode == 0, result.stderr
    assert "1 turn(s) over 20 s" in result.stdout
    assert "interrupted Speaker 1 (left) 2× (1 took the floor) at 00:36, 00:46" in result.stdout


@pytest.mark.parametrize("key", ["en-mono", "fr-mono"])
def test_mono_says_speakers_are_not_separated(key):
    report, expected = analyzed(key)
    assert report["attribution"] == "single" and len(report["speakers"]) == 1
    assert report["language"] == expected["language"]
    assert any("not separated" in n or "pas encore séparés" in n for n in report["notes"])
    assert report["analyzers"]["interruptions"]["available"] is False
    assert report["analyzers"]["monologues"]["available"] is False
    # Silero VAD pads speech; measured +1.3 s on both fixtures against ~47-59 s of speech.
    speech = union_length((s["start"], s["end"]) for s in expected["segments"])
    assert report["speakers"][0]["talk_time"] == pytest.approx(speech, rel=0.05)
    assert len(report["words"]) > 100
