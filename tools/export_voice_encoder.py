"""Export resemblyzer's GE2E voice encoder to ONNX, and the reference values the tests check.

rehearse never imports torch or resemblyzer: this script runs once, by hand, in a
throwaway virtual environment, and its outputs are committed.

    python3 -m venv /tmp/export && /tmp/export/bin/pip install torch==2.13.0 resemblyzer==0.1.4 onnx onnxruntime
    /tmp/export/bin/python tools/export_voice_encoder.py

It writes:

- ``src/rehearse/assets/voice_encoder.onnx``: the encoder (3-layer LSTM over 40 mel-power
  bands, 256-d L2-normalised output), opset 17, dynamic batch and length;
- ``tests/data/voice_reference.npz``: for a clip of a committed fixture, the mel frames of
  resemblyzer's own frontend (librosa) and the embeddings of the original torch model, which
  ``tests/test_voice.py`` compares with rehearse's numpy frontend and onnxruntime.

resemblyzer's ``audio`` module imports webrtcvad, which needs the long-gone ``pkg_resources``;
the encoder class is therefore rebuilt here from ``resemblyzer.hparams`` (the same three lines
as ``resemblyzer.voice_encoder.VoiceEncoder.__init__``) and loads the same ``pretrained.pt``.
Before writing anything it checks that ONNX and torch agree on the embeddings (max abs
difference <= 1e-4), for several batch sizes and lengths.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import librosa
import numpy as np
import onnxruntime
import soundfile
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
ONNX_PATH = ROOT / "src" / "rehearse" / "assets" / "voice_encoder.onnx"
REFERENCE_PATH = ROOT / "tests" / "data" / "voice_reference.npz"
CLIP = ("en-interview-mono.wav", 6.2, 10.2)  # seconds of the fixture, one speaker talking
TOLERANCE = 1e-4

PACKAGE = Path(importlib.util.find_spec("resemblyzer").submodule_search_locations[0])
sys.path.insert(0, str(PACKAGE))
import hparams  # noqa: E402  (resemblyzer/hparams.py, imported without the package's __init__)


class VoiceEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(
            hparams.mel_n_channels, hparams.model_hidden_size, hparams.model_num_layers, batch_first=True
        )
        self.linear = nn.Linear(hparams.model_hidden_size, hparams.model_embedding_size)
        self.relu = nn.ReLU()
        checkpoint = torch.load(PACKAGE / "pretrained.pt", map_location="cpu")
        self.load_state_dict(checkpoint["model_state"], strict=False)

    def forward(self, mels: torch.Tensor) -> torch.Tensor:
        _, (hidden, _) = self.lstm(mels)
        raw = self.relu(self.linear(hidden[-1]))
        return raw / torch.norm(raw, dim=1, keepdim=True)


def resemblyzer_mel(wav: np.ndarray) -> np.ndarray:
    """resemblyzer.audio.wav_to_mel_spectrogram, verbatim."""
    frames = librosa.feature.melspectrogram(
        y=wav,
        sr=hparams.sampling_rate,
        n_fft=int(hparams.sampling_rate * hparams.mel_window_length / 1000),
        hop_length=int(hparams.sampling_rate * hparams.mel_window_step / 1000),
        n_mels=hparams.mel_n_channels,
    )
    return frames.astype(np.float32).T


def normalize_volume(wav: np.ndarray, target_dbfs: float) -> np.ndarray:
    """resemblyzer.audio.normalize_volume with increase_only=True."""
    rms = np.sqrt(np.mean((wav * 32767) ** 2))
    change = target_dbfs - 20 * np.log10(rms / 32767)
    return wav if change < 0 else wav * (10 ** (change / 20))


def fixture_clip() -> np.ndarray:
    name, start, end = CLIP
    wav, rate = soundfile.read(ROOT / "fixtures" / "audio" / name, dtype="float32")
    assert rate == hparams.sampling_rate and wav.ndim == 1
    return wav[int(start * 16_000) : int(end * 16_000)].astype(np.float32)


def main() -> None:
    torch.manual_seed(0)
    model = VoiceEncoder().eval()
    ONNX_PATH.parent.mkdir(parents=True, exist_ok=True)
    example = torch.randn(2, hparams.partials_n_frames, hparams.mel_n_channels)
    torch.onnx.export(
        model,
        (example,),
        str(ONNX_PATH),
        input_names=["mels"],
        output_names=["embeddings"],
        dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    session = onnxruntime.InferenceSession(str(ONNX_PATH), providers=["CPUExecutionProvider"])

    wav = normalize_volume(fixture_clip(), hparams.audio_norm_target_dBFS)
    mels = resemblyzer_mel(wav)
    n = hparams.partials_n_frames
    partials = np.stack([mels[i : i + n] for i in range(0, len(mels) - n + 1, 40)])
    worst = 0.0
    for batch in (partials[:1], partials, np.random.default_rng(0).random((3, 97, 40), dtype=np.float32)):
        with torch.no_grad():
            expected = model(torch.from_numpy(batch)).numpy()
        got = session.run(None, {"mels": batch})[0]
        worst = max(worst, float(np.abs(expected - got).max()))
    print(f"ONNX vs torch: max abs difference {worst:.2e} (tolerance {TOLERANCE:g})")
    if worst > TOLERANCE:
        ONNX_PATH.unlink()
        sys.exit("the exported model disagrees with the original; nothing written")

    with torch.no_grad():
        embeddings = model(torch.from_numpy(partials)).numpy()
    REFERENCE_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(REFERENCE_PATH, wav=wav, mels=mels, partials_hop=40, embeddings=embeddings)
    print(f"wrote {ONNX_PATH.relative_to(ROOT)} ({ONNX_PATH.stat().st_size:,} bytes)")
    print(f"wrote {REFERENCE_PATH.relative_to(ROOT)} ({len(mels)} mel frames, {len(embeddings)} embeddings)")


if __name__ == "__main__":
    main()
