"""Who is you, on real-voice assembled interviews.

    python benchmarks/roles.py [--only TEXT] [--json FILE] [--questions]

An interview needs someone who asks questions in a real voice and someone who answers at
length in another. Real questions are scarce in the corpus (``corpus/sources.py``), so they are
found first:

- the Asterisk prompts whose text is a question (Allison: "Which folder should I save the
  message to?", "Change to which folder?", "…Mailbox?"; June: "Dans quel dossier
  souhaitez-vous conserver ce message ?", "Changer pour quel dossier ?"), by
  ``rehearse.language.questions.classify`` on their annotated text;
- every solo piece (``assemble.pieces``) of the AMI excerpts, the pyannote sample, the
  CALLFRIEND call and the France Inter radio, transcribed once by faster-whisper (base, int8)
  and kept as a question piece when ``classify`` reads its last sentence as a question. The
  selection is cached in ``~/.cache/rehearse-bench/roles-questions.json``.

Each interview is scripted from those pieces (``interview``): the asker's question (now and
then after a statement of theirs), the answerer's answer of one to three long pieces, five to
eight times; then, where the answerer's voice has a question piece, the answerer asks one at
the end, as candidates do, and the asker answers it. Three openings: the asker's first
question; the answerer's statement first; a welcome said as a question, answered briefly.
Each is heard on one mic (the voices mixed) and on two channels (one voice a channel), clean
and through a telephone band, in English and in French.

Each case is transcribed once (``pipeline.transcribe_recording``, no voice print) and the
roles weighed three times over the same conversation, by setting ``conversation.profile``:
``job-interview`` (you are the answerer), ``reverse`` (you are the asker) and none (what the
default situation guesses). rehearse's speakers are mapped to the reference ones as the
diarization score maps them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from accuracy import RATE, _write_wav, on_the_phone  # noqa: E402
from corpus import assemble, sources  # noqa: E402

from rehearse import pipeline  # noqa: E402
from rehearse.audio import decode  # noqa: E402
from rehearse.conversation import Conversation, Segment, join_words  # noqa: E402
from rehearse.diarization import scoring  # noqa: E402
from rehearse.language import questions  # noqa: E402

SELECTION = sources.CACHE / "roles-questions.json"
# The prompts' questions, read by the classifier once: the set stays that of its first run.
PROMPTS = sources.CACHE / "roles-prompts.json"
ROLE_WORDS = re.compile(r"\b(welcome|bienvenue|thanks?|thank you|merci)\b", re.IGNORECASE)


# --- question pieces --------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """A piece of one person's speech, what was heard in it, and whether it asks."""

    key: str  # where it comes from: source/speaker/index
    voice: str
    language: str
    samples: np.ndarray = field(repr=False)
    text: str
    asks: str | None  # "open" | "closed", or None for a statement

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def _last_sentence(text: str) -> str:
    parts = [p for p in _split_sentences(text) if p.strip()]
    return parts[-1] if parts else ""


def _split_sentences(text: str) -> list[str]:
    out, current = [], ""
    for ch in text:
        current += ch
        if ch in "?.!…":
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def _asks(text: str, language: str) -> str | None:
    found = questions.classify(_last_sentence(text), language)
    return found.kind if found else None


def _untranscribed() -> list[tuple[str, str, str, np.ndarray]]:
    """(key, voice, language, samples) of every solo piece of the conversations without words
    enough to tell a question by: AMI, the pyannote sample, the call, the radio."""
    out = []
    for clip in sources.ami_clips():
        for speaker in sorted({s.speaker for s in clip.reference}):
            for i, piece in enumerate(assemble.pieces(clip, speaker, shortest=0.8)):
                out.append((f"{clip.name}/{speaker}/{i}", speaker, "en", piece.samples))
    sample = sources.pyannote_sample()
    for speaker in ("speaker90", "speaker91"):
        for i, piece in enumerate(assemble.pieces(sample, speaker, shortest=0.8)):
            out.append((f"pyannote-sample/{speaker}/{i}", speaker, "en", piece.samples))
    know = sources.transcriber_example("know")
    channel = assemble.channel_of(know, decode.load(know.audio).samples)
    for speaker in ("speaker#1", "speaker#2"):
        for i, piece in enumerate(assemble.pieces(know, speaker, channel[speaker], shortest=0.8)):
            out.append((f"know/{speaker}/{i}", speaker, "en", piece.samples))
    radio = sources.transcriber_example("frint980428")
    for speaker in ("Simon_Tivolle", "Patricia_Martin"):
        for i, piece in enumerate(assemble.pieces(radio, speaker, shortest=0.4)):
            out.append((f"frint980428/{speaker}/{i}", speaker, "fr", piece.samples))
    return out


