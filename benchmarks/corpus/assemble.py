"""Conversations assembled from real human speech, with the truth written as they are built.

Voices are cut from the annotated recordings of :mod:`corpus.sources`, each piece where only
that person speaks (on the telephone call, from that person's own channel). A script then
lays pieces end to end as turns, some starting before the previous one ends (overlaps),
and degrades the result the way rooms and phones do:

- reverberation: a synthetic room response, exponentially decaying noise with the wanted
  RT60 (Lehmann & Johansson, "Prediction of energy decay in room impulse responses
  simulated with an image-source model", JASA 124, 2008, use the same exponential model);
- room noise: pink noise at a given signal-to-noise ratio;
- telephone band: 300-3400 Hz (ITU-T G.712) and 8-bit mu-law (ITU-T G.711).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corpus.sources import Source
from rehearse.audio import decode
from rehearse.conversation import Segment

RATE = decode.SAMPLE_RATE


@dataclass(frozen=True)
class Piece:
    samples: np.ndarray
    text: str | None  # what is said, when the source was transcribed


def pieces(source: Source, speaker: str, channel: int | None = None, shortest: float = 0.4) -> list[Piece]:
    """The speaker's speech with every moment someone else talks cut out."""
    recording = decode.load(source.audio)
    samples = recording.mono if channel is None else recording.samples[channel]
    others = sorted((s.start, s.end) for s in source.reference if s.speaker != speaker)
    out = []
    texts = source.words.get(speaker, [])
    for index, own in enumerate(s for s in source.reference if s.speaker == speaker):
        spans, start = [], own.start
        for other_start, other_end in others:
            if other_end <= start or other_start >= own.end:
                continue
            spans.append((start, other_start))
            start = max(start, other_end)
        spans.append((start, own.end))
        whole = len(spans) == 1 and spans[0] == (own.start, own.end)
        for a, b in spans:
            if b - a >= shortest:
                text = texts[index] if whole and texts else None
                out.append(Piece(samples[int(a * RATE) : int(b * RATE)].copy(), text))
    return out


