"""rehearse drill with answers from files (--answer), in English and French, with the real model;
the attempts kept in a real SQLite history."""

from __future__ import annotations

import json
import sqlite3
import wave

import numpy as np
import pytest

from conftest import AUDIO, run_cli, run_on_a_terminal
from rehearse import history
from rehearse.audio import decode as audio

RATE = 16_000


def said_by(fixture: str, start: float, end: float, lead: float, path):
    """What one person said between ``start`` and ``end`` of a stereo fixture (their own mic),
    after ``lead`` seconds of silence, as a WAV file."""
    rows = audio.load(AUDIO / fixture).samples[:, int(start * RATE) : int(end * RATE)]
    own = rows[int(np.argmax((rows**2).sum(axis=1)))]
    samples = np.concatenate([np.zeros(int(lead * RATE), np.float32), own])
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.mark.e2e
def test_an_answer_from_a_file_is_judged_and_kept_with_its_earlier_attempts(tmp_path):
    answer = said_by("en-interview-stereo.flac", 6.1, 28.6, 1.5, tmp_path / "answer.wav")
    first = run_cli("drill", "--profile", "job-interview", "--lang", "en", "--answer", str(answer), "--json")
    assert first.returncode == 0, first.stderr
    attempt = json.loads(first.stdout)
    figures = attempt["figures"]
    assert attempt["question"] == "Tell me about yourself, in two minutes."
    assert figures["pause"] == pytest.approx(1.5, abs=0.4), "the silence before the first word"
    assert figures["length"] == pytest.approx(22.3, abs=2.0)
    assert figures["words"] > 40 and figures["wpm"] > 80
    assert "asked" in attempt["sections"]
    assert "star" in attempt["sections"], "a plugin that declares drill = True joins the drill"
    assert "Sure. I have worked as a software engineer" in attempt["transcript"]

    again = run_cli("drill", "--profile", "job-interview", "--lang", "en", "--answer", str(answer))
    assert again.returncode == 0, again.stderr
    assert "Pause before your first word" in again.stdout and "Your earlier attempt:" in again.stdout
    listed = json.loads(run_cli("drill", "--list", "--json").stdout)
    assert [(q["question"], q["attempts"]) for q in listed] == [
        ("Tell me about yourself, in two minutes.", 2)
    ]
    assert listed[0]["best"]["figures"]["pause"] == pytest.approx(1.5, abs=0.4)
    progress = run_cli("progress", "--lang", "en")
    assert "Questions you drilled:" in progress.stdout and "2 attempts · pause" in progress.stdout
    assert json.loads(run_cli("progress", "--json").stdout)["drills"][0]["attempts"] == 2


@pytest.mark.e2e
def test_asking_in_french_says_why_a_question_is_closed(tmp_path):
    # "Est-ce que vous en avez parlé à votre responsable ?", on the interviewer's own mic.
    closed = said_by("fr-interview-stereo.flac", 27.3, 29.8, 0.5, tmp_path / "ferme.wav")
    result = run_cli(
        "drill", "--profile", "reverse", "--lang", "fr", "--asking", "--answer", str(closed), "--json"
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["kind"] == "closed"
    assert figures["reason"].startswith("Fermée : commence par « Est-ce que » : on peut répondre oui ou non")
    opened = said_by("fr-interview-stereo.flac", 32.1, 34.5, 0.5, tmp_path / "ouverte.wav")
    shown = run_cli("drill", "--profile", "reverse", "--lang", "fr", "--asking", "--answer", str(opened))
    assert shown.returncode == 0, shown.stderr
    assert "Ouverte" in shown.stdout and "Vous avez demandé : « Comment" in shown.stdout


@pytest.mark.e2e
def test_an_answer_with_no_speech_is_one_line_and_nothing_is_kept(tmp_path):
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"\0\0" * RATE * 3)
    result = run_cli("drill", "--profile", "job-interview", "--lang", "en", "--answer", str(silence))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: no speech was heard in the answer")
    assert json.loads(run_cli("drill", "--list", "--json").stdout) == []


def test_nothing_to_drill_says_what_to_do(tmp_path, write_json):
    empty = run_cli("drill", "--answer", str(tmp_path / "x.wav"))
    assert empty.returncode == 1
    assert empty.stderr.strip() == (
        "Error: no session in your history yet: analyse a recording first, or drill the bank with --profile NAME"
    )
    calm = write_json(
        {"speakers": ["A", "B"], "turns": [{"speaker": "A", "start": 0, "end": 2, "text": "Hi."}]}
    )
    result = run_cli("drill", "--from", str(calm), "--answer", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {calm} has no question that threw you; try --profile NAME for the situation's bank"
    )
    hostile = write_json({"analyzers": {"asked": {"items": [{"flags": ["x"], "time": "NaN?"}]}}}, "bad.json")
    broken = run_cli("drill", "--from", str(hostile), "--answer", str(tmp_path / "x.wav"))
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert broken.stderr.startswith(f"Error: {hostile} is not a report rehearse wrote:")
    assert run_cli("drill", "--json").returncode == 2, "--json needs an attempt to print"
    assert run_cli("drill", "--list").stdout.startswith("No question drilled yet")


