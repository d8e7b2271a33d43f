"""Real-speech accuracy suite: how right rehearse's figures are, recording by recording.

    python benchmarks/accuracy.py [--only NAME] [--json FILE] [--no-transcribe] [--speed]

Every case runs through the real pipeline (faster-whisper base, int8, the built-in
diarizer) and is scored against a reference written by people (the annotated recordings of
``corpus/sources.py``) or by the script that assembled it from real speech
(``corpus/assemble.py``). The synthetic (espeak) fixtures are reported apart: their voices
flatter every figure.

Figures, per case:

- DER and its parts (missed speech, false alarm, confusion), NIST md-eval style with a
  0.25 s collar, overlaps scored (``rehearse.diarization.scoring``);
- talk-share error: the largest gap, in percentage points, between a person's true share of
  talk time and the measured one;
- confident-right: of the speech attributed with confidence (not marked (?)) where
  several people were told apart, the share given to the right person; the target is 95%;
- WER: word error rate of the whole transcript, where the reference has words
  (jiwer; case and punctuation ignored);
- you: whether the person coached is the right one, where the case has a situation;
- split: whether rehearse separated voices or declined to (and said so).

Part 2 adds its figures to ``FIGURES``.

``--speed`` also times, on all the one-mic real and assembled speech end to end, who spoke
when (voice activity, embeddings, clustering, the stability check) against transcription
alone, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from corpus import assemble, sources  # noqa: E402

from rehearse import pipeline  # noqa: E402
from rehearse.audio import decode  # noqa: E402
from rehearse.conversation import UNCERTAIN_BELOW, Attribution, Conversation, Segment  # noqa: E402
from rehearse.diarization import scoring  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "audio"
ANNOTATIONS = Path(__file__).resolve().parent / "corpus" / "annotations"
RATE = decode.SAMPLE_RATE


@dataclass
class Case:
    name: str
    group: str  # "real", "assembled" or "synthetic"
    samples: np.ndarray  # (samples,) or (channels, samples) at 16 kHz
    reference: list[Segment]
    words: str = ""  # the reference transcript in time order, when known
    language: str | None = None
    profile: str | None = None
    you: str | None = None  # the reference speaker the report should coach
    notes: list[str] = field(default_factory=list)
    events: list[Event] | None = None  # questions, interruptions, backchannels; None: not annotated


@dataclass(frozen=True)
class Event:
    """Something said that a figure should find, annotated by hand (annotations/events.tsv)."""

    kind: str  # "question" | "interruption" | "backchannel"
    speaker: str
    start: float
    end: float
    text: str


def annotated_events(source: str) -> list[Event]:
    """The events annotated in ``source`` (the name of a transcriber example)."""
    return [
        Event(row["kind"], row["speaker"], float(row["start"]), float(row["end"]), row["text"])
        for row in _tsv(ANNOTATIONS / "events.tsv")
        if row["source"] == source
    ]


def _tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header, after its "# " comment lines."""
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"))) for line in lines[1:]]


# --- the corpus -------------------------------------------------------------------------------


def _said_in_order(source: sources.Source) -> str:
    turns: list[tuple[float, str]] = []
    count: dict[str, int] = {}
    for segment in source.reference:
        index = count.get(segment.speaker, 0)
        count[segment.speaker] = index + 1
        said = source.words.get(segment.speaker, [])
        if index < len(said):
            turns.append((segment.start, said[index]))
    return " ".join(text for _, text in sorted(turns, key=lambda t: t[0]))


