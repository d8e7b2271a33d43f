"""Hostile input: options, config files, transcripts, voice prints, plugins and outputs.

Every case must end in one line on stderr and the documented exit status, within a bounded
time (the subprocess timeout is the hang guard), and lose nothing already there.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import AUDIO, run_cli

HANG_GUARD = 60  # seconds; every case here answers in a few

MINIMAL = {
    "speakers": ["A", "B"],
    "turns": [
        {"speaker": "A", "start": 0, "end": 3, "text": "Why did you choose this job?"},
        {"speaker": "B", "start": 3.5, "end": 9, "text": "I like data and the team."},
    ],
}


def rehearse(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, env={**os.environ, **(env or {})}, timeout=HANG_GUARD)


def one_line_error(result: subprocess.CompletedProcess, *fragments: str, status: int = 1) -> str:
    assert result.returncode == status, (result.returncode, result.stdout[-500:], result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def transcript(tmp_path: Path, data: object, name: str = "t.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


# Options: each declares its range, and every source is checked where it is parsed.


@pytest.mark.parametrize(
    "assignment, fragment",
    [
        ("pace.window=0", "must be from 5 to 3600"),
        ("pace.window=-1", "must be from 5 to 3600"),
        ("pace.window=1e-9", "must be from 5 to 3600"),
        ("pace.window=nan", "must be a finite number"),
        ("pace.window=inf", "must be a finite number"),
        ("fillers.max_share=-1", "must be from 0 to 1"),
        ("fillers.top=-1", "must be from 0 to 100"),
        ("closing.window=nan", "must be a finite number"),
        ("monologues.threshold=1e300", "must be from 1 to 3600"),
        ("asked.practise=2.5", "expected a whole number"),
    ],
)
def test_options_out_of_range_are_refused(tmp_path, assignment, fragment):
    result = rehearse("analyze", "--transcript", str(transcript(tmp_path, MINIMAL)), "--set", assignment)
    one_line_error(result, f"--set '{assignment}'", fragment)


def test_every_builtin_numeric_option_declares_its_range():
    from rehearse import plugins

    for analyzer in plugins.analyzers().values():
        for option in analyzer.options:
            if option.numeric:
                assert option.minimum is not None and option.maximum is not None, (analyzer.name, option.name)


def test_the_documented_options_table_matches_the_analyzers():
    from conftest import ROOT
    from rehearse import plugins

    rows = [
        [cell.strip(" `") for cell in line.strip("|").split("|")]
        for line in (ROOT / "docs" / "report.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| analyzer |")
    ]
    documented = {(r[0], r[1]): (r[2], r[3]) for r in rows if len(r) == 5}
    declared = {
        (analyzer.name, o.name): (str(o.default), f"{o.minimum:g}–{o.maximum:g}")
        for analyzer in plugins.analyzers().values()
        if analyzer.name != "star"
        for o in analyzer.options
    }
    assert documented == declared


def test_config_file_in_the_working_directory_cannot_hang_analysis(tmp_path):
    (tmp_path / "rehearse.toml").write_text("[analyzers.pace]\nwindow = 0\n", encoding="utf-8")
    result = rehearse("analyze", "--transcript", str(transcript(tmp_path, MINIMAL)), cwd=tmp_path)
    one_line_error(result, "rehearse.toml", "pace.window=0", "must be from 5 to 3600")


def test_config_file_that_is_not_utf8(tmp_path):
    (tmp_path / "rehearse.toml").write_bytes(b"[analyzers.pace]\nwindow = 60 # \xff\xfe\n")
    result = rehearse("analyze", "--transcript", str(transcript(tmp_path, MINIMAL)), cwd=tmp_path)
    one_line_error(result, "rehearse.toml", "not UTF-8")


def test_config_named_by_the_environment_that_is_a_fifo(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    result = rehearse(
        "analyze", "--transcript", str(transcript(tmp_path, MINIMAL)), env={"REHEARSE_CONFIG": str(fifo)}
    )
    one_line_error(result, "not a regular file")


def test_plugin_option_with_a_default_out_of_its_range_fails_at_load(tmp_path):
    (tmp_path / "bad_default.py").write_text(
        "from rehearse import Analyzer, Option, hookimpl\n"
        "class Bad(Analyzer):\n"
        "    name = 'bad'\n"
        "    title = 'Bad'\n"
        "    options = (Option('window', 0.0, 'seconds', minimum=1, maximum=60),)\n"
        "    def analyze(self, conversation, options, lang):\n"
        "        return {}\n"
        "@hookimpl\n"
        "def register_analyzers(register):\n"
        "    register(Bad())\n",
        encoding="utf-8",
    )
    result = rehearse("analyzers", "--plugins-dir", str(tmp_path))
    one_line_error(result, "bad_default.py", "its default 0.0 must be from 1 to 60")


# Transcripts: checked field by field, one line naming the field.


def _with(change) -> dict:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(MINIMAL))
    change(data)
    return data


@pytest.mark.parametrize(
    "text, fragment",
    [
        (
            '{"speakers": ["A"], "turns": [{"speaker": "A", "start": NaN, "end": 1}]}',
            "turns[0].start: must be a finite number",
        ),
        (
            '{"speakers": ["A"], "turns": [{"speaker": "A", "start": 0, "end": Infinity}]}',
            "turns[0].end: must be a finite number",
        ),
        (
            '{"speakers": ["A"], "turns": [{"speaker": "A", "start": 0, "end": 1e12}]}',
            "turns[0].end: must be at most 86400",
        ),
        (
            '{"speakers": ["A"], "turns": [{"speaker": "A", "start": 5, "end": 1}]}',
            '"end" (1) comes before "start" (5)',
        ),
        ('{"speakers": ["A"], "turns": [], "duration": "abc"}', "duration: must be a number"),
        ('{"speakers": ["A"], "turns": [], "duration": 1e11}', "duration: must be at most 86400"),
        ('{"speakers": ["A"], "turns": [], "audio": {"path": 3}}', "audio.path: must be a string"),
        ('{"speakers": ["A"], "turns": [], "audio": "x.wav"}', "audio: must be an object"),
        ('{"speakers": ["A"], "turns": [], "notes": [1, {}]}', "notes[0]: must be a string"),
        ('{"speakers": ["A"], "turns": [], "notes": "hello"}', "notes: must be a list"),
        (
            '{"speakers": ["A"], "turns": [], "words": [{"speaker": "A", "start": 0, "end": 1, "probability": "high"}]}',
            "words[0].probability: must be a number",
        ),
        (
            '{"speakers": ["A"], "turns": [], "words": [{"speaker": "A", "start": 0, "end": 1, "probability": 7}]}',
            "words[0].probability: must be at most 1",
        ),
        (
            '{"speakers": ["A"], "turns": [], "me": {"speaker": "Z", "source": "option"}}',
            "me: speaker 'Z' is not in",
        ),
        ('{"speakers": ["A"], "turns": [], "language": 5}', "language: must be a string"),
        ('{"speakers": [1], "turns": []}', 'speakers: each must be a name or an object with an "id"'),
        (
            '{"speakers": ["A"], "turns": [{"speaker": "A", "start": 0, "end": 1, "text": ["x"]}]}',
            "turns[0].text: must be a string",
        ),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[]", 'expected a JSON object with "speakers" and "turns"'),
    ],
)
def test_malformed_transcripts_name_the_field(tmp_path, text, fragment):
    result = rehearse("analyze", "--transcript", str(transcript(tmp_path, text)))
    one_line_error(result, fragment)


def test_non_utf8_transcript(tmp_path):
    path = tmp_path / "t.json"
    path.write_bytes(b'{"speakers": ["\xff"]}')
    one_line_error(rehearse("analyze", "--transcript", str(path)), "not a text file")


def test_fifo_given_as_transcript_does_not_block(tmp_path):
    fifo = tmp_path / "t.json"
    os.mkfifo(fifo)
    one_line_error(rehearse("analyze", "--transcript", str(fifo)), "not a regular file")


def test_known_me_and_a_string_language_still_load(tmp_path):
    data = _with(lambda d: d.update(me={"speaker": "B", "source": "option"}, language="fr"))
    result = rehearse("analyze", "--transcript", str(transcript(tmp_path, data)), "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["coaching"]["you"] == "B"
    assert report["report_language"] == "fr"


# Plugins: sys.exit() is a failure like any other, never a silent exit 0.


def _plugin_file(folder: Path, body: str) -> Path:
    path = folder / "quitter.py"
    path.write_text("import sys\nfrom rehearse import Analyzer, hookimpl\n" + body, encoding="utf-8")
    return folder


def test_plugin_calling_sys_exit_at_import(tmp_path):
    folder = _plugin_file(tmp_path, "sys.exit(0)\n")
    result = rehearse(
        "analyze", "--transcript", str(transcript(tmp_path, MINIMAL)), "--plugins-dir", str(folder)
    )
    one_line_error(result, "quitter.py", "sys.exit(0)")


def test_plugin_calling_sys_exit_in_analyze_loses_only_its_section(tmp_path):
    folder = _plugin_file(
        tmp_path,
        "class Quitter(Analyzer):\n"
        "    name = 'quitter'\n"
        "    title = 'Quitter'\n"
        "    def analyze(self, conversation, options, lang):\n"
        "        sys.exit(0)\n"
        "@hookimpl\n"
        "def register_analyzers(register):\n"
        "    register(Quitter())\n",
    )
    result = rehearse(
        "analyze",
        "--transcript",
        str(transcript(tmp_path, MINIMAL)),
        "-f",
        "json",
        "--plugins-dir",
        str(folder),
    )
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert "sys.exit(0)" in report["analyzers"]["quitter"]["error"]
    assert report["analyzers"]["questions"]["items"]


def test_plugin_calling_sys_exit_while_registering(tmp_path):
    folder = _plugin_file(tmp_path, "@hookimpl\ndef register_analyzers(register):\n    sys.exit(2)\n")
    result = rehearse(
        "analyze", "--transcript", str(transcript(tmp_path, MINIMAL)), "--plugins-dir", str(folder)
    )
    one_line_error(result, "quitter", "sys.exit(2)")


# Fail before the work: nothing is transcribed for an output that cannot be written.


@pytest.fixture
def spy_transcriber(tmp_path):
    """A transcriber plugin that leaves a mark when its model is loaded: the proof that a
    refused run stopped before the work started."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    mark = tmp_path / "loaded"
    (folder / "spy.py").write_text(
        "from pathlib import Path\n"
        "from rehearse import TranscriberBackend, hookimpl\n"
        "class Spy(TranscriberBackend):\n"
        "    name = 'spy'\n"
        "    def load(self, model, **kwargs):\n"
        f"        Path({str(mark)!r}).touch()\n"
        "        raise RuntimeError('the spy does not transcribe')\n"
        "@hookimpl\n"
        "def register_transcribers(register):\n"
        "    register(Spy())\n",
        encoding="utf-8",
    )
    return folder, mark


