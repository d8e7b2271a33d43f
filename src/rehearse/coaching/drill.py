"""Drilling the questions that threw you: where they come from, and how an answer went.

A drilled answer is judged as the report judges answers: the question and the answer make a
two-person conversation (the interviewer asks, you answer), and every analyzer that declares
``drill = True`` runs on it: the built-in ``asked`` (pause before the first word, length,
fillers, pace, flags) and any plugin's, such as STAR structure. So a plugin joins the drill by
saying so, not by a special case here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rehearse.analyzers.base import Analyzer
from rehearse.analyzers.base import run as run_analyzers
from rehearse.coaching import situations
from rehearse.conversation import Conversation, Word
from rehearse.errors import RehearseError
from rehearse.i18n import tr
from rehearse.language import lexicon, questions

# How long the interviewer takes to ask, when the question is read rather than played: the
# answer is timed from the end of the question either way.
READ_SECONDS_PER_WORD = 0.35
REPEATED_AT_LEAST = 3  # a word said this often in one answer is worth pointing out


class DrillError(RehearseError):
    """Nothing to drill, or an answer that cannot be judged."""


@dataclass(frozen=True)
class DrillQuestion:
    """A question to practise: its words, and where it was asked if it was (the recording and
    the seconds the interviewer took), so it can be played in their voice."""

    text: str
    language: str
    origin: str  # "session N", or the situation's bank
    session_id: int | None = None
    audio: str | None = None
    start: float | None = None
    end: float | None = None
    flags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The same question asked twice, in other sessions or with other punctuation, is one."""
        return " ".join(lexicon.tokens(self.text))


@dataclass
class Attempt:
    """One answer to a drilled question and its figures."""

    question: DrillQuestion
    transcript: str
    figures: dict[str, Any]
    sections: dict[str, dict] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question.text,
            "key": self.question.key,
            "origin": self.question.origin,
            "language": self.question.language,
            "transcript": self.transcript,
            "figures": self.figures,
            "sections": {
                name: {k: v for k, v in section.items() if k in ("title", "summary", "advice", "error")}
                for name, section in self.sections.items()
            },
        }


def threw_you(report: Mapping[str, Any], session_id: int | None = None) -> list[DrillQuestion]:
    """The questions put to you in a report that probably threw you (flagged by ``asked``)."""
    you = (report.get("coaching") or {}).get("you")
    items = ((report.get("analyzers") or {}).get("asked") or {}).get("items") or []
    language = report.get("language") or report.get("report_language") or "en"
    audio = (report.get("audio") or {}).get("path")
    found = []
    for item in items:
        if not item.get("flags") or (you is not None and item.get("speaker") != you):
            continue
        start = float(item["time"])
        found.append(
            DrillQuestion(
                text=str(item["question"]),
                language=language,
                origin=f"session {session_id}" if session_id is not None else "report",
                session_id=session_id,
                audio=audio,
                start=start,
                end=_question_end(report, item.get("asked_by"), start),
                flags=tuple(item["flags"]),
            )
        )
    return found


def _question_end(report: Mapping[str, Any], speaker: str | None, start: float) -> float | None:
    """When the utterance holding the question ends: the clip to play runs to there."""
    for utterance in report.get("utterances") or []:
        if utterance.get("speaker") == speaker and utterance["start"] - 0.05 <= start <= utterance["end"]:
            return float(utterance["end"])
    return None


def from_bank(profile: str, language: str) -> list[DrillQuestion]:
    """The situation's question bank (``coaching/questions/<language>.toml``), in its order."""
    title = situations.title(profile, language)
    return [DrillQuestion(text, language, title) for text in situations.bank(profile, language)]


def closed_ones(report: Mapping[str, Any], session_id: int | None = None) -> list[DrillQuestion]:
    """The closed questions you asked in a session: to say again as open ones."""
    you = (report.get("coaching") or {}).get("you")
    items = ((report.get("analyzers") or {}).get("questions") or {}).get("items") or []
    language = report.get("language") or "en"
    return [
        DrillQuestion(
            str(item["text"]), language, f"session {session_id}" if session_id else "report", session_id
        )
        for item in items
        if item.get("kind") == "closed" and (you is None or item.get("speaker") == you)
    ]


