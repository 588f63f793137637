"""How many days overdue a draft says something is ("49 days past due", "overdue by 2 months")."""

from __future__ import annotations

from mailcoach.facts.patterns import (
    OVERDUE_COUNT_FIRST,
    OVERDUE_STATE_FIRST,
    TENS,
    UNIT_DAYS,
    UNITS,
)
from mailcoach.facts.spans import lowered_for, matches


def find_days_overdue(text: str) -> int | None:
    """Return the largest number of days overdue mentioned in ``text``.

    A week counts 7 days, a month 30 and a year 365.

    Args:
        text: plain text.

    Returns:
        The days, or None if no overdue period is mentioned.
    """
    lowered = lowered_for(text)
    days = [
        count_value(m["n"]) * unit_days(m["unit"].lower().split()[-1])
        for pattern in (OVERDUE_COUNT_FIRST, OVERDUE_STATE_FIRST)
        for m in matches(pattern, text, lowered)
    ]
    return max(days, default=None)


def count_value(raw: str) -> int:
    """Return the value of a count in digits or words.

    Args:
        raw: "45", "three", "forty-five", "a", "a couple of".

    Returns:
        The number.
    """
    words = raw.lower().replace("-", " ").split()
    if words[0].isdigit():
        return int(words[0])
    if "couple" in words:
        return 2
    if words[0] in ("a", "an"):
        return 1
    total = 0
    for word in words:
        if word in TENS:
            total += 10 * (TENS.index(word) + 2)
        elif word in UNITS:
            total += UNITS.index(word) + 1
    return total


def unit_days(unit: str) -> int:
    """Return the days in a duration unit.

    Args:
        unit: "day(s)", "week(s)", "fortnight(s)", "month(s)" or "year(s)".

    Returns:
        1, 7, 14, 30 or 365.
    """
    return dict(UNIT_DAYS)[unit.rstrip("s")]