def analyze_with_spy(spy: tuple[Path, Path], *args: str) -> subprocess.CompletedProcess:
    folder, _ = spy
    return rehearse(
        "analyze",
        str(AUDIO / "en-interview-mono.wav"),
        "--transcriber",
        "spy",
        "--plugins-dir",
        str(folder),
        "--no-save",
        *args,
    )


def test_missing_output_folder_is_refused_before_the_work(tmp_path, spy_transcriber):
    _, mark = spy_transcriber
    result = analyze_with_spy(spy_transcriber, "-o", str(tmp_path / "nowhere" / "report.md"))
    one_line_error(result, "does not exist")
    assert not mark.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_unwritable_output_folder_is_refused_before_the_work(tmp_path, spy_transcriber):
    _, mark = spy_transcriber
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    result = analyze_with_spy(spy_transcriber, "-o", str(locked / "report.md"))
    one_line_error(result, "permission denied")
    assert not mark.exists()


def test_unknown_diarizer_is_refused_before_the_model_loads(tmp_path, spy_transcriber):
    _, mark = spy_transcriber
    result = analyze_with_spy(spy_transcriber, "--diarizer", "nope")
    one_line_error(result, "no diarizer named 'nope'")
    assert not mark.exists()


def test_failed_write_keeps_the_previous_report(tmp_path):
    """A report that cannot be written whole (here: over the file size limit, as on a full
    disk) leaves the previous one as it was, and no partial file beside it."""
    import resource
    import signal

    from rehearse.cli.ui import write_whole
    from rehearse.errors import RehearseError

    report = tmp_path / "report.md"
    report.write_text("the previous report", encoding="utf-8")
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, limits[1]))
    try:
        with pytest.raises(RehearseError, match="cannot write .*File too large"):
            write_whole(report, "a much longer report " * 1000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)
    assert report.read_text(encoding="utf-8") == "the previous report"
    assert list(tmp_path.iterdir()) == [report]