def conversation(
    question: DrillQuestion, answer: list[Word], lang: str, profile: str | None
) -> tuple[Conversation, float]:
    """The question (asked by the interviewer, its words spread over the time they took to say
    it) followed by the answer's words (yours, timed from the end of the question), and when
    the question ends."""
    from rehearse.report import from_dict

    said = question.text.split()
    asked_for = (
        question.end - question.start
        if question.start is not None and question.end is not None
        else max(len(said) * READ_SECONDS_PER_WORD, 1.0)
    )
    step = asked_for / max(len(said), 1)
    words = [
        {"speaker": "S2", "start": round(i * step, 3), "end": round((i + 1) * step, 3), "text": " " + text}
        for i, text in enumerate(said)
    ] + [
        {
            "speaker": "S1",
            "start": round(w.start + asked_for, 3),
            "end": round(w.end + asked_for, 3),
            "text": w.text,
            "probability": w.probability,
        }
        for w in answer
    ]
    turns = [{"speaker": "S2", "start": 0.0, "end": round(asked_for, 3), "text": question.text}]
    if answer:
        turns.append(
            {
                "speaker": "S1",
                "start": words[len(said)]["start"],
                "end": words[-1]["end"],
                "text": "".join(w.text for w in answer).strip(),
            }
        )
    you, interviewer = tr(lang, "You"), tr(lang, "The interviewer")
    return (
        from_dict(
            {
                "speakers": [
                    {"id": "S1", "label": you, "role": "me"},
                    {"id": "S2", "label": interviewer, "role": "interviewer"},
                ],
                "turns": turns,
                "words": words,
                "language": question.language,
                "attribution": "channels",
                "me": {"speaker": "S1", "source": "drill"},
                "profile": profile,
            }
        ),
        asked_for,
    )


def judge(
    question: DrillQuestion,
    answer: list[Word],
    analyzers: Mapping[str, Analyzer],
    settings: Mapping[str, Mapping[str, Any]],
    lang: str,
    profile: str | None,
) -> Attempt:
    """How the answer went, by every analyzer that drills.

    Raises:
        DrillError: no word was heard in the answer.
    """
    if not answer:
        raise DrillError("no speech was heard in the answer; check the microphone, or give --answer FILE")
    talk, _ = conversation(question, answer, lang, profile)
    sections = run_analyzers(
        talk, {n: a for n, a in analyzers.items() if getattr(a, "drill", False)}, settings, lang
    )
    asked = (sections.get("asked") or {}).get("items") or []
    item = asked[0] if asked else None
    said = "".join(w.text for w in answer).strip()
    spoken = lexicon.content_words(said)
    repeated = sorted(
        (word for word, count in Counter(spoken).items() if count >= REPEATED_AT_LEAST),
        key=lambda w: (-spoken.count(w), w),
    )
    first, last = answer[0].start, answer[-1].end
    words = len(said.split())
    fillers = len(lexicon.fillers(said, question.language))
    figures: dict[str, Any] = {
        "pause": round(item["latency"] if item else first, 2),
        "length": round(item["answer_duration"] if item else last - first, 2),
        "words": words,
        "fillers": fillers,
        "filler_share": round(fillers / words, 3) if words else 0.0,
        "wpm": round(60 * words / (last - first), 1) if last > first else None,
        "repeated": repeated,
        "flags": list(item["flags"]) if item else [],
    }
    return Attempt(question, said, figures, sections)


@dataclass(frozen=True)
class Rewording:
    """A question said again: open or closed, and why."""

    kind: str | None  # "open", "closed", or None when it was not heard as a question
    reason: str


def reword(spoken: str, lang: str) -> Rewording:
    """Whether ``spoken`` (a question said again) asks openly, with the reason in words."""
    heard = questions.classify(spoken.strip(), lang)
    opening = " ".join(spoken.split()[:2]).rstrip(",?") or spoken
    if heard is None:
        return Rewording(None, tr(lang, "This was not heard as a question; end it with a question."))
    if heard.kind == "open":
        return Rewording("open", tr(lang, "Open: the answer has to be told, not chosen."))
    why = {
        "yes-no": tr(lang, "starts with “{opening}”: the answer can be yes or no", opening=opening),
        "choice": tr(lang, "it offers the answers to choose from"),
        "tag": tr(lang, "it asks the other person to agree"),
        "declarative": tr(lang, "a statement with a question mark: it asks for a yes"),
        "wh": tr(lang, "“{opening}” asks for one fact", opening=opening),
    }.get(heard.form, heard.form)
    return Rewording(
        "closed", tr(lang, "Closed: {why}; try “{suggestion}…”.", why=why, suggestion=tr(lang, "How"))
    )
