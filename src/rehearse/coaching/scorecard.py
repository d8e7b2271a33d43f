"""The coach: your key figures, judged against the targets of the situation you practised.

Each practice situation (``--profile``) sets targets for the person being coached, with
the source of each default (docs/report.md#targets, docs/metrics.md); ``[profiles.NAME]``
tables in ``rehearse.toml`` override them. A figure is whatever an analyzer declares in its
``figures``, read from that analyzer's section, so a target exists only for what an analyzer
measured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rehearse.coaching.situations import DEFAULT, NAMES, TARGETS, Target
from rehearse.errors import OptionError, PluginError
from rehearse.i18n import figure_text, target_text, tr

if TYPE_CHECKING:
    from rehearse.analyzers.base import Analyzer, Figure


@dataclass(frozen=True)
class Declared:
    """A figure, and the analyzer whose section holds it."""

    analyzer: str
    figure: Figure

    def value(self, results: Mapping[str, Any], you: str | None) -> float | None:
        return self.figure.value(results.get(self.analyzer), you)


def declared(analyzers: Mapping[str, Analyzer] | None = None) -> dict[str, Declared]:
    """Every figure the analyzers declare (the installed ones by default), by name.

    Raises:
        PluginError: two analyzers declare a figure of the same name.
    """
    if analyzers is None:
        from rehearse import plugins

        analyzers = plugins.analyzers()
    found: dict[str, Declared] = {}
    for name, analyzer in analyzers.items():
        for figure in getattr(analyzer, "figures", ()):
            if figure.name in found:
                raise PluginError(
                    "analyzers {first} and {second} both declare the figure {figure}; rename one",
                    first=repr(found[figure.name].analyzer),
                    second=repr(name),
                    figure=repr(figure.name),
                )
            found[figure.name] = Declared(name, figure)
    return found


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
    name = profile or DEFAULT
    known = declared()
    tables = (config or {}).get("profiles", {})
    if not isinstance(tables, Mapping) or not all(isinstance(t, Mapping) for t in tables.values()):
        raise OptionError(
            "{path}: [profiles] must hold one table per profile, e.g. [profiles.job-interview]", path=where
        )
    overrides: dict[str, dict[str, Target]] = {}
    for table_name, table in tables.items():
        if table_name not in TARGETS:
            raise OptionError(
                "{path}: [profiles.{profile}]: no such profile (known: {known})",
                path=where,
                profile=table_name,
                known=", ".join(NAMES),
            )
        overrides[table_name] = {m: _bounds(table_name, m, b, where, known) for m, b in table.items()}
    return {**TARGETS[name], **overrides.get(name, {})}


def _bounds(profile: str, metric: str, bounds: Any, where: object, known: Mapping[str, Declared]) -> Target:
    if metric not in known:
        raise OptionError(
            "{path}: [profiles.{profile}] {metric}: no such figure (known: {known})",
            path=where,
            profile=profile,
            metric=metric,
            known=", ".join(known),
        )
    if (
        not isinstance(bounds, Mapping)
        or not bounds
        or set(bounds) - {"min", "max"}
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bounds.values())
    ):
        raise OptionError(
            "{path}: [profiles.{profile}] {metric}: expected {{ min = N, max = N }} (either or both)",
            path=where,
            profile=profile,
            metric=metric,
        )
    return (bounds.get("min"), bounds.get("max"), f"your setting in {where}")


def scorecard(
    results: Mapping[str, Any],
    you: str | None,
    chosen: Mapping[str, Target],
    lang: str,
    figures: Mapping[str, Declared] | None = None,
) -> list[dict[str, Any]]:
    """Each target with your figure and whether it was met: ``ok``, ``low``, ``high`` or ``unknown``.

    ``results`` are the analyzers' sections by analyzer name; a target whose figure no
    installed analyzer declares is left out.
    """
    figures = declared() if figures is None else figures
    card = []
    for name, (low, high, source) in chosen.items():
        if name not in figures:
            continue
        metric = figures[name].figure
        value = figures[name].value(results, you)
        # Judged as shown: "0.6 s, target ≥ 0.6 s" is met, whatever 0.59 s was rounded from.
        judged = None if value is None else as_shown(value, metric.unit)
        if judged is None:
            status = "unknown"
        elif low is not None and judged < low:
            status = "low"
        elif high is not None and judged > high:
            status = "high"
        else:
            status = "ok"
        card.append(
            {
                "metric": name,
                "analyzer": figures[name].analyzer,
                "label": metric.label_text(lang),
                "unit": metric.unit,
                "value": value,
                "shown": figure_text(value, metric.unit, lang),
                "min": low,
                "max": high,
                "target": target_text(low, high, metric.unit, lang),
                "status": status,
                "source": tr(lang, source),
                "advice": metric.advice(status, lang),
                "governs": metric.governs,
            }
        )
    return card


def settle(sections: Mapping[str, Any], card: list[dict[str, Any]]) -> None:
    """One verdict per figure: the advice of an analyzer that a figure on target ``governs`` is
    left out of its section (the scorecard's ✓ is the verdict for the person coached)."""
    for row in card:
        section = sections.get(row["analyzer"])
        if row["status"] == "ok" and row["governs"] and isinstance(section, dict):
            section["advice"] = []


def as_shown(value: float, unit: str) -> float:
    """``value`` rounded as the report writes it (``rehearse.i18n.figure_text``)."""
    if unit == "share":
        return round(value, 2)
    if unit == "seconds":
        return float(round(value)) if value >= 1 else round(value, 1)
    if unit == "wpm":
        return float(round(value))
    if unit == "per_minute":
        return round(value, 1)
    return value


def key_metrics(
    results: Mapping[str, Any], you: str | None, figures: Mapping[str, Declared] | None = None
) -> dict[str, float | None]:
    """The figures kept in history; speaker-bound ones need to know who you are."""
    figures = declared() if figures is None else figures
    return {name: figures[name].value(results, you) if name in figures else None for name in KEY_METRICS}
