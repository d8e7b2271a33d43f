"""Reading a recording: any container PyAV (FFmpeg) can open, resampled to 16 kHz.

Channels are kept apart, because a two-mic recording tells who spoke when. A damaged file
(cut short, or with stretches that do not decode) is read as far as it goes, as a player
would, and what was lost is put on ``AudioInfo.damage``: a report on half an interview must
say it is one.
"""

from __future__ import annotations

import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.conversation import AudioInfo, Damage
from rehearse.errors import AudioError
from rehearse.i18n import N_, figure_text, ntr, tr

SAMPLE_RATE = 16_000
MAX_CHANNELS = 2
# Two channels this alike are one signal copied twice (a mono memo saved as stereo).
DUPLICATE_CHANNEL_CORRELATION = 0.98
# Decoders add or drop a few milliseconds at the edges (encoder delay, priming): a file this
# much shorter than its header announces has lost part of itself.
MISSING_TOLERANCE = 0.1
# Containers whose header states the length exactly. Elsewhere (an MP3 without a Xing header,
# raw AAC) FFmpeg estimates it from the bit rate, and an estimate on the low side would call a
# healthy file damaged. WAV is read apart: FFmpeg quietly cuts its header's length to the bytes
# present, which is the very damage to report.
EXACT_LENGTH_FORMATS = frozenset({"flac", "mov,mp4,m4a,3gp,3g2,mj2", "aiff", "caf"})
# The buffer is sized from the length the file announces, but a header may lie: past this, it
# grows as samples actually come.
MAX_PREALLOCATED_SECONDS = 3 * 3600.0
# Room made at first when the file announces no length at all.
UNKNOWN_LENGTH_SECONDS = 600.0

# What a path that is not a regular file is; reading a FIFO with no writer would wait for ever,
# and a device such as /dev/zero never ends.
NOT_A_FILE = {
    stat.S_IFDIR: N_("{path}: is a directory, not a recording"),
    stat.S_IFIFO: N_("{path}: is a named pipe (FIFO), not a recording file; save the audio to a file first"),
    stat.S_IFCHR: N_("{path}: is a device, not a recording file; record to a file first (rehearse record)"),
    stat.S_IFBLK: N_("{path}: is a block device, not a recording file"),
    stat.S_IFSOCK: N_("{path}: is a socket, not a recording file; save the audio to a file first"),
}
NOT_REGULAR = N_("{path}: is not a regular file")

ProgressCallback = Callable[[float], None]


@dataclass
class Recording:
    """Decoded audio: ``samples`` is float32 with shape (channels, n) at 16 kHz.

    A stereo file whose two channels carry the same signal comes as one row (their mean):
    :func:`load` folds it, so it is never held twice.
    """

    info: AudioInfo
    samples: np.ndarray

    @property
    def mono(self) -> np.ndarray:
        """The channels mixed down: a new array for two speaker channels, the row itself for one."""
        return self.samples.mean(axis=0, dtype=np.float32) if len(self.samples) > 1 else self.samples[0]

    @property
    def speaker_channels(self) -> int:
        """How many channels carry distinct speakers (1 for a mono or duplicated-stereo file)."""
        return len(self.samples)


