"""Helpers shared by the fact finders: overlapping matches and de-duplication."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

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
