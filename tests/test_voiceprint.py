"""Voice prints: enrollment from a file, storage, damage, and matching (real voice model)."""

import json
import sys

import numpy as np
import pytest

from conftest import AUDIO, ROOT, run_cli
from rehearse.audio import decode as audio
from rehearse.diarization import encoder as voice
from rehearse.diarization import voiceprint

sys.path.insert(0, str(ROOT / "benchmarks"))  # corpus: the real recordings, as test_real_speech has them


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


def _voice(seed, near=None, closeness=0.0):
    """A fake voice embedding: random non-negative (as the encoder's are), or ``closeness`` of
    the way to ``near``."""
    vector = np.random.default_rng(seed).random(256)
    if near is not None:
        vector = closeness * near / np.linalg.norm(near) + (1 - closeness) * vector / np.linalg.norm(vector)
    return unit(vector)


def test_a_clear_match_is_named_and_sure():
    me = _voice(1)
    print_ = voiceprint.VoicePrint(me, "now", "test", 12.0)
    found = voiceprint.match(print_, {"S1": _voice(2), "S2": _voice(3, me, 0.9)}, {"S1": 30.0, "S2": 30.0})
    assert found.speaker == "S2" and found.confidence >= 0.95 and found.condition == "clean"


def test_a_voice_that_is_not_there_is_not_named():
    print_ = voiceprint.VoicePrint(_voice(1), "now", "test", 12.0)
    found = voiceprint.match(print_, {"S1": _voice(2), "S2": _voice(3)}, {"S1": 30.0, "S2": 30.0})
    # Two random non-negative vectors are about 0.75 alike: below what says a voice is there.
    assert found.speaker is None and found.confidence < 0.05
    assert max(found.similarities.values()) > 0.6  # the test is not won by far-apart vectors


def test_under_ten_seconds_of_speech_is_never_judged_at_full_confidence():
    me = _voice(1)
    print_ = voiceprint.VoicePrint(me, "now", "test", 12.0)
    voices = {"S1": _voice(2), "S2": me}  # the very voice of the print
    sure = voiceprint.match(print_, voices, {"S1": 30.0, "S2": 30.0})
    assert sure.speaker == "S2" and sure.confidence >= 0.99
    # Half the speech to judge by, half the confidence: no longer enough to be named.
    half = voiceprint.match(print_, voices, {"S1": 30.0, "S2": 5.0})
    assert half.speaker is None and half.confidence <= sure.confidence / 2
    # The other speaker too brief to judge: the user may be that one.
    brief = voiceprint.match(print_, voices, {"S1": 3.0, "S2": 30.0})
    assert brief.speaker is None and brief.confidence <= 0.3


def test_the_recording_chooses_the_condition_the_print_is_heard_in():
    me, line, other = (unit(np.random.default_rng(seed).standard_normal(256)) for seed in (1, 9, 2))
    on_the_phone = unit(me + line)  # the voice as a phone line carries it
    print_ = voiceprint.VoicePrint(me, "now", "test", 12.0, {"phone": on_the_phone})
    voices = {"S1": unit(other + line), "S2": on_the_phone}
    found = voiceprint.match(print_, voices, {"S1": 30.0, "S2": 30.0})
    assert found.condition == "phone" and found.speaker == "S2" and found.confidence >= 0.95
    # The print as recorded is further from everyone on this line (about 0.7): nobody named.
    clean_only = voiceprint.match(voiceprint.VoicePrint(me, "now", "test", 12.0), voices, None)
    assert clean_only.speaker is None


def test_a_print_keeps_its_conditions_and_an_older_print_still_loads(private_data_dir):
    me = _voice(1)
    print_ = voiceprint.VoicePrint(me, "now", "test", 12.0, {"phone": _voice(5), "room": _voice(6)})
    voiceprint.save(print_)
    again = voiceprint.load()
    assert set(again.conditions) == {"phone", "room"}
    assert np.allclose(again.conditions["phone"], print_.conditions["phone"], atol=1e-5)
    stored = json.loads((private_data_dir / "voiceprint.json").read_text())
    del stored["conditions"]  # as saved before conditions existed
    (private_data_dir / "voiceprint.json").write_text(json.dumps(stored))
    older = voiceprint.load()
    assert older.conditions == {} and list(older.heard()) == ["clean"]
    assert voiceprint.match(older, {"S1": me}, {"S1": 30.0}).speaker == "S1"


def test_the_note_says_how_sure_the_closest_was():
    note = voiceprint.no_match_note({"S1": 0.7, "S2": 0.8}, "fr", 0.42)
    assert "S2" in note and "42\u00a0%" in note, "a certainty as a percent, spaced as French writes it"


def test_enrolled_voice_is_closest_to_its_own_speaker():
    # The voice print is made from other sentences than the interview's.
    print_ = voiceprint.enroll(audio.load(AUDIO / "fr-interview-S1-voice.wav").mono, "test")
    stereo = audio.load(AUDIO / "fr-interview-stereo.flac").samples
    left, right = (voice.embed(channel) for channel in stereo)
    assert voiceprint.match(print_, {"S1": left, "S2": right}).speaker == "S1"


def test_a_real_voice_enrolled_on_her_own_line_is_found_through_a_telephone_band():
    """CALLFRIEND's call (a real one): the woman enrolled from her own channel, then heard on
    the one-mic mix passed through the benchmark's telephone band (300-3400 Hz, mu-law), each
    woman's speech as the annotation has it; then the print against two people who are not
    in the recording (pyannote's sample), through the same band."""
    from corpus import assemble

    from test_real_speech import _source, sources

    call = _source(sources.transcriber_example, "know")
    recording = audio.load(call.audio)
    channel = assemble.channel_of(call, recording.samples)
    own = assemble.pieces(call, "speaker#1", channel["speaker#1"])
    print_ = voiceprint.enroll(assemble.monologue(own, "speaker#1").samples, "test")
    assert set(print_.conditions) == {"phone", "room", "room+phone"}

    def heard(source, names):
        """Each person's speech alone (others' turns cut out), through the telephone band."""
        voices, seconds = {}, {}
        for name in names:
            said = assemble.telephone(np.concatenate([p.samples for p in assemble.pieces(source, name)]))
            voices[name], seconds[name] = voice.embed(said), len(said) / 16_000
        return voices, seconds

    voices, seconds = heard(call, ["speaker#1", "speaker#2"])  # the one-mic mix, as know.sph's mono
    found = voiceprint.match(print_, voices, seconds)
    assert found.condition != "clean"
    assert max(found.similarities, key=found.similarities.get) == "speaker#1"
    # The other woman is heard 5 s: too little to be sure she is not the one enrolled.
    assert seconds["speaker#2"] < 10 and found.confidence <= seconds["speaker#2"] / 10
    # Heard long enough, the same similarities are a match; the print as recorded (the old
    # fixed line of 0.86) is further from her through the band.
    assert voiceprint.match(print_, voices).speaker == "speaker#1"
    assert float(np.dot(print_.embedding, voices["speaker#1"])) < found.similarities["speaker#1"]

    sample = _source(sources.pyannote_sample)
    strangers, _ = heard(sample, ["speaker90", "speaker91"])
    absent = voiceprint.match(print_, strangers)  # their 10 s taken as enough: refused by the voices
    assert absent.speaker is None and absent.confidence < 0.05
