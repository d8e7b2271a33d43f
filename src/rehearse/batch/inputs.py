"""The recordings a batch is given: files, folders and glob patterns."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import takewhile
from pathlib import Path, PurePosixPath

from rehearse.batch import BatchError

# What a folder or a pattern yields: the sound and video files FFmpeg reads that people record
# interviews in. A file named on its own is taken whatever its name.
MEDIA_SUFFIXES = frozenset(
    {
        ".wav",
        ".flac",
        ".mp3",
        ".m4a",
        ".aac",
        ".ogg",
        ".oga",
        ".opus",
        ".wma",
        ".aif",
        ".aiff",
        ".amr",
        ".3gp",
        ".webm",
        ".mp4",
        ".m4v",
        ".mov",
        ".mkv",
        ".avi",
    }
)


@dataclass(frozen=True)
class Recording:
    path: Path
    name: str  # where its reports go in the output folder, without a suffix: "cohort-a/alice"


def find(inputs: Sequence[str]) -> list[Recording]:
    """Every recording ``inputs`` name, each once, in order: files as given, folders searched
    through, glob patterns expanded (``**`` reaches into subfolders). Each is named after its
    path below the folder or the pattern's fixed part, so that reports mirror the tree.

    Raises:
        BatchError: an input names nothing, or no recording.
    """
    seen: dict[Path, Recording] = {}
    names: set[str] = set()
    for given in inputs:
        for path, base in _expand(given):
            resolved = path.resolve()
            if resolved in seen:
                continue
            name = PurePosixPath(*path.relative_to(base).with_suffix("").parts).as_posix()
            unique, n = name, 1
            while unique.casefold() in names:  # a.wav and a.m4a, or two folders' a.wav
                n += 1
                unique = f"{name}-{n}"
            names.add(unique.casefold())
            seen[resolved] = Recording(path, unique)
    return list(seen.values())


def _expand(given: str) -> list[tuple[Path, Path]]:
    """(recording, the folder its name is taken below) for one input."""
    path = Path(given)
    if path.is_dir():
        found = [p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES]
        if not found:
            raise BatchError("{input}: no recording in this folder (sound or video files)", input=given)
        return [(p, path) for p in found]
    if path.exists():
        return [(path, path.parent)]
    if not glob.has_magic(given):
        raise BatchError("{input}: no such file or folder", input=given)
    found = [
        Path(p)
        for p in sorted(glob.glob(given, recursive=True))
        if Path(p).is_file() and Path(p).suffix.lower() in MEDIA_SUFFIXES
    ]
    if not found:
        raise BatchError("{input}: the pattern matches no recording", input=given)
    fixed = list(takewhile(lambda part: not glob.has_magic(part), path.parts[:-1]))
    return [(p, Path(*fixed)) for p in found]
