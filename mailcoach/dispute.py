"""Find the facts of a dispute in a draft: amounts, references, dates, parties, type.

Everything here is pattern matching over the sender's own text; nothing needs the
spaCy pipeline. What is recognised, in short:

Amounts
    A number with a currency symbol ($ £ € ¥ ₹, before or after it), an ISO code
    (``USD 300``, ``300 EUR``), a prefixed dollar (``US$``, ``C$``, ``A$`` …) or
    the words "dollars"/"euros". The integer part is regrouped with commas, the
    decimals are kept as written, and European numbers (``1.200,50 €``) are turned
    around: ``$8,450.00``, ``€1,200.50``, ``USD 8,450``, ``CAD 99``. A number
    without a currency is never an amount.

Invoices
    An identifier after a reference word (invoice, order, purchase order, PO,
    ticket, case, claim, RMA, credit note, reference/ref, booking), optionally with
    ``#``, ``No.``, ``number`` or ``ID`` in between, and lists of them ("invoices
    10442, 10447 and 10450"); also self-describing tokens such as ``INV-2026-0042``.
    A bare number needs three characters or more unless ``#``/``No.`` marks it, and
    years, dates and quantities ("order 300 units") are not identifiers.

Dates
    Month-name dates ("October 15", "15 Oct 2026", "the 15th of October"), ISO
    dates and numeric dates with a 4-digit year (``15/10/2026``; a 2-digit year only
    with slashes). For ``a/b/yyyy`` the day comes first unless only the second
    number can be a day (> 12), which makes it US month/day. A date without a year
    takes the year (last, this or next) that puts it nearest to ``today``.
    Relative dates: yesterday, tomorrow, "last/next/this/by <weekday>", "(by) the
    end of (the/this/next/last) week|month|quarter|year" (a week ends on Friday),
    "end of <Month>", "in/within N days|weeks|months|business days" and
    "N … ago". Month names must be capitalised, so "you may pay" is no date.

Days overdue
    "49 days past due", "45 days overdue", "3 weeks late", "overdue by 2 months",
    "outstanding for 60 days": a week is 7 days, a month 30, a year 365; the
    largest figure wins.

Counterpart
    The name after the greeting on the first line ("Hi Dana,", "Dear Mr. Okafor",
    "Hello Priya and team" → "Priya"), or a first line that is only a name and a
    comma or dash ("Dana —"); else the display name of the first ``to`` address.
    Group greetings ("Hi team", "Dear Sir or Madam") name nobody.

Type and roles
    Weighted cue words per dispute type and per pair of roles, kept as data in
    ``lexicons/disputes.yml`` (:mod:`mailcoach.facts.kind`).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.utils import getaddresses
from typing import Final, TypeVar

from mailcoach.facts.kind import DISPUTE_TYPES as DISPUTE_TYPES
from mailcoach.facts.kind import guess_roles, guess_type
from mailcoach.model import Dispute
from mailcoach.text import normalize

# --------------------------------------------------------------------------- vocabulary

#: ISO 4217 codes recognised next to a number (upper case only).
CURRENCY_CODES: Final[frozenset[str]] = frozenset(
    {
        "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "INR", "SEK", "NOK", "DKK",
        "PLN", "CZK", "HUF", "ZAR", "SGD", "HKD", "MXN", "BRL", "AED"
    }
)  # fmt: skip

#: Dollar prefixes that name a currency, normalised to its code.
DOLLAR_PREFIXES: Final[tuple[tuple[str, str], ...]] = (
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("AU$", "AUD"),
    ("A$", "AUD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("S$", "SGD"),
)

#: Words that, after "3 EUR", make the code a label ("3 EUR invoices"), not a price.
NOT_MONEY_AFTER: Final[frozenset[str]] = frozenset(
    {
        "invoices", "accounts", "payments", "transactions", "orders", "prices", "figures",
        "amounts", "bills", "entries", "customers", "clients", "suppliers"
    }
)  # fmt: skip

#: Words that, right after a number, make it a quantity rather than an identifier.
QUANTITY_WORDS: Final[frozenset[str]] = frozenset(
    {
        "pallet", "pallets", "unit", "units", "item", "items", "box", "boxes", "carton", "cartons",
        "case", "cases", "piece", "pieces", "pcs", "parcel", "parcels", "package", "packages",
        "crate", "crates", "copy", "copies", "licence", "licences", "license", "licenses", "seat",
        "seats", "user", "users", "hour", "hours", "hrs", "minute", "minutes", "day", "days",
        "week", "weeks", "month", "months", "year", "years", "time", "times", "people", "more",
        "extra", "additional", "x", "kg", "lbs", "tonnes", "tons", "percent", "pct"
    }
)  # fmt: skip

#: First words of a greeting that addresses a group or nobody in particular.
GENERIC_ADDRESSEES: Final[frozenset[str]] = frozenset(
    {
        "team", "all", "everyone", "everybody", "there", "folks", "guys", "sir", "sirs", "madam",
        "madame", "colleagues", "customer", "customers", "client", "clients", "friends", "partner",
        "partners", "accounts", "account", "billing", "support", "sales", "department", "office",
        "finance", "payables", "receivables", "whom", "hello", "hi"
    }
)  # fmt: skip

#: Capitalised words that can open a first line without being a name ("Update —").
NOT_NAMES: Final[frozenset[str]] = frozenset(
    {
        "thanks", "thank", "sorry", "please", "following", "regarding", "re", "fwd", "fw",
        "subject", "update", "note", "reminder", "important", "urgent", "quick", "just", "okay",
        "ok", "yes", "no", "well", "so", "again", "also", "unfortunately", "summary", "fyi",
        "invoice", "order", "hello", "hi", "hey", "dear", "greetings", "morning", "afternoon",
        "evening", "today", "tomorrow", "yesterday", "apologies", "first", "second", "finally", "i",
        "we", "our", "your", "my", "the", "this", "that", "it", "as", "per", "can", "could",
        "would", "hope", "good", "great"
    }
)  # fmt: skip

#: Greeting titles kept with the name ("Mr. Okafor").
TITLES: Final[frozenset[str]] = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof"})

_UNITS: Final[tuple[str, ...]] = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS: Final[tuple[str, ...]] = (
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_WEEKDAY_STEMS: Final[tuple[str, ...]] = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
_MONTH_NUMBERS: Final[tuple[tuple[str, int], ...]] = (
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
)  # fmt: skip
_UNIT_DAYS: Final[tuple[tuple[str, int], ...]] = (
    ("day", 1), ("week", 7), ("fortnight", 14), ("month", 30), ("year", 365),
)  # fmt: skip

# --------------------------------------------------------------------------- patterns

_NUMBER_WORD: Final = (
    r"(?:a\s+couple\s+of|couple\s+of|"
    rf"(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(_UNITS[:9])}))?|"
    rf"{'|'.join(sorted(_UNITS, key=len, reverse=True))}|an|a)"
)
#: A count written in digits or words ("3", "three", "forty-five", "a").
_COUNT: Final = rf"(?:\d{{1,3}}|(?i:{_NUMBER_WORD}))\b"

#: A money figure: US grouping, European grouping, comma decimals, or plain.
_MONEY: Final = (
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"
    r"|\d{1,3}(?:\.\d{3})+(?:,\d{2})?"
    r"|\d+,\d{2}"
    r"|\d+(?:\.\d{1,2})?)"
    r"(?!\d|[.,]\d)"
    r"(?:(?P<big>k|K|M|bn)\b|\s?(?P<word>million|billion|thousand)\b)?"
)
#: A figure written the European way: "1.200", "1.200,50", "12,50".
EUROPEAN_NUMBER: Final[re.Pattern[str]] = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?|\d+,\d{2}")
_SYMBOLS: Final = "$£€¥₹"
_CODES: Final = "|".join(sorted(CURRENCY_CODES))
_PREFIXES: Final = "|".join(re.escape(p) for p, _ in DOLLAR_PREFIXES)

AMOUNT_SYMBOL_FIRST: Final[re.Pattern[str]] = re.compile(
    rf"(?<![\w{_SYMBOLS}])(?P<sym>{_PREFIXES}|[{_SYMBOLS}])\s?{_MONEY}"
)
AMOUNT_CODE_FIRST: Final[re.Pattern[str]] = re.compile(rf"\b(?P<code>{_CODES})\s?{_MONEY}")
AMOUNT_UNIT_AFTER: Final[re.Pattern[str]] = re.compile(
    rf"(?<![\w.,{_SYMBOLS}]){_MONEY}\s?"
    rf"(?:(?P<sym>[{_SYMBOLS}])|(?P<code>{_CODES})\b|(?P<name>(?i:dollars|euros))\b)"
    rf"(?!\s?[\d{_SYMBOLS}])(?!\s(?i:{'|'.join(sorted(NOT_MONEY_AFTER))})\b)"
)

_GAP: Final = r"[^\S\n]{0,3}"  # bounded: a run of spaces must not make a pattern backtrack
_MARK: Final = (
    rf"(?P<mark>(?:\#|(?i:no|nos|nr|num|number|numbers|id)\b\.?:?(?:{_GAP}(?i:is|was)\b)?)"
    rf"{_GAP}\#?{_GAP})?"
)
_ID: Final = r"(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*(?![\w%]|[.,]\d)"
INVOICE_KEYWORD: Final[re.Pattern[str]] = re.compile(
    r"(?i:\b(?:invoices?|inv\.?|(?:purchase\s+)?orders?|P\.?O\.?s?|tickets?|(?<!\bin )cases?"
    r"|claims?|RMAs?|credit\s+notes?|ref(?:erence)?s?\.?|bookings?))(?![A-Za-z])"
    rf"{_GAP}(?::{_GAP})?{_MARK}(?P<id>{_ID})"
)
INVOICE_LIST_ITEM: Final[re.Pattern[str]] = re.compile(
    rf"(?:{_GAP},{_GAP}(?:(?:and|or|&)[^\S\n]{{1,3}})?|[^\S\n]{{1,3}}(?:and|or|&)[^\S\n]{{1,3}})"
    rf"(?P<mark>\#[^\S\n]?)?(?P<id>{_ID})"
)
INVOICE_TOKEN: Final[re.Pattern[str]] = re.compile(
    r"\b(?P<id>(?:INV|PO|ORD|TKT|RMA|CN|REF)-?\d+(?:-\d+)*)\b(?![.,]\d)"
)
_QUANTITY_AFTER: Final[re.Pattern[str]] = re.compile(r"[^\S\n]{0,3}(?:%|(?P<word>[A-Za-z]+)\b)")
_YEAR_ONLY: Final[re.Pattern[str]] = re.compile(r"(?:19|20)\d{2}")

_MONTH: Final = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_MONTH_AHEAD: Final = r"(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY: Final = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR: Final = r"(?P<year>(?:19|20)\d{2})\b"

DATE_MONTH_DAY: Final[re.Pattern[str]] = re.compile(
    rf"\b{_MONTH}[^\S\n]+(?:the[^\S\n]+)?{_DAY}(?:,?[^\S\n]+{_YEAR})?(?![:.]\d)"
)
DATE_DAY_MONTH: Final[re.Pattern[str]] = re.compile(
    rf"\b{_DAY}[^\S\n]+(?:of[^\S\n]+)?{_MONTH}(?:,?[^\S\n]+{_YEAR})?"
)
DATE_ISO: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w/.-])(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<month>1[0-2]|0?[1-9])(?P=sep)"
    r"(?P<day>3[01]|[12]\d|0?[1-9])(?![\w/-]|\.\d)"
)
DATE_NUMERIC: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)"
    r"(?P<year>(?:19|20)\d{2}|(?<=/)\d{2})(?![\w/-]|\.\d)"
)
DATE_NEAR_DAY: Final[re.Pattern[str]] = re.compile(
    r"(?i)\b(?:the\s+day\s+(?P<far>after\s+tomorrow|before\s+yesterday)"
    r"|(?P<near>yesterday|tomorrow))\b"
)
DATE_WEEKDAY: Final[re.Pattern[str]] = re.compile(
    r"(?i)\b(?P<mod>this\s+past|this\s+coming|last|past|next|coming|this|by|before|until|till"
    r"|no\s+later\s+than)\s+"
    rf"(?P<wd>{'|'.join(_WEEKDAY_STEMS)})day\b"
    rf"(?!\s+of\b)(?!,?\s+(?:the\s+)?(?:\d|{_MONTH_AHEAD}))"
)
DATE_PERIOD_END: Final[re.Pattern[str]] = re.compile(
    r"(?i)\bend\s+of\s+"
    r"(?:(?P<which>the\s+current|the\s+next|the\s+following|the|this|next|last)\s+)?"
    r"(?P<unit>week|month|quarter|year)\b(?!\s+\d)"
)
DATE_MONTH_END: Final[re.Pattern[str]] = re.compile(
    rf"(?i:\bend\s+of\s+)(?-i:{_MONTH})(?:,?[^\S\n]+{_YEAR})?"
)
DATE_OFFSET: Final[re.Pattern[str]] = re.compile(
    rf"(?i)\b(?:in|within)\s+(?:the\s+next\s+)?(?P<n>{_COUNT})\s+"
    r"(?P<unit>(?:business|working)\s+days?|days?|weeks?|fortnights?|months?)\b"
    r"(?:'?\s*time\b)?(?!\s+(?:of|from|after|before|since|following)\b)"
)
DATE_AGO: Final[re.Pattern[str]] = re.compile(
    rf"(?i)\b(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?|fortnights?|months?)\s+ago\b"
)

_OVERDUE_WORDS: Final = (
    r"past[\s-]+(?:the\s+)?due(?:\s+date)?|overdue|late|in\s+arrears|behind|outstanding|unpaid"
)
_DURATION_UNIT: Final = r"(?P<unit>(?:calendar\s+)?days?|weeks?|months?|years?)"
OVERDUE_COUNT_FIRST: Final[re.Pattern[str]] = re.compile(
    rf"(?i)\b(?P<n>{_COUNT})[\s-]+{_DURATION_UNIT}\s+(?:{_OVERDUE_WORDS})\b"
)
OVERDUE_STATE_FIRST: Final[re.Pattern[str]] = re.compile(
    rf"(?i)\b(?:{_OVERDUE_WORDS})\s+(?:by|for)\s+"
    r"(?:(?:over|more\s+than|nearly|almost|about|around|roughly|at\s+least|some)\s+)?"
    rf"(?P<n>{_COUNT})[\s-]+{_DURATION_UNIT}\b"
)

_NAME_WORD: Final = r"[^\W\d_][\w'-]*"
GREETING: Final[re.Pattern[str]] = re.compile(
    r"^[^\S\n]*(?i:hi|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening|day)"
    r"|morning|afternoon)\b[^\S\n]*,?[^\S\n]*"
    rf"(?P<name>{_NAME_WORD}\.?(?:[^\S\n]+{_NAME_WORD}){{0,3}})"
)
DIRECT_ADDRESS: Final[re.Pattern[str]] = re.compile(
    rf"^[^\S\n]*(?P<name>{_NAME_WORD}(?:[^\S\n]+{_NAME_WORD}){{0,2}})"
    r"[^\S\n]*(?:[\u2014\u2013]|--?(?!\w)|,[^\S\n]*$)"
)


# --------------------------------------------------------------------------- API


def extract(text: str, *, to: str | None = None, today: datetime.date | None = None) -> Dispute:
    """Find the facts of a dispute in the sender's own text of a draft.

    Args:
        text: the sender's own text (no quoted reply, no signature).
        to: the To header, if known; its display name is the fallback counterpart.
        today: the reference date for relative dates; ``date.today()`` if None.

    Returns:
        A :class:`Dispute` with the type, amounts, invoice references, ISO dates,
        days overdue and counterpart found in ``text``.
    """
    plain = normalize(text)
    ref = today if today is not None else datetime.date.today()
    kind = guess_type(plain)
    sender, reader = guess_roles(plain)
    return Dispute(
        type=kind.label or "other",
        type_confidence=kind.confidence,
        sender_role=sender.label,
        reader_role=reader.label,
        role_confidence=sender.confidence,
        amounts=find_amounts(plain),
        invoices=find_invoices(plain),
        dates=find_dates(plain, today=ref),
        days_overdue=find_days_overdue(plain),
        counterpart=find_counterpart(plain, to=to),
    )


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact as written in a text: ``text[start:end]`` and its normalised value.

    ``kind`` is ``"amount"`` (value ``"$8,450.00"``), ``"reference"`` (value
    ``"10442"``; the span includes the reference word, "invoice 10442", when one
    stands before the id) or ``"date"`` (value ``"2026-10-15"``).
    """

    kind: str
    start: int
    end: int
    text: str
    value: str