def real_cases() -> list[Case]:
    out = []
    sample = sources.pyannote_sample()
    out.append(
        Case("pyannote sample: 2 people, 16 kHz", "real", decode.load(sample.audio).mono, sample.reference)
    )
    for clip in sources.ami_clips():
        speakers = len({s.speaker for s in clip.reference})
        out.append(
            Case(
                f"AMI meeting {clip.name[4:]}: {speakers} people, 16 kHz",
                "real",
                decode.load(clip.audio).mono,
                clip.reference,
            )
        )
    know = sources.transcriber_example("know")
    stereo = decode.load(know.audio).samples
    words = _said_in_order(know)
    said = annotated_events("know")
    out.append(
        Case(
            "phone call, one mic (8 kHz, 2 women)", "real", stereo.mean(axis=0), know.reference, words, "en",
            events=said,
        )
    )  # fmt: skip
    out.append(
        Case("phone call, two channels (8 kHz)", "real", stereo, know.reference, words, "en", events=said)
    )
    # Each side leaking into the other mic at 15% (-16 dB), 3 ms late, as with two laptops on one table.
    late = int(0.003 * RATE)
    leaked = stereo + 0.15 * np.pad(stereo[::-1], ((0, 0), (late, 0)))[:, : stereo.shape[1]]
    out.append(
        Case(
            "phone call, two channels, 15% crosstalk",
            "real",
            leaked,
            know.reference,
            words,
            "en",
            events=said,
        )
    )
    radio = sources.transcriber_example("frint980428")
    out.append(
        Case(
            "French radio, 2nd voice brief (8 kHz)",
            "real",
            decode.load(radio.audio).mono,
            radio.reference,
            _said_in_order(radio),
            "fr",
            events=annotated_events("frint980428"),
        )
    )
    return out


def read_cases() -> list[Case]:
    """One person at a time, transcribed: telephone prompts, read sentences, a speech."""
    out = []
    for language, speaker, who in (("en", "Allison", "English woman"), ("fr", "June", "French woman")):
        long = [p for p in _prompts(language, speaker, seed=11) if len(p.samples) >= 5 * RATE]
        before = np.cumsum([0] + [len(p.samples) for p in long])  # speech before each prompt
        chosen = [p for p, b in zip(long, before) if b < 60 * RATE]  # about a minute
        out.append(_alone(f"{who} ({speaker}), 8 kHz prompts", chosen, speaker, language))
    out.append(_alone("LibriVox reader (1 man), 16 kHz", _reader(), "reader", "en"))
    speech = sources.jfk()
    mono = decode.load(speech.audio).mono
    out.append(Case("JFK inaugural, 16 kHz", "real", mono, speech.reference, speech.said("JFK"), "en"))
    return out


def _alone(name: str, pieces: list[assemble.Piece], speaker: str, language: str) -> Case:
    said = assemble.monologue(pieces, speaker)
    return Case(name, "real", said.samples, said.reference, said.transcript, language)


def _prompts(language: str, speaker: str, seed: int) -> list[assemble.Piece]:
    """Every prompt of one Asterisk voice, in an order shuffled with ``seed``."""
    prompts = [p for clip in sources.asterisk_prompts(language) for p in assemble.pieces(clip, speaker)]
    order = np.random.default_rng(seed).permutation(len(prompts))
    return [prompts[i] for i in order]


def voices() -> dict[str, list[assemble.Piece]]:
    """Every real voice the corpus has, by a name that says who it is."""
    sample = sources.pyannote_sample()
    know = sources.transcriber_example("know")
    radio = sources.transcriber_example("frint980428")
    channel = assemble.channel_of(know, decode.load(know.audio).samples)
    return {
        "en-a": assemble.pieces(sample, "speaker90"),
        "en-b": assemble.pieces(sample, "speaker91"),
        "phone-f1": assemble.pieces(know, "speaker#1", channel["speaker#1"]),
        "phone-f2": assemble.pieces(know, "speaker#2", channel["speaker#2"]),
        "fr-m": assemble.pieces(radio, "Simon_Tivolle"),
        "fr-f": assemble.pieces(radio, "Patricia_Martin", shortest=1.0),
    }


def in_a_room(samples: np.ndarray) -> np.ndarray:
    """An office: reverberation of 0.4 s and room noise 20 dB under the speech."""
    return assemble.with_noise(assemble.reverberate(samples, 0.4, seed=7), 20, seed=8)


def on_the_phone(samples: np.ndarray) -> np.ndarray:
    """A landline call: line noise 25 dB under the speech, then the telephone band."""
    return assemble.telephone(assemble.with_noise(samples, 25, seed=9))


