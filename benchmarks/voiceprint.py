"""Voice prints across microphones and lines: is the enrolled voice found, and only it?

    python benchmarks/voiceprint.py [--rebuild]

Real voices, constructed conversations. Each enrolled voice is a real person of the corpus
(``corpus/sources.py``) with enough speech to hold some out: Allison and June (Asterisk
prompts, 8 kHz), the radio ham ve9qrp (8 kHz), the LibriVox reader (16 kHz) and four AMI
meeting speakers (16 kHz). Their voice print is made by ``voiceprint.enroll`` from clean
pieces that no conversation uses. Each then talks with two other real voices
(``corpus.assemble.dialogue``), and every conversation is heard four ways: as recorded,
in a room (reverberation 0.4 s, noise 20 dB under), over a telephone line (300-3400 Hz,
mu-law, line noise 25 dB under) and both. In a further set the enrolled voice says
one sentence only (under 10 s), and in another set of conversations none of the enrolled
voices speaks at all. Every conversation goes through the pipeline's own who spoke when
and its own speaker embeddings (``pipeline.speaker_voices``); the print of every enrolled
voice is then matched against every conversation: where the voice speaks, the right
speaker must be found; where it does not, nobody.

The matcher before (one fixed similarity line, as rehearse had it until this benchmark) and
the matcher now are run on the same trials. Calibration is reported on voices held out of
the fit (two folds of enrolled voices: each fold's confidence fitted on the other's trials),
and per path.

A last case is a real call, not assembled: CALLFRIEND's ``know.sph`` (Debian's
``transcriber``), each woman enrolled from her own channel, then matched on the one-mic mix
with her speech cut to a few seconds.

The trials (embeddings) are cached in ``~/.cache/rehearse-bench``; ``--rebuild`` makes them
again.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import accuracy  # noqa: E402
from corpus import assemble, sources  # noqa: E402

from rehearse import pipeline  # noqa: E402
from rehearse.audio import decode  # noqa: E402
from rehearse.conversation import Attribution, Segment  # noqa: E402
from rehearse.diarization import encoder, scoring, voiceprint  # noqa: E402

RATE = decode.SAMPLE_RATE
CACHE = sources.CACHE / "voiceprint-trials-1.pickle"
ENROLL_SECONDS = 12.0  # held-out clean speech each print is made from (at least)

PATHS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "clean": lambda x: x,
    "room": accuracy.in_a_room,
    "phone": accuracy.on_the_phone,
    "room+phone": lambda x: accuracy.on_the_phone(accuracy.in_a_room(x)),
}
# Each enrolled voice talks with two others: one of the same sex, one of the other.
PARTNERS = {
    "Allison": ("FEE078", "ve9qrp"),
    "June": ("FEE083", "MÉO069"),
    "ve9qrp": ("MEE009", "Allison"),
    "reader": ("MÉO069", "June"),
    "FEE083": ("Allison", "MEE009"),
    "FEE078": ("June", "reader"),
    "MÉO069": ("reader", "FEE083"),
    "MEE009": ("ve9qrp", "FEE078"),
}
# Conversations none of the enrolled voices is in.
STRANGERS = (("en-a", "en-b"), ("fr-m", "phone-f1"), ("MEE068", "MEE012"))


@dataclass
class Trial:
    conversation: str
    path: str
    present: list[str]  # the real voices of the conversation
    brief: str | None  # the voice that says one sentence only, if one does
    voices: dict[str, np.ndarray]  # diarized speaker -> embedding, as the pipeline makes them
    seconds: dict[str, float]  # diarized speaker -> seconds of speech embedded
    truth: dict[str, str]  # diarized speaker -> the real voice it mostly is
    split: str  # how the pipeline attributed speech


def all_voices() -> dict[str, list[assemble.Piece]]:
    ami = accuracy._ami_voices(["FEE083", "FEE078", "MÉO069", "MEE009", "MEE068", "MEE012"])
    out = {
        "Allison": [p for p in accuracy._prompts("en", "Allison", seed=31) if len(p.samples) >= 2 * RATE][
            :60
        ],
        "June": [p for p in accuracy._prompts("fr", "June", seed=32) if len(p.samples) >= 2 * RATE][:60],
        "ve9qrp": assemble.chunks(assemble.pieces(sources.ham_radio(), "ve9qrp"), longest=8.0),
        "reader": assemble.chunks(accuracy._reader(), longest=6.0),
        **{k: assemble.chunks(v, 6.0) for k, v in ami.items()},
    }
    return {
        **out,
        **{k: v for k, v in accuracy.voices().items() if k in ("en-a", "en-b", "fr-m", "phone-f1")},
    }


def held_out(pieces: list[assemble.Piece], seed: int) -> tuple[list[assemble.Piece], list[assemble.Piece]]:
    """(pieces to enroll from, the rest): at least ENROLL_SECONDS, or a third of the
    speech of a voice that has little, drawn at random."""
    order = np.random.default_rng(seed).permutation(len(pieces))
    total = sum(len(p.samples) for p in pieces) / RATE
    want = min(ENROLL_SECONDS, total / 3)
    enroll, rest, got = [], [], 0.0
    for i in order:
        if got < want:
            enroll.append(pieces[i])
            got += len(pieces[i].samples) / RATE
        else:
            rest.append(pieces[i])
    return enroll, rest


def _speakers(samples: np.ndarray, reference: list[Segment]) -> tuple[dict, dict, dict, str]:
    """Who spoke when by the pipeline, each speaker's embedding as ``_find_me`` makes it, and
    which real voice each speaker mostly is."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.wav"
        accuracy._write_wav(samples, path)
        recording = decode.load(path)
        found = pipeline.who_spoke_when(recording, pipeline.Options(use_voiceprint=False))
    if found.source is Attribution.SINGLE:
        return {}, {}, {}, "declined"
    voices, seconds = pipeline.speaker_voices(recording, found)
    mapping = scoring.score(reference, found.segments).mapping
    return voices, seconds, {s: mapping.get(s, "?") for s in voices}, f"{len(found.speakers)} voices"


