"""The report as Markdown, to keep in notes or share with a coach."""

from __future__ import annotations

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


class MarkdownRenderer(Renderer):
    name = "markdown"
    extensions = (".md", ".markdown")

    def render(self, report: dict, *, color: bool = False) -> str:
        lang = report.get("report_language", "en")
        labels = speaker_labels(report)
        lines = [say(lang, "# Interview feedback", "# Bilan de l'entretien"), ""]
        lines += [f"- {line}" for line in headline(report)]
        lines.append(
            say(
                lang,
                f"- Duration: {duration(report.get('duration', 0))}",
                f"- Durée : {duration(report.get('duration', 0))}",
            )
        )
        lines += [f"- **{note}**" for note in report.get("notes", [])]
        if no_speech(report):
            lines += [
                "",
                say(
                    lang,
                    "**No speech found** in this recording.",
                    "**Aucune parole détectée** dans cet enregistrement.",
                ),
            ]
            return "\n".join(lines) + "\n"
        advice = top_advice(report)
        if advice:
            lines += ["", say(lang, "## Three things to work on", "## À travailler en priorité"), ""]
            lines += [f"{i}. {item}" for i, item in enumerate(advice, 1)]
        heading = scorecard_heading(report)
        if heading:
            coaching = report["coaching"]
            lines += ["", f"## {heading}", ""]
            if coaching.get("note"):
                lines += [f"*{coaching['note']}*", ""]
            lines += [
                say(
                    lang,
                    "| | Figure | Yours | Target | Source |",
                    "| | Indicateur | Vous | Objectif | Source |",
                ),
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| {STATUS_MARKS[i['status']]} | {i['label']} | {i['shown']} | {i['target']} | {i['source']} |"
                for i in coaching["scorecard"]
            ]
        talk = report.get("analyzers", {}).get("talk_time", {}).get("speakers", {})
        lines += [
            "",
            say(lang, "## Speakers", "## Interlocuteurs"),
            "",
            say(lang, "| Speaker | Talk time | Share |", "| Interlocuteur | Temps de parole | Part |"),
            "|---|---|---|",
        ]
        for speaker in report.get("speakers", []):
            share = talk.get(speaker["id"], {}).get("share")
            shown = percent(share) if isinstance(share, (int, float)) and len(report["speakers"]) > 1 else "—"
            lines.append(f"| {labels[speaker['id']]} | {duration(speaker.get('talk_time', 0))} | {shown} |")
        for section in sections(report):
            lines += ["", f"## {section.title}", ""]
            if section.error:
                lines.append(
                    say(
                        lang,
                        f"*This analyzer failed:* `{section.error}`",
                        f"*Cet analyseur a échoué :* `{section.error}`",
                    )
                )
                continue
            if section.summary:
                lines += [section.summary, ""]
            for moment in section.moments:
                who = labels.get(moment.get("speaker", ""), moment.get("speaker", ""))
                who += " (?)" if moment.get("uncertain") else ""
                label = f" *{moment['label']}*" if moment.get("label") else ""
                lines.append(
                    f"- `{clock(float(moment.get('time', 0)))}` {who}{label}: “{moment.get('text', '')}”"
                )
            if section.moments:
                lines.append("")
            lines += [f"> {item}" for item in section.advice]
        return "\n".join(lines).rstrip() + "\n"


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(MarkdownRenderer())
