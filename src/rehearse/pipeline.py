"""The pipeline: audio → transcript → who spoke when → findings → report.

Nothing here prints; progress goes through a callback, problems through
:mod:`rehearse.errors`.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from rehearse import plugins
from rehearse import report as report_module
from rehearse.analyzers import base as analysis
from rehearse.audio import activity, cuts, decode, pitch
from rehearse.coaching import scorecard, situations
from rehearse.coaching import you as roles
from rehearse.conversation import (
    UNCERTAIN_BELOW,
    Attribution,
    Conversation,
    Segment,
    Utterance,
    Word,
    cyclic_gc_paused,
)
from rehearse.diarization import encoder, turns, voiceprint
from rehearse.diarization.base import attribution_notes
from rehearse.errors import OptionError, PluginError
from rehearse.i18n import ntr, percent, report_language, separated, tr
from rehearse.language import lexicon, questions, scripts
from rehearse.recording import sidecar
from rehearse.transcription import hesitations
from rehearse.transcription.base import Transcription
from rehearse.transcription.model_files import DEFAULT_MODEL

if TYPE_CHECKING:
    from rehearse.diarization.base import Diarizer
    from rehearse.transcription.ahead import Ahead
    from rehearse.transcription.base import SpeechToText

T = TypeVar("T")

# Enough of each speaker's voice to compare with a voice print.
VOICE_SAMPLE_SECONDS = 60.0
# Overlapped utterances up to this long are transcribed again on their own channel.
RECHECK_MAX_SECONDS = 8.0

# (stage, fraction done); stages: "model", "decode", "voices", "transcribe", "speakers", "analyze".
Progress = Callable[[str, float], None]


def _quiet(stage: str, fraction: float) -> None:
    pass


@dataclass(frozen=True)
class Options:
    model: str = DEFAULT_MODEL
    language: str | None = None
    device: str = "cpu"
    compute_type: str = "int8"
    report_language: str | None = None
    settings: Sequence[str] = field(default_factory=tuple)  # --set analyzer.option=value
    speakers: int | None = None  # force the number of speakers on one channel
    diarizer: str = "voice"
    transcriber: str = "faster-whisper"
    me: str | None = None  # the speaker id that is the user, overriding the voice print
    use_voiceprint: bool = True
    profile: str | None = None  # the practice situation; None keeps the one stored with the session
    config: Mapping[str, Any] = field(default_factory=dict)  # rehearse.toml, for [profiles.NAME] targets
    config_path: str | None = None
    hesitations: bool = True  # listen for "um" and "euh" where Whisper wrote nothing


@dataclass
class SpeakerActivity:
    """Who spoke when, from the audio alone (no words yet)."""

    segments: list[Segment]
    speakers: list[str]
    source: Attribution
    unseparated: str | None = None  # why one channel could not be split, if it could not
    mics: activity.Mics | None = None  # one mic per speaker: their levels, to judge each word by
    speech: list[Segment] | None = None  # where the one channel holds speech, whoever speaks


def who_spoke_when(
    recording: decode.Recording,
    options: Options,
    progress: Progress = _quiet,
    finder: activity.SpeechFinder | None = None,
    diarizer: Diarizer | None = None,
) -> SpeakerActivity:
    """Speech segments per speaker: by channel on two-channel files, by voice on one channel.
    ``finder`` holds the speech found while recording, if it was, and ``diarizer`` the work it
    did on the voices (:meth:`Diarizer.warm`)."""
    channels = recording.speaker_channels
    if channels > 1:
        speakers = [f"S{i + 1}" for i in range(channels)]
        mics = activity.Mics.measure(recording.samples)
        return SpeakerActivity(mics.segments(speakers), speakers, Attribution.CHANNELS, mics=mics)
    speech = activity.voice_activity(recording.mono, "S1", finder=finder)
    if not speech:
        return SpeakerActivity([], ["S1"], Attribution.SINGLE, speech=speech)
    if diarizer is None or diarizer.name != options.diarizer:
        diarizer = load_diarizer(options)
    diarization = diarizer.diarize(
        recording.mono, [(s.start, s.end) for s in speech], options.speakers, lambda f: progress("voices", f)
    )
    if diarization.unseparated is not None:
        return SpeakerActivity(speech, ["S1"], Attribution.SINGLE, diarization.unseparated, speech=speech)
    return SpeakerActivity(diarization.segments, diarization.speakers, Attribution.VOICES, speech=speech)


def _without_debris(words: list[Word], language: str | None) -> tuple[list[Word], int]:
    """The words without the decoding debris (:mod:`rehearse.language.scripts`), and how many went."""
    kept = [w for w in words if not scripts.foreign(w.text, language)]
    return kept, len(words) - len(kept)


def load_diarizer(options: Options) -> Diarizer:
    """The diarizer plugin ``options`` name."""
    return _plugin(plugins.diarizers(), options.diarizer, "diarizer")


def load_transcriber(options: Options, progress: Progress = _quiet) -> SpeechToText:
    """The speech model ``options`` name, after checking the plugins named exist: everything that
    can be refused is checked before minutes of work."""
    load_diarizer(options)
    return _plugin(plugins.transcribers(), options.transcriber, "transcriber").load(
        options.model,
        device=options.device,
        compute_type=options.compute_type,
        language=options.language,
        progress=lambda f: progress("model", f),
    )


def transcribe_recording(
    path: str | Path,
    options: Options,
    progress: Progress = _quiet,
    ahead: Ahead | None = None,
    transcriber: SpeechToText | None = None,
) -> Conversation:
    """Turn a recording into a conversation: words, who spoke when, utterances and turns.
    ``ahead`` is what was transcribed while it was recorded: only the rest is done here;
    ``transcriber``, the speech model ``options`` name, when it is loaded already."""
    if ahead is not None:
        transcriber = ahead.model
    elif transcriber is None:
        transcriber = load_transcriber(options, progress)
    recording = decode.load(path, lambda f: progress("decode", f))
    finder = ahead.finder if ahead else None
    voicing = ahead.voicing_of(recording.mono) if ahead else None
    found = who_spoke_when(recording, options, progress, finder, ahead.diarizer if ahead else None)
    segments, speakers, source = found.segments, found.speakers, found.source

    words, language, probability, notes = [], options.language, None, []
    invented: list[str] = []
    if segments:
        speech = found.speech
        if speech is None:
            speech = activity.voice_activity(recording.mono, "S1", finder=finder)
        stretches = cuts.windows(recording.mono, [(s.start, s.end) for s in speech])
        result = _transcribe(transcriber, recording.mono, stretches, progress, ahead)
        words, language, probability = result.words, result.language, result.language_probability
        invented = result.dropped
    # Hesitations are listened for where Whisper wrote nothing (rehearse.transcription.hesitations).
    listen = getattr(transcriber, "hesitations", None) if options.hesitations else None
    if words and listen is not None:
        spots = hesitations.places(words, recording.mono, decode.SAMPLE_RATE)
        words = hesitations.added(words, listen(recording.mono, spots, language))
    progress("transcribe", 1.0)

    lang = report_language(language, options.report_language)
    if invented:
        notes.append(
            tr(
                lang,
                "Phrases Whisper invents on silence, ignored: {count} ({shown})",
                count=len(invented),
                shown=separated(lang, invented[:3]),
            )
        )
    words, debris = _without_debris(words, language)
    if recording.info.damage is not None:
        notes.append(decode.damage_note(recording.info.damage, lang))
    telephone = decode.telephone_note(recording.info, lang) if segments else None
    if telephone:
        notes.append(telephone)
    if segments and lexicon.only_sounds(w.text for w in words):
        notes.append(
            tr(
                lang,
                "No word was recognised in what sounded like speech: it may be laughter, music or "
                "noise, and the figures below describe those sounds, not a conversation.",
            )
        )
    heard = _heard_by(found.mics, speakers, words) if found.mics else None
    words = turns.assign_words(words, segments, heard)
    utterances = turns.build_utterances(segments, words)
    if found.mics and words:
        words = _recheck_overlaps(
            transcriber, recording.samples, found.mics, speakers, utterances, words, language
        )
        words, more = _without_debris(words, language)
        debris += more
        utterances = turns.build_utterances(segments, words)
    if any(u.words for u in utterances):
        words, utterances = _with_rises(utterances, words, recording, source, speakers, voicing)
    if debris:
        notes.append(
            ntr(
                lang,
                "{count} word dropped: a broken character or letters of another script, debris of the "
                "speech model's decoding.",
                "{count} words dropped: broken characters or letters of another script, debris of the "
                "speech model's decoding.",
                debris,
            )
        )
    progress("speakers", 1.0)
    notes += attribution_notes(source, found.unseparated, speakers, segments, lang)
    me = _find_me(recording, found, options)
    if "unusable" in me:
        notes.append(voiceprint.unusable_note(lang))
        me = {}
    elif me.get("source") == "voiceprint" and me["speaker"] is None:
        notes.append(voiceprint.no_match_note(me["similarities"], lang, me.get("confidence", 0.0)))
    recorded = sidecar.read(Path(path))  # what `rehearse record` kept beside it, if it made it
    live = _live_cues_note(recorded, source, me, lang)
    if live:
        notes.append(live)
    return Conversation(
        speakers=roles.label_speakers(source, speakers, lang, me.get("speaker")),
        me=me or None,
        segments=segments,
        utterances=utterances,
        turns=turns.build_turns(utterances),
        duration=recording.info.duration,
        attribution=source,
        language=language,
        language_probability=probability,
        audio=recording.info,
        model=options.model,
        notes=notes,
        profile=options.profile or _stored_profile(recorded),
        hesitations_heard=bool(segments) and listen is not None,
    )


def _transcribe(
    model: SpeechToText,
    mono: np.ndarray,
    windows: list[cuts.Window],
    progress: Progress,
    ahead: Ahead | None,
) -> Transcription:
    """The words of every window: those transcribed while recording, then the rest."""
    done = ahead.done_of(mono, windows) if ahead else 0
    if not ahead or not done:
        return model.transcribe(mono, windows, lambda f: progress("transcribe", f))
    rest = model.transcribe(
        mono, windows[done:], lambda f: progress("transcribe", f), language=ahead.language
    )
    return Transcription(
        ahead.words + rest.words,
        ahead.language or rest.language,
        ahead.language_probability if ahead.language_probability is not None else rest.language_probability,
        ahead.dropped + rest.dropped,
    )


def _with_rises(
    utterances: list[Utterance],
    words: list[Word],
    recording: decode.Recording,
    source: Attribution,
    speakers: list[str],
    voicing: pitch.Voicing | None = None,
) -> tuple[list[Word], list[Utterance]]:
    """The words and utterances, the last word of each utterance carrying how far the voice rose
    at its end, unless "?", "!" or a comma closed it: a question Whisper punctuated as a statement
    still sounds like one, and only a sentence that ends an utterance can be answered. Not at a
    comma: a clause going on rises there (a quarter of the French prompts' comma clauses rose
    over 3 semitones, docs/benchmarks.md). The pitch is tracked over those sentences only, from
    each speaker's own channel or from the one mic (``voicing``: its pitch tracked while recording)."""

    ends: list[tuple[str, float, Word]] = []  # (speaker, start of the last sentence, its last word)
    for utterance in utterances:
        if not utterance.words:
            continue
        sentence = questions.sentences(utterance.words)[-1]
        if not sentence[-1].text.rstrip().endswith(("?", "!", ",")):
            ends.append((utterance.speaker, sentence[0].start, sentence[-1]))

    def spans(speaker: str | None = None) -> list[tuple[float, float]]:
        return [(start, last.end) for who, start, last in ends if speaker in (None, who)]

    if source is Attribution.CHANNELS:
        contours = {
            s: pitch.track(channel, decode.SAMPLE_RATE, spans(s))
            for s, channel in zip(speakers, recording.samples)
        }
    else:  # one mic: one contour, over everyone's sentences, serves everyone
        contours = dict.fromkeys(speakers, pitch.track(recording.mono, decode.SAMPLE_RATE, spans(), voicing))
    risen: dict[int, Word] = {}  # by the id of the word it replaces, in words and utterances alike
    for speaker, start, last in ends:
        rise = pitch.final_rise(contours[speaker], start, last.end) if speaker in contours else None
        if rise is not None:
            risen[id(last)] = replace(last, rise=round(rise, 1))
    if not risen:
        return words, utterances
    return (
        [risen.get(id(w), w) for w in words],
        [
            replace(u, words=tuple(risen.get(id(w), w) for w in u.words))
            if u.words and id(u.words[-1]) in risen
            else u
            for u in utterances
        ],
    )


