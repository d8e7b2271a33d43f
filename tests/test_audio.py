import wave

import av
import numpy as np
import pytest

from conftest import AUDIO
from rehearse.audio import decode as audio
from rehearse.errors import AudioError


def write_wav(path, samples: np.ndarray, rate: int = 16_000) -> None:
    """samples: float in [-1, 1], shape (frames, channels)."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((samples * 32767).astype("<i2").tobytes())


def test_stereo_fixture_keeps_its_channels():
    rec = audio.load(AUDIO / "en-interview-stereo.flac")
    assert rec.samples.shape[0] == 2 and rec.speaker_channels == 2
    assert rec.info.channels == 2 and rec.info.sample_rate == 16_000
    assert rec.info.duration == pytest.approx(70.37, abs=0.05)


def test_m4a_decodes_and_resamples(tmp_path):
    rec = audio.load(AUDIO / "fr-interview-mono.m4a")
    assert rec.samples.shape[0] == 1 and rec.info.duration == pytest.approx(58.23, abs=0.1)


def test_resampling_from_44_1_khz(tmp_path):
    t = np.arange(44_100 * 2) / 44_100
    write_wav(tmp_path / "a.wav", (0.5 * np.sin(2 * np.pi * 440 * t))[:, None], rate=44_100)
    rec = audio.load(tmp_path / "a.wav")
    assert rec.samples.shape == (1, 32_000) and rec.info.sample_rate == 44_100


def test_duplicated_stereo_counts_as_one_channel(tmp_path):
    mono = np.random.default_rng(1).normal(0, 0.1, 16_000)
    write_wav(tmp_path / "dup.wav", np.stack([mono, mono], axis=1))
    assert audio.load(tmp_path / "dup.wav").speaker_channels == 1


def test_progress_reaches_the_end():
    seen = []
    audio.load(AUDIO / "en-interview-mono.wav", seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.wav", None, "no such file"),
        ("", None, "is a directory"),
        ("empty.wav", b"", "empty"),
        ("notes.wav", b"not audio at all\n" * 50, "not a recording"),
    ],
)
def test_unreadable_inputs(tmp_path, name, content, message):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(AudioError, match=message):
        audio.load(tmp_path / name)


def test_eight_channels_are_refused_with_a_fix(tmp_path):
    write_wav(tmp_path / "multi.wav", np.zeros((16_000, 8)))
    with pytest.raises(AudioError, match="8 audio channels.*ffmpeg"):
        audio.load(tmp_path / "multi.wav")


def test_video_without_audio_track(tmp_path):
    path = tmp_path / "screen.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(AudioError, match="no audio track"):
        audio.load(path)


def test_truncated_file_keeps_what_decodes(tmp_path):
    data = (AUDIO / "en-interview-stereo.flac").read_bytes()
    (tmp_path / "cut.flac").write_bytes(data[: len(data) // 2])
    rec = audio.load(tmp_path / "cut.flac")
    assert 20 < rec.info.duration < 50


def test_chunks_cover_the_audio_and_end_in_its_quietest_moments():
    from rehearse.transcription.whisper import chunk_bounds

    rate = 16_000
    noise = np.random.default_rng(0).normal(0, 0.1, rate * 700).astype(np.float32)
    noise[rate * 270 : rate * 271] = 0  # pauses inside each chunk's last minute
    noise[rate * 560 : rate * 561] = 0
    bounds = chunk_bounds(noise, 300.0)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(noise)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(hi - lo <= 300 * rate for lo, hi in bounds)
    assert 270 * rate < bounds[1][0] < 271 * rate
    assert 560 * rate < bounds[2][0] < 561 * rate
    assert chunk_bounds(noise[: rate * 10]) == [(0, rate * 10)]
