"""The evaluation corpus and the accuracy bar on its held-out split."""

from __future__ import annotations

import os

import pytest

from tools.evaluate import Evaluation, evaluate, load_corpus

from .conftest import CORPUS

#: The bar from the issue: on the held-out split, macro-F1 at least this ...
MIN_MACRO_F1 = 0.85
#: ... and at most this share of clean items flagged.
MAX_FALSE_POSITIVE_RATE = 0.05


@pytest.fixture(scope="module")
def test_split() -> Evaluation:
    return evaluate(load_corpus(CORPUS, "test"), split="test")


def test_corpus_size_and_balance() -> None:
    items = load_corpus(CORPUS, "all")
    sentences = [i for i in items if i.text is not None]
    emails = [i for i in items if i.path is not None]
    assert len(sentences) >= 400 and len(emails) >= 30
    assert sum(1 for i in items if not i.gold) / len(items) >= 0.40
    assert all(i.path.is_file() for i in emails)  # type: ignore[union-attr]


def test_held_out_macro_f1(test_split: Evaluation) -> None:
    per_category = {s.category: round(s.f1, 2) for s in test_split.scores}
    assert test_split.macro_f1 >= MIN_MACRO_F1, per_category


#: A sealed split of outside writers, in aggregate only (sentences): today's figures
#: (7 December 2026, end of day: macro-F1 0.915, clean FPR 2.5%) minus a small margin.
SEALED_SPLIT = "test3"
MIN_SEALED_F1 = 0.89
MAX_SEALED_FPR = 0.04


def test_sealed_outside_writers_in_aggregate() -> None:
    items = [i for i in load_corpus(CORPUS, SEALED_SPLIT) if i.text is not None]
    result = evaluate(items, split=SEALED_SPLIT)
    # Aggregates only: the items of a sealed split are never shown.
    assert result.macro_f1 >= MIN_SEALED_F1, round(result.macro_f1, 3)
    assert result.false_positive_rate <= MAX_SEALED_FPR, round(result.false_positive_rate, 3)


def test_held_out_false_positive_rate(test_split: Evaluation) -> None:
    # Counts only: printing the flagged items would show held-out text to whoever
    # reads the failure, and held-out items must never guide rule changes.
    flagged = sum(1 for o in test_split.outcomes if not o.item.gold and o.predicted)
    assert test_split.false_positive_rate <= MAX_FALSE_POSITIVE_RATE, f"{flagged} clean flagged"


#: Ordinary calm business sentences (tests/corpus/clean-business.jsonl), written blind
#: to the rules: at most this share may get a warning- or error-level finding.
MAX_CLEAN_BUSINESS_FLAGGED = 0.02


def test_calm_business_email_is_left_alone() -> None:
    import json

    from mailcoach import check_many
    from mailcoach.inputs import parse_text
    from mailcoach.model import Severity

    lines = (CORPUS / "clean-business.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    assert len(rows) >= 400
    reports = check_many(parse_text(row["text"]) for row in rows)
    flagged = [
        (row["text"], [f.rule_id for f in report.findings])
        for row, report in zip(rows, reports, strict=True)
        if report.count(Severity.WARNING)
    ]
    assert len(flagged) / len(rows) <= MAX_CLEAN_BUSINESS_FLAGGED, flagged


#: Leave-one-writer-out scores of rules + model over the tuning material
#: (tools/yardstick.py with the shipped settings and thresholds): today's figures
#: minus a small margin. The rules are in-sample on the splits they were written
#: from; the model is out of fold everywhere, the in-context model (trained on the
#: rewrite drafts, other writers) out of sample.
MIN_OUT_OF_FOLD_F1 = 0.86  # 0.868 on 7 December 2026 (fifth session), with dev12-dev25 (14
MIN_OUT_OF_FOLD_RECALL = 0.86  # 0.874      outside writers, rules out of sample there);
MAX_OUT_OF_FOLD_FPR = 0.03  # 0.028         0.870 / 0.866 / 0.026 without the in-context model


@pytest.mark.skipif(
    os.environ.get("CI") != "true", reason="trains the model once per writer (minutes); CI=true"
)
def test_out_of_fold_scores_across_writers() -> None:
    from tools.train_model import Options, read_rows
    from tools.yardstick import (
        build_items,
        cross_validate,
        linear_scorer,
        score,
        shipped_context,
        shipped_thresholds,
    )

    items = build_items(read_rows())
    cross_validate(items, linear_scorer(Options()))
    result = score(items, "rules+model", shipped_thresholds(), shipped_context())
    assert result.macro_f1 >= MIN_OUT_OF_FOLD_F1, result.line()
    assert result.any_recall >= MIN_OUT_OF_FOLD_RECALL, result.line()
    assert result.clean_fpr <= MAX_OUT_OF_FOLD_FPR, result.line()
