"""The package's layout keeps its promises: stages import one way, faster-whisper stays in the
transcriber, plugins need one import, old paths still work, and the project installs under its
own name."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest

import rehearse
from conftest import ROOT, run_cli

PACKAGE = ROOT / "src" / "rehearse"
STAGES = ("audio", "transcription", "diarization", "language", "analyzers", "coaching", "renderers")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """The rehearse modules ``path`` imports when it runs (``if TYPE_CHECKING:`` blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    found = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): runtime_imports(path) for path in PACKAGE.rglob("*.py")}


def test_the_tree_shows_the_stages():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
        assert ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text())), stage
    assert (PACKAGE / "recording" / "__init__.py").is_file() and (PACKAGE / "history.py").is_file()
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(flat) <= 16, flat


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return path[path.index(imported) :] + [imported]
            if imported not in state:
                found = visit(imported, [*path, imported])
                if found:
                    return found
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module, [module])
            if found:
                return found
    return None


def test_no_import_cycle():
    graph = import_graph()
    # The walk sees what it must: function-level imports count, TYPE_CHECKING ones do not.
    assert "rehearse.audio.decode" in graph["rehearse.transcription.whisper"]
    assert "rehearse.transcription.whisper" in graph["rehearse.audio.activity"]
    assert "rehearse.analyzers.base" not in graph["rehearse.coaching.scorecard"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_faster_whisper_is_imported_by_the_transcriber_only():
    importers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(
            (
                isinstance(node, ast.Import)
                and any(a.name.split(".")[0] == "faster_whisper" for a in node.names)
            )
            or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "faster_whisper")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert importers and all(p.startswith("transcription/") for p in importers), importers
    assert "_LANGUAGE_CODES" not in "".join(p.read_text() for p in PACKAGE.rglob("*.py"))


def test_docstrings_cite_only_files_of_the_repository():
    for path in PACKAGE.rglob("*.py"):
        assert "shared/reference" not in path.read_text(encoding="utf-8"), path


def test_the_public_api_is_one_import():
    for name in rehearse.__all__:
        assert getattr(rehearse, name) is not None, name
    from rehearse.analyzers.base import Analyzer
    from rehearse.renderers.base import Renderer

    assert rehearse.Analyzer is Analyzer and rehearse.Renderer is Renderer
    for plugin in (ROOT / "plugins").glob("*/rehearse_*.py"):
        imported = {
            node.module
            for node in ast.walk(ast.parse(plugin.read_text()))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rehearse")
        }
        assert imported == {"rehearse"}, (plugin.name, imported)


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        ("rehearse.analysis", "rehearse.analyzers.base", "Analyzer"),
        ("rehearse.rendering", "rehearse.renderers.base", "speaker_labels"),
        ("rehearse.diarize", "rehearse.diarization.voice", "VoiceDiarizer"),
        ("rehearse.transcribe", "rehearse.transcription.whisper", "FasterWhisperBackend"),
        ("rehearse.roles", "rehearse.coaching.you", "coached"),
    ],
)
def test_old_import_paths_still_work_with_a_warning(old, new, name):
    script = (
        "import importlib, warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        f"print(getattr(old, {name!r}) is getattr(importlib.import_module({new!r}), {name!r}), "
        "[str(w.message) for w in caught if w.category is DeprecationWarning])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    same, _, messages = done.stdout.partition(" ")
    assert same == "True" and f"{old} moved to {new}" in messages


def test_trace_plugins_prints_every_hook_call_and_analyzer_run(write_json):
    transcript = write_json(
        {
            "speakers": ["A", "B"],
            "turns": [
                {"speaker": "A", "start": 0, "end": 3, "text": "Why did you choose this team?"},
                {
                    "speaker": "B",
                    "start": 3.5,
                    "end": 9,
                    "text": "Because I like the people and the product.",
                },
            ],
        }
    )
    env = {**os.environ, "REHEARSE_TRACE_PLUGINS": "1"}
    traced = run_cli("analyze", "--transcript", str(transcript), "--no-save", "-f", "json", env=env)
    assert traced.returncode == 0, traced.stderr
    lines = traced.stderr.splitlines()
    assert any(
        line.startswith("trace: register_analyzers → rehearse.analyzers.talk_time (talk_time) ")
        for line in lines
    )
    assert any(line.startswith("trace: register_commands → ") for line in lines)
    for analyzer in ("talk_time", "questions", "closing", "star"):
        assert any(line.startswith(f"trace: analyze {analyzer} ") and line.endswith(" ms") for line in lines)
    json.loads(traced.stdout)  # the report itself is untouched
    quiet = run_cli("analyze", "--transcript", str(transcript), "--no-save", "-f", "json")
    assert "trace:" not in quiet.stderr


def test_the_project_has_a_name_of_its_own_and_plugins_depend_on_it(tmp_path):
    """``pip install -e .`` of a scaffolded plugin in a fresh environment pulls in this project
    (from its wheel, with no index), never PyPI's unrelated "rehearse"."""
    from importlib.metadata import distribution

    assert distribution("rehearse-coach").metadata["Name"] == "rehearse-coach"
    made = run_cli("plugin", "new", "rehearse-mycheck", "--directory", str(tmp_path))
    assert made.returncode == 0, made.stderr
    scaffold = tmp_path / "rehearse-mycheck"
    assert 'dependencies = ["rehearse-coach"]' in (scaffold / "pyproject.toml").read_text()
    for example in (ROOT / "plugins").glob("*/pyproject.toml"):
        assert 'dependencies = ["rehearse-coach"]' in example.read_text(), example

    wheels = tmp_path / "wheels"
    for project in (ROOT,):
        built = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "-q",
                "--no-deps",
                "--no-build-isolation",
                "-w",
                str(wheels),
                str(project),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert built.returncode == 0, built.stderr
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # The fresh environment sees this one's third-party packages (numpy, faster-whisper…), so that
    # nothing needs an index; rehearse itself is not among them until the wheel brings it.
    site = Path(
        subprocess.check_output(
            [python, "-c", "import site; print(site.getsitepackages()[0])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels)]
    ours = subprocess.run(
        [*pip, "--ignore-installed", "--no-deps", "rehearse-coach"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ours.returncode == 0, ours.stderr
    # pip install -e . of the scaffold, as its README says, offline: hatchling comes from the deps.
    plugin = subprocess.run(
        [*pip, "--no-build-isolation", "-e", str(scaffold)], capture_output=True, text=True, timeout=600
    )
    assert plugin.returncode == 0, plugin.stderr
    check = (
        "import importlib.metadata as m, rehearse, rehearse_mycheck\n"
        "print(m.distribution('rehearse-coach').locate_file('rehearse'))\n"
        "print([r for r in m.requires('rehearse-mycheck') if 'extra' not in r])\n"
        "print(rehearse.__file__)\n"
    )
    shown = subprocess.run([python, "-c", check], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    located, requires, module = shown.stdout.splitlines()
    assert requires == "['rehearse-coach']"
    assert Path(module).is_relative_to(site) and Path(located).is_relative_to(site)
    unrelated = subprocess.run([python, "-m", "pip", "show", "rehearse"], capture_output=True, text=True)
    assert unrelated.returncode != 0  # PyPI's "rehearse" is not installed


def test_no_warning_from_our_own_imports():
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for path in PACKAGE.rglob("*.py"):
            if path.name != "__main__.py":
                __import__(module_name(path))
