"""Read drafts and emails and split them into own text, quoted text and signature."""

from __future__ import annotations

from mailcoach.inputs.parse import parse_bytes, parse_text, read_draft
from mailcoach.inputs.split import split_body

__all__ = ["parse_bytes", "parse_text", "read_draft", "split_body"]
