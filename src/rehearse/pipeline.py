"""The pipeline: audio → transcript → who spoke when → findings → report.

Nothing here prints; progress goes through a callback, problems through
:mod:`rehearse.errors`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rehearse import activity, analysis, attribution, audio, models, plugins
from rehearse import report as report_module
from rehearse.conversation import Attribution, Conversation, Speaker, Utterance, Word
from rehearse.i18n import report_language, say

if TYPE_CHECKING:
    from rehearse.transcribe import Transcriber

# Overlapped utterances up to this long are transcribed again on their own channel.
RECHECK_MAX_SECONDS = 8.0

# (stage, fraction done); stages: "model", "decode", "transcribe", "speakers", "analyze".
Progress = Callable[[str, float], None]


def _quiet(stage: str, fraction: float) -> None:
    pass


@dataclass(frozen=True)
class Options:
    model: str = models.DEFAULT_MODEL
    language: str | None = None
    device: str = "cpu"
    compute_type: str = "int8"
    report_language: str | None = None
    settings: Sequence[str] = field(default_factory=tuple)  # --set analyzer.option=value


def transcribe_recording(path: str | Path, options: Options, progress: Progress = _quiet) -> Conversation:
    """Turn a recording into a conversation: words, who spoke when, utterances and turns."""
    from rehearse.transcribe import Transcriber, WhisperSettings

    model_path = models.resolve(options.model, lambda f: progress("model", f))
    recording = audio.load(path, lambda f: progress("decode", f))
    channels = recording.speaker_channels
    speakers = [f"S{i + 1}" for i in range(channels)]
    if channels > 1:
        segments = activity.channel_activity(recording.samples, speakers)
        source = Attribution.CHANNELS
    else:
        segments = activity.voice_activity(recording.mono, speakers[0])
        source = Attribution.SINGLE

    words, language, probability, notes = [], options.language, None, []
    if segments:
        transcriber = Transcriber(
            WhisperSettings(model_path, options.device, options.compute_type, options.language)
        )
        result = transcriber.transcribe(recording.mono, lambda f: progress("transcribe", f))
        words, language, probability = result.words, result.language, result.language_probability
        if result.dropped:
            notes.append(
                f"ignored {len(result.dropped)} phrase(s) Whisper invents on silence: "
                + "; ".join(result.dropped[:3])
            )
    progress("transcribe", 1.0)

    lang = report_language(language, options.report_language)
    words = attribution.assign_words(words, segments)
    utterances = attribution.build_utterances(segments, words)
    if source is Attribution.CHANNELS and words:
        words = _recheck_overlaps(transcriber, recording.samples, speakers, utterances, words, language)
        utterances = attribution.build_utterances(segments, words)
    progress("speakers", 1.0)
    if channels == 1 and segments:
        notes.append(
            say(
                lang,
                "One channel: speakers are not separated yet, so talk ratio, interruptions and "
                "per-person figures are not measured. Record with one mic per person for exact results.",
                "Une seule piste : les interlocuteurs ne sont pas encore séparés, donc pas de répartition "
                "du temps de parole ni d'interruptions. Enregistrez avec un micro par personne.",
            )
        )
    return Conversation(
        speakers=_speakers(channels, lang),
        segments=segments,
        utterances=utterances,
        turns=attribution.build_turns(utterances),
        duration=recording.info.duration,
        attribution=source,
        language=language,
        language_probability=probability,
        audio=recording.info,
        model=options.model,
        notes=notes,
    )


def _recheck_overlaps(
    transcriber: Transcriber,
    samples: np.ndarray,
    speakers: list[str],
    utterances: list[Utterance],
    words: list[Word],
    language: str | None,
) -> list[Word]:
    """Transcribe again, each on its own channel, the utterances the mix garbles.

    Whisper on the mix drops what a listener says over the speaker ("mm-hmm",
    "but—") and blends two voices where both talk; each channel alone is clear.
    Only the utterance that starts second in an overlap is redone: the one already
    under way was heard fine until then, and redoing it would cost far more.
    """
    for index, speaker in enumerate(speakers):
        mine = [
            u
            for u in utterances
            if u.speaker == speaker
            and u.duration <= RECHECK_MAX_SECONDS
            and (not u.words or any(o.speaker != speaker and o.start < u.start < o.end for o in utterances))
        ]
        if not mine:
            continue
        recovered = transcriber.transcribe_clips(samples[index], [(u.start, u.end) for u in mine], language)
        words = [
            w
            for w in words
            if w.speaker != speaker or not any(u.start <= (w.start + w.end) / 2 <= u.end for u in mine)
        ] + [replace(w, speaker=speaker) for w in recovered]
    return sorted(words, key=lambda w: w.start)


def _speakers(channels: int, lang: str) -> list[Speaker]:
    if channels == 1:
        return [Speaker("S1", say(lang, "Everyone (one channel)", "Tout le monde (une piste)"), channel=0)]
    sides = say(lang, "left right", "gauche droite").split()
    return [
        Speaker(
            f"S{i + 1}",
            say(lang, f"Speaker {i + 1} ({sides[i]})", f"Personne {i + 1} ({sides[i]})"),
            channel=i,
        )
        for i in range(channels)
    ]


def analyze(conversation: Conversation, options: Options, progress: Progress = _quiet) -> dict:
    """Run every registered analyzer and build the JSON report."""
    found = plugins.analyzers()
    settings: Mapping[str, Mapping[str, Any]] = analysis.parse_settings(options.settings, found)
    lang = report_language(conversation.language, options.report_language)
    results = analysis.run(conversation, found, settings, lang)
    progress("analyze", 1.0)
    return report_module.build(conversation, results, lang)