def assembled_cases() -> list[Case]:
    v = voices()
    out = []

    def add(name: str, mix: assemble.Conversation, degrade: Callable[[np.ndarray], np.ndarray], **kw) -> None:
        out.append(Case(name, "assembled", degrade(mix.samples), mix.reference, **kw))

    two = {k: v[k] for k in ("en-a", "en-b")}
    add("2 voices, 16 kHz, room (reverb 0.4 s, 20 dB)", assemble.dialogue(two, 16, seed=1), in_a_room)
    add("2 voices, telephone band", assemble.dialogue(two, 16, seed=2), on_the_phone)
    same = {k: v[k] for k in ("phone-f1", "phone-f2")}
    add(
        "2 women, same phone line, overlaps",
        assemble.dialogue(same, 12, seed=3, overlap_chance=0.4),
        lambda x: x,
    )
    three = {**two, "phone-f2": v["phone-f2"]}
    add(
        "3 voices, one brief, telephone band",
        assemble.dialogue(three, 14, seed=4, brief="phone-f2"),
        on_the_phone,
    )
    four = {**two, **same}
    add(
        "4 voices, telephone band, room",
        assemble.dialogue(four, 20, seed=5),
        lambda x: on_the_phone(in_a_room(x)),
    )
    add(
        "man + brief woman (French radio voices)",
        assemble.dialogue({"fr-m": v["fr-m"], "fr-f": v["fr-f"]}, 5, seed=6, brief="fr-f", overlap_chance=0),
        lambda x: x,
    )
    for name in ("en-a", "phone-f1", "fr-m"):
        add(
            f"one voice alone ({name})", assemble.dialogue({name: v[name]}, len(v[name]), seed=7), lambda x: x
        )
    return out


def interview_cases() -> list[Case]:
    """Conversations of one to five minutes between real voices, the longest where the
    voices have most speech: the Asterisk prompt readers, the radio ham, AMI's most talkative.

    Long untranscribed pieces are cut shorter (``assemble.chunks``) for more, varied turns.
    The AMI people's speech still recurs two to three times over a conversation, identical
    but for level and overlaps: a flattering repetition the figures carry. There are but
    14 s of the French radio's man, hence that conversation's minute."""
    allison, june = _prompts("en", "Allison", seed=12), _prompts("fr", "June", seed=13)
    ham = assemble.chunks(assemble.pieces(sources.ham_radio(), "ve9qrp"), longest=8.0)
    ami = {
        k: assemble.chunks(v, 3.0) for k, v in _ami_voices(["FEE083", "FEE078", "MÉO069", "MEE009"]).items()
    }
    simon = assemble.pieces(sources.transcriber_example("frint980428"), "Simon_Tivolle")
    june_long = [p for p in june if len(p.samples) >= 8 * RATE]
    allison_mid = [p for p in allison if 6 * RATE <= len(p.samples) <= 15 * RATE]
    same = lambda x: x  # noqa: E731
    out = []
    for name, talk, turns, seed, degrade, language in (
        ("EN woman (Allison) + EN man (ve9qrp), telephone band", {"Allison": allison, "ve9qrp": ham}, 44, 21, on_the_phone, None),
        ("FR woman (June) + FR man (Simon), 8 kHz", {"June": june_long, "Simon": simon}, 5, 22, same, "fr"),
        ("EN woman (Allison) + EN man (LibriVox reader), 8 kHz", {"Allison": allison_mid, "reader": _reader()}, 10, 23, on_the_phone, "en"),
        ("two women, 8 kHz (Allison + AMI FEE083)", {"Allison": allison, "FEE083": ami["FEE083"]}, 46, 24, on_the_phone, None),
        ("two AMI women, 16 kHz (FEE083 + FEE078)", {k: ami[k] for k in ("FEE083", "FEE078")}, 76, 25, same, "en"),
        ("two AMI men, 16 kHz (MÉO069 + MEE009)", {k: ami[k] for k in ("MÉO069", "MEE009")}, 76, 26, same, "en"),
        ("3 people, telephone band (Allison, June, ve9qrp)", {"Allison": allison, "June": june, "ve9qrp": ham}, 48, 27, on_the_phone, None),
    ):  # fmt: skip
        mix = assemble.dialogue(talk, turns, seed=seed)
        out.append(Case(name, "assembled", degrade(mix.samples), mix.reference, mix.transcript, language))
    # A third person heard for 2 s only, once: the shortest voice rehearse should find (1.5 s).
    brief = [assemble.Piece(june_long[0].samples[: int(2.0 * RATE)], None)]
    mix = assemble.dialogue({"Allison": allison, "ve9qrp": ham, "June": brief}, 30, seed=28, brief="June")
    out.append(
        Case(
            "brief third voice: June 2 s in Allison + ve9qrp, telephone band",
            "assembled",
            on_the_phone(mix.samples),
            mix.reference,
        )
    )
    return out


