"""The coaching analyzers, who the report coaches, and the targets: every number worked out by hand."""

import pytest

from rehearse import pipeline, plugins
from rehearse.coaching import scorecard as coach
from rehearse.coaching import you as roles
from rehearse.errors import OptionError
from rehearse.renderers import base as rendering
from rehearse.testing import from_turns as conversation
from rehearse.testing import run


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n) + "."


def test_pace_per_speaker_and_minute_by_minute():
    # No questions and as much talk each: the cues cancel out, so nobody is guessed to be you.
    conv = conversation(("A", 0, 60, words(200)), ("B", 60.5, 120.5, words(60)))
    assert roles.you(conv).speaker is None
    result = run("pace", conv)
    assert result["by_speaker"]["A"]["wpm"] == 200.0
    assert result["by_speaker"]["B"]["wpm"] == 60.0
    assert [(p["start"], p["wpm"]) for p in result["by_speaker"]["A"]["timeline"]] == [(0.0, 200.0)]
    # B's second minute holds 59.5 s of the 60 s B spoke, and 60 words: 60.5 a minute.
    assert [(p["start"], p["wpm"]) for p in result["by_speaker"]["B"]["timeline"]] == [(60.0, 60.5)]
    assert len(result["advice"]) == 2, "one too fast, one too slow; nobody is known to be 'you'"


def test_pace_needs_enough_talk():
    conv = conversation(("A", 0, 5, words(20)), ("B", 5.5, 30, words(60)))
    assert run("pace", conv)["by_speaker"]["A"]["wpm"] is None


def test_fillers_counted_per_word_and_minute():
    conv = conversation(
        ("A", 0, 10, "Um, so I, like, worked there, you know. I mean it was fine."),
        ("B", 11, 15, "I like apples and this kind of job."),
    )
    result = run("fillers", conv)
    a = result["by_speaker"]["A"]
    assert (a["count"], a["words"]) == (4, 13)
    assert a["share"] == pytest.approx(4 / 13, abs=1e-4)
    assert a["per_minute"] == 24.0
    assert [name for name, _ in a["top"]] == ["um", "like", "you know", "i mean"]
    assert result["by_speaker"]["B"]["count"] == 0, "'like' as a verb and 'this kind of' are not fillers"
    assert len(result["advice"]) == 1 and "“um”" in result["advice"][0]


def test_french_fillers():
    conv = conversation(
        ("A", 0, 5, "Euh, du coup, on a fait ça en fait."), ("B", 6, 8, "Voilà le document."), language="fr"
    )
    result = run("fillers", conv)
    assert result["by_speaker"]["A"]["count"] == 3
    assert result["by_speaker"]["B"]["count"] == 0, "'voilà' opening a sentence is not a filler"


def test_patience_pauses_before_taking_the_floor():
    conv = conversation(
        ("A", 0, 5, "First point made here."),
        ("B", 5.1, 8, "Quick reply there."),
        ("A", 10, 12, "A second point."),
        ("B", 16, 18, "A slow answer."),
        ("A", 18.1, 20, "And a last one."),
    )
    result = run("patience", conv)
    assert result["by_speaker"]["B"] == {"count": 2, "median": 2.05, "mean": 2.05, "quick": 1, "long": 1}
    assert result["by_speaker"]["A"] == {"count": 2, "median": 1.05, "mean": 1.05, "quick": 1, "long": 0}
    assert [(p["time"], p["speaker"], p["pause"]) for p in result["long_pauses"]] == [(12.0, "B", 4.0)]
    assert result["advice"] == []


def test_patience_advises_leaving_a_beat():
    turns = []
    for i in range(4):
        turns += [
            ("A", i * 10, i * 10 + 5, "A question for you?"),
            ("B", i * 10 + 5.05, i * 10 + 9, "My answer."),
        ]
    result = run("patience", conversation(*turns))
    assert result["by_speaker"]["B"]["median"] == 0.05
    assert result["advice"] == [
        "You usually took the floor 0.0 s after the other stopped. Leave a beat (about a second): "
        "it shows you listened, and they may add the most useful part."
    ], "B answers A's questions: the one guessed to be you, and the only one advised"


