"""Hesitations heard, on real speech: precision, recall, what they cost, and the words left alone.

    python benchmarks/hesitations.py [--json FILE]

The set (``corpus/sources.py``, ``corpus/annotations/hesitations.tsv``): three monologues of
one man talking freely, transcribed by a person with their 14 "uh" and "um" (MFA's test data),
timed by forced alignment; five clips of spontaneous esports commentary, 4 "uh" between them,
counted from their text; and read speech without any hesitation (LibriVox's five sentences,
John F. Kennedy's eleven seconds), where every hesitation found is a false one. No French set
with annotated hesitations ships in a package registry (docs/benchmarks.md).

Each file goes through ``pipeline.transcribe_recording`` twice, without the hesitation pass and
with it (``Options.hesitations``), in the same run: the time between is what the pass costs, and
the words other than hesitations must be the same in both. A hesitation found counts as right
when it overlaps an annotated one by any amount or lies within 0.3 s of it (forced alignment
and Whisper's word times both drift by about that much at a pause); on the clips with a count
only, the found and annotated counts are compared.

What the pass costs on conversation is measured apart, on the real two-person conversation of
``corpus/long_conversation.py`` (3.4 minutes of pyannote's sample, AMI meetings and a
CALLFRIEND call, not annotated for hesitations): transcription time with the pass against
without it, and the hesitations it found there, to read by ear.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import long_conversation, sources  # noqa: E402

from rehearse import pipeline  # noqa: E402
from rehearse.language import lexicon  # noqa: E402

NEAR = 0.3  # seconds: a hesitation found this close to an annotated one is that one


def annotated() -> dict[str, list[tuple[str, float | None, float | None]]]:
    out: dict[str, list[tuple[str, float | None, float | None]]] = {}
    for line in (sources.ANNOTATIONS / "hesitations.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, sound, start, end, *_ = (line + "\t\t\t\t").split("\t")
        out.setdefault(name, [])
        if sound:
            out[name].append((sound, float(start) if start else None, float(end) if end else None))
    return out


def run(name: str, audio: Path, truth: list, transcriber: object) -> dict[str, object]:
    timed = {}
    words = {}
    for listen in (False, True):
        options = pipeline.Options(language="en", use_voiceprint=False, hesitations=listen)
        started = time.perf_counter()
        conversation = pipeline.transcribe_recording(audio, options, transcriber=transcriber)  # type: ignore[arg-type]
        timed[listen] = time.perf_counter() - started
        words[listen] = conversation.words
    before = [w for w in words[False] if lexicon.is_hesitation(w.text)]  # what Whisper wrote itself
    found = [w for w in words[True] if lexicon.is_hesitation(w.text)]
    rest_before = [(w.start, w.end, w.text) for w in words[False]]
    rest_after = [(w.start, w.end, w.text) for w in words[True] if not w.hesitation]
    tp, fp, fn = scored(found, truth)
    tp0, fp0, fn0 = scored(before, truth)
    return {
        "file": name,
        "seconds": round(words[True][-1].end if words[True] else 0.0, 1),
        "annotated": len(truth),
        "found": [f"{w.start:.2f}-{w.end:.2f}{w.text}" for w in found],
        "right": tp,
        "false": fp,
        "missed": fn,
        "before": {"right": tp0, "false": fp0, "missed": fn0},
        "other_words_unchanged": rest_before == rest_after,
        "seconds_without": round(timed[False], 2),
        "seconds_with": round(timed[True], 2),
    }


def scored(found: list, truth: list) -> tuple[int, int, int]:
    """Right, false and missed hesitations of ``found`` against the annotated ``truth``."""
    if truth and truth[0][1] is not None:
        matched: set[int] = set()
        for w in found:
            near = [
                i
                for i, (_, s, e) in enumerate(truth)
                if i not in matched and w.start <= e + NEAR and w.end >= s - NEAR
            ]
            if near:
                matched.add(near[0])
        return len(matched), len(found) - len(matched), len(truth) - len(matched)
    right = min(len(found), len(truth))
    return right, len(found) - right, len(truth) - right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="Also write every figure to this file.")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    truth = annotated()
    items = [(name, audio, truth[name]) for name, audio in sources.hesitation_sources()]
    items += [(s.name, s.audio, []) for s in (*sources.librivox(), sources.jfk())]
    transcriber = pipeline.load_transcriber(pipeline.Options(language="en"))
    rows = [run(name, audio, found, transcriber) for name, audio, found in items]
    print(
        "| file | s | annotated | before: right, false, missed | after: right, false, missed "
        "| other words unchanged | s without | s with |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        b = r["before"]
        print(
            f"| {r['file']} | {r['seconds']} | {r['annotated']} | {b['right']}, {b['false']}, {b['missed']} "  # type: ignore[index]
            f"| {r['right']}, {r['false']}, {r['missed']} "
            f"| {'yes' if r['other_words_unchanged'] else 'NO'} | {r['seconds_without']} | {r['seconds_with']} |"
        )
    tp, fp, fn = (sum(int(r[k]) for r in rows) for k in ("right", "false", "missed"))  # type: ignore[call-overload]
    tp0, fp0, fn0 = (sum(int(r["before"][k]) for r in rows) for k in ("right", "false", "missed"))  # type: ignore[index]
    print(
        f"before: precision {tp0 / max(tp0 + fp0, 1):.2f} ({tp0}/{tp0 + fp0}), recall {tp0 / max(tp0 + fn0, 1):.2f} ({tp0}/{tp0 + fn0})"
    )
    before = sum(float(r["seconds_without"]) for r in rows)  # type: ignore[arg-type]
    after = sum(float(r["seconds_with"]) for r in rows)  # type: ignore[arg-type]
    print()
    print(
        f"after: precision {tp / max(tp + fp, 1):.2f} ({tp}/{tp + fp}), recall {tp / max(tp + fn, 1):.2f} ({tp}/{tp + fn}); "
        f"time with the pass / without: {after / before:.2f} ({after:.1f} s / {before:.1f} s)"
    )
    mono, _ = long_conversation.build(3.4)
    timing = run("long conversation, 3.4 min (not annotated)", mono, [], transcriber)
    print(
        f"{timing['file']}: {timing['seconds_with']} s with the pass, {timing['seconds_without']} s without "
        f"(ratio {float(timing['seconds_with']) / float(timing['seconds_without']):.2f}); "  # type: ignore[arg-type]
        f"{len(timing['found'])} hesitations found; other words unchanged: {timing['other_words_unchanged']}"  # type: ignore[arg-type]
    )
    if args.json:
        args.json.write_text(json.dumps([*rows, timing], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