def test_an_old_history_gains_the_drills_table_and_keeps_its_sessions(tmp_path):
    location = tmp_path / "history.sqlite3"
    with history.connect(location, migrations=history.MIGRATIONS[:3]) as db:
        db.execute(
            "INSERT INTO sessions (analyzed_at, audio_path, report) VALUES ('2026-11-01T10:00:00+00:00', '/a.wav', '{}')"
        )
    assert history.attempts(location=location) == []
    with sqlite3.connect(location) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 4
        assert db.execute("SELECT audio_path FROM sessions").fetchall() == [("/a.wav",)]
    assert (tmp_path / "history.sqlite3.v3.bak").exists()
    kept = history.save_attempt(
        {
            "key": "why",
            "question": "Why?",
            "language": "en",
            "transcript": "Because.",
            "figures": {"pause": 1.0},
        },
        "answer",
        None,
        location=location,
    )
    assert [a["id"] for a in history.attempts("why", location=location)] == [kept]


@pytest.mark.e2e
def test_drilling_at_the_microphone(null_sink, tmp_path):
    """An answer played into the virtual card while drilling in a pseudo-terminal: recorded until
    the silence after it, transcribed, judged, kept; 's' stops."""
    import os
    import pty
    import select
    import subprocess
    import sys

    answer = said_by("en-interview-stereo.flac", 6.1, 28.6, 0.5, tmp_path / "answer.wav")
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(
            sys.executable,
            [sys.executable, "-m", "rehearse", "drill", "--profile", "job-interview", "--lang", "en"],
        )
    seen, player, stopped = b"", None, False
    while select.select([fd], [], [], 60)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if player is None and b"ends it." in seen:
            player = subprocess.Popen(["paplay", str(answer)])
        if not stopped and b"[n]ext" in seen:
            os.write(fd, b"s\n")
            stopped = True
    _, status = os.waitpid(pid, 0)
    shown = seen.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, shown
    assert "Question 1 of" in shown and "Pause before your first word" in shown, shown
    (kept,) = json.loads(run_cli("drill", "--list", "--json").stdout)
    assert kept["attempts"] == 1 and kept["latest"]["figures"]["words"] > 40


def envelope_match(heard: np.ndarray, clip: np.ndarray, lag: int) -> float:
    """How alike the loudness of ``clip`` and of ``heard`` ``lag`` 50-ms frames later is (Pearson)."""

    def frames(x: np.ndarray) -> np.ndarray:
        n = len(x) // 800
        return np.sqrt(np.mean(x[: n * 800].reshape(n, 800) ** 2, axis=1))

    a, b = frames(clip), frames(heard)[max(lag, 0) :]
    a = a[max(-lag, 0) :]
    n = min(len(a), len(b))
    if n <= 10 or not a[:n].std() or not b[:n].std():
        return 0.0  # silence heard: nothing was played
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


@pytest.mark.e2e
def test_a_question_from_a_report_is_played_and_ctrl_c_keeps_nothing_half_done(
    null_sink, tmp_path, write_json
):
    """The interviewer's own words are played through the sound card before you answer (heard
    back on the card's monitor); Ctrl-C while answering stops in one line, with nothing kept; a
    recording moved since says so instead of playing."""
    import signal
    import subprocess
    import time

    recording = tmp_path / "interview.wav"
    recording.write_bytes((AUDIO / "en-interview-mono.wav").read_bytes())
    start, end = 0.5, 4.0
    report = write_json(
        {
            "language": "en",
            "audio": {"path": str(recording)},
            "coaching": {"you": "S1"},
            "analyzers": {
                "asked": {
                    "items": [
                        {
                            "question": "Why this job?",
                            "time": start,
                            "speaker": "S1",
                            "asked_by": "S2",
                            "flags": ["pause"],
                        }
                    ]
                }
            },
            "utterances": [{"speaker": "S2", "start": start - 0.02, "end": end, "text": "Why this job?"}],
        },
        "report.json",
    )
    heard = tmp_path / "heard.wav"
    monitor = subprocess.Popen(
        ["parecord", "--device=rehearse_ci.monitor", "--rate=16000", "--channels=1", str(heard)]
    )
    deadline = time.monotonic() + 30
    while not heard.exists() or heard.stat().st_size < 44 + 16_000:  # half a second recorded
        assert monitor.poll() is None and time.monotonic() < deadline, "parecord did not start"
        time.sleep(0.1)
    shown, status = run_on_a_terminal(
        "drill", "--from", str(report), "--lang", "en", answer=b"\x03", asked=(b"ends it.",)
    )
    time.sleep(1.5)  # parecord writes what it buffered
    monitor.send_signal(signal.SIGINT)
    monitor.wait()
    assert status == 130 and "Interrupted." in shown and "Traceback" not in shown, shown
    assert "Question 1 of 1 (report)" in shown and "Why this job?" in shown, shown
    clip = audio.load(recording).mono[int(start * RATE) : int(end * RATE)]
    back = audio.load(heard).mono
    # Through the sound server the waveform is resampled twice: compare loudness 50 ms by 50 ms.
    lags = range(-len(clip) // 800 + 20, len(back) // 800 - 20)  # at least a second in common
    assert max(envelope_match(back, clip, lag) for lag in lags) > 0.9, "the clip was played"
    assert json.loads(run_cli("drill", "--list", "--json").stdout) == [], "an interrupted attempt is not kept"

    recording.rename(tmp_path / "moved.wav")
    shown, status = run_on_a_terminal(
        "drill", "--from", str(report), "--lang", "en", answer=b"\x03", asked=(b"ends it.",)
    )
    assert status == 130, shown
    assert f"(The recording is no longer at {recording}: read the question.)" in shown.replace(
        "\r\n", " "
    ).replace("\n", " "), shown
