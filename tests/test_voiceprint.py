"""Voice prints: enrollment from a file, storage, damage, and matching (real voice model)."""

import json

import numpy as np
import pytest

from conftest import AUDIO, run_cli
from rehearse.audio import decode as audio
from rehearse.diarization import encoder as voice
from rehearse.diarization import voiceprint


def unit(vector):
    vector = np.asarray(vector, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_enroll_show_forget(private_data_dir):
    shown = run_cli("voice", "show", "--json")
    assert json.loads(shown.stdout) == {"voiceprint": None}
    made = run_cli("voice", "enroll", "--from", str(AUDIO / "en-interview-S1-voice.wav"))
    assert made.returncode == 0, made.stderr
    assert "Voice print saved" in made.stdout
    stored = json.loads((private_data_dir / "voiceprint.json").read_text())
    assert stored["format"] == "rehearse.voiceprint/1" and len(stored["embedding"]) == 256
    assert 10 < stored["speech_seconds"] < 14  # the fixture holds ~12 s of speech
    info = json.loads(run_cli("voice", "show", "--json").stdout)["voiceprint"]
    assert info["source"].endswith("en-interview-S1-voice.wav")
    assert run_cli("voice", "forget").stdout.strip() == "Voice print deleted."
    assert run_cli("voice", "forget").stdout.strip() == "There was no voice print to delete."


def test_too_short_an_enrollment_is_refused(tmp_path):
    samples = audio.load(AUDIO / "en-interview-S1-voice.wav").mono[: 16_000 * 3]
    with pytest.raises(voiceprint.VoicePrintError, match="only .* s of speech heard"):
        voiceprint.enroll(samples, "test")


def test_a_damaged_voice_print_says_how_to_fix_it(private_data_dir):
    (private_data_dir / "voiceprint.json").write_text(
        '{"format": "rehearse.voiceprint/1", "embedding": [1, 2]}'
    )
    result = run_cli("voice", "show")
    assert result.returncode == 1
    assert "damaged" in result.stderr and "rehearse voice enroll" in result.stderr
    assert "Traceback" not in result.stderr


def test_match_needs_a_close_and_clear_winner():
    me = unit(np.ones(256))
    close = unit(np.ones(256) + np.r_[np.ones(8), np.zeros(248)])
    far = unit(np.r_[np.ones(128), np.zeros(128)])
    print_ = voiceprint.VoicePrint(me, "now", "test", 10.0)
    assert voiceprint.match(print_, {"S1": far, "S2": close}).speaker == "S2"
    assert voiceprint.match(print_, {"S1": far}).speaker is None  # not close enough
    assert voiceprint.match(print_, {"S1": close, "S2": close}).speaker is None  # no clear winner


def test_enrolled_voice_is_closest_to_its_own_speaker():
    # The voice print is made from other sentences than the interview's.
    print_ = voiceprint.enroll(audio.load(AUDIO / "fr-interview-S1-voice.wav").mono, "test")
    stereo = audio.load(AUDIO / "fr-interview-stereo.flac").samples
    left, right = (voice.embed(channel) for channel in stereo)
    assert voiceprint.match(print_, {"S1": left, "S2": right}).speaker == "S1"
