"""Hedging: "I think maybe", "just", "je pense que", "un petit peu"… per hundred words.

Hedges soften a claim: in an answer, "I think I maybe led the migration" sounds less sure than
"I led the migration". Lakoff named them ("Hedges: a study in meaning criteria and the logic of
fuzzy concepts", Journal of Philosophical Logic 2(4), 1973); listeners judge a speaker who
hedges and hesitates as less competent and less authoritative (Hosman, "The evaluative
consequences of hedges, hesitations, and intensifiers", Human Communication Research 15(3),
1989). No published norm says how much is too much, so the figure is shown and the coached
speaker's hedged sentences quoted, not judged against a target (docs/metrics.md#hedging); a
situation may still set one in rehearse.toml (``hedge_rate``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, TypedDict

from rehearse.analyzers.base import Analyzer, Figure, Moment, Option, Section, figure_labels
from rehearse.coaching import you as roles
from rehearse.conversation import Conversation
from rehearse.hookspecs import hookimpl
from rehearse.i18n import N_, ntr, separated, tenths, tr
from rehearse.language import lexicon

QUOTED_WORDS = 20


class SpeakerHedges(TypedDict):
    count: int
    words: int
    per_100_words: float
    top: list[list[Any]]  # [hedge, times said]


class HedgingSection(Section):
    by_speaker: dict[str, SpeakerHedges]


def _hedge_rate(section: HedgingSection, you: str) -> float | None:
    mine = section["by_speaker"].get(you)
    return mine["per_100_words"] if mine and mine["words"] else None


class Hedging(Analyzer):
    name = "hedging"
    title = N_("Hedging")
    figures = (Figure("hedge_rate", N_("Your hedges per 100 words"), "count", _hedge_rate),)
    options = (
        Option("top", 5, "How many of each speaker's most used hedges to list.", minimum=0, maximum=100),
        Option(
            "moments",
            5,
            "How many of the coached speaker's hedged sentences to quote.",
            minimum=0,
            maximum=100,
        ),
    )

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> HedgingSection:
        named = figure_labels(conversation)
        coached = set(roles.coached(conversation))
        by_speaker: dict[str, SpeakerHedges] = {}
        moments: list[Moment] = []
        for speaker in named:
            said = [u for u in conversation.utterances if u.speaker == speaker and not u.backchannel]
            found: Counter[str] = Counter()
            for u in said:
                here = lexicon.hedges(u.text, conversation.language)
                found.update(here)
                if here and speaker in coached and len(moments) < int(options["moments"]):
                    quoted = u.text.split()
                    text = " ".join(quoted[:QUOTED_WORDS]) + ("…" if len(quoted) > QUOTED_WORDS else "")
                    moments.append(
                        {"time": u.start, "speaker": speaker, "label": ", ".join(here), "text": text}
                    )
            words = sum(len(u.words) for u in said)
            count = sum(found.values())
            by_speaker[speaker] = {
                "count": count,
                "words": words,
                "per_100_words": round(100 * count / words, 1) if words else 0.0,
                "top": [[name, n] for name, n in found.most_common(int(options["top"]))],
            }
        summary = separated(
            lang,
            [
                ntr(
                    lang,
                    "{who}: {count} hedge, {rate} per 100 words",
                    "{who}: {count} hedges, {rate} per 100 words",
                    v["count"],
                    who=named[s],
                    rate=tenths(v["per_100_words"], lang),
                )
                + (" (" + ", ".join(f"{name} ×{n}" for name, n in v["top"]) + ")" if v["top"] else "")
                for s, v in by_speaker.items()
                if v["words"]
            ],
        ) or tr(lang, "No words to count.")
        return {"by_speaker": by_speaker, "moments": moments, "summary": summary, "advice": []}


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register(Hedging())
