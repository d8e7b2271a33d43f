"""Recording a practice session beside the pipeline: devices, the crash-safe WAV, the sidecar, live
cues."""
