"""rehearse batch: many recordings, on local processes and on a real Dask cluster on 127.0.0.1,
with the real model on real speech (pyannote.audio's sample of two people talking)."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from rehearse.audio import decode as audio
from rehearse.batch import BatchError, inputs
from test_readme import aac
from test_real_speech import _source, sources

sys.path.insert(0, str(ROOT / "benchmarks"))
import batch_speed  # noqa: E402

RATE = 16_000


def test_inputs_are_files_folders_and_patterns_named_after_their_place(tmp_path):
    for name in ("a/one.wav", "a/deep/two.m4a", "a/notes.txt", "b/one.wav", "b/one.mp3"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = inputs.find([str(tmp_path / "a"), str(tmp_path / "b" / "*.*"), str(tmp_path / "a" / "one.wav")])
    assert [(r.path.relative_to(tmp_path).as_posix(), r.name) for r in found] == [
        ("a/deep/two.m4a", "deep/two"),
        ("a/one.wav", "one"),
        ("b/one.mp3", "one-2"),  # the same name twice gets a number, never an overwrite
        ("b/one.wav", "one-3"),
    ], "a folder's sound files, a pattern's, and a file given twice taken once"
    recursive = inputs.find([str(tmp_path / "*" / "**" / "*.wav")])
    assert [r.name for r in recursive] == ["a/one", "b/one"]
    for given, said in [
        (tmp_path / "nothing", "no such file or folder"),
        (tmp_path / "*.flac", "the pattern matches no recording"),
        (tmp_path / "a" / "deep" / "..", None),
    ]:
        if said is None:
            assert inputs.find([str(given)])
            continue
        with pytest.raises(BatchError, match=said):
            inputs.find([str(given)])
    (tmp_path / "empty").mkdir()
    with pytest.raises(BatchError, match="no recording in this folder"):
        inputs.find([str(tmp_path / "empty")])


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """Two real recordings and a broken one, in a folder and a subfolder."""
    sample = _source(sources.pyannote_sample)
    folder = tmp_path_factory.mktemp("cohort")
    samples = audio.load(sample.audio).mono
    (folder / "group-b").mkdir()
    aac(samples, folder / "alice.m4a")
    aac(samples[int(4 * RATE) :], folder / "group-b" / "bob.m4a")
    (folder / "group-b" / "broken.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEjunk" + os.urandom(64))
    return folder


def figures(output: Path) -> list[tuple]:
    return [
        (s["name"], s["duration"], [(p["id"], p["role"], p["figures"]) for p in s["speakers"]])
        for s in sorted(
            json.loads((output / "summary.json").read_text())["sessions"], key=lambda s: s["name"]
        )
    ]


@pytest.mark.e2e
def test_a_batch_writes_every_report_lists_the_failure_and_goes_on_where_it_stopped(recordings, tmp_path):
    output = tmp_path / "reports"
    first = run_cli(
        "batch",
        str(recordings),
        "-o",
        str(output),
        "--jobs",
        "2",
        "-f",
        "html",
        "-f",
        "markdown",
        "--lang",
        "en",
    )
    assert first.returncode == 1, first.stderr  # one recording failed
    assert "Traceback" not in first.stderr
    lines = first.stderr.strip().splitlines()
    assert "2 recordings analysed, 0 already done, skipped, 1 failed" in first.stderr, first.stderr
    assert lines[-1].startswith(f"  {recordings / 'group-b' / 'broken.wav'}: "), lines
    for name in ("alice", "group-b/bob"):
        for suffix in (".json", ".html", ".md"):
            assert (output / f"{name}{suffix}").is_file(), name + suffix
    assert not list(output.rglob(".*.partial"))
    summary = json.loads((output / "summary.json").read_text())
    assert [f["recording"] for f in summary["failed"]] == [str(recordings / "group-b" / "broken.wav")]
    rows = list(csv.DictReader((output / "summary.csv").open(encoding="utf-8")))
    assert {(r["recording"], r["speaker"]) for r in rows if not r["error"]} == {
        (str(recordings / "alice.m4a"), "S1"),
        (str(recordings / "alice.m4a"), "S2"),
        (str(recordings / "group-b" / "bob.m4a"), "S1"),
        (str(recordings / "group-b" / "bob.m4a"), "S2"),
    }
    assert all(r["talk_share"] for r in rows if not r["error"]), "each speaker's own figures"
    cohort = (output / "cohort.html").read_text()
    assert 'href="alice.html"' in cohort and 'href="group-b/bob.html"' in cohort
    history = json.loads(run_cli("history", "--json").stdout)
    assert len(history) == 2, "the sessions are in the history"

    # Resumable: what is done is skipped; a report taken away is redone, and only it.
    before = figures(output)
    (output / "alice.json").unlink()
    again = run_cli(
        "batch",
        str(recordings),
        "-o",
        str(output),
        "--jobs",
        "2",
        "-f",
        "html",
        "-f",
        "markdown",
        "--lang",
        "en",
    )
    assert "1 recording analysed, 1 already done, skipped, 1 failed" in again.stderr, again.stderr
    assert figures(output) == before, "the same figures, from the same model on the same audio"
    forced = run_cli(
        "batch", str(recordings / "alice.m4a"), "-o", str(output), "--force", "--no-save", "--lang", "en"
    )
    assert forced.returncode == 0 and "1 recording analysed, 0 already done" in forced.stderr, forced.stderr
    assert len(json.loads(run_cli("history", "--json").stdout)) == 2, "the same recordings, not new sessions"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A Dask scheduler and two worker processes (one thread each) on 127.0.0.1, as `dask
    scheduler` and `dask worker` start them (the benchmark's own)."""
    address, processes = batch_speed.cluster(tmp_path)
    yield address
    for process in reversed(processes):
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.e2e
def test_a_batch_on_a_dask_cluster_gives_what_a_local_one_gives(recordings, tmp_path, dask_cluster):
    local, remote = tmp_path / "local", tmp_path / "remote"
    here = run_cli("batch", str(recordings), "-o", str(local), "--no-save", "--lang", "en")
    there = run_cli(
        "batch", str(recordings), "-o", str(remote), "--scheduler", dask_cluster, "--no-save", "--lang", "en"
    )
    assert here.returncode == there.returncode == 1, (here.stderr, there.stderr)
    assert "2 recordings analysed, 0 already done, skipped, 1 failed" in there.stderr, there.stderr
    assert figures(remote) == figures(local)
    for name in ("alice", "group-b/bob"):
        near, far = (json.loads((o / f"{name}.json").read_text()) for o in (local, remote))
        assert [w["text"] for w in far["words"]] == [w["text"] for w in near["words"]]
        assert far["audio"]["path"] == near["audio"]["path"], "the recording as given, not the worker's copy"
    unreachable = run_cli(
        "batch", str(recordings), "-o", str(tmp_path / "x"), "--scheduler", f"tcp://127.0.0.1:{free_port()}"
    )
    assert unreachable.returncode == 1 and unreachable.stderr.startswith(
        "Error: cannot reach the Dask scheduler at"
    )


