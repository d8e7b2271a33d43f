"""The JSON report — a versioned contract (docs/report.md) — and reading it back.

A saved report, or a minimal ``{"speakers": [...], "turns": [...]}`` file, turns
back into a :class:`Conversation` so analyzers can run again without audio.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rehearse._version import __version__
from rehearse.coaching import situations as profiles
from rehearse.conversation import (
    Attribution,
    AudioInfo,
    Conversation,
    Segment,
    Speaker,
    Word,
    talk_times,
)
from rehearse.diarization.turns import build_turns, build_utterances
from rehearse.errors import TranscriptError

SCHEMA = "rehearse.report/1"


def json_default(value: object) -> object:
    """numpy scalars and arrays (common in analyzer plugins) as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def build(conversation: Conversation, analyzers: Mapping[str, dict], report_language: str) -> dict:
    talk = talk_times(conversation.segments, [s.id for s in conversation.speakers])
    return {
        "schema": SCHEMA,
        "generator": {"name": "rehearse", "version": __version__},
        "audio": _audio(conversation.audio),
        "duration": round(conversation.duration, 3),
        "language": conversation.language,
        "language_probability": conversation.language_probability,
        "report_language": report_language,
        "model": conversation.model,
        "attribution": conversation.attribution.value,
        "notes": conversation.notes,
        "me": conversation.me,
        "profile": conversation.profile,
        "speakers": [
            {
                "id": s.id,
                "label": s.label,
                "role": s.role,
                "channel": s.channel,
                "talk_time": round(talk[s.id], 2),
            }
            for s in conversation.speakers
        ],
        "segments": [{**_span(s), "confidence": s.confidence} for s in conversation.segments],
        "turns": [{**_span(t), "text": t.text, "confidence": t.confidence} for t in conversation.turns],
        "utterances": [
            {**_span(u), "text": u.text, "backchannel": u.backchannel, "confidence": u.confidence}
            for u in conversation.utterances
        ],
        "words": [{**_span(w), "text": w.text, "probability": w.probability} for w in conversation.words],
        "analyzers": dict(analyzers),
    }


def _span(item: Any) -> dict:
    return {"speaker": item.speaker, "start": round(item.start, 3), "end": round(item.end, 3)}


def _audio(info: AudioInfo | None) -> dict | None:
    if info is None:
        return None
    return {
        "path": info.path,
        "duration": info.duration,
        "channels": info.channels,
        "sample_rate": info.sample_rate,
    }


