"""The command line as a user meets it: one clear line on bad input, never a traceback."""

import json
import wave

import numpy as np
import pytest

from conftest import ROOT, on_a_terminal, run_cli

MINIMAL = {
    "speakers": ["Alice", "Bob"],
    "turns": [
        {"speaker": "Alice", "start": 0.0, "end": 4.0, "text": "Hello. Why did you apply for this role?"},
        {
            "speaker": "Bob",
            "start": 4.5,
            "end": 30.0,
            "text": "Because I like building things that people use.",
        },
        {"speaker": "Alice", "start": 30.5, "end": 33.0, "text": "Do you enjoy working in a team?"},
        {"speaker": "Bob", "start": 33.5, "end": 35.0, "text": "Yes."},
    ],
}


def assert_clean_error(result, *fragments):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "an error message is expected"
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_help_teaches_with_examples():
    result = run_cli("analyze", "--help")
    assert result.returncode == 0
    for expected in ("--transcript", "--set", "monologues.threshold", "--format", "Examples:"):
        assert expected in result.stdout


def test_transcript_json_report(write_json):
    result = run_cli("analyze", "--transcript", str(write_json(MINIMAL)), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema"] == "rehearse.report/1"
    assert [s["id"] for s in report["speakers"]] == ["Alice", "Bob"]
    assert report["analyzers"]["talk_time"]["speakers"]["Bob"]["talk_time"] == 27.0
    questions = report["analyzers"]["questions"]["items"]
    assert [(q["speaker"], q["kind"]) for q in questions] == [("Alice", "open"), ("Alice", "closed")]
    assert report["analyzers"]["interruptions"]["events"] == []
    for key in ("audio", "language", "model", "segments", "turns", "words"):
        assert key in report


def test_saved_report_round_trips(write_json, tmp_path):
    first = run_cli("analyze", "--transcript", str(write_json(MINIMAL)), "-o", str(tmp_path / "r.json"))
    assert first.returncode == 0, first.stderr
    again = run_cli("analyze", "--transcript", str(tmp_path / "r.json"), "--format", "json")
    a = json.loads((tmp_path / "r.json").read_text())
    b = json.loads(again.stdout)
    assert a["analyzers"] == b["analyzers"] and a["turns"] == b["turns"]


def test_set_changes_a_threshold(write_json):
    path = str(write_json(MINIMAL))
    default = json.loads(run_cli("analyze", "--transcript", path, "-f", "json").stdout)
    lowered = json.loads(
        run_cli("analyze", "--transcript", path, "-f", "json", "--set", "monologues.threshold=20").stdout
    )
    assert default["analyzers"]["monologues"]["items"] == []
    assert [m["speaker"] for m in lowered["analyzers"]["monologues"]["items"]] == ["Bob"]


def test_terminal_and_markdown_reports(write_json, tmp_path):
    path = str(write_json(MINIMAL))
    terminal = run_cli("analyze", "--transcript", path, "--set", "monologues.threshold=20")
    assert terminal.returncode == 0
    assert "Talk time" in terminal.stdout and "Bob" in terminal.stdout
    assert "Three things to work on" in terminal.stdout
    assert "\x1b[" not in terminal.stdout, "no colour codes when piped"
    result = run_cli("analyze", "--transcript", path, "-o", str(tmp_path / "r.md"))
    assert result.returncode == 0 and "Report written to" in result.stderr
    markdown = (tmp_path / "r.md").read_text()
    assert markdown.startswith("# Interview feedback") and "| Bob |" in markdown


def test_french_report_language(write_json):
    result = run_cli("analyze", "--transcript", str(write_json({**MINIMAL, "language": "fr"})))
    assert "Temps de parole" in result.stdout


@pytest.mark.parametrize(
    "data, fragment",
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "expected a JSON object"),
        ('{"speakers": []}', "speakers: must not be empty"),
        ('{"speakers": ["A"], "turns": [{"speaker": "B", "start": 0, "end": 1}]}', "speaker 'B' is not in"),
        ('{"speakers": ["A"], "turns": [{"speaker": "A", "start": "x", "end": 1}]}', "turns[0].start: must be a number"),
        ('{"speakers": ["A"], "turns": {}}', "turns: must be a list"),
    ],
)
def test_malformed_transcripts(tmp_path, data, fragment):
    (tmp_path / "bad.json").write_text(data)
    assert_clean_error(run_cli("analyze", "--transcript", str(tmp_path / "bad.json")), fragment)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["analyze"], "give either an AUDIO file or --transcript"),
        (["analyze", "nowhere.wav"], "nowhere.wav: no such file"),
        (["analyze", "x.wav", "--language", "klingon"], "not a language Whisper knows"),
        (["analyze", "x.wav", "--set", "monologues.threshold=abc"], "monologues.threshold=abc"),
        (["analyze", "x.wav", "-o", "report.docx"], "cannot tell the format from 'report.docx'"),
        (["analyze", "x.wav", "--format", "pdf"], "'pdf' is not one of 'terminal', 'markdown', 'json'"),
        (["analyze", "x.wav", "--model", "/no/such/model"], "not a model directory"),
    ],
)
def test_bad_command_lines(tmp_path, args, fragment):
    (tmp_path / "x.wav").write_bytes(b"placeholder")
    assert_clean_error(run_cli(*args, cwd=tmp_path), fragment)


