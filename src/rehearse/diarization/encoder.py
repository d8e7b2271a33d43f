"""Voice embeddings: what a stretch of speech sounds like, as a 256-d unit vector.

The encoder is resemblyzer's GE2E model exported to ONNX (``assets/voice_encoder.onnx``,
see ``tools/export_voice_encoder.py``). Its frontend is reproduced here in numpy:
mel *power* bands (not log-mel) as librosa's ``melspectrogram`` computes them by default,
on audio raised to -30 dBFS. ``tests/test_voice.py`` checks both against values
produced once by the original.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from rehearse.audio.decode import SAMPLE_RATE
from rehearse.errors import ModelError
from rehearse.transcription import runtimes

if TYPE_CHECKING:
    import onnxruntime

N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
TARGET_DBFS = -30.0
FRAMES_PER_SECOND = SAMPLE_RATE // HOP
BATCH = 64  # windows per onnxruntime call: large enough to use both cores, small in memory


def _hz_to_mel(hz: float | np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / (200.0 / 3)
    log_part = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, log_part, linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    linear = mel * (200.0 / 3)
    log_part = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
    return np.where(mel >= 15.0, log_part, linear)


@cache
def mel_filters() -> np.ndarray:
    """Triangular slaney-normalised mel filters, shape (40, 201), as librosa.filters.mel builds them."""
    fft_freqs = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def volume_gain(samples: np.ndarray) -> float:
    """The gain that raises quiet audio to -30 dBFS RMS, as the encoder was trained on; never below
    1. In whole decibels, so that a session's gain settles on its final value early."""
    power = float(np.mean(np.square(samples, dtype=np.float64))) if len(samples) else 0.0
    if power == 0.0:
        return 1.0
    return 10 ** (max(0.0, round(TARGET_DBFS - 10 * np.log10(power))) / 20)


def normalize_volume(samples: np.ndarray) -> np.ndarray:
    gain = volume_gain(samples)
    return samples if gain == 1.0 else (samples * np.float32(gain)).astype(np.float32)


def frame_count(samples: int) -> int:
    """How many mel frames :func:`mel_frames` gives for this many samples."""
    return 1 + samples // HOP


def frame_audio(samples: np.ndarray, first: int = 0, last: int | None = None) -> np.ndarray:
    """The audio that mel frames ``first`` to ``last`` (excluded; all by default) are computed
    from: their samples, zero beyond the ends of the recording."""
    last = frame_count(len(samples)) if last is None else min(last, frame_count(len(samples)))
    if last <= first:
        return np.zeros(0, np.float32)
    lo, hi = first * HOP - N_FFT // 2, (last - 1) * HOP + N_FFT // 2
    piece = samples[max(lo, 0) : min(hi, len(samples))].astype(np.float32, copy=False)
    return np.pad(piece, (max(-lo, 0), max(hi - len(samples), 0)))


def mel_frames(samples: np.ndarray, first: int = 0, last: int | None = None) -> np.ndarray:
    """Mel power frames ``first`` to ``last`` (excluded; all by default) of 16 kHz audio, shape
    (frames, 40): centred Hann frames every 10 ms."""
    return mels_of(frame_audio(samples, first, last))


def mels_of(audio: np.ndarray) -> np.ndarray:
    """The mel power frames of what :func:`frame_audio` gives."""
    count = 1 + (len(audio) - N_FFT) // HOP if len(audio) >= N_FFT else 0
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)  # periodic Hann, like scipy's fftbins=True
    filters = mel_filters()
    out = np.empty((count, N_MELS), np.float32)
    block = 4096  # frames per FFT call keeps the complex spectrum small on long audio
    strided = np.lib.stride_tricks.sliding_window_view(audio, N_FFT)[::HOP] if count else audio[:0, None]
    for at in range(0, count, block):
        spectrum = np.fft.rfft(strided[at : at + block] * window, axis=1)
        power = spectrum.real**2 + spectrum.imag**2
        out[at : at + block] = power.astype(np.float32) @ filters.T
    return out


@cache
def _session() -> onnxruntime.InferenceSession:
    runtimes.disable_telemetry()  # first: onnxruntime reads the switch when it is imported
    import onnxruntime  # lazy: loading it costs a noticeable part of a second

    model = resources.files("rehearse") / "assets" / "voice_encoder.onnx"
    try:
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        return onnxruntime.InferenceSession(model.read_bytes(), options, providers=["CPUExecutionProvider"])
    except (OSError, RuntimeError) as exc:
        raise ModelError("cannot load the voice model ({reason}); reinstall rehearse", reason=exc) from exc


def embed_frames(windows: np.ndarray) -> np.ndarray:
    """Embeddings of mel windows shaped (n, frames, 40): (n, 256), each of unit length."""
    session = _session()
    if not len(windows):
        return np.zeros((0, 256), np.float32)
    return np.concatenate(
        [session.run(None, {"mels": windows[i : i + BATCH]})[0] for i in range(0, len(windows), BATCH)]
    )


def embed(samples: np.ndarray, window_frames: int = 160, hop_frames: int = 80) -> np.ndarray:
    """One embedding for a stretch of speech: the normalised mean of its windows' embeddings."""
    mels = mel_frames(normalize_volume(samples))
    if len(mels) < window_frames:
        windows = mels[None]
    else:
        starts = range(0, len(mels) - window_frames + 1, hop_frames)
        windows = np.stack([mels[s : s + window_frames] for s in starts])
    mean = embed_frames(windows).mean(axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32)
