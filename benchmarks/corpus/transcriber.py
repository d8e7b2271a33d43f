"""Transcriber (.trs) files as speaker turns and reference words.

Transcriber's XML (Barras et al., "Transcriber: development and use of a tool for assisting
speech corpora production", Speech Communication 33, 2001) holds turns with a start, an end
and one or more speakers; in an overlapped turn ``<Who nb="k"/>`` introduces what the k-th
speaker says. Noises and events (``{laugh}``, ``<Event desc="rire"/>``) are not speech, and
a speaker whose part of a turn holds only them is not counted as speaking.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: float
    end: float
    text: str


_NOT_WORDS = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\(\(|\)\)")


def words_of(text: str) -> str:
    """The spoken words of an annotation, events and uncertainty marks removed."""
    return " ".join(_NOT_WORDS.sub(" ", text).split())


def read(path: Path) -> list[Turn]:
    root = ElementTree.parse(path).getroot()
    names = {s.get("id"): s.get("name") or s.get("id") for s in root.iter("Speaker")}
    turns = []
    for turn in root.iter("Turn"):
        ids = (turn.get("speaker") or "").split()
        if not ids:
            continue  # music, jingles
        parts: dict[int, list[str]] = {}
        who = 1
        for text, marker in _pieces(turn):
            if marker is not None:
                who = int(marker)
            if text:
                parts.setdefault(who, []).append(text)
        for index, speaker in enumerate(ids, 1):
            text = words_of(" ".join(parts.get(index, [])))
            if text and re.search(r"\w", text):
                turns.append(
                    Turn(names[speaker], float(turn.get("startTime")), float(turn.get("endTime")), text)
                )
    return turns


def _pieces(turn: ElementTree.Element) -> list[tuple[str, str | None]]:
    """(text, Who number or None) in document order."""
    out = [((turn.text or "").strip(), None)]
    for child in turn:
        marker = child.get("nb") if child.tag == "Who" else None
        out.append(("", marker))
        out.append(((child.tail or "").strip(), None))
    return out
