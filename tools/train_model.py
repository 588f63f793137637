"""Train mailcoach's sentence model and write its weights file.

    python tools/train_model.py            # writes lexicons/classifier-weights.json

Reads the tuning sentences only (``tests/corpus/sentences-dev*.jsonl`` and
``clean-business.jsonl``; never a test split), fits one logistic regression per
category with scikit-learn (the ``train`` extra) to convergence, and writes the
weights with their provenance. Run twice on the same data and libraries, it
writes the same bytes. Every setting below was chosen by leave-one-writer-out
cross-validation (``python tools/yardstick.py``), never on a test split.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from mailcoach.model import Category  # noqa: E402
from mailcoach.nlp.classifier import (  # noqa: E402
    WEIGHTS_FILE,
    Classifier,
    FeatureSettings,
    features,
)
from mailcoach.weights import read_header  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
OUTPUT = ROOT / "lexicons" / WEIGHTS_FILE
CATEGORIES = tuple(c.value for c in Category)
#: The tuning splits, in training order. The test splits are never read here.
TUNING_FILES = (
    "sentences-dev.jsonl",
    "sentences-dev2.jsonl",
    "sentences-dev3.jsonl",
    "sentences-dev4.jsonl",
    "sentences-dev5.jsonl",
    "sentences-dev6.jsonl",
    "sentences-dev7.jsonl",
    "sentences-dev8.jsonl",
    "sentences-dev9.jsonl",
    "sentences-dev10.jsonl",
    "sentences-dev11.jsonl",
    "sentences-dev12.jsonl",
    "sentences-dev13.jsonl",
    "sentences-dev14.jsonl",
    "sentences-dev15.jsonl",
    "sentences-dev16.jsonl",
    "sentences-dev17.jsonl",
    "sentences-dev18.jsonl",
    "sentences-dev19.jsonl",
    "sentences-dev20.jsonl",
    "sentences-dev21.jsonl",
    "sentences-dev22.jsonl",
    "sentences-dev23.jsonl",
    "sentences-dev24.jsonl",
    "sentences-dev25.jsonl",
    "clean-business.jsonl",
)


@dataclass(frozen=True, slots=True)
class Options:
    """Training settings (chosen out of fold; see the module docstring)."""

    #: Inverse L2 strength of scikit-learn's LogisticRegression.
    c: float = 30.0
    #: "balanced" weighs each category's few positive sentences up; "" leaves them be.
    class_weight: str = "balanced"
    #: A feature needs this many training sentences to get a weight.
    min_count: int = 2
    #: Weights smaller than this are left out of the file; they barely move a score.
    prune: float = 0.005
    #: How multi-sentence items are learnt: "item" reads them whole; "last" reads the
    #: last sentence with the one before it as context.
    unit: str = "item"
    features: FeatureSettings = field(default_factory=lambda: FeatureSettings(chars=True))


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled sentence as the model reads it."""

    words: tuple[str, ...]
    text: str
    previous: tuple[tuple[str, ...], str] | None
    labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class Row:
    """One corpus item: where it came from, its text and gold labels."""

    file: str
    line: int
    writer: str
    text: str
    labels: frozenset[str]


def read_rows(corpus: Path = CORPUS, files: Sequence[str] = TUNING_FILES) -> list[Row]:
    """Read the labelled items of the tuning files (clean-business items are clean)."""
    rows: list[Row] = []
    for name in files:
        path = corpus / name
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                data = json.loads(line)
                labels = frozenset(data.get("labels", []))
                writer = str(data.get("writer", ""))
                rows.append(Row(name, n, writer, str(data["text"]), labels))
    return rows


def sentences_of(text: str) -> list[tuple[tuple[str, ...], str, bool]]:
    """Split a text the way the pipeline does; each sentence's words, text, and
    whether the model scores it."""
    from mailcoach.nlp.classifier import sentence_words
    from mailcoach.rules.compile import model_sentences

    doc = _make_doc(text)
    scored = {visible[0].i for visible, *_ in model_sentences(doc)}
    out = []
    for sent in doc.sents:
        visible = [t for t in sent if not t.is_space]
        if visible:
            out.append((tuple(sentence_words(visible)), sent.text.strip(), visible[0].i in scored))
    return out


_DOC_MAKER: list[object] = []


def _make_doc(text: str):  # type: ignore[no-untyped-def]
    import spacy

    from mailcoach.nlp.sentences import set_sentence_starts
    from mailcoach.text import normalize

    if not _DOC_MAKER:
        _DOC_MAKER.append(spacy.blank("en").make_doc)
    return set_sentence_starts(_DOC_MAKER[0](normalize(text)))  # type: ignore[operator]