def test_text_that_utf8_cannot_hold_is_refused_by_field(tmp_path):
    """JSON may escape a lone surrogate, which no UTF-8 report could hold."""
    path = tmp_path / "t.json"
    path.write_text(json.dumps(MINIMAL).replace("the team", "the \\ud800 team"), encoding="utf-8")
    one_line_error(rehearse("analyze", "--transcript", str(path)), "turns[1].text: must be valid Unicode")


# Voice prints: a damaged one is a warning, an unreadable one says so, a read-only folder is
# refused before anyone speaks.


def test_damaged_voice_print_warns_on_stderr(tmp_path, private_data_dir, spy_transcriber):
    (private_data_dir / "voiceprint.json").write_text('{"format": "rehearse.voiceprint/1"}', encoding="utf-8")
    _, mark = spy_transcriber
    result = analyze_with_spy(spy_transcriber)
    warning, error = result.stderr.strip().splitlines()[0], result.stderr.strip().splitlines()[-1]
    assert (
        warning.startswith("Warning: the voice print")
        and "damaged" in warning
        and "going on without it" in warning
    )
    assert mark.exists(), "the analysis went on to load the model"
    assert "the spy does not transcribe" in error


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_voice_print_is_not_called_damaged(private_data_dir):
    from rehearse.diarization import voiceprint

    path = private_data_dir / "voiceprint.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(
        voiceprint.VoicePrintError, match="cannot read the voice print .* check its permissions"
    ):
        voiceprint.load()


