"""The sentence model at run time: a linear classifier over words, one score per category.

The rules find the phrasings we wrote down; writers we have not read phrase the
same hostility their own way. This model flags a sentence whose probability for
a category reaches the rule's threshold. It runs as the ``model`` rule kind (one
rule per category file), so it is disabled, levelled, guarded and tested like
any rule.

Its weights are data: ``lexicons/classifier-weights.json``, written by the
training tool (``python tools/train_model.py``; scikit-learn, the ``train``
extra) and never by hand. Nothing here trains: scoring a sentence is a sum of
looked-up weights.

Features: the lower-cased words and neighbouring word pairs of the sentence,
leaving out quotations (the reader's words are not the writer's), with numbers,
amounts, references, months and weekdays replaced by placeholders ("$ 1,180" and
"INV-2231" weigh nothing of their own); whether it holds "!", "?" or shouting
capitals; and, when the weights file asks for it, the words of the sentence
before, as separate features ("Understood." after "Right." reads otherwise than
alone). A sentence's features are scaled by one over the square root of their
number, so long sentences do not score higher for being long.

The weights file is one line of JSON saying where it came from (training
command, data, date, library versions) and the sha256 of the rest of the file,
then the model itself as JSON: categories, biases, feature settings, the sorted
feature names one per line, and all their weights as one base64 string of
little-endian doubles (a row of one weight per category for each name). Parsing
150,000 decimal numbers cost more than the rest of loading; the names keep a
retrained model's diff readable. A file whose body does not match its hash does
not load.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Token

from mailcoach.errors import LexiconError
from mailcoach.nlp.guards import quote_regions
from mailcoach.weights import DOUBLE, hashed_text, pack, read_hashed, unpack

#: The version of the weights file format.
FORMAT = 3
WEIGHTS_FILE = "classifier-weights.json"
#: Shouting: two capitalised words in a row ("PAY NOW") or one of five letters or more
#: ("URGENT"). Not a lone acronym or currency code ("CHF", "ASAP").
_CAPS = re.compile(r"\b[A-Z]{2,}[\s,]+[A-Z]{2,}\b|\b[A-Z]{5,}\b")
_DIGIT = re.compile(r"\d")
_CURRENCY = frozenset("$£€¥₹") | {"usd", "eur", "gbp", "aud", "cad", "chf", "inr", "nzd", "rs"}
_MONTHS = frozenset(
    """january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec""".split()
) - {"may", "mar"}  # "may" and "mar" are ordinary words far more often
_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
#: Prefix of the letter n-gram features.
CHARS = "c:"
#: Prefix of the features taken from the sentence before.
PREVIOUS = "p:"
#: Sentences whose scores one Classifier remembers before it starts over.
MEMO_SIZE = 4_096


def placeholder(word: str) -> str:
    """Return the word, or the placeholder that stands for it.

    Numbers and anything holding a digit ("1,180", "2231", "inv-2231", "14th") become
    ``<num>``; currency signs and codes ``<cur>``; month and weekday names ``<month>``
    and ``<day>``. The model learns that a sentence names an amount or a date, never
    which one.
    """
    if _DIGIT.search(word):
        return "<num>"
    if word in _CURRENCY:
        return "<cur>"
    if word in _MONTHS:
        return "<month>"
    if word in _DAYS:
        return "<day>"
    return word


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """How a sentence becomes features; stored in the weights file it was trained with."""

    pairs: bool = True
    placeholders: bool = True
    #: Read the sentence before: its words (and word pairs, if ``pairs``) with "p:".
    previous: bool = False
    #: Letter 4-grams of each word ("c:<car", "c:less"), so that a word the training
    #: text never used still shares weight with its relatives ("carelessness").
    chars: bool = False

    def to_dict(self) -> dict[str, bool]:
        """Return the settings as JSON-able values."""
        return {
            "pairs": self.pairs,
            "placeholders": self.placeholders,
            "previous": self.previous,
            "chars": self.chars,
        }


#: What one sentence's own features are made from: its words (as placeholders, if the
#: settings ask for them) and whether its text holds "!", "?" and shouting capitals.
Basis = tuple[tuple[str, ...], bool, bool, bool]


def _basis(words: Sequence[str], text: str, settings: FeatureSettings) -> Basis:
    kept = tuple(placeholder(w) for w in words) if settings.placeholders else tuple(words)
    return kept, "!" in text, "?" in text, _CAPS.search(text) is not None


def _from_basis(basis: Basis, settings: FeatureSettings) -> set[str]:
    words, exclaims, asks, shouts = basis
    found = set(words)
    if settings.pairs:
        found.update(f"{a} {b}" for a, b in pairwise(words))
    if settings.chars:
        for word in words:
            if len(word) >= 3 and word.isalpha():
                padded = f"<{word}>"
                found.update(CHARS + padded[i : i + 4] for i in range(len(padded) - 3))
    if exclaims:
        found.add("<!>")
    if asks:
        found.add("<?>")
    if shouts:
        found.add("<CAPS>")
    return found


def _own(words: Sequence[str], text: str, settings: FeatureSettings) -> set[str]:
    return _from_basis(_basis(words, text, settings), settings)


def features(
    words: Sequence[str],
    text: str,
    previous: tuple[Sequence[str], str] | None = None,
    settings: FeatureSettings = FeatureSettings(),
) -> set[str]:
    """Return the features of one sentence.

    Args:
        words: its words, as ``sentence_words`` gives them.
        text: its text (for the punctuation and capitals features).
        previous: the words and text of the sentence before it, if any.
        settings: which features to make.
    """
    before = _basis(*previous, settings) if settings.previous and previous is not None else None
    return _features(_basis(words, text, settings), before, settings)


def _features(own: Basis, before: Basis | None, settings: FeatureSettings) -> set[str]:
    found = _from_basis(own, settings)
    if before is not None:
        found.update(PREVIOUS + f for f in _from_basis(before, settings))
    return found


def sentence_words(tokens: Sequence[Token]) -> list[str]:
    """Return the words the model reads from a sentence's tokens (no whitespace tokens).

    They are lower-cased, and quotations are left out: the model scores the
    writer's own words ("you called the charge"), not the words they quote. Scare
    quotes are the rules' business, which know a mocking quote from a quoted label
    ("Out for delivery").
    """
    if not tokens:
        return []
    start = tokens[0].idx
    # the text from the first token to the end of the last: a Span joins only its own
    # tokens, where Doc.text would join the whole doc once per sentence
    text = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
    regions = list(quote_regions(text))
    return [t.lower_ for t in tokens if not any(a <= t.idx - start < b for a, b in regions)]


class Rows(Mapping[str, list[float]]):
    """Each feature's weights, one per category: a name index over one matrix.

    Loading keeps the weights as the one array they are stored as (no Python float
    for each of 150,000 weights, which cost more than the rest of loading); a row
    read by name comes back as a list.
    """

    __slots__ = ("index", "matrix")

    def __init__(self, index: dict[str, int], matrix: np.ndarray[Any, np.dtype[np.float64]]):
        self.index = index
        self.matrix = matrix

    @classmethod
    def of(cls, rows: Mapping[str, Sequence[float]], width: int) -> Rows:
        """Return the rows of a mapping from feature name to its weights."""
        if isinstance(rows, Rows):
            return rows
        matrix = np.array([list(r) for r in rows.values()], dtype=DOUBLE).reshape(-1, width)
        return cls({name: i for i, name in enumerate(rows)}, matrix)

    def __getitem__(self, name: str) -> list[float]:
        row: list[float] = self.matrix[self.index[name]].tolist()
        return row

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


@dataclass(frozen=True, slots=True)
class Classifier:
    """Weights per feature and a bias, for each category."""

    categories: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, Sequence[float]]
    settings: FeatureSettings = field(default_factory=FeatureSettings)
    #: The answers for sentences scored before, by what their features are made from.
    memo: dict[tuple[Basis, Basis | None], dict[str, float]] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: ``weights`` as one matrix with a name index (the same object when loaded).
    rows: Rows = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", Rows.of(self.weights, len(self.categories)))

    def probabilities(
        self, words: Sequence[str], text: str, previous: tuple[Sequence[str], str] | None = None
    ) -> dict[str, float]:
        """Return each category's probability for one sentence (and the one before it).

        Sentences that give the same features in the same order get the same
        answer, which is remembered (mail repeats its sentences, and with numbers,
        amounts and dates as placeholders, many more of them read alike): the
        features are built, and their weights summed, exactly as for a new one.
        """
        settings = self.settings
        own = _basis(words, text, settings)
        before = _basis(*previous, settings) if settings.previous and previous is not None else None
        key = (own, before)
        memo = self.memo
        known = memo.get(key)
        if known is None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            known = memo[key] = self._score(_features(own, before, settings))
        return dict(known)

    def _score(self, found: set[str]) -> dict[str, float]:
        rows = self.rows
        index = rows.index
        known = [i for i in map(index.get, found) if i is not None]
        scale = 1.0 / math.sqrt(len(found) or 1)
        # the bias, then each row scaled, summed in that order (one row after another)
        terms = np.empty((len(known) + 1, len(self.bias)), dtype=DOUBLE)
        terms[0] = self.bias
        np.multiply(rows.matrix[known], scale, out=terms[1:])
        totals = terms.sum(axis=0).tolist()
        return {c: 1.0 / (1.0 + math.exp(-t)) for c, t in zip(self.categories, totals, strict=True)}

    def to_text(self, provenance: Mapping[str, Any]) -> str:
        """Return the weights file's text: a header line, then the model, its feature
        names sorted one per line and its weights rounded, so that retraining gives
        the same bytes for the same data and a diff of the names that changed."""
        rows = self.rows
        names = sorted(rows.index)
        order = [rows.index[n] for n in names]
        matrix = np.array(
            [[round(w, 4) for w in row] for row in rows.matrix[order].tolist()], dtype=DOUBLE
        ).reshape(len(names), len(self.categories))
        head = json.dumps(
            {
                "categories": list(self.categories),
                "bias": [round(b, 4) for b in self.bias],
                "features": self.settings.to_dict(),
            },
            ensure_ascii=False,
        )[:-1]
        listed = ",\n".join(json.dumps(n, ensure_ascii=False) for n in names)
        body = f'{head}, "names": [\n{listed}\n],\n"rows": "{pack(matrix)}"}}\n'
        about = "Weights of mailcoach's sentence model, written by the training tool."
        return hashed_text(body, format=FORMAT, about=about, provenance=provenance)


@functools.lru_cache(maxsize=4)
def load_classifier(path: Path) -> Classifier:
    """Read a weights file and check its body against the sha256 in its header.

    Raises:
        LexiconError: if it is missing, not JSON, altered, or not in the expected form.
    """
    retrain = "reinstall mailcoach or retrain it with: python tools/train_model.py"
    data = read_hashed(path, format=FORMAT, retrain=retrain)
    try:
        categories = tuple(str(c) for c in data["categories"])
        bias = tuple(float(b) for b in data["bias"])
        settings = FeatureSettings(**{k: bool(v) for k, v in data["features"].items()})
        names = data["names"]
        rows = unpack(data["rows"])
        if not all(type(n) is str for n in names) or len(set(names)) != len(names):
            raise LexiconError(f"{path}: feature names must be distinct strings.")
        if len(bias) != len(categories) or rows.size != len(names) * len(categories):
            raise LexiconError(f"{path}: every feature needs one weight per category.")
        if not np.isfinite(rows).all():
            raise LexiconError(f"{path}: a weight is not a finite number.")
        weights = Rows(
            {name: i for i, name in enumerate(names)}, rows.reshape(len(names), len(categories))
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LexiconError(f"{path}: not a weights file ({type(exc).__name__}: {exc}).") from None
    return Classifier(categories, bias, weights, settings)
