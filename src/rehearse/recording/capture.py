"""Recording a practice session to disk, safely.

Audio goes to a WAV file as it arrives, never held in memory (:mod:`rehearse.recording.wav`),
with a sidecar saying what was recorded (:mod:`rehearse.recording.sidecar`); the levels and
live cues are updated as blocks arrive (:mod:`rehearse.recording.cues`).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from rehearse.errors import RecordingError
from rehearse.recording import cues, devices, sidecar
from rehearse.recording.cues import Levels, VoiceCue
from rehearse.recording.devices import find_device
from rehearse.recording.sidecar import SessionInfo
from rehearse.recording.wav import WavWriter

NO_AUDIO_SECONDS = 5.0  # a device silent this long (not quiet: sending nothing) was unplugged or taken


def record(
    path: Path,
    wanted: list[str | None],
    channels: int,
    *,
    duration: float | None = None,
    profile: str | None = None,
    language: str | None = None,
    stop: threading.Event | None = None,
    on_levels: Callable[[Levels], None] | None = None,
    voice_similarity: Callable[[np.ndarray], float] | None = None,
    on_started: Callable[[], None] | None = None,
    on_audio: Callable[[np.ndarray, int], None] | None = None,
) -> SessionInfo:
    """Record until ``duration`` passes or ``stop`` is set; the file is complete on return.

    ``on_started`` runs once the first audio is in the file: a stream takes a moment to open
    (1.6 s through PulseAudio), and someone told "recording" before then loses their first words.
    ``on_audio`` gets each block written (frames × channels, float32) and the rate.

    ``wanted`` holds one device (``channels`` 1 or 2) or two devices of one channel each,
    recorded side by side as left and right. On one channel, ``voice_similarity`` (16 kHz
    samples → how like the user's voice print) lets the live cues tell the user from the others.
    """
    sd = devices.sounddevice()
    stop = stop or threading.Event()
    chosen = [find_device(d) for d in wanted]
    per_device = channels if len(chosen) == 1 else 1
    for device in chosen:
        if device.channels < per_device:
            raise RecordingError(
                "{device} has {available} input channel(s); --channels {channels} needs "
                "{needed} ('rehearse devices' lists them)",
                device=device.name,
                available=device.channels,
                channels=channels,
                needed=per_device,
            )
    total_channels = per_device * len(chosen)
    blocks: list[queue.Queue[np.ndarray]] = [queue.Queue() for _ in chosen]
    rate = devices.pick_rate(sd, chosen, per_device)
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
    sidecar.write(path, info)
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
                    if on_started is not None and writer.frames == len(block):
                        writer.sync()
                        on_started()
                    if on_audio is not None:
                        on_audio(block, rate)
                    cues.update(levels, block, rate, writer.seconds, cue)
                    if on_levels:
                        on_levels(levels)
            elif time.monotonic() - last_audio > NO_AUDIO_SECONDS:
                raise RecordingError(
                    "no sound has come from {devices} for {silence} s: unplugged or busy? {kept} s kept in {path}",
                    devices=", ".join(names),
                    silence=f"{NO_AUDIO_SECONDS:.0f}",
                    kept=f"{writer.seconds:.0f}",
                    path=path,
                )
        else:
            info.stopped_by = "user"
    except sd.PortAudioError as exc:
        info.stopped_by, info.error = "error", f"cannot record from {', '.join(names)}: {exc}"
        raise RecordingError(
            "cannot record from {devices}: {reason}; 'rehearse devices' lists inputs",
            devices=", ".join(names),
            reason=exc,
        ) from exc
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
        info.live_talk, info.live_by_voice = [round(t, 1) for t in levels.talk], levels.by_voice
        info.complete = True
        sidecar.write(path, info)
    return info


def _aligned(pending: list[list[np.ndarray]]) -> np.ndarray:
    """Frames every device has delivered, side by side; the rest waits for the next round."""
    joined = [np.concatenate(p) if p else np.zeros((0, 1), np.float32) for p in pending]
    ready = min(len(j) for j in joined)
    for index, j in enumerate(joined):
        pending[index] = [j[ready:]] if len(j) > ready else []
    return np.concatenate([j[:ready] for j in joined], axis=1)


def _channel_map(channels: int) -> dict[str, str]:
    if channels == 1:
        return {"0": "everyone"}
    return {"0": "me", "1": "interviewer"}
