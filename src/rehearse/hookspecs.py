"""The hooks a rehearse plugin can implement.

Each hook receives a ``register`` callback; call it once per object you
provide, so rehearse knows which plugin registered what. Implementations may
accept a subset of a spec's arguments (pluggy passes them by name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from rehearse.analysis import Analyzer
    from rehearse.diarize import Diarizer
    from rehearse.rendering import Renderer

hookspec = pluggy.HookspecMarker("rehearse")
hookimpl = pluggy.HookimplMarker("rehearse")


@hookspec
def register_analyzers(register: Callable[[Analyzer], None]) -> None:
    """Register analyzers: call ``register(analyzer)`` for each :class:`rehearse.analysis.Analyzer`."""


@hookspec
def register_diarizers(register: Callable[[Diarizer], None]) -> None:
    """Register diarizers (who spoke when on one channel): call ``register(diarizer)`` for each
    :class:`rehearse.diarize.Diarizer`. ``rehearse analyze --diarizer NAME`` picks one."""


@hookspec
def register_renderers(register: Callable[[Renderer], None]) -> None:
    """Register report renderers: call ``register(renderer)`` for each :class:`rehearse.rendering.Renderer`."""
