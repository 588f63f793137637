"""Per-category scores of a labelled set: the arithmetic the evaluation tools share.

Standard library only, so that tools which run outside the project's venv (the
encoder bake-off and the second-opinion report) use the same sums as the
yardstick. ``CATEGORIES`` is the order reports use; ``tests/test_train_model.py``
checks it against ``mailcoach.model.Category``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

CATEGORIES = (
    "inflammatory",
    "blaming",
    "sarcastic",
    "passive_aggressive",
    "threatening",
    "liability",
)

Pair = tuple[Collection[str], Collection[str]]


def per_category(pairs: Sequence[Pair]) -> dict[str, tuple[float, float, float, int]]:
    """Return precision, recall, F1 and support for each category.

    ``pairs`` holds, per item, the labelled categories and the predicted ones.
    """
    per = {}
    for c in CATEGORIES:
        tp = sum(1 for gold, found in pairs if c in gold and c in found)
        fp = sum(1 for gold, found in pairs if c not in gold and c in found)
        fn = sum(1 for gold, found in pairs if c in gold and c not in found)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        per[c] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, tp + fn)
    return per