def chunks(pieces: list[Piece], longest: float = 8.0) -> list[Piece]:
    """Untranscribed pieces longer than ``longest`` s cut in two at their quietest 10 ms
    between a third and two thirds of the way, again until none is: more, shorter turns
    from the same speech. Transcribed pieces stay whole (their text could not be cut)."""
    out: list[Piece] = []
    todo = list(pieces)
    while todo:
        piece = todo.pop(0)
        if piece.text is not None or len(piece.samples) <= longest * RATE:
            out.append(piece)
            continue
        step = RATE // 100
        frames = piece.samples[: len(piece.samples) // step * step].reshape(-1, step)
        power = np.mean(frames.astype(np.float64) ** 2, axis=1)
        third = len(power) // 3
        cut = (third + int(np.argmin(power[third : 2 * third]))) * step
        todo[:0] = [Piece(piece.samples[:cut], None), Piece(piece.samples[cut:], None)]
    return out


def level(samples: np.ndarray, dbfs: float) -> np.ndarray:
    """The samples scaled to an RMS of ``dbfs`` over their louder half (the speech, not pauses)."""
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    power = np.mean(frames.astype(np.float64) ** 2, axis=1)
    loud = np.sort(power)[len(power) // 2 :]
    rms = np.sqrt(loud.mean()) if len(loud) and loud.mean() > 0 else 1.0
    return (samples * (10 ** (dbfs / 20) / rms)).astype(np.float32)


@dataclass
class Conversation:
    samples: np.ndarray
    reference: list[Segment]
    words: dict[str, str]
    # Everything said, in time order; empty unless every piece was transcribed.
    transcript: str = ""


def monologue(pieces: list[Piece], speaker: str, pause: float = 0.5) -> Conversation:
    """One person's pieces end to end, ``pause`` s apart, each at its own level."""
    gap = np.zeros(int(pause * RATE), np.float32)
    parts, reference, at = [gap], [], len(gap)
    for piece in pieces:
        reference.append(Segment(speaker, round(at / RATE, 3), round((at + len(piece.samples)) / RATE, 3)))
        parts += [piece.samples.astype(np.float32), gap]
        at += len(piece.samples) + len(gap)
    texts = [p.text for p in pieces]
    transcript = " ".join(t for t in texts if t) if all(texts) else ""
    return Conversation(
        np.concatenate(parts), reference, {speaker: transcript} if transcript else {}, transcript
    )


def dialogue(
    voices: dict[str, list[Piece]],
    turns: int,
    seed: int,
    overlap_chance: float = 0.25,
    brief: str | None = None,
) -> Conversation:
    """Voices taking turns, never the same twice in a row; ``brief`` speaks once only.

    A turn starts 0.3-0.9 s after the previous one ends, or with ``overlap_chance`` 0.2-0.8 s
    before it does. Voices differ in level by up to 6 dB, as two people at a table do.
    """
    rng = np.random.default_rng(seed)
    gains = {name: float(rng.uniform(-26, -20)) for name in voices}
    used = {name: 0 for name in voices}
    placed: list[tuple[str, float, np.ndarray, str | None]] = []
    cursor, last = 0.5, None
    names = [n for n in voices if n != brief]
    for turn in range(turns):
        if brief and turn == turns // 2:
            speaker = brief
        else:
            choices = [n for n in names if n != last] or names
            speaker = names[turn] if turn < len(names) else str(rng.choice(choices))
        piece = voices[speaker][used[speaker] % len(voices[speaker])]
        used[speaker] += 1
        if placed and rng.random() < overlap_chance:
            start = max(cursor - float(rng.uniform(0.2, 0.8)), placed[-1][1] + 0.5)
        else:
            start = cursor + float(rng.uniform(0.3, 0.9))
        samples = level(piece.samples, gains[speaker])
        placed.append((speaker, start, samples, piece.text))
        cursor = max(cursor, start + len(samples) / RATE)
        last = speaker
    out = np.zeros(int((cursor + 0.5) * RATE) + 1, np.float32)
    reference, words = [], {}
    for speaker, start, samples, text in placed:
        at = int(round(start * RATE))
        out[at : at + len(samples)] += samples
        reference.append(Segment(speaker, round(at / RATE, 3), round((at + len(samples)) / RATE, 3)))
        if text:
            words[speaker] = f"{words.get(speaker, '')} {text}".strip()
    texts = [text for *_, text in placed]
    transcript = " ".join(t for t in texts if t) if all(texts) else ""
    return Conversation(out, reference, words, transcript)


def reverberate(
    samples: np.ndarray, rt60: float, seed: int, direct_to_reverberant_db: float = 3.0
) -> np.ndarray:
    """Convolution with a synthetic room response: a direct path, then noise decaying 60 dB in
    rt60. The direct sound is ``direct_to_reverberant_db`` above the tail: a laptop microphone
    about a metre from the speaker in an office."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, int(rt60 * RATE)) / RATE
    tail = rng.standard_normal(len(t)) * np.exp(-6.908 * t / rt60)
    tail *= np.sqrt(10 ** (-direct_to_reverberant_db / 10) / np.sum(tail**2))
    response = np.concatenate([[1.0], tail])
    size = 1 << int(np.ceil(np.log2(len(samples) + len(response))))
    wet = np.fft.irfft(np.fft.rfft(samples, size) * np.fft.rfft(response, size), size)[: len(samples)]
    return (wet * np.sqrt(np.mean(samples**2) / max(np.mean(wet**2), 1e-12))).astype(np.float32)


def with_noise(samples: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    """Pink (1/f) noise added at ``snr_db`` below the speech."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(len(samples)))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    noise = np.fft.irfft(spectrum, len(samples))
    speech_power = np.mean(samples[np.abs(samples) > 0] ** 2) if np.any(samples) else 1.0
    noise *= np.sqrt(speech_power / np.mean(noise**2) / 10 ** (snr_db / 10))
    return (samples + noise).astype(np.float32)


def telephone(samples: np.ndarray) -> np.ndarray:
    """300-3400 Hz band and 8-bit mu-law, as a landline call is heard."""
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    spectrum[(freqs < 300) | (freqs > 3400)] = 0
    band = np.fft.irfft(spectrum, len(samples))
    peak = max(float(np.max(np.abs(band))), 1e-9)
    x = band / peak
    mu = 255.0
    coded = np.round(np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu) * 127) / 127
    return (np.sign(coded) * np.expm1(np.abs(coded) * np.log1p(mu)) / mu * peak).astype(np.float32)


def channel_of(source: Source, samples: np.ndarray) -> dict[str, int]:
    """Which channel of a two-channel call each person speaks on: where their turns alone
    (nobody else talking) are louder."""
    energy: dict[str, np.ndarray] = {}
    for s in source.reference:
        if any(o.speaker != s.speaker and o.start < s.end and s.start < o.end for o in source.reference):
            continue
        clip = samples[:, int(s.start * RATE) : int(s.end * RATE)].astype(np.float64)
        energy[s.speaker] = energy.get(s.speaker, 0) + np.sum(clip**2, axis=1)
    return {speaker: int(np.argmax(e)) for speaker, e in energy.items()}
