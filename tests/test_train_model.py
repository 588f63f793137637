"""The training tool (tools/train_model.py): scikit-learn, converged, reproducible."""

from __future__ import annotations

import hashlib
import os

import pytest

pytest.importorskip("sklearn")

from mailcoach.nlp.classifier import WEIGHTS_FILE
from mailcoach.resources import lexicon_dir
from mailcoach.weights import read_header
from tools.train_model import TUNING_FILES, Example, Options, fit, train_text

SHIPPED = lexicon_dir() / WEIGHTS_FILE


def _examples(rows: list[tuple[str, list[str]]]) -> list[Example]:
    return [Example(tuple(text.split()), text, None, frozenset(labels)) for text, labels in rows]


def test_a_feature_seen_in_one_sentence_gets_no_weight() -> None:
    model = fit(
        _examples(
            [
                ("you lot are useless", ["inflammatory"]),
                ("useless as ever you lot", ["inflammatory"]),
                ("thanks for the update", []),
                ("the update is attached", []),
            ]
        )
    )
    assert {"useless", "you lot", "update"} <= set(model.weights)
    assert not {"ever", "attached", "thanks"} & set(model.weights)


def test_training_learns_a_category_and_leaves_calm_text_alone() -> None:
    hostile = ["you lot are useless", "useless as ever , you lot", "you lot never listen"]
    calm = ["thanks for the update", "the invoice is attached", "see you on monday"]
    model = fit(_examples([(s, ["inflammatory"]) for s in hostile] + [(s, []) for s in calm]))
    score = model.probabilities
    assert score("honestly you lot are useless".split(), "")["inflammatory"] > 0.5
    assert score("the update is attached".split(), "")["inflammatory"] < 0.5
    assert score("you lot are useless".split(), "")["blaming"] < 0.5


def test_training_reads_no_test_split() -> None:
    assert all("test" not in name for name in TUNING_FILES)


@pytest.mark.skipif(
    os.environ.get("CI") != "true", reason="retrains the shipped model (slow); runs with CI=true"
)
def test_retraining_gives_the_shipped_weights_byte_for_byte() -> None:
    date = read_header(SHIPPED)["provenance"]["date"]
    text = train_text(date=date, options=Options())
    shipped = SHIPPED.read_bytes()
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == hashlib.sha256(shipped).hexdigest()


def test_the_tools_score_the_categories_the_package_has() -> None:
    from mailcoach.model import Category
    from tools.scoring import CATEGORIES

    assert tuple(c.value for c in Category) == CATEGORIES
