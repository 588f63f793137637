"""Invoice, order and other references.

An identifier after a reference word, or a self-describing token (``INV-2026-0042``).
"""

from __future__ import annotations

from mailcoach.facts.patterns import (
    DATE_ISO,
    DATE_NUMERIC,
    INVOICE_KEYWORD,
    INVOICE_LIST_ITEM,
    INVOICE_TOKEN,
    QUANTITY_AFTER,
    QUANTITY_WORDS,
    YEAR_ONLY,
)
from mailcoach.facts.spans import unique


def find_invoices(text: str) -> tuple[str, ...]:
    """Return invoice, order, ticket and reference identifiers in ``text``.

    Args:
        text: plain text.

    Returns:
        The identifiers only ("10442", "INV-2026-0042"), deduplicated, in order of
        first appearance.
    """
    return unique(text[start:end] for _, start, end in reference_spans(text))


def reference_spans(text: str) -> list[tuple[int, int, int]]:
    """Return (start, id start, id end) for each reference, in order of the id.

    ``start`` is where the reference word begins ("invoice 10442" starts at "i");
    for the later items of a list ("10442, 10447") and for self-describing tokens
    ("INV-2026-0042") it is the id's own start.
    """
    found: list[tuple[int, int, int]] = []
    for match in INVOICE_KEYWORD.finditer(text):
        if not _is_identifier(text, match["id"], match.end("id"), marked=bool(match["mark"])):
            continue
        found.append((match.start(), match.start("id"), match.end("id")))
        position = match.end()
        while (item := INVOICE_LIST_ITEM.match(text, position)) is not None:
            if not _is_identifier(text, item["id"], item.end("id"), marked=bool(item["mark"])):
                break
            found.append((item.start("id"), item.start("id"), item.end("id")))
            position = item.end()
    for match in INVOICE_TOKEN.finditer(text):
        found.append((match.start("id"), match.start("id"), match.end("id")))
    found.sort(key=lambda triple: triple[1])
    return found


def _is_identifier(text: str, candidate: str, end: int, *, marked: bool) -> bool:
    """Return whether a token after a reference word is really an identifier.

    Args:
        text: the whole text.
        candidate: the token ("10442", "2026", "3").
        end: where the token ends in ``text``.
        marked: whether ``#`` or ``No.`` stood before it.

    Returns:
        False for quantities ("order 300 units"), years, dates and, unless marked,
        bare numbers shorter than three digits.
    """
    if is_quantity_next(text, end):
        return False
    if _is_date_shaped(candidate):
        return False
    if not marked and candidate.isdigit():
        return len(candidate) >= 3 and YEAR_ONLY.fullmatch(candidate) is None
    return True


def is_quantity_next(text: str, end: int) -> bool:
    """Return whether a number ending at ``end`` is followed by a unit or ``%``.

    Args:
        text: the whole text.
        end: where the number ends.

    Returns:
        True for "300 units", "3 pallets", "15 %".
    """
    after = QUANTITY_AFTER.match(text, end)
    if after is None:
        return False
    return after["word"] is None or after["word"].lower() in QUANTITY_WORDS


def _is_date_shaped(token: str) -> bool:
    """Return whether ``token`` reads as a numeric or ISO date.

    Args:
        token: a candidate identifier.

    Returns:
        True for "2026-10-15", "15/10/2026" and the like.
    """
    return any(p.fullmatch(token) is not None for p in (DATE_ISO, DATE_NUMERIC))
