"""Diarization on one channel: scoring, resegmentation, and the real voice model on the fixtures.

The fixture tests run the ONNX voice encoder on the committed mono fixtures (no Whisper),
against the ground truth they were built from. Thresholds are the issue's targets
(DER <= 5%, talk-share error <= 2 points); measured: en 1.3% / 1.1 pts, fr 0.9% / 1.4 pts.
"""

import numpy as np
import pytest

from conftest import AUDIO, run_cli
from rehearse.audio import activity
from rehearse.audio import decode as audio
from rehearse.conversation import Segment
from rehearse.diarization import scoring as evaluation
from rehearse.diarization import voice as diarize
from rehearse.errors import RehearseError


def seg(speaker, start, end):
    return Segment(speaker, start, end)


def test_der_counts_confusion_miss_and_false_alarm():
    reference = [seg("A", 0, 10), seg("B", 10, 20)]
    system = [seg("x", 0, 12), seg("y", 12, 18), seg("y", 25, 26)]
    result = evaluation.score(reference, system, collar=0.0)
    assert result.mapping == {"x": "A", "y": "B"}
    assert result.scored == pytest.approx(20.0)
    assert result.confusion == pytest.approx(2.0)
    assert result.missed == pytest.approx(2.0)
    assert result.false_alarm == pytest.approx(1.0)
    assert result.der == pytest.approx(5.0 / 20.0)


def test_der_scores_overlap_and_leaves_out_the_collar():
    reference = [seg("A", 0, 10), seg("B", 8, 12)]  # 2 s of overlap
    system = [seg("x", 0, 10), seg("y", 10, 12)]  # the overlap given to one speaker only
    strict = evaluation.score(reference, system, collar=0.0)
    assert strict.scored == pytest.approx(14.0)
    assert strict.missed == pytest.approx(2.0)
    assert strict.confusion == pytest.approx(0.0)
    lenient = evaluation.score(reference, system, collar=0.25)
    assert lenient.scored < strict.scored and lenient.missed < strict.missed


def test_share_error_in_points():
    reference = [seg("A", 0, 30), seg("B", 30, 40)]  # 75% / 25%
    system = [seg("x", 0, 20), seg("y", 20, 40)]  # 50% / 50%
    assert evaluation.score(reference, system).share_error == pytest.approx({"A": 25.0, "B": 25.0})


def test_rttm_errors_are_one_clear_line(tmp_path):
    bad = tmp_path / "bad.rttm"
    bad.write_text("SPEAKER file 1 zero 2.0 <NA> <NA> A <NA> <NA>\n")
    with pytest.raises(RehearseError, match="bad.rttm:1: not an RTTM SPEAKER line"):
        evaluation.read_rttm(bad)
    empty = tmp_path / "empty.rttm"
    empty.write_text("nothing here\n")
    with pytest.raises(RehearseError, match="no SPEAKER lines"):
        evaluation.read_rttm(empty)


def test_resegmentation_ignores_a_short_flip_but_keeps_a_change_at_a_pause():
    settings = diarize.DiarizationSettings()
    frames = 600
    scores = np.tile([0.8, 0.7], (frames, 1))
    scores[200:230] = [0.7, 0.8]  # 0.3 s that sound more like S2, in the middle of S1's sentence
    scores[400:] = [0.7, 0.8]  # S2 answers after the pause at 4.0 s
    labels = diarize._resegment([(0, 400), (400, 600)], scores, settings)
    assert (labels[:400] == 0).all()
    assert (labels[400:] == 1).all()


def load_mono(name):
    samples = audio.load(AUDIO / name).mono
    speech = [(s.start, s.end) for s in activity.voice_activity(samples, "S1")]
    return samples, speech


@pytest.mark.parametrize("name", ["en-interview", "fr-interview"])
def test_fixture_diarization_meets_the_targets(name):
    mono = "en-interview-mono.wav" if name == "en-interview" else "fr-interview-mono.m4a"
    samples, speech = load_mono(mono)
    found = diarize.diarize(samples, speech)
    assert found.speakers == ["S1", "S2"]
    result = evaluation.score(evaluation.read_rttm(AUDIO / f"{name}.rttm"), found.segments)
    assert result.der <= 0.05
    assert max(result.share_error.values()) <= 2.0
    assert all(0.0 <= s.confidence <= 1.0 for s in found.segments)


def test_one_voice_stays_one_speaker():
    samples, speech = load_mono("fr-interview-S1-voice.wav")
    assert diarize.diarize(samples, speech).speakers == ["S1"]


def test_speaker_count_can_be_forced():
    samples, speech = load_mono("fr-interview-mono.m4a")
    assert diarize.diarize(samples, speech, diarize.DiarizationSettings(speakers=3)).speakers == [
        "S1",
        "S2",
        "S3",
    ]
    assert diarize.diarize(samples, speech, diarize.DiarizationSettings(speakers=1)).speakers == ["S1"]


def test_too_little_speech_is_not_guessed():
    samples, speech = load_mono("fr-interview-S1-voice.wav")
    short = [(speech[0][0], speech[0][0] + 1.5)]
    found = diarize.diarize(samples, short)
    assert found.unseparated == diarize.TOO_LITTLE_SPEECH and found.speakers == ["S1"]


def test_eval_command_scores_a_fixture():
    result = run_cli(
        "eval",
        "diarization",
        str(AUDIO / "en-interview-mono.wav"),
        str(AUDIO / "en-interview.rttm"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    import json

    scores = json.loads(result.stdout)
    assert scores["der"] <= 0.05 and scores["speakers_found"] == 2 and scores["attribution"] == "voices"
    text = run_cli(
        "eval", "diarization", str(AUDIO / "fr-interview-mono.m4a"), str(AUDIO / "fr-interview.rttm")
    )
    assert text.returncode == 0 and text.stdout.startswith("DER ") and "Talk-share error" in text.stdout
    missing = run_cli("eval", "diarization", str(AUDIO / "en-interview-mono.wav"), "nope.rttm")
    assert missing.returncode == 1 and "nope.rttm" in missing.stderr and "Traceback" not in missing.stderr
