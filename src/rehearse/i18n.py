"""Report language: English or French, and how times and figures read in each."""

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


def figure_text(value: float | None, unit: str, lang: str) -> str:
    """A figure with its unit ("share", "seconds", "wpm", "per_minute", "count"); — when unknown."""
    if value is None:
        return "—"
    if unit == "share":
        return percent(value)
    if unit == "seconds":
        return duration(value) if value >= 1 else f"{value:.1f} s"
    if unit == "wpm":
        return say(lang, f"{value:.0f} words/min", f"{value:.0f} mots/min")
    if unit == "per_minute":
        return f"{value:.1f}/min"
    return f"{value:g}"


def target_text(low: float | None, high: float | None, unit: str, lang: str) -> str:
    """A target range: "100–165 words/min", "≥ 2", "≤ 30%"; None is an open end."""
    if low is not None and high is not None:
        if unit == "wpm":
            return say(lang, f"{low:.0f}–{high:.0f} words/min", f"{low:.0f}–{high:.0f} mots/min")
        return f"{figure_text(low, unit, lang)} – {figure_text(high, unit, lang)}"
    if low is not None:
        return f"≥ {figure_text(low, unit, lang)}"
    if high is not None:
        return f"≤ {figure_text(high, unit, lang)}"
    return "—"


TRENDS = {
    "better": ("closer to target", "plus proche de l’objectif"),
    "worse": ("further from target", "plus loin de l’objectif"),
    "on target": ("on target", "dans l’objectif"),
    "off target": ("still off target", "toujours hors de l’objectif"),
    "up": ("up", "en hausse"),
    "down": ("down", "en baisse"),
    "same": ("steady", "stable"),
    "new": ("first session", "première séance"),
}


def trend_text(trend: str, lang: str) -> str:
    """How a figure moved over sessions, as ``rehearse.history.progress`` names it."""
    return say(lang, *TRENDS.get(trend, (trend, trend)))
