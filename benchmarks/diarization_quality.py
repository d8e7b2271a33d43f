"""Who-spoke-when on one microphone: quality (DER, talk-share error, speaker count) and speed.

Cases, each with a reference:

- the project's synthetic mono fixtures (espeak-ng voices), with their RTTM;
- pyannote.audio's sample: 30 s of two real people talking, with its RTTM (MIT; the
  wheel is fetched once with ``pip download`` into ``~/.cache/rehearse-bench``);
- mixes made here from those voices: the real speakers' turns rearranged into a longer
  dialogue; three and four voices (real and synthetic) taking turns; each voice alone
  (where the right answer is one speaker).

Speed: on ~10 minutes of mono speech, the time diarization takes (VAD + embeddings +
clustering) against transcription alone of the same audio, in the same run.

    python benchmarks/diarization_quality.py [--no-speed]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

from rehearse.audio import activity
from rehearse.audio import decode as audio
from rehearse.diarization import voice as diarize
from rehearse.diarization import scoring as evaluation
from rehearse.conversation import Segment

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "audio"
CACHE = Path.home() / ".cache" / "rehearse-bench"
RATE = audio.SAMPLE_RATE


def pyannote_sample() -> tuple[np.ndarray, list[Segment]] | None:
    folder = CACHE / "pyannote-sample"
    wav, rttm = folder / "sample.wav", folder / "sample.rttm"
    if not wav.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fetched = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "pyannote.audio==3.3.2",
                "-d",
                str(folder),
            ],
            capture_output=True,
            text=True,
        )
        wheels = list(folder.glob("pyannote_audio-*.whl"))
        if fetched.returncode or not wheels:
            print(f"(pyannote sample unavailable: {fetched.stderr.strip()[-200:]})")
            return None
        with zipfile.ZipFile(wheels[0]) as archive:
            for name in ("sample.wav", "sample.rttm"):
                (folder / name).write_bytes(archive.read(f"pyannote/audio/sample/{name}"))
    return audio.load(wav).mono, evaluation.read_rttm(rttm)


def fixture(name: str, filename: str) -> tuple[np.ndarray, list[Segment]]:
    return audio.load(FIXTURES / filename).mono, evaluation.read_rttm(FIXTURES / f"{name}.rttm")


def pieces_of(samples: np.ndarray, reference: list[Segment], speaker: str) -> list[np.ndarray]:
    """The speaker's speech with every moment someone else talks cut out (pieces of 0.4 s or more)."""
    others = sorted((s.start, s.end) for s in reference if s.speaker != speaker)
    pieces = []
    for own in (s for s in reference if s.speaker == speaker):
        start = own.start
        for other_start, other_end in others:
            if other_end <= start or other_start >= own.end:
                continue
            if other_start - start >= 0.4:
                pieces.append(samples[int(start * RATE) : int(other_start * RATE)])
            start = max(start, other_end)
        if own.end - start >= 0.4:
            pieces.append(samples[int(start * RATE) : int(own.end * RATE)])
    return pieces


def dialogue(voices: dict[str, list[np.ndarray]], turns: int, seed: int) -> tuple[np.ndarray, list[Segment]]:
    """Voices taking turns (never the same twice in a row), with pauses of 0.3-0.9 s."""
    rng = np.random.default_rng(seed)
    out, reference, cursor, last = [np.zeros(int(0.5 * RATE), np.float32)], [], 0.5, None
    names = list(voices)
    for turn in range(turns):
        choices = [n for n in names if n != last] or names
        speaker = names[turn] if turn < len(names) else str(rng.choice(choices))
        piece = voices[speaker][turn % len(voices[speaker])]
        out.append(piece.astype(np.float32))
        reference.append(Segment(str(speaker), round(cursor, 3), round(cursor + len(piece) / RATE, 3)))
        cursor += len(piece) / RATE
        gap = rng.uniform(0.3, 0.9)
        out.append(np.zeros(int(gap * RATE), np.float32))
        cursor += int(gap * RATE) / RATE
        last = speaker
    return np.concatenate(out), reference


def alone(samples: np.ndarray, name: str) -> tuple[np.ndarray, list[Segment]]:
    speech = activity.voice_activity(samples, name)
    return samples, [Segment(name, s.start, s.end) for s in speech]