def test_voice_print_that_is_a_fifo(private_data_dir):
    from rehearse.diarization import voiceprint

    os.mkfifo(private_data_dir / "voiceprint.json")
    with pytest.raises(voiceprint.VoicePrintError, match="not a regular file"):
        voiceprint.load()


def test_enrolling_into_a_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = rehearse(
        "voice",
        "enroll",
        "--from",
        str(AUDIO / "en-interview-S1-voice.wav"),
        env={"REHEARSE_DATA_DIR": str(blocker / "data")},
    )
    one_line_error(result, "cannot create")


def test_forgetting_a_voice_print_that_cannot_be_deleted(tmp_path):
    data = tmp_path / "data"
    (data / "voiceprint.json").mkdir(parents=True)  # unlink() refuses a directory
    result = rehearse("voice", "forget", env={"REHEARSE_DATA_DIR": str(data)})
    one_line_error(result, "cannot delete")


def test_enrolling_from_a_recording_of_two_people_is_refused():
    result = rehearse("voice", "enroll", "--from", str(AUDIO / "en-interview-mono.wav"))
    one_line_error(result, "2 voices heard", "of you alone")


def test_enrolling_from_one_voice_is_accepted(private_data_dir):
    result = rehearse("voice", "enroll", "--from", str(AUDIO / "fr-interview-S1-voice.wav"))
    assert result.returncode == 0, result.stderr
    assert (private_data_dir / "voiceprint.json").is_file()


# History: the real cause in every warning.


def test_full_disk_is_named_as_such_in_the_history_warning(tmp_path, monkeypatch):
    """SQLite rolls a transaction back by itself when the disk is full; the ROLLBACK that
    followed used to fail and hide the cause behind "no transaction is active"."""
    from rehearse import history

    connect = sqlite3.connect

    def tiny_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        db = connect(*args, **kwargs)
        db.execute("PRAGMA max_page_count = 8")  # SQLite's own way to run out of room
        return db

    report = {"audio": {"path": str(tmp_path / "a.wav")}, "notes": ["x" * 200_000], "coaching": {}}
    history.save({"audio": {"path": str(tmp_path / "b.wav")}}, location=tmp_path / "h.db")
    monkeypatch.setattr(history.sqlite3, "connect", tiny_disk)
    with pytest.raises(history.HistoryError, match="is full") as caught:
        history.save(report, location=tmp_path / "h.db")
    assert "rollback" not in str(caught.value)