def test_text_file_named_wav(tmp_path):
    (tmp_path / "fake.wav").write_text("this is not audio\n" * 100)
    assert_clean_error(run_cli("analyze", str(tmp_path / "fake.wav")), "not a recording rehearse can read")


def test_silent_recording_says_no_speech(tmp_path):
    with wave.open(str(tmp_path / "silence.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(np.zeros(16_000 * 5, np.int16).tobytes())
    result = run_cli("analyze", str(tmp_path / "silence.wav"))
    assert result.returncode == 0, result.stderr
    assert "No speech found" in result.stdout
    report = json.loads(run_cli("analyze", str(tmp_path / "silence.wav"), "-f", "json").stdout)
    assert report["segments"] == [] and report["words"] == []


def test_headline_speaks_french_plurals():
    from rehearse.renderers.base import headline

    audio = {"path": "a.wav", "duration": 1.0, "channels": 2, "sample_rate": 16000}
    assert headline({"report_language": "fr", "audio": audio})[0] == "Enregistrement : a.wav (2 canaux)"
    assert (
        headline({"report_language": "en", "audio": {**audio, "channels": 1}})[0]
        == "Recording: a.wav (1 channel)"
    )


def test_me_names_the_user_and_the_interviewer(write_json):
    path = str(
        write_json(
            {
                **MINIMAL,
                "speakers": ["S1", "S2"],
                "turns": [
                    {"speaker": "S1", "start": 0, "end": 4, "text": "Tell me about yourself."},
                    {"speaker": "S2", "start": 4.5, "end": 20, "text": "I build data pipelines."},
                ],
            }
        )
    )
    report = json.loads(run_cli("analyze", "--transcript", path, "-f", "json", "--me", "s2").stdout)
    assert report["me"] == {"speaker": "S2", "source": "option"}
    roles = {s["id"]: (s["role"], s["label"]) for s in report["speakers"]}
    assert roles == {"S1": ("interviewer", "The interviewer"), "S2": ("me", "You")}
    wrong = run_cli("analyze", "--transcript", path, "--me", "S3")
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "Error: --me S3: no such speaker in this recording; it has S1, S2"


def test_rttm_output_lists_who_spoke_when(write_json, tmp_path):
    result = run_cli("analyze", "--transcript", str(write_json(MINIMAL)), "-o", str(tmp_path / "out.rttm"))
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out.rttm").read_text().splitlines()
    report = json.loads(run_cli("analyze", "--transcript", str(write_json(MINIMAL)), "-f", "json").stdout)
    assert len(lines) == len(report["segments"])
    fields = lines[0].split()
    assert fields[0] == "SPEAKER" and fields[2] == "1" and fields[5:7] == ["<NA>", "<NA>"]
    first = report["segments"][0]
    assert float(fields[3]) == pytest.approx(first["start"])
    assert float(fields[4]) == pytest.approx(first["end"] - first["start"])
    assert fields[7] == first["speaker"]


def test_on_a_terminal_rehearse_asks_which_speaker_is_you(write_json):
    # A real pseudo-terminal: the question is only asked when a person is there to answer, and
    # when the conversation does not make it plain (no question asked: only talk time to go by).
    path = str(
        write_json(
            {
                "speakers": ["S1", "S2"],
                "turns": [
                    {"speaker": "S1", "start": 0, "end": 4, "text": "The weather was fine today."},
                    {"speaker": "S2", "start": 4.5, "end": 20, "text": "I build data pipelines for a bank."},
                ],
            }
        )
    )
    text = on_a_terminal("analyze", "--transcript", path, answer=b"2\n")
    assert "Which speaker is you?" in text
    assert "“I build data pipelines for a bank.”" in text
    assert "You " in text.split("You are", 1)[1]
    assert "The interviewer" in text.split("You are", 1)[1]


def test_config_file_sets_analyzer_options_and_the_command_line_wins(write_json, tmp_path):
    path = str(write_json(MINIMAL))
    (tmp_path / "rehearse.toml").write_text("[analyzers.monologues]\nthreshold = 20\n")
    from_file = json.loads(run_cli("analyze", "--transcript", path, "-f", "json", cwd=tmp_path).stdout)
    assert from_file["analyzers"]["monologues"]["threshold"] == 20
    overridden = run_cli(
        "analyze", "--transcript", path, "-f", "json", "--set", "monologues.threshold=45", cwd=tmp_path
    )
    assert json.loads(overridden.stdout)["analyzers"]["monologues"]["threshold"] == 45
    (tmp_path / "rehearse.toml").write_text("[analyzers.monologues]\nthreshold = 'long'\n")
    wrong = run_cli("analyze", "--transcript", path, cwd=tmp_path)
    assert wrong.returncode == 1
    assert "rehearse.toml: 'monologues.threshold=long'" in wrong.stderr and "Traceback" not in wrong.stderr
    (tmp_path / "rehearse.toml").write_text("[analyzers\n")
    broken = run_cli("analyze", "--transcript", path, cwd=tmp_path)
    assert broken.returncode == 1 and "not valid TOML" in broken.stderr


PLUGIN_RENDERER = """
from rehearse import Renderer, hookimpl


class Shout(Renderer):
    name = "shout"
    extensions = (".shout",)

    def render(self, report, *, color=False):
        return "SPEAKERS: " + " ".join(s["id"] for s in report["speakers"]) + "\\n"


@hookimpl
def register_renderers(register):
    register(Shout())
"""


def test_format_choices_come_from_the_installed_renderers(write_json, tmp_path):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "shout.py").write_text(PLUGIN_RENDERER, encoding="utf-8")
    plain = run_cli("analyze", "--help")
    assert "[terminal|markdown|json|html|rttm|webvtt]" in plain.stdout.replace("\n", "")
    assert "shout" not in plain.stdout
    with_plugin = run_cli("analyze", "--help", "--plugins-dir", str(tmp_path / "plugins"))
    assert "|shout]" in with_plugin.stdout.replace("\n", "").replace(" ", "")
    path = str(write_json(MINIMAL))
    shouted = run_cli("analyze", "--transcript", path, "-f", "shout", "--plugins-dir", str(tmp_path / "plugins"))
    assert shouted.returncode == 0, shouted.stderr
    assert shouted.stdout == "SPEAKERS: Alice Bob\n"
    refused = run_cli("analyze", "--transcript", path, "-f", "shout")
    assert refused.returncode == 2 and "'shout' is not one of" in refused.stderr


def test_speakers_cannot_apply_to_a_transcript(write_json):
    result = run_cli("analyze", "--transcript", str(write_json(MINIMAL)), "--speakers", "2")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: --speakers applies to a recording, not to --transcript (its speakers are given)"
    )


