"""What an analyzer is, how its options are set, and how analyzers run.

An analyzer reads a :class:`~rehearse.conversation.Conversation` and returns a
JSON-ready ``dict`` (its :class:`Section` of the report). Renderers understand a few
common keys, so any analyzer shows up in every report format:

- ``summary``: one line saying what was found;
- ``advice``: a list of short, actionable sentences;
- ``moments``: a list of ``{"time", "speaker", "label", "text", "uncertain"}`` worth
  replaying; ``uncertain`` says the moment rests on an uncertain attribution of who spoke
  (:func:`uncertain`), and is filled in from the time for a moment that does not say;
- ``available``: ``False`` (with ``summary`` saying why) when the analysis cannot
  be done on this conversation.

The figures of its section that the coach may judge against a situation's targets, an
analyzer declares as :class:`Figure` objects: the coach reads them through these, never
by a path into the dict.
"""

from __future__ import annotations

import json
import math
import traceback
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, ClassVar, TypedDict

from rehearse.conversation import (
    UNCERTAIN_BELOW,
    UNCERTAIN_SHARE,
    Attribution,
    Conversation,
    Utterance,
)
from rehearse.errors import OptionError
from rehearse.i18n import tr
from rehearse.report import json_default

# A title, label or advice: a message (its English wording, marked with ``N_`` and translated by the
# catalog), or what plugins written before the catalogs give, and must go on giving: one wording per
# report language, {"en": "Pace", "fr": "Débit"}, or an (English, French) pair.
Wording = str | Mapping[str, str] | tuple[str, str]


def localized(wording: Wording, lang: str) -> str:
    """``wording`` in ``lang`` (English when a plugin's dict lacks that language); "" for none."""
    if isinstance(wording, str):
        return tr(lang, wording) if wording else ""  # gettext("") is the catalog's header
    if not isinstance(wording, Mapping):
        wording = dict(zip(("en", "fr"), wording))
    return str(wording.get(lang) or wording.get("en") or "")


class Moment(TypedDict, total=False):
    """A moment worth replaying: ``time`` (seconds) and ``text`` at least."""

    time: float
    speaker: str
    label: str
    text: str
    uncertain: bool


class Section(TypedDict, total=False):
    """The keys every format shows; an analyzer's section adds its own figures."""

    title: str
    summary: str
    advice: list[str]
    moments: list[Moment]
    available: bool
    error: str
    traceback: str


@dataclass(frozen=True)
class Figure:
    """A figure of an analyzer's section that the coach may judge against a target.

    ``read(section, you)`` takes the analyzer's own section and the id of the speaker being
    coached, and returns the figure (``None`` when it was not measured). ``unit`` is one of
    "share", "seconds", "count", "wpm", "per_minute"; ``too_low`` and ``too_high`` are the
    advice when the figure misses its target on that side. The label and the advice are
    :data:`Wording`: a message marked with ``N_``, or (English, French).

    ``governs`` says that the analyzer's own advice is about this figure: where the situation
    judges the figure and finds it on target, that advice is left out of the report, so that a
    ✓ is never followed by advice to change the same thing (the analyzer's threshold is for
    conversations without a target).
    """

    name: str
    label: Wording
    unit: str
    read: Callable[[Any, str], float | None]
    too_low: Wording = ""
    too_high: Wording = ""
    governs: bool = False

    def label_text(self, lang: str) -> str:
        return localized(self.label, lang)

    def advice(self, status: str, lang: str) -> str | None:
        """What to do about a figure that is ``status`` ("low", "high") against its target; None
        when on target or without advice for that side."""
        return localized({"low": self.too_low, "high": self.too_high}.get(status, ""), lang) or None

    def value(self, section: Mapping[str, Any] | None, you: str | None) -> float | None:
        """The figure for ``you``; None without a speaker to coach or when the analyzer failed."""
        if you is None or section is None or section.get("error"):
            return None
        return self.read(section, you)


