"""Stage 2, speech to timed words: the transcriber interface, the faster-whisper backend and its model files.

The only package that imports faster_whisper.
"""
