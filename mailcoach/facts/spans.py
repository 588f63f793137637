"""Helpers shared by the fact finders: overlapping matches, de-duplication, and
skipping a pattern whose required text a draft lacks."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from mailcoach.facts.needs import CASE_ODD, need_test, required_text

_Spanned = TypeVar("_Spanned")


def triple_span(match: tuple[int, int, str]) -> tuple[int, int]:
    return match[0], match[1]


def without_overlaps(
    found: Iterable[_Spanned], span: Callable[[_Spanned], tuple[int, int]]
) -> list[_Spanned]:
    """Return the matches that do not overlap an earlier (or longer) one.

    Args:
        found: matches in any order.
        span: where a match lies, (start, end).

    Returns:
        The kept matches, ordered by start; at one start the longest wins.
    """
    kept: list[_Spanned] = []
    last_end = -1
    for item in sorted(found, key=lambda t: (span(t)[0], span(t)[0] - span(t)[1])):
        start, end = span(item)
        if kept and start < last_end:
            continue
        kept.append(item)
        last_end = end
    return kept


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Return ``values`` without repeats, in order of first appearance.

    Args:
        values: strings.

    Returns:
        A tuple of the distinct values.
    """
    return tuple(dict.fromkeys(values))


@functools.lru_cache(maxsize=1024)
def _needs(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """Return a test of what every match of ``pattern`` contains, on lower-cased
    text (read once).

    Nothing is known of a verbose pattern (its whitespace and comments would be read
    as text).
    """
    if pattern.flags & re.VERBOSE:
        return need_test(None)
    return need_test(required_text(pattern.pattern))


def lowered_for(text: str) -> str | None:
    """Return ``text`` lower-cased for :func:`may_match`, or None if that is no guide.

    Beside the ASCII letters, a few characters match a letter under IGNORECASE
    (the Kelvin sign a "k"); in their presence lower-casing proves nothing.
    """
    return None if CASE_ODD.intersection(text) else text.lower()


def gate_of(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """Return :func:`may_match`'s test of ``pattern`` on lower-cased text, to ask many
    texts without looking it up each time (a compiled pattern hashes its whole code)."""
    return _needs(pattern)


def may_match(pattern: re.Pattern[str], lowered: str | None) -> bool:
    """Tell whether ``pattern`` could match the text that ``lowered`` came from.

    False only when the text lacks what every match contains (read from the parsed
    regex): then ``finditer`` would find nothing, and need not scan the text.
    """
    if lowered is None:
        return True
    return _needs(pattern)(lowered)


def matches(pattern: re.Pattern[str], text: str, lowered: str | None) -> Iterator[re.Match[str]]:
    """Return ``pattern.finditer(text)``, or nothing at all when ``may_match`` says the
    text lacks what every match contains (``lowered`` is ``lowered_for(text)``)."""
    return pattern.finditer(text) if may_match(pattern, lowered) else iter(())
