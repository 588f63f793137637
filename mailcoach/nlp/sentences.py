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
#: Words that a full stop abbreviates rather than ends a sentence after, when a
#: number or a name follows on the same line: "agreement no. 4410", "approx. 30".
ABBREVIATIONS = frozenset(
    """no nos nr num ref refs approx vs cf incl excl tel ext dept co ltd inc st
    mr mrs ms dr prof""".split()
)
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
        start_next = bool(TERMINAL.match(tok.text)) and not _abbreviation_stop(doc, tok)
    return doc


def _abbreviation_stop(doc: Doc, stop: Token) -> bool:
    """Tell whether the full stop ``stop`` closes an abbreviation inside a sentence.

    True after a known abbreviation ("no.", "approx.") or before a lower-case word or
    a number on the same line ("e.g. the", "ca. 30"); a line break after it still
    ends the sentence.
    """
    if stop.text != "." or stop.i == 0 or stop.i + 1 >= len(doc):
        return False
    if stop.whitespace_ != " " and not (
        doc[stop.i + 1].is_space and "\n" not in doc[stop.i + 1].text
    ):
        return False
    nxt = next((t for t in doc[stop.i + 1 :] if not t.is_space), None)
    if nxt is None:
        return False
    before = doc[stop.i - 1]
    if before.whitespace_:
        return False  # "fine . Next" is a stray stop, not an abbreviation
    if before.lower_ in ABBREVIATIONS and (
        nxt.text[:1].isdigit() or nxt.text[:1].isupper() or nxt.text[:1] == "#"
    ):
        return True
    return nxt.text[:1].islower() or (
        nxt.text[:1].isdigit() and len(before.text) <= 4 and before.is_alpha
    )


@Language.component("mailcoach_sentences", assigns=["token.is_sent_start"])
def mailcoach_sentences(doc: Doc) -> Doc:
    """Set sentence boundaries for email text (punctuation, blank lines, list items)."""
    return set_sentence_starts(doc)
