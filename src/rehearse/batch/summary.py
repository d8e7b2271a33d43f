"""Every session of a batch in one table, and the cohort's figures against their targets."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rehearse._version import __version__
from rehearse.coaching import scorecard

COLUMNS = ("recording", "report", "error", "duration", "language", "profile", "speaker", "label", "role")


@dataclass(frozen=True)
class Entry:
    """One recording of the batch: its report, or why there is none."""

    name: str
    source: str
    report: dict[str, Any] | None
    link: str | None  # the report to open, relative to the output folder
    error: str | None = None


def sessions(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """Each analysed recording with every speaker's key figures and the coached person's scorecard."""
    figures = scorecard.declared()
    found = []
    for entry in entries:
        report = entry.report
        if report is None:
            continue
        coaching = report.get("coaching") or {}
        you = coaching.get("you")
        analyzers = report.get("analyzers") or {}
        found.append(
            {
                "name": entry.name,
                "recording": entry.source,
                "report": entry.link,
                "duration": report.get("duration"),
                "language": report.get("language"),
                "profile": coaching.get("profile"),
                "you": you,
                "speakers": [
                    {
                        "id": speaker["id"],
                        "label": speaker.get("label"),
                        "role": _role(speaker["id"], you),
                        "figures": {
                            name: figures[name].value(analyzers, speaker["id"]) if name in figures else None
                            for name in scorecard.KEY_METRICS
                        },
                    }
                    for speaker in report.get("speakers") or []
                ],
                "scorecard": [
                    {key: item.get(key) for key in ("metric", "value", "min", "max", "status")}
                    for item in coaching.get("scorecard") or []
                ],
            }
        )
    return found


def _role(speaker: str, you: str | None) -> str:
    if you is None:
        return "unknown"
    return "you" if speaker == you else "other"


def as_json(entries: Sequence[Entry], options: dict[str, Any]) -> dict[str, Any]:
    """``summary.json``: the sessions, the recordings that failed, and what they were analysed with."""
    return {
        "generator": {"name": "rehearse", "version": __version__},
        "options": options,
        "sessions": sessions(entries),
        "failed": [{"recording": e.source, "error": e.error} for e in entries if e.report is None],
    }


def as_csv(entries: Sequence[Entry]) -> str:
    """``summary.csv``: one row per session and speaker (its role: you, other, or unknown when the
    report could not tell who was coached), one per failed recording with its error."""
    out = io.StringIO()
    writer = csv.DictWriter(out, [*COLUMNS, *scorecard.KEY_METRICS], lineterminator="\n")
    writer.writeheader()
    for session in sessions(entries):
        for speaker in session["speakers"]:
            writer.writerow(
                {
                    "recording": session["recording"],
                    "report": session["report"],
                    "duration": session["duration"],
                    "language": session["language"],
                    "profile": session["profile"],
                    "speaker": speaker["id"],
                    "label": speaker["label"],
                    "role": speaker["role"],
                    **{name: _cell(value) for name, value in speaker["figures"].items()},
                }
            )
    for entry in entries:
        if entry.report is None:
            writer.writerow({"recording": entry.source, "error": entry.error})
    return out.getvalue()


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def cohort(entries: Sequence[Entry]) -> dict[str, Any]:
    """What a coach looks at: per key figure of the coached person, every session's value and
    the situation's target; the sessions furthest from their targets first."""
    found = sessions(entries)
    profile = Counter(s["profile"] for s in found).most_common(1)[0][0] if found else None
    figures: dict[str, dict[str, Any]] = {}
    for name in scorecard.KEY_METRICS:
        values = []
        for session in found:
            yours = next((s for s in session["speakers"] if s["role"] == "you"), None)
            if yours is not None and yours["figures"].get(name) is not None:
                values.append(
                    {"name": session["name"], "report": session["report"], "value": yours["figures"][name]}
                )
        bounds = [
            (item["min"], item["max"])
            for session in found
            if session["profile"] == profile
            for item in session["scorecard"]
            if item["metric"] == name
        ]
        low, high = bounds[0] if bounds else (None, None)
        figures[name] = {"values": values, "min": low, "max": high}
    furthest = sorted(
        ({**s, "miss": _miss(s["scorecard"])} for s in found), key=lambda s: (-s["miss"], s["name"])
    )
    return {
        "profile": profile,
        "sessions": len(found),
        "failed": [{"recording": e.source, "error": e.error} for e in entries if e.report is None],
        "figures": figures,
        "furthest": [s for s in furthest if s["miss"] > 0],
        "every": [{key: s[key] for key in ("name", "report", "duration", "you")} for s in found],
    }


def _miss(card: list[dict[str, Any]]) -> float:
    """How far a session is from its targets: over the figures off target, the gap to the
    nearest bound as a share of that bound."""
    total = 0.0
    for item in card:
        value, low, high = item["value"], item["min"], item["max"]
        if value is None:
            continue
        if item["status"] == "low" and low is not None:
            total += (low - value) / max(abs(low), 1e-9)
        elif item["status"] == "high" and high is not None:
            total += (value - high) / max(abs(high), 1e-9)
    return total
