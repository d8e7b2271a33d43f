"""Reading a recording: any container PyAV (FFmpeg) can open, resampled to 16 kHz.

Channels are kept apart, because a two-mic recording tells who spoke when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.conversation import AudioInfo
from rehearse.errors import AudioError

SAMPLE_RATE = 16_000
MAX_CHANNELS = 2
# Two channels this alike are one signal copied twice (a mono memo saved as stereo).
DUPLICATE_CHANNEL_CORRELATION = 0.98

ProgressCallback = Callable[[float], None]


@dataclass
class Recording:
    """Decoded audio: ``samples`` is float32 with shape (channels, n) at 16 kHz."""

    info: AudioInfo
    samples: np.ndarray

    @property
    def mono(self) -> np.ndarray:
        return self.samples.mean(axis=0, dtype=np.float32) if len(self.samples) > 1 else self.samples[0]

    @property
    def speaker_channels(self) -> int:
        """How many channels carry distinct speakers (1 for a mono or duplicated-stereo file)."""
        if len(self.samples) == 1 or _channels_are_copies(self.samples):
            return 1
        return len(self.samples)


def load(path: str | Path, progress: ProgressCallback | None = None) -> Recording:
    """Decode ``path`` to 16 kHz float32, one row per channel.

    Raises:
        AudioError: missing, unreadable, without audio, or with too many channels.
    """
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if path.is_dir():
        raise AudioError(f"{path}: is a directory, not a recording")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: the file is empty (0 bytes)")

    import av  # lazy: PyAV loads FFmpeg, which --help should not pay for

    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise AudioError(f"{path}: not a recording rehearse can read ({_reason(exc)})") from exc
    with container:
        if not container.streams.audio:
            raise AudioError(f"{path}: the file has no audio track")
        stream = container.streams.audio[0]
        channels = stream.codec_context.channels
        if channels > MAX_CHANNELS:
            raise AudioError(
                f"{path}: {channels} audio channels; rehearse takes mono or one speaker per channel "
                f"on 2 channels (mix down first: ffmpeg -i {path.name} -ac 1 mono.wav)"
            )
        total = _duration(container, stream)
        layout = "mono" if channels == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler follow the samples, not broken timestamps
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
                if progress and total and frame.time is not None:
                    progress(min(frame.time / total, 1.0))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
        except av.error.FFmpegError as exc:
            if not chunks:
                raise AudioError(f"{path}: the audio cannot be decoded ({_reason(exc)})") from exc
            # A truncated file: keep what decoded, as a player would.
    if not chunks:
        raise AudioError(f"{path}: the audio track holds no samples")
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    if progress:
        progress(1.0)
    info = AudioInfo(
        path=str(path),
        duration=round(samples.shape[1] / SAMPLE_RATE, 3),
        channels=channels,
        sample_rate=stream.codec_context.sample_rate or SAMPLE_RATE,
    )
    return Recording(info=info, samples=samples)


def excerpt(samples: np.ndarray, spans: list[tuple[float, float]], limit: float) -> np.ndarray:
    """The audio of ``spans`` (seconds) joined end to end, up to ``limit`` seconds."""
    pieces, total = [], 0
    for start, end in spans:
        piece = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)][: int(limit * SAMPLE_RATE) - total]
        pieces.append(piece)
        total += len(piece)
        if total >= limit * SAMPLE_RATE:
            break
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)


def _duration(container, stream) -> float | None:  # type: ignore[no-untyped-def]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return None


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "strerror", None) or str(exc)
    return reason.strip().rstrip(".").lower() or type(exc).__name__


def _channels_are_copies(samples: np.ndarray) -> bool:
    left, right = samples[0], samples[1]
    energy = float(np.sqrt(np.dot(left, left) * np.dot(right, right)))
    if energy == 0.0:
        return True
    return float(np.dot(left, right)) / energy >= DUPLICATE_CHANNEL_CORRELATION
