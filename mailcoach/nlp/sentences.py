"""Sentence boundaries for email text, set before the parser so they never depend on it.

Both stages of the analysis (without and with the parse) must see the same
sentences, because sentiment, sentence-level rules and several guards work per
sentence. The parser respects boundaries set before it.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, cast

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

#: A token made only of these ends a sentence ("." "?!" "…").
TERMINAL_CHARS = ".!?…"
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
#: Words that a full stop abbreviates when a lower-case word follows ("etc. and",
#: "approx. ten"). After any other word a full stop ends the sentence even before a
#: lower-case word: phone-typed mail often starts its sentences in lower case ("no
#: battery. called the branch"). A word with no vowel ("hrs.", "pcs.") is one too.
LOWER_ABBREVIATIONS = ABBREVIATIONS | frozenset(
    """etc ca esp resp viz al fig figs vol pp min max qty est misc govt corp approx
    wrt abt yr yrs mo mos wk wks""".split()
)
#: Times of day the tokenizer keeps whole with their full stop ("11 a.m."): a
#: capitalised word after one on the same line opens a new sentence ("until after
#: 11 a.m. The breakdown was ..."), unless it names a day, a month or a time zone.
TIME_ABBREVIATIONS = frozenset({"a.m.", "p.m."})
TIME_FOLLOWERS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri sat sun january february march april may june july august september
    october november december jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
#: A line this short that ends with "," or ":" is a greeting or a label ("Hi Marcus,").
SHORT_LINE_TOKENS = 5
#: No sentence is longer than this many tokens: a longer run (a pasted log, words with
#: no full stop) is cut, so that what is done per sentence (guards, quotations,
#: sentence scores) costs a bounded amount per match. Real sentences in mail stay well
#: under it (the longest in our corpora has 82 tokens; a case file checked as text,
#: a JSON object with no full stop, 334).
MAX_SENTENCE_TOKENS = 400
#: Where an over-long run is best cut: after these marks, or before these words.
CUT_AFTER = frozenset({",", ";", ":", "—", "–", "-"})
CUT_BEFORE = frozenset({"and", "but", "or", "so", "because", "which", "while"})


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


def _stacked_stop(doc: Doc, i: int) -> bool:
    """Tell whether token ``i`` continues a run of end punctuation ("?!", "!!!")."""
    return (
        _is_terminal(doc[i].text) and _is_terminal(doc[i - 1].text) and not doc[i - 1].whitespace_
    )


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
        if start_next and i > 0 and (text in CLOSERS or _stacked_stop(doc, i)):
            starts.append(False)  # a closing quote, or the "!" of "?!", stays with its sentence
            continue
        starts.append(start_next or i == 0)
        start_next = (_is_terminal(text) and not _abbreviation_stop(doc, doc[i])) or (
            text.lower() in TIME_ABBREVIATIONS and _time_stop(doc, i)  # (lower_ is str.lower)
        )
    _cap_sentences(texts, spaces, starts)
    return starts


def _cap_sentences(
    texts: list[str], spaces: list[bool], starts: list[bool], limit: int = MAX_SENTENCE_TOKENS
) -> None:
    """Cut every run of more than ``limit`` tokens without a sentence start, in place.

    A run is cut at the latest good place in its second half (after a comma, a
    semicolon or a line break, or before "and", "but" ...), else right at the limit.
    """
    begin = 0  # where the current sentence starts
    best: int | None = None  # the latest good place to cut it
    previous = ""  # the last visible token before ``i``, or "\n" after a line break
    for i, text in enumerate(texts):
        if spaces[i]:
            if "\n" in text:
                previous = "\n"
            continue
        if starts[i]:
            begin, best = i, None
        else:
            if previous in CUT_AFTER or previous == "\n" or text.lower() in CUT_BEFORE:
                best = i
            if i - begin >= limit:
                cut = best if best is not None and best - begin >= limit // 2 else i
                starts[cut] = True
                begin, best = cut, None
        previous = text


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


def _time_stop(doc: Doc, i: int) -> bool:
    """Tell whether token ``i`` is a time of day ("a.m.") whose full stop ends the sentence.

    True when the next word on the same line is capitalised and names no day, month
    or time zone: "after 11 a.m. The truck" ends a sentence, "at 9 a.m. Monday" and
    "5 p.m. GMT" do not.
    """
    if doc[i].lower_ not in TIME_ABBREVIATIONS or doc[i].whitespace_ != " ":
        return False
    if i + 1 >= len(doc):
        return False
    nxt = doc[i + 1]
    if nxt.is_space or not nxt.text[:1].isupper() or (nxt.is_upper and len(nxt) > 1):
        return False
    return nxt.lower_.rstrip(".") not in TIME_FOLLOWERS


def _abbreviation_stop(doc: Doc, stop: Token) -> bool:
    """Tell whether the full stop ``stop`` closes an abbreviation inside a sentence.

    True after a known abbreviation ("no.", "approx.") before a number or a capital,
    after one that abbreviates before a lower-case word ("etc. and", "hrs. later"),
    and before a number after a short word ("ca. 30"); a line break after it still
    ends the sentence, and so does a full stop after a word before a lower-case
    word ("no battery. called the branch").
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
    if nxt.text[:1].islower():
        return before.is_alpha and _abbreviates(before.lower_)
    return nxt.text[:1].isdigit() and len(before.text) <= 4 and before.is_alpha


def _abbreviates(word: str) -> bool:
    """Tell whether ``word`` followed by a full stop reads as an abbreviation."""
    return word in LOWER_ABBREVIATIONS or len(word) == 1 or not set(word) & set("aeiouy")


@Language.component("mailcoach_sentences", assigns=["token.is_sent_start"])
def mailcoach_sentences(doc: Doc) -> Doc:
    """Set sentence boundaries for email text (punctuation, blank lines, list items)."""
    return set_sentence_starts(doc)


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence: ``[(s.start, s.end) for s in doc.sents]``,
    read from the doc's sentence starts in bulk (no Span or Token objects).

    A doc without boundaries (or with a ``sents`` hook) is read by ``doc.sents`` itself.
    """
    n = len(doc)
    if not n or "sents" in doc.user_hooks or not doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    # as Doc.sents: the first token starts one, and every later token whose
    # sentence start is 1 (not -1, and not 0: unknown)
    flags = doc.to_array("SENT_START")
    starts = [0, *(numpy.flatnonzero(flags[1:] == 1) + 1).tolist()]
    return list(zip(starts, [*starts[1:], n], strict=True))


#: Where a doc's sentence starts are kept for ``sentence_of``.
STARTS_KEY = "mailcoach_sentence_starts"


def sentence_of(span: Span) -> Span:
    """Return the sentence that holds the span's first token: ``span.sent``, in log time.

    ``Span.sent`` walks token by token to both ends of the sentence on every call
    (25 µs in a sentence of 400 tokens), and the guards ask for the sentence of
    every match several times. The starts are read once per doc and kept in
    ``doc.user_data``, so call this only once the boundaries are final (the
    guards run after the parse, which keeps them).
    """
    doc = span.doc
    starts: list[int] | None = doc.user_data.get(STARTS_KEY)
    if starts is None:
        starts = doc.user_data[STARTS_KEY] = [a for a, _ in sentence_bounds(doc)] + [len(doc)]
    k = bisect.bisect_right(starts, span.start) - 1
    return doc[starts[k] : starts[k + 1]]
