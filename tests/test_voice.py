"""The numpy frontend and the ONNX encoder against values produced once by the original
resemblyzer (librosa frontend, torch model): see tools/export_voice_encoder.py."""

from pathlib import Path

import numpy as np
import pytest

from rehearse.diarization import encoder as voice

REFERENCE = np.load(Path(__file__).parent / "data" / "voice_reference.npz")


def test_mel_frames_match_librosa():
    mels = voice.mel_frames(REFERENCE["wav"])
    expected = REFERENCE["mels"]
    assert mels.shape == expected.shape
    # float32 FFTs differ from librosa's float64 ones in the last bits: measured 3e-7 of each
    # frame's peak band; 1e-5 still catches a wrong window, padding or filter normalisation.
    scale = expected.max(axis=1, keepdims=True) + 1e-6
    assert (np.abs(mels - expected) / scale).max() < 1e-5


def test_embeddings_match_the_original_model():
    mels = voice.mel_frames(REFERENCE["wav"])
    hop = int(REFERENCE["partials_hop"])
    windows = np.stack([mels[i : i + 160] for i in range(0, len(mels) - 160 + 1, hop)])
    embeddings = voice.embed_frames(windows)
    assert embeddings.shape == REFERENCE["embeddings"].shape
    assert np.abs(embeddings - REFERENCE["embeddings"]).max() <= 1e-4
    assert np.linalg.norm(embeddings, axis=1) == pytest.approx(1.0, abs=1e-5)


def test_volume_is_raised_to_minus_30_dbfs_never_lowered():
    quiet = np.full(16_000, 0.001, np.float32)
    raised = voice.normalize_volume(quiet)
    assert 20 * np.log10(np.sqrt(np.mean(raised**2))) == pytest.approx(-30.0, abs=0.01)
    loud = np.full(16_000, 0.5, np.float32)
    assert voice.normalize_volume(loud) is loud
    assert not voice.normalize_volume(np.zeros(10, np.float32)).any()
