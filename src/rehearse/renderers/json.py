"""The report as JSON: the documented contract other tools read (docs/report.md)."""

from __future__ import annotations

import json
from typing import Any

from rehearse.hookspecs import hookimpl
from rehearse.renderers.base import UNSHOWN, Renderer
from rehearse.report import json_default

# json.dumps already writes C0 controls as \u escapes, and its own line breaks must stay; the rest
# of what a terminal would act on is written the same way, which any JSON reader decodes back.
_ESCAPES = str.maketrans({char: f"\\u{ord(char):04x}" for char in UNSHOWN if char >= "\x7f"})


def dumps(value: Any) -> str:
    """``value`` as indented JSON, non-ASCII text kept readable, that is safe to print to a
    terminal: besides its own line breaks, no character in it is a control or a bidirectional
    override."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=json_default).translate(_ESCAPES)


class JsonRenderer(Renderer):
    name = "json"
    extensions = (".json",)

    def render(self, report: dict, *, color: bool = False) -> str:
        return dumps(report) + "\n"


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(JsonRenderer())