def cases() -> dict[str, tuple[np.ndarray, list[Segment]]]:
    found = {
        "fixture en (espeak, 2 voices)": fixture("en-interview", "en-interview-mono.wav"),
        "fixture fr (espeak, 2 voices)": fixture("fr-interview", "fr-interview-mono.m4a"),
    }
    sample = pyannote_sample()
    en, en_ref = found["fixture en (espeak, 2 voices)"]
    fr, fr_ref = found["fixture fr (espeak, 2 voices)"]
    synthetic = {
        "en-m3": pieces_of(en, en_ref, "S1"),
        "en-f3": pieces_of(en, en_ref, "S2"),
        "fr-f5": pieces_of(fr, fr_ref, "S2"),
    }
    if sample is not None:
        found["pyannote sample (real, 2 people)"] = sample
        real = {name: pieces_of(*sample, name) for name in ("speaker90", "speaker91")}
        found["real voices rearranged (2)"] = dialogue(real, 16, seed=1)
        found["3 voices: 2 real + fr espeak"] = dialogue({**real, "fr-f5": synthetic["fr-f5"]}, 18, seed=2)
        found["4 voices: 2 real + 2 espeak"] = dialogue(
            {**real, **{k: synthetic[k] for k in ("fr-f5", "en-m3")}}, 24, seed=3
        )
        for name, parts in real.items():
            found[f"one real voice alone ({name})"] = dialogue({name: parts}, len(parts), seed=4)
    found["one espeak voice alone (en-m3)"] = alone(
        audio.load(FIXTURES / "en-interview-S1-voice.wav").mono, "S1"
    )
    found["one espeak voice alone (fr)"] = alone(
        audio.load(FIXTURES / "fr-interview-S1-voice.wav").mono, "S1"
    )
    for name in ("en-f3", "fr-f5"):
        found[f"one espeak voice alone ({name})"] = dialogue(
            {name: synthetic[name]}, len(synthetic[name]), seed=5
        )
    return found


def quality() -> None:
    print(
        f"{'case':38s} {'dur':>5s} {'spk':>7s} {'DER':>6s} {'miss':>6s} {'FA':>6s} {'conf':>6s} {'share err':>9s}"
    )
    for name, (samples, reference) in cases().items():
        speech = [(s.start, s.end) for s in activity.voice_activity(samples, "S1")]
        found = diarize.diarize(samples, speech)
        score = evaluation.score(reference, found.segments)
        truth = len({s.speaker for s in reference})
        print(
            f"{name:38s} {len(samples) / RATE:5.0f} {len(found.speakers):>3d}/{truth:<3d} {score.der:6.1%} "
            f"{score.missed / score.scored:6.1%} {score.false_alarm / score.scored:6.1%} "
            f"{score.confusion / score.scored:6.1%} {max(score.share_error.values()):7.1f} pt"
        )


def speed() -> None:
    from rehearse.transcription.model_files import resolve
    from rehearse.transcription.whisper import Transcriber, WhisperSettings

    mono = np.concatenate(
        [audio.load(FIXTURES / name).mono for name in ("en-interview-mono.wav", "fr-interview-mono.m4a")] * 5
    )
    started = time.perf_counter()
    speech = [(s.start, s.end) for s in activity.voice_activity(mono, "S1")]
    found = diarize.diarize(mono, speech)
    diarization = time.perf_counter() - started
    transcriber = Transcriber(WhisperSettings(resolve("base")))
    started = time.perf_counter()
    transcriber.transcribe(mono)
    transcription = time.perf_counter() - started
    print(
        f"\nspeed on {len(mono) / RATE / 60:.1f} min of mono speech ({len(found.speakers)} speakers found):"
    )
    print(f"  transcription alone (faster-whisper base, int8): {transcription:6.1f} s")
    print(f"  diarization (VAD + embeddings + clustering)    : {diarization:6.1f} s")
    print(f"  diarization / transcription: {diarization / transcription:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-speed", action="store_true", help="Skip the speed measurement.")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    quality()
    if not args.no_speed:
        speed()


if __name__ == "__main__":
    main()