def enrolled() -> dict[str, voiceprint.VoicePrint]:
    """Each enrolled voice's print, by ``voiceprint.enroll`` from its held-out clean pieces."""
    voices = all_voices()
    prints = {}
    for index, name in enumerate(voices):
        if name in PARTNERS:
            enroll, _ = held_out(voices[name], seed=100 + index)
            prints[name] = voiceprint.enroll(assemble.monologue(enroll, name).samples, name)
            print(f"  print of {name}: {prints[name].speech_seconds} s", file=sys.stderr)
    return prints


def build() -> list[Trial]:
    voices = all_voices()
    talk = {}
    for index, name in enumerate(voices):
        _, rest = held_out(voices[name], seed=100 + index)
        talk[name] = rest if name in PARTNERS else voices[name]
    plans: list[tuple[str, dict[str, list[assemble.Piece]], int, str | None]] = []
    for name, partners in PARTNERS.items():
        for partner in partners:
            plans.append((f"{name} + {partner}", {name: talk[name], partner: talk[partner]}, 16, None))
        # One sentence of the enrolled voice, among a long talk of the other.
        first = talk[name][0]
        plans.append(
            (
                f"{name} (one sentence) + {partners[0]}",
                {name: [first], partners[0]: talk[partners[0]]},
                12,
                name,
            )
        )
    for a, b in STRANGERS:
        plans.append((f"{a} + {b}", {a: talk[a], b: talk[b]}, 16, None))
    trials = []
    for seed, (title, who, turns, brief) in enumerate(plans):
        mix = assemble.dialogue(who, turns, seed=200 + seed, brief=brief)
        for path, degrade in PATHS.items():
            if brief and path in ("room", "room+phone"):
                continue  # the brief voice is judged clean and on the phone only
            got, seconds, truth, split = _speakers(degrade(mix.samples), mix.reference)
            trials.append(Trial(title, path, list(who), brief, got, seconds, truth, split))
            print(f"  {title}, {path}: {split} {truth} {seconds}", file=sys.stderr)
    return trials


def trials(rebuild: bool = False) -> list[Trial]:
    """The conversations' speakers, as the pipeline embeds them (cached: they take minutes)."""
    if rebuild or not CACHE.exists():
        built = build()
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_bytes(pickle.dumps(built))
        return built
    return pickle.loads(CACHE.read_bytes())  # noqa: S301 - our own cache


