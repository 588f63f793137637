"""The sentence model: a linear classifier over words and word pairs, one score per category.

The rules find the phrasings we wrote down; writers we have not read phrase the
same hostility their own way. This model is trained on the labelled tuning
sentences (``tests/corpus/sentences-dev*.jsonl``) and flags a sentence whose
probability for a category reaches the rule's threshold. It runs as the ``model``
rule kind (one rule per category file), so it is disabled, levelled, guarded and
tested like any rule.

Its weights are data: ``lexicons/classifier-weights.json``, written by::

    python -m mailcoach.nlp.classifier train tests/corpus -o lexicons/classifier-weights.json

Features are the lower-cased words and neighbouring word pairs of the sentence
(leaving out quotations: the reader's words are not the writer's), and whether it
holds "!", "?" or shouting capitals. Not its first word: that feature learned the
writers' habits ("You ..." opened most blame, so "You're welcome to call" read as
blame). Only features seen in at least two training sentences get a weight: one
seen once can only memorise its sentence. A sentence's features are scaled by one
over the square root of their number, so long sentences do not score higher for
being long. Training is plain full-batch gradient descent on the logistic loss with
a small L2 penalty: deterministic, and quick on a few thousand sentences.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from spacy.tokens import Token

from mailcoach.errors import LexiconError
from mailcoach.nlp.guards import quote_regions

#: The version of the weights file format.
FORMAT = 1
WEIGHTS_FILE = "classifier-weights.json"
#: Training settings, chosen on a held-out split (see the README's accuracy section).
EPOCHS = 4000
LEARNING_RATE = 4.0
L2 = 0.01
#: Weights smaller than this are left out of the file; they barely move a score.
PRUNE = 0.005
#: A feature needs this many training sentences to get a weight.
MIN_COUNT = 2
#: Shouting: two capitalised words in a row ("PAY NOW") or one of five letters or more
#: ("URGENT"). Not a lone acronym or currency code ("CHF", "ASAP").
_CAPS = re.compile(r"\b[A-Z]{2,}[\s,]+[A-Z]{2,}\b|\b[A-Z]{5,}\b")


def features(words: Sequence[str], text: str) -> set[str]:
    """Return the features of one sentence.

    Args:
        words: its words, as ``sentence_words`` gives them.
        text: its text (for the punctuation and capitals features).
    """
    found = set(words)
    found.update(f"{a} {b}" for a, b in pairwise(words))
    if "!" in text:
        found.add("<!>")
    if "?" in text:
        found.add("<?>")
    if _CAPS.search(text):
        found.add("<CAPS>")
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


@dataclass(frozen=True, slots=True)
class Classifier:
    """Weights per feature and a bias, for each category."""

    categories: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, Sequence[float]]

    def probabilities(self, words: Sequence[str], text: str) -> dict[str, float]:
        """Return each category's probability for one sentence."""
        found = features(words, text)
        totals = list(self.bias)
        scale = 1.0 / math.sqrt(len(found) or 1)
        for feature in found:
            row = self.weights.get(feature)
            if row is not None:
                for i, w in enumerate(row):
                    totals[i] += w * scale
        return {c: 1.0 / (1.0 + math.exp(-t)) for c, t in zip(self.categories, totals, strict=True)}

    def to_json(self, trained_on: dict[str, int]) -> str:
        """Return the weights file's text: one feature per line, sorted and rounded,
        so that retraining gives a readable diff."""
        head = {
            "format": FORMAT,
            "about": (
                "Weights of mailcoach's sentence model; written by "
                "`python -m mailcoach.nlp.classifier train`, not by hand."
            ),
            "trained_on": trained_on,
            "settings": {"epochs": EPOCHS, "learning_rate": LEARNING_RATE, "l2": L2},
            "categories": list(self.categories),
            "bias": [round(b, 4) for b in self.bias],
        }
        rows = ",\n".join(
            f"{json.dumps(f, ensure_ascii=False)}:{json.dumps([round(w, 4) for w in row])}"
            for f, row in sorted(self.weights.items())
        )
        opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
        return f'{opening},\n "weights": {{\n{rows}\n}}\n}}\n'


@functools.lru_cache(maxsize=4)
def load_classifier(path: Path) -> Classifier:
    """Read a weights file.

    Raises:
        LexiconError: if it is missing, not JSON, or not in the expected form.
    """
    import srsly  # spaCy's own dependency: its JSON reader is about twice as fast

    try:
        data = srsly.json_loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(
            f"{path}: cannot be read ({exc.strerror or exc}); reinstall mailcoach or "
            "retrain it with: python -m mailcoach.nlp.classifier train"
        ) from None
    except ValueError as exc:
        raise LexiconError(f"{path}: not valid JSON ({exc}).") from None
    try:
        if data["format"] != FORMAT:
            raise LexiconError(f"{path}: format {data['format']!r}; this mailcoach reads {FORMAT}.")
        categories = tuple(str(c) for c in data["categories"])
        bias = tuple(float(b) for b in data["bias"])
        weights = data["weights"]  # read at every start: its rows are used as they are
        if len(bias) != len(categories) or any(
            type(r) is not list or len(r) != len(categories) for r in weights.values()
        ):
            raise LexiconError(f"{path}: every row needs one weight per category.")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LexiconError(f"{path}: not a weights file ({type(exc).__name__}: {exc}).") from None
    return Classifier(categories, bias, weights)


