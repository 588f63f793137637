"""Parse only the sentences of a doc that a rule or a guard needs parsed.

The tagger and parser are most of the cost of the analysis, and in a hostile
email usually one or two sentences out of ten need them. Each such sentence is
parsed inside a window of whole neighbouring sentences, so that it sees the same
context as in the whole email: the model's token vectors look four tokens to
either side and the parser two tokens ahead, and the window keeps at least
``CONTEXT_TOKENS`` on each side (or reaches the edge of the email). The
annotations of the needed sentences are then copied into the doc; the other
sentences stay unparsed, and their sentence boundaries stay as they were.

The parser keeps the sentence boundaries that ``mailcoach_sentences`` set before
it. Should it ever move one, the doc is reported as not done, and the caller
parses the whole text again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mailcoach.nlp.pipeline import BATCH_SIZE, parse_pipes

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: The token attributes a doc holds before the model runs (``Span.as_doc`` copies
#: these, and HEAD, DEP and the entity ones, which are empty before the parse).
TOKEN_ATTRS: list[int | str] = [
    *("ORTH", "NORM", "LEMMA", "TAG", "POS", "MORPH", "SENT_START", "SPACY")
]
#: What the tagger, parser, attribute ruler and lemmatizer write.
PARSED_ATTRS: list[int | str] = ["TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD"]
SENT_START: list[int | str] = ["SENT_START"]

#: Tokens of context kept on each side of a sentence to parse (whole sentences are
#: added until there are at least this many): more than the model looks at (its
#: token vectors see four tokens to each side, the parser two tokens ahead).
CONTEXT_TOKENS = 8


def windows(
    bounds: Sequence[tuple[int, int]], needed: Sequence[int], context: int = CONTEXT_TOKENS
) -> list[tuple[int, int]]:
    """Return the token ranges to parse: needed sentences with context, merged.

    ``bounds`` are the (start, end) token offsets of every sentence, ``needed``
    the indexes of the sentences to parse, in order.
    """
    merged: list[tuple[int, int]] = []  # (first, last) sentence indexes
    for i in needed:
        first = i
        while first > 0 and bounds[i][0] - bounds[first][0] < context:
            first -= 1
        last = i
        while last < len(bounds) - 1 and bounds[last][1] - bounds[i][1] < context:
            last += 1
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return [(bounds[first][0], bounds[last][1]) for first, last in merged]


def _piece(doc: Doc, array: Any, start: int, end: int) -> Doc:
    """Return a new doc of the tokens ``doc[start:end]`` with all their attributes.

    ``array`` holds ``doc.to_array(TOKEN_ATTRS)``.
    What ``Span.as_doc`` does for the tokens, without the entities, vectors and
    user data it also copies (and that the model does not read).
    """
    from spacy.tokens import Doc

    words = [t.text for t in doc[start:end]]
    spaces = [bool(t.whitespace_) for t in doc[start:end]]
    piece = Doc(doc.vocab, words=words, spaces=spaces)
    piece.from_array(TOKEN_ATTRS, array[start:end])
    return piece


@dataclass(slots=True)
class _Job:
    doc: Doc
    ranges: list[tuple[int, int]]  # token ranges of the sentences to parse
    windows: list[tuple[int, int]]
    sent_starts: Any  # the boundaries before parsing (an array)
    pieces: list[Doc]  # the docs the model runs on: the windows, or the doc itself


def parse_sentences(nlp: Language, docs: Sequence[tuple[Doc, list[tuple[int, int]]]]) -> list[bool]:
    """Parse the given sentences of each doc, in place, in batches.

    ``docs`` pairs each doc with the token ranges of the sentences it needs parsed
    (whole sentences, in order). Returns, per doc, whether that worked: False means
    the parser moved a sentence boundary, and the doc is left in an unknown state.
    """
    jobs: list[_Job] = []
    for doc, ranges in docs:
        sentences = [(s.start, s.end) for s in doc.sents]
        index = {start: i for i, (start, _) in enumerate(sentences)}
        spans = windows(sentences, [index[start] for start, _ in ranges])
        starts = doc.to_array(SENT_START)
        if spans == [(0, len(doc))]:
            jobs.append(_Job(doc, ranges, spans, starts, [doc]))
            continue
        array = doc.to_array(TOKEN_ATTRS)
        pieces = [_piece(doc, array, a, b) for a, b in spans]
        jobs.append(_Job(doc, ranges, spans, starts, pieces))

    with nlp.select_pipes(enable=parse_pipes(nlp)):
        done = iter(nlp.pipe([p for job in jobs for p in job.pieces], batch_size=BATCH_SIZE))
        for job in jobs:
            job.pieces = [next(done) for _ in job.pieces]

    results: list[bool] = []
    for job in jobs:
        doc = job.doc
        if job.pieces[0] is doc:
            results.append(bool((doc.to_array(SENT_START) == job.sent_starts).all()))
            continue
        values: Any = doc.to_array(PARSED_ATTRS)
        kept = True
        for (a, b), piece in zip(job.windows, job.pieces, strict=True):
            kept = kept and bool((piece.to_array(SENT_START) == job.sent_starts[a:b]).all())
            piece_values = piece.to_array(PARSED_ATTRS)
            for start, end in job.ranges:
                if a <= start and end <= b:
                    values[start:end] = piece_values[start - a : end - a]
        if kept:
            doc.from_array(PARSED_ATTRS, values)  # this resets every sentence start ...
            doc.from_array(SENT_START, job.sent_starts)  # ... so put them back
        results.append(kept)
    return results
