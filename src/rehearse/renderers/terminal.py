"""The default report: a compact summary for the terminal, advice first.

It fits the terminal it is shown in (60 to 200 columns): lines wrap at word boundaries,
continuation lines hang under the text they continue, and the columns of the scorecard and the
speakers' bars shrink to the room there is.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from typing import TYPE_CHECKING

from rehearse.hookspecs import hookimpl
from rehearse.i18n import clock, duration, percent, tr
from rehearse.renderers.base import (
    STATUS_MARKS,
    Renderer,
    UncertainMarks,
    figures_uncertain,
    headline,
    no_speech,
    no_speech_sentence,
    printable,
    scorecard_heading,
    sections,
    speaker_labels,
    top_picks,
    uncertain_legend,
    uncertain_speakers,
)

if TYPE_CHECKING:
    from rich.text import Text

BAR_WIDTH = 30  # at most: it shrinks on a narrow terminal
NARROWEST, WIDEST = 40, 200
NO_BREAK = "\u00a0"
# Printed to a file or a pipe: a line per item, left for the reader's own tool to wrap.
UNWRAPPED = 10_000
# The terminal stays a summary; the other formats list every moment.
MOMENTS_SHOWN = 5


class TerminalRenderer(Renderer):
    name = "terminal"
    extensions = (".txt",)

    def render(self, report: dict, *, color: bool = False, width: int | None = None) -> str:
        """The report for a terminal ``width`` columns wide (default: the one rehearse prints to,
        or no wrapping when it prints to a file or a pipe)."""
        from rich.console import Console
        from rich.text import Text

        if width is None and not sys.stdout.isatty():
            width = UNWRAPPED
        else:
            width = min(max(width or shutil.get_terminal_size().columns, NARROWEST), WIDEST)
        out = io.StringIO()
        console = Console(
            file=out,
            width=width,
            force_terminal=color,
            no_color=not color,
            soft_wrap=True,  # the lines below are wrapped already, with their indents
            highlight=False,
            emoji=False,
        )

        def show(*parts: str | tuple[str, str], hang: int = 0) -> None:
            """Print pieces, each plain or (text, style), wrapped at word boundaries to the width,
            continuation lines indented ``hang`` columns. Every piece is made printable, and Text
            is never read as markup: what the data says is shown, not done."""
            text = Text.assemble(
                *((printable(p), "") if isinstance(p, str) else (printable(p[0]), p[1]) for p in parts)
            )
            for line in _wrapped(text, width, hang):
                console.print(line)

        lang = report.get("report_language", "en")
        labels = speaker_labels(report)
        marks = UncertainMarks("(?)")
        show((tr(lang, "rehearse — feedback report"), "bold"))
        for line in headline(report):
            show((line, "dim"))
        for note in report.get("notes", []):
            show((f"! {note}", "yellow"), hang=2)
        if no_speech(report):
            console.print()
            before, finding, after = no_speech_sentence(lang)
            show(before, (finding, "bold"), after)
            return out.getvalue()

        picks = top_picks(report)
        if picks:
            console.print()
            show((tr(lang, "Three things to work on"), "bold"))
            for i, pick in enumerate(picks, 1):
                at = "" if pick.time is None else f" ({clock(pick.time)})"
                show(f"  {i}. {marks.within(pick.advice)}{at}", hang=5)

        heading = scorecard_heading(report)
        if heading:
            coaching = report["coaching"]
            console.print()
            show((heading, "bold"))
            if coaching.get("note"):
                show("  ", (coaching["note"], "dim"), hang=2)
            unsure = figures_uncertain(report)
            rows = coaching["scorecard"]
            # Columns as wide as their longest entry, the label's at most 34: on a narrow
            # terminal the target moves under the label rather than off the screen.
            label_width = min(34, max((len(printable(r["label"])) for r in rows), default=0))
            shown_width = max((len(printable(r["shown"])) for r in rows), default=0)
            for item in rows:
                colour = {"ok": "green", "low": "red", "high": "red"}.get(item["status"], "dim")
                mark = marks.after(unsure and item["value"] is not None)
                show(
                    "  ",
                    (STATUS_MARKS[item["status"]], colour),
                    f" {item['label']:<{label_width}} {item['shown']:>{shown_width}}{mark:<4} ",
                    # One unit: a target cut in two ("50 % –" / "80 %") reads as two.
                    (tr(lang, "target {target}", target=item["target"]).replace(" ", NO_BREAK), "dim"),
                    hang=4,
                )

        talk = report.get("analyzers", {}).get("talk_time", {}).get("speakers", {})
        console.print()
        show((tr(lang, "Speakers"), "bold"))
        doubted = uncertain_speakers(report)
        names = {
            s["id"]: labels[s["id"]] + marks.after(s["id"] in doubted) for s in report.get("speakers", [])
        }
        name_width = min(28, max((len(printable(n)) for n in names.values()), default=0))
        # The bar takes what the name, the share ("100 %") and the time ("12 min 30 s") leave.
        bar_width = min(max(width - name_width - 25, 6), BAR_WIDTH)
        for speaker in report.get("speakers", []):
            share = talk.get(speaker["id"], {}).get("share")
            bar: list[str | tuple[str, str]] = []
            if isinstance(share, (int, float)) and len(report["speakers"]) > 1:
                filled = round(share * bar_width)
                bar = [
                    ("█" * filled, "cyan"),
                    ("░" * (bar_width - filled), "dim"),
                    f" {percent(share, lang):>5}  ",
                ]
            show(
                f"  {names[speaker['id']]:<{name_width}} ",
                *bar,
                duration(speaker.get("talk_time", 0)),
                hang=4,
            )

        for section in sections(report, below_top=True):
            console.print()
            show((section.title, "bold"))
            if section.error:
                show("  ", (tr(lang, "This analyzer failed:") + f" {section.error}", "red"), hang=4)
                continue
            if section.summary:
                show(f"  {marks.within(section.summary)}", hang=4)
            for moment in section.moments[:MOMENTS_SHOWN]:
                who = labels.get(moment.get("speaker", ""), moment.get("speaker", ""))
                who += marks.after(moment.get("uncertain"))
                label: list[str | tuple[str, str]] = (
                    [" ", (str(moment["label"]), "magenta")] if moment.get("label") else []
                )
                show(
                    "  ",
                    (clock(float(moment.get("time", 0))), "green"),
                    f" {who}",
                    *label,
                    "  ",
                    (str(moment.get("text", "")), "italic"),
                    hang=8,
                )
            hidden = len(section.moments) - MOMENTS_SHOWN
            if hidden > 0:
                show(
                    "  ",
                    (
                        tr(
                            lang, "… {count} more (all of them: -o report.html or -o report.md)", count=hidden
                        ),
                        "dim",
                    ),
                    hang=4,
                )
            for item in section.advice:
                show("  ", ("→", "yellow"), f" {item}", hang=4)
        if marks.used:
            console.print()
            show((uncertain_legend(lang), "dim"))
        return out.getvalue()


def _wrapped(text: Text, width: int, hang: int) -> list[Text]:
    """``text`` cut at spaces into lines of at most ``width`` columns, every line after the
    first indented ``hang`` columns. A no-break space never breaks ("50 % – 80 %" stays whole),
    which rich's own wrapping does not honour; only a word wider than a line is folded."""
    from rich.cells import cell_len
    from rich.text import Text

    lines: list[Text] = []
    for paragraph in text.split("\n"):
        plain = paragraph.plain
        words = [match.span() for match in re.finditer(r"[^ ]+", plain)]
        start, room, indent, k = 0, width, 0, 0
        if not words:
            lines.append(Text(" " * hang) + paragraph if lines else paragraph)
            continue
        if lines:  # a line break inside the text: the next part hangs too
            start, room, indent = words[0][0], max(width - hang, 10), hang
        while k < len(words):
            end = None
            while k < len(words) and cell_len(plain[start : words[k][1]]) <= room:
                end, k = words[k][1], k + 1
            if end is None:  # a word wider than the line
                end = start + _fitting(plain[start:], room)
                if end >= words[k][1]:
                    k += 1
                else:
                    words[k] = (end, words[k][1])
            lines.append(Text(" " * indent) + paragraph[start:end])
            if k < len(words):
                start = words[k][0]
            room, indent = max(width - hang, 10), hang
    return lines


def _fitting(plain: str, room: int) -> int:
    """How many characters of ``plain`` fill at most ``room`` columns (at least one)."""
    from rich.cells import cell_len

    used = 0
    for count, character in enumerate(plain):
        used += cell_len(character)
        if used > room:
            return max(count, 1)
    return len(plain)


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(TerminalRenderer())
