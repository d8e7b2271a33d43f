"""Speed and memory of `rehearse analyze` against faster-whisper alone, in one run.

Builds a long input by concatenating the stereo fixtures (default: 30 minutes),
then measures on the same file and model:

1. baseline: faster-whisper alone (decode + transcribe the mix, word timestamps, VAD),
   as a user of faster-whisper would run it;
2. rehearse: the full `rehearse analyze --format json` in a subprocess.

Prints wall times, the ratio rehearse / baseline, and peak RSS of each process.

    python benchmarks/pipeline_speed.py [--minutes 30]

With --silence-hours, the memory a long recording takes instead: that many hours of silence
(48 kHz FLAC, stereo and mono), decoded the way rehearse did before issue 12 (every chunk kept
and joined at the end; tests/test_audio.py keeps it as a reference) against decode.load, and
the whole `rehearse analyze`, each in a fresh process.

    python benchmarks/pipeline_speed.py --silence-hours 2
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["en-interview-stereo.flac", "fr-interview-stereo.flac"]

BASELINE = """
import sys, time
from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio
from rehearse.transcription.model_files import resolve
model = WhisperModel(resolve("base"), device="cpu", compute_type="int8")
audio = decode_audio(sys.argv[1])
segments, info = model.transcribe(audio, word_timestamps=True, vad_filter=True,
                                  condition_on_previous_text=False)
print(sum(len(s.words) for s in segments), "words")
"""


def build_input(minutes: float, target: Path) -> float:
    from rehearse.audio.decode import load

    pieces = [load(ROOT / "fixtures" / "audio" / name).samples for name in SOURCES]
    out, total = [], 0
    while total < minutes * 60 * 16_000:
        for piece in pieces:
            out.append(piece)
            total += piece.shape[1]
    samples = np.concatenate(out, axis=1)
    with wave.open(str(target), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes((np.clip(samples.T, -1, 1) * 32767).astype("<i2").tobytes())
    return samples.shape[1] / 16_000


# Runs a command and prints its own peak RSS, so each measurement gets a fresh maximum.
WRAPPER = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command], check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started, int(out.stdout.strip()) / 1024


def silence(hours: float, channels: int, target: Path) -> None:
    """``hours`` of digital silence as a 48 kHz FLAC, written a minute at a time."""
    import av

    with av.open(str(target), "w") as container:
        stream = container.add_stream("flac", rate=48_000)
        stream.layout = "stereo" if channels == 2 else "mono"
        minute = np.zeros((1, 48_000 * 60 * channels), np.int16)
        for index in range(round(hours * 60)):
            frame = av.AudioFrame.from_ndarray(minute, format="s16", layout=stream.layout.name)
            frame.sample_rate, frame.pts = 48_000, index * 48_000 * 60
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


# Decodes a file the way rehearse did before issue 12, in a process of its own.
OLD_DECODE = (
    "import sys; sys.path.insert(0, sys.argv[2]);"
    "from test_audio import reference_samples; reference_samples(sys.argv[1])"
)
NEW_DECODE = "import sys; from rehearse.audio.decode import load; load(sys.argv[1])"


def memory(hours: float) -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"input: {hours:g} h of silence, 48 kHz FLAC; peak RSS of each process")
    with tempfile.TemporaryDirectory() as tmp:
        for channels in (2, 1):
            path = Path(tmp) / f"silence-{channels}.flac"
            silence(hours, channels, path)
            _, old = timed([sys.executable, "-c", OLD_DECODE, str(path), str(ROOT / "tests")])
            _, new = timed([sys.executable, "-c", NEW_DECODE, str(path)])
            wall, full = timed(
                [sys.executable, "-m", "rehearse", "analyze", str(path), "--no-save", "-f", "json"]
            )
            name = "stereo" if channels == 2 else "mono"
            print(
                f"{name:6}: decode, chunks joined (before) {old:6.0f} MB; decode.load {new:6.0f} MB (ratio {new / old:.2f})"
            )
            print(f"{'':6}  rehearse analyze {full:6.0f} MB, {wall:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--silence-hours", type=float, help="measure the memory of this much silence instead")
    args = parser.parse_args()
    if args.silence_hours:
        memory(args.silence_hours)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.wav"
        seconds = build_input(args.minutes, path)
        # Each measurement in a fresh process, so ru_maxrss is that process's own peak.
        base_wall, base_rss = timed([sys.executable, "-c", BASELINE, str(path)])
        full_wall, full_rss = timed(
            [sys.executable, "-m", "rehearse", "analyze", str(path), "--no-save", "-f", "json"]
        )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"input: {seconds / 60:.1f} min stereo, 16 kHz (fixtures concatenated)")
    print(
        f"faster-whisper alone : {base_wall:7.1f} s  ({seconds / base_wall:5.1f}x real time)  peak RSS {base_rss:6.0f} MB"
    )
    print(
        f"rehearse analyze     : {full_wall:7.1f} s  ({seconds / full_wall:5.1f}x real time)  peak RSS {full_rss:6.0f} MB"
    )
    print(f"ratio rehearse / faster-whisper: {full_wall / base_wall:.2f}")


if __name__ == "__main__":
    main()
