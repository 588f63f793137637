"""Dates, the one date detector: month-name, ISO, numeric and relative dates.

A date without a year, or a relative one, is resolved against ``today``.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterator

from mailcoach.facts.overdue import count_value, unit_days
from mailcoach.facts.patterns import (
    DATE_AGO,
    DATE_DAY_MONTH,
    DATE_ISO,
    DATE_MONTH_DAY,
    DATE_MONTH_END,
    DATE_NEAR_DAY,
    DATE_NUMERIC,
    DATE_OFFSET,
    DATE_PERIOD_END,
    DATE_WEEKDAY,
    MONTH_NUMBERS,
    TOMORROW_FORMS,
    WEEKDAY_SHORT,
    WEEKDAY_STEMS,
)
from mailcoach.facts.references import is_quantity_next
from mailcoach.facts.spans import lowered_for, matches, triple_span, unique, without_overlaps
from mailcoach.text import normalize


def find_dates(text: str, *, today: datetime.date) -> tuple[str, ...]:
    """Return the dates in ``text`` as ISO strings, resolved against ``today``.

    Args:
        text: plain text.
        today: the reference date for relative dates and for dates without a year.

    Returns:
        "YYYY-MM-DD" strings, deduplicated, in order of appearance.
    """
    return unique(value for _, _, value in date_spans(text, today))


def has_date(text: str, *, today: datetime.date | None = None) -> bool:
    """Tell whether ``text`` names at least one valid date (stops at the first)."""
    ref = today if today is not None else datetime.date.today()
    return any(value is not None for _, _, value in _date_matches(normalize(text), ref))


def date_spans(text: str, today: datetime.date) -> list[tuple[int, int, str]]:
    """Return (start, end, ISO date) for each valid date, in order, no overlaps."""
    found = [
        (start, end, value.isoformat())
        for start, end, value in _date_matches(text, today)
        if value is not None
    ]
    return without_overlaps(found, triple_span)


def _date_matches(
    text: str, today: datetime.date
) -> Iterator[tuple[int, int, datetime.date | None]]:
    """Yield every date-like match with its resolved date (None if invalid).

    Args:
        text: plain text.
        today: the reference date.

    Returns:
        An iterator of (start, end, date or None).
    """
    lowered = lowered_for(text)
    for match in matches(DATE_MONTH_DAY, text, lowered):
        if match["year"] is None and is_quantity_next(text, match.end()):
            continue  # "May 3 pallets"
        yield match.start(), match.end(), _calendar_date(match, today)
    for match in matches(DATE_DAY_MONTH, text, lowered):
        yield match.start(), match.end(), _calendar_date(match, today)
    for match in matches(DATE_ISO, text, lowered):
        yield (
            match.start(),
            match.end(),
            _safe_date(int(match["year"]), int(match["month"]), int(match["day"])),
        )
    for match in matches(DATE_NUMERIC, text, lowered):
        yield match.start(), match.end(), _numeric_date(match)
    for match in matches(DATE_NEAR_DAY, text, lowered):
        yield match.start(), match.end(), _near_day(match, today)
    for match in matches(DATE_WEEKDAY, text, lowered):
        yield match.start(), match.end(), _weekday_date(match, today)
    for match in matches(DATE_PERIOD_END, text, lowered):
        yield match.start(), match.end(), _period_end(match, today)
    for match in matches(DATE_MONTH_END, text, lowered):
        yield match.start(), match.end(), _month_end(match, today)
    for match in matches(DATE_OFFSET, text, lowered):
        yield match.start(), match.end(), _offset_date(match, today, sign=1)
    for match in matches(DATE_AGO, text, lowered):
        yield match.start(), match.end(), _offset_date(match, today, sign=-1)


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    """Return the date, or None if it does not exist (31 June).

    Args:
        year: the year.
        month: the month, 1–12.
        day: the day of the month.

    Returns:
        The date, or None.
    """
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _month_number(name: str) -> int:
    """Return the month number of a month name or abbreviation.

    Args:
        name: "Oct", "October", "Sept." …

    Returns:
        1–12.
    """
    return dict(MONTH_NUMBERS)[name[:3].lower()]


def _nearest_year(month: int, day: int, today: datetime.date) -> datetime.date | None:
    """Return the date with this month and day nearest to ``today``.

    Args:
        month: 1–12.
        day: day of the month.
        today: the reference date.

    Returns:
        The candidate in last, this or next year closest to ``today`` (the later
        one on a tie), or None if the day exists in none of them.
    """
    candidates = [
        d for y in (today.year - 1, today.year, today.year + 1)
        if (d := _safe_date(y, month, day)) is not None
    ]  # fmt: skip
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - today).days), -d.toordinal()))


def _calendar_date(match: re.Match[str], today: datetime.date) -> datetime.date | None:
    """Resolve a month-name date match (groups mon, day, year).

    Args:
        match: a match of ``DATE_MONTH_DAY`` or ``DATE_DAY_MONTH``.
        today: the reference date for a date without a year.

    Returns:
        The date, or None if it does not exist.
    """
    month = _month_number(match["mon"])
    day = int(match["day"])
    if match["year"]:
        return _safe_date(int(match["year"]), month, day)
    return _nearest_year(month, day, today)


def _numeric_date(match: re.Match[str]) -> datetime.date | None:
    """Resolve ``a/b/yyyy``: day first unless only the second number can be a day.

    Args:
        match: a match of ``DATE_NUMERIC`` (groups a, b, year).

    Returns:
        The date, or None if it does not exist.
    """
    a, b = int(match["a"]), int(match["b"])
    year = int(match["year"])
    if year < 100:
        year += 2000
    if a <= 12 < b:
        return _safe_date(year, a, b)
    return _safe_date(year, b, a)


def _near_day(match: re.Match[str], today: datetime.date) -> datetime.date:
    """Resolve yesterday, today, tomorrow and the day before/after them.

    Args:
        match: a match of ``DATE_NEAR_DAY``.
        today: the reference date.

    Returns:
        The date.
    """
    word = (match["far"] or match["near"]).lower().split()[-1]
    if word in ("today", "tonight"):
        return today
    step = 1 if word in TOMORROW_FORMS else -1
    return today + datetime.timedelta(days=step * (2 if match["far"] else 1))


def _weekday_date(match: re.Match[str], today: datetime.date) -> datetime.date:
    """Resolve "last Friday", "next Monday", "this Tuesday", "by Friday".

    "last"/"past" is the latest such day before today; "this" is the next one from
    today on; "next", "coming", "by", "before", "until" the first one after today.

    Args:
        match: a match of ``DATE_WEEKDAY`` (groups mod, wd).
        today: the reference date.

    Returns:
        The date.
    """
    if match["wd"]:
        weekday = WEEKDAY_STEMS.index(match["wd"].lower())
    else:  # a short name: "wed", "thurs"
        short = match["short"].lower()
        weekday = next(i for i, p in enumerate(WEEKDAY_SHORT) if re.fullmatch(p, short))
    modifier = " ".join(match["mod"].lower().split())
    if modifier in ("last", "past", "this past"):
        back = (today.weekday() - weekday) % 7 or 7
        return today - datetime.timedelta(days=back)
    ahead = (weekday - today.weekday()) % 7
    if modifier != "this":
        ahead = ahead or 7
    return today + datetime.timedelta(days=ahead)


def _period_end(match: re.Match[str], today: datetime.date) -> datetime.date:
    """Resolve "end of the week/month/quarter/year" (this, next or last one).

    A week ends on its Friday; said on a weekend, "the end of the week" is the
    coming Friday.

    Args:
        match: a match of ``DATE_PERIOD_END`` (groups which, unit).
        today: the reference date.

    Returns:
        The last day of the period.
    """
    which = (match["which"] or "").lower().split()
    shift = 1 if ("next" in which or "following" in which) else -1 if "last" in which else 0
    unit = match["unit"].lower()
    if unit == "week":
        friday = today + datetime.timedelta(days=4 - today.weekday())
        if shift == 0 and today.weekday() > 4:
            shift = 1
        return friday + datetime.timedelta(weeks=shift)
    if unit == "year":
        return datetime.date(today.year + shift, 12, 31)
    months = 3 if unit == "quarter" else 1
    last_month = ((today.month - 1) // months + 1) * months
    year, month = divmod(today.year * 12 + last_month - 1 + shift * months, 12)
    return _last_day(year, month + 1)


def _month_end(match: re.Match[str], today: datetime.date) -> datetime.date:
    """Resolve "end of October" to the month's last day, nearest year if none given.

    Args:
        match: a match of ``DATE_MONTH_END`` (groups mon, year).
        today: the reference date.

    Returns:
        The last day of that month.
    """
    month = _month_number(match["mon"])
    if match["year"]:
        return _last_day(int(match["year"]), month)
    candidates = [_last_day(y, month) for y in (today.year - 1, today.year, today.year + 1)]
    return min(candidates, key=lambda d: (abs((d - today).days), -d.toordinal()))


def _last_day(year: int, month: int) -> datetime.date:
    """Return the last day of a month.

    Args:
        year: the year.
        month: 1–12.

    Returns:
        The date of the month's last day.
    """
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _offset_date(match: re.Match[str], today: datetime.date, *, sign: int) -> datetime.date:
    """Resolve "in two weeks", "within 10 business days", "3 days ago".

    Args:
        match: a match of ``DATE_OFFSET`` or ``DATE_AGO`` (groups n, unit).
        today: the reference date.
        sign: 1 for the future, -1 for the past.

    Returns:
        The date; months move the calendar month (clamped to its last day) and
        business days skip Saturdays and Sundays.
    """
    count = count_value(match["n"])
    unit = match["unit"].lower()
    if unit.startswith(("business", "working")):
        day = today
        for _ in range(count):
            day += datetime.timedelta(days=sign)
            while day.weekday() > 4:
                day += datetime.timedelta(days=sign)
        return day
    if unit.startswith("month"):
        year, month = divmod(today.year * 12 + today.month - 1 + sign * count, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return datetime.date(year, month + 1, min(today.day, last))
    return today + datetime.timedelta(days=sign * count * unit_days(unit))
