"""The terminal report fits the terminal: run in a real pseudo-terminal 60, 80 and 120 columns
wide, no line is wider than the window and no word is cut, in English and in French."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from conftest import on_a_terminal

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
BARS = re.compile(r"^[█░━╸╺ ]+$")

TURNS = {
    "en": [
        ("S2", 0, 6, "Thanks for coming in today. Could you start by telling me about yourself and what brought you here?"),
        ("S1", 6.5, 70, "I have led data engineering teams for six years, first at a bank, then at a start-up "
         "where we rebuilt the whole reporting platform from scratch, which taught me a lot about trade-offs."),
        ("S2", 69, 74, "Why did you decide to leave your last job, and what are you looking for now?"),
        ("S1", 74.5, 130, "The company stopped building new things, and I wanted to keep learning, so I looked "
         "for a team that ships often and measures what it ships."),
        ("S1", 131, 135, "What does a typical week look like for the team?"),
        ("S2", 135.5, 150, "Planning on Monday, then mostly focused work, and a demo on Friday afternoon."),
    ],
    "fr": [
        ("S2", 0, 6, "Merci d'être venu. Pouvez-vous commencer par vous présenter et me dire ce qui vous amène ?"),
        ("S1", 6.5, 70, "J'ai dirigé des équipes de données pendant six ans, d'abord dans une banque, puis dans "
         "une jeune entreprise où nous avons reconstruit toute la plateforme de rapports."),
        ("S2", 69, 74, "Pourquoi avez-vous quitté votre dernier poste, et que cherchez-vous maintenant ?"),
        ("S1", 74.5, 130, "L'entreprise ne construisait plus rien de nouveau et je voulais continuer à apprendre, "
         "alors j'ai cherché une équipe qui livre souvent et mesure ce qu'elle livre."),
        ("S1", 131, 135, "Comment se passe une semaine type pour l'équipe ?"),
        ("S2", 135.5, 150, "Planification le lundi, puis surtout du travail au calme, et une démo le vendredi."),
    ],
}  # fmt: skip


def report_on_a_terminal(write_json, lang: str, columns: int) -> list[str]:
    path = write_json(
        {
            "speakers": ["S1", "S2"],
            "language": lang,
            "turns": [{"speaker": s, "start": a, "end": b, "text": t} for s, a, b, t in TURNS[lang]],
        }
    )
    seen = on_a_terminal(
        "analyze", "--transcript", str(path), "--profile", "job-interview", "--me", "S1", "--no-save",
        columns=columns,
    )  # fmt: skip
    return [line for line in re.split(r"[\r\n]", ESCAPES.sub("", seen)) if line.strip()]


def words(lines: list[str]) -> list[str]:
    """The words shown, bars aside (they shrink with the window)."""
    return sorted(w for line in lines for w in line.split() if not BARS.match(w))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_fits_60_80_and_120_columns_without_cutting_a_word(write_json, lang):
    wide = report_on_a_terminal(write_json, lang, 200)
    assert any("Speaker" in line or "Personne" in line or "Vous" in line or "You" in line for line in wide)
    for columns in (60, 80, 120):
        lines = report_on_a_terminal(write_json, lang, columns)
        too_wide = [line for line in lines if cell_len(line) > columns]
        assert not too_wide, f"{columns} columns: {too_wide[:3]}"
        # Wrapping moves words to other lines but never splits one: the same words, whatever the width.
        assert words(lines) == words(wide), columns
