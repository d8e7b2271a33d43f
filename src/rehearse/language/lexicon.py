"""Word lists of spoken French and English that the analyzers share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

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
        # Agreement said while the other talks, heard in real calls ("I know.", "ah bon",
        # "c'est sûr", "tout à fait"): with the words above, the phrases that only say "go on".
        "know",
        "really",
        "totally",
        "definitely",
        "absolutely",
        "of",
        "course",
        "me",
        "too",
        "that's",
        "agreed",
        "nice",
        "makes",
        "sense",
        "c'est",
        "sûr",
        "clair",
        "vrai",
        "bah",
        "si",
        "évidemment",
        "absolument",
        "parfait",
        "exact",
        "ça",
        "marche",
        "sûrement",
        "certes",
    ]
)

# Words that bid for the floor however short the utterance: a question word asks the other for an
# answer (a first pair part), "but" / "mais" opens an objection, "sorry?" / "pardon ?" asks for a
# repeat, "wait" / "attendez" asks the other to stop. A word or two said over the other without
# one of these is a backchannel by its shape, whatever Whisper heard (docs/metrics.md#interruptions).
BIDS = frozenset(
    [
        "why",
        "what",
        "how",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "which",
        "but",
        "wait",
        "sorry",
        "pardon",
        "pourquoi",
        "comment",
        "quoi",
        "qui",
        "quand",
        "où",
        "combien",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "lequel",
        "laquelle",
        "mais",
        "attends",
        "attendez",
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
# A word: letters and digits, with the apostrophes and hyphens inside it ("aujourd'hui",
# "mm-hmm") but none at its ends. Applied after normalise(), which straightens apostrophes.
_TOKEN = re.compile(r"\w[\w'-]*\w|\w")


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, NFC: the form the word lists use."""
    return unicodedata.normalize("NFC", text).lower().replace("’", "'").strip()


@lru_cache(maxsize=1 << 16)
def tokens(text: str) -> tuple[str, ...]:
    """The words of ``text``, normalised. Remembered: every analyzer reading an utterance asks for
    its words, and on long conversations tokenising them again and again was the larger cost."""
    return tuple(_TOKEN.findall(normalise(text)))


def is_backchannel(text: str) -> bool:
    """Whether every word of ``text`` is a continuer ("mm-hmm", "oui, d'accord")."""
    # Word by word, not tokens(): asked of most short utterances, it stops at the first word
    # of most, which is no continuer.
    said = False
    for match in _TOKEN.finditer(normalise(text)):
        word = match.group()
        if word not in BACKCHANNELS and _VOWEL.search(word):
            return False
        said = True
    return said


def sounds_unfinished(text: str) -> bool:
    """Whether an utterance looks cut off: no final punctuation, or a dangling last word."""
    stripped = normalise(text).rstrip()
    if not stripped:
        return False
    if stripped.endswith(("...", "…", "-", "—", ",")) or stripped[-1] not in ".!?":
        return True
    words = tokens(stripped)  # a dangling last word before the stop: only then worth splitting
    return bool(words) and words[-1] in DANGLING


class _Filler(NamedTuple):
    pattern: re.Pattern[str]
    # Text that every match holds: a text without it is not searched. Looking for a piece of
    # text is many times faster than searching with a pattern that starts with \b, which the
    # regex engine tries at every character.
    cue: str = ""


