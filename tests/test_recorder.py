"""Recording: the crash-safe WAV writer and its repair (fast), then real PortAudio through a
PulseAudio null sink: a fixture is played into the sink while `rehearse record` records its
monitor, and the recording is compared with the fixture."""

import os
import shutil
import signal
import subprocess
import sys
import time
import wave

import numpy as np
import pytest

from conftest import AUDIO, run_cli
from rehearse import audio, recorder


def test_header_is_current_after_each_sync_and_repair_fixes_a_stale_one(tmp_path):
    path = tmp_path / "take.wav"
    writer = recorder.WavWriter(path, 2, 16_000)
    block = np.full((16_000, 2), 0.25, np.float32)
    writer.write(block)
    writer.sync()
    with wave.open(str(path)) as w:  # readable mid-recording, as after a crash
        assert w.getnframes() == 16_000 and w.getnchannels() == 2
    writer.write(block[:8000])  # not synced: the header lags, as after kill -9
    writer._file.flush()
    assert recorder.recover(path) == pytest.approx(1.5)
    with wave.open(str(path)) as w:
        assert w.getnframes() == 24_000
    assert recorder.recover(path) is None  # nothing left to repair


def test_repair_drops_a_half_written_frame_and_refuses_foreign_files(tmp_path):
    path = tmp_path / "take.wav"
    writer = recorder.WavWriter(path, 1, 16_000)
    writer.write(np.zeros((100, 1), np.float32))
    writer._file.write(b"\x01")  # the crash came mid-sample
    writer._file.flush()
    assert recorder.recover(path) == pytest.approx(100 / 16_000)
    assert os.path.getsize(path) == 44 + 200
    other = tmp_path / "other.wav"
    other.write_bytes(b"not a wav file at all, just bytes" * 3)
    with pytest.raises(recorder.RecordingError, match="not a recording made by rehearse"):
        recorder.recover(other)


def test_levels_flag_clipping_and_a_dead_mic():
    levels = recorder.Levels(dbfs=[-120.0] * 2, clipped=[False] * 2, silent_for=[0.0] * 2, talk=[0.0] * 2)
    loud = np.stack([np.full(1600, 1.0, np.float32), np.zeros(1600, np.float32)], axis=1)
    for second in range(11):
        for _ in range(10):
            recorder._update(levels, loud, 16_000, second + 0.1)
    assert levels.clipped == [True, False]
    assert levels.silent_for[1] >= recorder.SILENT_WARNING_SECONDS and levels.silent_for[0] == 0.0
    assert levels.talk[0] == pytest.approx(11.0) and levels.talk[1] == 0.0
    assert levels.speaking == 0 and levels.stretch == pytest.approx(11.0)


def test_two_devices_are_written_side_by_side_in_step():
    pending = [[np.ones((300, 1), np.float32)], [np.zeros((200, 1), np.float32)]]
    block = recorder._aligned(pending)
    assert block.shape == (200, 2)
    assert [sum(len(p) for p in q) for q in pending] == [100, 0]


# --- real PortAudio, through PulseAudio -------------------------------------------------


@pytest.fixture(scope="module")
def null_sink():
    """A PulseAudio daemon with a null sink whose monitor is the default input."""
    for tool in ("pulseaudio", "pactl", "paplay"):
        if shutil.which(tool) is None:
            pytest.fail(
                f"{tool} is missing: apt install pulseaudio pulseaudio-utils libasound2-plugins (see .ci/run)"
            )
    if subprocess.run(["pulseaudio", "--check"]).returncode != 0:
        subprocess.run(["pulseaudio", "-D", "--exit-idle-time=-1"], check=True, capture_output=True)
        time.sleep(1)
    module = subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=rehearse_ci"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(["pactl", "set-default-sink", "rehearse_ci"], check=True)
    subprocess.run(["pactl", "set-default-source", "rehearse_ci.monitor"], check=True)
    yield
    subprocess.run(["pactl", "unload-module", module])


