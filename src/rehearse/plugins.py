"""The plugin manager: built-in plugins first, then installed ones, then local files.

Built-in analyzers, diarizers, transcribers and renderers are plugins registered
exactly like third-party ones. Where plugins come from:

- entry points in the group ``rehearse`` (installed packages);
- ``*.py`` files in the directories of ``REHEARSE_PLUGINS_DIR`` (``os.pathsep``
  separated) or ``--plugins-dir DIR`` — opt-in, since it runs their code;
- ``REHEARSE_LOAD_PLUGINS=a,b`` loads only those installed plugins (empty: none),
  the escape hatch when a plugin breaks rehearse.

``REHEARSE_TRACE_PLUGINS=1`` prints every hook call, and every analyzer run, with its
duration on stderr, as datasette's DATASETTE_TRACE_PLUGINS does: what a plugin author
reaches for when a plugin is slow or silent.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from rehearse import hookspecs
from rehearse.errors import PluginError

if TYPE_CHECKING:
    from rehearse.analyzers.base import Analyzer
    from rehearse.diarization.base import Diarizer
    from rehearse.renderers.base import Renderer
    from rehearse.transcription.base import TranscriberBackend

ENTRY_POINT_GROUP = "rehearse"
PLUGINS_DIR_VARIABLE = "REHEARSE_PLUGINS_DIR"
TRACE_VARIABLE = "REHEARSE_TRACE_PLUGINS"
DEFAULT_PLUGINS = (
    "rehearse.analyzers.talk_time",
    "rehearse.analyzers.interruptions",
    "rehearse.analyzers.questions",
    "rehearse.analyzers.monologues",
    "rehearse.analyzers.pace",
    "rehearse.analyzers.fillers",
    "rehearse.analyzers.hedging",
    "rehearse.analyzers.patience",
    "rehearse.analyzers.interactivity",
    "rehearse.analyzers.follow_ups",
    "rehearse.analyzers.asked",
    "rehearse.analyzers.closing",
    "rehearse.transcription.whisper",
    "rehearse.diarization.voice",
    "rehearse.renderers.terminal",
    "rehearse.renderers.markdown",
    "rehearse.renderers.json",
    "rehearse.renderers.html",
    "rehearse.renderers.rttm",
)
# What each register_* hook registers, as the word used in messages and listings.
KINDS = {
    "register_analyzers": "analyzer",
    "register_renderers": "renderer",
    "register_diarizers": "diarizer",
    "register_transcribers": "transcriber",
}

# What a plugin's code may raise that must not end rehearse silently: any error, and
# sys.exit(), which would otherwise end the run with no report and no message.
PLUGIN_FAILURES = (Exception, SystemExit)

_manager: pluggy.PluginManager | None = None
_local_files: dict[str, Path] = {}


def manager() -> pluggy.PluginManager:
    global _manager
    if _manager is None:
        pm = pluggy.PluginManager("rehearse")
        pm.add_hookspecs(hookspecs)
        for name in DEFAULT_PLUGINS:
            pm.register(importlib.import_module(name), name=name)
        _load_installed(pm)
        _load_files(pm)
        if tracing():
            pm.add_hookcall_monitoring(_before_hook, _after_hook)
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(
                "plugin {name} implements a hook rehearse does not have: {reason} "
                "(see docs/plugins.md for the hook names)",
                name=repr(pm.get_name(exc.plugin)),
                reason=exc,
            ) from exc
        _manager = pm
    return _manager


def _load_installed(pm: pluggy.PluginManager) -> None:
    only = os.environ.get("REHEARSE_LOAD_PLUGINS")
    if only is None:
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except PLUGIN_FAILURES as exc:
            raise PluginError(
                "an installed plugin failed to load: {reason} (set REHEARSE_LOAD_PLUGINS= to start without plugins)",
                reason=describe_failure(exc),
            ) from exc
        return
    for name in filter(None, (n.strip() for n in only.split(","))):
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
        except PLUGIN_FAILURES as exc:
            raise PluginError(
                "plugin {name} failed to load: {reason}", name=repr(name), reason=describe_failure(exc)
            ) from exc


def plugin_dirs() -> list[Path]:
    return [Path(d) for d in os.environ.get(PLUGINS_DIR_VARIABLE, "").split(os.pathsep) if d]


def _load_files(pm: pluggy.PluginManager) -> None:
    """Register every ``*.py`` file of the plugin directories as a plugin named after the file."""
    for directory in plugin_dirs():
        if not directory.is_dir():
            raise PluginError("--plugins-dir {directory}: not a directory", directory=directory)
        for path in sorted(directory.glob("*.py")):
            if path.name.startswith(("_", "test_")) or path.name == "conftest.py":
                continue  # a plugin's own tests and helpers are not plugins
            name = path.stem
            if pm.has_plugin(name):
                raise PluginError(
                    "{path}: a plugin named {name} is already loaded", path=path, name=repr(name)
                )
            spec = importlib.util.spec_from_file_location(f"rehearse_local_plugins.{name}", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            try:
                spec.loader.exec_module(module)
            except PLUGIN_FAILURES as exc:
                raise PluginError(
                    "{path}: failed to load: {reason}", path=path, reason=describe_failure(exc)
                ) from exc
            pm.register(module, name=name)
            _local_files[name] = path


@dataclass
class Registry:
    """What one ``register_*`` hook registered, by name, and which plugin registered each."""

    items: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)


def collect(hook_name: str) -> Registry:
    pm = manager()
    registry = Registry()
    kind = KINDS[hook_name]
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        owner = impl.plugin_name

        def register(item: Any, owner: str = owner) -> None:
            name = getattr(item, "name", None)
            if not isinstance(name, str) or not name:
                raise PluginError(
                    "{owner} registers a {kind} without a name (set its 'name' attribute)", owner=owner, kind=kind
                )
            if name in registry.items:
                raise PluginError(
                    "{owner} registers {kind} {name}, already registered by {other}",
                    owner=owner,
                    kind=kind,
                    name=repr(name),
                    other=registry.owners[name],
                )
            registry.items[name], registry.owners[name] = item, owner

        arguments = {"register": register}
        with traced(partial(_registered, hook_name, owner, registry, set(registry.items))):
            try:
                impl.function(*(arguments[name] for name in impl.argnames))
            except PluginError:
                raise
            except PLUGIN_FAILURES as exc:
                raise PluginError(
                    "{owner}: {hook} failed: {reason}", owner=owner, hook=hook_name, reason=describe_failure(exc)
                ) from exc
    return registry


def describe_failure(exc: BaseException) -> str:
    """A plugin's failure in a few words; sys.exit() named as such, since its message is a bare code."""
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    return f"{type(exc).__name__}: {exc}"


