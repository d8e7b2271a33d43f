"""Practice situations: what each person should aim for, and questions to practise with.

The question bank is data: ``questions/<lang>.toml``, one list per profile.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from importlib import resources

from rehearse.errors import OptionError
from rehearse.i18n import say

NAMES = ("job-interview", "informational", "reverse", "client-discovery")
TITLES = {
    "job-interview": ("job interview", "entretien d'embauche"),
    "informational": ("informational interview", "entretien informatif"),
    "reverse": ("reverse interview", "entretien inversé"),
    "client-discovery": ("client discovery call", "rendez-vous de découverte client"),
    "general": ("general targets", "objectifs généraux"),
}


@dataclass(frozen=True)
class Brief:
    friend: str
    you: str


BRIEFS = {
    "job-interview": (
        Brief(
            "You are the interviewer. Ask the questions below, follow up on vague answers "
            "('what did *you* do?'), and interrupt once if an answer runs past two minutes.",
            "Answer with stories: situation, task, what you did, the result. Keep answers under two "
            "minutes, and ask at least one question of your own at the end.",
        ),
        Brief(
            "Vous êtes le recruteur. Posez les questions ci-dessous, relancez les réponses floues "
            "(« qu'avez-vous fait, *vous* ? ») et interrompez une fois si une réponse dépasse deux minutes.",
            "Répondez par des histoires : situation, tâche, ce que vous avez fait, le résultat. "
            "Moins de deux minutes par réponse, et posez au moins une question à la fin.",
        ),
    ),
    "informational": (
        Brief(
            "You are the professional being asked about your work. Answer openly; stop when the "
            "questions stop.",
            "You are here to listen: ask open questions, follow up on what you hear, talk well under "
            "half the time.",
        ),
        Brief(
            "Vous êtes le professionnel interrogé sur votre métier. Répondez franchement ; arrêtez-vous "
            "quand les questions s'arrêtent.",
            "Vous êtes là pour écouter : questions ouvertes, relances sur ce que vous entendez, et bien "
            "moins de la moitié du temps de parole.",
        ),
    ),
    "reverse": (
        Brief(
            "You are the hiring manager being interviewed by the candidate. Answer briefly, and "
            "sometimes vaguely, so they have to follow up.",
            "You ask the questions: about autonomy, how the team communicates, how the manager brings "
            "out the best in people. Follow up on each answer before moving on.",
        ),
        Brief(
            "Vous êtes le manager interrogé par le candidat. Répondez brièvement, parfois vaguement, "
            "pour qu'il doive relancer.",
            "C'est vous qui posez les questions : autonomie, communication dans l'équipe, manière dont le "
            "manager fait progresser chacun. Relancez chaque réponse avant de passer à la suivante.",
        ),
    ),
    "client-discovery": (
        Brief(
            "You are the client. You have a real problem but do not volunteer it: make them ask.",
            "Discover before you pitch: open questions about how they work today and what it costs "
            "them; aim to talk less than half the time.",
        ),
        Brief(
            "Vous êtes le client. Vous avez un vrai problème mais ne le dites pas spontanément : "
            "faites-vous poser les questions.",
            "Découvrez avant de proposer : questions ouvertes sur leur façon de faire et ce qu'elle leur "
            "coûte ; parlez moins de la moitié du temps.",
        ),
    ),
}


def title(profile: str | None, lang: str) -> str:
    return say(lang, *TITLES[profile or "general"])


def check(profile: str | None) -> str | None:
    if profile is not None and profile not in NAMES:
        raise OptionError(f"unknown profile {profile!r}; choose from {', '.join(NAMES)}")
    return profile


def brief(profile: str, lang: str) -> Brief:
    english, french = BRIEFS[profile]
    return french if lang == "fr" else english


def questions(profile: str, lang: str, count: int = 4, seed: int | None = None) -> list[str]:
    """A few questions from the bank for this situation, in a fresh order each session."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    bank = tomllib.loads(
        (resources.files("rehearse") / "questions" / f"{lang}.toml").read_text(encoding="utf-8")
    )
    pool = list(bank.get(profile, []))
    random.Random(seed).shuffle(pool)
    return pool[:count]


def heading(lang: str) -> tuple[str, str, str]:
    return (
        say(lang, "For your friend", "Pour votre partenaire"),
        say(lang, "For you", "Pour vous"),
        say(lang, "Questions to use", "Questions à poser"),
    )
