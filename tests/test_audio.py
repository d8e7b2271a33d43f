import av
import numpy as np
import pytest

from conftest import AUDIO, write_wav
from rehearse.audio import activity
from rehearse.audio import decode as audio
from rehearse.errors import AudioError


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


def reference_samples(path) -> np.ndarray:
    """Decoding as it was done before the buffer: every resampled chunk kept, all joined at the
    end (the audio twice over at the peak). ``benchmarks/pipeline_speed.py`` measures it too."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        layout = "mono" if stream.codec_context.channels == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=audio.SAMPLE_RATE)
        chunks = []
        for frame in container.decode(stream):
            frame.pts = None
            chunks += [out.to_ndarray() for out in resampler.resample(frame)]
        chunks += [out.to_ndarray() for out in resampler.resample(None)]
    return np.concatenate(chunks, axis=1)


@pytest.mark.parametrize(
    "name",
    [
        "en-interview-stereo.flac",
        "en-interview-mono.wav",
        "fr-interview-mono.m4a",
        "fr-interview-S1-voice.wav",
    ],
)
def test_the_buffer_holds_exactly_what_joining_the_chunks_gave(name):
    assert np.array_equal(audio.load(AUDIO / name).samples, reference_samples(AUDIO / name))


def test_duplicated_stereo_is_held_once_as_the_mean_of_its_channels(tmp_path):
    rng = np.random.default_rng(2)
    left = rng.normal(0, 0.1, 40_000)
    right = left + rng.normal(0, 0.001, 40_000)  # a copy, give or take a little noise
    write_wav(tmp_path / "dup.wav", np.stack([left, right], axis=1))
    recording = audio.load(tmp_path / "dup.wav")
    both = reference_samples(tmp_path / "dup.wav")
    assert recording.samples.shape == (1, 40_000) and recording.info.channels == 2
    assert np.array_equal(recording.mono, both.mean(axis=0, dtype=np.float32))


@pytest.mark.parametrize("channels", [1, 2])
def test_the_buffer_grows_in_place_when_the_stream_runs_past_its_announced_length(channels):
    rng = np.random.default_rng(3)
    blocks = [rng.normal(0, 0.1, (channels, int(n))).astype(np.float32) for n in rng.integers(1, 9_000, 40)]
    buffer = audio._Buffer(channels, 0.1)  # announced: a tenth of a second
    for block in blocks:
        buffer.append(block)
    joined = np.concatenate(blocks, axis=1)
    assert joined.shape[1] <= buffer.capacity < 1.5 * joined.shape[1] + 9_000
    assert np.array_equal(buffer.rows(), joined)
    assert buffer.capacity - joined.shape[1] < audio.SAMPLE_RATE  # spare room given back


def test_the_buffer_gives_back_what_a_lying_header_announced():
    buffer = audio._Buffer(2, 60.0)
    block = np.arange(2 * 20_000, dtype=np.float32).reshape(2, 20_000)
    buffer.append(block)
    assert np.array_equal(buffer.rows(), block) and buffer.flat.size == block.size
    buffer.fold()
    assert np.array_equal(buffer.rows(), block.mean(axis=0, dtype=np.float32)[None])
    assert buffer.flat.size == 20_000


def test_the_buffer_still_grows_when_something_else_holds_its_samples():
    # A profiler or a debugger keeps references that forbid resizing in place.
    buffer = audio._Buffer(2, 0.1)
    held = buffer.flat
    block = np.arange(2 * 20_000, dtype=np.float32).reshape(2, 20_000)
    buffer.append(block)
    assert np.array_equal(buffer.rows(), block) and held is not buffer.flat
    buffer.fold()
    assert np.array_equal(buffer.rows(), block.mean(axis=0, dtype=np.float32)[None])


def test_long_recordings_go_through_voice_activity_in_pieces(monkeypatch):
    speech = audio.load(AUDIO / "en-interview-mono.wav").samples[0]
    long = np.concatenate([speech] * 3)
    whole = activity.voice_activity(long, "S1")
    monkeypatch.setattr(activity, "VAD_PIECE_SECONDS", 80.0)
    pieces = activity.voice_activity(long, "S1")
    assert pieces[0].start == whole[0].start and pieces[-1].end == whole[-1].end
    assert sum(s.duration for s in pieces) == pytest.approx(sum(s.duration for s in whole), rel=0.01)
    assert abs(len(pieces) - len(whole)) <= 2


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
    assert rec.info.damage is not None and rec.info.damage.read == rec.info.duration


def test_chunks_cover_the_audio_and_end_in_its_quietest_moments():
    from rehearse.audio.cuts import chunk_bounds

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
    assert chunk_bounds(noise[: rate * 10], 300.0) == [(0, rate * 10)]
