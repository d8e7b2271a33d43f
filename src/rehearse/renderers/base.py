"""What a report renderer is, and the reading order every human-facing format shares."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from rehearse.analyzers.base import UNCERTAIN_MARK, marked
from rehearse.coaching import situations as profiles
from rehearse.conversation import UNCERTAIN_SHARE
from rehearse.i18n import duration, ntr, percent, tr

# Characters a terminal acts on instead of showing (https://en.wikipedia.org/wiki/C0_and_C1_control_codes):
# the C0 controls (ESC opens the sequences that clear the screen, retitle the window or make an
# OSC 8 link), DEL, the C1 controls (U+009B alone is a CSI), and the bidirectional embeddings,
# overrides and isolates that reorder the text after them (https://trojansource.codes/).
UNSHOWN = frozenset(
    chr(code)
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
)
_LINE_BREAKS = "\t\n\v\f\r"


def _stand_in(char: str) -> str:
    """A space for a line break or tab, else a visible mark: the character's Unicode control
    picture (␛ for ESC) where there is one, else U+FFFD."""
    if char in _LINE_BREAKS:
        return " "
    if char < " ":
        return chr(0x2400 + ord(char))
    return "\u2421" if char == "\x7f" else "\ufffd"


_STAND_INS = str.maketrans({char: _stand_in(char) for char in UNSHOWN})


def printable(value: object) -> str:
    """``value`` as inert text on one line, for any output a person reads: each character of
    :data:`UNSHOWN` becomes one stand-in character, so widths and paddings hold."""
    return str(value).translate(_STAND_INS)


class Renderer:
    """Base class for renderers; subclasses set ``name`` and ``extensions``."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()

    def render(self, report: dict, *, color: bool = False) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    summary: str
    moments: list[dict]
    advice: list[str]
    error: str | None


def sections(report: dict, *, below_top: bool = False) -> Iterator[Section]:
    """Each analyzer's section. With ``below_top``, as shown below the three things to work on:
    an advice made there is not made again in its section (:attr:`Pick.covers`)."""
    told = {said for pick in top_picks(report) for said in pick.covers} if below_top else set()
    for name, result in report.get("analyzers", {}).items():
        yield Section(
            name=name,
            title=str(result.get("title") or name),
            summary=str(result.get("summary", "")),
            moments=[m for m in result.get("moments", []) if isinstance(m, dict)],
            advice=[str(a) for a in result.get("advice", []) if str(a) not in told],
            error=result.get("error"),
        )


class UncertainMarks:
    """The (?) of one report as it is rendered, in the format's own form (``shown``).

    Every mark goes through it, so it knows whether any was shown: the legend explaining the
    mark then comes once, and only in a report that shows one.
    """

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.used = False

    def after(self, unsure: object) -> str:
        """What follows a figure, quote or moment: the mark when ``unsure`` is True, else nothing."""
        if unsure is not True:
            return ""
        self.used = True
        return " " + self.shown

    def within(self, text: str) -> str:
        """``text`` (already in the format, escaped) with the marks an analyzer put in it, such as
        a summary's "Speaker 2 (?) 55%", in the format's form."""
        if UNCERTAIN_MARK not in text:
            return text
        self.used = True
        return text.replace(UNCERTAIN_MARK, self.shown)


def uncertain_why(lang: str) -> str:
    """What the mark means, for the legend and the HTML tooltip."""
    return tr(
        lang,
        "Who spoke is uncertain here: the voices were hard to tell apart, so this may be the other person's.",
    )


def uncertain_legend(lang: str) -> str:
    return f"{UNCERTAIN_MARK} {uncertain_why(lang)}"


def uncertain_speakers(report: dict) -> set[str]:
    """The speakers whose figures are marked: enough of their speech is uncertainly attributed
    (its share is in the talk time section, which every figure about a speaker rests on)."""
    talk = (report.get("analyzers") or {}).get("talk_time", {}).get("speakers") or {}
    return {
        speaker
        for speaker, figures in talk.items()
        if isinstance(figures, dict) and (figures.get("uncertain_share") or 0) >= UNCERTAIN_SHARE
    }


def figures_uncertain(report: dict) -> bool:
    """Whether the scorecard's figures, all about the speaker being coached, are marked."""
    return (report.get("coaching") or {}).get("you") in uncertain_speakers(report)


STATUS_MARKS = {"ok": "✓", "low": "✗", "high": "✗", "unknown": "·"}


def scorecard_heading(report: dict) -> str | None:
    """The scorecard's title, such as "Targets (job interview) — Speaker 1 (left)"; None without one."""
    coaching = report.get("coaching") or {}
    if not coaching.get("scorecard"):
        return None
    lang = report.get("report_language", "en")
    situation = profiles.title(
        coaching.get("profile") if coaching.get("profile") in profiles.NAMES else None, lang
    )
    who = speaker_labels(report).get(coaching.get("you") or "", "")
    return tr(lang, "Targets ({situation})", situation=situation) + (f" — {who}" if who else "")


