"""What a transcript file (``rehearse analyze --transcript FILE.json``) may hold, checked field by field.

The file is a saved report (docs/report.md) or a minimal ``{"speakers": [...], "turns":
[...]}``; either may have been edited by hand or written by another tool, so nothing in it
is trusted: every time must be a finite number of seconds within a day (an ``Infinity`` or
``1e12`` would make the analyzers step through time for ever), every probability a number
from 0 to 1, every text a string. Keys this version does not know are ignored, so reports
written by later versions still load. Validation is pydantic's
(https://docs.pydantic.dev/); a failure becomes one line naming the field, such as
``turns[3].end: must be a finite number``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from rehearse.errors import TranscriptError

# A conversation is practised in hours; a day is the bound past which a time is a mistake.
MAX_SECONDS = 24 * 3600.0

Seconds = Annotated[float, Field(ge=0.0, le=MAX_SECONDS, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=1_000_000)]


class _Model(BaseModel):
    # Strict types: "abc" is not a duration and 1 is not a speaker name; unknown keys are
    # skipped for forward compatibility.
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class SpeakerEntry(_Model):
    id: Text
    label: Text | None = None
    role: Text | None = None
    channel: Annotated[int, Field(ge=0, le=64)] | None = None


class _Timed(_Model):
    speaker: Text
    start: Seconds
    end: Seconds

    @model_validator(mode="after")
    def _ordered(self) -> _Timed:
        if self.end < self.start:
            raise ValueError(f'"end" ({self.end:g}) comes before "start" ({self.start:g})')
        return self


class SegmentEntry(_Timed):
    confidence: Share = 1.0


class TurnEntry(_Timed):
    text: Text = ""


class WordEntry(_Timed):
    text: Text = ""
    probability: Share = 1.0
    rise: Annotated[float, Field(ge=-48, le=48, allow_inf_nan=False)] | None = None  # semitones
    hesitation: bool = False


class DamageEntry(_Model):
    expected: Seconds | None
    read: Seconds
    skipped: Annotated[int, Field(ge=0)] = 0
    stopped: bool = False
    reason: Text | None = None


class AudioEntry(_Model):
    path: Text
    duration: Seconds
    channels: Annotated[int, Field(ge=1, le=64)]
    sample_rate: Annotated[int, Field(ge=1, le=1_000_000)]
    damage: DamageEntry | None = None


class MeEntry(_Model):
    speaker: Text | None
    source: Text
    similarities: dict[str, Annotated[float, Field(allow_inf_nan=False)]] | None = None
    confidence: Share | None = None  # a voice print's match: how sure it is


class TranscriptFile(_Model):
    speakers: Annotated[list[SpeakerEntry], Field(min_length=1, max_length=100)]
    turns: list[TurnEntry]
    segments: list[SegmentEntry] | None = None
    words: list[WordEntry] | None = None
    duration: Seconds | None = None
    audio: AudioEntry | None = None
    attribution: Text | None = None
    language: Text | None = None
    language_probability: Share | None = None
    model: Text | None = None
    notes: list[Text] = []
    me: MeEntry | None = None
    profile: Text | None = None
    hesitations_heard: bool = False

    @field_validator("speakers", mode="before")
    @classmethod
    def _names_are_ids(cls, value: Any) -> Any:
        """A speaker given by name alone ("Ana") is the speaker of that id."""
        if not isinstance(value, list):
            return value
        for index, item in enumerate(value):
            if not isinstance(item, (str, dict)):
                raise ValueError(f'each must be a name or an object with an "id" (item {index} is not)')
        return [{"id": item} if isinstance(item, str) else item for item in value]

    @model_validator(mode="after")
    def _known_speakers(self) -> TranscriptFile:
        names = {s.id for s in self.speakers} | {s.label for s in self.speakers if s.label}
        for key in ("turns", "segments", "words"):
            for index, item in enumerate(getattr(self, key) or ()):
                if item.speaker not in names:
                    raise ValueError(f'{key}[{index}]: speaker {item.speaker!r} is not in "speakers"')
        if self.me is not None and self.me.speaker is not None and self.me.speaker not in names:
            raise ValueError(f'me: speaker {self.me.speaker!r} is not in "speakers"')
        return self


def parse(data: Any) -> TranscriptFile:
    """``data`` (decoded JSON) checked against :class:`TranscriptFile`.

    Raises:
        TranscriptError: one line naming the first field at fault, and how many more are.
    """
    if not isinstance(data, dict):
        raise TranscriptError('expected a JSON object with "speakers" and "turns"')
    try:
        return TranscriptFile.model_validate(data)
    except ValidationError as exc:
        raise TranscriptError(_first_problem(exc)) from None


def _first_problem(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = _location(first["loc"])
    context = first.get("ctx", {})
    if first["type"] == "value_error":
        message = str(context.get("error", first["msg"]))
    elif first["type"] in ("greater_than_equal", "less_than_equal"):
        bound = context.get("ge", context.get("le"))
        message = f"must be {'at least' if 'ge' in context else 'at most'} {bound:g}, not {first['input']!r}"
    else:
        message = _MESSAGES.get(first["type"], first["msg"])
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


# pydantic's wording, said the way a person editing the file needs it.
_MESSAGES = {
    "finite_number": "must be a finite number",
    "missing": "is missing",
    "float_type": "must be a number",
    "int_type": "must be a whole number",
    "string_type": "must be a string",
    "string_unicode": "must be valid Unicode text (it holds a lone surrogate escape)",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "too_short": "must not be empty",
    "string_too_long": "is too long",
}
