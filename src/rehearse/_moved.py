"""Import paths of rehearse 0.1 that moved when the package was laid out by stage.

They keep working for one release, with a DeprecationWarning naming the new place; plugins
should import from ``rehearse`` itself (docs/plugins.md).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from types import ModuleType

MOVED = {
    "rehearse.analysis": "rehearse.analyzers.base",
    "rehearse.rendering": "rehearse.renderers.base",
    "rehearse.diarize": "rehearse.diarization.voice",
    "rehearse.transcribe": "rehearse.transcription.whisper",
    "rehearse.roles": "rehearse.coaching.you",
    "rehearse.profiles": "rehearse.coaching.situations",
    "rehearse.coach": "rehearse.coaching.scorecard",
    "rehearse.lexicon": "rehearse.language.lexicon",
    "rehearse.attribution": "rehearse.diarization.turns",
    "rehearse.evaluation": "rehearse.diarization.scoring",
    "rehearse.voice": "rehearse.diarization.encoder",
    "rehearse.voiceprint": "rehearse.diarization.voiceprint",
    "rehearse.models": "rehearse.transcription.model_files",
    "rehearse.activity": "rehearse.audio.activity",
    "rehearse.recorder": "rehearse.recording.capture",
}


class _Redirect(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old module name and hands over the module now at the new one."""

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        new = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new}; plugins should import from rehearse itself "
            "(the old path goes in the next release)",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        pass  # the new module ran when it was imported


def install() -> None:
    if not any(isinstance(finder, _Redirect) for finder in sys.meta_path):
        sys.meta_path.append(_Redirect())
