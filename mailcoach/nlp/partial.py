"""Parse only the sentences of a doc that a rule or a guard needs parsed.

The tagger and parser are most of the cost of the analysis, and in a hostile
email usually one or two sentences out of ten need them. Each such sentence is
parsed inside a window of whole neighbouring sentences, so that it sees the same
context as in the whole email: the model's token vectors look four tokens to
either side and the parser two tokens ahead, and the window keeps at least
``CONTEXT_TOKENS`` on each side (or reaches the edge of the email). The
annotations of the needed sentences are then copied into the doc; the other
sentences stay unparsed, and their sentence boundaries stay as they were.

A window's parse depends only on its tokens and their attributes, so a window
repeated in the same call (a pasted block, a line sent over and over) is parsed
once and its annotations copied to every place it stands.

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


#: Needed sentences close together share a window while they span at most this many
#: tokens; the next needed sentence starts a new window (with its own context). The
#: model is slower per token on one long doc than on several shorter ones: a draft of
#: 200,000 characters whose every sentence needs the parse (90,000 tokens of "Pay
#: now!!!") parsed in 30% less time in such windows than whole.
MAX_WINDOW_TOKENS = 4000
#: Windows are parsed in batches of at most ``BATCH_SIZE`` docs and about this many tokens.
TOKENS_PER_BATCH = 8000


@dataclass(frozen=True, slots=True)
class Window:
    """A token range to parse, and the needed sentences whose annotations come from it."""

    start: int
    end: int
    #: indexes of the needed sentences it was made for: each has its context in it
    sentences: tuple[int, ...]


def windows(
    bounds: Sequence[tuple[int, int]],
    needed: Sequence[int],
    context: int = CONTEXT_TOKENS,
    limit: int | None = None,
) -> list[Window]:
    """Return the token ranges to parse: needed sentences with context, merged.

    ``bounds`` are the (start, end) token offsets of every sentence, ``needed``
    the indexes of the sentences to parse, in order. Windows that touch or overlap
    are merged while the needed sentences in one span at most ``limit`` tokens;
    the next window may then overlap the last one (in context sentences only),
    and each needed sentence is taken from the window made for it.
    ``limit`` defaults to ``MAX_WINDOW_TOKENS``.
    """
    limit = MAX_WINDOW_TOKENS if limit is None else limit
    merged: list[tuple[int, int, list[int]]] = []  # (first, last) sentence indexes, needed
    for i in needed:
        first = i
        while first > 0 and bounds[i][0] - bounds[first][0] < context:
            first -= 1
        last = i
        while last < len(bounds) - 1 and bounds[last][1] - bounds[i][1] < context:
            last += 1
        if merged:
            top, bottom, owned = merged[-1]
            if first <= bottom + 1 and bounds[i][1] - bounds[owned[0]][0] <= limit:
                merged[-1] = (top, max(last, bottom), [*owned, i])
                continue
        merged.append((first, last, [i]))
    return [
        Window(bounds[first][0], bounds[last][1], tuple(owned)) for first, last, owned in merged
    ]


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
    sentences: list[tuple[int, int]]  # token ranges of all the doc's sentences
    windows: list[Window]
    sent_starts: Any  # the boundaries before parsing (an array)
    pieces: list[Doc]  # the docs the model runs on: the windows, or the doc itself


def parse_sentences(nlp: Language, docs: Sequence[tuple[Doc, list[tuple[int, int]]]]) -> list[bool]:
    """Parse the given sentences of each doc, in place, in batches.

    ``docs`` pairs each doc with the token ranges of the sentences it needs parsed
    (whole sentences, in order). Returns, per doc, whether that worked: False means
    the parser moved a sentence boundary, and the doc is left in an unknown state.
    """
    jobs: list[_Job] = []
    # a window's parse depends only on its tokens and their attributes: repeated text
    # repeats windows, and each distinct one is parsed once (by its first piece)
    distinct: dict[bytes, Doc] = {}
    for doc, ranges in docs:
        sentences = [(s.start, s.end) for s in doc.sents]
        index = {start: i for i, (start, _) in enumerate(sentences)}
        spans = windows(sentences, [index[start] for start, _ in ranges])
        starts = doc.to_array(SENT_START)
        if [(w.start, w.end) for w in spans] == [(0, len(doc))]:
            jobs.append(_Job(doc, sentences, spans, starts, [doc]))
            continue
        array = doc.to_array(TOKEN_ATTRS)
        pieces = []
        for w in spans:
            key = array[w.start : w.end].tobytes()
            piece = distinct.get(key)
            if piece is None:
                piece = distinct[key] = _piece(doc, array, w.start, w.end)
            pieces.append(piece)
        jobs.append(_Job(doc, sentences, spans, starts, pieces))

    unparsed: dict[int, Doc] = {}  # by id: each distinct piece once, in order of first use
    for job in jobs:
        for piece in job.pieces:
            unparsed.setdefault(id(piece), piece)
    longest = max((len(p) for p in unparsed.values()), default=1)
    batch_size = max(1, min(BATCH_SIZE, TOKENS_PER_BATCH // max(longest, 1)))
    with nlp.select_pipes(enable=parse_pipes(nlp)):
        parsed = dict(
            zip(unparsed, nlp.pipe(unparsed.values(), batch_size=batch_size), strict=True)
        )
    for job in jobs:
        job.pieces = [parsed[id(p)] for p in job.pieces]

    results: list[bool] = []
    for job in jobs:
        doc = job.doc
        if job.pieces[0] is doc:
            results.append(bool((doc.to_array(SENT_START) == job.sent_starts).all()))
            continue
        values: Any = doc.to_array(PARSED_ATTRS)
        kept = True
        for window, piece in zip(job.windows, job.pieces, strict=True):
            a, b = window.start, window.end
            kept = kept and bool((piece.to_array(SENT_START) == job.sent_starts[a:b]).all())
            piece_values = piece.to_array(PARSED_ATTRS)
            for i in window.sentences:
                start, end = job.sentences[i]
                values[start:end] = piece_values[start - a : end - a]
        if kept:
            doc.from_array(PARSED_ATTRS, values)  # this resets every sentence start ...
            doc.from_array(SENT_START, job.sent_starts)  # ... so put them back
        results.append(kept)
    return results