def test_interactivity_counts_floor_switches():
    conv = conversation(
        ("A", 0, 10, "One."), ("B", 11, 40, "Two."), ("A", 41, 50, "Three."), ("B", 51, 60, "Four.")
    )
    conv.duration = 120.0
    result = run("interactivity", conv)
    assert result["switches"] == 3
    assert result["per_minute"] == 1.5
    # From the last switch (51 s) to the end (120 s).
    assert result["longest_without_switch"] == {"start": 51.0, "duration": 69.0}
    assert result["advice"] == []
    assert run("interactivity", conv, low=2.0)["advice"]


def test_follow_ups_pick_up_the_other_persons_words():
    conv = conversation(
        ("A", 0, 5, "In my last role I led a team of four people."),
        ("B", 5.5, 8, "Why did you leave that role?"),
        ("A", 8.5, 12, "The new management preferred to buy products."),
        ("B", 12.5, 15, "Did you discuss that with your manager?"),
        ("A", 15.5, 18, "Yes, several times."),
        ("B", 18.5, 20, "Do you enjoy sports?"),
    )
    result = run("follow_ups", conv)
    assert [(f["time"], f["picks_up"]) for f in result["items"]] == [(5.5, ["role"]), (12.5, ["manager"])]
    assert result["by_speaker"]["B"] == {"questions": 3, "follow_ups": 2, "share": 0.667}
    assert result["advice"] == []


def test_asked_flags_the_questions_that_threw_you():
    conv = conversation(
        ("A", 0, 3, "Tell me about a project you led."),
        ("B", 7, 9, "It was fine."),
        ("A", 10, 12, "Are you on call?"),
        ("B", 12.5, 20, "Yes, um, well, uh, I am, you know."),
        ("A", 21, 23, "Why did you choose this job?"),
        ("B", 23.5, 60, words(90, "because")),
    )
    result = run("asked", conv)
    items = {i["time"]: i for i in result["items"]}
    assert set(items) == {0.0, 10.0, 21.0}
    assert items[0.0]["latency"] == 4.0 and items[0.0]["flags"] == ["slow_start", "short"]
    assert items[10.0]["fillers"] == 3 and items[10.0]["flags"] == ["fillers"]
    assert items[21.0]["flags"] == [] and items[21.0]["answer_duration"] == 36.5
    assert result["flagged"] == 2
    assert "Tell me about a project you led." in result["advice"][0]


def test_closing_checks_the_end_of_the_conversation_for_you():
    conv = conversation(
        ("A", 0, 100, "Thank you for coming, tell me about yourself."),
        ("B", 101, 140, "Thank you. " + words(40)),
        ("A", 141, 159, "Any questions for me?"),
        ("B", 160, 165, "Thank you for your time. What are the next steps?"),
    )
    conv.duration = 200.0
    conv.profile = "job-interview"
    conv.me = {"speaker": "B", "source": "option"}
    result = run("closing", conv)
    assert result["since"] == 150.0
    assert result["by_speaker"]["B"] == {
        "thanks": True,
        "next_steps": True,
        "feedback": False,
        "referral": False,
    }
    assert result["by_speaker"]["A"]["thanks"] is False, "A's thanks came before the closing"
    assert result["missing"] == ["feedback"] and len(result["advice"]) == 1


INTERVIEW = (
    ("A", 0, 3, "Tell me about yourself."),
    ("B", 3.5, 30, "I build data pipelines."),
    ("A", 30.5, 32, "Why did you leave?"),
    ("B", 32.5, 50, "I wanted bigger problems. What does a typical day look like?"),
    ("A", 50.5, 55, "Meetings, then focused work."),
)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [("job-interview", "B"), ("reverse", "A"), ("informational", "A"), (None, "B")],
)
def test_without_a_voice_print_the_situation_tells_who_you_are(profile, expected):
    conv = conversation(*INTERVIEW)
    conv.profile = profile
    focus = roles.you(conv)
    assert focus.speaker == expected
    assert focus.source == "profile"


