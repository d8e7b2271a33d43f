"""The report as JSON: the documented contract other tools read (docs/report.md)."""

from __future__ import annotations

import json

from rehearse.hookspecs import hookimpl
from rehearse.rendering import Renderer


class JsonRenderer(Renderer):
    name = "json"
    extensions = (".json",)

    def render(self, report: dict, *, color: bool = False) -> str:
        return json.dumps(report, ensure_ascii=False, indent=2, default=_plain) + "\n"


def _plain(value: object) -> object:
    """numpy scalars and arrays (common in analyzer plugins) as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(JsonRenderer())