def load(path: str | Path, progress: ProgressCallback | None = None) -> Recording:
    """Decode ``path`` to 16 kHz float32, one row per speaker channel.

    A damaged file gives what decodes, with ``info.damage`` saying what was lost; only a file
    of which nothing decodes raises.

    Raises:
        AudioError: missing, not a regular file, empty, unreadable, without audio, with too
            many channels, or with nothing that decodes.
    """
    path = Path(path)
    _check_regular_file(path)

    import av  # lazy: PyAV loads FFmpeg, which --help should not pay for

    try:
        # Local files only: a playlist or session file must not make FFmpeg open a URL it names.
        container = av.open(str(path), metadata_errors="ignore", options={"protocol_whitelist": "file"})
    except av.error.FFmpegError as exc:
        raise AudioError(
            "{path}: not a recording rehearse can read, or a damaged one ({reason})", path=path, reason=_reason(exc)
        ) from exc
    with container:
        if not container.streams.audio:
            raise AudioError("{path}: the file has no audio track", path=path)
        stream = container.streams.audio[0]
        channels = stream.codec_context.channels
        if channels > MAX_CHANNELS:
            raise AudioError(
                "{path}: {channels} audio channels; rehearse takes mono or one speaker per channel "
                "on 2 channels (mix down first: ffmpeg -i {name} -ac 1 mono.wav)",
                path=path,
                channels=channels,
                name=path.name,
            )
        expected = _announced(path, container, stream)
        buffer = _Buffer(channels, _length(container, stream) or expected or UNKNOWN_LENGTH_SECONDS)
        skipped, stopped, reason = _decode(av, container, stream, buffer, progress)
    if not buffer.length:
        if expected:
            if reason:
                raise AudioError(
                    "{path}: the file is damaged: nothing of the {length} it announces could be decoded ({reason})",
                    path=path,
                    length=figure_text(expected, "seconds", "en"),
                    reason=reason,
                )
            raise AudioError(
                "{path}: the file is damaged: nothing of the {length} it announces could be decoded (no audio data)",
                path=path,
                length=figure_text(expected, "seconds", "en"),
            )
        if reason:
            raise AudioError("{path}: the audio cannot be decoded ({reason})", path=path, reason=reason)
        raise AudioError("{path}: the audio track holds no samples", path=path)
    read = round(buffer.length / SAMPLE_RATE, 3)
    damage = None
    if skipped or stopped or (expected is not None and expected - read > MISSING_TOLERANCE):
        damage = Damage(None if expected is None else round(expected, 3), read, skipped, stopped, reason)
    if channels == 2 and _channels_are_copies(buffer.rows()):
        buffer.fold()
    if progress:
        progress(1.0)
    info = AudioInfo(
        path=str(path),
        duration=read,
        channels=channels,
        sample_rate=stream.codec_context.sample_rate or SAMPLE_RATE,
        damage=damage,
    )
    return Recording(info=info, samples=buffer.rows())


def damage_note(damage: Damage, lang: str) -> str:
    """What a damaged recording lost, in one sentence of the report's language ("en", "fr"),
    for the report's notes and the command's warning."""

    def seconds(value: float) -> str:
        return figure_text(value, "seconds", lang)

    parts = []
    if damage.expected is not None and damage.missing > MISSING_TOLERANCE:
        parts.append(
            tr(
                lang,
                "{missing} of the {expected} it announces could not be read",
                missing=seconds(damage.missing),
                expected=seconds(damage.expected),
            )
        )
    elif damage.stopped:
        parts.append(tr(lang, "reading stopped at {time}", time=seconds(damage.read)))
    if damage.skipped:
        parts.append(
            ntr(
                lang,
                "{count} passage could not be decoded and was left out",
                "{count} passages could not be decoded and were left out",
                damage.skipped,
            )
        )
    lost = (
        tr(lang, "{first}; {second}", first=parts[0], second=parts[1]) if len(parts) == 2 else "".join(parts)
    )
    # The decoder's reason is in English: the French sentence leaves it to the JSON report.
    return tr(
        lang,
        "The recording is damaged: {lost}{why}; the report covers the {read} that could be read.",
        lost=lost,
        why=f" ({damage.reason})" if damage.reason else "",
        read=seconds(damage.read),
    )


# At this rate or below a file holds only the telephone band (up to 4 kHz): consonants blur
# for Whisper, and voices lose much of what tells them apart (docs/benchmarks.md).
TELEPHONE_RATE = 8000


def telephone_note(info: AudioInfo, lang: str) -> str | None:
    """What the report says of a recording made at telephone quality, or None."""
    if info.sample_rate > TELEPHONE_RATE:
        return None
    from babel.numbers import format_decimal

    return tr(
        lang,
        "Recorded at {rate} kHz, telephone quality: some words may be misheard, and on one channel "
        "voices are harder to tell apart. Record at 16 kHz or more for better figures.",
        rate=format_decimal(info.sample_rate / 1000, locale=lang),
    )


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