def test_the_voice_print_or_me_wins_over_the_situation():
    conv = conversation(*INTERVIEW)
    conv.profile = "job-interview"
    conv.me = {"speaker": "A", "source": "voiceprint"}
    assert roles.you(conv) == roles.Focus("A", "voiceprint")


def test_advice_is_for_you_not_for_the_interviewer():
    conv = conversation(
        ("A", 0.0, 5.0, "I wanted to work on bigger problems and the company was"),
        ("B", 4.2, 7.0, "Did you discuss that with your manager?"),
        ("A", 7.5, 9, "Yes."),
    )
    conv.me = {"speaker": "B", "source": "option"}
    assert run("interruptions", conv)["advice"], "B interrupted, and B is the one coached"
    conv.me = {"speaker": "A", "source": "option"}
    assert run("interruptions", conv)["advice"] == [], "B interrupted, but B is not the one coached"


def scorecard_for(profile, **config):
    conv = conversation(*INTERVIEW)
    conv.profile = profile
    found = plugins.analyzers()
    results = {name: run(name, conv) for name in found}
    options = pipeline.Options(config=config, config_path="rehearse.toml")
    return pipeline.coaching(conv, results, options, "en")


def test_scorecard_judges_your_figures_against_the_profile():
    coaching = scorecard_for("job-interview")
    assert (coaching["profile"], coaching["you"], coaching["you_source"]) == ("job-interview", "B", "profile")
    card = {item["metric"]: item for item in coaching["scorecard"]}
    assert set(card) == set(coach.TARGETS["job-interview"])
    # B talked 26.5 + 17.5 = 44 s, A 3 + 1.5 + 4.5 = 9 s: 83%, over the 80% the candidate may take.
    assert card["talk_share"]["value"] == pytest.approx(44 / 53, abs=1e-3)
    assert card["talk_share"]["status"] == "high"
    assert card["interruptions"]["status"] == "ok" and card["interruptions"]["advice"] is None
    assert card["questions"]["value"] == 1 and card["questions"]["status"] == "low"
    assert card["median_answer"]["value"] == pytest.approx(22.0) and card["median_answer"]["status"] == "low"
    assert card["questions"]["advice"]
    assert coaching["key_metrics"]["questions"] == 1


def test_missed_targets_come_first_in_the_advice():
    coaching = scorecard_for("job-interview")
    report = {"report_language": "en", "coaching": coaching, "analyzers": {}}
    advice = rendering.top_advice(report)
    assert advice[0].startswith("Your talk share: 83% (target 50% – 80%). Listen more")
    assert advice[1].startswith("Your typical answer: 22 s (target 30 s – 2 min).")


def test_config_overrides_targets():
    coaching = scorecard_for("job-interview", profiles={"job-interview": {"questions": {"min": 1}}})
    card = {item["metric"]: item for item in coaching["scorecard"]}
    assert card["questions"]["status"] == "ok"
    assert card["questions"]["source"] == "your setting in rehearse.toml"


@pytest.mark.parametrize(
    ("profiles", "fragment"),
    [
        ({"job": {}}, "[profiles.job]: no such profile"),
        ({"reverse": {"charisma": {"min": 1}}}, "charisma: no such figure"),
        ({"reverse": {"questions": 5}}, "expected { min = N, max = N }"),
        ({"reverse": {"questions": {"least": 5}}}, "expected { min = N, max = N }"),
        ({"reverse": {"questions": {"min": "five"}}}, "expected { min = N, max = N }"),
        ([1, 2], "[profiles] must hold one table per profile"),
    ],
)
def test_bad_target_overrides_are_named(profiles, fragment):
    with pytest.raises(OptionError, match=None) as caught:
        coach.targets("reverse", {"profiles": profiles}, "rehearse.toml")
    assert fragment in str(caught.value)