def _reader() -> list[assemble.Piece]:
    return [piece for clip in sources.librivox() for piece in assemble.pieces(clip, "reader")]


def _ami_voices(speakers: list[str]) -> dict[str, list[assemble.Piece]]:
    """Each AMI speaker's solo speech, pooled across the excerpts they appear in."""
    out: dict[str, list[assemble.Piece]] = {speaker: [] for speaker in speakers}
    for clip in sources.ami_clips():
        for speaker in {s.speaker for s in clip.reference} & set(speakers):
            out[speaker] += assemble.pieces(clip, speaker, shortest=1.0)
    return out


def synthetic_cases() -> list[Case]:
    out = []
    for lang, mono in (("en", "en-interview-mono.wav"), ("fr", "fr-interview-mono.m4a")):
        reference = scoring.read_rttm(FIXTURES / f"{lang}-interview.rttm")
        truth = json.loads((FIXTURES / f"{lang}-interview.truth.json").read_text())
        words = " ".join(t["text"] for t in truth["turns"])
        for label, filename in (("one mic", mono), ("two channels", f"{lang}-interview-stereo.flac")):
            recording = decode.load(FIXTURES / filename)
            samples = recording.mono if label == "one mic" else recording.samples
            out.append(
                Case(
                    f"espeak {lang} job interview, {label}",
                    "synthetic",
                    samples,
                    reference,
                    words,
                    lang,
                    profile="job-interview",
                    you="S1",
                )
            )
    return out


# --- scoring ----------------------------------------------------------------------------------


def _write_wav(samples: np.ndarray, path: Path) -> None:
    frames = np.atleast_2d(samples)
    peak = max(float(np.max(np.abs(frames))), 1e-9)
    scaled = frames / peak * 0.9 if peak > 1 else frames
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[0])
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((scaled.T * 32767).astype("<i2").tobytes())


def _normalised(text: str) -> str:
    text = re.sub(r"[^\w'\s-]", " ", text.lower()).replace("-", " ")
    return " ".join(text.split())


def confident_right(
    reference: list[Segment], system: list[Segment], mapping: dict[str, str]
) -> tuple[float, float]:
    """(seconds attributed with confidence, share of them given to someone who was speaking)."""
    step = scoring.STEP
    length = round(max(s.end for s in [*reference, *system]) / step) + 1
    speaking: dict[str, np.ndarray] = {}
    for s in reference:
        speaking.setdefault(s.speaker, np.zeros(length, bool))[
            round(s.start / step) : round(s.end / step)
        ] = True
    sure = right = 0
    for s in system:
        if s.confidence < UNCERTAIN_BELOW:
            continue
        lo, hi = round(s.start / step), round(s.end / step)
        truth = speaking.get(mapping.get(s.speaker, ""))
        anyone = np.any([row[lo:hi] for row in speaking.values()], axis=0)
        heard = int(anyone.sum())  # speech the reference has; silence is false alarm, not confusion
        sure += heard
        right += int(truth[lo:hi].sum()) if truth is not None else 0
    return sure * step, (right / sure if sure else float("nan"))


@dataclass
class Result:
    case: Case
    conversation: Conversation
    score: scoring.DiarizationScore
    seconds: float
    figures: dict[str, object] = field(default_factory=dict)


def _wer(result: Result) -> object:
    if not result.case.words:
        return None
    import jiwer

    said = " ".join(w.text for w in sorted(result.conversation.words, key=lambda w: w.start))
    return round(jiwer.wer(_normalised(result.case.words), _normalised(said) or "-"), 3)


