"""The recording on disk: 16-bit WAV written as it arrives, repaired after a crash, and
encoded to FLAC once finished.

The header's sizes are rewritten every second, so a crash, a kill -9 or a power cut loses
at most the last second, and a file whose header lags behind its data is repaired by
:func:`recover` (``rehearse record --recover``, or automatically before the next recording).
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import time
from pathlib import Path
from typing import BinaryIO

import numpy as np

from rehearse.errors import RecordingError
from rehearse.recording import sidecar

HEADER_BYTES = 44
SYNC_SECONDS = 1.0


def pcm16(block: np.ndarray) -> np.ndarray:
    """Float samples as the 16-bit samples written to the file."""
    return (np.clip(block, -1.0, 1.0) * 32767).astype("<i2")


def _header(channels: int, rate: int, data_bytes: int) -> bytes:
    block = channels * 2
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


class WavWriter:
    """16-bit PCM WAV written as it comes, with sizes kept current on disk every second."""

    def __init__(self, path: Path, channels: int, rate: int) -> None:
        self.path, self.channels, self.rate = path, channels, rate
        self.frames = 0
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._file.write(_header(channels, rate, 0))
        self._synced = time.monotonic()

    def write(self, block: np.ndarray) -> None:
        """Append float32 frames shaped (n, channels). Raises RecordingError on a full disk."""
        pcm = pcm16(block)
        try:
            self._file.write(pcm.tobytes())
            self.frames += len(pcm)
            if time.monotonic() - self._synced >= SYNC_SECONDS:
                self.sync()
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise RecordingError(
                    "the disk is full: recording stopped, {kept} s kept in {path}",
                    kept=f"{self.seconds:.0f}",
                    path=self.path,
                ) from exc
            raise RecordingError("cannot write {path}: {reason}", path=self.path, reason=exc.strerror or exc) from exc

    @property
    def seconds(self) -> float:
        return self.frames / self.rate

    def sync(self) -> None:
        self._file.flush()
        position = self._file.tell()
        self._file.seek(0)
        self._file.write(_header(self.channels, self.rate, self.frames * self.channels * 2))
        self._file.seek(position)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._synced = time.monotonic()

    def close(self) -> None:
        # On a full disk the header may not update: recover() fixes it from the data later.
        with contextlib.suppress(OSError):
            self.sync()
        self._file.close()


def recover(path: Path) -> float | None:
    """Repair the header of a WAV left unfinished; return its seconds, or None if it was fine."""
    with open(path, "r+b") as file:
        head = file.read(HEADER_BYTES)
        if (
            len(head) < HEADER_BYTES
            or head[:4] != b"RIFF"
            or head[8:16] != b"WAVEfmt "
            or head[36:40] != b"data"
        ):
            raise RecordingError("{path}: not a recording made by rehearse; cannot repair it", path=path)
        channels, rate = struct.unpack("<HI", head[22:28])
        block = channels * 2
        size = os.path.getsize(path)
        data = (size - HEADER_BYTES) // block * block
        if struct.unpack("<I", head[40:44])[0] == data:
            return None
        file.truncate(HEADER_BYTES + data)
        file.seek(0)
        file.write(_header(channels, rate, data))
    return data / block / rate


def save_as_flac(take: Path, target: Path) -> None:
    """Encode a finished WAV take as FLAC (lossless, about half the size) and remove the WAV.

    The WAV goes only once the FLAC decodes to the same number of frames; on any failure the
    WAV stays, and the error says where it is.
    """
    import av

    staging = target.with_name(target.name + ".part")
    try:
        with av.open(str(take)) as source, av.open(str(staging), "w", format="flac") as sink:
            decoded = source.streams.audio[0]
            stream = sink.add_stream("flac", rate=decoded.rate, layout=decoded.layout.name)
            for frame in source.decode(decoded):
                frame.pts = None
                sink.mux(stream.encode(frame))
            sink.mux(stream.encode(None))
        with av.open(str(take)) as source, av.open(str(staging)) as written:
            wanted = sum(frame.samples for frame in source.decode(audio=0))
            got = sum(frame.samples for frame in written.decode(audio=0))
        if got != wanted:
            raise RecordingError("the FLAC holds {got} frames instead of {wanted}", got=got, wanted=wanted)
        staging.replace(target)
    except (OSError, av.error.FFmpegError, RecordingError) as exc:
        staging.unlink(missing_ok=True)
        raise RecordingError(
            "could not write {name} ({reason}); the recording is kept as {take}",
            name=target.name,
            reason=exc,
            take=take,
        ) from exc
    side = sidecar.read(take)
    if side:
        side["audio"] = target.name
        sidecar.write_json_atomically(sidecar.path(take), side)
    take.unlink()