def callfriend(cut: float = 3.3) -> list[tuple[voiceprint.VoicePrint, Trial]]:
    """CALLFRIEND's ``know.sph``: each woman's print made from her own channel (all her speech
    alone, 5-11 s: embedded directly, as ``enroll`` wants 5 s after its own voice activity),
    then both women on the one-mic mix, speaker by speaker as the annotation has them, the
    enrolled one cut to her first ``cut`` s: the print of one person, heard again on another
    line, against a voice the encoder hardly tells from hers. The enrolment speech is the same
    speech, from the other line: not held out (the call is 24 s)."""
    call = sources.transcriber_example("know")
    recording = decode.load(call.audio)
    channel = assemble.channel_of(call, recording.samples)
    alone = {name: assemble.pieces(call, name) for name in channel}
    out = []
    for name in channel:
        own = np.concatenate([p.samples for p in assemble.pieces(call, name, channel[name])])
        heard = {k: encoder.embed(way(own)) for k, way in voiceprint._heard_as().items()}
        enrolled = voiceprint.VoicePrint(encoder.embed(own), "", name, round(len(own) / RATE, 1), heard)
        voices, seconds, truth = {}, {}, {}
        for k, other in enumerate(channel):
            said = np.concatenate([p.samples for p in alone[other]])
            if other == name:
                said = said[: int(cut * RATE)]
            speaker = f"S{k + 1}"
            voices[speaker], seconds[speaker], truth[speaker] = encoder.embed(said), len(said) / RATE, other
        trial = Trial(f"CALLFRIEND know, one mic, {name} enrolled", "real call", list(channel), None,
                      voices, seconds, truth, "annotation")  # fmt: skip
        out.append((enrolled, trial))
    return out


@dataclass
class Outcome:
    voice: str  # the enrolled voice
    trial: Trial
    before: str | None  # the speaker the fixed line named
    after: voiceprint.Match

    @property
    def present(self) -> bool:
        return self.voice in self.trial.present

    @property
    def right(self) -> set[str]:
        return {s for s, v in self.trial.truth.items() if v == self.voice}

    @property
    def closest_is_right(self) -> bool:
        best = max(self.after.similarities, key=self.after.similarities.__getitem__, default=None)
        return best in self.right

    @property
    def short(self) -> bool:  # some speaker compared was heard under 10 s
        return min(self.trial.seconds.values(), default=0.0) < voiceprint.JUDGE_SECONDS


def fixed_line(print_: voiceprint.VoicePrint, voices: dict[str, np.ndarray]) -> str | None:
    """The matcher as it was: similarity to the clean print at least 0.86, 0.015 ahead."""
    similarities = {s: float(np.dot(print_.embedding, v)) for s, v in voices.items()}
    ranked = sorted(similarities.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < 0.86 or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 0.015):
        return None
    return ranked[0][0]


def outcomes(prints: dict[str, voiceprint.VoicePrint], trials: list[Trial]) -> list[Outcome]:
    out = []
    for voice, print_ in prints.items():
        for trial in trials:
            if trial.voices:
                after = voiceprint.match(print_, trial.voices, trial.seconds)
                out.append(Outcome(voice, trial, fixed_line(print_, trial.voices), after))
    return out


def fit(found: list[Outcome]) -> tuple[float, dict[str, float]]:
    """SLOPE and OFFSET of ``voiceprint``: logistic regression (Newton's method, a little
    ridge) of "the closest speaker is the enrolled one" on the closest similarity and the
    condition the recording sounds like, on trials with enough speech to judge."""
    names = voiceprint.CONDITIONS
    rows, truth = [], []
    for o in found:
        if o.short:
            continue  # the seconds scale these; the fit is of what a long enough embedding says
        row = [max(o.after.similarities.values())] + [float(o.after.condition == n) for n in names]
        rows.append(row)
        truth.append(float(o.closest_is_right and o.present))
    x, y = np.array(rows), np.array(truth)
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ w))
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + 1e-3 * np.eye(len(w))
        w -= np.linalg.solve(hessian, x.T @ (p - y) + 1e-3 * w)
    return round(float(w[0]), 2), {n: round(float(b), 2) for n, b in zip(names, w[1:])}


def held_out_outcomes(prints: dict[str, voiceprint.VoicePrint], trials: list[Trial]) -> list[Outcome]:
    """Every outcome with its confidence fitted on the other half of the enrolled voices."""
    names = list(prints)
    halves = [names[0::2], names[1::2]]
    saved = voiceprint.SLOPE, dict(voiceprint.OFFSET)
    out = []
    try:
        for k, half in enumerate(halves):
            others = {v: prints[v] for v in halves[1 - k]}
            voiceprint.SLOPE, voiceprint.OFFSET = fit(outcomes(others, trials))
            out += outcomes({v: prints[v] for v in half}, trials)
    finally:
        voiceprint.SLOPE, voiceprint.OFFSET = saved
    return out


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "–"


