"""The coach: your key figures, judged against the targets of the situation you practised.

Each practice situation (``--profile``) sets targets for the person being coached, with
the source of each default (docs/report.md, "Targets"); ``[profiles.NAME]`` tables in
``rehearse.toml`` override them. Figures come from the analyzers' sections of the
report, so a target exists only for what an analyzer measured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from statistics import median
from typing import Any

from rehearse.errors import OptionError
from rehearse.i18n import duration, percent, say
from rehearse.profiles import NAMES as PROFILE_NAMES

GENERAL = "general"  # the targets when no situation is given


@dataclass(frozen=True)
class Metric:
    name: str
    label: tuple[str, str]  # en, fr
    unit: str  # "share" | "seconds" | "count" | "wpm" | "per_minute"
    read: Callable[[Mapping[str, Any], str], float | None]
    # Advice when the figure is under / over its target (en, fr); empty where that cannot happen.
    too_low: tuple[str, str] = ("", "")
    too_high: tuple[str, str] = ("", "")


def _get(section: Mapping[str, Any], *path: str) -> Any:
    value: Any = section
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _questions(analyzers: Mapping[str, Any], you: str) -> tuple[int, int, list[int]] | None:
    mine = _get(analyzers, "questions", "by_speaker", you)
    if mine is None:
        return None
    return mine["open"], mine["closed"], mine.get("by_third", [0, 0, 0])


def _open_share(analyzers: Mapping[str, Any], you: str) -> float | None:
    found = _questions(analyzers, you)
    if not found or not (found[0] + found[1]):
        return None
    return round(found[0] / (found[0] + found[1]), 3)


def _spread(analyzers: Mapping[str, Any], you: str) -> float | None:
    found = _questions(analyzers, you)
    if not found or not sum(found[2]):
        return None
    return round((found[2][1] + found[2][2]) / sum(found[2]), 3)


def _median_answer(analyzers: Mapping[str, Any], you: str) -> float | None:
    answers = [i["answer_duration"] for i in _get(analyzers, "asked", "items") or [] if i["speaker"] == you]
    return round(median(answers), 2) if answers else None


def _count(found: tuple[int, int, list[int]] | None, open_only: bool = False) -> int | None:
    if found is None:
        return None
    return found[0] if open_only else found[0] + found[1]


METRICS = {
    m.name: m
    for m in (
        Metric(
            "talk_share",
            ("Your talk share", "Votre temps de parole"),
            "share",
            lambda a, you: _get(a, "talk_time", "speakers", you, "share"),
            (
                "Say more: develop your answers with an example and its result.",
                "Développez davantage : un exemple et son résultat.",
            ),
            (
                "Listen more: ask, then let them talk; note your point instead of making it now.",
                "Écoutez davantage : posez la question, laissez parler, notez votre idée au lieu de la dire.",
            ),
        ),
        Metric(
            "longest_turn",
            ("Your longest turn", "Votre plus long tour"),
            "seconds",
            lambda a, you: _get(a, "monologues", "longest", you, "duration"),
            too_high=(
                "Break long answers into chapters: headline, one example, then check in.",
                "Découpez les longues réponses : l'essentiel, un exemple, puis vérifiez.",
            ),
        ),
        Metric(
            "median_answer",
            ("Your typical answer", "Votre réponse type"),
            "seconds",
            _median_answer,
            (
                "Your answers are short: give the situation, what you did and the result.",
                "Réponses courtes : donnez la situation, ce que vous avez fait, le résultat.",
            ),
            (
                "Your answers run long: lead with the result, then one example.",
                "Réponses longues : commencez par le résultat, puis un seul exemple.",
            ),
        ),
        Metric(
            "interruptions",
            ("Times you interrupted", "Vos interruptions"),
            "count",
            lambda a, you: _get(a, "interruptions", "by_speaker", you, "interrupted"),
            too_high=(
                "Let them finish: wait for the end of the sentence, then come back with a question.",
                "Laissez finir : attendez la fin de la phrase, puis revenez-y par une question.",
            ),
        ),
        Metric(
            "questions",
            ("Questions you asked", "Vos questions"),
            "count",
            lambda a, you: _count(_questions(a, you)),
            (
                "Ask more questions: prepare five before the call.",
                "Posez plus de questions : préparez-en cinq avant l'échange.",
            ),
            (
                "Fewer, deeper questions: follow up on the answers instead of moving on.",
                "Moins de questions, plus approfondies : relancez au lieu d'enchaîner.",
            ),
        ),
        Metric(
            "open_questions",
            ("Open questions you asked", "Vos questions ouvertes"),
            "count",
            lambda a, you: _count(_questions(a, you), open_only=True),
            (
                "Ask open questions: “How do you…?”, “Why did you choose…?”",
                "Posez des questions ouvertes : « Comment faites-vous pour… ? », « Pourquoi ce choix ? »",
            ),
        ),
        Metric(
            "open_share",
            ("Share of open questions", "Part de questions ouvertes"),
            "share",
            _open_share,
            (
                "Turn closed questions into open ones: “How…”, “Why…”, “Tell me about…”.",
                "Ouvrez vos questions : « Comment… », « Pourquoi… », « Parlez-moi de… ».",
            ),
        ),
        Metric(
            "questions_spread",
            ("Questions after the first third", "Questions après le premier tiers"),
            "share",
            _spread,
            (
                "Spread your questions through the call instead of front-loading them.",
                "Répartissez vos questions sur tout l'échange au lieu de les poser toutes au début.",
            ),
        ),
        Metric(
            "follow_ups",
            ("Your follow-up questions", "Vos relances"),
            "count",
            lambda a, you: _get(a, "follow_ups", "by_speaker", you, "follow_ups"),
            (
                "Follow up on answers with their own words: “You mentioned…: how did that work?”",
                "Relancez avec leurs mots : « Vous avez parlé de… : comment cela s'est-il passé ? »",
            ),
        ),
        Metric(
            "pace",
            ("Your pace", "Votre débit"),
            "wpm",
            lambda a, you: _get(a, "pace", "by_speaker", you, "wpm"),
            (
                "Pick up the pace: prepare the first sentence of your key stories.",
                "Accélérez un peu : préparez la première phrase de vos histoires clés.",
            ),
            ("Slow down: pause after each key point.", "Ralentissez : une pause après chaque idée clé."),
        ),
        Metric(
            "filler_share",
            ("Your fillers", "Vos mots de remplissage"),
            "share",
            lambda a, you: _get(a, "fillers", "by_speaker", you, "share"),
            too_high=("Replace fillers with a short silence.", "Remplacez les « euh » par un court silence."),
        ),
        Metric(
            "patience",
            ("Your pause before speaking", "Votre temps avant de parler"),
            "seconds",
            lambda a, you: _get(a, "patience", "by_speaker", you, "median"),
            (
                "Leave a beat after they stop: they often add the most useful part.",
                "Laissez un temps quand l'autre se tait : il ajoute souvent l'essentiel.",
            ),
        ),
        Metric(
            "switches_per_minute",
            ("Floor switches a minute", "Changements de parole par minute"),
            "per_minute",
            lambda a, you: _get(a, "interactivity", "per_minute"),
            (
                "Make it a conversation: shorter turns that end on a question.",
                "Faites-en une conversation : des tours plus courts qui finissent par une question.",
            ),
        ),
        Metric(
            "threw_you",
            ("Questions that threw you", "Questions déstabilisantes"),
            "count",
            lambda a, you: (
                sum(1 for i in _get(a, "asked", "items") or [] if i["speaker"] == you and i["flags"])
                if _get(a, "asked", "items") is not None
                else None
            ),
        ),
    )
}

# Targets: metric -> (min, max, source). None is an open end.
Target = tuple[float | None, float | None, str]
_PACE: Target = (100, 165, "Microsoft Speaker Coach: 100–165 words a minute")
_FILLERS: Target = (None, 0.04, "Read.ai flags more than 4% of words")
_INTERRUPT: Target = (None, 1, "conversation analysis: don't cut the other person off (rehearse default)")
TARGETS: dict[str, dict[str, Target]] = {
    GENERAL: {
        "longest_turn": (None, 120, "Gong: keep an overview under 2 minutes"),
        "interruptions": _INTERRUPT,
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
    "job-interview": {
        "talk_share": (0.5, 0.8, "the candidate answers, so talks most (rehearse default)"),
        "median_answer": (30, 120, "most interview answers run 30 s to 2 min"),
        "longest_turn": (None, 150, "answers bounded near 2 min (rehearse default, 30 s of slack)"),
        "interruptions": _INTERRUPT,
        "questions": (2, None, "a couple of questions of your own at the end"),
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
    "informational": {
        "talk_share": (None, 0.3, "in an informational interview you mostly listen"),
        "open_questions": (5, None, "many open questions (rehearse default)"),
        "open_share": (0.6, None, "open questions rather than closed ones (rehearse default)"),
        "longest_turn": (None, 60, "you listen: keep your turns short (rehearse default)"),
        "interruptions": _INTERRUPT,
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
    "reverse": {
        "talk_share": (None, 0.5, "in a reverse interview you ask and they answer (rehearse default)"),
        "questions": (5, None, "you lead with questions (rehearse default)"),
        "open_share": (0.5, None, "open questions rather than closed ones (rehearse default)"),
        "follow_ups": (2, None, "follow up on the answers: the heart of a reverse interview"),
        "interruptions": _INTERRUPT,
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
    "client-discovery": {
        "talk_share": (None, 0.65, "Gong: best calls near 43% seller talk, results drop above 65%"),
        "questions": (11, 14, "Gong: 11–14 questions per discovery call"),
        "questions_spread": (0.5, None, "Gong: questions spread through the call, not front-loaded"),
        "longest_turn": (None, 120, "Gong: keep a company overview under 2 minutes"),
        "patience": (
            0.6,
            None,
            "Gong: top sellers pause longer before answering (secondary; rehearse default)",
        ),
        "interruptions": _INTERRUPT,
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
}
# The figures kept in history and charted by `rehearse progress`, in display order.
KEY_METRICS = (
    "talk_share",
    "longest_turn",
    "interruptions",
    "questions",
    "open_share",
    "follow_ups",
    "pace",
    "filler_share",
    "patience",
    "threw_you",
)


def targets(
    profile: str | None, config: Mapping[str, Any] | None = None, where: object = None
) -> dict[str, Target]:
    """The targets of a situation, with the ``[profiles.NAME]`` overrides of the config file.

    Raises:
        OptionError: an override names an unknown profile or metric, or is not ``{min, max}`` numbers.
    """
    name = profile or GENERAL
    tables = (config or {}).get("profiles", {})
    if not isinstance(tables, Mapping) or not all(isinstance(t, Mapping) for t in tables.values()):
        raise OptionError(
            f"{where}: [profiles] must hold one table per profile, e.g. [profiles.job-interview]"
        )
    overrides: dict[str, dict[str, Target]] = {}
    for table_name, table in tables.items():
        if table_name not in TARGETS:
            raise OptionError(
                f"{where}: [profiles.{table_name}]: no such profile (known: {', '.join((GENERAL, *PROFILE_NAMES))})"
            )
        overrides[table_name] = {m: _bounds(table_name, m, b, where) for m, b in table.items()}
    return {**TARGETS[name], **overrides.get(name, {})}


def _bounds(profile: str, metric: str, bounds: Any, where: object) -> Target:
    if metric not in METRICS:
        raise OptionError(
            f"{where}: [profiles.{profile}] {metric}: no such figure (known: {', '.join(METRICS)})"
        )
    if (
        not isinstance(bounds, Mapping)
        or not bounds
        or set(bounds) - {"min", "max"}
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bounds.values())
    ):
        raise OptionError(
            f"{where}: [profiles.{profile}] {metric}: expected {{ min = N, max = N }} (either or both)"
        )
    return (bounds.get("min"), bounds.get("max"), f"your setting in {where}")


def scorecard(
    analyzers: Mapping[str, Any], you: str | None, chosen: Mapping[str, Target], lang: str
) -> list[dict[str, Any]]:
    """Each target with your figure and whether it was met: ``ok``, ``low``, ``high`` or ``unknown``."""
    card = []
    for name, (low, high, source) in chosen.items():
        metric = METRICS[name]
        value = metric.read(analyzers, you) if you else None
        if value is None:
            status = "unknown"
        elif low is not None and value < low:
            status = "low"
        elif high is not None and value > high:
            status = "high"
        else:
            status = "ok"
        advice = {"low": metric.too_low, "high": metric.too_high}.get(status, ("", ""))
        card.append(
            {
                "metric": name,
                "label": say(lang, *metric.label),
                "unit": metric.unit,
                "value": value,
                "shown": show(value, metric.unit, lang),
                "min": low,
                "max": high,
                "target": target_text(low, high, metric.unit, lang),
                "status": status,
                "source": source,
                "advice": say(lang, *advice) if advice[0] else None,
            }
        )
    return card


def key_metrics(analyzers: Mapping[str, Any], you: str | None) -> dict[str, float | None]:
    """The figures kept in history; speaker-bound ones need to know who you are."""
    return {name: METRICS[name].read(analyzers, you) if you else None for name in KEY_METRICS}


def show(value: float | None, unit: str, lang: str) -> str:
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
    if low is not None and high is not None:
        if unit == "wpm":
            return say(lang, f"{low:.0f}–{high:.0f} words/min", f"{low:.0f}–{high:.0f} mots/min")
        return f"{show(low, unit, lang)} – {show(high, unit, lang)}"
    if low is not None:
        return f"≥ {show(low, unit, lang)}"
    if high is not None:
        return f"≤ {show(high, unit, lang)}"
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
    return say(lang, *TRENDS.get(trend, (trend, trend)))
