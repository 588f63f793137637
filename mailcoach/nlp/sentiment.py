"""VADER sentence sentiment as a spaCy component: each sentence scored once."""

from __future__ import annotations

import bisect
import functools
import re
import string
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc

from mailcoach.nlp.sentences import sentence_bounds, sentence_of
from mailcoach.nlp.tokenizer import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Span

EXTENSION = "mailcoach_sentiment"
#: Business abbreviations that VADER's chat lexicon reads as slang once it lower-cases
#: them: "PO" (a purchase order) scores as "pissed off" (-2.6), "NFC" as "no f…ing
#: chance". Written in capitals they are left out of the text VADER scores, so sincere
#: thanks for "sorting the PO out" stays positive. "po" in lower case is left out too:
#: in business mail it is a purchase order or the Filipino courtesy word ("Salamat po").
_NOT_SLANG_RE = re.compile(r"\b(?:PO|NFC)s?\b|\b[Pp]os?\b")


@functools.cache
def vader() -> Any:
    """Return the one VADER analyzer of this process (its lexicon takes a while to read)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    class Windowed(SentimentIntensityAnalyzer):  # type: ignore[misc]  # VADER has no types
        """VADER, with its two checks of a word's neighbours shown only those neighbours.

        For every sentiment word, VADER's ``_negation_check`` and ``_special_idioms_check``
        lower-case the whole sentence, to read at most three words before the word and
        two after it: a sentence's cost grows with the square of its length (a
        400-word sentence took 90 ms). Given that window, VADER's own code reads the
        same words and gives the same scores.
        """

        @staticmethod
        def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> Any:
            if i < 3:  # the first words: as VADER has it (a negative index wraps round)
                return SentimentIntensityAnalyzer._negation_check(valence, words, start_i, i)
            return SentimentIntensityAnalyzer._negation_check(
                valence, words[i - 3 : i + 1], start_i, 3
            )

        @staticmethod
        def _special_idioms_check(valence: float, words: list[str], i: int) -> Any:
            if i < 3:
                return SentimentIntensityAnalyzer._special_idioms_check(valence, words, i)
            return SentimentIntensityAnalyzer._special_idioms_check(
                valence, words[i - 3 : i + 3], 3
            )

        def polarity_scores(self, text: str) -> Any:
            # VADER first copies the text character by character, putting each emoji's
            # name in its place. Text with no emoji comes out as it went in: it is
            # handed over as one piece (no emoji is ASCII, nor a whole sentence).
            if text.isascii() and self.ascii_safe:
                return super().polarity_scores(_OnePiece(text))
            return super().polarity_scores(text)

        def compound(self, text: str) -> float:
            """Return ``polarity_scores(text)["compound"]``.

            Only a word of VADER's lexicon gives a valence (boosters, negations and
            idioms only change one); with none, every valence and so the compound
            is 0.0. That is told from the words as VADER reads them (split at
            whitespace, punctuation stripped unless two characters or fewer are
            left, lower-cased) before scoring: most sentences of collections mail
            (amounts, dates, references) hold none. Emoji would bring words of
            their own, so only ASCII text is told this way.
            """
            if text.isascii() and self.ascii_safe:
                lexicon = self.lexicon
                for word in text.split():
                    bare = word.strip(string.punctuation)
                    if (word if len(bare) <= 2 else bare).lower() in lexicon:
                        break
                else:
                    return 0.0
            return float(self.polarity_scores(text)["compound"])

    analyzer = Windowed()
    analyzer.ascii_safe = not any(key.isascii() for key in analyzer.emojis)
    return analyzer


class _OnePiece(str):
    """A text that iterates as one piece, itself, rather than character by character."""

    __slots__ = ()

    def __iter__(self) -> Iterator[str]:
        yield str(self)


def _register() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


class SentimentScorer:
    """Score every sentence of a Doc with VADER's compound score (-1 … 1)."""

    def __init__(self) -> None:
        _register()
        self.analyzer = vader()

    def __call__(self, doc: Doc) -> Doc:
        scores = []
        whole = doc_text(doc)  # a sentence's text is its slice (Span.text joins its tokens)
        at, length = (doc.to_array(["IDX", "LENGTH"]).T.tolist()) if len(doc) else ([], [])
        # "PO", "NFC" and "po" are cut out of each sentence; most drafts hold none of them
        slang = _NOT_SLANG_RE if _NOT_SLANG_RE.search(whole) else None
        for start, end in sentence_bounds(doc):
            # the sentence's characters, as Span.start_char and Span.end_char
            text = whole[at[start] : at[end - 1] + length[end - 1]]
            text = (slang.sub("", text) if slang else text).strip()
            compound = self.analyzer.compound(text) if text else 0.0
            scores.append((start, end, float(compound)))
        doc._.set(EXTENSION, scores)
        return doc


@Language.factory("mailcoach_sentiment", assigns=[f"doc._.{EXTENSION}"])
def make_sentiment(nlp: Language, name: str) -> SentimentScorer:
    """Create the VADER sentence scorer."""
    return SentimentScorer()


def sentence_scores(doc: Doc) -> Iterator[tuple[Span, float]]:
    """Yield each sentence of ``doc`` with its compound score (0.0 if unscored)."""
    scores = doc._.get(EXTENSION) if Doc.has_extension(EXTENSION) else None
    if scores is None:
        for sent in doc.sents:
            yield sent, 0.0
        return
    for start, end, compound in scores:
        yield doc[start:end], compound


def sentence_texts(doc: Doc) -> Iterator[tuple[int, int, str, float]]:
    """Yield each sentence's first and end character, text and compound score, as
    :func:`sentence_scores` gives them (``span.start_char``, ``span.end_char``,
    ``span.text``), cut from the doc's text rather than joined from Token objects."""
    scores = doc._.get(EXTENSION) if Doc.has_extension(EXTENSION) else None
    if scores is None:
        scores = [(start, end, 0.0) for start, end in sentence_bounds(doc)]
    if not scores:
        return
    whole = doc_text(doc)
    at, length = doc.to_array(["IDX", "LENGTH"]).T.tolist()
    for start, end, compound in scores:
        first = at[start]
        last = at[end - 1] + length[end - 1] if end > start else first
        yield first, last, whole[first:last], compound


def compound_of(span: Span) -> float:
    """Return the compound score of the sentence that holds ``span``."""
    scores = span.doc._.get(EXTENSION) if Doc.has_extension(EXTENSION) else None
    if not scores:
        return 0.0
    start = sentence_of(span).start
    i = bisect.bisect_left(scores, (start,))  # scores are in sentence order
    return float(scores[i][2]) if i < len(scores) and scores[i][0] == start else 0.0
