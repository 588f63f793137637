"""Read drafts and emails and split them into own text, quoted text and signature."""

from __future__ import annotations

from mailcoach.inputs.parse import parse_bytes, parse_text, read_draft
from mailcoach.inputs.sources import Unreadable, iter_messages
from mailcoach.inputs.split import split_body

__all__ = ["Unreadable", "iter_messages", "parse_bytes", "parse_text", "read_draft", "split_body"]
