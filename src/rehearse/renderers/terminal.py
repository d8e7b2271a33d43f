"""The default report: a compact summary for the terminal, advice first."""

from __future__ import annotations

import io

from rehearse.hookspecs import hookimpl
from rehearse.i18n import clock, duration, percent, say
from rehearse.renderers.base import (
    STATUS_MARKS,
    Renderer,
    headline,
    no_speech,
    scorecard_heading,
    sections,
    speaker_labels,
    top_advice,
)

BAR_WIDTH = 30
# The terminal stays a summary; the other formats list every moment.
MOMENTS_SHOWN = 5


class TerminalRenderer(Renderer):
    name = "terminal"
    extensions = (".txt",)

    def render(self, report: dict, *, color: bool = False) -> str:
        from rich.console import Console
        from rich.markup import escape

        out = io.StringIO()
        console = Console(
            file=out, force_terminal=color, no_color=not color, soft_wrap=True, highlight=False, emoji=False
        )
        lang = report.get("report_language", "en")
        labels = speaker_labels(report)
        console.print(
            say(lang, "[bold]rehearse — feedback report[/]", "[bold]rehearse — bilan de l'entretien[/]")
        )
        for line in headline(report):
            console.print(f"[dim]{escape(line)}[/]")
        console.print(
            say(
                lang,
                f"[dim]Duration: {duration(report.get('duration', 0))}[/]",
                f"[dim]Durée : {duration(report.get('duration', 0))}[/]",
            )
        )
        for note in report.get("notes", []):
            console.print(f"[yellow]! {escape(note)}[/]")
        if no_speech(report):
            console.print(
                say(
                    lang,
                    "\n[bold]No speech found[/] in this recording.",
                    "\n[bold]Aucune parole détectée[/] dans cet enregistrement.",
                )
            )
            return out.getvalue()

        advice = top_advice(report)
        if advice:
            console.print(
                say(lang, "\n[bold]Three things to work on[/]", "\n[bold]À travailler en priorité[/]")
            )
            for i, item in enumerate(advice, 1):
                console.print(f"  {i}. {escape(item)}")

        heading = scorecard_heading(report)
        if heading:
            coaching = report["coaching"]
            console.print(f"\n[bold]{escape(heading)}[/]")
            if coaching.get("note"):
                console.print(f"  [dim]{escape(coaching['note'])}[/]")
            for item in coaching["scorecard"]:
                colour = {"ok": "green", "low": "red", "high": "red"}.get(item["status"], "dim")
                console.print(
                    f"  [{colour}]{STATUS_MARKS[item['status']]}[/] {escape(item['label']):<34} "
                    f"{escape(item['shown']):>14}   [dim]{escape(say(lang, 'target', 'objectif'))} "
                    f"{escape(item['target'])}[/]"
                )

        talk = report.get("analyzers", {}).get("talk_time", {}).get("speakers", {})
        console.print(say(lang, "\n[bold]Speakers[/]", "\n[bold]Interlocuteurs[/]"))
        for speaker in report.get("speakers", []):
            share = talk.get(speaker["id"], {}).get("share")
            bar = ""
            if isinstance(share, (int, float)) and len(report["speakers"]) > 1:
                filled = round(share * BAR_WIDTH)
                bar = f"[cyan]{'█' * filled}[/][dim]{'░' * (BAR_WIDTH - filled)}[/] {percent(share):>4}  "
            console.print(
                f"  {escape(labels[speaker['id']]):<28} {bar}{duration(speaker.get('talk_time', 0))}"
            )

        for section in sections(report):
            console.print(f"\n[bold]{escape(section.title)}[/]")
            if section.error:
                console.print(
                    f"  [red]{escape(say(lang, 'This analyzer failed: ', 'Cet analyseur a échoué : '))}"
                    f"{escape(section.error)}[/]"
                )
                continue
            if section.summary:
                console.print(f"  {escape(section.summary)}")
            for moment in section.moments[:MOMENTS_SHOWN]:
                who = labels.get(moment.get("speaker", ""), moment.get("speaker", ""))
                who += " (?)" if moment.get("uncertain") else ""
                label = f" [magenta]{escape(str(moment['label']))}[/]" if moment.get("label") else ""
                console.print(
                    f"  [green]{clock(float(moment.get('time', 0)))}[/] {escape(who)}{label}  "
                    f"[italic]{escape(str(moment.get('text', '')))}[/]"
                )
            hidden = len(section.moments) - MOMENTS_SHOWN
            if hidden > 0:
                console.print(
                    say(
                        lang,
                        f"  [dim]… {hidden} more (all of them: -o report.html or -o report.md)[/]",
                        f"  [dim]… {hidden} de plus (tous : -o bilan.html ou -o bilan.md)[/]",
                    )
                )
            for item in section.advice:
                console.print(f"  [yellow]→[/] {escape(item)}")
        return out.getvalue()


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(TerminalRenderer())
