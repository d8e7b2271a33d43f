"""Short captures from the microphone, through PortAudio (sounddevice)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from rehearse.audio import SAMPLE_RATE
from rehearse.errors import RehearseError

LevelCallback = Callable[[float, float], None]  # (seconds recorded, level in dBFS)


class MicrophoneError(RehearseError):
    pass


def record(
    seconds: float, device: str | int | None = None, on_level: LevelCallback | None = None
) -> np.ndarray:
    """``seconds`` of mono 16 kHz audio from ``device`` (default input when None)."""
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise MicrophoneError(
            f"cannot use the microphone: {exc} (install PortAudio: sudo apt install libportaudio2)"
        ) from exc
    wanted = int(seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    got = 0
    done = threading.Event()

    def callback(data, frames, time, status):  # type: ignore[no-untyped-def]
        nonlocal got
        chunk = data[:, 0].copy()
        chunks.append(chunk)
        got += len(chunk)
        if on_level:
            rms = float(np.sqrt(np.mean(chunk.astype(np.float64) ** 2))) if len(chunk) else 0.0
            on_level(got / SAMPLE_RATE, 20 * np.log10(max(rms, 1e-10)))
        if got >= wanted:
            done.set()
            raise sounddevice.CallbackStop

    try:
        with sounddevice.InputStream(
            samplerate=SAMPLE_RATE, channels=1, dtype="float32", device=device, callback=callback
        ):
            if not done.wait(seconds + 5):
                raise MicrophoneError(
                    "the microphone sent no sound for several seconds; is it muted or busy?"
                )
    except sounddevice.PortAudioError as exc:
        raise MicrophoneError(
            f"cannot record from the microphone: {exc}; check that an input device is connected and not in use"
        ) from exc
    except ValueError as exc:  # an unknown device name or number
        raise MicrophoneError(f"no such input device {device!r}: {exc}") from exc
    return np.concatenate(chunks)[:wanted] if chunks else np.zeros(0, np.float32)