# Seconds of speech the live cues must have given a voice to have heard it.
LIVE_VOICE_SECONDS = 2.0


def _live_cues_note(live: Mapping[str, Any], source: Attribution, me: Mapping[str, Any], lang: str) -> str | None:
    """Why the report and the live cues of ``rehearse record`` (its sidecar, ``live``) differ,
    where on one mic the cues heard you and someone else by the voice print and the analysis did
    not: the cues judge each 1.6 s of speech against the print alone, the analysis tells whole
    voices apart."""
    talk = live.get("live_talk")
    if not live.get("live_by_voice") or not isinstance(talk, list) or len(talk) != 2:
        return None
    # A sidecar is a file anyone may have edited: only finite seconds are read.
    if not all(isinstance(t, (int, float)) and LIVE_VOICE_SECONDS <= t < math.inf for t in talk):
        return None  # the cues heard one voice too
    heard = {"share": percent(talk[0] / (talk[0] + talk[1]), lang)}
    if source is Attribution.SINGLE:
        return tr(
            lang,
            "While recording, the live cues gave you {share} of the speech and someone else the rest; "
            "the analysis heard one voice only, so it gives no share. The cues compare each second and a "
            "half with your voice print; the analysis needs two voices clearly apart over the whole "
            "recording, and its figures are the ones to trust.",
            **heard,
        )
    if not me.get("speaker"):
        return tr(
            lang,
            "While recording, the live cues gave you {share} of the speech; the analysis found no speaker "
            "clearly like your voice print. The cues compare each second and a half with your print; the "
            "analysis compares whole voices.",
            **heard,
        )
    return None