def _check_regular_file(path: Path) -> None:
    """Refuse, before opening it, anything but a non-empty regular file (see NOT_A_FILE)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        raise AudioError("{path}: no such file", path=path) from None
    except OSError as exc:
        raise AudioError("{path}: cannot be read ({reason})", path=path, reason=_reason(exc)) from None
    if not stat.S_ISREG(found.st_mode):
        raise AudioError(
            NOT_A_FILE.get(stat.S_IFMT(found.st_mode), NOT_REGULAR), path=path
        )
    if found.st_size == 0:
        raise AudioError("{path}: the file is empty (0 bytes)", path=path)


def _converter(av, channels: int):  # type: ignore[no-untyped-def]
    """FFmpeg's resampler to 16 kHz float rows, the one every recording goes through."""
    return av.AudioResampler(format="fltp", layout="mono" if channels == 1 else "stereo", rate=SAMPLE_RATE)


def resampler(channels: int) -> Callable[[np.ndarray, int], np.ndarray]:
    """A converter of 16-bit blocks (frames × ``channels``) at some rate to float rows at
    16 kHz, block after block, as :func:`load` converts the file they are written to."""
    import av

    convert = _converter(av, channels)
    layout = "mono" if channels == 1 else "stereo"

    def resample(pcm: np.ndarray, rate: int) -> np.ndarray:
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm).reshape(1, -1), format="s16", layout=layout)
        frame.sample_rate = rate
        rows = [out.to_ndarray() for out in convert.resample(frame)]
        return np.concatenate(rows, axis=1) if rows else np.zeros((channels, 0), np.float32)

    return resample


def _decode(
    av, container, stream, buffer: _Buffer, progress: ProgressCallback | None
) -> tuple[int, bool, str | None]:  # type: ignore[no-untyped-def]
    """Decode ``stream`` into ``buffer``, packet by packet so that one bad stretch is skipped
    rather than ending the file. Returns how many packets failed, whether reading stopped on
    an error, and FFmpeg's reason for the first failure."""
    resampler = _converter(av, buffer.channels)
    skipped, stopped, reason = 0, False, None
    planned = buffer.capacity  # progress is measured against the room made for the file's length
    shown = 0.0
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.FFmpegError as exc:
                skipped += 1
                reason = reason or _reason(exc)
                continue
            for frame in frames:
                frame.pts = None  # let the resampler follow the samples, not broken timestamps
                for out in resampler.resample(frame):
                    buffer.append(out.to_ndarray())
            if progress and buffer.length / planned >= shown + 0.01:
                shown = min(buffer.length / planned, 1.0)
                progress(shown)
    except av.error.FFmpegError as exc:
        stopped, reason = True, reason or _reason(exc)
    for out in resampler.resample(None):
        buffer.append(out.to_ndarray())
    return skipped, stopped, reason


