"""Word lists of spoken French and English that the analyzers share."""

from __future__ import annotations

import re
import unicodedata

# Continuers and acknowledgements: they show listening and do not take the floor
# (docs/metrics.md#interruptions).
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


# Hesitations and verbal tics (docs/metrics.md#fillers). Words that are fillers
# only in some uses ("like", "genre", "voilà", "sort of") are matched in those uses alone.
FILLER_PATTERNS = {
    "en": [
        re.compile(r"\b(?:u+m+|u+h+|e+r+m*|h+m+)\b"),
        re.compile(r"(?:^|[,.] )like(?=,)|, like\b"),
        re.compile(r"\byou know\b(?! (?:what|how|that|where|who|why|when|if|about)\b)"),
        re.compile(r"\bi mean\b"),
        re.compile(
            r"(?<!\bwhat )(?<!\bwhich )(?<!\bthis )(?<!\bthat )(?<!\bsome )(?<!\bany )(?<!\bthe )"
            r"(?<!\ba )\b(?:sort|kind) of\b"
        ),
        re.compile(r"\bbasically\b"),
    ],
    "fr": [
        re.compile(r"\b(?:eu+h+|heu+|hu+m+|bah|ben)\b"),
        re.compile(r"\bdu coup\b"),
        re.compile(r"\ben fait\b"),
        re.compile(r"(?:^|, )genre\b|\bgenre(?=,)"),
        re.compile(r"\b(?:tu vois|vous voyez)\b(?! (?:que|comment|ce|pourquoi|si)\b)"),
        re.compile(r"(?<=\S)[ ,]+voilà(?=[,.…!]|$)"),
    ],
}


def fillers(text: str, language: str | None) -> list[str]:
    """The fillers said in ``text``, in order, in their normalised form ("um", "du coup")."""
    norm = normalise(text)
    languages = [language] if language in FILLER_PATTERNS else list(FILLER_PATTERNS)
    found: list[tuple[int, str]] = []
    for lang in languages:
        for pattern in FILLER_PATTERNS[lang]:
            found += [(m.start(), " ".join(tokens(m.group()))) for m in pattern.finditer(norm)]
    return [name for _, name in sorted(found)]


# Words too common to show that one person picked up what the other said.
STOPWORDS = frozenset(
    """
    about above after again against also always another anything around away back because been before
    being between both could didn does doing done down during each even ever every from going good great
    have having here into just know like little look made make many maybe more most much must never
    only other over really right same should since some something still such sure take than thank thanks
    that their them then there these they thing things think this those through time told very want
    well were what when where which while will with would yeah your yours okay also
    alors après aussi autre autres avant avec avez avoir avons beaucoup bien ceci cela celle celui cette
    ceux chez chose choses comme comment dans depuis donc elle elles encore entre était étaient être fait
    faire faites fois leur leurs mais même merci moins notre nous parce peut peux plus pour pourquoi
    quand quel quelle quelles quels quoi sans sont sous suis tous tout toute toutes très vais vont votre
    vous vraiment juste voilà ouais était c'est qu'est-ce est-ce d'accord
    """.split()
)


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry its topic: four letters or more, not too common."""
    found = []
    for token in tokens(text):
        word = token.split("'")[-1]  # "l'équipe" → "équipe"
        if len(word) >= 4 and word not in STOPWORDS and token not in STOPWORDS:
            found.append(word)
    return found


def same_word(a: str, b: str) -> bool:
    """Whether two words are forms of one ("team"/"teams", "manager"/"management")."""
    if a == b or a.rstrip("sx") == b.rstrip("sx"):
        return True
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= 5 and common >= 0.6 * min(len(a), len(b))
