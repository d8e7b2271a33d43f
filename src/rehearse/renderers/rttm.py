"""Who spoke when as RTTM, the format diarization scoring tools (md-eval, dscore, pyannote) read."""

from __future__ import annotations

from pathlib import Path

from rehearse.hookspecs import hookimpl
from rehearse.renderers.base import Renderer


class RttmRenderer(Renderer):
    name = "rttm"
    extensions = (".rttm",)

    def render(self, report: dict, *, color: bool = False) -> str:
        audio = report.get("audio") or {}
        # The file id is the recording's name without spaces, which would split the fields.
        uri = "_".join(Path(audio.get("path") or "recording").stem.split()) or "recording"
        return "".join(
            f"SPEAKER {uri} 1 {s['start']:.3f} {s['end'] - s['start']:.3f} <NA> <NA> {s['speaker']} <NA> <NA>\n"
            for s in sorted(report.get("segments", []), key=lambda s: (s["start"], s["speaker"]))
            if s["end"] > s["start"]
        )


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(RttmRenderer())