# Hesitations and verbal tics (docs/metrics.md#fillers). Words that are fillers
# only in some uses ("like", "genre", "voilà", "sort of") are matched in those uses alone.
# The sounds have no cue; their \b comes after their first letter rather than before, where
# it kept the engine from skipping ahead to the letters that may start a match:
# "u(?<=\bu)u*m+" is "\bu+m+".
FILLERS = {
    "en": [
        _Filler(re.compile(r"(?:u(?<=\bu)u*m+|u(?<=\bu)u*h+|e(?<=\be)e*r+m*|h(?<=\bh)h*m+)\b")),
        _Filler(re.compile(r"(?:^|[,.] )like(?=,)|, like\b"), "like"),
        _Filler(re.compile(r"\byou know\b(?! (?:what|how|that|where|who|why|when|if|about)\b)"), "you know"),
        _Filler(re.compile(r"\bi mean\b"), "i mean"),
        _Filler(
            re.compile(
                # The lookahead first: the lookbehinds are then tried only where "sort of" starts.
                r"\b(?=(?:sort|kind) of\b)(?<!\bwhat )(?<!\bwhich )(?<!\bthis )(?<!\bthat )(?<!\bsome )"
                r"(?<!\bany )(?<!\bthe )(?<!\ba )(?:sort|kind) of\b"
            ),
            " of",  # in "sort of" and "kind of"
        ),
        _Filler(re.compile(r"\bbasically\b"), "basically"),
    ],
    "fr": [
        _Filler(re.compile(r"(?:e(?<=\be)u+h+|h(?<=\bh)eu+|h(?<=\bh)u+m+|b(?<=\bb)ah|b(?<=\bb)en)\b")),
        _Filler(re.compile(r"\bdu coup\b"), "du coup"),
        _Filler(re.compile(r"\ben fait\b"), "en fait"),
        _Filler(re.compile(r"(?:^|, )genre\b|\bgenre(?=,)"), "genre"),
        _Filler(
            re.compile(r"\b(?:tu vois|vous voyez)\b(?! (?:que|comment|ce|pourquoi|si)\b)"),
            "vo",  # in "tu vois" and "vous voyez"
        ),
        # Not (?<=\S): a comma is not space, so a long run of commas would be rescanned from each one.
        _Filler(re.compile(r"(?<=[^\s,])[ ,]+voilà(?=[,.…!]|$)"), "voilà"),
    ],
}


# Hedges: words that soften a claim or shrink its speaker ("I think maybe", "just", "un petit
# peu"). "sort of" and "kind of" hedge too, but are counted once, with the fillers. "just" is a
# hedge as a speaker's minimiser ("I just wanted", "we're just"), not as "only" or "recently"
# ("that just happened", "just as planned").
HEDGES = {
    "en": re.compile(
        r"\b(?:i think|i guess|i suppose|i feel like|i'm not sure|maybe|perhaps|probably|a little bit"
        r"|" + "|".join(f"(?<=\\b{who} )just" for who in ("i", "we", "i'm", "we're", "i'd", "i'll")) + r")\b"
    ),
    "fr": re.compile(
        r"\b(?:je pense que|je crois que|je dirais|il me semble|j'ai l'impression|peut-être|un petit peu"
        r"|un peu|en quelque sorte|plus ou moins)(?![\w-])"
    ),
}


def hedges(text: str, language: str | None) -> list[str]:
    """The hedges said in ``text``, in order, in their normalised form ("i think", "peut-être")."""
    norm = normalise(text)
    found = [
        (m.start(), m.group())
        for lang in ((language,) if language in HEDGES else HEDGES)
        for m in HEDGES[lang].finditer(norm)
    ]
    return [name for _, name in sorted(found)]


def fillers(text: str, language: str | None) -> list[str]:
    """The fillers said in ``text``, in order, in their normalised form ("um", "du coup")."""
    return list(_fillers(text, language))


@lru_cache(maxsize=1 << 17)
def _fillers(text: str, language: str | None) -> tuple[str, ...]:
    # Remembered: an answer said in one utterance is searched by the fillers analyzer, and again
    # by the one of the questions you were asked.
    norm = normalise(text)
    found = [
        (m.start(), " ".join(tokens(m.group())))
        for lang in ((language,) if language in FILLERS else FILLERS)
        for pattern, cue in FILLERS[lang]
        if cue in norm  # "" is in every text
        for m in pattern.finditer(norm)
    ]
    found.sort()
    return tuple([name for _, name in found])


