"""Sentence boundaries for email text, set before the parser so they never depend on it.

Both stages of the analysis (without and with the parse) must see the same
sentences, because sentiment, sentence-level rules and several guards work per
sentence. The parser respects boundaries set before it.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Token

#: A token made only of these ends a sentence ("." "?!" "…").
TERMINAL = re.compile(r"^[.!?…]+$")
#: Tokens that stay with the sentence they close: '"', ')', ...
CLOSERS = frozenset({'"', "'", ")", "]", "”", "’", "»"})
#: Markers that start a list item on a new line.
BULLET = re.compile(r"^(?:[-*•–]|\d{1,2}[.)])$")
#: A line this short that ends with "," or ":" is a greeting or a label ("Hi Marcus,").
SHORT_LINE_TOKENS = 5


def _line_break_starts_sentence(doc: Doc, space: Token) -> bool:
    """Tell whether the newline in ``space`` also ends a sentence."""
    if space.text.count("\n") >= 2:
        return True
    nxt = doc[space.i + 1] if space.i + 1 < len(doc) else None
    if nxt is not None and BULLET.match(nxt.text):
        return True
    line: list[Token] = []
    for tok in reversed(doc[: space.i]):
        if "\n" in tok.text:
            break
        if not tok.is_space:
            line.append(tok)
    return bool(line) and len(line) <= SHORT_LINE_TOKENS and line[0].text in {",", ":"}


def set_sentence_starts(doc: Doc) -> Doc:
    """Mark every token as starting a sentence or not, by punctuation and line breaks."""
    start_next = True
    for tok in doc:
        if tok.is_space:
            tok.is_sent_start = start_next and tok.i == 0
            if "\n" in tok.text and _line_break_starts_sentence(doc, tok):
                start_next = True
            continue
        if start_next and tok.text in CLOSERS and tok.i > 0:
            tok.is_sent_start = False  # a closing quote stays with its sentence
            continue
        tok.is_sent_start = start_next or tok.i == 0
        start_next = bool(TERMINAL.match(tok.text))
    return doc


@Language.component("mailcoach_sentences", assigns=["token.is_sent_start"])
def mailcoach_sentences(doc: Doc) -> Doc:
    """Set sentence boundaries for email text (punctuation, blank lines, list items)."""
    return set_sentence_starts(doc)
