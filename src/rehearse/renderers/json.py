"""The report as JSON: the documented contract other tools read (docs/report.md)."""

from __future__ import annotations

import json

from rehearse.hookspecs import hookimpl
from rehearse.renderers.base import Renderer
from rehearse.report import json_default


class JsonRenderer(Renderer):
    name = "json"
    extensions = (".json",)

    def render(self, report: dict, *, color: bool = False) -> str:
        return json.dumps(report, ensure_ascii=False, indent=2, default=json_default) + "\n"


@hookimpl
def register_renderers(register):  # type: ignore[no-untyped-def]
    register(JsonRenderer())