def find_facts(text: str, *, today: datetime.date | None = None) -> tuple[Fact, ...]:
    """Return the amounts, references and dates of ``text`` with their spans, in order.

    Args:
        text: any text; offsets are into it as given.
        today: the reference date for relative dates; ``date.today()`` if None.

    Returns:
        Facts ordered by start. Spans of different kinds may touch but do not overlap
        (an amount or date inside a reference is dropped).
    """
    plain = normalize(text)
    ref = today if today is not None else datetime.date.today()
    found = [Fact("amount", a, b, text[a:b], v) for a, b, v in _amount_spans(plain)]
    found += [Fact("date", a, b, text[a:b], v) for a, b, v in _date_spans(plain, ref)]
    found += [
        Fact("reference", a, id_end, text[a:id_end], plain[id_start:id_end])
        for a, id_start, id_end in _reference_spans(plain)
    ]
    return tuple(_without_overlaps(found, lambda f: (f.start, f.end)))


# --------------------------------------------------------------------------- amounts


def find_amounts(text: str) -> tuple[str, ...]:
    """Return the money amounts in ``text``, normalised, deduplicated, in order.

    Args:
        text: plain text (curly quotes already made straight).

    Returns:
        Amounts such as ``"$8,450.00"``, ``"€1,200.50"`` or ``"USD 8,450"``.
    """
    return _unique(value for _, _, value in _amount_spans(text))


