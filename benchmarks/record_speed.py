"""How long `rehearse record --analyze` makes you wait once the conversation ends.

Plays a real conversation (``corpus.long_conversation``) into a PulseAudio null sink whose
monitor is the default input, runs `rehearse record --analyze` in a pseudo-terminal as a
person would, presses Enter once the recording holds ``--minutes`` of audio, and measures:

- from the "Recording to" line to the first audio in the file (negative: the audio was there
  first);
- from the Enter key to the report on screen (the "which speaker is you" question, asked
  once the transcript is ready, or the report itself);
- the input overflows of the session (its sidecar);
- as the baseline, in the same run: `rehearse analyze` of the same file, which is what the
  wait would be without transcribing while recording.

    python benchmarks/record_speed.py --minutes 30

Needs pulseaudio, pactl and paplay (see .ci/run). Takes the session's length plus a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import long_conversation  # noqa: E402

SINK = "rehearse_bench"
ASKED = (b"Which speaker is you", b"feedback report")


def null_sink() -> str:
    for tool in ("pulseaudio", "pactl", "paplay"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt install pulseaudio pulseaudio-utils libasound2-plugins")
    if subprocess.run(["pulseaudio", "--check"]).returncode != 0:
        subprocess.run(["pulseaudio", "-D", "--exit-idle-time=-1"], check=True, capture_output=True)
        time.sleep(1)
    module = subprocess.run(
        ["pactl", "load-module", "module-null-sink", f"sink_name={SINK}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(["pactl", "set-default-sink", SINK], check=True)
    subprocess.run(["pactl", "set-default-source", f"{SINK}.monitor"], check=True)
    return module


def frames_in(path: Path) -> int:
    return max(path.stat().st_size - 44, 0) // 2 if path.exists() else 0


def session(audio: Path, seconds: float, out: Path) -> dict:
    """One `record --analyze` in a pseudo-terminal, Enter pressed after ``seconds`` of audio."""
    env = {**os.environ, "COLUMNS": "100", "LINES": "40"}
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(
            sys.executable,
            [sys.executable, "-m", "rehearse", "record", str(out), "--analyze", "--lang", "en"],
            env,
        )
    shown = b""
    player = None
    announced = first_audio = pressed = ready = None
    while True:
        readable, _, _ = select.select([fd], [], [], 0.02)
        if readable:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        now = time.monotonic()
        if announced is None and b"Recording to" in shown:
            announced = now
        if first_audio is None and frames_in(out) > 0:
            first_audio = now
        if player is None and announced is not None:
            player = subprocess.Popen(["paplay", str(audio)])
        if pressed is None and frames_in(out) >= seconds * 16_000:
            os.write(fd, b"\n")
            pressed = now
        if pressed is not None and ready is None and any(mark in shown[-4000:] for mark in ASKED):
            ready = now
            os.write(fd, b"\n")  # keep the guess: the report follows
    os.waitpid(pid, 0)
    if player:
        player.terminate()
    sidecar = json.loads(out.with_suffix(".session.json").read_text())
    return {
        "line_to_audio": (first_audio - announced) if announced and first_audio else None,
        "stop_to_report": (ready - pressed) if ready and pressed else None,
        "overflows": sidecar.get("overflows"),
        "transcribed_ahead": b"Transcribed while recording" in shown,
        "behind": b"could not transcribe while recording" in shown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args()
    mono, _ = long_conversation.build(args.minutes + 0.5)
    module = null_sink()
    try:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["REHEARSE_DATA_DIR"] = folder  # the bench's sessions stay out of your history
            out = Path(folder) / "session.wav"
            found = session(mono, args.minutes * 60, out)
            started = time.monotonic()
            subprocess.run(
                [sys.executable, "-m", "rehearse", "analyze", str(out), "--no-save", "-f", "json"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            afterwards = time.monotonic() - started
    finally:
        subprocess.run(["pactl", "unload-module", module])
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; model base, int8")
    print(f"session: {args.minutes:g} min of real conversation played through PulseAudio")
    print(f"'Recording to' line → first audio in the file: {found['line_to_audio']:+.2f} s")
    print(f"Enter → report on screen: {found['stop_to_report']:.1f} s")
    print(f"baseline, rehearse analyze of the same file: {afterwards:.1f} s")
    print(f"ratio: {found['stop_to_report'] / afterwards:.2f}")
    print(
        f"overflows: {found['overflows']}; transcribed while recording: {found['transcribed_ahead']}; "
        f"fell behind: {found['behind']}"
    )


if __name__ == "__main__":
    main()