def _you(result: Result) -> object:
    if result.case.you is None:
        return None
    coached = (result.conversation.me or {}).get("speaker")
    from rehearse.coaching import you as roles

    coached = coached or roles.you(result.conversation).speaker
    return "?" if coached is None else result.score.mapping.get(coached) == result.case.you


def _said(result: Result, kind: str) -> list[tuple[str, float]]:
    """(speaker, time) of each ``kind`` rehearse found."""
    conversation = result.conversation
    if kind == "question":
        from rehearse.language import questions

        return [(q.speaker, q.start) for q in questions.find(conversation)]
    if kind == "interruption":
        from rehearse.analyzers.interruptions import Interruptions

        analyzer = Interruptions()
        section = analyzer.analyze(conversation, {o.name: o.default for o in analyzer.options}, "en")
        return [(e["by"], e["time"]) for e in section.get("events", [])]
    return [(u.speaker, u.start) for u in conversation.utterances if u.backchannel]


REACH = 0.3  # seconds: how far Whisper's word times and the annotators' may disagree


def _events(kind: str) -> Callable[[Result], object]:
    """A figure: how many of the ``kind`` events rehearse found were annotated (starting inside the
    annotated span, give or take ``REACH``, said by the same person), and how many of the
    annotated ones it found."""

    def figure(result: Result) -> object:
        if result.case.events is None:
            return None
        truth = [e for e in result.case.events if e.kind == kind]
        found = _said(result, kind)
        mapping = result.score.mapping

        def hit(event: Event, said: tuple[str, float]) -> bool:
            speaker, at = said
            return mapping.get(speaker) == event.speaker and event.start - REACH <= at <= event.end + REACH

        return {
            "found": len(found),
            "right": sum(any(hit(e, f) for e in truth) for f in found),
            "annotated": len(truth),
            "recalled": sum(any(hit(e, f) for f in found) for e in truth),
        }

    return figure


FIGURES: dict[str, Callable[[Result], object]] = {
    "wer": _wer,
    "you": _you,
    "questions": _events("question"),
    "interruptions": _events("interruption"),
    "backchannels": _events("backchannel"),
}


def run(case: Case, transcribe: bool) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.wav"
        _write_wav(case.samples, path)
        options = pipeline.Options(language=case.language, profile=case.profile, use_voiceprint=False)
        started = time.perf_counter()
        if transcribe:
            conversation = pipeline.transcribe_recording(path, options)
        else:
            found = pipeline.who_spoke_when(decode.load(path), options)
            conversation = Conversation(
                speakers=[], me=None, segments=found.segments, utterances=[], turns=[],
                duration=len(np.atleast_2d(case.samples)[0]) / RATE, attribution=found.source,
            )  # fmt: skip
        seconds = time.perf_counter() - started
    result = Result(case, conversation, scoring.score(case.reference, conversation.segments), seconds)
    for name, figure in FIGURES.items():
        result.figures[name] = figure(result) if transcribe else None  # words and roles need the words
    return result


def row(result: Result) -> dict[str, object]:
    score, conversation = result.score, result.conversation
    truth = len({s.speaker for s in result.case.reference})
    found = len({s.speaker for s in conversation.segments})
    # Everyone together, or one voice found: nothing is attributed to one person among others.
    sure, right = (
        (0.0, float("nan"))
        if conversation.attribution is Attribution.SINGLE or found < 2
        else confident_right(result.case.reference, conversation.segments, score.mapping)
    )
    split = {
        Attribution.CHANNELS: "channels",
        Attribution.VOICES: f"{found} voice{'s' if found > 1 else ''}",
        Attribution.SINGLE: "declined",
    }[conversation.attribution]
    return {
        "case": result.case.name,
        "group": result.case.group,
        "seconds": round(len(np.atleast_2d(result.case.samples)[0]) / RATE, 1),
        "speakers": truth,
        "split": split,
        "der": round(score.der, 3),
        "missed": round(score.missed / score.scored, 3) if score.scored else 0.0,
        "false_alarm": round(score.false_alarm / score.scored, 3) if score.scored else 0.0,
        "confusion": round(score.confusion / score.scored, 3) if score.scored else 0.0,
        "share_error": round(max(score.share_error.values()), 1),
        "confident_seconds": round(sure, 1),
        "confident_right": None if np.isnan(right) else round(right, 3),
        **result.figures,
        "run_seconds": round(result.seconds, 1),
    }


