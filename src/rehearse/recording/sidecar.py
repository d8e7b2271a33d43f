"""The sidecar ``<name>.session.json`` beside a recording: what was recorded (situation,
devices, who is on which channel, when) and whether it finished."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SESSION_FORMAT = "rehearse.session/1"


def path(audio: Path) -> Path:
    return audio.with_name(audio.stem + ".session.json")


def read(audio: Path) -> dict[str, Any]:
    """What the sidecar of a recording says (profile, start time…); empty without a readable one."""
    try:
        found = json.loads(path(audio).read_text(encoding="utf-8"))
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
    side = path(audio)
    info = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {"format": SESSION_FORMAT}
    info.update({"complete": True, "recovered": True, "duration": round(seconds, 2)})
    write_json_atomically(side, info)


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
    # The live cues' talk, in seconds: per channel, or on one mic with a voice print [you, others];
    # the report says so where the analysis heard the voices otherwise.
    live_talk: list[float] | None = None
    live_by_voice: bool = False
    format: str = SESSION_FORMAT


def write(audio: Path, info: SessionInfo) -> None:
    write_json_atomically(path(audio), asdict(info))


def write_json_atomically(target: Path, data: dict[str, Any]) -> None:
    staging = target.with_suffix(".tmp")
    staging.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    staging.replace(target)