@dataclass(frozen=True)
class Option:
    """A named, documented analyzer parameter; its type is its default's.

    A number declares the range it makes sense in (``minimum`` and ``maximum``, inclusive):
    a value outside it, or NaN or infinite, is refused wherever it comes from (``--set``,
    ``rehearse.toml``, the analyzer's own default), since a window of 0 s or a share of -1
    would make an analyzer loop for ever or fail with a stranger's error.
    """

    name: str
    default: float | int | bool | str
    help: str
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        problem = self.problem(self.default)
        if problem:
            raise ValueError(f"option {self.name!r}: its default {self.default!r} {problem}")

    @property
    def numeric(self) -> bool:
        return isinstance(self.default, (int, float)) and not isinstance(self.default, bool)

    def parse(self, raw: str) -> float | int | bool | str:
        kind = type(self.default)
        if kind is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        try:
            value = kind(raw)
        except ValueError:
            raise ValueError(f"expected {'a whole number' if kind is int else 'a number'}") from None
        problem = self.problem(value)
        if problem:
            raise ValueError(problem)
        return value

    def problem(self, value: float | int | bool | str) -> str | None:
        """Why ``value`` is out of this option's range, or None when it is fine."""
        if not self.numeric or not isinstance(value, (int, float)):
            return None
        if not math.isfinite(value):
            return "must be a finite number"
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            return f"must be {self.range_text}"
        return None

    @property
    def range_text(self) -> str:
        """The accepted range in words ("from 5 to 3600"), empty for options without one."""
        low, high = (f"{v:g}" if v is not None else None for v in (self.minimum, self.maximum))
        if low is not None and high is not None:
            return f"from {low} to {high}"
        if low is not None:
            return f"at least {low}"
        if high is not None:
            return f"at most {high}"
        return "a finite number" if self.numeric else ""


class Analyzer:
    """Base class for analyzers; subclasses set ``name``, ``title`` and ``options``."""

    name: ClassVar[str]
    title: ClassVar[Wording]
    options: ClassVar[tuple[Option, ...]] = ()
    # The figures of this analyzer's section that a situation's targets may name.
    figures: ClassVar[tuple[Figure, ...]] = ()
    # Whether it also judges a single drilled answer (``rehearse drill``): a conversation of one
    # question from the interviewer ("S2") and your answer ("S1", who is you).
    drill: ClassVar[bool] = False

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> Mapping[str, Any]:
        raise NotImplementedError

    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}


def why_not_separated(conversation: Conversation, lang: str) -> str:
    if conversation.attribution is Attribution.VOICES:
        return tr(lang, "only one voice was heard")
    return tr(lang, "speakers could not be separated on one channel")


def not_separated(conversation: Conversation, lang: str, **empty: Any) -> Any:
    """The section of an analyzer that compares speakers, when there is only one to compare."""
    return {
        "available": False,
        "summary": tr(lang, "Not measured: {why}.", why=why_not_separated(conversation, lang)),
        "advice": [],
        **empty,
    }


# What every format shows after a figure, quote or moment that rests on an uncertain attribution.
UNCERTAIN_MARK = "(?)"


def uncertain_share(
    utterances: Iterable[Utterance], start: float = -math.inf, end: float = math.inf
) -> float:
    """The share of the time of ``utterances`` (of their time between ``start`` and ``end``)
    whose attribution of who spoke is uncertain; 0 without any."""
    spans = [(min(u.end, end) - max(u.start, start), u.confidence < UNCERTAIN_BELOW) for u in utterances]
    spans = [(length, unsure) for length, unsure in spans if length >= 0]
    total = sum(length for length, _ in spans)
    if not total:  # instants only, as a hand-made transcript may hold: count them instead
        return sum(unsure for _, unsure in spans) / len(spans) if spans else 0.0
    return sum(length for length, unsure in spans if unsure) / total


def uncertain(utterances: Iterable[Utterance], start: float = -math.inf, end: float = math.inf) -> bool:
    """Whether what rests on this speech (between ``start`` and ``end``) is shown as uncertain:
    one utterance when its own attribution is, a longer stretch when at least
    :data:`~rehearse.conversation.UNCERTAIN_SHARE` of its time is."""
    return uncertain_share(utterances, start, end) >= UNCERTAIN_SHARE


def uncertain_shares(conversation: Conversation) -> dict[str, float]:
    """Each speaker's share of speech attributed uncertainly, which every figure about that
    speaker rests on (talk share, pace, fillers, questions…). Worked out once per conversation."""
    return conversation.derived(_uncertain_shares)


def _uncertain_shares(conversation: Conversation) -> dict[str, float]:
    said: dict[str, list[Utterance]] = defaultdict(list)
    for utterance in conversation.utterances:
        said[utterance.speaker].append(utterance)
    return {speaker: uncertain_share(mine) for speaker, mine in said.items()}


def marked(text: str, unsure: bool) -> str:
    """``text`` followed by :data:`UNCERTAIN_MARK` when it rests on an uncertain attribution."""
    return f"{text} {UNCERTAIN_MARK}" if unsure else text


def figures_uncertain(conversation: Conversation) -> dict[str, bool]:
    """Whether each speaker's figures rest on speech of which at least
    :data:`~rehearse.conversation.UNCERTAIN_SHARE` is uncertain."""
    shares = uncertain_shares(conversation)
    return {s.id: shares.get(s.id, 0.0) >= UNCERTAIN_SHARE for s in conversation.speakers}