@pytest.mark.e2e
def test_ctrl_c_keeps_every_report_written_whole_and_the_next_run_finishes(recordings, tmp_path):
    output = tmp_path / "reports"
    batch = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rehearse",
            "batch",
            str(recordings),
            "-o",
            str(output),
            "--no-save",
            "--lang",
            "en",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while not (output / "alice.json").exists():
        assert batch.poll() is None and time.monotonic() < deadline, "the first report never came"
        time.sleep(0.1)
    batch.send_signal(signal.SIGINT)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 130 and "Traceback" not in stderr, stderr
    assert "Interrupted: run the same command again to go on where it stopped." in stderr
    assert not list(output.rglob(".*.partial")), "nothing half-written"
    done = json.loads((output / "alice.json").read_text())
    assert done["batch"]["key"]
    assert [s["name"] for s in json.loads((output / "summary.json").read_text())["sessions"]] == ["alice"]
    rest = run_cli("batch", str(recordings), "-o", str(output), "--no-save", "--lang", "en")
    assert "1 recording analysed, 1 already done, skipped, 1 failed" in rest.stderr, rest.stderr


def test_the_cohort_page_shows_every_session_against_the_target_and_the_furthest_first(
    write_json, tmp_path, open_page
):
    from rehearse.batch import summary
    from rehearse.renderers import html
    from test_history import analyze, session_file

    entries = []
    for name, day, longest in (
        ("monday", "monday", 36.5),
        ("<b>tuesday</b>", "tuesday", 200.0),
        ("friday", "friday", 60.0),
    ):
        report = analyze(session_file(write_json, tmp_path, day, longest), "--no-save")
        entries.append(summary.Entry(name, f"{name}.m4a", report, f"{name}.html"))
    entries.append(summary.Entry("broken", "broken.wav", None, None, "not a recording"))
    page_path = tmp_path / "cohort.html"
    page_path.write_text(html.cohort_page(summary.cohort(entries), "en"), encoding="utf-8")
    page, seen = open_page(page_path)
    assert seen["console"] == [] and seen["requests"] == [page_path.resolve().as_uri()]
    card = page.locator("#cohort .card", has_text="longest turn")
    dots = card.locator("circle.dot")
    assert dots.count() == 3
    band = card.locator("rect.band").bounding_box()
    right = [dots.nth(i).bounding_box() for i in range(3)]
    beyond = [b["x"] + b["width"] / 2 > band["x"] + band["width"] for b in right]
    assert beyond == [False, True, False], "only the 200-s turn lies past the 150-s target"
    assert "2 of 3 on target" in card.inner_text()
    furthest = page.locator("#furthest li").first
    assert furthest.inner_text().startswith("<b>tuesday</b>: "), "shown as text, not markup"
    assert furthest.locator("a").get_attribute("href") == "%3Cb%3Etuesday%3C/b%3E.html"
    assert page.locator("#failed li").inner_text() == "broken.wav: not a recording"
    page.screenshot(path=str(tmp_path / "cohort.png"), full_page=True)