def examples_of(rows: Iterable[Row], unit: str) -> list[Example]:
    """Turn corpus items into training examples (see ``Options.unit``)."""
    out = []
    for row in rows:
        sents = sentences_of(row.text)
        if not sents:
            continue
        if unit == "last" and len(sents) > 1:
            words, text, _ = sents[-1]
            prev = (sents[-2][0], sents[-2][1])
            out.append(Example(words, text, prev, row.labels))
        else:
            words = tuple(w for s in sents for w in s[0])
            out.append(Example(words, row.text, None, row.labels))
    return out


def fit(
    examples: Sequence[Example],
    options: Options = Options(),
    categories: Sequence[str] = CATEGORIES,
) -> Classifier:
    """Fit one converged logistic regression per category; return the classifier."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    found = [features(e.words, e.text, e.previous, options.features) for e in examples]
    seen = Counter(f for fs in found for f in fs)
    vocabulary = sorted(f for f, n in seen.items() if n >= options.min_count)
    index = {f: i for i, f in enumerate(vocabulary)}
    data, cols, ptr = [], [], [0]
    for fs in found:
        scale = 1.0 / math.sqrt(len(fs) or 1)  # unseen features count, as at run time
        kept = sorted(index[f] for f in fs if f in index)
        cols.extend(kept)
        data.extend([scale] * len(kept))
        ptr.append(len(cols))
    x = csr_matrix(
        (np.array(data), np.array(cols, dtype=np.int64), np.array(ptr)),
        shape=(len(found), len(vocabulary)),
    )
    weights = np.zeros((len(vocabulary), len(categories)))
    bias = []
    for j, category in enumerate(categories):
        y = np.array([category in e.labels for e in examples], dtype=np.int64)
        if y.min() == y.max():  # nothing (or everything) to learn: a constant score
            bias.append(10.0 if y.max() else -10.0)
            continue
        model = LogisticRegression(
            C=options.c,
            class_weight=options.class_weight or None,
            solver="newton-cg",  # converges in a few steps here; lbfgs takes minutes
            max_iter=1000,
            tol=1e-6,
        )
        model.fit(x, y)
        weights[:, j] = model.coef_[0]
        bias.append(float(model.intercept_[0]))
    kept_rows = {
        f: tuple(float(v) for v in weights[i])
        for f, i in index.items()
        if np.abs(weights[i]).max() >= options.prune
    }
    return Classifier(tuple(categories), tuple(bias), kept_rows, options.features)


def provenance(
    counts: dict[str, int], options: Options, date: str, tool: str = "tools/train_model.py"
) -> dict[str, object]:
    """Return where a weights file came from: command, data, date, library versions."""
    import numpy
    import scipy
    import sklearn

    return {
        "command": f"python {tool}" + (f" --date {date}" if date else ""),
        "trained_on": counts,
        "date": date,
        "settings": {
            "c": options.c,
            "class_weight": options.class_weight,
            "min_count": options.min_count,
            "prune": options.prune,
            "unit": options.unit,
        },
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__,
            "scipy": scipy.__version__,
        },
    }


def train_text(corpus: Path = CORPUS, date: str = "", options: Options = Options()) -> str:
    """Return the weights file's text trained on ``corpus``'s tuning files."""
    rows = read_rows(corpus)
    counts = dict(sorted(Counter(r.file for r in rows).items()))
    model = fit(examples_of(rows, options.unit), options)
    return model.to_text(provenance(counts, options, date))


def main(argv: Sequence[str] | None = None) -> None:
    """Train on the tuning files and write the weights file."""
    parser = argparse.ArgumentParser(
        prog="python tools/train_model.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--date",
        help="the date to record (YYYY-MM-DD); default: the date in the current output file",
    )
    args = parser.parse_args(argv)
    date = args.date if args.date is not None else recorded_date(args.output)
    write_weights(args.output, train_text(args.corpus, date))


def recorded_date(path: Path) -> str:
    """Return the training date a weights file records ("" if there is none)."""
    return str(read_header(path).get("provenance", {}).get("date", "")) if path.exists() else ""


def write_weights(path: Path, text: str) -> None:
    """Write a weights file and say what was written."""
    import hashlib

    path.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    print(f"{path}: {text.count(chr(10)) - 2} features, sha256 {digest}")


if __name__ == "__main__":
    main()