def _stored_profile(recorded: Mapping[str, Any]) -> str | None:
    profile = recorded.get("profile")
    return profile if profile in situations.NAMES else None


def _recheck_overlaps(
    transcriber: SpeechToText,
    samples: np.ndarray,
    mics: activity.Mics,
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
        mine = _garbled(utterances, speaker)
        if not mine:
            continue
        recovered = transcriber.transcribe_clips(samples[index], [(u.start, u.end) for u in mine], language)
        # An utterance its own channel gave no word for keeps what the mix heard there.
        middles = sorted((w.start + w.end) / 2 for w in recovered)
        redone = _Spans(
            [(u.start, u.end) for u in mine if bisect_right(middles, u.end) > bisect_left(middles, u.start)]
        )
        words = [w for w in words if w.speaker != speaker or not redone.cover((w.start + w.end) / 2)]
        words = _with_own_words(mics, speakers, speaker, recovered, words)
    return sorted(words, key=lambda w: w.start)


def _with_own_words(
    mics: activity.Mics, speakers: list[str], speaker: str, recovered: list[Word], words: list[Word]
) -> list[Word]:
    """``words`` with the words ``recovered`` from the speaker's channel alone that are theirs.

    Alone, a channel still holds the other's voice as crosstalk, and Whisper hears it. A word
    only the other mic carries is the other's. The very word the mix gave someone else at that
    moment is one voice heard twice: the surer hearing stands (through the other mic, the voice
    is faint and under the speaker's own sounds).
    """
    others = [k for k, w in enumerate(words) if w.speaker != speaker]
    echoes = _echoes(recovered, [words[k] for k in others])
    mine, replaced = [], set()
    for word, heard, echo in zip(recovered, _heard_by(mics, speakers, recovered), echoes):
        if heard not in (None, speaker):
            continue
        if echo >= 0:
            if words[others[echo]].probability >= word.probability:
                continue
            replaced.add(others[echo])
        mine.append(replace(word, speaker=speaker))
    return [w for k, w in enumerate(words) if k not in replaced] + mine


def _garbled(utterances: list[Utterance], speaker: str) -> list[Utterance]:
    """The speaker's utterances the mix may have garbled: short ones left without words, or
    starting while someone else was speaking."""
    others = sorted((u.start, u.end) for u in utterances if u.speaker != speaker)
    starts = [start for start, _ in others]
    reach = list(accumulate((end for _, end in others), max))  # latest end among the first k
    found = []
    for u in utterances:
        if u.speaker != speaker or u.duration > RECHECK_MAX_SECONDS:
            continue
        earlier = bisect_left(starts, u.start)  # the others that started strictly before u
        if not u.words or (earlier and reach[earlier - 1] > u.start):
            found.append(u)
    return found


def _heard_by(mics: activity.Mics, speakers: list[str], words: Sequence[Word]) -> list[str | None]:
    """Word for word, the speaker (one per channel) whose mic alone carries it, or None where
    both or neither do."""
    spans = np.array([(w.start, w.end) for w in words], dtype=np.float64).reshape(-1, 2)
    return [speakers[c] if c >= 0 else None for c in mics.owner(spans).tolist()]


def _echoes(words: list[Word], others: list[Word]) -> list[int]:
    """For each of ``words``, the index of one of ``others`` that is the same word at the same
    moment, or -1."""
    starts = np.fromiter((w.start for w in others), np.float64, len(others))
    ends = np.fromiter((w.end for w in others), np.float64, len(others))
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends) if len(ends) else ends  # latest end among the first k
    # Between these two, every other word that may share a moment with each word.
    lo = np.searchsorted(reach, [w.start for w in words], side="left").tolist()
    hi = np.searchsorted(starts, [w.end for w in words], side="right").tolist()
    order_of = order.tolist()
    return [
        next(
            (
                order_of[j]
                for j in range(a, b)
                if ends[j] >= w.start and lexicon.tokens(others[order_of[j]].text) == lexicon.tokens(w.text)
            ),
            -1,
        )
        for w, a, b in zip(words, lo, hi)
    ]