def _amount_spans(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, normalised amount) for each amount, in order, no overlaps."""
    found: list[tuple[int, int, str]] = []
    for match in AMOUNT_SYMBOL_FIRST.finditer(text):
        found.append((match.start(), match.end(), _format_amount(match, match["sym"])))
    for match in AMOUNT_CODE_FIRST.finditer(text):
        found.append((match.start(), match.end(), _format_amount(match, match["code"])))
    for match in AMOUNT_UNIT_AFTER.finditer(text):
        unit = match["sym"] or match["code"] or _word_symbol(match["name"])
        found.append((match.start(), match.end(), _format_amount(match, unit)))
    return _without_overlaps(found, _triple_span)


def _word_symbol(word: str) -> str:
    """Return the symbol for a currency written as a word.

    Args:
        word: "dollars" or "euros", in any case.

    Returns:
        ``"$"`` or ``"€"``.
    """
    return "$" if word.lower() == "dollars" else "€"


def _format_amount(match: re.Match[str], unit: str) -> str:
    """Return the normalised text of one amount match.

    Args:
        match: a match of one of the amount patterns (groups num, big, word).
        unit: the symbol, dollar prefix or ISO code found with the number.

    Returns:
        ``"<symbol><number>"`` for symbols, ``"<CODE> <number>"`` for codes.
    """
    number = _format_number(match["num"])
    if match["big"]:
        number += match["big"]
    elif match["word"]:
        number += " " + match["word"]
    code = dict(DOLLAR_PREFIXES).get(unit, unit)
    if code in CURRENCY_CODES:
        return f"{code} {number}"
    return f"{code}{number}"


def _format_number(raw: str) -> str:
    """Return a money figure with comma grouping and its decimals as written.

    Args:
        raw: the figure as matched ("8450", "8,450.00", "1.200,50", "12,50").

    Returns:
        The figure in US notation: "8,450", "8,450.00", "1,200.50", "12.50".
    """
    if EUROPEAN_NUMBER.fullmatch(raw) is not None:
        whole, _, decimals = raw.replace(".", "").partition(",")
    else:
        whole, _, decimals = raw.replace(",", "").partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{decimals}" if decimals else grouped


# --------------------------------------------------------------------------- invoices


def find_invoices(text: str) -> tuple[str, ...]:
    """Return invoice, order, ticket and reference identifiers in ``text``.

    Args:
        text: plain text.

    Returns:
        The identifiers only ("10442", "INV-2026-0042"), deduplicated, in order of
        first appearance.
    """
    return _unique(text[start:end] for _, start, end in _reference_spans(text))


def _reference_spans(text: str) -> list[tuple[int, int, int]]:
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
    if _is_quantity_next(text, end):
        return False
    if _is_date_shaped(candidate):
        return False
    if not marked and candidate.isdigit():
        return len(candidate) >= 3 and _YEAR_ONLY.fullmatch(candidate) is None
    return True


def _is_quantity_next(text: str, end: int) -> bool:
    """Return whether a number ending at ``end`` is followed by a unit or ``%``.

    Args:
        text: the whole text.
        end: where the number ends.

    Returns:
        True for "300 units", "3 pallets", "15 %".
    """
    after = _QUANTITY_AFTER.match(text, end)
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


# --------------------------------------------------------------------------- dates


def find_dates(text: str, *, today: datetime.date) -> tuple[str, ...]:
    """Return the dates in ``text`` as ISO strings, resolved against ``today``.

    Args:
        text: plain text.
        today: the reference date for relative dates and for dates without a year.

    Returns:
        "YYYY-MM-DD" strings, deduplicated, in order of appearance.
    """
    return _unique(value for _, _, value in _date_spans(text, today))


def has_date(text: str, *, today: datetime.date | None = None) -> bool:
    """Tell whether ``text`` names at least one valid date (stops at the first)."""
    ref = today if today is not None else datetime.date.today()
    return any(value is not None for _, _, value in _date_matches(normalize(text), ref))


def _date_spans(text: str, today: datetime.date) -> list[tuple[int, int, str]]:
    """Return (start, end, ISO date) for each valid date, in order, no overlaps."""
    found = [
        (start, end, value.isoformat())
        for start, end, value in _date_matches(text, today)
        if value is not None
    ]
    return _without_overlaps(found, _triple_span)


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
    for match in DATE_MONTH_DAY.finditer(text):
        if match["year"] is None and _is_quantity_next(text, match.end()):
            continue  # "May 3 pallets"
        yield match.start(), match.end(), _calendar_date(match, today)
    for match in DATE_DAY_MONTH.finditer(text):
        yield match.start(), match.end(), _calendar_date(match, today)
    for match in DATE_ISO.finditer(text):
        yield (
            match.start(),
            match.end(),
            _safe_date(int(match["year"]), int(match["month"]), int(match["day"])),
        )
    for match in DATE_NUMERIC.finditer(text):
        yield match.start(), match.end(), _numeric_date(match)
    for match in DATE_NEAR_DAY.finditer(text):
        yield match.start(), match.end(), _near_day(match, today)
    for match in DATE_WEEKDAY.finditer(text):
        yield match.start(), match.end(), _weekday_date(match, today)
    for match in DATE_PERIOD_END.finditer(text):
        yield match.start(), match.end(), _period_end(match, today)
    for match in DATE_MONTH_END.finditer(text):
        yield match.start(), match.end(), _month_end(match, today)
    for match in DATE_OFFSET.finditer(text):
        yield match.start(), match.end(), _offset_date(match, today, sign=1)
    for match in DATE_AGO.finditer(text):
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
    return dict(_MONTH_NUMBERS)[name[:3].lower()]


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
    """Resolve yesterday, tomorrow and the day before/after them.

    Args:
        match: a match of ``DATE_NEAR_DAY``.
        today: the reference date.

    Returns:
        The date.
    """
    word = (match["far"] or match["near"]).lower().split()[-1]
    step = 1 if word == "tomorrow" else -1
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
    weekday = _WEEKDAY_STEMS.index(match["wd"].lower())
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
    count = _count_value(match["n"])
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
    return today + datetime.timedelta(days=sign * count * _unit_days(unit))


# --------------------------------------------------------------------------- overdue


def find_days_overdue(text: str) -> int | None:
    """Return the largest number of days overdue mentioned in ``text``.

    A week counts 7 days, a month 30 and a year 365.

    Args:
        text: plain text.

    Returns:
        The days, or None if no overdue period is mentioned.
    """
    days = [
        _count_value(m["n"]) * _unit_days(m["unit"].lower().split()[-1])
        for pattern in (OVERDUE_COUNT_FIRST, OVERDUE_STATE_FIRST)
        for m in pattern.finditer(text)
    ]
    return max(days, default=None)


def _count_value(raw: str) -> int:
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
        if word in _TENS:
            total += 10 * (_TENS.index(word) + 2)
        elif word in _UNITS:
            total += _UNITS.index(word) + 1
    return total


def _unit_days(unit: str) -> int:
    """Return the days in a duration unit.

    Args:
        unit: "day(s)", "week(s)", "fortnight(s)", "month(s)" or "year(s)".

    Returns:
        1, 7, 14, 30 or 365.
    """
    return dict(_UNIT_DAYS)[unit.rstrip("s")]


# --------------------------------------------------------------------------- counterpart


def find_counterpart(text: str, *, to: str | None = None) -> str | None:
    """Return the person the draft addresses.

    Args:
        text: plain text; only its first non-empty line is read for a greeting.
        to: the To header, whose first display name is the fallback.

    Returns:
        A name such as "Dana", "Mr. Okafor" or "Dana Price", or None.
    """
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    greeting = GREETING.match(first_line)
    if greeting is not None:
        name = _clean_name(greeting["name"])
        if name is not None:
            return name
    else:
        direct = DIRECT_ADDRESS.match(first_line)
        if direct is not None:
            name = _clean_name(direct["name"], whole=True)
            if name is not None:
                return name
    return _display_name(to) if to else None


def _clean_name(raw: str, *, whole: bool = False) -> str | None:
    """Return the leading capitalised name in ``raw``, with its title if any.

    Args:
        raw: the words after a greeting ("Priya and team", "Mr. Okafor", "team").
        whole: if True, every word of ``raw`` must belong to the name (a first
            line such as "Good news —" is no address).

    Returns:
        "Priya", "Mr. Okafor", or None for a group, a title alone or a
        lower-case or non-name word.
    """
    words: list[str] = []
    for token in raw.split():
        bare = token.rstrip(".")
        low = bare.lower()
        if not words and low in GENERIC_ADDRESSEES:
            return None
        if not bare[:1].isupper() or low in GENERIC_ADDRESSEES or low in NOT_NAMES:
            break
        if low in TITLES:
            if words:
                break
            words.append(token)
            continue
        words.append(bare)
    if not words or words[-1].rstrip(".").lower() in TITLES:
        return None
    if whole and len(words) < len(raw.split()):
        return None
    return " ".join(words)


def _display_name(to: str) -> str | None:
    """Return the first usable display name in a To header.

    Args:
        to: the header ("Dana Price <dana@example.com>, ...").

    Returns:
        The name, with "Last, First" turned around; None if there is none or it
        names a group ("Accounts Payable").
    """
    for name, _address in getaddresses([to]):
        name = " ".join(name.strip().strip("'\"").split())
        if not name or "@" in name:
            continue
        last, comma, first = name.partition(",")
        if comma and first.strip() and "," not in first:
            name = f"{first.strip()} {last.strip()}"
        if name.split()[0].lower() in GENERIC_ADDRESSEES:
            return None
        return name
    return None


# --------------------------------------------------------------------------- type


def dispute_type(text: str) -> str:
    """Return the kind of dispute ``text`` is about, from the weighted cues of
    ``lexicons/disputes.yml`` (see :mod:`mailcoach.facts.kind`).

    Returns:
        One of ``DISPUTE_TYPES`` or "other" when no cue occurs.
    """
    return guess_type(text).label or "other"


# --------------------------------------------------------------------------- helpers


_Spanned = TypeVar("_Spanned")


def _triple_span(match: tuple[int, int, str]) -> tuple[int, int]:
    return match[0], match[1]


def _without_overlaps(
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


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Return ``values`` without repeats, in order of first appearance.

    Args:
        values: strings.

    Returns:
        A tuple of the distinct values.
    """
    return tuple(dict.fromkeys(values))
