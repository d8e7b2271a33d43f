"""rehearse: feedback on practice interviews, from a recording, entirely offline.

The public API for plugins is what this package exports: everything a plugin needs,
from one import (docs/plugins.md)::

    from rehearse import Analyzer, Conversation, Option, hookimpl, say
"""

from __future__ import annotations

from rehearse._version import __version__
from rehearse.analyzers.base import Analyzer, Figure, Moment, Option, Section, not_separated
from rehearse.coaching.you import Focus, coached, you
from rehearse.conversation import (
    Attribution,
    Conversation,
    FloorChange,
    Segment,
    Speaker,
    Turn,
    Utterance,
    Word,
    join_words,
    union_length,
)
from rehearse.diarization.base import Diarization, Diarizer
from rehearse.errors import ModelError, RehearseError
from rehearse.hookspecs import hookimpl
from rehearse.i18n import clock, duration, percent, say
from rehearse.language.questions import Asked
from rehearse.language.questions import find as find_questions
from rehearse.renderers.base import Renderer, headline, sections, speaker_labels, top_advice
from rehearse.transcription.base import SpeechToText, TranscriberBackend, Transcription

__all__ = [
    "Analyzer",
    "Asked",
    "Attribution",
    "Conversation",
    "Diarization",
    "Diarizer",
    "Figure",
    "FloorChange",
    "Focus",
    "ModelError",
    "Moment",
    "Option",
    "RehearseError",
    "Renderer",
    "Section",
    "Segment",
    "Speaker",
    "SpeechToText",
    "TranscriberBackend",
    "Transcription",
    "Turn",
    "Utterance",
    "Word",
    "__version__",
    "clock",
    "coached",
    "duration",
    "find_questions",
    "headline",
    "hookimpl",
    "join_words",
    "not_separated",
    "percent",
    "say",
    "sections",
    "speaker_labels",
    "top_advice",
    "union_length",
    "you",
]

from rehearse import _moved  # noqa: E402 - after the API it re-exports

_moved.install()
