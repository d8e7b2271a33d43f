"""The letters a language is written in: a word with others is decoding debris.

Whisper's byte-level decoding can stop inside a character (leaving U+FFFD, the
replacement character) or drift into another script mid-word ("d'être滿ouant" in a
French interview). Such a word is no word of the conversation: it is dropped, and the
report says how many were.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

REPLACEMENT = "\ufffd"

_LATIN = frozenset({"LATIN"})
# The first word of the Unicode names of each language's letters. A language not listed is
# not checked for scripts (only for broken characters): guessing would drop real words.
SCRIPTS: dict[str, frozenset[str]] = {
    **{
        code: _LATIN
        for code in (
            "en fr de es it pt nl ca pl cs sk sl hr sv da no nb nn fi et lv lt ro hu tr az vi id ms "
            "tl sw af cy ga eu gl is mt sq bs uz"
        ).split()
    },
    **{code: frozenset({"CYRILLIC"}) for code in ("ru", "uk", "bg", "be", "mk", "kk", "mn", "sr")},
    "el": frozenset({"GREEK"}),
    "he": frozenset({"HEBREW"}),
    "yi": frozenset({"HEBREW"}),
    **{code: frozenset({"ARABIC"}) for code in ("ar", "fa", "ur", "ps")},
    **{code: frozenset({"DEVANAGARI"}) for code in ("hi", "mr", "ne")},
    "th": frozenset({"THAI"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "zh": frozenset({"CJK"}),
}


def foreign(text: str, language: str | None) -> bool:
    """Whether ``text`` holds a broken character, or a letter outside ``language``'s scripts."""
    if REPLACEMENT in text:
        return True
    allowed = SCRIPTS.get(language or "")
    return allowed is not None and any(
        character.isalpha() and _script(character) not in allowed for character in text
    )


@lru_cache(maxsize=4096)
def _script(character: str) -> str:
    return unicodedata.name(character, "").split(" ", 1)[0]
