"""Sentence boundaries for email text, set before the parser so they never depend on it.

Both stages of the analysis (without and with the parse) must see the same
sentences, because sentiment, sentence-level rules and several guards work per
sentence. The parser respects boundaries set before it.
"""

from __future__ import annotations

import re
from typing import Any, cast

import numpy
from spacy.language import Language
from spacy.tokens import Doc

#: A token made only of these ends a sentence ("." "?!" "…").
TERMINAL_CHARS = ".!?…"
#: Tokens that stay with the sentence they close: '"', ')', ...
CLOSERS = frozenset({'"', "'", ")", "]", "”", "’", "»"})
#: Markers that start a list item on a new line.
BULLET = re.compile(r"^(?:[-*•–]|\d{1,2}[.)])$")
#: A line this short that ends with "," or ":" is a greeting or a label ("Hi Marcus,").
SHORT_LINE_TOKENS = 5


def _line_break_starts_sentence(texts: list[str], spaces: list[bool], i: int) -> bool:
    """Tell whether the newline in the whitespace token ``i`` also ends a sentence."""
    if texts[i].count("\n") >= 2:
        return True
    if i + 1 < len(texts) and BULLET.match(texts[i + 1]):
        return True
    line: list[str] = []  # the visible tokens of the line, last first
    for j in range(i - 1, -1, -1):
        if "\n" in texts[j]:
            break
        if not spaces[j]:
            line.append(texts[j])
    return bool(line) and len(line) <= SHORT_LINE_TOKENS and line[0] in {",", ":"}


def _is_terminal(text: str) -> bool:
    return not text.strip(TERMINAL_CHARS)


def sentence_starts(doc: Doc) -> list[bool]:
    """Return, for every token, whether it starts a sentence (punctuation, line breaks)."""
    texts = [tok.text for tok in doc]
    spaces = [bool(flag) for flag in doc.to_array("IS_SPACE")]
    starts: list[bool] = []
    start_next = True
    for i, text in enumerate(texts):
        if spaces[i]:
            starts.append(start_next and i == 0)
            if "\n" in text and _line_break_starts_sentence(texts, spaces, i):
                start_next = True
            continue
        if start_next and text in CLOSERS and i > 0:
            starts.append(False)  # a closing quote stays with its sentence
            continue
        starts.append(start_next or i == 0)
        start_next = _is_terminal(text)
    return starts


def set_sentence_starts(doc: Doc) -> Doc:
    """Mark every token as starting a sentence or not, by punctuation and line breaks.

    Writes all boundaries at once: setting ``Token.is_sent_start`` one token at a
    time checks the whole doc for a parse on every call.
    """
    if not len(doc):
        return doc
    if doc.has_annotation("DEP"):
        raise ValueError("mailcoach_sentences must run before the parser: the doc is parsed")
    flags = numpy.array([1 if start else -1 for start in sentence_starts(doc)], dtype=numpy.int64)
    doc.from_array(["SENT_START"], cast(Any, flags.astype(numpy.uint64).reshape(-1, 1)))
    return doc


@Language.component("mailcoach_sentences", assigns=["token.is_sent_start"])
def mailcoach_sentences(doc: Doc) -> Doc:
    """Set sentence boundaries for email text (punctuation, blank lines, list items)."""
    return set_sentence_starts(doc)