def played_and_recorded(recording):
    """Best alignment of the recording with the fixture: (correlation, level difference in dB)."""
    played = audio.load(AUDIO / "en-interview-S1-voice.wav").mono
    heard = audio.load(recording).mono
    template = played[16_000 : 16_000 * 5]  # seconds 1-5: speech, and surely after recording began
    lag = int(np.argmax(np.correlate(heard, template, mode="valid"))) - 16_000
    a = heard[max(lag, 0) :]
    b = played[max(-lag, 0) :]
    a, b = a[: min(len(a), len(b))], b[: min(len(a), len(b))]
    coefficient = float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))
    level = 20 * np.log10(np.sqrt(np.mean(a**2)) / np.sqrt(np.mean(b**2)))
    return coefficient, level


def start_when_recording(path, *command):
    """Run ``command`` once the recorder has created ``path``, so nothing is played into the void."""
    return subprocess.Popen(
        [
            "bash",
            "-c",
            f'for i in $(seq 200); do [ -e "{path}" ] && break; sleep 0.1; done; sleep 0.5; "$@"',
            "-",
            *command,
        ]
    )


@pytest.mark.e2e
def test_record_captures_what_is_played_and_analyzes_it(null_sink, tmp_path):
    out = tmp_path / "session.wav"
    player = start_when_recording(out, "paplay", str(AUDIO / "en-interview-S1-voice.wav"))
    result = run_cli("record", str(out), "--duration", "16", "--profile", "job-interview", "--analyze")
    player.wait()
    assert result.returncode == 0, result.stderr
    assert "Questions to use" in result.stderr and "Saved" in result.stderr
    assert "feedback report" in result.stdout and str(out) in result.stdout
    assert "only one voice was heard" in result.stdout  # the fixture is one person speaking
    # Measured through PulseAudio's resampling: correlation 0.986, level within 1.3 dB.
    coefficient, level = played_and_recorded(out)
    assert coefficient > 0.95, coefficient
    assert abs(level) < 3.0, level
    info = recorder.json.loads((tmp_path / "session.session.json").read_text())
    assert info["complete"] and info["stopped_by"] == "duration" and info["duration"] == pytest.approx(16.0)
    assert info["profile"] == "job-interview" and info["sample_rate"] == 16_000


def test_kill_9_loses_at_most_a_second(null_sink, tmp_path):
    out = tmp_path / "crash.wav"
    player = subprocess.Popen(["paplay", str(AUDIO / "en-interview-S1-voice.wav")])
    process = subprocess.Popen([sys.executable, "-m", "rehearse", "record", str(out)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    # Time starts when audio starts landing in the file (the stream takes a moment to open).
    while not (out.exists() and out.stat().st_size > 44) and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    time.sleep(5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    alive = time.monotonic() - started
    player.terminate()
    repaired = run_cli("record", "--recover", str(out))
    assert repaired.returncode == 0, repaired.stderr
    with wave.open(str(out)) as w:
        kept = w.getnframes() / w.getframerate()
    # The header is synced every second and Python buffers 8 KB (0.25 s): at most ~1.3 s lost.
    assert alive - 1.3 <= kept <= alive + 0.3, (kept, alive)
    assert recorder.json.loads((tmp_path / "crash.session.json").read_text())["recovered"] is True
    assert "Nothing to repair" in run_cli("record", "--recover", str(out)).stdout


def test_bad_devices_and_paths_get_one_line(null_sink, tmp_path):
    unknown = run_cli("record", str(tmp_path / "x.wav"), "--device", "no-such-mic", "--duration", "2")
    assert unknown.returncode == 1
    assert "no input device matching 'no-such-mic'" in unknown.stderr and "rehearse devices" in unknown.stderr
    existing = tmp_path / "taken.wav"
    existing.write_bytes(b"keep me")
    clash = run_cli("record", str(existing), "--duration", "2")
    assert clash.returncode == 1 and "nothing was overwritten" in clash.stderr
    assert existing.read_bytes() == b"keep me"
    listed = run_cli("devices", "--json")
    assert listed.returncode == 0 and any(d["is_default"] for d in recorder.json.loads(listed.stdout))


def test_voice_enroll_from_the_microphone(null_sink, private_data_dir):
    player = subprocess.Popen(["bash", "-c", f"sleep 2; paplay {AUDIO / 'en-interview-S1-voice.wav'}"])
    result = run_cli("voice", "enroll", "--seconds", "14")
    player.wait()
    assert result.returncode == 0, result.stderr
    stored = recorder.json.loads((private_data_dir / "voiceprint.json").read_text())
    assert stored["source"] == "microphone" and stored["speech_seconds"] >= 8
