"""The plugin manager: built-in plugins first, then installed ones.

Built-in analyzers, diarizers and renderers are plugins registered exactly like
third-party ones. ``REHEARSE_LOAD_PLUGINS=a,b`` loads only those installed
plugins (empty: none), the escape hatch when a plugin breaks rehearse.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

import pluggy

from rehearse import hookspecs
from rehearse.errors import PluginError

if TYPE_CHECKING:
    from rehearse.analysis import Analyzer
    from rehearse.diarize import Diarizer
    from rehearse.rendering import Renderer

ENTRY_POINT_GROUP = "rehearse"
DEFAULT_PLUGINS = (
    "rehearse.analyzers.talk_time",
    "rehearse.analyzers.interruptions",
    "rehearse.analyzers.questions",
    "rehearse.analyzers.monologues",
    "rehearse.diarize",
    "rehearse.renderers.terminal",
    "rehearse.renderers.markdown",
    "rehearse.renderers.json",
    "rehearse.renderers.rttm",
)

_manager: pluggy.PluginManager | None = None


def manager() -> pluggy.PluginManager:
    global _manager
    if _manager is None:
        pm = pluggy.PluginManager("rehearse")
        pm.add_hookspecs(hookspecs)
        for name in DEFAULT_PLUGINS:
            pm.register(importlib.import_module(name), name=name)
        _load_installed(pm)
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {exc.plugin!r} implements an unknown hook: {exc}") from exc
        _manager = pm
    return _manager


def _load_installed(pm: pluggy.PluginManager) -> None:
    only = os.environ.get("REHEARSE_LOAD_PLUGINS")
    if only is None:
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:  # noqa: BLE001 - any import error of a third-party plugin
            raise PluginError(
                f"an installed plugin failed to load: {exc} "
                "(set REHEARSE_LOAD_PLUGINS= to start without plugins)"
            ) from exc
        return
    for name in filter(None, (n.strip() for n in only.split(","))):
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
        except Exception as exc:  # noqa: BLE001
            raise PluginError(f"plugin {name!r} failed to load: {exc}") from exc


def _collect(hook_name: str) -> dict[str, Any]:
    """Call a ``register_*`` hook and return what was registered, by name."""
    pm = manager()
    found: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        owner = impl.plugin_name

        def register(item: Any, owner: str = owner) -> None:
            if item.name in found:
                raise PluginError(
                    f"{owner} registers {hook_name[9:-1]} {item.name!r}, "
                    f"already registered by {owners[item.name]}"
                )
            found[item.name], owners[item.name] = item, owner

        arguments = {"register": register}
        impl.function(*(arguments[name] for name in impl.argnames))
    return found


def analyzers() -> dict[str, Analyzer]:
    return _collect("register_analyzers")


def diarizers() -> dict[str, Diarizer]:
    return _collect("register_diarizers")


def renderers() -> dict[str, Renderer]:
    return _collect("register_renderers")
