"""The exceptions rehearse raises; only the CLI turns them into messages."""

from __future__ import annotations


class RehearseError(Exception):
    """Base class: its message is one line a user can act on."""


class AudioError(RehearseError):
    """The input recording cannot be read or is not usable."""


class ModelError(RehearseError):
    """The speech model cannot be found, assembled or loaded."""


class TranscriptError(RehearseError):
    """A saved transcript or report (``--transcript``) is malformed."""


class PluginError(RehearseError):
    """A plugin is broken, misconfigured or clashes with another."""


class OptionError(RehearseError):
    """A user-supplied analyzer option (``--set``) is invalid."""


class RecordingError(RehearseError):
    """A recording cannot be made, written or repaired."""
