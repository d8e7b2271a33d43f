import pytest

from conftest import AUDIO, run_cli
from rehearse import plugins
from rehearse.analysis import Analyzer
from rehearse.errors import PluginError
from rehearse.hookspecs import hookimpl


def test_builtins_are_registered_as_plugins_in_order():
    assert list(plugins.analyzers()) == ["talk_time", "interruptions", "questions", "monologues"]
    assert {"terminal", "markdown", "json"} <= set(plugins.renderers())
    assert set(plugins.DEFAULT_PLUGINS) <= {name for name, _ in plugins.manager().list_name_plugin()}


class Clash:
    class Copy(Analyzer):
        name = "talk_time"
        title = "Copy"

    @hookimpl
    def register_analyzers(self, register):
        register(self.Copy())


def test_a_duplicate_name_names_both_plugins():
    pm = plugins.manager()
    pm.register(Clash(), name="rehearse-clash")
    try:
        with pytest.raises(
            PluginError,
            match="rehearse-clash registers analyzer 'talk_time', already "
            "registered by rehearse.analyzers.talk_time",
        ):
            plugins.analyzers()
    finally:
        pm.unregister(name="rehearse-clash")
    assert plugins.analyzers()["talk_time"].title != "Copy"


def test_load_only_listed_plugins(monkeypatch):
    import pluggy

    monkeypatch.setenv("REHEARSE_LOAD_PLUGINS", "")
    pm = pluggy.PluginManager("rehearse")
    calls = []
    monkeypatch.setattr(pm, "load_setuptools_entrypoints", lambda *a, **k: calls.append((a, k)))
    plugins._load_installed(pm)
    assert calls == []
    monkeypatch.setenv("REHEARSE_LOAD_PLUGINS", "rehearse-star, rehearse-vtt")
    plugins._load_installed(pm)
    assert [k["name"] for _, k in calls] == ["rehearse-star", "rehearse-vtt"]


def test_the_voice_diarizer_is_a_plugin_like_any_other():
    from rehearse import plugins

    assert "voice" in plugins.diarizers()
    result = run_cli("analyze", str(AUDIO / "fr-interview-mono.m4a"), "--diarizer", "nope")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("Error: no diarizer named 'nope'; installed: voice")
