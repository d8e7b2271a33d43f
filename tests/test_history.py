"""The history: a real SQLite file, its migrations, and what happens when it is damaged or busy."""

import json
import os
import sqlite3

import pytest

from conftest import run_cli
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


def analyze(path: str, *extra: str):
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
    result = run_cli("analyze", "--transcript", path, "-f", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "xdg" / "rehearse" / history.FILE_NAME).is_file()
    assert len(json.loads(run_cli("history", "--json", env=env).stdout)) == 1


def test_a_damaged_history_is_never_rewritten(write_json, tmp_path, private_data_dir):
    damaged = private_data_dir / history.FILE_NAME
    damaged.write_bytes(b"these are not the droids " * 100)
    before = damaged.read_bytes()
    path = session_file(write_json, tmp_path, "x", 30.0)
    result = run_cli("analyze", "--transcript", path, "--profile", "job-interview", "-f", "json")
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
    result = run_cli("analyze", "--transcript", str(write_json(BASE)), "-f", "json")
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