# Whisper writes a laugh as "ha", "haha", "hehehe", "LOL" or "mdr"; one "he" or "hi" is a word.
_LAUGH = re.compile(r"hah?|(?:h[aeiou]){2,}h?|lol|mdr")
# ...and names sounds between brackets, parentheses or asterisks: "[Laughter]", "(rires)".
_SOUND_NAME = re.compile(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|♪")


def is_hesitation(text: str) -> bool:
    """Whether ``text`` is one hesitation sound and nothing else ("Um,", "euh…"), in either
    language: Whisper may write an English "uh" in French speech."""
    said = tokens(text)
    return len(said) == 1 and any(
        FILLERS[lang][0].pattern.fullmatch(said[0]) for lang in FILLERS
    )


def only_sounds(texts: Iterable[str]) -> bool:
    """Whether nothing in ``texts`` is a word: only hesitations ("uh", "euh"), laughs and
    named sounds, or nothing at all. What Whisper makes of laughter, a cough or music."""
    for text in texts:
        for token in tokens(_SOUND_NAME.sub(" ", text)):
            if not (_LAUGH.fullmatch(token) or _fillers(token, None)):
                return False
    return True


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
    return [
        word
        for token in tokens(text)
        # "l'équipe" → "équipe"; the token's length first, as most words are short
        if len(token) >= 4
        and token not in STOPWORDS
        and len(word := token.rpartition("'")[2]) >= 4
        and word not in STOPWORDS
    ]


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


class Forms:
    """The content words of a text, and whether a word is a form of one of them (``same_word``).

    Forms share their stem without a final s or x, or their first five letters: a word whose
    stem and first letters are nowhere in the text has none there, and most words are told so
    before the text is split into words. The rest are mostly told by a look-up, not compared
    with each word.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalised = normalise(text)
        self.indexed: tuple[list[str], set[str], set[str]] | None = None

    def __contains__(self, word: str) -> bool:
        stem = word.rstrip("sx")
        if stem not in self.normalised and word[:5] not in self.normalised:
            return False
        if self.indexed is None:
            words = content_words(self.text)
            self.indexed = words, {w.rstrip("sx") for w in words}, {w[:5] for w in words}
        words, stems, starts = self.indexed
        return stem in stems or (word[:5] in starts and any(same_word(word, other) for other in words))


# How an interview opens and closes tells the roles apart (rehearse.coaching.you weighs these).
# Searched in normalised text. The host welcomes the guest and invites them to introduce
# themselves; "you're welcome" answers thanks and is no welcome.
WELCOMES = re.compile(
    r"\bthank(?:s| you)(?: so much| very much)? for (?:coming|joining)\b"
    r"|(?<!you're )(?<!you are )\bwelcome\b"
    r"|\btell(?:ing)? (?:me|us) (?:a (?:little )?(?:bit )?)?(?:more )?about yourself\b|\bintroduce yourself\b"
    r"|\bmerci (?:beaucoup )?d'être (?:venue?s?|là)\b|\bmerci de vous être déplacée?s?\b|\bbienvenue\b"
    r"|\bprésentez-vous\b|\bparlez-moi (?:un peu )?de (?:vous|votre parcours)\b"
)
# Handing the floor over for the other's questions: in a job interview the interviewer does it;
# in an informational or reverse interview, the person who has been answering.
FLOOR_OFFERS = re.compile(
    r"\b(?:do|did) you have (?:any )?(?:other |more |further |last |final )?questions?\b"
    r"|\bany (?:other |more |further |last |final )?questions? for (?:me|us)\b"
    r"|\banything (?:else )?(?:you'd|you would) like to (?:ask|know)\b"
    r"|\b(?:avez-vous|vous avez|est-ce que vous avez|as-tu|tu as) (?:des|d'autres|encore des|quelques) questions\b"
    r"|\bdes questions (?:pour|à) (?:moi|nous)\b|\b(?:quelque|autre) chose à (?:me|nous) demander\b"
)
# Thanks for the other's time: said by the one who asked for the meeting or sat the interview.
THANKS_FOR_TIME = re.compile(
    r"\bthank(?:s| you)(?: so much| very much| again)? for (?:your time|taking the time|making (?:the )?time"
    r"|(?:having|meeting|seeing|receiving) me|the opportunity)\b"
    r"|\bmerci (?:beaucoup |encore )?(?:pour|de) (?:votre|ton) temps\b"
    r"|\bmerci de m'avoir (?:reçue?|accordé|consacré)\b|\bmerci d'avoir pris le temps\b"
    r"|\bmerci de prendre le temps\b|\bmerci pour cette opportunité\b"
)
