"""Word lists of spoken French and English that the analyzers share."""

from __future__ import annotations

import re
import unicodedata

# Continuers and acknowledgements: they show listening and do not take the floor
# (shared/reference/metrics.md, "Interruptions").
BACKCHANNELS = frozenset(
    [
        "mm",
        "mmm",
        "mhm",
        "mh",
        "hm",
        "hmm",
        "mm-hmm",
        "mhm-mhm",
        "uh-huh",
        "uh",
        "huh",
        "yeah",
        "yep",
        "yes",
        "ya",
        "right",
        "ok",
        "okay",
        "sure",
        "exactly",
        "indeed",
        "true",
        "wow",
        "oh",
        "ah",
        "i",
        "see",
        "got",
        "it",
        "cool",
        "great",
        "alright",
        "all",
        "oui",
        "ouais",
        "ouaip",
        "d'accord",
        "daccord",
        "ok",
        "voilà",
        "voila",
        "ah",
        "oh",
        "bon",
        "bien",
        "exactement",
        "effectivement",
        "tout",
        "à",
        "fait",
        "entendu",
        "super",
        "carrément",
        "je",
        "vois",
    ]
)

# Words that cannot end a finished sentence: an utterance stopping on one was cut off.
DANGLING = frozenset(
    [
        "and",
        "but",
        "or",
        "because",
        "so",
        "the",
        "a",
        "an",
        "to",
        "of",
        "for",
        "with",
        "that",
        "which",
        "who",
        "if",
        "when",
        "than",
        "my",
        "your",
        "our",
        "their",
        "his",
        "her",
        "its",
        "is",
        "are",
        "was",
        "were",
        "i",
        "we",
        "you",
        "they",
        "in",
        "on",
        "at",
        "from",
        "as",
        "et",
        "mais",
        "ou",
        "donc",
        "parce",
        "que",
        "qui",
        "quand",
        "le",
        "la",
        "les",
        "l'",
        "un",
        "une",
        "des",
        "de",
        "du",
        "à",
        "au",
        "aux",
        "pour",
        "avec",
        "sur",
        "dans",
        "par",
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ils",
        "elles",
        "on",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "son",
        "sa",
        "ses",
        "notre",
        "nos",
        "votre",
        "vos",
        "leur",
        "leurs",
        "ce",
        "cette",
        "ces",
        "est",
        "sont",
        "puis",
        "comme",
        "si",
    ]
)

# A "word" without a vowel ("mhm", "hmm", "mnfm") is a vocal sound, not language.
_VOWEL = re.compile(r"[aeiouyàâäéèêëîïôöùûüÿœæ]")
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, NFC: the form the word lists use."""
    return unicodedata.normalize("NFC", text).lower().replace("’", "'").strip()


def tokens(text: str) -> list[str]:
    return [t.strip("-'") for t in _WORD.findall(normalise(text)) if t.strip("-'")]


def is_backchannel(text: str) -> bool:
    """Whether every word of ``text`` is a continuer ("mm-hmm", "oui, d'accord")."""
    words = tokens(text)
    return bool(words) and all(w in BACKCHANNELS or not _VOWEL.search(w) for w in words)


def sounds_unfinished(text: str) -> bool:
    """Whether an utterance looks cut off: no final punctuation, or a dangling last word."""
    stripped = normalise(text).rstrip()
    if not stripped:
        return False
    if stripped.endswith(("...", "…", "-", "—", ",")):
        return True
    words = tokens(stripped)
    if words and words[-1] in DANGLING:
        return True
    return stripped[-1] not in ".!?"