def target_source(item: dict, lang: str) -> str:
    """Where a scorecard target comes from, in ``lang``: a situation's default names its source as
    a message; a target of the user's own configuration is shown as written."""
    source = str(item.get("source") or "")
    return tr(lang, source) if source else ""  # gettext("") would be the catalog's header


def missed_targets(report: dict) -> list[dict]:
    return [
        item
        for item in (report.get("coaching") or {}).get("scorecard", [])
        if item["status"] in ("low", "high")
    ]


def top_advice(report: dict, limit: int = 3) -> list[str]:
    """The first pieces of advice, each on a different behaviour (:func:`top_picks`)."""
    return [pick.advice for pick in top_picks(report, limit)]


@dataclass(frozen=True)
class Pick:
    """One of the things to work on: the analyzer it comes from, its advice, and the moment
    that shows it (seconds; ``None`` when the behaviour has no single moment, as talk time)."""

    analyzer: str
    advice: str
    time: float | None
    # The advice of its analyzer's section that says the same: itself, or, for a missed target
    # that governs its analyzer's advice, all of it ("Your pace: 199 words/min (target …). Slow
    # down…" and "You spoke at 199 words a minute… Slow down…" are one point).
    covers: tuple[str, ...] = ()


def top_picks(report: dict, limit: int = 3) -> list[Pick]:
    """The first pieces of advice: missed targets first, then the first advice of each analyzer
    in report order; one per analyzer, since two from one are one point said twice ("Your pace:
    201 words/min" and "You spoke at 201 words a minute"). Each comes with its analyzer's first
    moment of yours (of anyone's when who you are is unknown)."""
    lang = report.get("report_language", "en")
    unsure = figures_uncertain(report)
    found = {s.name: s for s in sections(report)}
    picked: dict[str, str] = {}
    covers: dict[str, tuple[str, ...]] = {}
    for item in missed_targets(report):
        analyzer = item.get("analyzer", item["metric"])
        if item.get("advice") and analyzer not in picked:
            if item.get("governs") and analyzer in found:
                covers[analyzer] = tuple(found[analyzer].advice)
            picked[analyzer] = tr(
                lang,
                "{figure}: {value} (target {target}). {advice}",
                figure=item["label"],
                value=marked(item["shown"], unsure),
                target=item["target"],
                advice=item["advice"],
            )
    for section in found.values():
        if section.advice and section.name not in picked:
            picked[section.name] = section.advice[0]
            covers[section.name] = (section.advice[0],)
    you = (report.get("coaching") or {}).get("you")
    picks = []
    for analyzer, advice in list(picked.items())[:limit]:
        moments = found[analyzer].moments if analyzer in found else []
        mine = [m for m in moments if you and m.get("speaker") == you] or moments
        times = [m["time"] for m in mine if isinstance(m.get("time"), (int, float))]
        picks.append(Pick(analyzer, advice, float(times[0]) if times else None, covers.get(analyzer, ())))
    return picks


def session_heading(tag: str, session: dict, lang: str) -> str:
    """One session of a comparison: "A: session 3, 2026-11-20 10:00, Job interview"."""
    return tr(
        lang,
        "{tag}: session {id}, {date}, {situation}",
        tag=tag,
        id=session["id"],
        date=session["date"][:16].replace("T", " "),
        situation=profiles.title(session["profile"], lang) if session["profile"] else "—",
    )


def speaker_labels(report: dict) -> dict[str, str]:
    return {s["id"]: s.get("label") or s["id"] for s in report.get("speakers", [])}


def headline(report: dict) -> list[str]:
    """Facts about the recording, one per line."""
    lang = report.get("report_language", "en")
    audio = report.get("audio") or {}
    lines = []
    channels = audio.get("channels")
    if isinstance(channels, int):
        lines.append(
            ntr(
                lang,
                "Recording: {path} ({count} channel)",
                "Recording: {path} ({count} channels)",
                channels,
                path=audio.get("path"),
            )
        )
    elif audio:
        lines.append(tr(lang, "Recording: {path}", path=audio.get("path")))
    if report.get("language"):
        prob = report.get("language_probability")
        sure = f" ({percent(prob, lang)})" if isinstance(prob, (int, float)) else ""
        lines.append(tr(lang, "Language: {language}{sure}", language=report["language"], sure=sure))
    if report.get("model"):
        lines.append(tr(lang, "Model: {model}", model=report["model"]))
    lines.append(tr(lang, "Duration: {duration}", duration=duration(report.get("duration", 0))))
    return lines


def no_speech_sentence(lang: str) -> tuple[str, str, str]:
    """The sentence saying a recording holds no speech, as (before, finding, after): each format
    stresses the finding its own way, wherever the language puts it."""
    finding = tr(lang, "No speech found")
    before, _, after = tr(lang, "{finding} in this recording.", finding=finding).partition(finding)
    return before, finding, after


def no_speech(report: dict) -> bool:
    return not report.get("segments") and not report.get("words")