class _Buffer:
    """Decoded samples in one block per recording, rows of ``capacity`` samples one after the
    other in ``flat``, grown in place as samples come and cut to what was read.

    Keeping every decoded chunk and joining them at the end held the audio twice (2 GB at the
    peak for two hours). Here the block is sized from the file's length, grows by half when the
    stream runs longer, and ``ndarray.resize`` (a realloc) grows or shrinks it without a second
    copy; the rows move inside it. Pages of the block are only touched as they are written.
    """

    def __init__(self, channels: int, seconds: float) -> None:
        self.channels = channels
        # A second more than announced, so that a stream a little longer does not grow the block.
        self.capacity = int(min(max(seconds, 0.0), MAX_PREALLOCATED_SECONDS) * SAMPLE_RATE) + SAMPLE_RATE
        self.length = 0
        self.flat = np.empty(channels * self.capacity, np.float32)

    def append(self, block: np.ndarray) -> None:
        """Add ``block``, shape (channels, n), after the samples so far."""
        n = block.shape[1]
        if self.length + n > self.capacity:
            self._make_room(max(self.length + n, self.capacity * 3 // 2))
        self.flat.reshape(self.channels, self.capacity)[:, self.length : self.length + n] = block
        self.length += n

    def fold(self) -> None:
        """Two channels into one, their mean, in place: the second row's room is given back."""
        n, second = self.length, self.capacity
        np.add(self.flat[:n], self.flat[second : second + n], out=self.flat[:n])
        np.divide(self.flat[:n], 2, out=self.flat[:n])
        self.channels = 1
        self.flat = _resized(self.flat, self.capacity)

    def rows(self) -> np.ndarray:
        """The samples read, shape (channels, length), after giving back spare room of a second or
        more (less is not worth moving the rows for)."""
        if self.capacity - self.length >= SAMPLE_RATE:
            self._make_room(self.length)
        return self.flat.reshape(self.channels, self.capacity)[:, : self.length]

    def _make_room(self, capacity: int) -> None:
        old = self.capacity
        if capacity > old:
            self.flat = _resized(self.flat, self.channels * capacity)
            # Last row first: each moves up into room nothing still to move is in.
            for row in reversed(range(1, self.channels)):
                _move(self.flat, row * old, row * capacity, self.length)
        else:
            for row in range(1, self.channels):
                _move(self.flat, row * old, row * capacity, self.length)
            self.flat = _resized(self.flat, self.channels * capacity)
        self.capacity = capacity


def _resized(flat: np.ndarray, size: int) -> np.ndarray:
    """``flat`` grown or shrunk to ``size``: in place, so that a long recording is never in memory
    twice, unless something else holds a reference to it (a profiler, a debugger)."""
    try:
        flat.resize(size)
    except ValueError:
        kept = min(size, len(flat))
        copy = np.empty(size, flat.dtype)
        copy[:kept] = flat[:kept]
        return copy
    return flat


def _move(flat: np.ndarray, source: int, target: int, length: int) -> None:
    """Copy ``length`` samples from ``source`` to ``target`` within ``flat``, in pieces no longer
    than the shift and in the order that never overwrites what is still to be copied: numpy would
    otherwise copy the overlapping row to a temporary array first."""
    step = abs(target - source)
    if not step:
        return
    pieces = range(0, length, step)
    for start in pieces if target < source else reversed(pieces):
        end = min(start + step, length)
        flat[target + start : target + end] = flat[source + start : source + end]


def _announced(path: Path, container, stream) -> float | None:  # type: ignore[no-untyped-def]
    """The length in seconds the file's header announces, where it can be trusted to."""
    if container.format.name == "wav":
        return _wav_announced(path)
    if container.format.name in EXACT_LENGTH_FORMATS and stream.duration is not None:
        return float(stream.duration * stream.time_base)
    return None


def _wav_announced(path: Path) -> float | None:
    """The length a WAV header announces: its data chunk's size over its bytes per second.

    None for a streamed WAV, whose writer could not know the size (0 or 0xFFFFFFFF).
    """
    with path.open("rb") as file:
        riff = file.read(12)
        if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:] != b"WAVE":
            return None
        byte_rate = 0
        while len(header := file.read(8)) == 8:
            kind, size = header[:4], struct.unpack("<I", header[4:])[0]
            if kind == b"data":
                return size / byte_rate if byte_rate and size not in (0, 0xFFFFFFFF) else None
            if kind == b"fmt ":
                fmt = file.read(size)
                byte_rate = struct.unpack("<I", fmt[8:12])[0] if len(fmt) >= 12 else 0
                file.seek(size % 2, 1)  # chunks are padded to an even size
            else:
                file.seek(size + size % 2, 1)
    return None


def _length(container, stream) -> float | None:  # type: ignore[no-untyped-def]
    """FFmpeg's idea of the length, exact or estimated: enough to size the buffer."""
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
