"""What a dispute is about, and between whom: linear models over the sender's words.

Three questions are read from the whole of the writer's own text rather than from
one word: the dispute's type, the relationship of the two parties (trade, retail,
freelance work or a tenancy) and the sender's side of it (the provider, owed money;
or the payer), the last two beside the cues of :mod:`mailcoach.facts.roles`.
Nearly every dispute mentions an invoice or a payment; what tells a wrong charge
from an unpaid one, a late delivery from bad work, or a tenant from a customer, is
how the words fall together. On the 64 emails of four outside writers who had been
told what the types and relationships mean, the hand-written cue weights had the
type right on 64% and both roles on 80% before these models. Trained on all 449
labelled dev drafts, leave one writer out, the models have the type right on 88%,
the relationship on 90% and the side on 89%; both roles as ``check`` reads them on
85%. On 64 held-out emails of four more such writers (``sealed8``, trained on all
449): the type on 94%, both roles on 80%, the side on 92%.

Types (what the sender mainly wants fixed): ``payment`` (money owed and not
paid, a refund or deposit not returned), ``billing`` (the amount charged is in
question), ``delivery`` (goods late, missing, short, wrong or damaged),
``service`` (work or a service done badly, late or not at all), ``contract``
(the terms: scope, variations, notice, cancellation), ``other``.

Features: the words of two letters or more, lower-cased (numbers, amounts and
references leave no word), counted, as ``1 + log(count)`` times the word's
inverse document frequency, the vector scaled to unit length: scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` given :func:`words` as its analyzer, which
is how the training tool builds them. The classes' scores are a softmax over
the weighted sums (multinomial logistic regression). A text with fewer of a
model's words than the caller asks for (``min_words``) gets no answer from it: the
emails it learnt from have 43 or more, and a one-line text is outside what it knows.

The weights files ``lexicons/kind-weights.json`` (type),
``lexicons/setting-weights.json`` (relationship) and ``lexicons/side-weights.json``
(the sender's side) are written by
``python tools/train_kind.py`` (scikit-learn, the ``train`` extra) and never by
hand; each holds its provenance and the sha256 of its body (see
:mod:`mailcoach.weights`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from mailcoach.errors import LexiconError
from mailcoach.weights import hashed_text, pack, read_hashed, unpack

FORMAT: Final = 1
#: The weights of the dispute type's model, the relationship's and the sender's side's.
TYPE_FILE: Final = "kind-weights.json"
SETTING_FILE: Final = "setting-weights.json"
SIDE_FILE: Final = "side-weights.json"
#: A word: two or more letters (an apostrophe inside is kept: "didn't").
_WORD = re.compile(r"[^\W\d_]{2,}(?:'[^\W\d_]+)*")


def words(text: str) -> list[str]:
    """Return the lower-cased words of ``text`` that the text models read, in order."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


@dataclass(frozen=True, slots=True)
class TextModel:
    """Classes, their intercepts, and per word its idf and one weight per class."""

    question: str  # "dispute-type", "relationship" or "side"
    classes: tuple[str, ...]
    intercept: np.ndarray[Any, np.dtype[np.float64]]
    index: Mapping[str, int]
    idf: np.ndarray[Any, np.dtype[np.float64]]
    weights: np.ndarray[Any, np.dtype[np.float64]]  # one row per word

    def probabilities(self, text: str, min_words: int = 1) -> dict[str, float]:
        """Return each class's probability for ``text``; empty when it has fewer than
        ``min_words`` different words the model knows."""
        counts = Counter(i for i in map(self.index.get, words(text)) if i is not None)
        if not counts or len(counts) < min_words:
            return {}
        rows = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = np.array([1.0 + math.log(n) for n in counts.values()]) * self.idf[rows]
        tf /= np.linalg.norm(tf)
        scores = self.intercept + tf @ self.weights[rows]
        exp = np.exp(scores - scores.max())
        return dict(zip(self.classes, (exp / exp.sum()).tolist(), strict=True))

    def guess(self, text: str, min_words: int = 1) -> tuple[str | None, float]:
        """Return the likeliest class and its probability; (None, 0.0) for a text with
        fewer than ``min_words`` different words the model knows."""
        probabilities = self.probabilities(text, min_words)
        if not probabilities:
            return None, 0.0
        label = max(probabilities, key=lambda c: probabilities[c])
        return label, round(probabilities[label], 2)

    def to_text(self, provenance: Mapping[str, Any]) -> str:
        """Return the weights file's text: words sorted, numbers rounded to 6 places,
        so that retraining on the same data gives the same bytes."""
        names = sorted(self.index)
        order = [self.index[n] for n in names]
        table = np.column_stack([self.idf[order], self.weights[order]]).round(6)
        head = json.dumps(
            {
                "question": self.question,
                "classes": list(self.classes),
                "intercept": self.intercept.round(6).tolist(),
            }
        )[:-1]
        listed = ",\n".join(json.dumps(n, ensure_ascii=False) for n in names)
        body = f'{head}, "words": [\n{listed}\n],\n"rows": "{pack(table)}"}}\n'
        about = f"Weights of mailcoach's {self.question} model, written by tools/train_kind.py."
        return hashed_text(body, format=FORMAT, about=about, provenance=provenance)


@functools.lru_cache(maxsize=4)
def load_text_model(path: Path) -> TextModel:
    """Read a text model's weights file, checked against the sha256 in its header.

    Raises:
        LexiconError: if it is missing, altered, or not in the expected form.
    """
    retrain = "reinstall mailcoach or retrain it with: python tools/train_kind.py"
    data = read_hashed(path, format=FORMAT, retrain=retrain)
    try:
        question = str(data["question"])
        classes = tuple(str(c) for c in data["classes"])
        intercept = np.array([float(b) for b in data["intercept"]])
        names = data["words"]
        table = unpack(data["rows"])
        width = len(classes) + 1
        if not all(type(n) is str for n in names) or len(set(names)) != len(names):
            raise LexiconError(f"{path}: words must be distinct strings.")
        if len(intercept) != len(classes) or table.size != len(names) * width:
            raise LexiconError(f"{path}: every word needs an idf and one weight per class.")
        if not np.isfinite(table).all():
            raise LexiconError(f"{path}: a weight is not a finite number.")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LexiconError(f"{path}: not a weights file ({type(exc).__name__}: {exc}).") from None
    table = table.reshape(len(names), width)
    index = {name: i for i, name in enumerate(names)}
    return TextModel(question, classes, intercept, index, table[:, 0].copy(), table[:, 1:].copy())
