"""The report as Markdown, to keep in notes or share with a coach."""

from __future__ import annotations

import re

from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, clock, duration, percent, tr
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
    target_source,
    top_picks,
    uncertain_legend,
    uncertain_speakers,
)

# Escaped wherever they stand: what opens raw HTML, an entity or an autolink (& < >), a code
# span, emphasis, a link or image ([ ]; `!` and parentheses are inert without them), a table
# cell (|), strikethrough (~), a heading's closing #, Pandoc and kramdown attributes ({ }), and a
# backslash that would escape what follows. Underscores are matched as whole runs and left alone
# inside a word, where they cannot open or close emphasis.
_INLINE = re.compile(r"[&<>`*\[\]|~#{}]|\\(?=[!-/:-@\[-`{-~]|\Z)|_+")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# What opens a block only at the start of a line: a list item, a thematic break or setext
# underline (- + =), and an ordered list's number ("1." or "1)" before a space).
_LINE_START = re.compile(r"\A(?:[-+=]|\d{1,9}[.)](?=\s|\Z))")


def _escape_one(match: re.Match[str]) -> str:
    found = match.group()
    if found in _ENTITIES:
        return _ENTITIES[found]
    if found[0] == "_":
        text, start, end = match.string, match.start(), match.end()
        inside_word = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
        return found if inside_word else "\\_" * len(found)
    return "\\" + found


def escape(value: object) -> str:
    """``value`` as Markdown that shows it literally and adds no structure: no raw HTML, link,
    image, code, emphasis, table cell or block can come from it, wherever it is placed on a
    line (https://spec.commonmark.org/0.31.2/, https://github.github.com/gfm/).

    It is made one line of inert text first (:func:`~rehearse.renderers.base.printable`), so it
    cannot start a block of its own; punctuation is escaped only where it could mean something,
    so "3.5", "72%" and ordinary sentences read as written.
    """
    text = _INLINE.sub(_escape_one, printable(value).strip())
    return _LINE_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], text)


# The scorecard's first column holds the status mark, and needs no name.
SCORECARD_COLUMNS = ("", N_("Figure"), N_("Yours"), N_("Target"), N_("Source"))
SPEAKER_COLUMNS = (N_("Speaker"), N_("Talk time"), N_("Share"))


class MarkdownRenderer(Renderer):
    name = "markdown"
    extensions = (".md", ".markdown")

    def render(self, report: dict, *, color: bool = False) -> str:
        lang = report.get("report_language", "en")
        labels = speaker_labels(report)
        marks = UncertainMarks("(?)")
        lines = ["# " + escape(tr(lang, "Interview feedback")), ""]
        lines += [f"- {escape(line)}" for line in headline(report)]
        lines += [f"- **{escape(note)}**" for note in report.get("notes", [])]
        if no_speech(report):
            before, finding, after = no_speech_sentence(lang)
            lines += ["", f"{escape(before)}**{escape(finding)}**{escape(after)}"]
            return "\n".join(lines) + "\n"
        picks = top_picks(report)
        if picks:
            lines += ["", "## " + escape(tr(lang, "Three things to work on")), ""]
            lines += [
                f"{i}. {marks.within(escape(pick.advice))}"
                + ("" if pick.time is None else f" ({clock(pick.time)})")
                for i, pick in enumerate(picks, 1)
            ]
        heading = scorecard_heading(report)
        if heading:
            coaching = report["coaching"]
            lines += ["", f"## {escape(heading)}", ""]
            if coaching.get("note"):
                lines += [f"*{escape(coaching['note'])}*", ""]
            lines += _table_head(lang, SCORECARD_COLUMNS)
            unsure = figures_uncertain(report)
            lines += [
                f"| {STATUS_MARKS[i['status']]} | {escape(i['label'])} "
                f"| {escape(i['shown'])}{marks.after(unsure and i['value'] is not None)} "
                f"| {escape(i['target'])} | {escape(target_source(i, lang))} |"
                for i in coaching["scorecard"]
            ]
        talk = report.get("analyzers", {}).get("talk_time", {}).get("speakers", {})
        lines += ["", "## " + escape(tr(lang, "Speakers")), "", *_table_head(lang, SPEAKER_COLUMNS)]
        doubted = uncertain_speakers(report)
        for speaker in report.get("speakers", []):
            share = talk.get(speaker["id"], {}).get("share")
            shown = (
                percent(share, lang)
                if isinstance(share, (int, float)) and len(report["speakers"]) > 1
                else "—"
            )
            who = escape(labels[speaker["id"]]) + marks.after(speaker["id"] in doubted)
            lines.append(f"| {who} | {duration(speaker.get('talk_time', 0))} | {shown} |")
        for section in sections(report, below_top=True):
            lines += ["", f"## {escape(section.title)}", ""]
            if section.error:
                lines.append("*" + escape(tr(lang, "This analyzer failed:")) + f"* {escape(section.error)}")
                continue
            if section.summary:
                lines += [marks.within(escape(section.summary)), ""]
            for moment in section.moments:
                who = escape(labels.get(moment.get("speaker", ""), moment.get("speaker", "")))
                who += marks.after(moment.get("uncertain"))
                label = f" *{escape(moment['label'])}*" if moment.get("label") else ""
                lines.append(
                    f"- `{clock(float(moment.get('time', 0)))}` {who}{label}: "
                    f"“{escape(moment.get('text', ''))}”"
                )
            if section.moments:
                lines.append("")
            lines += [f"> {escape(item)}" for item in section.advice]
        if marks.used:
            lines += ["", f"*{escape(uncertain_legend(lang))}*"]
        return "\n".join(lines).rstrip() + "\n"


def _table_head(lang: str, columns: tuple[str, ...]) -> list[str]:
    """A table's header row, its columns named in ``lang``, and the rule under it."""
    names = [escape(tr(lang, column)) if column else "" for column in columns]
    return ["|" + "|".join(f" {name} " if name else " " for name in names) + "|", "|" + "---|" * len(columns)]


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(MarkdownRenderer())
