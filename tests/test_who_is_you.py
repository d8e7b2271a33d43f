"""Who is you: the cues weighed into a guess and its confidence, the note when unsure, and the
questions you were asked never holding your own."""

import json
from dataclasses import replace

import pytest

from conftest import on_a_terminal, run_cli, truth
from rehearse import pipeline, plugins
from rehearse.coaching import you as roles
from rehearse.language import questions
from rehearse.testing import from_turns, run


def words(n: int, word: str) -> str:
    return " ".join([word] * n) + "."


# A job interview as Whisper hears one: the interviewer's welcome comes out as a question, the
# candidate echoes each question before answering ("Why I left?"), and asks two at the end.
# Counting questions, the candidate asks more (6 to 5).
JOB = {
    "en": (
        ("A", 0, 6, "Thanks for coming in today? Tell me about yourself."),
        (
            "B",
            6.5,
            60,
            "Where to start? I have led data teams for six years. Honestly? " + words(100, "data"),
        ),
        ("A", 60.5, 63, "Why did you leave?"),
        ("B", 63.5, 100, "Why I left? The company stopped building things. " + words(80, "build")),
        ("A", 100.5, 103, "How do you handle conflict?"),
        ("B", 103.5, 140, "Conflict? I listen first. " + words(80, "listen")),
        ("A", 140.5, 143, "Do you have any questions for us?"),
        ("B", 143.5, 150, "Yes. What does a typical day look like?"),
        ("A", 150.5, 160, "Meetings in the morning, then focused work."),
        ("B", 160.5, 165, "Is the team remote?"),
        ("A", 165.5, 168, "Mostly remote."),
        ("B", 168.5, 171, "Thank you for your time."),
    ),
    "fr": (
        ("A", 0, 6, "Merci d'être venu ? Présentez-vous."),
        (
            "B",
            6.5,
            60,
            "Par où commencer ? J'ai dirigé des équipes pendant six ans. Franchement ? "
            + words(100, "données"),
        ),
        ("A", 60.5, 63, "Pourquoi avez-vous quitté votre poste ?"),
        (
            "B",
            63.5,
            100,
            "Pourquoi je suis parti ? L'entreprise ne construisait plus rien. " + words(80, "produit"),
        ),
        ("A", 100.5, 103, "Comment gérez-vous les conflits ?"),
        ("B", 103.5, 140, "Les conflits ? J'écoute d'abord. " + words(80, "écoute")),
        ("A", 140.5, 143, "Avez-vous des questions pour nous ?"),
        ("B", 143.5, 150, "Oui. Comment se passe une journée type ?"),
        ("A", 150.5, 160, "Des réunions le matin, puis du travail au calme."),
        ("B", 160.5, 165, "L'équipe travaille-t-elle à distance ?"),
        ("A", 165.5, 168, "Surtout à distance."),
        ("B", 168.5, 171, "Merci beaucoup pour votre temps."),
    ),
}

# The user (A) interviews a hiring manager: A asks, B answers at length and offers more questions.
REVERSE = {
    "en": (
        ("A", 0, 5, "Thanks for making time for me. How much autonomy does the team have?"),
        ("B", 5.5, 40, "A lot. " + words(70, "autonomy")),
        ("A", 40.5, 43, "How does the team communicate?"),
        ("B", 43.5, 80, "Mostly in writing. " + words(70, "writing")),
        ("A", 80.5, 84, "How do you bring out the best in people?"),
        ("B", 84.5, 120, words(70, "coaching") + " Any other questions for me?"),
        ("A", 120.5, 123, "What are the next steps?"),
        ("B", 123.5, 128, "We will call you next week."),
    ),
    "fr": (
        ("A", 0, 5, "Merci de prendre le temps. Quelle autonomie a l'équipe ?"),
        ("B", 5.5, 40, "Beaucoup. " + words(70, "autonomie")),
        ("A", 40.5, 43, "Comment l'équipe communique-t-elle ?"),
        ("B", 43.5, 80, "Surtout par écrit. " + words(70, "écrit")),
        ("A", 80.5, 84, "Comment faites-vous progresser chacun ?"),
        ("B", 84.5, 120, words(70, "accompagnement") + " Avez-vous d'autres questions ?"),
        ("A", 120.5, 123, "Quelles sont les prochaines étapes ?"),
        ("B", 123.5, 128, "Nous vous rappelons la semaine prochaine."),
    ),
}

