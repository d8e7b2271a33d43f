"""The runtimes under rehearse's models, kept from phoning home.

rehearse's models run on onnxruntime (the voice encoder, and the Silero VAD that faster-whisper
bundles) and CTranslate2 (Whisper), with the Hugging Face hub client beside them for models named
by size. Of these, onnxruntime is the one that reaches the network on its own: since 1.29 its
official Linux and macOS builds carry Microsoft's 1DS telemetry, which on the first session
writes a device id under the user cache (``Microsoft/DeveloperTools/.onnxruntime``) and, some
seconds later, looks up ``mobile.events.data.microsoft.com`` to post events there
(https://github.com/microsoft/onnxruntime/blob/main/docs/Privacy.md).

What stops all of it is ``ORT_DISABLE_TELEMETRY=1``, and onnxruntime reads it once, when it is
imported: set later, even before the first session, it changes nothing. The API switch,
``onnxruntime.disable_telemetry_events()``, is weaker: with it the device id is still written and
the collector still looked up. So :func:`disable_telemetry` must run before the process first
imports onnxruntime; every path of rehearse into a runtime (the encoder's session, each entry
into faster_whisper) calls it first.
"""

from __future__ import annotations

import os
import sys

TELEMETRY_OFF = {
    "ORT_DISABLE_TELEMETRY": "1",
    # huggingface_hub reads it when imported. faster-whisper never calls the hub's telemetry
    # (send_telemetry), but nothing else in the process should either.
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


def disable_telemetry() -> None:
    """Turn the runtimes' telemetry off for this process and the processes it starts.

    Cheap and idempotent (it sets environment variables). Effective only if it runs before
    onnxruntime is first imported. If something imported onnxruntime earlier (a plugin, an
    application embedding rehearse), onnxruntime's telemetry is on for the life of the process,
    and only its API's weaker switch is left to throw.
    """
    imported_too_soon = "onnxruntime" in sys.modules and os.environ.get("ORT_DISABLE_TELEMETRY") != "1"
    os.environ.update(TELEMETRY_OFF)
    if imported_too_soon:
        sys.modules["onnxruntime"].disable_telemetry_events()
