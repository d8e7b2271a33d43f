"""Practice situations, each in one place: its name and title, who the user is in it, the
brief for both people, the targets the report judges the user against, and questions to
practise with.

Adding a situation means adding it to ``NAMES``, ``TITLES``, ``BRIEFS`` and ``TARGETS`` here,
and a list to each question bank (``questions/<lang>.toml``, one list per situation). The
sources of the targets are in docs/metrics.md and docs/report.md#targets.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from importlib import resources

from rehearse.errors import OptionError
from rehearse.i18n import N_, tr

NAMES = ("job-interview", "informational", "reverse", "client-discovery")
# Without --profile, the situation most people practise: its targets judge the figures, and
# the report says so with the way to pick another.
DEFAULT = "job-interview"
# In these situations the user is the one who asks; in a job interview, the one who answers.
USER_ASKS = frozenset(["informational", "reverse", "client-discovery"])
TITLES = {
    "job-interview": N_("job interview"),
    "informational": N_("informational interview"),
    "reverse": N_("reverse interview"),
    "client-discovery": N_("client discovery call"),
}


@dataclass(frozen=True)
class Brief:
    friend: str
    you: str


BRIEFS = {
    "job-interview": Brief(
        N_(
            "You are the interviewer. Ask the questions below, follow up on vague answers ('what did "
            "*you* do?'), and interrupt once if an answer runs past two minutes."
        ),
        N_(
            "Answer with stories: situation, task, what you did, the result. Keep answers under two "
            "minutes, and ask at least one question of your own at the end."
        ),
    ),
    "informational": Brief(
        N_(
            "You are the professional being asked about your work. Answer openly; stop when the "
            "questions stop."
        ),
        N_(
            "You are here to listen: ask open questions, follow up on what you hear, talk well under "
            "half the time."
        ),
    ),
    "reverse": Brief(
        N_(
            "You are the hiring manager being interviewed by the candidate. Answer briefly, and "
            "sometimes vaguely, so they have to follow up."
        ),
        N_(
            "You ask the questions: about autonomy, how the team communicates, how the manager brings "
            "out the best in people. Follow up on each answer before moving on."
        ),
    ),
    "client-discovery": Brief(
        N_("You are the client. You have a real problem but do not volunteer it: make them ask."),
        N_(
            "Discover before you pitch: open questions about how they work today and what it costs "
            "them; aim to talk less than half the time."
        ),
    ),
}


def title(profile: str | None, lang: str) -> str:
    return tr(lang, TITLES[profile or DEFAULT])


def check(profile: str | None) -> str | None:
    if profile is not None and profile not in NAMES:
        raise OptionError(
            "unknown profile {profile}; choose from {known}", profile=repr(profile), known=", ".join(NAMES)
        )
    return profile


def brief(profile: str, lang: str) -> Brief:
    messages = BRIEFS[profile]
    return Brief(tr(lang, messages.friend), tr(lang, messages.you))


def bank(profile: str, lang: str) -> list[str]:
    """The situation's question bank (``questions/<lang>.toml``), in its order."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    found = tomllib.loads(
        (resources.files("rehearse.coaching") / "questions" / f"{lang}.toml").read_text(encoding="utf-8")
    )
    return list(found.get(profile, []))


def questions(profile: str, lang: str, count: int = 4, seed: int | None = None) -> list[str]:
    """A few questions from the bank for this situation, in a fresh order each session."""
    pool = bank(profile, lang)
    random.Random(seed).shuffle(pool)
    return pool[:count]


def heading(lang: str) -> tuple[str, str, str]:
    return tr(lang, "For your friend"), tr(lang, "For you"), tr(lang, "Questions to use")


# Targets: metric -> (min, max, source). None is an open end; the source is a message,
# translated where the scorecard is written.
Target = tuple[float | None, float | None, str]
_PACE: Target = (100, 165, N_("Microsoft Speaker Coach: 100–165 words a minute"))
_FILLERS: Target = (None, 0.04, N_("Read.ai flags more than 4% of words"))
_INTERRUPT: Target = (None, 1, N_("conversation analysis: don't cut the other person off (rehearse default)"))
TARGETS: dict[str, dict[str, Target]] = {
    "job-interview": {
        "talk_share": (0.5, 0.8, N_("the candidate answers, so talks most (rehearse default)")),
        "median_answer": (30, 120, N_("most interview answers run 30 s to 2 min")),
        "longest_turn": (None, 150, N_("answers bounded near 2 min (rehearse default, 30 s of slack)")),
        "interruptions": _INTERRUPT,
        "questions": (2, None, N_("a couple of questions of your own at the end")),
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
    "informational": {
        "talk_share": (None, 0.3, N_("in an informational interview you mostly listen")),
        "open_questions": (5, None, N_("many open questions (rehearse default)")),
        "open_share": (0.6, None, N_("open questions rather than closed ones (rehearse default)")),
        "longest_turn": (None, 60, N_("you listen: keep your turns short (rehearse default)")),
        "interruptions": _INTERRUPT,
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
    "reverse": {
        "talk_share": (None, 0.5, N_("in a reverse interview you ask and they answer (rehearse default)")),
        "questions": (5, None, N_("you lead with questions (rehearse default)")),
        "open_share": (0.5, None, N_("open questions rather than closed ones (rehearse default)")),
        "follow_ups": (2, None, N_("follow up on the answers: the heart of a reverse interview")),
        "interruptions": _INTERRUPT,
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
    "client-discovery": {
        "talk_share": (None, 0.65, N_("Gong: best calls near 43% seller talk, results drop above 65%")),
        "questions": (11, 14, N_("Gong: 11–14 questions per discovery call")),
        "questions_spread": (0.5, None, N_("Gong: questions spread through the call, not front-loaded")),
        "longest_turn": (None, 120, N_("Gong: keep a company overview under 2 minutes")),
        "patience": (
            0.6,
            None,
            N_("Gong: top sellers pause longer before answering (secondary; rehearse default)"),
        ),
        "interruptions": _INTERRUPT,
        "pace": _PACE,
        "filler_share": _FILLERS,
    },
}