def test_exit_codes_are_those_the_readme_documents(write_json, tmp_path):
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    documented = (
        "Exit status: 0 when the report was produced (including \"no speech found\"), 1 on an error "
        "(one line on stderr), 2 when the command line is wrong"
    )
    assert documented in readme
    assert "2 on a wrong command line" in " ".join(run_cli("analyze", "--help").stdout.split())
    path = str(write_json(MINIMAL))
    assert run_cli("analyze", "--transcript", path).returncode == 0
    assert run_cli("analyze", "--transcript", str(tmp_path / "missing.json")).returncode == 1
    assert run_cli("analyze", "--transcript", path, "--me", "S9").returncode == 1
    for wrong in (["analyze"], ["analyze", "--no-such-option"], ["analyze", "--transcript", path, "-f", "pdf"],
                  ["analyze", "--transcript", path, "--speakers", "9"], ["history", "--last", "0"]):
        result = run_cli(*wrong)
        assert result.returncode == 2, (wrong, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr


def test_recover_on_a_fresh_install_has_nothing_to_repair(private_data_dir):
    assert not (private_data_dir / "sessions").exists()
    result = run_cli("record", "--recover")
    assert result.returncode == 0, result.stderr
    assert "Nothing to repair" in result.stdout


def test_help_readme_and_next_steps_agree():
    """What the help, the README and the messages promise is what rehearse does."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    voice_help = run_cli("voice", "--help").stdout
    enroll_default = re.search(r"default:\s*([\d.]+)", run_cli("voice", "enroll", "--help").stdout)
    seconds = f"~{float(enroll_default.group(1)):.0f} s"
    assert seconds in voice_help and seconds in readme, seconds
    # plugin new's next step must work in a fresh venv: the generated tests need the test extra.
    plugin_help = run_cli("plugin", "new", "--help").stdout
    assert 'pip install -e ".[test]"' in plugin_help


def test_every_readme_example_uses_commands_and_options_that_exist():
    """Each command line the README shows names a real command, with options its --help lists and
    choices those options accept: the examples can be run as written."""
    import re
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = [
        line.split("  #")[0].strip()
        for line in readme.splitlines()
        if re.match(r"^ {4}rehearse \w", line) and " | " not in line.split("  #")[0]
    ]
    assert len(examples) >= 25, examples
    helps: dict[tuple[str, ...], str] = {}
    for example in examples:
        words = shlex.split(example)[1:]
        command: tuple[str, ...] = ()
        for word in words:  # the longest run of words that --help accepts as a command
            candidate = (*command, word)
            if not word.isalpha() or run_cli(*candidate, "--help").returncode != 0:
                break
            command = candidate
        assert command, example
        shown = helps.setdefault(command, run_cli(*command, "--help").stdout)
        options = [w.split("=")[0] for w in words if re.match(r"^--?[a-z]", w)]
        for option in options:
            assert re.search(rf"(^|[\s,/]){re.escape(option)}\b", shown), f"{example}: {option} not in --help"
        for option, value in zip(words, words[1:]):
            if option == "--profile":
                assert value in shown, f"{example}: {value} is no --profile choice"