def figure_labels(conversation: Conversation) -> dict[str, str]:
    """Each speaker's label for a summary of their figures, marked when :func:`figures_uncertain`."""
    unsure = figures_uncertain(conversation)
    return {s.id: marked(s.label, unsure[s.id]) for s in conversation.speakers}


def _heard(conversation: Conversation) -> tuple[list[float], list[Utterance]]:
    said = sorted((u for u in conversation.utterances if not u.backchannel), key=attrgetter("start"))
    return [u.start for u in said], said


def _heard_uncertain(conversation: Conversation, time: float) -> bool:
    """Whether the speech heard at ``time`` (the utterance begun last by then, if still going)
    was uncertainly attributed: for a moment whose analyzer did not say what it rests on."""
    if not any(uncertain_shares(conversation).values()):
        return False  # two channels, or voices told apart with confidence throughout
    starts, said = conversation.derived(_heard)
    # Moments give times to the hundredth: one may fall that much before the speech it starts.
    at = bisect_right(starts, time + 0.01) - 1
    return at >= 0 and said[at].end >= time and said[at].confidence < UNCERTAIN_BELOW


def _mark_moments(section: Mapping[str, Any], conversation: Conversation) -> None:
    moments = section.get("moments")
    for moment in moments if isinstance(moments, list) else ():
        if isinstance(moment, dict) and "uncertain" not in moment:
            time = moment.get("time")
            unsure = isinstance(time, (int, float)) and _heard_uncertain(conversation, float(time))
            moment["uncertain"] = unsure


def parse_settings(
    assignments: Iterable[str], analyzers: Mapping[str, Analyzer], origin: str = "--set"
) -> dict[str, dict]:
    """Turn ``analyzer.option=value`` strings (from ``--set`` or the config file, named by
    ``origin`` in errors) into per-analyzer option dicts.

    Raises:
        OptionError: unknown analyzer or option, or a value of the wrong type.
    """
    settings: dict[str, dict] = {name: a.defaults() for name, a in analyzers.items()}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        analyzer_name, dot, option_name = key.strip().partition(".")
        if not sep or not dot:
            raise OptionError(
                "{origin} {assignment}: expected analyzer.option=value, e.g. --set monologues.threshold=60",
                origin=origin,
                assignment=repr(assignment),
            )
        analyzer = analyzers.get(analyzer_name)
        if analyzer is None:
            raise OptionError(
                "{origin} {assignment}: no analyzer named {analyzer} (known: {known})",
                origin=origin,
                assignment=repr(assignment),
                analyzer=repr(analyzer_name),
                known=", ".join(sorted(analyzers)),
            )
        option = next((o for o in analyzer.options if o.name == option_name), None)
        if option is None:
            known = ", ".join(o.name for o in analyzer.options) or "none"
            raise OptionError(
                "{origin} {assignment}: {analyzer} has no option {option} (its options: {known})",
                origin=origin,
                assignment=repr(assignment),
                analyzer=analyzer_name,
                option=repr(option_name),
                known=known,
            )
        try:
            settings[analyzer_name][option_name] = option.parse(raw.strip())
        except ValueError as exc:
            raise OptionError(
                "{origin} {assignment}: {reason} (default is {default})",
                origin=origin,
                assignment=repr(assignment),
                reason=exc,
                default=repr(option.default),
            ) from None
    return settings


def run(
    conversation: Conversation,
    analyzers: Mapping[str, Analyzer],
    settings: Mapping[str, Mapping[str, Any]],
    lang: str,
) -> dict[str, dict]:
    """Run every analyzer; one that fails gets an error section instead of sinking the report."""
    from rehearse.plugins import PLUGIN_FAILURES, describe_failure, traced

    results: dict[str, dict] = {}
    for name, analyzer in analyzers.items():
        try:
            with traced(lambda name=name: f"analyze {name}"):  # type: ignore[misc]
                result = analyzer.analyze(conversation, settings.get(name, analyzer.defaults()), lang)
            if not isinstance(result, dict):
                raise TypeError(f"returned {type(result).__name__}, not a dict")
            try:
                json.dumps(result, default=json_default)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"returned a value that is not JSON: {exc}") from None
            _mark_moments(result, conversation)
        except PLUGIN_FAILURES as exc:  # isolation is the point
            result = {
                "available": False,
                "error": describe_failure(exc),
                "traceback": traceback.format_exc(),
                "summary": f"analyzer failed: {describe_failure(exc)}",
            }
        results[name] = {"title": _title(analyzer, lang), **result}
    return results


def _title(analyzer: Analyzer, lang: str) -> str:
    return localized(getattr(analyzer, "title", analyzer.name), lang) or analyzer.name
