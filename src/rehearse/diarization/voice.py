"""The built-in diarizer, ``voice``: who spoke when on one microphone, from voice embeddings.

1. Speech regions from Silero VAD.
2. Embeddings of overlapping windows (1.6 s, the encoder's training length, every 0.4 s);
   a region shorter than a window is embedded whole.
3. Clustering in two stages: k-means into many small clusters, then average-linkage
   merging of those while two of them sound like the same person (cosine similarity
   above a calibrated threshold), at most four speakers, or exactly ``--speakers N``.
   Centroids are then refined by reassigning windows.
4. Each 10 ms frame of speech goes to the speaker its covering windows resemble most;
   flips shorter than ``min_turn`` inside a stretch of speech are smoothed away.
5. Trust. On real recordings this encoder often hears the moment (the line, the room, music
   behind a voice) more than the voice, and then splits one person in two by time or
   merges two. Such splits are unstable: clustering random halves of the windows gives
   different partitions (stability-based validation, Lange et al., "Stability-based
   validation of clustering solutions", Neural Computation 16, 2004). When the halves
   agree on less than ``min_stability`` of the windows the voices are not told apart, and
   the recording is reported as one channel of everyone, which is honest, rather than as
   figures per person that are wrong. With ``--speakers N`` the split is kept, and every
   segment is uncertain unless rehearse, left to itself, finds as many stable voices.
6. Confidence. Inside a trusted split, errors gather within half a second of a change of
   speaker (where a window straddles two voices), and on windows the halves label
   differently, and on stretches shorter than a window. A frame is sure when it is
   further than ``boundary`` from such a change and its full-length windows were labelled
   alike by ``sure_agreement`` of the halves; a segment is as sure as the share of its
   frames that are. And a speaker whose own windows split in two as reproducibly as two
   people do (``split_inside_stability``) may be two similar voices taken for one: none of
   their speech is sure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from itertools import permutations

import numpy as np

from rehearse.audio import decode
from rehearse.conversation import Segment
from rehearse.diarization import encoder
from rehearse.diarization.base import (
    TOO_LITTLE_SPEECH,
    VOICES_UNCLEAR,
    Diarization,
    Diarizer,
    ProgressCallback,
)
from rehearse.hookspecs import hookimpl

FRAME = 0.01  # seconds per mel frame
GAIN_SPEECH_SECONDS = 60.0


@dataclass(frozen=True)
class DiarizationSettings:
    """Parameters of mono diarization (documented in docs/report.md)."""

    speakers: int | None = None  # force this many speakers
    max_speakers: int = 4
    window: float = 1.6
    hop: float = 0.4
    # Two voices whose centroids are closer than this are one person. Calibrated on the
    # fixtures and pyannote's real sample (docs/benchmarks.md): two people measured 0.75-0.92,
    # one person split in two 0.83-0.95 (but then in small, lopsided clusters).
    same_speaker_similarity: float = 0.93
    # A third or fourth voice must stand further apart: more clusters always fit better.
    extra_speaker_similarity: float = 0.85
    min_speaker_seconds: float = 3.0  # a "speaker" heard for less is merged into the nearest
    # Changing speaker costs this much similarity-times-frames: inside continuous speech a
    # change must be backed by about a second of clearly better fit, across a pause far less.
    switch_cost: float = 8.0
    pause_switch_cost: float = 0.5
    min_speech: float = 2.0  # under this much speech there is nothing to compare
    # Clusterings of random halves of the windows must agree with the whole on this share
    # of them (median of ``stability_draws`` draws). On the real-speech suite
    # (docs/benchmarks.md) splits that were right scored 0.86-1.0 and the ones that cut a
    # voice by time or background 0.50-0.72.
    min_stability: float = 0.8
    stability_draws: int = 8
    boundary: float = 0.5  # seconds either side of a change of speaker that stay unsure
    # A frame is sure when the windows covering it were labelled alike by this share of the
    # halves: on the suite, speech kept by this and ``boundary`` was 95-98% right in the
    # trusted splits, against 89-96% by ``boundary`` alone.
    sure_agreement: float = 0.9
    # A speaker whose own windows split in two this reproducibly may be two people.
    split_inside_stability: float = 0.95
    min_windows_to_split: int = 10


class VoiceDiarizer(Diarizer):
    name = "voice"
    description = "Voice embeddings (resemblyzer's GE2E encoder, ONNX) clustered into 1-4 speakers."

    def __init__(self, settings: DiarizationSettings | None = None) -> None:
        self.settings = settings or DiarizationSettings()
        self._warmed = Embeddings()

    def warm(self, samples: np.ndarray, speech: list[tuple[float, float]]) -> None:
        self._warmed.warm(samples, speech, self.settings)

    def diarize(
        self,
        samples: np.ndarray,
        speech: list[tuple[float, float]],
        speakers: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Diarization:
        settings = self.settings if speakers is None else replace(self.settings, speakers=speakers)
        known, self._warmed = self._warmed, Embeddings()  # for this recording only
        return diarize(samples, speech, settings, progress, known)


@hookimpl
def register_diarizers(register):  # type: ignore[no-untyped-def]
    register(VoiceDiarizer())


def diarize(
    samples: np.ndarray,
    speech: list[tuple[float, float]],
    settings: DiarizationSettings | None = None,
    progress: ProgressCallback | None = None,
    known: Embeddings | None = None,
) -> Diarization:
    """Attribute the speech regions of a mono recording to speakers S1, S2, … (``known``: the
    stretches embedded already)."""
    settings = settings or DiarizationSettings()
    total = sum(end - start for start, end in speech)
    if total < settings.min_speech:
        segments = [Segment("S1", start, end) for start, end in speech]
        return Diarization(segments, ["S1"], unseparated=TOO_LITTLE_SPEECH)

    windows, embeddings = (known or Embeddings()).of(samples, speech, settings, progress)
    return attribute(embeddings, windows, speech, encoder.frame_count(len(samples)), settings)


def attribute(
    embeddings: np.ndarray,
    windows: list[tuple[int, int]],
    speech: list[tuple[float, float]],
    n_frames: int,
    settings: DiarizationSettings,
) -> Diarization:
    """Who spoke when, from the embeddings of ``windows`` (frame ranges) over ``speech``."""
    centroids = _cluster(embeddings, windows, settings)
    resampled = (
        _resample(embeddings, windows, centroids, settings)
        if len(centroids) > 1
        else _Resampling(1.0, np.ones(len(windows)))
    )
    trusted = resampled.stability >= settings.min_stability and _heard_as_many(
        embeddings, windows, len(centroids), settings
    )
    if not trusted and not settings.speakers:
        return Diarization(
            [Segment("S1", start, end) for start, end in speech], ["S1"], unseparated=VOICES_UNCLEAR
        )
    scores = _per_frame(windows, embeddings @ centroids.T, n_frames)
    # A stretch shorter than a window is embedded from too little voice to be sure of.
    sureness = resampled.agreement * _full(windows, settings) if len(centroids) > 1 else resampled.agreement
    agreement = _per_frame(windows, sureness[:, None], n_frames)[:, 0]
    names = [f"S{i + 1}" for i in range(len(centroids))]
    segments = _segments(speech, scores, agreement, names, settings)
    if not trusted:  # kept only because --speakers asked for it
        doubtful = set(names)
    elif len(centroids) > 1:
        doubtful = {names[i] for i in _holding_two(embeddings, windows, centroids, settings)}
    else:
        doubtful = set()
    segments = [replace(s, confidence=0.0) if s.speaker in doubtful else s for s in segments]
    return Diarization(segments, names)


def _heard_as_many(
    embeddings: np.ndarray, windows: list[tuple[int, int]], count: int, settings: DiarizationSettings
) -> bool:
    """Whether the voices themselves give ``count`` speakers: always, unless ``--speakers``
    forced two or more; then only when rehearse, left to itself, finds as many and finds them
    stable. A forced split of voices it cannot tell apart follows whatever else differs (a
    line, music behind one part), and none of it is sure."""
    if not settings.speakers or count == 1:  # one person: nothing to tell apart
        return True
    free = replace(settings, speakers=None)
    own = _cluster(embeddings, windows, free)
    return len(own) == count and _resample(embeddings, windows, own, free).stability >= settings.min_stability


def _holding_two(
    embeddings: np.ndarray,
    windows: list[tuple[int, int]],
    centroids: np.ndarray,
    settings: DiarizationSettings,
) -> list[int]:
    """The speakers whose own windows split in two the same way whichever half of them is
    clustered: two similar voices taken for one (or one voice over two backgrounds). A single
    voice cut in two is cut differently by every half (stability 0.62-0.92 on the suite);
    two voices merged scored 0.99-1.0."""
    labels = np.argmax(embeddings @ centroids.T, axis=1)
    full = _full(windows, settings)
    two = replace(settings, speakers=2)
    doubtful = []
    for speaker in range(len(centroids)):
        mine = np.flatnonzero((labels == speaker) & full)
        if len(mine) < settings.min_windows_to_split:
            continue
        own = [windows[i] for i in mine]
        halves = _cluster(embeddings[mine], own, two)
        if _resample(embeddings[mine], own, halves, two).stability >= settings.split_inside_stability:
            doubtful.append(speaker)
    return doubtful


class Embeddings:
    """The embedded windows of each stretch of speech, kept by the stretch's own audio and the
    gain: what was embedded while a session was recorded is not embedded again once it ends, and
    what is reused is what embedding the finished recording would give, to the bit."""

    def __init__(self) -> None:
        self._stretches: dict[tuple, tuple[list[tuple[int, int]], np.ndarray]] = {}
        self._heard = 0  # the stretches of the session under way embedded so far, at this gain:
        self._gain = 1.0

    def of(
        self,
        samples: np.ndarray,
        speech: list[tuple[float, float]],
        settings: DiarizationSettings,
        progress: ProgressCallback | None = None,
    ) -> tuple[list[tuple[int, int]], np.ndarray]:
        """The windows over ``speech`` (frame ranges) and their embeddings, one row each."""
        keys = self._keep(samples, speech, _gain(samples, speech), settings, progress)
        windows = [window for key in keys for window in self._stretches[key][0]]
        rows = [self._stretches[key][1] for key in keys]
        return windows, np.concatenate(rows) if rows else np.zeros((0, 256), np.float32)

    def warm(
        self, samples: np.ndarray, speech: list[tuple[float, float]], settings: DiarizationSettings
    ) -> None:
        """Embed the stretches of a session under way, ``speech`` being those that will not change:
        the new ones, or all of them again while the gain is still being judged."""
        gain = _gain(samples, speech)
        if gain != self._gain:
            self._stretches, self._heard, self._gain = {}, 0, gain
        self._keep(samples, speech[self._heard :], gain, settings)
        self._heard = len(speech)

    def _keep(
        self,
        samples: np.ndarray,
        speech: list[tuple[float, float]],
        gain: float,
        settings: DiarizationSettings,
        progress: ProgressCallback | None = None,
    ) -> list[tuple]:
        """The keys of the stretches of ``speech``, each embedded once."""
        frames = encoder.frame_count(len(samples))
        keys, missing = [], {}
        for start, end in speech:
            lo, hi = round(start / FRAME), min(round(end / FRAME), frames)
            audio = encoder.frame_audio(samples, lo, hi)
            key = (
                gain,
                settings.window,
                settings.hop,
                lo,
                hashlib.blake2b(audio.tobytes(), digest_size=16).digest(),
            )
            keys.append(key)
            if key not in self._stretches:
                missing[key] = (lo, hi, audio)
        self._embed(missing, gain, settings, progress)
        return keys

    def _embed(
        self,
        stretches: dict[tuple, tuple[int, int, np.ndarray]],
        gain: float,
        settings: DiarizationSettings,
        progress: ProgressCallback | None,
    ) -> None:
        """Embed the windows of ``stretches``, all at once: batched by length, whatever their stretch."""
        mels, windows = {}, {}
        for key, (lo, hi, audio) in stretches.items():
            mels[key] = encoder.mels_of(audio * np.float32(gain))
            windows[key] = _stretch_windows(lo, hi, settings)
        every = [(key, window) for key in stretches for window in windows[key]]
        out = np.zeros((len(every), 256), np.float32)
        by_length: dict[int, list[int]] = {}
        for index, (_, (lo, hi)) in enumerate(every):
            by_length.setdefault(hi - lo, []).append(index)
        done = 0
        for indices in by_length.values():
            for i in range(0, len(indices), encoder.BATCH):
                batch = indices[i : i + encoder.BATCH]
                frames = []
                for j in batch:
                    key, (lo, hi) = every[j]
                    first = stretches[key][0]
                    frames.append(mels[key][lo - first : hi - first])
                out[batch] = encoder.embed_frames(np.stack(frames))
                done += len(batch)
                if progress:
                    progress(done / len(every))
        at = 0
        for key in stretches:
            count = len(windows[key])
            self._stretches[key] = (windows[key], out[at : at + count])
            at += count


def _gain(samples: np.ndarray, speech: list[tuple[float, float]]) -> float:
    """The gain the encoder wants, judged on the first :data:`GAIN_SPEECH_SECONDS` of speech alone
    (as resemblyzer judges loudness after trimming silences): settled early in a session, so
    what is embedded while it is recorded stays valid."""
    return encoder.volume_gain(decode.excerpt(samples, speech, GAIN_SPEECH_SECONDS))


def _stretch_windows(lo: int, hi: int, settings: DiarizationSettings) -> list[tuple[int, int]]:
    """Frame ranges to embed over the stretch of frames ``lo`` to ``hi``: sliding windows, or the
    stretch itself when short; none under 10 frames."""
    size, hop = round(settings.window / FRAME), round(settings.hop / FRAME)
    if hi - lo <= size:
        return [(lo, hi)] if hi - lo >= 10 else []
    starts = list(range(lo, hi - size + 1, hop))
    if starts[-1] + size < hi:
        starts.append(hi - size)  # the stretch's end is covered too
    return [(s, s + size) for s in starts]


def _normalise(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-9)


def _kmeans(embeddings: np.ndarray, k: int, seed: int, rounds: int = 30) -> tuple[float, np.ndarray]:
    """Spherical k-means with k-means++ seeding: (mean similarity to own centroid, centroids)."""
    rng = np.random.default_rng(seed)
    centres = [embeddings[rng.integers(len(embeddings))]]
    for _ in range(1, k):
        distance = np.maximum(1 - np.max(embeddings @ np.array(centres).T, axis=1), 0) ** 2
        if distance.sum() == 0:
            break
        centres.append(embeddings[rng.choice(len(embeddings), p=distance / distance.sum())])
    centroids = np.array(centres)
    for _ in range(rounds):
        labels = np.argmax(embeddings @ centroids.T, axis=1)
        kept = [c for c in range(len(centroids)) if (labels == c).any()]
        updated = _normalise(np.array([embeddings[labels == c].mean(axis=0) for c in kept]))
        if updated.shape == centroids.shape and np.allclose(updated, centroids):
            break
        centroids = updated
    return float(np.mean(np.max(embeddings @ centroids.T, axis=1))), centroids


def _full(windows: list[tuple[int, int]], settings: DiarizationSettings) -> np.ndarray:
    """Which windows vote: only full-length ones, as an embedding of half a second is too
    unsteady to found a speaker (it is attributed afterwards like everything else)."""
    size = round(settings.window / FRAME)
    full = np.array([hi - lo >= size for lo, hi in windows], bool)
    return full if full.sum() >= 2 else np.ones(len(windows), bool)


@dataclass(frozen=True)
class _Resampling:
    stability: float  # median share of voting windows labelled alike by a half and the whole
    agreement: np.ndarray  # per window: the share of halves that label it as the whole does


def _resample(
    embeddings: np.ndarray,
    windows: list[tuple[int, int]],
    centroids: np.ndarray,
    settings: DiarizationSettings,
) -> _Resampling:
    """Cluster random halves of the windows again and compare with ``centroids``, under the
    best matching of labels. A half that finds another number of speakers agrees on less."""
    full = _full(windows, settings)
    labels = np.argmax(embeddings @ centroids.T, axis=1)
    rng = np.random.default_rng(0)  # the same recording always gets the same verdict
    forced = replace(settings, speakers=len(centroids)) if settings.speakers else settings
    shares, alike = [], []
    for _ in range(settings.stability_draws):
        half = rng.random(len(windows)) < 0.5
        kept = [w for w, keep in zip(windows, half) if keep]
        if len(kept) < 2:
            continue
        redone = _matched(labels, np.argmax(embeddings @ _cluster(embeddings[half], kept, forced).T, axis=1))
        same = redone == labels
        shares.append(float(np.mean(same[full])))
        alike.append(same)
    if not shares:
        return _Resampling(1.0, np.ones(len(windows)))
    return _Resampling(float(np.median(shares)), np.mean(alike, axis=0))


def _matched(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """``other``'s labels renamed to the one-to-one matching that agrees most with
    ``reference`` (labels are at most ``max_speakers``, so trying every matching is cheap);
    a label left unmatched becomes -1."""
    count = int(max(reference.max(), other.max())) + 1
    table = np.zeros((count, count), np.int64)
    np.add.at(table, (reference, other), 1)
    best = max(
        permutations(range(count)), key=lambda order: sum(int(table[a, order[a]]) for a in range(count))
    )
    rename = np.full(count, -1)
    for mine, theirs in enumerate(best):
        rename[theirs] = mine
    return rename[other]


def _cluster(
    embeddings: np.ndarray, windows: list[tuple[int, int]], settings: DiarizationSettings
) -> np.ndarray:
    """One centroid per speaker, ordered by first appearance."""
    voters = embeddings[_full(windows, settings)]
    counts = [settings.speakers] if settings.speakers else range(1, settings.max_speakers + 1)
    chosen = voters.mean(axis=0, keepdims=True)
    for k in counts:
        if k > len(voters):
            break
        _, centroids = max((_kmeans(voters, k, seed) for seed in range(8)), key=lambda fit: fit[0])
        labels = np.argmax(voters @ centroids.T, axis=1)
        heard = np.bincount(labels, minlength=len(centroids)) * settings.hop
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -1)
        limit = settings.same_speaker_similarity if k <= 2 else settings.extra_speaker_similarity
        distinct = similarity.max() < limit and heard.min() >= settings.min_speaker_seconds
        if settings.speakers or distinct:
            chosen = centroids
        elif k > 1:
            break  # k voices are not all distinct; more clusters would only split people further
    chosen = _normalise(chosen)
    first = np.argmax(embeddings @ chosen.T, axis=1)
    order = sorted(
        range(len(chosen)), key=lambda c: int(np.argmax(first == c)) if (first == c).any() else len(first)
    )
    return chosen[order]


def _per_frame(windows: list[tuple[int, int]], values: np.ndarray, n_frames: int) -> np.ndarray:
    """Per frame, the mean of ``values`` (one row per window) over the windows covering it:
    every speaker's similarity, or how often the halves agreed."""
    totals = np.zeros((n_frames + 1, values.shape[1]))
    counts = np.zeros(n_frames + 1)
    for (lo, hi), row in zip(windows, values):
        totals[lo] += row
        totals[hi] -= row
        counts[lo] += 1
        counts[hi] -= 1
    return np.cumsum(totals, axis=0)[:-1] / np.maximum(np.cumsum(counts)[:-1], 1)[:, None]


