"""The README's examples, run as written on a real recording: every command line it shows, in a
folder holding the files it names, made from pyannote.audio's sample of two people talking.

Only what needs a microphone is left to the recorder's tests (tests/test_recorder.py, through a
virtual PulseAudio card), and session numbers are the ones this history gave.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from conftest import ROOT, run_cli
from rehearse.audio import decode as audio
from test_real_speech import _source, sources

pytestmark = pytest.mark.e2e
RATE = 16_000

# Lines that record from a microphone; "rehearse record --recover" reads only the disk and runs.
NEEDS_A_MICROPHONE = re.compile(
    r"^rehearse (devices|record (?!--recover)|voice enroll\s*$|drill(?!.* --(answer|list)))"
)


def aac(samples: np.ndarray, path: Path) -> None:
    """Mono 16 kHz samples as an AAC .m4a, as a phone or Zoom would save them."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=RATE)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(samples.astype(np.float32)[None, :], format="flt", layout="mono")
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def readme_examples() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        line.split("  #")[0].strip()
        for line in readme.splitlines()
        # "a | b" lines list alternatives, not one command
        if re.match(r"^ {4}rehearse \w", line) and " | " not in line.split("  #")[0]
    ]


def test_the_readme_examples_run_as_written(tmp_path):
    sample = _source(sources.pyannote_sample)
    folder = tmp_path / "work"
    folder.mkdir()

    samples = audio.load(sample.audio).mono
    for name in ("call.wav", "memo.wav", "session.wav"):
        shutil.copy(sample.audio, folder / name)
    aac(samples, folder / "interview.m4a")
    aac(samples[RATE // 2 :], folder / "memo.m4a")  # another recording, another session in the history
    aac(samples[int(21.8 * RATE) : int(27.8 * RATE)], folder / "me.m4a")  # one voice alone
    aac(samples[int(14.4 * RATE) : int(18.0 * RATE)], folder / "take.m4a")  # an answer to drill
    shutil.copy(sample.audio.with_suffix(".rttm"), folder / "reference.rttm")
    for cohort in ("recordings", "cohort-a/week-1"):  # a coach's folders of recordings
        (folder / cohort).mkdir(parents=True)
        shutil.copy(folder / "memo.m4a", folder / cohort / "student-1.m4a")
        aac(samples[: 20 * RATE], folder / cohort / "student-2.m4a")

    examples = readme_examples()
    ran, skipped = [], []
    for example in examples:
        if NEEDS_A_MICROPHONE.match(example):
            skipped.append(example)
            continue
        words = shlex.split(example)[1:]
        if words[:1] in (["history"], ["compare"]):
            ids = [s["id"] for s in json.loads(run_cli("history", "--json", cwd=folder).stdout)]
            # The README's session numbers stand for "an earlier one" and "a later one".
            words = [str(ids[0] if w == "3" else ids[-1]) if w in ("3", "12") else w for w in words]
        into = words[words.index(">") + 1] if ">" in words else None
        result = run_cli(*words[: words.index(">")] if into else words, cwd=folder)
        assert result.returncode == 0, f"{example}\n{result.stderr}"
        assert "Traceback" not in result.stderr, example
        if into:
            (folder / into).write_text(result.stdout, encoding="utf-8")
        if words[:2] == ["history", "--delete"]:
            assert len(json.loads(run_cli("history", "--json", cwd=folder).stdout)) == 1, "one of two deleted"
        if "--format json" in example:
            (folder / "report.json").write_text(result.stdout, encoding="utf-8")
            shutil.copy(folder / "report.json", folder / "session.json")
        ran.append(example)

    assert all(re.match(r"^rehearse (devices|record|voice enroll$|drill)", line) for line in skipped), skipped
    assert len(ran) >= 20 and len(ran) + len(skipped) == len(examples), ran
    assert (folder / "reports" / "student-2.html").is_file()
    assert (folder / "reports" / "cohort-a" / "week-1" / "student-2.html").is_file()
    assert (folder / "reports" / "summary.csv").read_text(encoding="utf-8").startswith("recording,")
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert (folder / "bilan.md").read_text(encoding="utf-8").startswith("#")
    assert (folder / "memo.rttm").read_text(encoding="utf-8").startswith("SPEAKER memo 1 ")
    assert json.loads((folder / "s12.json").read_text(encoding="utf-8"))["speakers"]
    assert (folder / "sessions.csv").read_text(encoding="utf-8").startswith("id,")
    assert (folder / "rehearse-mycheck" / "pyproject.toml").exists()


def test_the_quick_start_report_coaches_the_candidate_from_the_first_run():
    # The README's first command, as written, by a new user: no --profile, no voice print.
    line = next(
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if " && rehearse " in line
    )
    words = shlex.split(line.split(" && ", 1)[1])[1:]
    report = run_cli(*words, cwd=ROOT, env={**os.environ, "COLUMNS": "100"})
    assert report.returncode == 0, report.stderr
    text = report.stdout
    # The fixture's script: S1 (left) is the candidate, S2 (right) interviews.
    sure = re.search(r"Speaker 1 \(left\) is taken to be you \((\d+)% sure: ", text)
    assert sure and int(sure[1]) >= 85, text
    targets = text.split("Targets (job interview)", 1)[1].split("\n\n", 1)[0]
    judged = [line for line in targets.splitlines() if line.lstrip().startswith(("✓", "✗"))]
    assert len(judged) >= 6 and "—" not in "".join(judged), targets
    assert "if you were" not in text.lower() and "Targets are not judged" not in text
    history = json.loads(run_cli("history", "--json").stdout)
    assert [(s["profile"], s["you"]) for s in history] == [("job-interview", "S1")], history
