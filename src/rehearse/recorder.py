"""Recording a practice session to disk, safely.

Audio goes to a WAV file as it arrives, never held in memory. The header's sizes are
rewritten every second, so a crash, a kill -9 or a power cut loses at most the last
second, and a file whose header lags behind its data is repaired by :func:`recover`
(``rehearse record --recover``, or automatically before the next recording).
A sidecar ``<name>.session.json`` says what was recorded and whether it finished.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import queue
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from rehearse.errors import RehearseError

SESSION_FORMAT = "rehearse.session/1"
HEADER_BYTES = 44
SYNC_SECONDS = 1.0
SILENT_DBFS = -60.0
SILENT_WARNING_SECONDS = 10.0
CLIP_LEVEL = 0.99
PREFERRED_RATE = 16_000
SPEECH_DBFS = -45.0  # a block this loud holds speech (a preview: the report measures properly)
CROSSTALK_DB = 6.0
STRETCH_PAUSE = 1.5  # a pause this long ends a stretch of speech
NO_AUDIO_SECONDS = 5.0  # a device silent this long (not quiet: sending nothing) was unplugged or taken


class RecordingError(RehearseError):
    pass


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    host_api: str
    channels: int
    default_rate: float
    is_default: bool


def _sounddevice():  # type: ignore[no-untyped-def]
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise RecordingError(
            f"cannot reach the sound system: {exc} (install PortAudio: apt install libportaudio2)"
        ) from exc
    return sounddevice


def input_devices() -> list[InputDevice]:
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise RecordingError(f"cannot list audio devices: {exc}") from exc
    return [
        InputDevice(
            index=i,
            name=d["name"],
            host_api=apis[d["hostapi"]]["name"],
            channels=d["max_input_channels"],
            default_rate=d["default_samplerate"],
            is_default=i == default,
        )
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def find_device(wanted: str | None) -> InputDevice:
    """An input device by index or (part of its) name; the default one when None."""
    devices = input_devices()
    if not devices:
        raise RecordingError("no input device found: plug in a microphone ('rehearse devices' lists them)")
    if wanted is None:
        return next((d for d in devices if d.is_default), devices[0])
    if wanted.isdigit():
        found = [d for d in devices if d.index == int(wanted)]
    else:
        found = [d for d in devices if d.name == wanted] or [
            d for d in devices if wanted.lower() in d.name.lower()
        ]
    if len(found) != 1:
        problem = "no input device" if not found else f"{len(found)} input devices"
        raise RecordingError(f"{problem} matching {wanted!r}; 'rehearse devices' lists them")
    return found[0]


# --- the file -------------------------------------------------------------------------


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
        pcm = (np.clip(block, -1.0, 1.0) * 32767).astype("<i2")
        try:
            self._file.write(pcm.tobytes())
            self.frames += len(pcm)
            if time.monotonic() - self._synced >= SYNC_SECONDS:
                self.sync()
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise RecordingError(
                    f"the disk is full: recording stopped, {self.seconds:.0f} s kept in {self.path}"
                ) from exc
            raise RecordingError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

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
            raise RecordingError(f"{path}: not a recording made by rehearse; cannot repair it")
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


def sidecar_path(audio: Path) -> Path:
    return audio.with_name(audio.stem + ".session.json")


def read_sidecar(audio: Path) -> dict[str, Any]:
    """What the sidecar of a recording says (profile, start time…); empty without a readable one."""
    try:
        found = json.loads(sidecar_path(audio).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def unfinished(directory: Path) -> list[Path]:
    """Recordings in ``directory`` whose sidecar says they never finished."""
    found = []
    for side in sorted(directory.glob("*.session.json")):
        try:
            info = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        audio = side.with_name(info.get("audio", ""))
        if not info.get("complete") and audio.is_file():
            found.append(audio)
    return found


def mark_recovered(audio: Path, seconds: float) -> None:
    side = sidecar_path(audio)
    info = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {"format": SESSION_FORMAT}
    info.update({"complete": True, "recovered": True, "duration": round(seconds, 2)})
    _write_json_atomically(side, info)


# --- the session ----------------------------------------------------------------------


@dataclass
class Levels:
    """What the screen shows while recording, updated as audio arrives."""

    seconds: float = 0.0
    dbfs: list[float] = field(default_factory=list)
    clipped: list[bool] = field(default_factory=list)
    silent_for: list[float] = field(default_factory=list)
    overflows: int = 0
    # Live cues, a preview of the report: talk per channel and the current stretch of speech.
    # Talk per person: per channel; on one mic with a voice print [you, others]; else [everyone].
    talk: list[float] = field(default_factory=list)
    by_voice: bool = False  # one mic, people told apart by the voice print
    stretch: float = 0.0  # seconds the current speaker has been going
    speaking: int | None = None  # index in ``talk`` of the current speaker
    overlap: bool = False  # two channels speaking at once, now
    silence_run: float = 0.0


@dataclass
class SessionInfo:
    audio: str
    profile: str | None
    language: str | None
    devices: list[str]
    channels: int
    channel_map: dict[str, str]  # channel index -> who is on it
    sample_rate: int
    started: str
    duration: float = 0.0
    overflows: int = 0
    complete: bool = False
    stopped_by: str | None = None  # "duration", "user" or "error"
    error: str | None = None
    format: str = SESSION_FORMAT


def _write_sidecar(audio: Path, info: SessionInfo) -> None:
    _write_json_atomically(sidecar_path(audio), asdict(info))


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    staging = path.with_suffix(".tmp")
    staging.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    staging.replace(path)


def record(
    path: Path,
    devices: list[str | None],
    channels: int,
    *,
    duration: float | None = None,
    profile: str | None = None,
    language: str | None = None,
    stop: threading.Event | None = None,
    on_levels: Callable[[Levels], None] | None = None,
    voice_similarity: Callable[[np.ndarray], float] | None = None,
) -> SessionInfo:
    """Record until ``duration`` passes or ``stop`` is set; the file is complete on return.

    ``devices`` holds one device (``channels`` 1 or 2) or two devices of one channel each,
    recorded side by side as left and right. On one channel, ``voice_similarity`` (16 kHz
    samples → how like the user's voice print) lets the live cues tell the user from the others.
    """
    sd = _sounddevice()
    stop = stop or threading.Event()
    chosen = [find_device(d) for d in devices]
    per_device = channels if len(chosen) == 1 else 1
    for device in chosen:
        if device.channels < per_device:
            raise RecordingError(
                f"{device.name} has {device.channels} input channel(s); --channels {channels} needs "
                f"{per_device} ('rehearse devices' lists them)"
            )
    total_channels = per_device * len(chosen)
    blocks: list[queue.Queue[np.ndarray]] = [queue.Queue() for _ in chosen]
    rate = _pick_rate(sd, chosen, per_device)
    cue = VoiceCue(voice_similarity, rate) if voice_similarity is not None and total_channels == 1 else None
    levels = Levels(
        dbfs=[-120.0] * total_channels,
        clipped=[False] * total_channels,
        silent_for=[0.0] * total_channels,
        talk=[0.0] * (2 if cue else total_channels),
        by_voice=cue is not None,
    )
    overflow_lock = threading.Lock()

    def callback_for(index: int):  # type: ignore[no-untyped-def]
        def callback(data, frames, time_info, status):  # type: ignore[no-untyped-def]
            if status.input_overflow:
                with overflow_lock:
                    levels.overflows += 1
            blocks[index].put(data.copy())

        return callback

    names = [d.name for d in chosen]
    info = SessionInfo(
        audio=path.name,
        profile=profile,
        language=language,
        devices=names,
        channels=total_channels,
        channel_map=_channel_map(total_channels),
        sample_rate=rate,
        started=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = WavWriter(path, total_channels, rate)
    _write_sidecar(path, info)
    streams = []
    try:
        for index, device in enumerate(chosen):
            streams.append(
                sd.InputStream(
                    device=device.index,
                    channels=per_device,
                    samplerate=rate,
                    dtype="float32",
                    callback=callback_for(index),
                )
            )
        for stream in streams:
            stream.start()
        pending: list[list[np.ndarray]] = [[] for _ in chosen]
        last_audio = time.monotonic()
        while not stop.is_set():
            if duration is not None and writer.seconds >= duration:
                info.stopped_by = "duration"
                break
            got = False
            for index, q in enumerate(blocks):
                try:
                    while True:
                        pending[index].append(q.get(timeout=0.05 if not got else 0))
                        got = True
                except queue.Empty:
                    pass
            if got:
                last_audio = time.monotonic()
                block = _aligned(pending)
                if duration is not None:
                    block = block[: max(int(duration * rate) - writer.frames, 0)]
                if len(block):
                    writer.write(block)
                    _update(levels, block, rate, writer.seconds, cue)
                    if on_levels:
                        on_levels(levels)
            elif time.monotonic() - last_audio > NO_AUDIO_SECONDS:
                raise RecordingError(
                    f"no sound has come from {', '.join(names)} for {NO_AUDIO_SECONDS:.0f} s: unplugged or busy? "
                    f"{writer.seconds:.0f} s kept in {path}"
                )
        else:
            info.stopped_by = "user"
    except sd.PortAudioError as exc:
        info.stopped_by, info.error = "error", f"cannot record from {', '.join(names)}: {exc}"
        raise RecordingError(f"{info.error}; 'rehearse devices' lists inputs") from exc
    except RecordingError as exc:
        info.stopped_by, info.error = "error", str(exc)
        raise
    finally:
        for stream in streams:
            try:
                stream.stop()
                stream.close()
            except sd.PortAudioError:
                pass
        writer.close()
        info.duration = round(writer.seconds, 2)
        info.overflows = levels.overflows
        info.complete = True
        _write_sidecar(path, info)
    return info


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
            raise RecordingError(f"the FLAC holds {got} frames instead of {wanted}")
        staging.replace(target)
    except (OSError, av.error.FFmpegError, RecordingError) as exc:
        staging.unlink(missing_ok=True)
        raise RecordingError(
            f"could not write {target.name} ({exc}); the recording is kept as {take}"
        ) from exc
    side = read_sidecar(take)
    if side:
        side["audio"] = target.name
        _write_json_atomically(sidecar_path(take), side)
    take.unlink()


def _pick_rate(sd: Any, devices: list[InputDevice], channels: int) -> int:
    """16 kHz when every device takes it (what analysis uses), else the first device's own rate."""
    try:
        for device in devices:
            sd.check_input_settings(device=device.index, channels=channels, samplerate=PREFERRED_RATE)
        return PREFERRED_RATE
    except sd.PortAudioError:
        rate = int(devices[0].default_rate)
        for device in devices:
            try:
                sd.check_input_settings(device=device.index, channels=channels, samplerate=rate)
            except sd.PortAudioError as exc:
                raise RecordingError(
                    f"{device.name} cannot record {channels} channel(s) at {rate} Hz: {exc}; "
                    "'rehearse devices' lists what each input takes"
                ) from exc
        return rate


def _aligned(pending: list[list[np.ndarray]]) -> np.ndarray:
    """Frames every device has delivered, side by side; the rest waits for the next round."""
    joined = [np.concatenate(p) if p else np.zeros((0, 1), np.float32) for p in pending]
    ready = min(len(j) for j in joined)
    for index, j in enumerate(joined):
        pending[index] = [j[ready:]] if len(j) > ready else []
    return np.concatenate([j[:ready] for j in joined], axis=1)


class VoiceCue:
    """On one mic: who is speaking now, from the last ``WINDOW`` seconds of speech compared with
    the user's voice print every ``HOP`` seconds of speech.

    ``similarity`` takes 16 kHz mono samples and says how like the voice print they sound.
    How alike the user's short windows are to the print depends on the mic and the room, so
    the line between "you" and "someone else" is learnt from this session's own windows (the
    midpoint of their two groups, once the groups are clearly apart); until then
    ``PRIOR`` holds (docs/benchmarks.md: measured on the fixtures).
    """

    WINDOW = 1.6
    HOP = 0.8
    PRIOR = 0.84
    APART = 0.04  # two groups of similarities this far apart are two voices
    BOUNDS = (0.75, 0.9)  # where a learnt line may fall
    MEMORY = 400  # the last five minutes of speech or so: enough, and it follows a changing room

    def __init__(self, similarity: Callable[[np.ndarray], float], rate: int) -> None:
        self.similarity, self.rate = similarity, rate
        self.recent = np.zeros(0, np.float32)
        self.since = self.HOP
        self.seen: list[float] = []
        self.who: int | None = None  # 0: you, 1: someone else

    def update(self, samples: np.ndarray, speaking: bool) -> int | None:
        if not speaking:  # pauses would only blur the voice
            return self.who
        size = int(self.WINDOW * self.rate)
        self.recent = np.concatenate([self.recent, samples])[-size:]
        self.since += len(samples) / self.rate
        if self.since >= self.HOP and len(self.recent) == size:
            window = self.recent
            if self.rate != PREFERRED_RATE:  # a preview: linear resampling is enough
                times = np.arange(int(self.WINDOW * PREFERRED_RATE)) / PREFERRED_RATE
                window = np.interp(times, np.arange(size) / self.rate, self.recent).astype(np.float32)
            value = self.similarity(window)
            self.seen.append(value)
            self.who = 0 if value >= self.line() else 1
            self.since = 0.0
        return self.who

    def line(self) -> float:
        """The similarity above which a window is the user's."""
        values = np.sort(np.array(self.seen[-self.MEMORY :]))
        n = len(values)
        if n < 6:
            return self.PRIOR
        # 1-D two-means: the cut that leaves the two groups with the least spread (prefix sums).
        sums, squares = np.cumsum(values), np.cumsum(values**2)
        k = np.arange(2, n - 1)
        low_spread = squares[k - 1] - sums[k - 1] ** 2 / k
        high_spread = (squares[-1] - squares[k - 1]) - (sums[-1] - sums[k - 1]) ** 2 / (n - k)
        cut = int(k[np.argmin(low_spread + high_spread)])
        low, high = values[:cut].mean(), values[cut:].mean()
        if high - low < self.APART:
            return self.PRIOR
        return float(np.clip((low + high) / 2, *self.BOUNDS))


def _update(
    levels: Levels, block: np.ndarray, rate: int, seconds: float, cue: VoiceCue | None = None
) -> None:
    levels.seconds = seconds
    rms = np.sqrt(np.mean(np.square(block, dtype=np.float64), axis=0))
    peaks = np.max(np.abs(block), axis=0)
    for channel in range(block.shape[1]):
        level = float(20 * np.log10(max(rms[channel], 1e-6)))
        levels.dbfs[channel] = level
        levels.clipped[channel] = bool(peaks[channel] >= CLIP_LEVEL)
        quiet = level < SILENT_DBFS
        levels.silent_for[channel] = levels.silent_for[channel] + len(block) / rate if quiet else 0.0
    # Speech: loud enough, and on two mics clearly louder than what leaks from the other one.
    loudest = max(levels.dbfs)
    active = [
        level > SPEECH_DBFS and (len(levels.dbfs) == 1 or level >= loudest - CROSSTALK_DB)
        for level in levels.dbfs
    ]
    if cue is not None:
        who = cue.update(block[:, 0], active[0])
        active = [active[0] and who == person for person in (0, 1)]
    step = len(block) / rate
    for person, on in enumerate(active):
        if on:
            levels.talk[person] += step
    levels.overlap = sum(active) > 1
    speaker = active.index(True) if any(active) else None
    if speaker is None:
        levels.silence_run += step
        if levels.silence_run > STRETCH_PAUSE:
            levels.speaking, levels.stretch = None, 0.0
    else:
        levels.silence_run = 0.0
        if speaker != levels.speaking and not levels.overlap:
            levels.speaking, levels.stretch = speaker, 0.0
        levels.stretch += step


def _channel_map(channels: int) -> dict[str, str]:
    if channels == 1:
        return {"0": "everyone"}
    return {"0": "me", "1": "interviewer"}
