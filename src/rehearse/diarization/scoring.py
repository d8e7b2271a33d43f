"""Scoring who-spoke-when against a reference: diarization error rate and talk-share error.

DER follows NIST md-eval: time is scored in 10 ms frames; a frame with r reference and
h system speakers counts max(r - h, 0) missed, max(h - r, 0) false alarm and
min(r, h) - matched confused, where system speakers are mapped one-to-one onto
reference speakers to maximise the time they agree. Overlapped speech is scored; a
collar around each reference boundary is left out, since no one can say to the
millisecond where a word starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path

import numpy as np

from rehearse.conversation import Segment
from rehearse.errors import RehearseError

STEP = 0.01


@dataclass(frozen=True)
class DiarizationScore:
    scored: float  # seconds of reference speech (overlaps counted once per speaker)
    missed: float
    false_alarm: float
    confusion: float
    mapping: dict[str, str]  # system speaker -> reference speaker
    share_error: dict[str, float]  # reference speaker -> |share difference| in percentage points

    @property
    def der(self) -> float:
        return (self.missed + self.false_alarm + self.confusion) / self.scored if self.scored else 0.0

    def to_dict(self) -> dict:
        rate = (lambda x: round(x / self.scored, 4)) if self.scored else (lambda x: 0.0)
        return {
            "der": round(self.der, 4),
            "missed": rate(self.missed),
            "false_alarm": rate(self.false_alarm),
            "confusion": rate(self.confusion),
            "scored_seconds": round(self.scored, 2),
            "mapping": self.mapping,
            "talk_share_error": {k: round(v, 2) for k, v in self.share_error.items()},
        }


def read_rttm(path: str | Path) -> list[Segment]:
    """SPEAKER lines of an RTTM file as segments (other line types are ignored)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RehearseError("{path}: cannot read the RTTM file ({reason})", path=path, reason=exc) from exc
    segments = []
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        try:
            start, duration, speaker = float(fields[3]), float(fields[4]), fields[7]
        except (IndexError, ValueError):
            raise RehearseError(
                "{path}:{line}: not an RTTM SPEAKER line "
                "(SPEAKER file 1 start duration <NA> <NA> speaker <NA> <NA>)",
                path=path,
                line=number,
            ) from None
        segments.append(Segment(speaker, start, start + duration))
    if not segments:
        raise RehearseError("{path}: no SPEAKER lines; is it an RTTM file?", path=path)
    return segments


def _frames(segments: Iterable[Segment], speakers: list[str], length: int) -> np.ndarray:
    grid = np.zeros((len(speakers), length), bool)
    for s in segments:
        grid[speakers.index(s.speaker), round(s.start / STEP) : round(s.end / STEP)] = True
    return grid


def score(reference: list[Segment], system: list[Segment], collar: float = 0.25) -> DiarizationScore:
    """DER and its parts, with ``collar`` seconds left out around each reference boundary."""
    ref_names = sorted({s.speaker for s in reference})
    sys_names = sorted({s.speaker for s in system})
    length = round(max(s.end for s in [*reference, *system]) / STEP) + 1
    ref = _frames(reference, ref_names, length)
    hyp = _frames(system, sys_names, length)

    scored = np.ones(length, bool)
    margin = round(collar / STEP)
    for s in reference:
        for edge in (round(s.start / STEP), round(s.end / STEP)):
            scored[max(edge - margin, 0) : edge + margin] = False
    ref_s, hyp_s = ref[:, scored], hyp[:, scored]

    agreement = hyp_s.astype(np.int64) @ ref_s.T.astype(np.int64)
    mapping, matched = _best_mapping(agreement, sys_names, ref_names)
    r_count, h_count = ref_s.sum(axis=0), hyp_s.sum(axis=0)
    return DiarizationScore(
        scored=float(r_count.sum()) * STEP,
        missed=float(np.maximum(r_count - h_count, 0).sum()) * STEP,
        false_alarm=float(np.maximum(h_count - r_count, 0).sum()) * STEP,
        confusion=float(np.minimum(r_count, h_count).sum() - matched) * STEP,
        mapping=mapping,
        share_error=_share_error(ref, hyp, ref_names, sys_names, mapping),
    )


def _best_mapping(
    agreement: np.ndarray, sys_names: list[str], ref_names: list[str]
) -> tuple[dict[str, str], int]:
    """One-to-one system → reference mapping with the most agreeing frames.

    Exhaustive up to 7 speakers a side (interviews have 1-4); greedy beyond.
    """
    n = max(len(sys_names), len(ref_names))
    square = np.zeros((n, n), np.int64)
    square[: len(sys_names), : len(ref_names)] = agreement
    order: list[int]
    if n <= 7:
        order = list(
            max(permutations(range(n)), key=lambda p: sum(int(square[h, r]) for h, r in enumerate(p)))
        )
    else:
        order, taken = [0] * n, set()
        for h in np.argsort(-square.max(axis=1)):
            order[h] = max((r for r in range(n) if r not in taken), key=lambda r: square[h, r])
            taken.add(order[h])
    pairs = [(h, r) for h, r in enumerate(order) if h < len(sys_names) and r < len(ref_names)]
    return {sys_names[h]: ref_names[r] for h, r in pairs}, int(sum(square[h, r] for h, r in pairs))


def _share_error(
    ref: np.ndarray, hyp: np.ndarray, ref_names: list[str], sys_names: list[str], mapping: dict[str, str]
) -> dict[str, float]:
    """Per reference speaker: how far the measured share of talk time is from the true one."""
    ref_time = ref.sum(axis=1)
    hyp_time = hyp.sum(axis=1)
    ref_total, hyp_total = ref_time.sum(), hyp_time.sum()
    errors = {}
    for r, name in enumerate(ref_names):
        mine = [h for h, s in enumerate(sys_names) if mapping.get(s) == name]
        measured = hyp_time[mine].sum() / hyp_total if hyp_total else 0.0
        errors[name] = abs(measured - ref_time[r] / ref_total) * 100
    return errors