def _segments(
    speech: list[tuple[float, float]],
    scores: np.ndarray,
    agreement: np.ndarray,
    names: list[str],
    settings: DiarizationSettings,
) -> list[Segment]:
    """Speaker segments per speech region, each as sure as the share of its frames that are
    sure: away from a change of speaker, and labelled alike by nearly every half."""
    spans = [(round(start / FRAME), min(round(end / FRAME), len(scores))) for start, end in speech]
    spans = [(lo, hi) for lo, hi in spans if hi > lo]
    labels = _resegment(spans, scores, settings)
    unsure = _near_changes(spans, labels, round(settings.boundary / FRAME)) | (
        agreement < settings.sure_agreement
    )
    segments = []
    for (lo, hi), (start, end) in zip(
        spans, [s for s in speech if round(s[1] / FRAME) > round(s[0] / FRAME)]
    ):
        edges = [lo, *(np.flatnonzero(np.diff(labels[lo:hi])) + 1 + lo), hi]
        for a, b in zip(edges, edges[1:]):
            segments.append(
                Segment(
                    names[int(labels[a])],
                    round(int(a) * FRAME, 2) if a > lo else start,
                    round(int(b) * FRAME, 2) if b < hi else end,
                    confidence=round(1.0 - float(np.mean(unsure[a:b])), 2),
                )
            )
    return segments


