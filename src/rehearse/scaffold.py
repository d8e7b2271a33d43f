"""``rehearse plugin new``: a working analyzer plugin package to start from."""

from __future__ import annotations

import re
from pathlib import Path

from rehearse.errors import RehearseError

PACKAGE_NAME = re.compile(r"^rehearse-[a-z][a-z0-9]*(-[a-z0-9]+)*$")

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{package}"
version = "0.1.0"
description = "A rehearse analyzer: {name}"
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["rehearse-coach"]  # rehearse, the interview coach (import name: rehearse)

[project.optional-dependencies]
test = ["pytest"]

# This is what makes rehearse find the plugin once the package is installed.
[project.entry-points.rehearse]
{name} = "{module}"

[tool.hatch.build.targets.wheel]
include = ["{module}.py"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

MODULE = '''\
"""{package}: a rehearse analyzer. It counts the words each speaker said — replace that with your idea.

Its result becomes ``analyzers.{name}`` in `rehearse analyze --format json`, and a section of the
terminal and Markdown reports (``summary``, ``advice`` and ``moments`` are shown there).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from rehearse import Analyzer, Conversation, Option, hookimpl, say


class {cls}(Analyzer):
    name = "{name}"
    title = {{"en": "Words per speaker", "fr": "Mots par personne"}}
    # Users change options with: rehearse analyze … --set {name}.min_words=10
    options = (Option("min_words", 1, "Leave out speakers who said fewer words than this."),)

    def analyze(self, conversation: Conversation, options: Mapping[str, Any], lang: str) -> dict:
        counts = Counter(word.speaker for word in conversation.words)
        words = {{
            speaker.id: counts[speaker.id]
            for speaker in conversation.speakers
            if counts[speaker.id] >= options["min_words"]
        }}
        labels = {{speaker.id: speaker.label for speaker in conversation.speakers}}
        summary = "; ".join(f"{{labels[s]}}: {{n}}" for s, n in words.items())
        return {{
            "words": words,
            "summary": summary or say(lang, "Nobody said enough words.", "Personne n'a dit assez de mots."),
            "advice": [],
        }}


@hookimpl
def register_analyzers(register):  # type: ignore[no-untyped-def]
    register({cls}())
'''

TEST = """\
from rehearse.testing import conversation, run

from {module} import {cls}


def test_counts_words_per_speaker():
    chat = conversation("A: Tell me about yourself. | B: I build data pipelines for a bank.")
    section = run({cls}(), chat)
    assert section["words"] == {{"A": 4, "B": 7}}


def test_min_words_leaves_out_short_speakers():
    chat = conversation("A: Hello. | B: I build data pipelines for a bank.")
    assert run({cls}(), chat, min_words=2)["words"] == {{"B": 7}}
"""

README = """\
# {package}

A rehearse analyzer plugin: `{name}`.

    pip install -e ".[test]"     # rehearse finds it through the entry point in pyproject.toml
    pytest                       # tests build conversations with rehearse.testing: no audio, no model
    rehearse analyzers           # {name} is listed, with its options
    rehearse analyze --transcript report.json --format json   # analyzers.{name} is in the report

Without installing, while you iterate:

    rehearse analyze --transcript report.json --plugins-dir .

See rehearse's docs/plugins.md for the hooks and what a report section may hold.
"""


def create(package: str, directory: Path) -> Path:
    """Write the package folder ``directory/package``; return it."""
    if not PACKAGE_NAME.match(package):
        raise RehearseError(
            "{package}: name plugins rehearse-NAME, in lowercase letters, digits and dashes (e.g. rehearse-star)",
            package=repr(package),
        )
    target = directory / package
    if target.exists():
        raise RehearseError("{path} already exists; choose another name or remove it", path=target)
    name = package.removeprefix("rehearse-").replace("-", "_")
    module = f"rehearse_{name}"
    cls = "".join(part.capitalize() for part in name.split("_")) + "Analyzer"
    values = {"package": package, "name": name, "module": module, "cls": cls}
    (target / "tests").mkdir(parents=True)
    (target / "pyproject.toml").write_text(PYPROJECT.format(**values), encoding="utf-8")
    (target / f"{module}.py").write_text(MODULE.format(**values), encoding="utf-8")
    (target / "tests" / f"test_{name}.py").write_text(TEST.format(**values), encoding="utf-8")
    (target / "README.md").write_text(README.format(**values), encoding="utf-8")
    return target