def load(path: str | Path) -> Conversation:
    """Read a saved report or a minimal transcript back into a conversation.

    Raises:
        TranscriptError: unreadable, not JSON, or missing what a conversation needs.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranscriptError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise TranscriptError(f"{path}: is a directory, not a transcript") from None
    except UnicodeDecodeError:
        raise TranscriptError(f"{path}: not a text file; --transcript takes a JSON report") from None
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    try:
        return from_dict(data)
    except TranscriptError as exc:
        raise TranscriptError(f"{path}: {exc}") from None


def from_dict(data: Any) -> Conversation:
    if not isinstance(data, dict):
        raise TranscriptError('expected a JSON object with "speakers" and "turns"')
    speakers = _speakers(data.get("speakers"))
    ids = {s.id for s in speakers}
    by_label = {s.label: s.id for s in speakers}
    turns = _list(data, "turns")
    words_data = data.get("words")
    if words_data:
        words = [_word(w, i, ids, by_label) for i, w in enumerate(_list(data, "words"))]
    else:
        words = [w for i, t in enumerate(turns) for w in _spread(t, i, ids, by_label)]
    if data.get("segments"):
        segments = [
            Segment(
                _speaker(s, f"segments[{i}]", ids, by_label),
                *_times(s, f"segments[{i}]"),
                confidence=_confidence(s, f"segments[{i}]"),
            )
            for i, s in enumerate(_list(data, "segments"))
        ]
    else:
        segments = [
            Segment(_speaker(t, f"turns[{i}]", ids, by_label), *_times(t, f"turns[{i}]"))
            for i, t in enumerate(turns)
        ]
    segments.sort(key=lambda s: (s.start, s.speaker))
    try:
        attribution = Attribution(data.get("attribution", Attribution.TRANSCRIPT.value))
    except ValueError:
        attribution = Attribution.TRANSCRIPT
    utterances = build_utterances(segments, sorted(words, key=lambda w: w.start))
    ends = [s.end for s in segments] + [w.end for w in words]
    audio = data.get("audio")
    return Conversation(
        speakers=speakers,
        segments=segments,
        utterances=utterances,
        turns=build_turns(utterances),
        duration=float(data.get("duration") or (audio or {}).get("duration") or max(ends, default=0.0)),
        attribution=attribution,
        language=data.get("language"),
        language_probability=data.get("language_probability"),
        audio=AudioInfo(**audio) if isinstance(audio, dict) else None,
        model=data.get("model"),
        notes=list(data.get("notes") or []),
        me=data.get("me") if isinstance(data.get("me"), dict) else None,
        profile=data.get("profile") if data.get("profile") in profiles.NAMES else None,
    )


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        raise TranscriptError(f'"{key}" must be a list')
    return value


def _speakers(value: Any) -> list[Speaker]:
    if not isinstance(value, list) or not value:
        raise TranscriptError('"speakers" must be a non-empty list')
    speakers = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            speakers.append(Speaker(item, item))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            speakers.append(
                Speaker(
                    item["id"], str(item.get("label") or item["id"]), item.get("role"), item.get("channel")
                )
            )
        else:
            raise TranscriptError(f'speakers[{i}] must be a string or an object with an "id"')
    return speakers


def _speaker(item: Any, where: str, ids: set[str], by_label: dict[str, str]) -> str:
    speaker = item.get("speaker") if isinstance(item, dict) else None
    if speaker in ids:
        return str(speaker)
    if speaker in by_label:
        return by_label[speaker]
    raise TranscriptError(f'{where}: speaker {speaker!r} is not in "speakers"')


def _times(item: dict, where: str) -> tuple[float, float]:
    try:
        start, end = float(item["start"]), float(item["end"])
    except (KeyError, TypeError, ValueError):
        raise TranscriptError(f'{where}: needs numeric "start" and "end" (seconds)') from None
    if end < start or start < 0:
        raise TranscriptError(f'{where}: "end" ({end}) must not come before "start" ({start})')
    return start, end


def _confidence(item: dict, where: str) -> float:
    try:
        value = float(item.get("confidence", 1.0))
    except (TypeError, ValueError):
        raise TranscriptError(f'{where}: "confidence" must be a number from 0 to 1') from None
    if not 0.0 <= value <= 1.0:
        raise TranscriptError(f'{where}: "confidence" must be a number from 0 to 1, not {value}')
    return value


def _word(item: Any, i: int, ids: set[str], by_label: dict[str, str]) -> Word:
    where = f"words[{i}]"
    start, end = _times(item, where)
    return Word(
        start,
        end,
        str(item.get("text", "")),
        _speaker(item, where, ids, by_label),
        float(item.get("probability", 1.0)),
    )


def _spread(turn: Any, i: int, ids: set[str], by_label: dict[str, str]) -> list[Word]:
    """Words of a turn given only as text, spread evenly over its time."""
    where = f"turns[{i}]"
    speaker = _speaker(turn, where, ids, by_label)
    start, end = _times(turn, where)
    text = turn.get("text", "")
    if not isinstance(text, str):
        raise TranscriptError(f'{where}: "text" must be a string')
    pieces = text.split()
    step = (end - start) / max(len(pieces), 1)
    return [Word(start + k * step, start + (k + 1) * step, " " + p, speaker) for k, p in enumerate(pieces)]
