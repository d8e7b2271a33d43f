"""The hooks a rehearse plugin can implement (reference: docs/plugins.md).

Each ``register_*`` hook receives a ``register`` callback: call it once per object
you provide, so rehearse knows which plugin registered what (``rehearse plugins``
lists it). Names must be unique across plugins; a clash is reported at load time
naming both plugins. Implementations may accept a subset of a spec's arguments
(pluggy passes them by name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from rehearse.analyzers.base import Analyzer
    from rehearse.diarization.base import Diarizer
    from rehearse.renderers.base import Renderer
    from rehearse.transcription.base import TranscriberBackend

hookspec = pluggy.HookspecMarker("rehearse")
hookimpl = pluggy.HookimplMarker("rehearse")


@hookspec
def register_analyzers(register: Callable[[Analyzer], None]) -> None:
    """Register analyzers: call ``register(analyzer)`` for each :class:`rehearse.Analyzer`.

    Each analyzer's result becomes ``analyzers.<name>`` in the JSON report and a section of
    every other format."""


@hookspec
def register_renderers(register: Callable[[Renderer], None]) -> None:
    """Register report formats: call ``register(renderer)`` for each :class:`rehearse.Renderer`.

    ``rehearse analyze --format <name>`` picks one; ``-o FILE`` picks the one whose
    ``extensions`` include the file's."""


@hookspec
def register_diarizers(register: Callable[[Diarizer], None]) -> None:
    """Register diarizers (who spoke when on one channel): call ``register(diarizer)`` for each
    :class:`rehearse.Diarizer`. ``rehearse analyze --diarizer <name>`` picks one."""


@hookspec
def register_transcribers(register: Callable[[TranscriberBackend], None]) -> None:
    """Register speech-to-text backends: call ``register(backend)`` for each
    :class:`rehearse.TranscriberBackend`. ``rehearse analyze --transcriber <name>``
    picks one."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``rehearse`` command line: decorate functions with ``@cli.command()``
    (click), as in llm and datasette."""