# Two people chatting: one question each way, about the same talk time.
AMBIGUOUS = (
    ("A", 0, 20, "I think the market moved a lot this year. " + words(30, "market")),
    ("B", 20.5, 40, "Yes, and the teams changed too. " + words(30, "team")),
    ("A", 40.5, 43, "What do you make of it?"),
    ("B", 43.5, 50, "It depends on the team. " + words(10, "team")),
    ("A", 50.5, 55, "Why do you say that?"),
    ("B", 55.5, 62, "Because budgets moved. How about you?"),
    ("A", 62.5, 80, "Same here. " + words(30, "same")),
)


def chat(turns, profile=None, language="en"):
    conv = from_turns(*turns, language=language)
    conv.profile = profile
    return conv


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_job_interview_coaches_the_candidate_though_the_candidate_asked_more_questions(lang):
    conv = chat(JOB[lang], "job-interview", lang)
    asked = [q.speaker for q in questions.find(conv)]
    assert asked.count("B") > asked.count("A"), "counting questions alone takes B for the interviewer"
    focus = roles.you(conv)
    assert (focus.speaker, focus.source) == ("B", "profile")
    assert focus.sure and focus.confidence > 0.95
    cues = {c.name: c for c in focus.cues}
    assert {name for name, c in cues.items() if c.favours == "B"} == {
        "asks",
        "answers",
        "talk",
        "opens",
        "offers",
        "thanks",
    }
    # Only the questions that hand the floor over count, the late ones for less.
    assert cues["asks"].values["B"] < cues["asks"].values["A"] < 4
    note = roles.focus_note(conv, focus, lang)
    taken = {"en": "B is taken to be you", "fr": "rehearse considère que B est vous"}[lang]
    assert note.startswith(taken) and "--me A" in note


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("profile", ["reverse", "informational", "client-discovery"])
def test_where_the_user_asks_the_asker_is_you(lang, profile):
    focus = roles.you(chat(REVERSE[lang], profile, lang))
    assert (focus.speaker, focus.source) == ("A", "profile")
    assert focus.sure


# A panel: two interviewers take turns asking, the candidate answers them both.
PANEL = (
    ("A", 0, 5, "Thanks for coming in. Tell me about yourself."),
    ("C", 5.5, 40, "I lead a data team. " + words(60, "data")),
    ("B", 40.5, 43, "Why did you choose data engineering?"),
    ("C", 43.5, 80, "Because I like building things. " + words(60, "build")),
    ("A", 80.5, 83, "How do you handle a late project?"),
    ("C", 83.5, 120, "I cut scope early. " + words(60, "scope")),
    ("B", 120.5, 124, "What would your team say about you?"),
    ("C", 124.5, 150, "That I listen. " + words(40, "listen")),
)


@pytest.mark.parametrize("profile, you", [("job-interview", "C"), ("reverse", None)])
def test_in_a_panel_the_one_every_interviewer_asks_is_the_candidate(profile, you):
    conv = chat(PANEL, profile)
    focus = roles.you(conv)
    if you:
        assert focus.speaker == you and focus.sure
        note = roles.focus_note(conv, focus, "en")
        assert "--me A or B says otherwise" in note
        assert roles.answering(conv) == ["C"]
    else:  # the user asks: one of the two interviewers, but neither stands out
        assert focus.speaker in {"A", "B"} and not focus.sure


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_same_job_interview_practised_as_a_reverse_one_makes_the_other_speaker_you(lang):
    assert roles.you(chat(JOB[lang], "job-interview", lang)).speaker == "B"
    assert roles.you(chat(JOB[lang], "reverse", lang)).speaker == "A"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_unsure_cues_give_a_guess_the_report_calls_one(lang):
    conv = chat(AMBIGUOUS, "job-interview")
    focus = roles.you(conv)
    assert focus.speaker == "B" and focus.source == "profile"
    assert 0.5 < focus.confidence < roles.SURE_FROM and not focus.sure
    note = roles.focus_note(conv, focus, lang)
    assert note.startswith(("Only a guess", "Simple supposition")) and "--me A" in note
    assert roles.certainty(focus, lang) in note


def test_cues_that_cancel_out_guess_nobody():
    conv = chat((("A", 0, 2, "Hello there."), ("B", 2.5, 4.5, "Hello there.")), "job-interview")
    focus = roles.you(conv)
    assert focus.speaker is None and focus.source is None and focus.cues
    assert "cancel out" in roles.focus_note(conv, focus, "en")
    assert roles.coached(conv) == ["A", "B"]


