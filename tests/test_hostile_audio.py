"""Damaged recordings and paths that are not recordings.

A file cut short, or whose header announces more than it holds, gives a report on what
decoded *and says what was lost* (``AudioInfo.damage``); a path that is not a regular file
(a FIFO, /dev/zero, a directory) or holds nothing is refused in one line, before anything
tries to read it. The damaged files are made at test time from the fixtures.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import av
import pytest

from conftest import AUDIO
from rehearse.audio import decode
from rehearse.conversation import Damage
from rehearse.errors import AudioError

LENGTH = 70.368  # seconds, of the English fixtures


def cut(source: Path, target: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def faststart(source: Path, target: Path) -> Path:
    """The m4a remuxed with its index (moov) first, as streaming apps write it: cut short, its
    first half still plays."""
    with (
        av.open(str(source)) as given,
        av.open(str(target), "w", format="mp4", options={"movflags": "faststart"}) as out,
    ):
        stream = out.add_stream_from_template(given.streams.audio[0])
        for packet in given.demux(given.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    return target


def overstated(source: Path, target: Path) -> Path:
    """The WAV with a header announcing twice the data the file holds."""
    data = bytearray(source.read_bytes())
    at = data.find(b"data")
    size = struct.unpack("<I", data[at + 4 : at + 8])[0]
    data[at + 4 : at + 8] = struct.pack("<I", 2 * size)
    target.write_bytes(bytes(data))
    return target


def rehearse(*args: str, timeout: float) -> subprocess.CompletedProcess:
    """The command line, killed (and the test failed) if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "rehearse", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    "make, announced, read_between",
    [
        (lambda tmp: cut(AUDIO / "en-interview-mono.wav", tmp / "cut.wav"), LENGTH, (34, 36)),
        (lambda tmp: cut(AUDIO / "en-interview-stereo.flac", tmp / "cut.flac"), LENGTH, (30, 40)),
        (lambda tmp: overstated(AUDIO / "en-interview-mono.wav", tmp / "liar.wav"), 2 * LENGTH, (70, 71)),
        (
            lambda tmp: cut(faststart(AUDIO / "fr-interview-mono.m4a", tmp / "whole.m4a"), tmp / "cut.m4a"),
            58.232,
            (20, 35),
        ),
    ],
    ids=["truncated wav", "truncated flac", "wav header claiming more", "truncated m4a"],
)
def test_a_damaged_file_gives_what_decodes_and_says_what_was_lost(tmp_path, make, announced, read_between):
    recording = decode.load(make(tmp_path))
    damage = recording.info.damage
    assert damage is not None
    assert damage.expected == pytest.approx(announced, abs=0.01)
    assert read_between[0] < recording.info.duration == damage.read < read_between[1]
    assert recording.samples.shape[1] / decode.SAMPLE_RATE == pytest.approx(damage.read, abs=0.001)
    english, french = decode.damage_note(damage, "en"), decode.damage_note(damage, "fr")
    assert english.startswith("The recording is damaged: ") and "could not be read" in english
    assert french.startswith("L’enregistrement est endommagé : ") and "\n" not in english + french


@pytest.mark.parametrize(
    "name", ["en-interview-mono.wav", "en-interview-stereo.flac", "fr-interview-mono.m4a"]
)
def test_a_sound_file_has_no_damage(name):
    assert decode.load(AUDIO / name).info.damage is None


def test_the_note_names_skipped_passages_and_where_reading_stopped():
    note = decode.damage_note(Damage(None, 61.5, skipped=2, stopped=True, reason="invalid data"), "en")
    assert note == (
        "The recording is damaged: reading stopped at 1 min 2 s; 2 passages could not be decoded and "
        "were left out (invalid data); the report covers the 1 min 2 s that could be read."
    )
    assert "sur les 10 s annoncées" in decode.damage_note(Damage(10.0, 4.0), "fr")
    one = Damage(None, 61.5, skipped=1, reason="invalid data")
    assert ": 1 passage could not be decoded and was left out (invalid data);" in decode.damage_note(one, "en")
    assert decode.damage_note(one, "fr") == (
        "L’enregistrement est endommagé : 1 passage illisible a été ignoré ; "
        "le rapport porte sur les 1 min 2 s qui ont pu être lues."
    )


def test_a_header_with_nothing_after_it_is_a_report_on_nothing_with_its_damage(tmp_path):
    recording = decode.load(cut(AUDIO / "en-interview-mono.wav", tmp_path / "head.wav", keep=0.0001))
    assert recording.info.damage is not None and recording.info.damage.expected == pytest.approx(
        LENGTH, abs=0.01
    )


def unwritten_fifo(tmp: Path) -> Path:
    path = tmp / "live.wav"
    os.mkfifo(path)  # no writer: opening it for reading would wait for ever
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (unwritten_fifo, "is a named pipe (FIFO), not a recording file"),
        (lambda tmp: Path("/dev/zero"), "is a device, not a recording file"),
        (lambda tmp: tmp, "is a directory, not a recording"),
        (
            lambda tmp: (tmp / "empty.wav").write_bytes(b"") or tmp / "empty.wav",
            "the file is empty (0 bytes)",
        ),
        # Phones write the index (moov) last: cut short, nothing tells where the audio is.
        (lambda tmp: cut(AUDIO / "fr-interview-mono.m4a", tmp / "cut.m4a"), "or a damaged one"),
        (lambda tmp: cut(AUDIO / "en-interview-stereo.flac", tmp / "head.flac", 0.0001), "or a damaged one"),
    ],
    ids=["fifo", "/dev/zero", "directory", "zero bytes", "truncated m4a, index last", "flac header only"],
)
def test_what_cannot_be_read_is_refused_in_one_line(tmp_path, make, message):
    path = make(tmp_path)
    if not path.exists():
        pytest.skip(f"{path} does not exist here")
    with pytest.raises(AudioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode.load(path)
    result = rehearse("analyze", str(path), "--no-save", timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
    assert result.stdout == ""


@pytest.mark.e2e
def test_the_report_on_a_truncated_recording_carries_its_damage(tmp_path):
    damaged = cut(AUDIO / "en-interview-stereo.flac", tmp_path / "cut.flac")
    result = rehearse("analyze", str(damaged), "--no-save", "-f", "json", timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    damage = report["audio"]["damage"]
    assert damage["expected"] == pytest.approx(LENGTH, abs=0.01) and 30 < damage["read"] < 40
    assert report["duration"] == damage["read"]
    assert any(note.startswith("The recording is damaged: ") for note in report["notes"])
    assert "Warning: The recording is damaged: " in result.stderr
    saved = tmp_path / "report.json"
    saved.write_text(result.stdout, encoding="utf-8")
    again = rehearse("analyze", "--transcript", str(saved), "-f", "json", timeout=60)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["audio"]["damage"] == damage