def _cell(value: object, percent: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, dict):  # found events: right of found, and annotated ones found
        return f"{value['right']}/{value['found']} right, {value['recalled']}/{value['annotated']} found"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if percent and isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def table(rows: list[dict[str, object]]) -> str:
    head = (
        "| case | s | spk | split | DER | miss | FA | conf | share err (pt) | confident s | confident right "
        "| WER | you | questions | interruptions | backchannels |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                [
                    str(r["case"]),
                    str(r["seconds"]),
                    str(r["speakers"]),
                    str(r["split"]),
                    _cell(r["der"], True),
                    _cell(r["missed"], True),
                    _cell(r["false_alarm"], True),
                    _cell(r["confusion"], True),
                    _cell(r["share_error"]),
                    _cell(r["confident_seconds"]),
                    _cell(r["confident_right"], True),
                    _cell(r.get("wer"), True),
                    _cell(r.get("you")),
                    _cell(r.get("questions")),
                    _cell(r.get("interruptions")),
                    _cell(r.get("backchannels")),
                ]
            )  # fmt: skip
            + " |"
        )
    return "\n".join(lines)


def pooled(rows: list[dict[str, object]]) -> str:
    """Precision and recall of each annotated kind of event, over every case that has them."""
    lines = []
    for kind in ("questions", "interruptions", "backchannels"):
        counts = [r[kind] for r in rows if isinstance(r.get(kind), dict)]
        if not counts:
            continue
        found, right = sum(c["found"] for c in counts), sum(c["right"] for c in counts)
        annotated, recalled = sum(c["annotated"] for c in counts), sum(c["recalled"] for c in counts)
        precision = f"{right / found:.2f}" if found else "–"
        recall = f"{recalled / annotated:.2f}" if annotated else "–"
        lines.append(
            f"| {kind} | {len(counts)} | {right}/{found} | {precision} | {recalled}/{annotated} | {recall} |"
        )
    if not lines:
        return ""
    return "\n".join(
        [
            "| events | cases | right / found | precision | found / annotated | recall |",
            "|---|---|---|---|---|---|",
            *lines,
        ]
    )