def _near_changes(spans: list[tuple[int, int]], labels: np.ndarray, reach: int) -> np.ndarray:
    """Frames within ``reach`` of a change of speaker, inside or across a pause."""
    frames = np.concatenate([np.arange(lo, hi) for lo, hi in spans]) if spans else np.zeros(0, int)
    near = np.zeros(len(labels), bool)
    if len(frames) < 2:
        return near
    changes = frames[1:][np.diff(labels[frames]) != 0]
    ahead = np.searchsorted(changes, frames)
    distance = np.full(len(frames), np.inf)
    if len(changes):
        after = changes[np.minimum(ahead, len(changes) - 1)]
        before = changes[np.maximum(ahead - 1, 0)]
        distance = np.minimum(np.abs(after - frames), np.abs(frames - before))
    near[frames] = distance < reach
    return near


def _resegment(spans: list[tuple[int, int]], scores: np.ndarray, settings: DiarizationSettings) -> np.ndarray:
    """The most likely speaker of every speech frame, by Viterbi over the frames.

    Each frame earns its similarity to the speaker it is given; changing speaker costs
    ``switch_cost`` inside a stretch of continuous speech and far less across a pause,
    where turns usually change. This is what keeps a sentence from being cut in two
    by one unsteady window.
    """
    labels = np.zeros(len(scores), int)
    if not spans or scores.shape[1] == 1:
        return labels
    speakers = scores.shape[1]
    switch = ~np.eye(speakers, dtype=bool)
    frames = np.concatenate([np.arange(lo, hi) for lo, hi in spans])
    region_starts = set(np.cumsum([0] + [hi - lo for lo, hi in spans])[:-1].tolist())
    total = scores[frames[0]].astype(np.float64)
    back = np.zeros((len(frames), speakers), np.int8)
    for index in range(1, len(frames)):
        cost = settings.pause_switch_cost if index in region_starts else settings.switch_cost
        candidates = total[:, None] - cost * switch  # [from, to]
        back[index] = np.argmax(candidates, axis=0)
        total = candidates[back[index], np.arange(speakers)] + scores[frames[index]]
    path = np.zeros(len(frames), int)
    path[-1] = int(np.argmax(total))
    for index in range(len(frames) - 1, 0, -1):
        path[index - 1] = back[index, path[index]]
    labels[frames] = path
    return labels
