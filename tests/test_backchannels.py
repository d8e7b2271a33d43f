"""Backchannels by their shape as well as by their words.

A word or two said inside the other's speech, while they carry on, only signals listening
(Schegloff 1982; Ward & Tsukahara 2000), whatever Whisper heard: on the real CALLFRIEND call of
the accuracy suite, speaker#2's "I know." inside speaker#1's turn is written "No?", which the
word lists alone took for an interruption. The real pipeline runs once per input (two channels,
and the same with 15% crosstalk); the misheard words are then put into its saved report, and the
report analysed again, as ``rehearse analyze --transcript`` does.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, run_cli, write_wav
from rehearse import pipeline, plugins
from rehearse import report as report_module
from rehearse.audio import decode
from rehearse.diarization import scoring
from rehearse.language import questions
from rehearse.testing import from_turns

sys.path.insert(0, str(ROOT / "benchmarks"))
from accuracy import REACH, annotated_events  # noqa: E402
from corpus import sources  # noqa: E402

from test_real_speech import _source  # noqa: E402

OPTIONS = pipeline.Options(language="en", use_voiceprint=False)  # as the accuracy suite runs it
LEAK, LATE = 0.15, 0.003  # each side on the other mic at 15% (-16 dB), 3 ms late: the suite's case


def _interruptions(conversation):
    analyzer = plugins.analyzers()["interruptions"]
    return analyzer.analyze(conversation, analyzer.defaults(), "en")


# --- The rule, on hand-built conversations ----------------------------------------------------


def test_two_words_of_no_continuer_inside_a_long_turn_are_a_backchannel():
    conv = from_turns(
        ("A", 0.0, 10.0, "I led a team of four people and we rebuilt the billing system from scratch."),
        ("B", 4.0, 4.6, "Banana split?"),
        ("B", 11.0, 13.0, "Why did you leave?"),
    )
    assert [u.text for u in conv.utterances if u.backchannel] == ["Banana split?"]
    result = _interruptions(conv)
    assert result["events"] == []
    assert [b["text"] for b in result["backchannels"]] == ["Banana split?"]
    assert [q.text for q in questions.find(conv)] == ["Why did you leave?"]
    assert [t.speaker for t in conv.turns] == ["A", "B"]


def test_a_cut_in_of_five_words_after_which_the_other_stops_is_an_interruption():
    conv = from_turns(
        ("A", 0.0, 5.0, "I wanted to work on bigger problems and the company was"),
        ("B", 4.2, 6.0, "Did you tell your manager?"),
    )
    assert not any(u.backchannel for u in conv.utterances)
    assert [(e["by"], e["kind"]) for e in _interruptions(conv)["events"]] == [("B", "successful")]


def test_two_words_the_other_stops_for_take_the_floor():
    """The same two words as a backchannel, but the other falls silent while they are said and
    answers them: with a mic each that is seen, and it is an interruption."""
    conv = from_turns(
        ("A", 0.0, 4.5, "I wanted to work on bigger problems and the company was"),
        ("B", 4.2, 4.8, "Banana split?"),
        ("A", 5.0, 7.0, "Yes, with cream, thank you."),
    )
    assert not any(u.backchannel for u in conv.utterances)
    assert [(e["by"], e["kind"]) for e in _interruptions(conv)["events"]] == [("B", "successful")]


def test_why_after_which_the_other_stops_and_answers_is_a_question_not_a_backchannel():
    conv = from_turns(
        ("A", 0.0, 4.5, "So after two years I decided to leave the company."),
        ("B", 4.2, 4.7, "Why?"),
        ("A", 5.0, 8.0, "Because the team I built was closing down."),
    )
    assert not any(u.backchannel for u in conv.utterances)
    assert [q.text for q in questions.find(conv)] == ["Why?"]


def test_a_why_or_but_what_if_the_other_talks_over_is_still_an_attempt_to_cut_in():
    """A question word asks for the floor however short: talked over, it is an unsuccessful
    interruption, as before backchannels were told by their shape."""
    for said in ("Why?", "But what if"):
        conv = from_turns(
            ("A", 0.0, 6.0, "I try to listen first and then we look at the data together."),
            ("B", 1.6, 2.2, said),
        )
        assert not any(u.backchannel for u in conv.utterances), said
        assert [(e["by"], e["kind"]) for e in _interruptions(conv)["events"]] == [("B", "unsuccessful")]


def test_from_one_mic_a_word_between_two_pieces_of_one_sentence_is_a_backchannel():
    """Diarized speech never overlaps: the other carries on when their sentence, left unfinished
    before it, goes on right after it. After a finished sentence, two words are a turn."""
    carried = from_turns(
        ("A", 0.0, 4.0, "Everyone tells you, you don't know,"),
        ("B", 4.1, 4.5, "No?"),
        ("A", 4.6, 8.0, "and so you don't even know that you don't know."),
        attribution="voices",
    )
    assert [u.text for u in carried.utterances if u.backchannel] == ["No?"]
    assert _interruptions(carried)["events"] == []
    answered = from_turns(
        ("A", 0.0, 2.0, "He's hilarious."),
        ("B", 2.1, 2.8, "He's great."),
        ("A", 3.0, 5.0, "He is really a trip, you know."),
        attribution="voices",
    )
    assert not any(u.backchannel for u in answered.utterances)


# --- The real call, through the real pipeline -------------------------------------------------


@dataclass
class Saved:
    report: dict  # the saved report of the call, as `rehearse analyze --format json` writes it
    speaker2: str  # the id rehearse gave speaker#2 of the annotations


@pytest.fixture(scope="module", params=["two channels", "15% crosstalk"])
def saved(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Saved:
    know = _source(sources.transcriber_example, "know")
    stereo = decode.load(know.audio).samples
    if request.param == "15% crosstalk":
        late = int(LATE * decode.SAMPLE_RATE)
        stereo = stereo + LEAK * np.pad(stereo[::-1], ((0, 0), (late, 0)))[:, : stereo.shape[1]]
    path = tmp_path_factory.mktemp("call") / "call.wav"
    write_wav(path, stereo.T)
    conversation = pipeline.transcribe_recording(path, OPTIONS)
    mapping = scoring.score(know.reference, conversation.segments).mapping
    (speaker2,) = [mine for mine, theirs in mapping.items() if theirs == "speaker#2"]
    report = json.loads(
        json.dumps(pipeline.analyze(conversation, OPTIONS), default=report_module.json_default)
    )
    return Saved(report, speaker2)


def _heard_as(saved: Saved, text: str) -> dict:
    """The saved report with speaker#2's words inside the annotated backchannel replaced by
    ``text``, spread over the utterance rehearse found there."""
    (said,) = [e for e in annotated_events("know") if e.kind == "backchannel"]
    report = saved.report
    (there,) = [
        u
        for u in report["utterances"]
        if u["speaker"] == saved.speaker2 and said.start <= u["start"] <= said.end
    ]
    pieces = text.split()
    step = (there["end"] - there["start"]) / len(pieces)
    words = [
        w
        for w in report["words"]
        if not (w["speaker"] == saved.speaker2 and said.start <= w["start"] <= said.end)
    ]
    words += [
        {
            "speaker": saved.speaker2,
            "start": round(there["start"] + k * step, 3),
            "end": round(there["start"] + (k + 1) * step, 3),
            "text": " " + piece,
            "probability": 0.9,
        }
        for k, piece in enumerate(pieces)
    ]
    return {**report, "words": sorted(words, key=lambda w: w["start"])}


def _only_the_annotated_interruption(events: list[dict], speaker2: str) -> None:
    (cut_in,) = [e for e in annotated_events("know") if e.kind == "interruption"]
    assert [e["by"] for e in events] == [speaker2], events
    assert cut_in.start - REACH <= events[0]["time"] <= cut_in.end + REACH, events


@pytest.mark.e2e
@pytest.mark.parametrize("heard", ["I know.", "No?", "Banana.", "Banana split?"])
def test_the_backchannel_of_the_call_however_heard_is_no_interruption(saved, heard, tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(_heard_as(saved, heard)))
    conversation = report_module.load(path)
    report = pipeline.analyze(conversation, OPTIONS)
    _only_the_annotated_interruption(report["analyzers"]["interruptions"]["events"], saved.speaker2)
    (said,) = [e for e in annotated_events("know") if e.kind == "backchannel"]
    marked = [u for u in conversation.utterances if u.backchannel and u.speaker == saved.speaker2]
    assert [u.text for u in marked if said.start <= u.start <= said.end] == [heard]
    assert not [q for q in questions.find(conversation) if said.start <= q.start <= said.end]


@pytest.mark.e2e
def test_a_why_in_the_same_place_is_still_an_attempt_to_cut_in(saved, tmp_path):
    """The control: the place alone does not make a backchannel; a bid for the floor said there is
    an interruption the other talked over."""
    path = tmp_path / "report.json"
    path.write_text(json.dumps(_heard_as(saved, "Why?")))
    events = pipeline.analyze(report_module.load(path), OPTIONS)["analyzers"]["interruptions"]["events"]
    assert [(e["by"], e["kind"]) for e in events[1:]] == [(saved.speaker2, "unsuccessful")]
    _only_the_annotated_interruption(events[:1], saved.speaker2)


@pytest.mark.e2e
def test_the_saved_report_analysed_again_from_the_command_line(saved):
    """The user's own path: `rehearse analyze --transcript` on the report with "No?" in it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.json"
        path.write_text(json.dumps(_heard_as(saved, "No?")))
        result = run_cli("analyze", "--transcript", str(path), "--format", "json", "--no-save")
    assert result.returncode == 0, result.stderr
    section = json.loads(result.stdout)["analyzers"]["interruptions"]
    _only_the_annotated_interruption(section["events"], saved.speaker2)
    assert "No?" in [b["text"] for b in section["backchannels"]]
