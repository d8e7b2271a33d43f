"""rehearse-webvtt: the interview as WebVTT subtitles with speaker names."""

from __future__ import annotations

from rehearse import Renderer, hookimpl, speaker_labels

MAX_CUE_SECONDS = 6.0
MAX_CUE_CHARACTERS = 84  # two lines of subtitles
NEW_CUE_AFTER_PAUSE = 1.0


class WebVttRenderer(Renderer):
    name = "webvtt"
    extensions = (".vtt",)

    def render(self, report: dict, *, color: bool = False) -> str:
        labels = speaker_labels(report)
        blocks = ["WEBVTT"]
        for number, cue in enumerate(_cues(report.get("words", [])), 1):
            speaker = _escape(labels.get(cue["speaker"], cue["speaker"]))
            blocks.append(
                f"{number}\n{_time(cue['start'])} --> {_time(cue['end'])}\n<v {speaker}>{_escape(cue['text'])}"
            )
        return "\n\n".join(blocks) + "\n"


def _cues(words: list[dict]) -> list[dict]:
    cues: list[dict] = []
    for word in words:
        text = word["text"]
        current = cues[-1] if cues else None
        if (
            current is None
            or word["speaker"] != current["speaker"]
            or word["start"] - current["end"] >= NEW_CUE_AFTER_PAUSE
            or word["end"] - current["start"] > MAX_CUE_SECONDS
            or len(current["text"] + text) > MAX_CUE_CHARACTERS
        ):
            cues.append(
                {"speaker": word["speaker"], "start": word["start"], "end": word["end"], "text": text.strip()}
            )
        else:
            # Whisper's word texts carry their own leading space (none before a French elision).
            current["text"] += text
            current["end"] = word["end"]
    return cues


def _time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(WebVttRenderer())
