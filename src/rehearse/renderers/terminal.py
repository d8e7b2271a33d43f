"""The default report: a compact summary for the terminal, advice first."""

from __future__ import annotations

import io

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
    top_advice,
    uncertain_legend,
    uncertain_speakers,
)

BAR_WIDTH = 30
# The terminal stays a summary; the other formats list every moment.
MOMENTS_SHOWN = 5


class TerminalRenderer(Renderer):
    name = "terminal"
    extensions = (".txt",)

    def render(self, report: dict, *, color: bool = False) -> str:
        from rich.console import Console
        from rich.text import Text

        out = io.StringIO()
        console = Console(
            file=out, force_terminal=color, no_color=not color, soft_wrap=True, highlight=False, emoji=False
        )

        def show(*parts: str | tuple[str, str]) -> None:
            """Print one line of pieces, each plain or (text, style). Every piece is made
            printable, and Text is never read as markup: what the data says is shown, not done."""
            console.print(
                Text.assemble(
                    *((printable(p), "") if isinstance(p, str) else (printable(p[0]), p[1]) for p in parts)
                )
            )

        lang = report.get("report_language", "en")
        labels = speaker_labels(report)
        marks = UncertainMarks("(?)")
        show((tr(lang, "rehearse — feedback report"), "bold"))
        for line in headline(report):
            show((line, "dim"))
        for note in report.get("notes", []):
            show((f"! {note}", "yellow"))
        if no_speech(report):
            console.print()
            before, finding, after = no_speech_sentence(lang)
            show(before, (finding, "bold"), after)
            return out.getvalue()

        advice = top_advice(report)
        if advice:
            console.print()
            show((tr(lang, "Three things to work on"), "bold"))
            for i, item in enumerate(advice, 1):
                show(f"  {i}. {marks.within(item)}")

        heading = scorecard_heading(report)
        if heading:
            coaching = report["coaching"]
            console.print()
            show((heading, "bold"))
            if coaching.get("note"):
                show("  ", (coaching["note"], "dim"))
            unsure = figures_uncertain(report)
            for item in coaching["scorecard"]:
                colour = {"ok": "green", "low": "red", "high": "red"}.get(item["status"], "dim")
                mark = marks.after(unsure and item["value"] is not None)
                show(
                    "  ",
                    (STATUS_MARKS[item["status"]], colour),
                    f" {item['label']:<34} {item['shown']:>14}{mark:<4} ",
                    (tr(lang, "target {target}", target=item["target"]), "dim"),
                )

        talk = report.get("analyzers", {}).get("talk_time", {}).get("speakers", {})
        console.print()
        show((tr(lang, "Speakers"), "bold"))
        doubted = uncertain_speakers(report)
        for speaker in report.get("speakers", []):
            share = talk.get(speaker["id"], {}).get("share")
            bar: list[str | tuple[str, str]] = []
            if isinstance(share, (int, float)) and len(report["speakers"]) > 1:
                filled = round(share * BAR_WIDTH)
                bar = [
                    ("█" * filled, "cyan"),
                    ("░" * (BAR_WIDTH - filled), "dim"),
                    f" {percent(share, lang):>4}  ",
                ]
            who = labels[speaker["id"]] + marks.after(speaker["id"] in doubted)
            show(f"  {who:<28} ", *bar, duration(speaker.get("talk_time", 0)))

        for section in sections(report):
            console.print()
            show((section.title, "bold"))
            if section.error:
                show("  ", (tr(lang, "This analyzer failed:") + f" {section.error}", "red"))
                continue
            if section.summary:
                show(f"  {marks.within(section.summary)}")
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
                )
            for item in section.advice:
                show("  ", ("→", "yellow"), f" {item}")
        if marks.used:
            console.print()
            show((uncertain_legend(lang), "dim"))
        return out.getvalue()


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(TerminalRenderer())