def heard() -> dict[str, dict[str, object]]:
    """What faster-whisper hears in each untranscribed piece, and whether it asks: worked out
    once, then read from the cache."""
    pieces = _untranscribed()
    known: dict[str, dict[str, object]] = {}
    if SELECTION.exists():
        known = json.loads(SELECTION.read_text(encoding="utf-8"))
    todo = [p for p in pieces if p[0] not in known or known[p[0]].get("samples") != len(p[3])]
    if todo:
        from rehearse.audio import cuts
        from rehearse.transcription.model_files import resolve
        from rehearse.transcription.whisper import Transcriber, WhisperSettings

        print(f"(transcribing {len(todo)} candidate pieces once, for their questions)", file=sys.stderr)
        transcriber = Transcriber(WhisperSettings(resolve("base")))
        for key, _voice, language, samples in todo:
            mono = samples.astype(np.float32)
            words = transcriber.transcribe(
                mono, cuts.windows(mono, [(0.0, len(mono) / RATE)]), language=language
            ).words
            text = join_words(words)
            known[key] = {"samples": len(samples), "text": text, "asks": _asks(text, language)}
        SELECTION.parent.mkdir(parents=True, exist_ok=True)
        SELECTION.write_text(json.dumps(known, indent=1, ensure_ascii=False), encoding="utf-8")
    return known


def corpus_pieces() -> list[Said]:
    """Every piece an interview can be built from, with what it says."""
    found = heard()
    out = [
        Said(key, voice, language, samples, str(found[key]["text"]), found[key]["asks"])  # type: ignore[arg-type]
        for key, voice, language, samples in _untranscribed()
    ]
    read = json.loads(PROMPTS.read_text(encoding="utf-8")) if PROMPTS.exists() else {}
    for language, voice in (("en", "Allison"), ("fr", "June")):
        for clip in sources.asterisk_prompts(language):
            for i, piece in enumerate(assemble.pieces(clip, voice)):
                key, text = f"{clip.name}/{i}", piece.text or ""
                if key not in read or read[key]["text"] != text:
                    read[key] = {"text": text, "asks": _asks(text, language)}
                out.append(Said(key, voice, language, piece.samples, text, read[key]["asks"]))
    PROMPTS.write_text(json.dumps(read, indent=1, ensure_ascii=False), encoding="utf-8")
    # A welcome or thanks is a cue to a role, by whoever says it: the prompts' "Welcome to
    # Comedian Mail" would make a welcoming candidate. Such pieces are left out.
    return [p for p in out if not ROLE_WORDS.search(p.text)]


