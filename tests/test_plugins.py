import inspect
import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import AUDIO, ROOT, run_cli
from rehearse import hookspecs, plugins
from rehearse.analyzers.base import Analyzer
from rehearse.errors import PluginError
from rehearse.hookspecs import hookimpl


def test_builtins_are_registered_as_plugins_in_order():
    assert list(plugins.analyzers())[:4] == ["talk_time", "interruptions", "questions", "monologues"]
    assert {"terminal", "markdown", "json", "rttm"} <= set(plugins.renderers())
    assert list(plugins.transcribers()) == ["faster-whisper"]
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


def write_plugin(directory, name, code):
    directory.mkdir(exist_ok=True)
    (directory / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    return directory


MINIMAL = {
    "speakers": ["A", "B"],
    "turns": [
        {"speaker": "A", "start": 0, "end": 3, "text": "Why this job?"},
        {"speaker": "B", "start": 3.5, "end": 9, "text": "I like data and the team."},
    ],
}


def test_the_example_plugins_are_installed_through_entry_points():
    listed = {p["name"]: p for p in json.loads(run_cli("plugins", "--json").stdout)}
    assert listed["star"]["source"] == "entry point of rehearse-star"
    assert listed["star"]["version"] == "0.1.0"
    assert listed["star"]["registers"] == {"analyzers": ["star"]}
    assert listed["webvtt"]["registers"] == {"renderers": ["webvtt"]}
    assert listed["rehearse.diarization.voice"]["source"] == "built-in"
    assert listed["rehearse.transcription.whisper"]["registers"] == {"transcribers": ["faster-whisper"]}


def test_plugins_dir_loads_local_files_and_their_commands(tmp_path, write_json):
    folder = write_plugin(
        tmp_path / "mine",
        "shout",
        """
        import click
        from rehearse.analyzers.base import Analyzer
        from rehearse.hookspecs import hookimpl

        class Shout(Analyzer):
            name = "shout"
            title = "Shout"
            def analyze(self, conversation, options, lang):
                return {"words": len(conversation.words), "summary": "LOUD"}

        @hookimpl
        def register_analyzers(register):
            register(Shout())

        @hookimpl
        def register_commands(cli):
            @cli.command()
            def hello():
                "Say hello."
                click.echo("hello from a plugin")
        """,
    )
    report = run_cli(
        "analyze", "--transcript", str(write_json(MINIMAL)), "-f", "json", "--plugins-dir", str(folder)
    )
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["analyzers"]["shout"]["words"] == 9
    assert run_cli("--plugins-dir", str(folder), "hello").stdout == "hello from a plugin\n"
    listed = {
        p["name"]: p for p in json.loads(run_cli("plugins", "--json", f"--plugins-dir={folder}").stdout)
    }
    assert listed["shout"]["source"] == f"file {folder / 'shout.py'}"
    assert listed["shout"]["registers"] == {"analyzers": ["shout"], "commands": ["hello"]}
    env = {**os.environ, "REHEARSE_PLUGINS_DIR": str(folder)}
    assert "shout" in run_cli("analyzers", env=env).stdout
    assert "shout" not in run_cli("analyzers").stdout  # opt-in only


def test_load_time_mistakes_name_the_plugin(tmp_path, write_json):
    typo = write_plugin(
        tmp_path / "typo",
        "typo",
        """
        from rehearse.hookspecs import hookimpl

        @hookimpl
        def register_analyser(register):
            pass
        """,
    )
    result = run_cli("analyze", "--transcript", str(write_json(MINIMAL)), "--plugins-dir", str(typo))
    assert result.returncode == 1
    assert "plugin 'typo' implements a hook rehearse does not have" in result.stderr
    assert "register_analyser" in result.stderr and "Traceback" not in result.stderr
    broken = write_plugin(tmp_path / "broken", "broken", "import nothing_by_that_name\n")
    result = run_cli("plugins", "--plugins-dir", str(broken))
    assert result.returncode == 1
    assert "broken.py: failed to load: ModuleNotFoundError" in result.stderr


def test_an_analyzer_returning_garbage_does_not_sink_the_report(tmp_path, write_json):
    folder = write_plugin(
        tmp_path / "bad",
        "garbage",
        """
        from rehearse.analyzers.base import Analyzer
        from rehearse.hookspecs import hookimpl

        class Garbage(Analyzer):
            name = "garbage"
            title = "Garbage"
            def analyze(self, conversation, options, lang):
                return {"found": {1, 2, 3}}

        @hookimpl
        def register_analyzers(register):
            register(Garbage())
        """,
    )
    result = run_cli(
        "analyze", "--transcript", str(write_json(MINIMAL)), "-f", "json", "--plugins-dir", str(folder)
    )
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert "not JSON" in report["analyzers"]["garbage"]["error"]
    assert report["analyzers"]["questions"]["items"]  # the other sections are there
    assert "Error: analyzer failed: garbage (see its section)." in result.stderr


def test_analyzers_lists_options_with_types():
    listed = {a["name"]: a for a in json.loads(run_cli("analyzers", "--json").stdout)}
    threshold = next(o for o in listed["monologues"]["options"] if o["name"] == "threshold")
    assert threshold == {
        "name": "threshold",
        "type": "float",
        "default": 90.0,
        "minimum": 1,
        "maximum": 3600,
        "help": threshold["help"],
    }
    assert listed["star"]["plugin"] == "star"


def test_plugin_new_scaffolds_a_working_tested_package(tmp_path, write_json):
    created = run_cli("plugin", "new", "rehearse-wordy", "--directory", str(tmp_path))
    assert created.returncode == 0, created.stderr
    package = tmp_path / "rehearse-wordy"
    assert sorted(p.name for p in package.iterdir()) == [
        "README.md",
        "pyproject.toml",
        "rehearse_wordy.py",
        "tests",
    ]
    assert 'wordy = "rehearse_wordy"' in (package / "pyproject.toml").read_text()
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(package)},
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout
    report = run_cli(
        "analyze", "--transcript", str(write_json(MINIMAL)), "-f", "json", "--plugins-dir", str(package)
    )
    assert json.loads(report.stdout)["analyzers"]["wordy"]["words"] == {"A": 3, "B": 6}
    again = run_cli("plugin", "new", "rehearse-wordy", "--directory", str(tmp_path))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_every_hook_is_documented_with_its_signature():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if not hasattr(function, "rehearse_spec"):
            continue
        parameters = ", ".join(inspect.signature(function).parameters)
        assert f"### `{name}({parameters})`" in docs, f"docs/plugins.md has no section for {name}"
