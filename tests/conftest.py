from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "fixtures" / "audio"


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


WHO_IS_YOU = (b"You are", "Vous êtes".encode())


def on_a_terminal(*args: str, answer: bytes = b"\n", columns: int = 200) -> str:
    """What a person sees running rehearse in a real pseudo-terminal ``columns`` wide, giving
    ``answer`` to the "which speaker is you" question (in either language) if it is asked."""
    return run_on_a_terminal(*args, answer=answer, asked=WHO_IS_YOU, columns=columns)[0]


def run_on_a_terminal(
    *args: str, answer: bytes, asked: tuple[bytes, ...], columns: int = 200
) -> tuple[str, int]:
    """rehearse in a real pseudo-terminal ``columns`` wide, giving ``answer`` the first time
    it shows one of ``asked``: what it showed, and its exit status."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:
        # The size a program learns from its terminal, as a real window gives it (no COLUMNS).
        # (fd 1 is the terminal: under pytest, sys.stdout is a capture, not the terminal.)
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        os.execve(
            sys.executable,
            [sys.executable, "-m", "rehearse", *args],
            {**environment, "TERM": "xterm-256color"},
        )
    seen, answered = b"", False
    while select.select([fd], [], [], 30)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and any(prompt in seen for prompt in asked):
            os.write(fd, answer)
            answered = True
    _, status = os.waitpid(pid, 0)
    return seen.decode("utf-8", "replace").replace("\r\n", "\n"), os.waitstatus_to_exitcode(status)


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


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), driven by Playwright. CI installs both; elsewhere the test
    is skipped when they are missing, never faked."""
    import os
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: install chromium and playwright")
        pytest.skip("needs Chromium and Playwright")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser):
    """Open a local file in a fresh page; returns the page, its console messages and every request."""
    pages = []

    def open_(path: Path):
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        pages.append(page)
        seen = {"console": [], "requests": []}
        page.on("console", lambda m: seen["console"].append((m.type, m.text)))
        page.on("pageerror", lambda e: seen["console"].append(("pageerror", str(e))))
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        return page, seen

    yield open_
    for page in pages:
        page.close()


def write_wav(path, samples: np.ndarray, rate: int = 16_000) -> None:
    """A 16-bit WAV of ``samples``: floats in [-1, 1] (beyond, clipped), shape (frames, channels)."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


@pytest.fixture(scope="session")
def null_sink():
    """A PulseAudio daemon with a null sink whose monitor is the default input."""
    for tool in ("pulseaudio", "pactl", "paplay"):
        if shutil.which(tool) is None:
            pytest.fail(
                f"{tool} is missing: apt install pulseaudio pulseaudio-utils libasound2-plugins (see .ci/run)"
            )
    if subprocess.run(["pulseaudio", "--check"]).returncode != 0:
        subprocess.run(["pulseaudio", "-D", "--exit-idle-time=-1"], check=True, capture_output=True)
        time.sleep(1)
    module = subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=rehearse_ci"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(["pactl", "set-default-sink", "rehearse_ci"], check=True)
    subprocess.run(["pactl", "set-default-source", "rehearse_ci.monitor"], check=True)
    yield
    subprocess.run(["pactl", "unload-module", module])
