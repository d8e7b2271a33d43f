"""Report language: English or French, and how times read in each."""

from __future__ import annotations

import os

SUPPORTED = ("en", "fr")


def report_language(conversation_language: str | None, override: str | None = None) -> str:
    """The report speaks the conversation's language when it is French, else English."""
    if override:
        return override
    return conversation_language if conversation_language in SUPPORTED else "en"


def user_language() -> str:
    """The language of the user's locale when it is French, else English (for commands that have
    no conversation to take it from)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def say(lang: str, en: str, fr: str) -> str:
    return fr if lang == "fr" else en


def clock(seconds: float) -> str:
    """A moment in the recording: 03:12, or 1:03:12 past an hour."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def duration(seconds: float) -> str:
    """A length of time as people say it: 48 s, 3 min 10 s."""
    total = int(round(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"