def test_without_a_situation_the_default_one_guesses_as_an_explicit_one_does():
    told = roles.you(chat(JOB["en"], "job-interview"))
    assert told.speaker == "B" and told.sure
    assert roles.you(chat(JOB["en"])) == told
    assert roles.coached(chat(JOB["en"])) == ["B"]
    assert roles.answering(chat(JOB["en"])) == ["B"]


def test_an_unsure_guess_still_names_the_likely_candidate():
    focus = roles.you(chat(AMBIGUOUS))
    assert focus.speaker and not focus.sure, "both ask and answer alike"
    assert roles.coached(chat(AMBIGUOUS)) == roles.answering(chat(AMBIGUOUS)) == [focus.speaker]


def test_being_told_wins_over_any_cue():
    conv = chat(JOB["en"], "job-interview")
    conv.me = {"speaker": "A", "source": "option"}
    assert roles.you(conv) == roles.Focus("A", "option", 1.0)
    assert roles.answering(conv) == ["A"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("profile", [None, "job-interview"])
def test_questions_you_were_asked_never_hold_your_own(lang, profile):
    section = run("asked", chat(JOB[lang], profile, lang), lang)
    assert section["items"] and {i["asked_by"] for i in section["items"]} == {"A"}
    assert {i["speaker"] for i in section["items"]} == {"B"}


def test_in_a_reverse_interview_your_questions_to_the_manager_are_not_questions_you_were_asked():
    section = run("asked", chat(REVERSE["en"], "reverse"))
    assert [(i["asked_by"], i["question"]) for i in section["items"]] == [
        ("B", "Any other questions for me?")
    ]


def test_advice_speaks_to_the_likely_candidate_whoever_else_is_there():
    turns = (("A", 0, 3, "Tell me about a project you led."), ("B", 9, 10, "It was fine."))
    three = (*turns, ("C", 11, 13, "Shall we go on?"))
    assert roles.you(chat(three)).speaker == "B"
    assert run("asked", chat(three))["advice"][0].startswith("Practise the questions that threw you:")
    assert run("asked", chat(turns))["advice"][0].startswith("Practise the questions that threw you:")
    assert run("asked", chat(turns, "job-interview"))["advice"][0].startswith(
        "Practise the questions that threw you:"
    )


def test_the_report_shows_how_sure_and_from_which_cues():
    conv = chat(AMBIGUOUS, "job-interview")
    results = {name: run(name, conv) for name in plugins.analyzers()}
    coaching = pipeline.coaching(conv, results, pipeline.Options(), "en")
    assert (coaching["you"], coaching["you_source"]) == ("B", "profile")
    assert coaching["you_confidence"] == pytest.approx(roles.you(conv).confidence, abs=1e-3)
    cues = {c["cue"]: c for c in coaching["you_cues"]}
    assert set(cues) == set(roles.WEIGHTS["job-interview"])
    assert cues["asks"]["favours"] == "B" and cues["talk"]["favours"] == "A"
    assert set(cues["talk"]["values"]) == {"A", "B"} and cues["talk"]["log_odds"] > 0
    assert coaching["note"].startswith("Only a guess")
    default = pipeline.coaching(chat(AMBIGUOUS), results, pipeline.Options(), "en")
    assert (default["profile"], default["profile_given"]) == ("job-interview", False)
    assert {k: default[k] for k in ("you", "you_confidence", "you_cues")} == {
        k: coaching[k] for k in ("you", "you_confidence", "you_cues")
    }
    assert default["note"].startswith("Coached as a job interview") and "Only a guess" in default["note"]


@pytest.mark.parametrize("name", ["en-interview", "fr-interview"])
def test_the_scripted_interviews_coach_the_candidate(name):
    # Functional check on the fixtures' scripts: S2 interviews, S1 answers and asks at the end.
    script = truth(name)
    conv = chat(
        [(t["speaker"], t["start"], t["end"], t["text"]) for t in script["turns"]],
        language=script["language"],
    )
    assert roles.answering(conv) == ["S1"]
    assert {i["asked_by"] for i in run("asked", conv)["items"]} == {"S2"}
    conv.profile = "job-interview"
    focus = roles.you(conv)
    assert focus.speaker == "S1" and focus.sure


def transcript(write_json, turns):
    return str(
        write_json(
            {
                "speakers": ["A", "B"],
                "turns": [{"speaker": s, "start": a, "end": b, "text": t} for s, a, b, t in turns],
            }
        )
    )


def test_on_a_terminal_an_unsure_guess_is_offered_and_a_sure_one_not_asked(write_json):
    unsure = on_a_terminal(
        "analyze", "--transcript", transcript(write_json, AMBIGUOUS), "--profile", "job-interview"
    )
    assert "Which speaker is you? (Enter keeps the guess" in unsure
    assert "Guess: 2, " in unsure and "asked fewer questions" in unsure
    sure = on_a_terminal(
        "analyze", "--transcript", transcript(write_json, JOB["en"]), "--profile", "job-interview"
    )
    assert "Which speaker is you?" not in sure and "You are" not in sure


def test_off_a_terminal_the_report_says_it_guessed_and_how_to_correct_it(write_json):
    result = run_cli(
        "analyze",
        "--transcript",
        transcript(write_json, AMBIGUOUS),
        "--profile",
        "job-interview",
        "-f",
        "json",
    )
    assert result.returncode == 0, result.stderr
    coaching = json.loads(result.stdout)["coaching"]
    assert coaching["you"] == "B" and coaching["you_confidence"] < roles.SURE_FROM
    assert "--me A" in coaching["note"]


def test_a_voice_print_match_is_as_sure_as_the_match_says():
    conv = chat(JOB["en"], "job-interview")
    conv.me = {"speaker": "A", "source": "voiceprint", "confidence": 0.97}
    assert roles.you(conv) == roles.Focus("A", "voiceprint", 0.97) and roles.you(conv).sure
    assert roles.focus_note(conv, roles.you(conv), "en") is None
    conv.me = {"speaker": "A", "source": "voiceprint", "confidence": 0.7}
    assert not roles.you(conv).sure
    note = roles.focus_note(conv, roles.you(conv), "en")
    assert note.startswith("Your voice print matched A, but only 70% sure") and "--me B" in note


def test_a_question_timed_a_little_before_its_turn_still_counts():
    # Whisper often times a question's first word before the voice activity the turns are built
    # from (0.76 s against 0.96 s): the question belongs to the turn that holds most of it.
    on_time = roles.you(chat(JOB["en"], "job-interview"))
    conv = chat(JOB["en"], "job-interview")
    conv.turns = [replace(t, start=t.start + 0.2) if t.speaker == "A" else t for t in conv.turns]
    late = roles.you(conv)
    asks = {c.name: c for c in late.cues}["asks"]
    assert asks.values == {c.name: c for c in on_time.cues}["asks"].values and asks.values["A"] > 1
    assert late.speaker == "B" and late.sure


def test_the_report_says_why_the_live_cues_heard_other_voices(tmp_path):
    from rehearse.conversation import Attribution
    from rehearse.recording import sidecar

    audio = tmp_path / "session.wav"
    note = lambda source, me: pipeline._live_cues_note(sidecar.read(audio), source, me, "en")  # noqa: E731
    assert note(Attribution.SINGLE, {}) is None, "no sidecar: not recorded by rehearse"
    sidecar.write_json_atomically(sidecar.path(audio), {"live_talk": [42.0, 58.0], "live_by_voice": True})
    said = note(Attribution.SINGLE, {})
    assert (
        said.startswith("While recording, the live cues gave you 42% of the speech")
        and "one voice only" in said
    )
    assert "no speaker clearly like your voice print" in note(Attribution.VOICES, {"speaker": None})
    assert note(Attribution.VOICES, {"speaker": "S1", "source": "voiceprint"}) is None, "they agree"
    sidecar.write_json_atomically(sidecar.path(audio), {"live_talk": [42.0, 0.5], "live_by_voice": True})
    assert note(Attribution.SINGLE, {}) is None, "the cues heard one voice too"
    for hostile in ([float("inf"), 3.0], [float("nan"), 3.0], ["42", 58], [True, 58], {"a": 1}):
        sidecar.write_json_atomically(sidecar.path(audio), {"live_talk": hostile, "live_by_voice": True})
        assert note(Attribution.SINGLE, {}) is None, hostile
    sidecar.write_json_atomically(sidecar.path(audio), {"live_talk": [42.0, 58.0], "live_by_voice": False})
    assert note(Attribution.SINGLE, {}) is None, "two mics: the cues are per channel, as the analysis"
