"""The JSON report — a versioned contract (docs/report.md) — and reading it back.

A saved report, or a minimal ``{"speakers": [...], "turns": [...]}`` file, turns
back into a :class:`Conversation` so analyzers can run again without audio.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rehearse._version import __version__
from rehearse.coaching import situations as profiles
from rehearse.conversation import (
    Attribution,
    AudioInfo,
    Conversation,
    Damage,
    Segment,
    Speaker,
    Word,
    cyclic_gc_paused,
    talk_times,
)
from rehearse.diarization.turns import build_turns, build_utterances
from rehearse.errors import TranscriptError

if TYPE_CHECKING:
    from rehearse.report.schema import AudioEntry, TranscriptFile, TurnEntry

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
        "hesitations_heard": conversation.hesitations_heard,
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
        "words": [
            {
                **_span(w),
                "text": w.text,
                "probability": w.probability,
                **({"rise": w.rise} if w.rise is not None else {}),
                **({"hesitation": True} if w.hesitation else {}),
            }
            for w in conversation.words
        ],
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
        "damage": asdict(info.damage) if info.damage else None,
    }


def load(path: str | Path) -> Conversation:
    """Read a saved report or a minimal transcript back into a conversation.

    Raises:
        TranscriptError: unreadable, not JSON, or missing what a conversation needs.
    """
    path = Path(path)
    if path.is_dir():
        raise TranscriptError("{path}: is a directory, not a transcript", path=path)
    if path.exists() and not path.is_file():  # reading a FIFO or a device would never end
        raise TranscriptError("{path}: not a regular file; --transcript takes a JSON report", path=path)
    try:
        with cyclic_gc_paused():  # a long transcript is a million objects, none of them garbage
            data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranscriptError("{path}: no such file", path=path) from None
    except UnicodeDecodeError:
        raise TranscriptError("{path}: not a text file; --transcript takes a JSON report", path=path) from None
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            "{path}: not valid JSON (line {line}, column {column}: {reason})",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            reason=exc.msg,
        ) from None
    except RecursionError:
        raise TranscriptError("{path}: nested too deeply to be a transcript", path=path) from None
    except OSError as exc:
        raise TranscriptError("{path}: cannot read it ({reason})", path=path, reason=exc.strerror or exc) from None
    try:
        return from_dict(data)
    except TranscriptError as exc:
        raise TranscriptError("{path}: {problem}", path=path, problem=exc) from None


def from_dict(data: Any) -> Conversation:
    """A conversation from decoded JSON, checked by :mod:`rehearse.report.schema` first.

    Raises:
        TranscriptError: one line naming the field at fault.
    """
    from rehearse.report import schema

    with cyclic_gc_paused():
        return _conversation(schema.parse(data))


def _conversation(checked: TranscriptFile) -> Conversation:
    speakers = [Speaker(s.id, s.label or s.id, s.role, s.channel) for s in checked.speakers]
    by_name = {s.label: s.id for s in speakers} | {s.id: s.id for s in speakers}
    if checked.words:
        words = [
            Word(w.start, w.end, w.text, by_name[w.speaker], w.probability, w.rise, w.hesitation)
            for w in checked.words
        ]
    else:
        words = [w for t in checked.turns for w in _spread(t, by_name[t.speaker])]
    if checked.segments:
        segments = [
            Segment(by_name[s.speaker], s.start, s.end, confidence=s.confidence) for s in checked.segments
        ]
    else:
        segments = [Segment(by_name[t.speaker], t.start, t.end) for t in checked.turns]
    segments.sort(key=lambda s: (s.start, s.speaker))
    try:
        attribution = Attribution(checked.attribution or Attribution.TRANSCRIPT.value)
    except ValueError:
        attribution = Attribution.TRANSCRIPT
    utterances = build_utterances(segments, sorted(words, key=lambda w: w.start))
    ends = [s.end for s in segments] + [w.end for w in words]
    audio = checked.audio
    me = checked.me
    return Conversation(
        speakers=speakers,
        segments=segments,
        utterances=utterances,
        turns=build_turns(utterances),
        duration=checked.duration or (audio.duration if audio else 0.0) or max(ends, default=0.0),
        attribution=attribution,
        language=checked.language,
        language_probability=checked.language_probability,
        audio=_audio_info(audio) if audio else None,
        model=checked.model,
        notes=list(checked.notes),
        me=me.model_dump(exclude_none=True) | {"speaker": me.speaker and by_name[me.speaker]} if me else None,
        profile=checked.profile if checked.profile in profiles.NAMES else None,
        hesitations_heard=checked.hesitations_heard,
    )


def _audio_info(audio: AudioEntry) -> AudioInfo:
    damage = Damage(**audio.damage.model_dump()) if audio.damage else None
    return AudioInfo(audio.path, audio.duration, audio.channels, audio.sample_rate, damage)


def _spread(turn: TurnEntry, speaker: str) -> list[Word]:
    """Words of a turn given only as text, spread evenly over its time."""
    pieces = turn.text.split()
    step = (turn.end - turn.start) / max(len(pieces), 1)
    return [
        Word(turn.start + k * step, turn.start + (k + 1) * step, " " + p, speaker)
        for k, p in enumerate(pieces)
    ]
