"""The history: a real SQLite file, its migrations, and what happens when it is damaged or busy."""

import json
import os
import sqlite3
from pathlib import Path

import pytest

from conftest import run_cli, run_on_a_terminal
from rehearse import history

BASE = {
    "speakers": ["S1", "S2"],
    "language": "en",
    "turns": [
        {"speaker": "S2", "start": 0, "end": 3, "text": "Tell me about yourself."},
        {"speaker": "S1", "start": 3.5, "end": 40, "text": "I build data pipelines for a living."},
        {"speaker": "S2", "start": 40.5, "end": 43, "text": "Why did you leave your last job?"},
        {"speaker": "S1", "start": 43.5, "end": 53, "text": "I wanted bigger problems."},
    ],
}


def session_file(write_json, tmp_path, name: str, longest: float) -> str:
    """A transcript of a recording (its audio path makes it one session of the history)."""
    data = json.loads(json.dumps(BASE))
    data["turns"][1]["end"] = 3.5 + longest
    data["audio"] = {
        "path": str(tmp_path / f"{name}.wav"),
        "duration": 80.0,
        "channels": 2,
        "sample_rate": 16000,
    }
    return str(write_json(data, f"{name}.json"))


def analyze(path: str, *extra: str, save: bool = True):
    """A transcript re-run, kept in the history (``--save``) unless ``save`` is False."""
    extra = ("--save", *extra) if save and "--no-save" not in extra else extra
    result = run_cli("analyze", "--transcript", path, "--profile", "job-interview", "-f", "json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_analysis_is_kept_once_per_recording(write_json, tmp_path, private_data_dir):
    first = session_file(write_json, tmp_path, "monday", 36.5)
    analyze(first)
    analyze(first)  # the same recording again: its entry is updated, not doubled
    analyze(session_file(write_json, tmp_path, "friday", 20.0))
    listed = run_cli("history", "--json")
    assert listed.returncode == 0, listed.stderr
    sessions = json.loads(listed.stdout)
    assert [os.path.basename(s["audio_path"]) for s in sessions] == ["monday.wav", "friday.wav"]
    assert [s["metrics"]["longest_turn"] for s in sessions] == [36.5, 20.0]
    assert all(s["profile"] == "job-interview" and s["you"] == "S1" for s in sessions)
    assert (private_data_dir / history.FILE_NAME).is_file()
    kept = json.loads(run_cli("history", "--show", str(sessions[0]["id"])).stdout)
    assert kept["coaching"]["key_metrics"]["longest_turn"] == 36.5


def test_progress_shows_the_trend_against_the_target(write_json, tmp_path):
    # Answers grow from 20 s to 36.5 s: towards the 30 s – 2 min a job interview asks for.
    analyze(session_file(write_json, tmp_path, "one", 20.0))
    report = analyze(session_file(write_json, tmp_path, "two", 36.5))
    assert [len(v["values"]) for v in report["progress"]["metrics"].values()][0] == 2
    result = run_cli("progress", "--profile", "job-interview", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    longest = found["metrics"]["longest_turn"]
    assert longest["values"] == [20.0, 36.5]
    assert found["metrics"]["questions"]["trend"] == "off target"  # 1 question both times; 2 wanted
    text = run_cli("progress", "--profile", "job-interview", "--lang", "en")
    assert "Your last 2 sessions (job interview):" in text.stdout
    assert "Your longest turn" in text.stdout and "20 s → 36 s" in text.stdout
    french = run_cli("progress", "--profile", "job-interview", "--lang", "fr").stdout
    assert "Vos 2 dernières séances (entretien d'embauche) :" in french and "Votre plus long tour" in french


def test_no_save_keeps_nothing(write_json, tmp_path, private_data_dir):
    report = analyze(session_file(write_json, tmp_path, "secret", 30.0), "--no-save")
    assert "progress" not in report
    assert not (private_data_dir / history.FILE_NAME).exists()


def test_history_honours_xdg_data_home(write_json, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "REHEARSE_DATA_DIR"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    path = session_file(write_json, tmp_path, "xdg", 30.0)
    result = run_cli("analyze", "--transcript", path, "-f", "json", "--save", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "xdg" / "rehearse" / history.FILE_NAME).is_file()
    assert len(json.loads(run_cli("history", "--json", env=env).stdout)) == 1


def test_a_damaged_history_is_never_rewritten(write_json, tmp_path, private_data_dir):
    damaged = private_data_dir / history.FILE_NAME
    damaged.write_bytes(b"these are not the droids " * 100)
    before = damaged.read_bytes()
    path = session_file(write_json, tmp_path, "x", 30.0)
    result = run_cli("analyze", "--transcript", path, "--profile", "job-interview", "-f", "json", "--save")
    assert result.returncode == 0, "the report comes first; the history costs a warning"
    assert json.loads(result.stdout)["coaching"]["you"] == "S1"
    assert "Warning: not saved to your history" in result.stderr and "damaged" in result.stderr
    listed = run_cli("history")
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    assert listed.stderr.count("\n") == 1 and "left untouched" in listed.stderr
    assert damaged.read_bytes() == before


def test_a_busy_history_says_so(tmp_path, monkeypatch):
    location = tmp_path / "h.sqlite3"
    with history.connect(location):
        pass
    monkeypatch.setattr(history, "BUSY_TIMEOUT", 0.1)
    holder = sqlite3.connect(location, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(history.HistoryError, match="busy"):
            history.save({"audio": {"path": "a.wav"}, "analyzers": {}}, location=location)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert history.save({"audio": {"path": "a.wav"}, "analyzers": {}}, location=location) == 1


def test_migration_keeps_earlier_sessions_and_backs_them_up(tmp_path):
    location = tmp_path / "h.sqlite3"
    report = {
        "audio": {"path": "/old/session.wav"},
        "profile": "reverse",
        "analyzers": {"questions": {"by_speaker": {"S1": {"open": 4, "closed": 1, "by_third": [2, 2, 1]}}}},
    }
    with history.connect(location, migrations=history.MIGRATIONS[:1]) as db:  # a version-1 file
        db.execute(
            "INSERT INTO sessions (analyzed_at, profile, audio_path, you, report) VALUES (?, ?, ?, ?, ?)",
            ("2026-01-05T10:00:00+00:00", "reverse", "/old/session.wav", "S1", json.dumps(report)),
        )
    (old,) = history.sessions(location=location)  # opening it migrates to the current version
    assert (old.audio_path, old.profile) == ("/old/session.wav", "reverse")
    assert old.metrics["questions"] == 5 and old.metrics["open_share"] == 0.8, "figures backfilled"
    backup = tmp_path / "h.sqlite3.v1.bak"
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_a_history_from_a_newer_rehearse_is_refused(tmp_path):
    location = tmp_path / "h.sqlite3"
    with sqlite3.connect(location) as db:
        db.execute(f"PRAGMA user_version = {len(history.MIGRATIONS) + 1}")
    with pytest.raises(history.HistoryError, match="newer rehearse"):
        history.sessions(location=location)


def test_a_transcript_without_a_recording_is_not_kept(write_json, private_data_dir):
    result = run_cli("analyze", "--transcript", str(write_json(BASE)), "-f", "json", "--save")
    assert result.returncode == 0, result.stderr
    assert json.loads(run_cli("history", "--json").stdout) == []


def test_sparkline():
    from rehearse.cli.ui import sparkline

    assert sparkline([1, 2, 3, None, 8]) == "▁▂▃ █"
    assert sparkline([5, 5]) == "▄▄"


def test_history_and_progress_filter_by_situation_and_count(write_json, tmp_path):
    analyze(session_file(write_json, tmp_path, "a", 20.0))
    analyze(session_file(write_json, tmp_path, "b", 25.0))
    result = run_cli(
        "analyze",
        "--transcript",
        session_file(write_json, tmp_path, "c", 30.0),
        "--profile",
        "reverse",
        "-f",
        "json",
        "--save",
    )
    assert result.returncode == 0, result.stderr

    def listed(*args):
        return [
            os.path.basename(s["audio_path"]) for s in json.loads(run_cli("history", "--json", *args).stdout)
        ]

    assert listed() == ["a.wav", "b.wav", "c.wav"]
    assert listed("--profile", "reverse") == ["c.wav"]
    assert listed("--last", "2") == ["b.wav", "c.wav"]
    found = json.loads(run_cli("progress", "--profile", "job-interview", "--last", "2", "--json").stdout)
    assert [os.path.basename(s["audio_path"]) for s in found["sessions"]] == ["a.wav", "b.wav"]
    assert found["metrics"]["longest_turn"]["values"] == [20.0, 25.0]
    assert run_cli("progress", "--last", "1").returncode == 2, "comparing needs two sessions"


# --- History you can manage -------------------------------------------------------------------


def silent_wav(path, seconds: int = 2, level: int = 0) -> str:
    """A real (silent) recording: rehearse decodes and analyses it in a moment."""
    import wave

    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(np.full(16_000 * seconds, level, np.int16).tobytes())
    return str(path)


def listed_sessions(env=None) -> list[dict]:
    result = run_cli("history", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_recording_is_known_by_its_content_wherever_it_is(tmp_path):
    import hashlib
    import shutil

    first = silent_wav(tmp_path / "monday" / "take.wav")
    digest = hashlib.sha256((tmp_path / "monday" / "take.wav").read_bytes()).hexdigest()
    assert run_cli("analyze", first, "-f", "json").returncode == 0
    (kept,) = listed_sessions()
    assert kept["audio_sha256"] == digest
    # Moved to another folder and analysed again: the same recording, its entry follows it.
    moved = tmp_path / "archive" / "renamed.wav"
    moved.parent.mkdir()
    shutil.move(first, moved)
    assert run_cli("analyze", str(moved), "-f", "json").returncode == 0
    (again,) = listed_sessions()
    assert again["id"] == kept["id"] and again["audio_path"] == str(moved.resolve())
    # Other content at the old path is another recording.
    silent_wav(tmp_path / "monday" / "take.wav", seconds=3)
    assert run_cli("analyze", first, "-f", "json").returncode == 0
    assert [s["audio_path"] for s in listed_sessions()] == [str(moved.resolve()), str(Path(first).resolve())]


def test_a_saved_report_keeps_the_content_hash(write_json, tmp_path):
    # Where the recording is gone, a re-run with --save finds its entry by the hash the report kept.
    data = json.loads(json.dumps(BASE))
    data["audio"] = {
        "path": str(tmp_path / "gone.wav"),
        "duration": 60.0,
        "channels": 2,
        "sample_rate": 16000,
    }
    data["audio"]["sha256"] = "ab" * 32
    analyze(str(write_json(data, "a.json")))
    data["audio"]["path"] = str(tmp_path / "elsewhere.wav")
    analyze(str(write_json(data, "b.json")))
    (kept,) = listed_sessions()
    assert kept["audio_sha256"] == "ab" * 32 and kept["audio_path"].endswith("elsewhere.wav")


def test_a_version_2_history_gains_content_hashes_in_place(tmp_path):
    location = tmp_path / "h.sqlite3"
    report = {"audio": {"path": "/old/a.wav"}, "analyzers": {}}
    with history.connect(location, migrations=history.MIGRATIONS[:2]) as db:
        db.execute(
            "INSERT INTO sessions (analyzed_at, audio_path, report) VALUES (?, ?, ?)",
            ("2026-01-05T10:00:00+00:00", "/old/a.wav", json.dumps(report)),
        )
    (old,) = history.sessions(location=location)
    assert (old.audio_path, old.audio_sha256) == ("/old/a.wav", None), "old rows keep working"
    assert (tmp_path / "h.sqlite3.v2.bak").is_file()
    # Analysed again: the old entry (found by its path) takes the hash, no second entry.
    again = {"audio": {"path": "/old/a.wav", "sha256": "cd" * 32}, "analyzers": {}}
    assert history.save(again, location=location) == old.id
    assert [(s.id, s.audio_sha256) for s in history.sessions(location=location)] == [(old.id, "cd" * 32)]


def test_re_runs_and_experiments_are_kept_only_when_asked(write_json, tmp_path, private_data_dir):
    path = session_file(write_json, tmp_path, "rerun", 30.0)
    report = analyze(path, save=False)
    assert "progress" not in report and listed_sessions() == []
    recording = silent_wav(tmp_path / "take.wav")
    assert run_cli("analyze", recording, "--set", "monologues.threshold=20", "-f", "json").returncode == 0
    assert listed_sessions() == [], "a --set experiment does not touch the history"
    assert run_cli("analyze", recording, "--set", "monologues.threshold=20", "--save").returncode == 0
    analyze(path)  # --save
    assert len(listed_sessions()) == 2
    both = run_cli("analyze", "--transcript", path, "--save", "--no-save")
    assert both.returncode == 2 and "contradict" in both.stderr


def test_delete_removes_a_session_and_refuses_an_unknown_one(write_json, tmp_path):
    analyze(session_file(write_json, tmp_path, "one", 20.0))
    analyze(session_file(write_json, tmp_path, "two", 30.0))
    first, second = listed_sessions()
    gone = run_cli("history", "--delete", str(first["id"]), "--yes")
    assert gone.returncode == 0, gone.stderr
    assert [s["id"] for s in listed_sessions()] == [second["id"]]
    assert json.loads(run_cli("progress", "--json").stdout)["sessions"][0]["id"] == second["id"]
    unknown = run_cli("history", "--delete", "999", "--yes")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip().splitlines() == [
        "Error: no session 999 in the history; 'rehearse history' lists them"
    ]
    assert run_cli("history", "--delete", "1", "--json").returncode == 2


def in_a_terminal(*args: str, answer: bytes) -> tuple[str, int]:
    """rehearse in a real pseudo-terminal, answering its yes/no question; what it showed and its status."""
    return run_on_a_terminal(*args, answer=answer, asked=(b"[y/N]",))


def test_delete_asks_first_on_a_terminal(write_json, tmp_path):
    analyze(session_file(write_json, tmp_path, "keep", 20.0))
    (session,) = listed_sessions()
    shown, status = in_a_terminal("history", "--delete", str(session["id"]), "--lang", "en", answer=b"n\n")
    assert status == 0 and f"Delete session {session['id']}" in shown and "keep.wav" in shown
    assert "Nothing deleted." in shown and len(listed_sessions()) == 1
    shown, status = in_a_terminal("history", "--delete", str(session["id"]), "--lang", "en", answer=b"y\n")
    assert status == 0 and f"Session {session['id']} deleted." in shown
    assert listed_sessions() == []


def test_csv_lists_sessions_with_their_figures(write_json, tmp_path):
    import csv
    import io

    data = json.loads(json.dumps(BASE))
    awkward = tmp_path / 'take, "final"\nversion.wav'
    data["audio"] = {"path": str(awkward), "duration": 80.0, "channels": 2, "sample_rate": 16000}
    analyze(str(write_json(data, "awkward.json")))
    analyze(session_file(write_json, tmp_path, "plain", 20.0))
    result = run_cli("history", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["audio_path"] for row in rows] == [str(awkward), str(tmp_path / "plain.wav")]
    assert [float(row["longest_turn"]) for row in rows] == [36.5, 20.0]
    assert rows[0]["profile"] == "job-interview" and rows[0]["you"] == "S1"
    assert rows[0]["open_share"] == "", "a figure the session lacks is an empty cell"


def test_compare_two_sessions(write_json, tmp_path):
    analyze(session_file(write_json, tmp_path, "before", 200.0))
    analyze(session_file(write_json, tmp_path, "after", 60.0))
    a, b = (s["id"] for s in listed_sessions())
    result = run_cli("compare", str(a), str(b), "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    longest = found["metrics"]["longest_turn"]
    assert (longest["first"], longest["second"], longest["change"]) == (200.0, 60.0, -140.0)
    assert longest["verdict"] == "better" and longest["max"] == 150, "back under the 2 min 30 s target"
    assert found["metrics"]["questions"]["verdict"] == "off target"
    assert (found["first"]["id"], found["second"]["id"], found["profile"]) == (a, b, "job-interview")
    reverse = json.loads(run_cli("compare", str(b), str(a), "--json").stdout)
    assert reverse["metrics"]["longest_turn"]["verdict"] == "worse"
    text = run_cli("compare", str(a), str(b), "--lang", "en")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60, lines
    assert "Your longest turn (target ≤ 2 min 30 s)" in lines
    assert any(
        "A 3 min 20 s → B 1 min" in line and "−2 min 20 s" in line and "closer to target" in line
        for line in lines
    )
    french = run_cli("compare", str(a), str(b), "--lang", "fr").stdout
    assert "plus proche de l’objectif" in french or "plus proche de l'objectif" in french
    unknown = run_cli("compare", str(a), "404")
    assert unknown.returncode == 1 and unknown.stderr.strip().splitlines() == [
        "Error: no session 404 in the history; 'rehearse history' lists them"
    ]


def asking_session(write_json, tmp_path) -> str:
    """A saved session in which the user asks an open question (BASE asks none)."""
    asks = json.loads(json.dumps(BASE))
    asks["turns"].append({"speaker": "S1", "start": 54, "end": 57, "text": "What does the team work on?"})
    asks["audio"] = {
        "path": str(tmp_path / "asks.wav"),
        "duration": 80.0,
        "channels": 2,
        "sample_rate": 16000,
    }
    return str(write_json(asks, "asks.json"))


def test_compare_says_when_a_session_lacks_a_figure(write_json, tmp_path):
    analyze(asking_session(write_json, tmp_path))
    analyze(session_file(write_json, tmp_path, "silent", 30.0))  # asks nothing: no open-question share
    a, b = (s["id"] for s in listed_sessions())
    found = json.loads(run_cli("compare", str(a), str(b), "--json").stdout)
    assert found["metrics"]["open_share"] == {
        **found["metrics"]["open_share"],
        "second": None,
        "verdict": "missing",
    }
    text = run_cli("compare", str(a), str(b), "--lang", "en").stdout
    assert "not measured in B" in text


def test_progress_marks_sessions_without_a_figure(write_json, tmp_path):
    analyze(session_file(write_json, tmp_path, "silent", 30.0))
    analyze(asking_session(write_json, tmp_path))
    found = json.loads(run_cli("progress", "--json").stdout)
    first = found["sessions"][0]["id"]
    assert found["metrics"]["open_share"]["missing"] == [first]
    assert found["metrics"]["longest_turn"]["missing"] == []
    text = run_cli("progress", "--lang", "en").stdout
    (line,) = [line for line in text.splitlines() if "open questions" in line.lower()]
    assert "·" in line, line
    assert "· a session without this figure" in text
    french = run_cli("progress", "--lang", "fr").stdout
    assert "· une séance sans ce chiffre" in french


def test_sparkline_marks_missing_values():
    from rehearse.cli.history import _spark

    assert _spark([1, 2, None, 8]) == "▁▂·█"
    assert _spark([None, 5]) == "·▄"


def test_a_transcript_re_run_saved_hashes_the_recording_it_names(write_json, tmp_path):
    import hashlib

    recording = silent_wav(tmp_path / "named.wav")
    data = json.loads(json.dumps(BASE))
    data["audio"] = {"path": recording, "duration": 2.0, "channels": 1, "sample_rate": 16000}
    report = analyze(str(write_json(data, "named.json")))
    digest = hashlib.sha256(Path(recording).read_bytes()).hexdigest()
    assert report["audio"]["sha256"] == digest
    (kept,) = listed_sessions()
    assert kept["audio_sha256"] == digest