def sentences() -> str:
    """Questions told from statements, and open from closed, on real sentences of interview
    advice (annotations/questions.tsv), by language: text alone, no audio."""
    from rehearse.language.questions import classify

    path = ANNOTATIONS / "questions.tsv"
    if not path.exists():
        return ""
    lines = [
        "| language | sentences | questions found right / found | precision | questions found / asked | recall "
        "| open/closed right (of found) |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = _tsv(path)
    mistakes = []
    for language in sorted({r["language"] for r in rows}):
        mine = [r for r in rows if r["language"] == language]
        found = [(r, classify(r["text"], language)) for r in mine]
        asked = [r for r in mine if r["label"] != "none"]
        detected = [(r, q) for r, q in found if q is not None]
        right = [(r, q) for r, q in detected if r["label"] != "none"]
        kind_right = [(r, q) for r, q in right if q.kind == r["label"]]
        mistakes += [
            f"  {language} {r['label']:6s} → {q.kind if q else 'none':6s} {r['text']}"
            for r, q in found
            if (q.kind if q else "none") != r["label"]
        ]
        lines.append(
            f"| {language} | {len(mine)} | {len(right)}/{len(detected)} | {len(right) / max(1, len(detected)):.2f} "
            f"| {len(right)}/{len(asked)} | {len(right) / max(1, len(asked)):.2f} "
            f"| {len(kind_right)}/{len(right)} = {len(kind_right) / max(1, len(right)):.2f} |"
        )
    return "\n".join(lines) + ("\n\nmisread:\n" + "\n".join(mistakes) if mistakes else "")


def repeatable(cases: list[Case], runs: int = 3) -> str:
    """Whether the same recording gives the same report ``runs`` times: the JSON report of
    ``rehearse analyze``, compared byte for byte (it holds no date)."""
    import subprocess

    lines = []
    for case in cases:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "case.wav"
            _write_wav(case.samples, path)
            reports = []
            for run_index in range(runs):
                out = Path(folder) / f"report-{run_index}.json"
                command = [
                    sys.executable,
                    "-m",
                    "rehearse",
                    "analyze",
                    str(path),
                    "-f",
                    "json",
                    "-o",
                    str(out),
                    "--no-save",
                ]
                if case.language:
                    command += ["--language", case.language]
                subprocess.run(command, check=True, capture_output=True)
                reports.append(out.read_bytes())
        same = len(set(reports)) == 1
        lines.append(f"| {case.name} | {runs} | {'identical' if same else 'DIFFERENT'} |")
    return "\n".join(["| case | runs | reports |", "|---|---|---|", *lines])


# Analysed three times by --repeat: the fixture that gave 157, 236 and 116 words on three runs
# before decoding was seeded, and the real call.
REPEATED = ("espeak fr job interview, one mic", "phone call, two channels (8 kHz)")


def speed(cases: list[Case]) -> None:
    from rehearse.audio import activity, cuts, pitch
    from rehearse.diarization import voice
    from rehearse.transcription.model_files import resolve
    from rehearse.transcription.whisper import Transcriber, WhisperSettings

    mono = np.concatenate([c.samples for c in cases if c.group != "synthetic" and c.samples.ndim == 1])
    started = time.perf_counter()
    speech = [(s.start, s.end) for s in activity.voice_activity(mono, "S1")]
    found = voice.diarize(mono, speech)
    diarization = time.perf_counter() - started
    started = time.perf_counter()
    pitch.track(mono, RATE)
    melody = time.perf_counter() - started
    transcriber = Transcriber(WhisperSettings(resolve("base")))
    started = time.perf_counter()
    transcriber.transcribe(mono, cuts.windows(mono, speech))
    transcription = time.perf_counter() - started
    print(
        f"\nspeed on {len(mono) / RATE / 60:.1f} min of real speech, one channel ({found.unseparated or len(found.speakers)}):"
    )
    print(f"  transcription alone (faster-whisper base, int8): {transcription:6.1f} s")
    print(f"  who spoke when (VAD, embeddings, clustering, stability): {diarization:6.1f} s")
    print(f"  who spoke when / transcription: {diarization / transcription:.1%}")
    print(f"  pitch of every sentence end (YIN over the whole recording): {melody:6.1f} s")
    print(f"  pitch / transcription: {melody / transcription:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="Run the cases whose name contains this text.")
    parser.add_argument("--json", type=Path, help="Also write every figure to this file.")
    parser.add_argument("--no-transcribe", action="store_true", help="Who spoke when only (no WER, no you).")
    parser.add_argument(
        "--speed", action="store_true", help="Also time who spoke when against transcription."
    )
    parser.add_argument(
        "--repeat",
        action="store_true",
        help="Also analyse a few recordings three times and compare the reports.",
    )
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    cases: list[Case] = []
    for build in (real_cases, read_cases, assembled_cases, interview_cases, synthetic_cases):
        try:
            cases += build()
        except sources.Unavailable as exc:
            print(f"({build.__name__} unavailable: {exc})")
    rows = []
    for case in cases:
        if args.only and args.only not in case.name:
            continue
        rows.append(row(run(case, not args.no_transcribe)))
        print(
            f"  {rows[-1]['case']}: DER {rows[-1]['der']:.1%} ({rows[-1]['run_seconds']} s)", file=sys.stderr
        )
    for group in ("real", "assembled", "synthetic"):
        mine = [r for r in rows if r["group"] == group]
        if mine:
            print(f"\n{group}:\n{table(mine)}")
    summary = pooled(rows)
    if summary:
        print(f"\nquestions, interruptions and backchannels, pooled:\n{summary}")
    told = sentences()
    if told:
        print(f"\nreal sentences of interview advice (text only):\n{told}")
    if args.repeat:
        chosen = [c for c in cases if c.name in REPEATED]
        print(f"\nsame file, same report:\n{repeatable(chosen)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=float))
    if args.speed:
        speed(cases)


if __name__ == "__main__":
    main()
