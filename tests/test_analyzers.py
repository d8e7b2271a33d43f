"""Analyzers on hand-built conversations: every number is worked out by hand."""

import pytest

from rehearse import plugins
from rehearse.analyzers import base as analysis
from rehearse.conversation import union_length
from rehearse.testing import from_turns as conversation


def run(conv, name, **options):
    analyzer = plugins.analyzers()[name]
    return analyzer.analyze(conv, {**analyzer.defaults(), **options}, "en")


def test_union_length_counts_overlap_once():
    assert union_length([(0, 2), (1, 3), (5, 6)]) == pytest.approx(4.0)
    assert union_length([]) == 0.0


def test_talk_time_shares_and_silence():
    conv = conversation(("A", 0, 6, "I talk for six seconds here."), ("B", 8, 10, "Then me."))
    conv.duration = 12.0
    result = run(conv, "talk_time")
    assert result["speakers"]["A"] == {"talk_time": 6.0, "share": 0.75, "uncertain_share": 0.0}
    assert result["speakers"]["B"] == {"talk_time": 2.0, "share": 0.25, "uncertain_share": 0.0}
    assert result["silence_share"] == pytest.approx(4 / 12, abs=1e-4)
    assert result["advice"] == [], "the share is judged by the situation's target, not by the analyzer"


def test_talk_time_single_channel_gives_no_ratio():
    conv = conversation(("S1", 0, 4, "Hello there, how are you?"), attribution="single")
    result = run(conv, "talk_time")
    assert "could not be separated" in result["summary"]
    assert result["advice"] == []


def test_successful_interruption():
    conv = conversation(
        ("A", 0.0, 5.0, "I wanted to work on bigger problems and the company was"),
        ("B", 4.2, 7.0, "Did you discuss that with your manager?"),
    )
    result = run(conv, "interruptions")
    assert [(e["by"], e["of"], e["kind"], e["time"]) for e in result["events"]] == [
        ("B", "A", "successful", 4.2)
    ]
    assert result["events"][0]["overlap"] == pytest.approx(0.8)
    assert result["approximate"] is False


def test_unsuccessful_interruption_keeps_the_floor_with_the_speaker():
    conv = conversation(
        ("A", 0.0, 6.0, "I try to listen first and then we look at the data together."),
        ("B", 1.6, 2.4, "But what if"),
    )
    result = run(conv, "interruptions")
    assert [(e["by"], e["kind"]) for e in result["events"]] == [("B", "unsuccessful")]
    assert [t.speaker for t in conv.turns] == ["A"], "a failed attempt does not take the floor"


def test_backchannel_is_not_an_interruption():
    conv = conversation(
        ("A", 0.0, 10.0, "I led a team of four people and we rebuilt the billing system."),
        ("B", 4.0, 4.6, "Mm-hmm."),
        ("B", 11.0, 13.0, "Why did you leave?"),
    )
    result = run(conv, "interruptions")
    assert result["events"] == []
    assert [b["text"] for b in result["backchannels"]] == ["Mm-hmm."]
    assert [t.speaker for t in conv.turns] == ["A", "B"]


def test_terminal_overlap_is_not_an_interruption():
    conv = conversation(
        ("A", 0.0, 4.0, "That is all I wanted to say."),
        ("B", 3.7, 6.0, "Thank you, that helps a lot."),
    )
    result = run(conv, "interruptions")
    assert result["events"] == [] and result["terminal_overlaps"] == 1


def test_short_overlap_on_unfinished_words_is_an_interruption():
    conv = conversation(
        ("A", 0.0, 4.0, "That is what I wanted to say because"),
        ("B", 3.7, 6.0, "Sure, but let me ask something else."),
    )
    assert [e["kind"] for e in run(conv, "interruptions")["events"]] == ["successful"]


def test_without_overlap_data_an_unfinished_turn_cut_short_is_approximate():
    conv = conversation(
        ("A", 0.0, 4.0, "I was going to say that the main reason is"),
        ("B", 4.1, 6.0, "Okay, next question then."),
        ("A", 7.0, 9.0, "Fine, I understand."),
        ("B", 9.1, 11.0, "Good, thank you."),
        attribution="transcript",
    )
    result = run(conv, "interruptions")
    assert [(e["by"], e["time"], e["approximate"]) for e in result["events"]] == [("B", 4.1, True)]
    assert "approximate" in result["summary"]


def test_interruptions_need_separated_speakers():
    conv = conversation(("S1", 0, 4, "Hello."), attribution="single")
    assert run(conv, "interruptions")["available"] is False


def test_monologue_threshold_and_backchannels_do_not_break_a_turn():
    conv = conversation(
        ("A", 0.0, 50.0, "First part of a very long answer about my career so far."),
        ("B", 30.0, 30.5, "Oui."),
        ("A", 50.2, 100.0, "And it goes on and on about every single project I did."),
        ("B", 101.0, 104.0, "Thanks, and why did you leave?"),
        ("A", 105.0, 120.0, "Because I wanted to grow."),
    )
    result = run(conv, "monologues")
    assert result["longest"]["A"]["start"] == 0.0
    assert result["longest"]["A"]["duration"] == pytest.approx(100.0)
    assert [m["start"] for m in result["items"]] == [0.0]
    assert result["items"][0]["first_words"].startswith("First part")
    assert run(conv, "monologues", threshold=10.0)["items"][1]["start"] == 105.0


def test_questions_per_speaker_from_a_conversation():
    conv = conversation(
        ("A", 0, 3, "Bonjour. Pourquoi avez-vous choisi ce poste ?"),
        ("B", 4, 8, "Parce que j'aime les gens. Est-ce que l'équipe est grande ?"),
        language="fr",
    )
    result = run(conv, "questions")
    assert [(q["speaker"], q["kind"]) for q in result["items"]] == [("A", "open"), ("B", "closed")]
    assert result["items"][0]["text"] == "Pourquoi avez-vous choisi ce poste ?"
    # A asks in the first third of the 8 s, B in the last one.
    assert result["by_speaker"] == {
        "A": {"open": 1, "closed": 0, "by_third": [1, 0, 0]},
        "B": {"open": 0, "closed": 1, "by_third": [0, 0, 1]},
    }


class Exploding(analysis.Analyzer):
    name = "exploding"
    title = "Exploding"

    def analyze(self, conversation, options, lang):
        raise RuntimeError("boom")


def test_a_failing_analyzer_does_not_sink_the_others():
    conv = conversation(("A", 0, 3, "Hello."), ("B", 4, 6, "Hi."))
    found = {"exploding": Exploding(), "talk_time": plugins.analyzers()["talk_time"]}
    results = analysis.run(conv, found, analysis.parse_settings([], found), "en")
    assert results["exploding"]["error"] == "RuntimeError: boom"
    assert results["talk_time"]["speakers"]["A"]["talk_time"] == 3.0


@pytest.mark.parametrize(
    "assignment, message",
    [
        ("monologues.threshold=abc", "expected a number"),
        ("nope.threshold=1", "no analyzer named 'nope'"),
        ("monologues.nope=1", "has no option 'nope'"),
        ("monologues", "expected analyzer.option=value"),
    ],
)
def test_bad_settings_are_explained(assignment, message):
    from rehearse.errors import OptionError

    with pytest.raises(OptionError, match=message):
        analysis.parse_settings([assignment], plugins.analyzers())


def test_settings_are_typed_from_defaults():
    settings = analysis.parse_settings(
        ["monologues.threshold=60", "interruptions.context_words=3"], plugins.analyzers()
    )
    assert settings["monologues"]["threshold"] == 60.0
    assert settings["interruptions"]["context_words"] == 3
