from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "fixtures" / "audio"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def truth(name: str) -> dict:
    return json.loads((AUDIO / f"{name}.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory, monkeypatch):
    """Each test gets its own data dir: a developer's own voice print must not change results."""
    path = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("REHEARSE_DATA_DIR", str(path))
    return path


@pytest.fixture
def write_json(tmp_path):
    def write(data, name: str = "t.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write
