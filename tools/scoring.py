"""Per-category scores of a labelled set: the arithmetic the evaluation tools share.

Standard library only, so that tools which run outside the project's venv (the
encoder bake-off and the second-opinion report) use the same sums as the
yardstick. ``CATEGORIES`` is the order reports use; ``tests/test_train_model.py``
checks it against ``mailcoach.model.Category``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

CATEGORIES = (
    "inflammatory",
    "blaming",
    "sarcastic",
    "passive_aggressive",
    "threatening",
    "liability",
)

Pair = tuple[Collection[str], Collection[str]]
#: The thresholds a search tries for each category: 0.10 to 0.90 in steps of 0.05.
GRID = tuple(round(0.1 + 0.05 * i, 2) for i in range(17))


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


def search_thresholds(
    goodness: Callable[[dict[str, float]], tuple[bool, float]],
) -> dict[str, float]:
    """Return one threshold per category, chosen a category at a time over two passes:
    the GRID value whose thresholds ``goodness`` rates best (it returns whether they
    keep within the false-positive budget, then the score to raise)."""
    thresholds = dict.fromkeys(CATEGORIES, 0.5)
    for _ in range(2):
        for c in CATEGORIES:

            def rating(t: float, c: str = c) -> tuple[bool, float]:
                return goodness({**thresholds, c: t})

            thresholds[c] = max(GRID, key=rating)  # the first of the best, as max gives it
    return thresholds
