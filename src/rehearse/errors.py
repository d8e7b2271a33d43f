"""The exceptions rehearse raises; only the CLI turns them into messages.

Each carries its message as an English template with named ``{fields}`` and the fields apart:
``str(exc)`` is the English line (for logs), :meth:`RehearseError.said` the same line in the
user's language, through the gettext catalogs (:func:`rehearse.i18n.tr`). Every class is a
keyword of the message extraction (:data:`rehearse.i18n.KEYWORDS`), so its first argument
must be a literal template, never an f-string.
"""

from __future__ import annotations


class RehearseError(Exception):
    """Base class: its message is one line a user can act on."""

    def __init__(self, message: str = "", /, **fields: object) -> None:
        self.message = message
        self.fields = fields
        super().__init__(self._english())

    def _english(self) -> str:
        if not self.fields:
            return self.message
        try:
            return self.message.format(**self.fields)
        except (KeyError, IndexError, ValueError):
            return self.message

    def __str__(self) -> str:
        return self._english()

    def said(self, lang: str) -> str:
        """The message in ``lang`` (English when its catalog lacks it), fields filled in; a field
        that is itself one of rehearse's errors is said in ``lang`` too."""
        from rehearse.i18n import tr

        if not self.message:
            return str(self)
        fields = {k: v.said(lang) if isinstance(v, RehearseError) else v for k, v in self.fields.items()}
        try:
            return tr(lang, self.message, **fields)
        except (KeyError, IndexError, ValueError):
            return str(self)


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
