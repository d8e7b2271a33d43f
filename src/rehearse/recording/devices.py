"""The microphones rehearse can record from, through PortAudio (sounddevice)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rehearse.errors import RecordingError

PREFERRED_RATE = 16_000  # what analysis uses: recording at it saves resampling


def sounddevice():  # type: ignore[no-untyped-def]
    """The sounddevice module, or a RecordingError naming the missing PortAudio."""
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise RecordingError(
            "cannot reach the sound system: {reason} (install PortAudio: apt install libportaudio2)", reason=exc
        ) from exc
    return sounddevice


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    host_api: str
    channels: int
    default_rate: float
    is_default: bool


def input_devices() -> list[InputDevice]:
    sd = sounddevice()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise RecordingError("cannot list audio devices: {reason}", reason=exc) from exc
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
    if not found:
        raise RecordingError(
            "no input device matching {wanted}; 'rehearse devices' lists them", wanted=repr(wanted)
        )
    if len(found) > 1:
        raise RecordingError(
            "{count} input devices matching {wanted}; 'rehearse devices' lists them",
            count=len(found),
            wanted=repr(wanted),
        )
    return found[0]


def pick_rate(sd: Any, devices: list[InputDevice], channels: int) -> int:
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
                    "{device} cannot record {channels} channel(s) at {rate} Hz: {reason}; "
                    "'rehearse devices' lists what each input takes",
                    device=device.name,
                    channels=channels,
                    rate=rate,
                    reason=exc,
                ) from exc
        return rate