def summary(found: list[Outcome]) -> str:
    lines = [
        "| trials | n | diarizer kept the voice apart | right speaker named, before | after "
        "| wrong speaker named, before | after | under 10 s named at 1.0, before | after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    groups: list[tuple[str, Callable[[Outcome], bool]]] = [
        *((f"enrolled voice speaks, {p}", (lambda o, p=p: o.present and not o.trial.brief and o.trial.path == p))
          for p in PATHS),
        ("enrolled voice says one sentence", lambda o: o.present and o.trial.brief == o.voice),
        ("enrolled voice absent", lambda o: not o.present),
        ("CALLFRIEND, one mic (real call)", lambda o: o.trial.path == "real call"),
    ]  # fmt: skip
    for title, chosen in groups:
        mine = [o for o in found if chosen(o)]
        right_before = sum(o.before in o.right for o in mine)
        right_after = sum(o.after.speaker in o.right for o in mine)
        wrong_before = sum(o.before is not None and o.before not in o.right for o in mine)
        wrong_after = sum(o.after.speaker is not None and o.after.speaker not in o.right for o in mine)
        sure_before = sum(o.before is not None and o.trial.seconds[o.before] < 10 for o in mine)
        sure_after = sum(o.after.speaker is not None and o.short and o.after.confidence >= 1.0 for o in mine)
        apart = sum(bool(o.right) for o in mine) if any(o.present for o in mine) else None
        lines.append(
            f"| {title} | {len(mine)} | {'–' if apart is None else apart} "
            f"| {_share(right_before, len(mine))} | {_share(right_after, len(mine))} "
            f"| {wrong_before} | {wrong_after} | {sure_before} | {sure_after} |"
        )
    return "\n".join(lines)


def calibration(found: list[Outcome]) -> str:
    """Confidence said against how often the closest speaker was the enrolled one."""
    edges = [0.0, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 1.01]
    lines = ["| confidence | trials | closest was the enrolled voice |", "|---|---|---|"]
    for lo, hi in zip(edges, edges[1:]):
        mine = [o for o in found if lo <= o.after.confidence < hi]
        right = sum(o.closest_is_right and o.present for o in mine)
        lines.append(f"| {lo:.2f}-{min(hi, 1.0):.2f} | {len(mine)} | {_share(right, len(mine))} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="Diarize the conversations again.")
    parser.add_argument("--fit", action="store_true", help="Print SLOPE and OFFSET fitted on every trial.")
    args = parser.parse_args()
    prints, built = enrolled(), trials(args.rebuild)
    call = callfriend()
    found = outcomes(prints, built)
    if args.fit:
        print(f"fitted on all {len(found)} trials: {fit(found)}\n")
    print(f"{len(prints)} voices enrolled, {len(built)} conversations diarized, {len(found)} trials\n")
    print("Constants as shipped (fitted on all these trials):\n")
    print(summary(found + outcomes_of_call(call)))
    held = held_out_outcomes(prints, built)
    print("\nConfidence fitted on the other half of the enrolled voices (held out):\n")
    print(summary(held))
    print("\nCalibration, held out:\n")
    print(calibration(held))
    for path in PATHS:
        print(f"\nCalibration, held out, {path}:\n")
        print(calibration([o for o in held if o.trial.path == path]))
    print("\nCALLFRIEND know.sph, one mic:\n")
    for o in outcomes_of_call(call):
        print(
            f"- {o.voice} enrolled: similarities {o.after.similarities} ({o.after.condition}), seconds "
            f"{ {s: round(t, 1) for s, t in o.trial.seconds.items()} }, truth {o.trial.truth}; before: "
            f"{o.before}, after: {o.after.speaker} at confidence {o.after.confidence}"
        )


def outcomes_of_call(call: list[tuple[voiceprint.VoicePrint, Trial]]) -> list[Outcome]:
    return [
        Outcome(
            print_.source,
            trial,
            fixed_line(print_, trial.voices),
            voiceprint.match(print_, trial.voices, trial.seconds),
        )
        for print_, trial in call
    ]


if __name__ == "__main__":
    main()