def _registered(hook_name: str, owner: str, registry: Registry, before: set[str]) -> str:
    return f"{hook_name} → {owner} ({', '.join(sorted(set(registry.items) - before))})"


def tracing() -> bool:
    return os.environ.get(TRACE_VARIABLE, "") not in ("", "0")


@contextmanager
def traced(what: Callable[[], str]) -> Iterator[None]:
    """Time the block and, when tracing, print ``what()`` with its duration on stderr."""
    if not tracing():
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        print(f"trace: {what()} {(time.perf_counter() - start) * 1000:.2f} ms", file=sys.stderr)


_hook_started: dict[str, float] = {}


def _before_hook(
    hook_name: str, implementations: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
) -> None:
    _hook_started[hook_name] = time.perf_counter()


def _after_hook(
    outcome: pluggy.Result[Any],
    hook_name: str,
    implementations: Sequence[pluggy.HookImpl],
    kwargs: Mapping[str, Any],
) -> None:
    owners = ", ".join(impl.plugin_name for impl in implementations)
    elapsed = (time.perf_counter() - _hook_started.pop(hook_name, time.perf_counter())) * 1000
    print(f"trace: {hook_name} → {owners or 'no plugin'} {elapsed:.2f} ms", file=sys.stderr)


def analyzers() -> dict[str, Analyzer]:
    return collect("register_analyzers").items


def diarizers() -> dict[str, Diarizer]:
    return collect("register_diarizers").items


def transcribers() -> dict[str, TranscriberBackend]:
    return collect("register_transcribers").items


def renderers() -> dict[str, Renderer]:
    return collect("register_renderers").items


def describe() -> list[dict[str, Any]]:
    """Every plugin: where it came from, its version, and what it registered."""
    from rehearse._version import __version__

    pm = manager()
    registered: dict[str, dict[str, list[str]]] = {}
    for hook_name, kind in KINDS.items():
        for name, owner in collect(hook_name).owners.items():
            registered.setdefault(owner, {}).setdefault(f"{kind}s", []).append(name)
    for owner, commands in _command_owners().items():
        registered.setdefault(owner, {})["commands"] = commands
    distributions = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    found = []
    for name, plugin in pm.list_name_plugin():
        dist = distributions.get(id(plugin))
        if name in DEFAULT_PLUGINS:
            source, version = "built-in", __version__
        elif dist is not None:
            source, version = f"entry point of {dist.project_name}", dist.version
        elif name in _local_files:
            source, version = f"file {_local_files[name]}", None
        else:
            source, version = "registered in code", None
        found.append(
            {"name": name, "source": source, "version": version, "registers": registered.get(name, {})}
        )
    return found


def _command_owners() -> dict[str, list[str]]:
    import click

    owners: dict[str, list[str]] = {}
    for impl in manager().hook.register_commands.get_hookimpls():
        group = click.Group()
        impl.function(*({"cli": group}[name] for name in impl.argnames))
        if group.commands:
            owners[impl.plugin_name] = sorted(group.commands)
    return owners