class _Spans:
    """Closed time spans, asked "does any of you cover this instant?" in O(log n)."""

    def __init__(self, spans: list[tuple[float, float]]) -> None:
        merged: list[list[float]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def cover(self, time: float) -> bool:
        k = bisect_right(self.starts, time) - 1
        return k >= 0 and time <= self.ends[k]


def _plugin(found: Mapping[str, T], name: str, kind: str) -> T:
    if name not in found:
        raise PluginError(
            "no {kind} named {name}; installed: {installed}",
            kind=kind,
            name=repr(name),
            installed=", ".join(sorted(found)),
        )
    return found[name]


def _find_me(recording: decode.Recording, found: SpeakerActivity, options: Options) -> dict[str, Any]:
    """Which speaker is the user: ``--me``, else the closest match to the voice print."""
    if options.me is not None:
        if options.me not in found.speakers:
            raise OptionError(
                "--me {speaker}: no such speaker in this recording; it has {speakers}",
                speaker=options.me,
                speakers=", ".join(found.speakers),
            )
        return {"speaker": options.me, "source": "option"}
    if not options.use_voiceprint or found.source is Attribution.SINGLE:
        return {}
    try:
        print_ = voiceprint.load()
    except voiceprint.VoicePrintError:
        return {"unusable": True}
    if print_ is None:
        return {}
    voices, seconds = speaker_voices(recording, found)
    if not voices:
        return {}
    match = voiceprint.match(print_, voices, seconds)
    return {
        "speaker": match.speaker,
        "source": "voiceprint",
        "similarities": match.similarities,
        "confidence": match.confidence,
    }


def speaker_voices(
    recording: decode.Recording, found: SpeakerActivity
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Each speaker's voice embedding, from up to VOICE_SAMPLE_SECONDS of their confident
    speech, and how many seconds it was made from; a speaker with too little is left out."""
    voices, seconds = {}, {}
    for index, speaker in enumerate(found.speakers):
        track = recording.samples[index] if found.source is Attribution.CHANNELS else recording.mono
        sure = [s for s in found.segments if s.speaker == speaker and s.confidence >= UNCERTAIN_BELOW]
        said = decode.excerpt(track, [(s.start, s.end) for s in sure], VOICE_SAMPLE_SECONDS)
        if len(said) >= voiceprint.MIN_SPEECH_SECONDS * decode.SAMPLE_RATE / 2:
            voices[speaker] = encoder.embed(said)
            seconds[speaker] = len(said) / decode.SAMPLE_RATE
    return voices, seconds


def set_me(conversation: Conversation, speaker: str, source: str, options: Options) -> None:
    """Mark ``speaker`` as the user after the fact (when the user was asked)."""
    lang = report_language(conversation.language, options.report_language)
    ids = [s.id for s in conversation.speakers]
    if speaker not in ids:
        raise OptionError(
            "--me {speaker}: no such speaker in this recording; it has {speakers}",
            speaker=speaker,
            speakers=", ".join(ids),
        )
    conversation.speakers = roles.label_speakers(conversation.attribution, ids, lang, speaker)
    conversation.me = {"speaker": speaker, "source": source}


def analyze(conversation: Conversation, options: Options, progress: Progress = _quiet) -> dict:
    """Run every registered analyzer and build the JSON report."""
    found = plugins.analyzers()
    settings: Mapping[str, Mapping[str, Any]] = analysis.parse_settings(options.settings, found)
    if options.profile is not None:
        conversation.profile = options.profile
    lang = report_language(conversation.language, options.report_language)
    with cyclic_gc_paused():
        results = analysis.run(conversation, found, settings, lang)
        progress("analyze", 1.0)
        report = report_module.build(conversation, results, lang)
        report["coaching"] = coaching(conversation, results, options, lang)
        scorecard.settle(report["analyzers"], report["coaching"]["scorecard"])
    return report


def coaching(conversation: Conversation, results: Mapping[str, Any], options: Options, lang: str) -> dict:
    """Who the report coaches (how sure, and from which cues), their figures against the
    situation's targets, and the key figures."""
    focus = roles.you(conversation)
    chosen = scorecard.targets(conversation.profile, options.config, options.config_path)
    figures = scorecard.declared()
    found: dict[str, Any] = {
        "profile": conversation.profile or situations.DEFAULT,
        "profile_given": conversation.profile is not None,
        "you": focus.speaker,
        "you_source": focus.source,
        "you_confidence": None if focus.confidence is None else round(focus.confidence, 3),
        "you_cues": [cue.to_dict() for cue in focus.cues],
        "scorecard": scorecard.scorecard(results, focus.speaker, chosen, lang, figures),
        "key_metrics": scorecard.key_metrics(results, focus.speaker, figures),
    }
    notes = [roles.focus_note(conversation, focus, lang)]
    if conversation.profile is None:
        notes.insert(
            0,
            tr(
                lang,
                "Coached as a job interview, the most common practice; for another situation: "
                "--profile informational, reverse or client-discovery.",
            ),
        )
    note = " ".join(n for n in notes if n)
    if note:
        found["note"] = note
    return found
