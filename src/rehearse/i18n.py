"""Report language, its messages, and how times and figures read in it.

Every sentence rehearse shows is written in English in the code, marked with :func:`tr`
(or :func:`ntr` for plurals, :data:`N_` where it is only named), and translated by a gettext
catalog: ``src/rehearse/locale/<code>/LC_MESSAGES/rehearse.po``. Babel extracts the messages
(``python -m rehearse.locale`` rewrites the template ``rehearse.pot`` and merges it into each
catalog) and formats numbers per locale; a third language is a new catalog, not an edit
of every sentence. A message missing from a catalog shows in English, and a test fails on it.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

SUPPORTED = ("en", "fr")
DOMAIN = "rehearse"
# How Babel finds the messages: tr(lang, message, …), ntr(lang, singular, plural, count, …), N_(message),
# and rehearse's errors, whose first argument is the message: AudioError("{path}: …", path=path).
ERRORS = (
    "RehearseError",
    "AudioError",
    "ModelError",
    "TranscriptError",
    "PluginError",
    "OptionError",
    "RecordingError",
    "HistoryError",
    "VoicePrintError",
    "DrillError",
    "BatchError",
)
KEYWORDS: dict[str, tuple[int, ...] | None] = {"tr": (2,), "ntr": (2, 3), "N_": None}
KEYWORDS.update({name: (1,) for name in ERRORS})


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
    """``fr`` in a French report, else ``en``: for plugins that carry their own two wordings
    (rehearse's own sentences go through the catalogs, :func:`tr`)."""
    return fr if lang == "fr" else en


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark ``message`` for translation where it is only named; :func:`tr` translates it later."""
    return message


def tr(lang: str, message: str, /, **values: object) -> str:
    """``message`` (its English wording) in ``lang``, with ``values`` in its ``{fields}``."""
    text = _translations(lang).gettext(message)
    return text.format(**values) if values else text


def ntr(lang: str, singular: str, plural: str, count: int, /, **values: object) -> str:
    """The singular or plural of a message as ``lang`` chooses for ``count`` ("1 question",
    "0 question" in French, "0 questions" in English); ``{count}`` and ``values`` filled in."""
    return _translations(lang).ngettext(singular, plural, count).format(count=count, **values)


def separated(lang: str, parts: Iterable[str]) -> str:
    """Items of a summary, one per person: "A 64%; B 36%" / "A 64 % ; B 36 %"."""
    # TRANSLATORS: between the items of a summary, one per person.
    return tr(lang, "; ").join(parts)


def catalog_path(lang: str) -> Path:
    return Path(str(resources.files("rehearse") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"))


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``, compiled in memory from its ``.po`` (the file people edit is
    the one that runs: no compiled copy to forget)."""
    path = catalog_path(lang)
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


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


def percent(share: float, lang: str = "en") -> str:
    """A share as a whole percent, spaced as ``lang`` writes it: 43% / 43 %."""
    from babel.numbers import format_percent

    return format_percent(share, locale=lang)


def figure_text(value: float | None, unit: str, lang: str) -> str:
    """A figure with its unit ("share", "seconds", "wpm", "per_minute", "count"); — when unknown."""
    if value is None:
        return "—"
    if unit == "share":
        return percent(value, lang)
    if unit == "seconds":
        return duration(value) if value >= 1 else f"{tenths(value, lang)} s"
    if unit == "wpm":
        return tr(lang, "{value} words/min", value=_decimal(value, "0", lang))
    if unit == "per_minute":
        return f"{tenths(value, lang)}/min"
    return _decimal(value, "#,##0.##", lang)


def target_text(low: float | None, high: float | None, unit: str, lang: str) -> str:
    """A target range: "100–165 words/min", "≥ 2", "≤ 30%"; None is an open end."""
    if low is not None and high is not None:
        if unit == "wpm":
            return tr(
                lang, "{low}–{high} words/min", low=_decimal(low, "0", lang), high=_decimal(high, "0", lang)
            )
        return f"{figure_text(low, unit, lang)} – {figure_text(high, unit, lang)}"
    if low is not None:
        return f"≥ {figure_text(low, unit, lang)}"
    if high is not None:
        return f"≤ {figure_text(high, unit, lang)}"
    return "—"


def tenths(value: float, lang: str) -> str:
    """A figure to one decimal, as ``lang`` writes it: 4.5 / 4,5."""
    return _decimal(value, "0.0", lang)


def _decimal(value: float, pattern: str, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=lang)


TRENDS = {
    "better": N_("closer to target"),
    "worse": N_("further from target"),
    "on target": N_("on target"),
    "off target": N_("still off target"),
    "up": N_("up"),
    "down": N_("down"),
    "same": N_("steady"),
    "new": N_("first session"),
}


def trend_text(trend: str, lang: str) -> str:
    """How a figure moved over sessions, as ``rehearse.history.progress`` names it."""
    return tr(lang, TRENDS.get(trend, trend))


def extract() -> None:
    """Collect every marked message into ``rehearse.pot`` and merge it into each catalog: new
    messages arrive untranslated, gone ones are dropped."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po, write_po

    package = Path(str(resources.files("rehearse")))
    template = Catalog(project="rehearse", domain=DOMAIN)
    for filename, line, message, comments, context in extract_from_dir(
        package, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    with (package / "locale" / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, template, omit_header=True, sort_output=True, include_lineno=False)
    for lang in SUPPORTED:
        path = catalog_path(lang)
        if lang == "en":
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=lang)
        template.creation_date = catalog.creation_date  # unchanged messages, unchanged file
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as out:
            write_po(out, catalog, sort_output=True, ignore_obsolete=True, include_lineno=False, width=100)