# --- the interviews ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two voices of one language: who asks, with their question and statement pieces, and who
    answers, with their answer pieces and (maybe) a question of their own for the end."""

    name: str
    language: str
    asker: str
    answerer: str
    questions: list[Said]
    prefaces: list[Said]  # the asker's short statements, said before a question now and then
    answers: list[Said]
    closing: list[Said]  # the answerer's questions, one asked at the end
    openers: list[Said]  # the answerer's short statements: an opening, a brief reply to a welcome


def pairs(pieces: list[Said]) -> list[Pair]:
    """The pairs of voices interviews are built from."""

    def of(voice: str) -> list[Said]:
        return [p for p in pieces if p.voice == voice]

    def short(voice: str) -> list[Said]:
        return [p for p in of(voice) if not p.asks and 1.2 <= p.seconds <= 3.0]

    def asking(voice: str) -> list[Said]:
        return [p for p in of(voice) if p.asks and p.key not in NOT_QUESTIONS]

    ham = [
        Said(f"ve9qrp/{i}", "ve9qrp", "en", piece.samples, "", None)
        for i, piece in enumerate(assemble.chunks(assemble.pieces(sources.ham_radio(), "ve9qrp"), 8.0))
    ]
    ham = [p for p in ham if p.seconds >= 3.0]
    simon = [
        Said(f"frint980428/Simon_Tivolle/chunk{i}", "Simon_Tivolle", "fr", piece.samples, "", None)
        for i, piece in enumerate(
            assemble.chunks([assemble.Piece(p.samples, None) for p in of("Simon_Tivolle")], 3.5)
        )
    ]
    allison_long = [p for p in of("Allison") if not p.asks and 4.0 <= p.seconds <= 12.0]
    return [
        Pair("Allison asks, ve9qrp answers", "en", "Allison", "ve9qrp", asking("Allison"), short("Allison"),
             ham, [], [p for p in ham if p.seconds <= 4.5] or ham[:1]),
        Pair("MEE012 asks, Allison answers", "en", "MEE012", "Allison", asking("MEE012"), short("MEE012"),
             allison_long, asking("Allison"), short("Allison")),
        Pair("June asks, Simon answers", "fr", "June", "Simon_Tivolle", asking("June"), short("June"),
             simon, [], simon),
    ]  # fmt: skip


# Pieces classify reads as questions that are not: a statement cut mid-sentence.
NOT_QUESTIONS = {"ami-trn09/FEE083/0"}
ORDERS = ("asker first", "answerer first", "welcome question")


@dataclass
class Interview:
    tracks: np.ndarray  # (2, samples): the asker's voice, the answerer's
    reference: list[Segment]
    script: list[tuple[str, str, str | None]]  # (speaker, text, "open"/"closed"/None) a piece
    asker: str
    answerer: str


def interview(pair: Pair, order: str, seed: int) -> Interview:
    """A scripted interview of real pieces: five to eight exchanges, each the asker's question
    (after a short statement of theirs a third of the time) and one to three pieces of answer;
    the answerer's question at the end when their voice has one, and the asker's reply.

    ``order``: the asker's question first; the answerer's short statement first; or a welcome
    said as a question (the asker's shortest), answered with one short piece. A turn starts
    0.3-0.9 s after the last ends, or one time in ten 0.1-0.4 s before; pieces of one turn are
    0.2-0.5 s apart. Voices differ in level by up to 6 dB."""
    rng = np.random.default_rng(seed)
    deck: dict[str, list[Said]] = {}

    def draw(name: str, pool: list[Said]) -> Said:
        if not deck.get(name):
            deck[name] = [pool[i] for i in rng.permutation(len(pool))]
        return deck[name].pop()

    turns: list[tuple[str, list[Said]]] = []
    if order == "answerer first":
        turns.append((pair.answerer, [draw("openers", pair.openers)]))
    if order == "welcome question":
        turns.append((pair.asker, [min(pair.questions, key=lambda p: p.seconds)]))
        turns.append((pair.answerer, [draw("openers", pair.openers)]))
    for _ in range(int(rng.integers(5, 9))):
        asked = [draw("questions", pair.questions)]
        if pair.prefaces and rng.random() < 1 / 3:
            asked.insert(0, draw("prefaces", pair.prefaces))
        turns.append((pair.asker, asked))
        turns.append((pair.answerer, [draw("answers", pair.answers) for _ in range(int(rng.integers(1, 4)))]))
    if pair.closing:
        turns.append((pair.answerer, [draw("closing", pair.closing)]))
        turns.append((pair.asker, [draw("prefaces", pair.prefaces or pair.questions)]))
    gains = {pair.asker: float(rng.uniform(-26, -20)), pair.answerer: float(rng.uniform(-26, -20))}
    placed: list[tuple[str, float, np.ndarray]] = []
    script: list[tuple[str, str, str | None]] = []
    cursor = 0.5
    for speaker, said in turns:
        if placed and rng.random() < 0.1:
            start = max(cursor - float(rng.uniform(0.1, 0.4)), placed[-1][1] + 0.3)
        else:
            start = cursor + float(rng.uniform(0.3, 0.9))
        for k, piece in enumerate(said):
            if k:
                start = cursor + float(rng.uniform(0.2, 0.5))
            samples = assemble.level(piece.samples, gains[speaker])
            placed.append((speaker, start, samples))
            script.append((speaker, piece.text, piece.asks))
            cursor = max(cursor, start + len(samples) / RATE)
    tracks = np.zeros((2, int((cursor + 0.5) * RATE) + 1), np.float32)
    reference = []
    for speaker, start, samples in placed:
        at = int(round(start * RATE))
        tracks[0 if speaker == pair.asker else 1, at : at + len(samples)] += samples
        reference.append(Segment(speaker, round(at / RATE, 3), round((at + len(samples)) / RATE, 3)))
    return Interview(tracks, reference, script, pair.asker, pair.answerer)


@dataclass
class RoleCase:
    name: str
    language: str
    channels: str  # "one mic" | "two channels"
    band: str  # "clean" | "telephone"
    order: str
    pair: Pair
    seed: int

    def build(self) -> tuple[Interview, np.ndarray]:
        """The interview, and its samples as the case hears it."""
        built = interview(self.pair, self.order, self.seed)
        # Whoever speaks first on the left, as a host's recorder would have it.
        first = built.reference[0].speaker
        tracks = built.tracks if first == built.asker else built.tracks[::-1]
        if self.channels == "one mic":
            mono = tracks.sum(axis=0)
            return built, on_the_phone(mono) if self.band == "telephone" else mono
        if self.band == "clean":
            return built, tracks
        return built, np.stack(
            [assemble.telephone(assemble.with_noise(t, 25, seed=9 + i)) for i, t in enumerate(tracks)]
        )


def cases() -> list[RoleCase]:
    """Every pair of voices × the three openings × one mic and two channels × clean and
    telephone band; each case its own seed, so its script differs from the others'."""
    out = []
    seed = 100
    for pair in pairs(corpus_pieces()):
        for order in ORDERS:
            for channels in ("one mic", "two channels"):
                for band in ("clean", "telephone"):
                    seed += 1
                    name = f"{pair.name}, {channels}, {band}, {order}"
                    out.append(RoleCase(name, pair.language, channels, band, order, pair, seed))
    return out


# --- running and scoring ----------------------------------------------------------------------

# The profiles weighed over each transcription, and whose role "you" is in each.
PROFILES = {"job-interview": "answerer", "reverse": "asker", None: None}


def run(case: RoleCase) -> dict[str, object]:
    from rehearse.coaching import you as roles

    built, samples = case.build()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.wav"
        _write_wav(samples, path)
        options = pipeline.Options(language=case.language, profile=None, use_voiceprint=False)
        started = time.perf_counter()
        conversation = pipeline.transcribe_recording(path, options)
        seconds = time.perf_counter() - started
    mapping = scoring.score(built.reference, conversation.segments).mapping
    role = {built.asker: "asker", built.answerer: "answerer"}

    def who(speaker: str | None) -> str:
        return role.get(mapping.get(speaker or "", ""), "?")

    asked: dict[str, int] = {"asker": 0, "answerer": 0, "?": 0}
    heard_asked = []
    for q in questions.find(conversation):
        asked[who(q.speaker)] += 1
        heard_asked.append(f"{q.start:.1f} {who(q.speaker)} ({q.kind}): {q.text}")
    dropped = {who(s): n for s, n in handed_over(conversation).items()}
    scripted = {
        r: sum(1 for speaker, _, kind in built.script if kind and role[speaker] == r)
        for r in ("asker", "answerer")
    }
    sure_from = getattr(roles, "SURE_FROM", 0.85)
    given = conversation.profile  # what the pipeline set without --profile
    weighed = {}
    for profile, truth in PROFILES.items():
        conversation.profile = given if profile is None else profile
        focus = roles.you(conversation)
        found = who(focus.speaker) if focus.speaker else None
        if truth is None:  # no situation: the default guesses the answerer is you, if anyone
            truth = "answerer"
        confidence = focus.confidence
        cues = sorted((c for c in focus.cues if c.log_odds), key=lambda c: -c.log_odds)
        weighed[str(profile)] = {
            "profile_seen": conversation.profile,
            "you": found,
            "right": None if found is None else found == truth,
            "confidence": None if confidence is None else round(confidence, 3),
            "sure": bool(focus.speaker) and (confidence or 0.0) >= sure_from,
            "cues": [
                {"cue": c.name, "favours": who(c.favours), "log_odds": c.log_odds, "values": {
                    who(k): v for k, v in c.values.items()}}
                for c in cues
            ],
        }  # fmt: skip
    conversation.profile = given
    return {
        "case": case.name,
        "language": case.language,
        "channels": case.channels,
        "band": case.band,
        "order": case.order,
        "seconds": round(built.tracks.shape[1] / RATE, 1),
        "script": [f"{speaker}: {text or '(untranscribed)'}" for speaker, text, _ in built.script],
        "speakers_found": len(conversation.speakers),
        "attribution": conversation.attribution.name.lower(),
        "questions_found": asked,
        "questions_scripted": scripted,
        "handed_over": dropped,
        "questions": heard_asked,
        "roles": weighed,
        "run_seconds": round(seconds, 1),
    }


def handed_over(conversation: Conversation) -> dict[str, dict[str, int]]:
    """Per speaker, of the questions found, how many hand the floor over by the rule of
    ``you._measures`` at 0a563d8, and why the others do not: the question starts before the
    turn it belongs to (timed before the diarized turn start, so it falls in the asker's turn
    before, which ended earlier), or its asker talks on for over 1.5 s after it."""
    ordered = sorted(conversation.turns, key=lambda t: t.start)
    out: dict[str, dict[str, int]] = {}
    for q in questions.find(conversation):
        mine = [t for t in ordered if t.speaker == q.speaker]
        k = bisect_right([t.start for t in mine], q.start) - 1
        tally = out.setdefault(q.speaker, {"counted": 0, "before its turn": 0, "talked on": 0})
        if k < 0 or q.start > mine[k].end:
            tally["before its turn"] += 1
        elif mine[k].end - q.end > 1.5:
            tally["talked on"] += 1
        else:
            tally["counted"] += 1
    return out


def _cues(weighed: dict[str, object], truth: str) -> str:
    """The three strongest cues, each + when it points to the reference "you", − when away."""
    out = []
    for c in weighed["cues"][:3]:  # type: ignore[index]
        out.append(f"{c['cue']} {'+' if c['favours'] == truth else '−'}{c['log_odds']:.1f}")
    return ", ".join(out)


def _verdict(weighed: dict[str, object]) -> str:
    right = weighed["right"]
    mark = "?" if right is None else "✓" if right else "✗"
    confidence = weighed["confidence"]
    if weighed["you"] is None:
        return mark
    sure = " sure" if weighed["sure"] else ""
    return f"{weighed['you']} {mark} {confidence:.0%}{sure}"


def table(rows: list[dict[str, object]]) -> str:
    head = (
        "| case | lang | s | spk | questions found asker/answerer (scripted) "
        "| asker's counted as handing over (early, talked on) | job-interview: you, right, confidence | top cues (+ toward the answerer) "
        "| reverse: you | no profile: you |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        found, scripted, weighed = r["questions_found"], r["questions_scripted"], r["roles"]
        extra = f" +{found['?']}?" if found["?"] else ""  # type: ignore[index]
        h = r["handed_over"].get("asker", {"counted": 0, "before its turn": 0, "talked on": 0})  # type: ignore[attr-defined]
        handing = f"{h['counted']} ({h['before its turn']}, {h['talked on']})"
        lines.append(
            f"| {r['case']} | {r['language']} | {r['seconds']} | {r['speakers_found']} "
            f"| {found['asker']}/{found['answerer']}{extra} ({scripted['asker']}/{scripted['answerer']}) "  # type: ignore[index]
            f"| {handing} | {_verdict(weighed['job-interview'])} | {_cues(weighed['job-interview'], 'answerer')} "  # type: ignore[index]
            f"| {_verdict(weighed['reverse'])} | {_verdict(weighed['None'])} |"  # type: ignore[index]
        )
    return "\n".join(lines)


def summary(rows: list[dict[str, object]], profile: str) -> str:
    weighed = [r["roles"][profile] for r in rows]  # type: ignore[index]
    right = sum(1 for w in weighed if w["right"])
    guessed = sum(1 for w in weighed if w["you"] is not None)
    sure = [w for w in weighed if w["sure"]]
    right_sure = sum(1 for w in sure if w["right"])
    return (
        f"{profile}: {len(rows)} cases, {guessed} guessed, {right} right, {len(sure)} sure "
        f"({len(sure) / max(len(rows), 1):.0%}), right where sure {right_sure}/{len(sure)}, "
        f"wrong where sure {len(sure) - right_sure}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="Run the cases whose name contains this text.")
    parser.add_argument("--json", type=Path, help="Also write every figure to this file.")
    parser.add_argument("--questions", action="store_true", help="List the question pieces found, and stop.")
    args = parser.parse_args()
    pieces = corpus_pieces()
    if args.questions:
        for p in pieces:
            if p.asks:
                print(f"{p.language} {p.voice:12s} {p.seconds:5.1f} s {p.asks:6s} {p.key}: {p.text}")
        return
    commit = subprocess.run(
        ["git", "-C", str(Path(pipeline.__file__).parent), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"rehearse from {Path(pipeline.__file__).parent.parent} at {commit or '?'}"
    )
    started = time.perf_counter()
    rows = []
    for case in cases():
        if args.only and args.only not in case.name:
            continue
        rows.append(run(case))
        w = rows[-1]["roles"]["job-interview"]  # type: ignore[index]
        print(f"  {case.name}: {_verdict(w)} ({rows[-1]['run_seconds']} s)", file=sys.stderr)
    print(table(rows))
    print()
    for profile in ("job-interview", "reverse", "None"):
        print(summary(rows, profile))
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False, default=float), encoding="utf-8")


if __name__ == "__main__":
    main()
