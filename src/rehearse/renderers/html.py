"""The report as one self-contained HTML page: a timeline, your figures against the targets,
progress over sessions, every section, and the transcript.

Nothing is fetched: CSS, SVG and script are inline, and a Content-Security-Policy forbids
any other source. It allows the page's own style sheet and script by their hashes, and nothing
else inline, so markup that slipped into the page could neither run a script nor restyle it.
Timestamps play the moment: the recording is looked for next to the page (same file name), then
at the path it was recorded at; only on the first click, and the page says where it looked when
neither plays.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from rehearse.analyzers.base import UNCERTAIN_MARK, Figure
from rehearse.coaching import scorecard
from rehearse.conversation import UNCERTAIN_BELOW
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, clock, duration, figure_text, ntr, target_text, tr, trend_text
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
    session_heading,
    speaker_labels,
    target_source,
    top_picks,
    uncertain_legend,
    uncertain_why,
)

COLOURS = ("#2f6fdf", "#d9822b", "#2a9d6f", "#a24bd1")
WIDTH = 1000  # of the timeline's drawing, in SVG units
LANE = 34
AXIS_LABEL = 64  # the widest axis label, in SVG units

CSS = """
:root { --ink: #1d2433; --muted: #667085; --line: #e4e7ec; --ok: #1f8a4c; --miss: #c4320a; --bg: #f8f9fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: var(--bg); }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 10px; }
.facts { color: var(--muted); margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.note { background: #fff7e6; border-left: 4px solid #f0a020; padding: 6px 12px; margin: 8px 0; }
.top { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 20px 12px 40px; }
.top li { margin: 6px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-top: 4px solid var(--line); border-radius: 10px;
        padding: 10px 14px; }
.card.ok { border-top-color: var(--ok); } .card.low, .card.high { border-top-color: var(--miss); }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 24px; font-weight: 650; }
.card.low .value, .card.high .value { color: var(--miss); }
.card .target { font-size: 13px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; overflow-x: auto; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; font-size: 13px; color: var(--muted); margin: 6px 0 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px; margin-right: 4px; }
svg text { font: 12px system-ui, sans-serif; fill: var(--muted); }
svg .mark { cursor: pointer; }
section.analyzer { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 4px 16px 10px;
                   margin: 12px 0; }
section.analyzer h3 { margin: 10px 0 4px; font-size: 16px; }
.moments { list-style: none; padding: 0; margin: 6px 0; }
.moments li { margin: 3px 0; }
.advice { border-left: 3px solid var(--ok); padding-left: 10px; margin: 6px 0; }
.error { color: var(--miss); }
button.t { font: 12px ui-monospace, monospace; border: 1px solid var(--line); background: #f2f4f7; border-radius: 4px;
           padding: 1px 5px; cursor: pointer; color: var(--ink); }
button.t:hover { background: #e0e7ff; }
.who { font-weight: 600; }
.transcript p { margin: 4px 0; }
.transcript .back { color: var(--muted); font-size: 13px; }
.transcript .hesitation { color: var(--muted); font-style: italic; }
#player-bar { position: sticky; bottom: 0; background: #fff; border-top: 1px solid var(--line); padding: 6px 20px;
              display: flex; gap: 12px; align-items: center; }
#player-status { color: var(--muted); font-size: 13px; }
.unsure { color: var(--muted); cursor: help; }
.swatch { background: var(--speaker); }
.transcript .who { color: var(--speaker, #333); }
""" + "".join(  # a speaker's colour is a class, as the policy allows no style attribute
    f".speaker{i} {{ --speaker: {colour}; }}\n" for i, colour in enumerate(COLOURS)
)

SCRIPT = """
(function () {
  var player = document.getElementById('player');
  var status = document.getElementById('player-status');
  // Where the recording may be, in order: next to the page, then where it was recorded.
  var sources = JSON.parse(player.dataset.sources || '[]');
  var tried = -1;
  var wanted = null;
  function seek() {
    if (wanted === null) { return; }
    player.currentTime = Math.max(wanted - 1, 0);
    player.play().catch(function () {});
  }
  function next() {
    tried += 1;
    if (tried >= sources.length) { status.textContent = status.dataset.missing; return; }
    player.setAttribute('src', sources[tried]);
    player.load();
  }
  player.addEventListener('loadedmetadata', seek);
  player.addEventListener('error', next);
  function play(t) {
    wanted = t;
    if (tried < 0) { next(); } else if (player.readyState >= 1) { seek(); }
  }
  document.addEventListener('click', function (event) {
    var target = event.target.closest('[data-t]');
    if (target) { play(parseFloat(target.dataset.t)); }
  });
})();
"""


def _audio_sources(recorded: str) -> tuple[list[str], str, str]:
    """Where the page looks for the recording, as URLs to try in turn: its file name next to the
    page, then the path it was recorded at (made absolute); with the name and that path to show."""
    if not recorded:
        return [], "", ""
    path = Path(recorded).expanduser()
    name = path.name
    sources = [quote(name)] if name else []
    where = str(path if path.is_absolute() else path.absolute())
    with contextlib.suppress(ValueError):  # not a path a file URL can name
        sources.append(Path(where).as_uri())
    return sources, name, where


def escape(value: object) -> str:
    """Data as HTML text: markup escaped, and controls and bidi overrides (which html.escape
    leaves, and which can reorder what a reader sees) made visible."""
    return html.escape(printable(value))


class HtmlRenderer(Renderer):
    name = "html"
    extensions = (".html", ".htm")

    def render(self, report: dict, *, color: bool = False) -> str:
        lang = report.get("report_language", "en")
        labels = speaker_labels(report)
        shades = {s: i % len(COLOURS) for i, s in enumerate(labels)}
        body = [
            "<h1>" + escape(tr(lang, "Interview feedback")) + "</h1>",
            '<ul class="facts">' + "".join(f"<li>{escape(line)}</li>" for line in headline(report)) + "</ul>",
        ]
        body += [f'<p class="note">{escape(note)}</p>' for note in report.get("notes", [])]
        notes_end = len(body)
        marks = UncertainMarks(
            f'<span class="unsure" title="{escape(uncertain_why(lang))}">{UNCERTAIN_MARK}</span>'
        )
        if no_speech(report):
            before, finding, after = no_speech_sentence(lang)
            body.append(f"<p>{escape(before)}<b>{escape(finding)}</b>{escape(after)}</p>")
        else:
            body += _advice(report, lang, marks)
            body += _scorecard(report, lang, marks)
            body += _timeline(report, labels, shades, lang)
            body += _progress(report, lang)
            body += _sections(report, labels, lang, marks)
            body += _transcript(report, labels, shades, lang, marks)
        if marks.used:  # with the notes, where the share of uncertain speech is given
            body.insert(
                notes_end, f'<p class="note" id="uncertain-legend">{escape(uncertain_legend(lang))}</p>'
            )
        sources, audio_name, audio_path = _audio_sources((report.get("audio") or {}).get("path") or "")
        if sources:
            missing = tr(
                lang,
                "The recording could not be played. Looked for {name} next to this page, then at {path}.",
                name=audio_name,
                path=audio_path,
            )
        else:
            missing = tr(lang, "This report names no recording to play.")
        player = (
            '<div id="player-bar"><audio id="player" controls preload="none" '
            f'data-sources="{escape(json.dumps(sources))}"></audio>'
            f'<span id="player-status" data-missing="{escape(missing)}">'
            + escape(tr(lang, "Click a time to hear that moment."))
            + "</span></div>"
        )
        return _page(lang, audio_name or tr(lang, "feedback"), body, player + f"\n<script>{SCRIPT}</script>")


def _page(lang: str, title: str, body: list[str], after: str = "") -> str:
    """A whole page; its policy allows the style sheet and, when ``after`` holds it, the script."""
    script = f"script-src {_hash_source(SCRIPT)}; " if SCRIPT in after else ""
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src {_hash_source(CSS)}; {script}img-src data:; "
        "media-src 'self' file: blob:; base-uri 'none'; form-action 'none'\">\n"
        f"<title>rehearse — {escape(title)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + f"\n</main>\n{after}\n</body>\n</html>\n"
    )


def comparison_page(found: dict, lang: str) -> str:
    """Two sessions side by side (:func:`rehearse.history.compare`): per key figure, both values
    drawn from zero against the target band, the change, and better or worse."""
    body = ["<h1>" + escape(tr(lang, "Two sessions compared")) + "</h1>", '<ul class="facts">']
    for tag, key in (("A", "first"), ("B", "second")):
        body.append(f"<li>{escape(session_heading(tag, found[key], lang))}</li>")
    body.append("</ul>")
    if not found["metrics"]:
        body.append(f"<p>{escape(tr(lang, 'Neither session has figures of yours to compare.'))}</p>")
        return _page(lang, tr(lang, "Two sessions compared"), body)
    declared = scorecard.declared()
    cards = []
    for name, figure in found["metrics"].items():
        if name in declared:  # a figure of a plugin since removed has no label left to show
            cards.append(_comparison_card(figure, declared[name].figure, lang))
    body.append('<div class="cards" id="comparison">' + "".join(cards) + "</div>")
    return _page(lang, tr(lang, "Two sessions compared"), body)


def _comparison_card(figure: dict, metric: Figure, lang: str) -> str:
    w, lane, left, pad = 220, 22, 18, 8
    values = {"A": figure["first"], "B": figure["second"]}
    known = [v for v in values.values() if v is not None]
    bounds = [b for b in (figure["min"], figure["max"]) if b is not None]
    ceiling = max([*known, *bounds, 0.0]) * 1.15 or 1.0

    def x(v: float) -> float:
        return left + max(v, 0.0) / ceiling * (w - left - pad)

    h = 2 * lane + pad
    parts = []
    if bounds:
        parts.append(_band(figure["min"], figure["max"], x, (left, w - pad), h, metric.unit, lang))
    for row, (tag, v) in enumerate(values.items()):
        top = pad / 2 + row * lane
        parts.append(f'<text x="0" y="{top + 14:.1f}">{tag}</text>')
        if v is None:
            parts.append(
                f'<text class="missing" x="{left}" y="{top + 14:.1f}">'
                f"{escape(tr(lang, 'not measured in {session}', session=tag))}</text>"
            )
            continue
        parts.append(
            f'<rect class="bar" x="{left}" y="{top + 3:.1f}" width="{max(x(v) - left, 1):.1f}" height="{lane - 8}" '
            f'fill="{COLOURS[0] if tag == "B" else "#98a2b3"}"><title>{escape(figure_text(v, metric.unit, lang))}'
            "</title></rect>"
        )
    parts.append(f'<line x1="{left}" x2="{left}" y1="0" y2="{h}" stroke="#98a2b3"/>')
    shown = " → ".join(
        f"{tag} " + (escape(figure_text(v, metric.unit, lang)) if v is not None else "—")
        for tag, v in values.items()
    )
    verdict = "" if figure["verdict"] == "missing" else " · " + escape(trend_text(figure["verdict"], lang))
    status = {"better": "ok", "worse": "high"}.get(figure["verdict"], "")
    return (
        f'<div class="card {status}"><div class="label">{escape(metric.label_text(lang))}</div>'
        f'<svg viewBox="0 0 {w} {h}" width="100%">' + "".join(parts) + "</svg>"
        f'<div class="target">{shown}{verdict}</div></div>'
    )


def _band(
    low: float | None,
    high: float | None,
    x: Callable[[float], float],
    edges: tuple[float, float],
    height: float,
    unit: str,
    lang: str,
) -> str:
    """The target band of a figure's drawing, from ``low`` to ``high`` (an open side reaching the
    drawing's edge), ``x`` placing a value."""
    start = x(low) if low is not None else edges[0]
    end = x(high) if high is not None else edges[1]
    band = target_text(low, high, unit, lang)
    return (
        f'<rect class="band" x="{start:.1f}" y="0" width="{max(end - start, 1):.1f}" height="{height}" '
        f'fill="#1f8a4c" fill-opacity="0.15"><title>{escape(tr(lang, "target {target}", target=band))}</title></rect>'
    )


def cohort_page(found: dict, lang: str) -> str:
    """A batch seen by a coach (:func:`rehearse.batch.summary.cohort`): per key figure of the
    coached person, every session as a dot against the target band, each dot a link to its
    report; then the sessions furthest from their targets, and the recordings that failed."""
    title = tr(lang, "Cohort")
    facts = [ntr(lang, "{count} session analysed", "{count} sessions analysed", found["sessions"])]
    if found["profile"]:
        facts.append(tr(lang, "Targets of the situation: {profile}", profile=found["profile"]))
    if found["failed"]:
        facts.append(ntr(lang, "{count} recording failed", "{count} recordings failed", len(found["failed"])))
    body = [
        "<h1>" + escape(title) + "</h1>",
        '<ul class="facts">' + "".join(f"<li>{escape(f)}</li>" for f in facts) + "</ul>",
    ]
    declared = scorecard.declared()
    cards = [
        _cohort_card(figure, declared[name].figure, lang)
        for name, figure in found["figures"].items()
        if name in declared and figure["values"]
    ]
    if cards:
        body.append(_h2(tr(lang, "Figures of the person coached, session by session")))
        body.append('<div class="cards" id="cohort">' + "".join(cards) + "</div>")
    else:
        body.append(f"<p>{escape(tr(lang, 'No session has figures of the person coached.'))}</p>")
    if found["furthest"]:
        body.append(_h2(tr(lang, "Furthest from the targets")))
        rows = []
        for session in found["furthest"]:
            misses = [
                f"{escape(declared[item['metric']].figure.label_text(lang))} "
                f"{escape(figure_text(item['value'], declared[item['metric']].figure.unit, lang))} "
                f"({escape(target_text(item['min'], item['max'], declared[item['metric']].figure.unit, lang))})"
                for item in session["scorecard"]
                if item["status"] in ("low", "high") and item["metric"] in declared
            ]
            rows.append(f"<li>{_report_link(session['report'], session['name'])}: {'; '.join(misses)}</li>")
        body.append('<ol id="furthest">' + "".join(rows) + "</ol>")
    if found["every"]:
        body.append(_h2(tr(lang, "Every session")))
        rows = []
        for session in found["every"]:
            coached = (
                tr(lang, "coached: {speaker}", speaker=session["you"])
                if session["you"]
                else tr(lang, "who was coached is unknown")
            )
            length = duration(session["duration"]) if session["duration"] is not None else "—"
            rows.append(
                f"<li>{_report_link(session['report'], session['name'])} · {escape(length)} · {escape(coached)}</li>"
            )
        body.append('<ul id="every">' + "".join(rows) + "</ul>")
    if found["failed"]:
        body.append(_h2(tr(lang, "Recordings that failed")))
        body.append(
            '<ul id="failed">'
            + "".join(f"<li>{escape(f['recording'])}: {escape(f['error'])}</li>" for f in found["failed"])
            + "</ul>"
        )
    return _page(lang, title, body)


def _report_link(link: str | None, name: str) -> str:
    if not link:
        return escape(name)
    return f'<a href="{escape(quote(link))}">{escape(name)}</a>'


def _cohort_card(figure: dict, metric: Figure, lang: str) -> str:
    w, h, left, pad = 220, 40, 4, 8
    values = [v["value"] for v in figure["values"]]
    bounds = [b for b in (figure["min"], figure["max"]) if b is not None]
    ceiling = max([*values, *bounds, 0.0]) * 1.15 or 1.0

    def x(v: float) -> float:
        return left + max(v, 0.0) / ceiling * (w - left - pad)

    parts = []
    if bounds:
        parts.append(_band(figure["min"], figure["max"], x, (left, w - pad), h, metric.unit, lang))
    # Dots side by side in three rows, so that equal values stay apart.
    for row, found in enumerate(figure["values"]):
        dot = (
            f'<circle class="dot" cx="{x(found["value"]):.1f}" cy="{10 + (row % 3) * 10}" r="4" fill="{COLOURS[0]}" '
            f'fill-opacity="0.7"><title>{escape(found["name"])}: {escape(figure_text(found["value"], metric.unit, lang))}'
            "</title></circle>"
        )
        parts.append(f'<a href="{escape(quote(found["report"]))}">{dot}</a>' if found["report"] else dot)
    parts.append(f'<line x1="{left}" x2="{w - pad}" y1="{h - 1}" y2="{h - 1}" stroke="#98a2b3"/>')
    middle = sorted(values)[len(values) // 2]
    shown = [scorecard.as_shown(v, metric.unit) for v in values]  # judged as the reports judge them
    met = sum(
        1
        for v in shown
        if (figure["min"] is None or v >= figure["min"]) and (figure["max"] is None or v <= figure["max"])
    )
    said = tr(lang, "median {value}", value=figure_text(middle, metric.unit, lang))
    if bounds:
        said += " · " + tr(lang, "{met} of {count} on target", met=met, count=len(values))
    return (
        f'<div class="card"><div class="label">{escape(metric.label_text(lang))}</div>'
        f'<svg viewBox="0 0 {w} {h}" width="100%">' + "".join(parts) + "</svg>"
        f'<div class="target">{escape(said)}</div></div>'
    )


def _hash_source(inline: str) -> str:
    """The CSP source that allows exactly this inline style sheet or script
    (https://www.w3.org/TR/CSP3/#grammardef-hash-source)."""
    digest = base64.b64encode(hashlib.sha256(inline.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def _time_button(seconds: float) -> str:
    return f'<button class="t" data-t="{seconds:.2f}" type="button">{clock(seconds)}</button>'


def _h2(title: str) -> str:
    return f"<h2>{escape(title)}</h2>"


def _advice(report: dict, lang: str, marks: UncertainMarks) -> list[str]:
    picks = top_picks(report)
    if not picks:
        return []
    items = "".join(
        f"<li>{marks.within(escape(pick.advice))}"
        + ("" if pick.time is None else " " + _time_button(pick.time))
        + "</li>"
        for pick in picks
    )
    return [_h2(tr(lang, "Three things to work on")), f'<ol class="top">{items}</ol>']


def _scorecard(report: dict, lang: str, marks: UncertainMarks) -> list[str]:
    heading = scorecard_heading(report)
    if not heading:
        return []
    coaching = report["coaching"]
    out = [_h2(heading)]
    if coaching.get("note"):
        out.append(f'<p class="note">{escape(coaching["note"])}</p>')
    cards = []
    unsure = figures_uncertain(report)
    for item in coaching["scorecard"]:
        target = tr(lang, "target {target}", target=item["target"])
        cards.append(
            f'<div class="card {escape(item["status"])}" title="{escape(target_source(item, lang))}">'
            f'<div class="label">{STATUS_MARKS[item["status"]]} {escape(item["label"])}</div>'
            f'<div class="value">{escape(item["shown"])}{marks.after(unsure and item["value"] is not None)}</div>'
            f'<div class="target">{escape(target)}</div></div>'
        )
    out.append('<div class="cards">' + "".join(cards) + "</div>")
    return out


def _timeline(report: dict, labels: dict[str, str], shades: dict[str, int], lang: str) -> list[str]:
    total = max(float(report.get("duration") or 0), 1.0)
    left = 150
    scale = (WIDTH - left - 10) / total
    lanes = {s: i for i, s in enumerate(labels)}
    height = LANE * len(lanes) + 30

    def x(t: float) -> float:
        return left + t * scale

    marks: list[str] = []
    for speaker, lane in lanes.items():
        y = 6 + lane * LANE
        marks.append(f'<text x="0" y="{y + 17}">{escape(labels[speaker][:22])}</text>')
        marks.append(
            f'<rect x="{left}" y="{y + 4}" width="{WIDTH - left - 10}" height="{LANE - 14}" fill="#f2f4f7"/>'
        )
    step = _tick(total)
    tick = 0.0
    axis_y = LANE * len(lanes) + 12
    while tick <= total + 1e-6:
        marks.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="4" y2="{axis_y}" stroke="#e4e7ec"/>')
        marks.append(
            f'<text class="tick" x="{x(tick):.1f}" y="{axis_y + 14}" text-anchor="{_anchor(x(tick))}">'
            f"{clock(tick)}</text>"
        )
        tick += step
    analyzers = report.get("analyzers", {})
    threshold = float((analyzers.get("monologues") or {}).get("threshold") or 90)
    for turn in report.get("turns", []):
        row = lanes.get(turn["speaker"])
        if row is None:
            continue
        long_turn = turn["end"] - turn["start"] > threshold
        outline = ' stroke="#111" stroke-width="2"' if long_turn else ""
        tip = tr(
            lang,
            "{speaker} {start}–{end}: {text}",
            speaker=labels[turn["speaker"]],
            start=clock(turn["start"]),
            end=clock(turn["end"]),
            text=turn.get("text", "")[:160],
        )
        marks.append(
            f'<rect class="mark turn" data-t="{turn["start"]:.2f}" x="{x(turn["start"]):.1f}" y="{8 + row * LANE}" '
            f'width="{max((turn["end"] - turn["start"]) * scale, 1.5):.1f}" height="{LANE - 18}" rx="3" '
            f'fill="{COLOURS[shades[turn["speaker"]]]}" fill-opacity="{0.95 if long_turn else 0.7}"{outline}>'
            f"<title>{escape(tip)}</title></rect>"
        )
    for question in (analyzers.get("questions") or {}).get("items", []):
        row = lanes.get(question["speaker"])
        if row is None:
            continue
        fill = "#fff" if question["kind"] == "closed" else "#111"
        marks.append(
            f'<circle class="mark question" data-t="{question["start"]:.2f}" cx="{x(question["start"]):.1f}" '
            f'cy="{6 + row * LANE + LANE / 2 - 1}" r="4.5" fill="{fill}" stroke="#111" stroke-width="1.5">'
            f"<title>{escape(_tip(lang, QUESTION_TIPS, question, question['text']))}</title></circle>"
        )
    for event in (analyzers.get("interruptions") or {}).get("events", []):
        row = lanes.get(event["by"])
        if row is None:
            continue
        cx, top = x(event["time"]), 6 + row * LANE
        marks.append(
            f'<path class="mark interruption" data-t="{event["time"]:.2f}" '
            f'd="M{cx - 6:.1f},{top + 1} L{cx + 6:.1f},{top + 1} L{cx:.1f},{top + 11} Z" fill="#c4320a">'
            f"<title>{escape(_tip(lang, INTERRUPTION_TIPS, event, event.get('by_words', '')))}</title></path>"
        )
    legend = [
        tr(lang, "turns (thick outline: monologue)"),
        tr(lang, "● open question ○ closed question"),
        tr(lang, "▼ interruption"),
    ]
    described = tr(lang, "Who spoke when")
    return [
        _h2(tr(lang, "Timeline")),
        f'<div class="panel"><svg id="timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(described)}">' + "".join(marks) + "</svg>"
        '<p class="legend">'
        + "".join(f"<span>{escape(item)}</span>" for item in legend)
        + "".join(
            f'<span><i class="swatch speaker{shades[s]}"></i>{escape(label)}</span>'
            for s, label in labels.items()
        )
        + "</p></div>",
    ]


# What a question's or an interruption's tooltip on the timeline says, by the kind its analyzer gave.
QUESTION_TIPS = {"open": N_("open question: {text}"), "closed": N_("closed question: {text}")}
INTERRUPTION_TIPS = {
    "successful": N_("cut in and took the floor: {text}"),
    "unsuccessful": N_("cut in, the other kept talking: {text}"),
}
OTHER_TIP = N_("{kind}: {text}")  # a kind a newer or altered report names


def _tip(lang: str, tips: dict[str, str], found: dict, text: str) -> str:
    """A drawing's tooltip, plain text: the mark alone, explained where the same moment is listed."""
    kind = str(found.get("kind"))
    mark = f" {UNCERTAIN_MARK}" if found.get("uncertain") is True else ""
    return tr(lang, tips.get(kind, OTHER_TIP), kind=kind, text=text) + mark


def _anchor(at: float) -> str:
    """How an axis label sits on its tick: centred, unless that would push it past an edge of the
    drawing (a label is at most "10:00:00", about 60 units of 12-unit type)."""
    if at + AXIS_LABEL / 2 > WIDTH:
        return "end"
    if at - AXIS_LABEL / 2 < 0:
        return "start"
    return "middle"


def _tick(total: float) -> float:
    for step in (10, 30, 60, 120, 300, 600, 900, 1800):
        if total / step <= 10:  # labels 84 units apart or more: the widest fits between two
            return float(step)
    return 3600.0


def _progress(report: dict, lang: str) -> list[str]:
    found = report.get("progress") or {}
    figures = {
        n: f for n, f in (found.get("metrics") or {}).items() if sum(v is not None for v in f["values"]) > 1
    }
    if not figures:
        return []
    charts = []
    declared = scorecard.declared()
    for name, figure in figures.items():
        charts.append(_progress_chart(figure, declared[name].figure, lang))
    count = len(found.get("sessions", []))
    return [
        _h2(ntr(lang, "Progress over your last session", "Progress over your last {count} sessions", count)),
        '<div class="cards" id="progress">' + "".join(charts) + "</div>",
    ]


def _progress_chart(figure: dict, metric: Figure, lang: str) -> str:
    """One figure over the sessions, drawn from zero so a small change looks small, with the
    target band; a session without the figure is marked as missing, and the line bridges it dashed."""
    w, h, pad, left = 220, 80, 8, 16
    values = figure["values"]
    known = [v for v in values if v is not None]
    low_bound, high_bound = figure.get("min"), figure.get("max")
    bounds = [b for b in (low_bound, high_bound) if b is not None]
    floor = min([0.0, *known, *bounds])
    ceiling = max([*known, *bounds]) * 1.1 if max([*known, *bounds]) > 0 else 1.0
    span = (ceiling - floor) or 1.0
    bottom_y = h - pad

    def y(v: float) -> float:
        return bottom_y - (v - floor) / span * (h - 2 * pad)

    step = (w - left - pad) / max(len(values) - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    parts = [
        f'<line class="zero" x1="{left}" x2="{w - pad}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#98a2b3"/>',
        f'<text x="{left - 4}" y="{y(0) + 4:.1f}" text-anchor="end">0</text>',
    ]
    if bounds:
        top = y(high_bound) if high_bound is not None else pad
        bottom = y(low_bound) if low_bound is not None else y(floor)
        band_title = target_text(low_bound, high_bound, metric.unit, lang)
        parts.insert(
            0,
            f'<rect class="band" x="{left}" y="{top:.1f}" width="{w - left - pad}" '
            f'height="{max(bottom - top, 1):.1f}" fill="#1f8a4c" fill-opacity="0.15">'
            f"<title>{escape(tr(lang, 'target {target}', target=band_title))}</title></rect>",
        )
    run: list[str] = []
    last: tuple[int, float] | None = None
    for i, v in enumerate(values):
        if v is None:
            if len(run) > 1:
                parts.append(_line(run))
            run = []
            continue
        if last is not None and last[0] != i - 1:  # across the sessions that lack the figure
            parts.append(
                f'<line class="gap" x1="{x(last[0]):.1f}" y1="{y(last[1]):.1f}" x2="{x(i):.1f}" y2="{y(v):.1f}" '
                'stroke="#2f6fdf" stroke-width="1.5" stroke-dasharray="3 3"/>'
            )
        run.append(f"{x(i):.1f},{y(v):.1f}")
        last = (i, v)
    if len(run) > 1:
        parts.append(_line(run))
    for i, v in enumerate(values):
        if v is None:
            missing = tr(lang, "session {number}: no figure", number=i + 1)
            parts.append(
                f'<circle class="missing" cx="{x(i):.1f}" cy="{y(0):.1f}" r="3.5" fill="#fff" stroke="#98a2b3" '
                f'stroke-width="1.5" stroke-dasharray="2 1.5"><title>{escape(missing)}</title></circle>'
            )
        else:
            shown = tr(
                lang, "session {number}: {figure}", number=i + 1, figure=figure_text(v, metric.unit, lang)
            )
            parts.append(
                f'<circle class="point" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="#2f6fdf">'
                f"<title>{escape(shown)}</title></circle>"
            )
    lacking = len(values) - len(known)
    gaps = (
        " · " + escape(ntr(lang, "{count} session without it", "{count} sessions without it", lacking))
        if lacking
        else ""
    )
    return (
        f'<div class="card"><div class="label">{escape(metric.label_text(lang))}</div>'
        f'<svg class="spark" viewBox="0 0 {w} {h}" width="100%">' + "".join(parts) + "</svg>"
        f'<div class="target">{escape(figure_text(known[0], metric.unit, lang))} → '
        f"{escape(figure_text(known[-1], metric.unit, lang))} · {escape(trend_text(figure['trend'], lang))}"
        f"{gaps}</div></div>"
    )


def _line(points: list[str]) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="#2f6fdf" stroke-width="2"/>'


def _sections(report: dict, labels: dict[str, str], lang: str, marks: UncertainMarks) -> list[str]:
    out = [_h2(tr(lang, "Details"))]
    failed = escape(tr(lang, "This analyzer failed:"))
    for section in sections(report, below_top=True):
        parts = [f'<section class="analyzer" id="{escape(section.name)}"><h3>{escape(section.title)}</h3>']
        if section.error:
            parts.append(f'<p class="error">{failed} <code>{escape(section.error)}</code></p>')
        else:
            if section.summary:
                parts.append(f"<p>{marks.within(escape(section.summary))}</p>")
            if section.moments:
                parts.append('<ul class="moments">')
                for moment in section.moments:
                    who = labels.get(moment.get("speaker", ""), moment.get("speaker", ""))
                    unsure = marks.after(moment.get("uncertain"))
                    label = f" <em>{escape(str(moment['label']))}</em>" if moment.get("label") else ""
                    parts.append(
                        f'<li>{_time_button(float(moment.get("time", 0)))} <span class="who">{escape(who)}</span>'
                        f"{unsure}{label} “{escape(str(moment.get('text', '')))}”</li>"
                    )
                parts.append("</ul>")
            parts += [f'<p class="advice">{escape(item)}</p>' for item in section.advice]
        parts.append("</section>")
        out.append("".join(parts))
    return out


def _transcript(
    report: dict, labels: dict[str, str], shades: dict[str, int], lang: str, marks: UncertainMarks
) -> list[str]:
    lines = []
    spoken = _hesitations(report)
    for utterance in report.get("utterances", []):
        if not utterance.get("text"):
            continue
        speaker = utterance["speaker"]
        css = ' class="back"' if utterance.get("backchannel") else ""
        shade = f" speaker{shades[speaker]}" if speaker in shades else ""
        lines.append(
            f"<p{css}>{_time_button(utterance['start'])} "
            f'<span class="who{shade}">{escape(labels.get(speaker, speaker))}</span>'
            f"{marks.after(utterance.get('confidence', 1.0) < UNCERTAIN_BELOW)} "
            f"{_said(utterance, spoken.get(speaker))}</p>"
        )
    if not lines:
        return []
    return [
        _h2(tr(lang, "Transcript")),
        '<div class="panel transcript" id="transcript">' + "".join(lines) + "</div>",
    ]


def _hesitations(report: dict) -> dict[str, tuple[list[float], list[dict]]]:
    """The words of each speaker who hesitated ("um", "euh" that rehearse heard), in time order,
    with their start times; nobody's when nobody did."""
    words = report.get("words", [])
    hesitated = {w.get("speaker") for w in words if w.get("hesitation")}
    found: dict[str, tuple[list[float], list[dict]]] = {}
    for word in sorted((w for w in words if w.get("speaker") in hesitated), key=lambda w: w["start"]):
        starts, mine = found.setdefault(word["speaker"], ([], []))
        starts.append(word["start"])
        mine.append(word)
    return found


def _said(utterance: dict, spoken: tuple[list[float], list[dict]] | None) -> str:
    """The utterance's text, escaped; rebuilt from its words when it holds a hesitation, which
    is greyed: a sound, not a word said."""
    if spoken is None:
        return escape(utterance["text"])
    starts, words = spoken
    mine = words[bisect_left(starts, utterance["start"]) : bisect_left(starts, utterance["end"])]
    if not any(w.get("hesitation") for w in mine):
        return escape(utterance["text"])
    pieces = [
        f' <span class="hesitation">{escape(w["text"].strip())}</span>'
        if w.get("hesitation")
        else escape(w["text"])
        for w in mine
    ]
    return " ".join("".join(pieces).split())


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(HtmlRenderer())