# --------------------------------------------------------------------------- training


def train(
    items: Iterable[tuple[Sequence[str], str, Iterable[str]]], categories: Sequence[str]
) -> Classifier:
    """Fit the model on (words, text, labels) triples; see the module docstring."""
    import numpy as np

    found_labels = [(features(words, text), set(labels)) for words, text, labels in items]
    # A feature seen in fewer than MIN_COUNT sentences gets no weight: it would only
    # memorise its one sentence. It still counts in the sentence's scale, as it does
    # when the model reads a sentence.
    seen = Counter(f for found, _ in found_labels for f in found)
    rows = [
        (1.0 / math.sqrt(len(found)), sorted(f for f in found if seen[f] >= MIN_COUNT), labels)
        for found, labels in found_labels
    ]
    rows = [row for row in rows if row[1]]
    vocabulary = sorted({f for _, kept, _ in rows for f in kept})
    index = {f: i for i, f in enumerate(vocabulary)}
    # The sentences as a sparse matrix: for each of its features, the sentence's row,
    # the feature's column and the value (one over the root of the feature count).
    # Entries come in row order; ``by_column`` orders them by column. Every row and
    # every column has an entry, so sums over them are ``reduceat`` at their starts.
    row_of = np.array([r for r, (_, kept, _) in enumerate(rows) for _ in kept])
    column = np.array([index[f] for _, kept, _ in rows for f in kept])
    value = np.array([scale for scale, kept, _ in rows for _ in kept])[:, None]
    row_starts = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])
    by_column = np.argsort(column, kind="stable")
    sorted_columns = column[by_column]
    column_starts = np.flatnonzero(np.r_[True, sorted_columns[1:] != sorted_columns[:-1]])
    y = np.array([[c in labels for c in categories] for *_, labels in rows], dtype=np.float64)
    w = np.zeros((len(vocabulary), len(categories)))
    b = np.zeros(len(categories))
    n = len(rows)
    for _ in range(EPOCHS):
        scores = np.add.reduceat(w[column] * value, row_starts) + b
        gradient = 1.0 / (1.0 + np.exp(-scores)) - y
        step = np.add.reduceat((gradient[row_of] * value)[by_column], column_starts)
        w -= LEARNING_RATE * (step / n + L2 * w / n)
        b -= LEARNING_RATE * gradient.mean(axis=0)
    weights = {
        f: tuple(float(v) for v in w[i]) for f, i in index.items() if np.abs(w[i]).max() >= PRUNE
    }
    return Classifier(tuple(categories), tuple(float(v) for v in b), weights)


def _corpus_items(folder: Path) -> tuple[list[tuple[list[str], str, list[str]]], dict[str, int]]:
    """Read the sentences of the tuning splits (``dev*``) of a corpus folder, tokenized."""
    import spacy

    from mailcoach.evaluate import SPLITS, load_corpus

    make_doc = spacy.blank("en").make_doc
    items: list[tuple[list[str], str, list[str]]] = []
    counts: dict[str, int] = {}
    for split in (s for s in SPLITS if s.startswith("dev")):
        sentences = [(i.text, i.gold) for i in load_corpus(folder, split) if i.text is not None]
        counts[f"sentences-{split}.jsonl"] = len(sentences)
        items.extend(
            (sentence_words([t for t in make_doc(text) if not t.is_space]), text, sorted(gold))
            for text, gold in sentences
        )
    return items, counts


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m mailcoach.nlp.classifier train CORPUS -o WEIGHTS``."""
    from mailcoach.model import Category

    parser = argparse.ArgumentParser(prog="python -m mailcoach.nlp.classifier")
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser(
        "train", help="train on CORPUS/sentences-dev*.jsonl (never the test splits)"
    )
    fit.add_argument("corpus", type=Path)
    fit.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    items, counts = _corpus_items(args.corpus)
    if not items:
        raise SystemExit(f"no tuning sentences (sentences-dev*.jsonl) in {args.corpus}")
    model = train(items, [c.value for c in Category])
    args.output.write_text(model.to_json(counts), encoding="utf-8")
    print(f"{args.output}: {len(model.weights)} features from {len(items)} sentences ({counts})")


if __name__ == "__main__":
    main()
