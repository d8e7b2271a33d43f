"""Real recordings with manual annotation, fetched from the packages that ship them.

Nothing here is downloaded from anywhere but a package registry, and only once: files land
in ``~/.cache/rehearse-bench``. Their annotations, converted to RTTM (who spoke when) and
plain text (what was said), are small and committed in ``annotations/``; ``convert()``
rebuilds them from the originals.

- pyannote.audio 3.3.2's wheel (MIT): ``sample.wav``, 30 s of two people, 16 kHz, with RTTM.
- pyannote.audio 4.0.7's source archive (MIT): fourteen 30 s excerpts of the AMI meeting
  corpus (Carletta et al., "The AMI meeting corpus", MLMI 2005; CC BY 4.0), 16 kHz, one to
  four people, many overlaps, with RTTM (``tests/data``).
- Debian's ``transcriber`` package (GPL-2; Barras et al. 2001): ``know.sph``, 24 s of an
  English telephone call from LDC's CALLFRIEND, 8 kHz, one side per channel; and
  ``frint980428.wav``, 20 s of France Inter's morning news, 8 kHz, a second voice brief.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from corpus import transcriber
from rehearse.conversation import Segment
from rehearse.diarization import scoring

CACHE = Path.home() / ".cache" / "rehearse-bench"
ANNOTATIONS = Path(__file__).parent / "annotations"
TRANSCRIBER_EXAMPLES = Path("/usr/share/doc/transcriber/examples")


class Unavailable(Exception):
    """A source could not be fetched: the suite says so and goes on without it."""


@dataclass(frozen=True)
class Source:
    name: str
    audio: Path
    reference: list[Segment]
    # Per speaker, what they said in each of their reference turns, in order (empty when
    # the source is not transcribed).
    words: dict[str, list[str]]

    def said(self, speaker: str) -> str:
        return " ".join(self.words.get(speaker, []))


def pyannote_sample() -> Source:
    folder = CACHE / "pyannote-sample"
    wav = folder / "sample.wav"
    if not wav.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "pyannote.audio==3.3.2",
                "-d",
                folder,
            ]
        )
        wheels = list(folder.glob("pyannote_audio-*.whl"))
        if not wheels:
            raise Unavailable("pyannote.audio 3.3.2 wheel not downloaded")
        with zipfile.ZipFile(wheels[0]) as archive:
            for name in ("sample.wav", "sample.rttm"):
                (folder / name).write_bytes(archive.read(f"pyannote/audio/sample/{name}"))
    return Source("pyannote-sample", wav, scoring.read_rttm(ANNOTATIONS / "pyannote-sample.rttm"), {})


def ami_clips() -> list[Source]:
    folder = CACHE / "pyannote-sdist"
    data = folder / "pyannote_audio-4.0.7" / "tests" / "data"
    if not data.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", "pyannote.audio",
             "-q", "pyannote.audio==4.0.7", "-d", folder]
        )  # fmt: skip
        archives = list(folder.glob("pyannote_audio-4.0.7.tar.gz"))
        if not archives:
            raise Unavailable("pyannote.audio 4.0.7 source archive not downloaded")
        with tarfile.open(archives[0]) as archive:
            archive.extractall(
                folder, members=[m for m in archive if "/tests/data/" in m.name], filter="data"
            )
    everything: dict[str, list[Segment]] = {}
    for line in (ANNOTATIONS / "ami.rttm").read_text().splitlines():
        fields = line.split()
        start, duration = float(fields[3]), float(fields[4])
        everything.setdefault(fields[1], []).append(Segment(fields[7], start, start + duration))
    clips = []
    for name, reference in sorted(everything.items()):
        # One clip's audio is named trñ00 where its annotation says trn00.
        audio = next(
            data / f"{n}.wav" for n in (name, name.replace("trn", "trñ")) if (data / f"{n}.wav").exists()
        )
        clips.append(Source(f"ami-{name}", audio, reference, {}))
    return clips


def transcriber_example(name: str) -> Source:
    """``know`` or ``frint980428``, from the installed package or its .deb."""
    suffix = {"know": ".sph", "frint980428": ".wav"}[name]
    audio = CACHE / "transcriber" / f"{name}{suffix}"
    if not audio.exists():
        audio.parent.mkdir(parents=True, exist_ok=True)
        packed = _transcriber_examples() / f"{name}{suffix}.gz"
        audio.write_bytes(gzip.decompress(packed.read_bytes()))
    return Source(
        name,
        audio,
        scoring.read_rttm(ANNOTATIONS / f"{name}.rttm"),
        _read_words(ANNOTATIONS / f"{name}.words"),
    )


def _transcriber_examples() -> Path:
    if TRANSCRIBER_EXAMPLES.exists():
        return TRANSCRIBER_EXAMPLES
    folder = CACHE / "transcriber-deb"
    unpacked = folder / "root" / TRANSCRIBER_EXAMPLES.relative_to("/")
    if not unpacked.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _run(["apt-get", "download", "transcriber"], cwd=folder)
        debs = list(folder.glob("transcriber_*.deb"))
        if not debs:
            raise Unavailable("Debian package transcriber not downloaded (apt-get update first?)")
        _run(["dpkg-deb", "-x", debs[0], folder / "root"])
    return unpacked


def _run(command: list, cwd: Path | None = None) -> None:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise Unavailable(f"{' '.join(map(str, command[:4]))}…: {done.stderr.strip()[-200:]}")


def _read_words(path: Path) -> dict[str, list[str]]:
    words: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        speaker, _, text = line.partition("\t")
        words.setdefault(speaker, []).append(text)
    return words


def convert() -> None:
    """Rebuild the committed annotations from the original files."""
    for name in ("know", "frint980428"):
        turns = transcriber.read(_transcriber_examples() / f"{name}.trs")
        (ANNOTATIONS / f"{name}.rttm").write_text(
            "".join(
                f"SPEAKER {name} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker.replace(' ', '_')} <NA> <NA>\n"
                for t in turns
            )
        )
        (ANNOTATIONS / f"{name}.words").write_text(
            "".join(f"{t.speaker.replace(' ', '_')}\t{t.text}\n" for t in turns), encoding="utf-8"
        )
    pyannote = CACHE / "pyannote-sample" / "sample.rttm"
    pyannote_sample()
    (ANNOTATIONS / "pyannote-sample.rttm").write_text(pyannote.read_text())


if __name__ == "__main__":
    convert()
