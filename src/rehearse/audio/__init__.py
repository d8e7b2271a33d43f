"""Stage 1, the audio: decoding a recording, and where there is speech on each channel."""
