"""Renderers: pure functions from Report(s) to text, one module per format."""

from __future__ import annotations

from collections.abc import Callable

from mailcoach.model import Report
from mailcoach.render.json_format import render_json
from mailcoach.render.text import render_text

#: ``--format`` choices of ``mailcoach check``.
RENDERERS: dict[str, Callable[[Report], str]] = {"text": render_text, "json": render_json}

__all__ = ["RENDERERS", "render_json", "render_text"]
