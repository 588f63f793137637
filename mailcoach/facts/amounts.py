"""Amounts of money as written: a number with a currency symbol, code or word, normalised."""

from __future__ import annotations

import re

from mailcoach.facts.patterns import (
    AMOUNT_CODE_FIRST,
    AMOUNT_SYMBOL_FIRST,
    AMOUNT_UNIT_AFTER,
    CURRENCY_CODES,
    DOLLAR_PREFIXES,
    EUROPEAN_NUMBER,
    LOCAL_UNITS,
    SPACE_GROUP,
)
from mailcoach.facts.spans import triple_span, unique, without_overlaps


def find_amounts(text: str) -> tuple[str, ...]:
    """Return the money amounts in ``text``, normalised, deduplicated, in order.

    Args:
        text: plain text (curly quotes already made straight).

    Returns:
        Amounts such as ``"$8,450.00"``, ``"€1,200.50"`` or ``"USD 8,450"``.
    """
    return unique(value for _, _, value in amount_spans(text))


def amount_spans(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, normalised amount) for each amount, in order, no overlaps."""
    found: list[tuple[int, int, str]] = []
    for match in AMOUNT_SYMBOL_FIRST.finditer(text):
        found.append((match.start(), match.end(), _format_amount(match, match["sym"])))
    for match in AMOUNT_CODE_FIRST.finditer(text):
        found.append((match.start(), match.end(), _format_amount(match, match["code"])))
    for match in AMOUNT_UNIT_AFTER.finditer(text):
        unit = match["sym"] or match["code"] or _word_symbol(match["name"])
        found.append((match.start(), match.end(), _format_amount(match, unit)))
    return without_overlaps(found, triple_span)


def _word_symbol(word: str) -> str:
    """Return the unit for a currency written as a word after the figure.

    Args:
        word: "dollars", "euros", "rupees" ..., in any case.

    Returns:
        ``"$"`` or ``"€"`` for dollars and euros; other words as themselves, lower case.
    """
    return {"dollars": "$", "euros": "€"}.get(word.lower(), word.lower())


def _format_amount(match: re.Match[str], unit: str) -> str:
    """Return the normalised text of one amount match.

    Args:
        match: a match of one of the amount patterns (groups num, big, word).
        unit: the symbol, dollar prefix, ISO code, local abbreviation ("Rs") or
            currency word found with the number.

    Returns:
        ``"<symbol><number>"`` for symbols, ``"<CODE> <number>"`` for codes and local
        abbreviations, ``"<number> <word>"`` for currency words other than dollars and
        euros.
    """
    number = _format_number(match["num"])
    if match["big"]:
        number += match["big"]
    elif match["word"]:
        number += " " + match["word"]
    code = dict(DOLLAR_PREFIXES).get(unit, unit.rstrip("."))
    if code in CURRENCY_CODES or code in LOCAL_UNITS:
        return f"{code} {number}"
    if code.isalpha():  # a currency word after the figure: "45,000 rupees"
        return f"{number} {code}"
    return f"{code}{number}"


def _format_number(raw: str) -> str:
    """Return a money figure with comma grouping and its decimals as written.

    Args:
        raw: the figure as matched ("8450", "8,450.00", "1.200,50", "12,50", "3 150,00").

    Returns:
        The figure in US notation: "8,450", "8,450.00", "1,200.50", "12.50".
    """
    spaced = re.sub(SPACE_GROUP, "", raw)
    if spaced != raw:  # "3 150,00", "1'250.00"
        whole, _, decimals = spaced.replace(",", ".").partition(".")
    elif EUROPEAN_NUMBER.fullmatch(raw) is not None:
        whole, _, decimals = raw.replace(".", "").partition(",")
    else:
        whole, _, decimals = raw.replace(",", "").partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{decimals}" if decimals else grouped
