"""Vocabulary and compiled patterns shared by the fact finders.

Amounts, references, dates, overdue counts and names all read these.
"""

from __future__ import annotations

import re
from typing import Final

#: A pattern below that opens with \b or a lookbehind starts with a lookahead of the
#: characters its matches start with, "(?=[...])": the same matches, but Python's regex
#: engine skips ahead to those characters instead of trying the pattern at every
#: position (two to three times faster on a draft; see facts.needs.lookahead). When a
#: pattern changes, tests/test_dispute.py names the lookahead it should now have.

#: ISO 4217 codes recognised next to a number (upper case only). Codes that are also
#: English words ("ALL", "TOP", "CUP", "MOP", "MAD", "TRY", "PEN", "COP") are left out:
#: a rewrite keeps a code's capitals where it lowers a shouted word.
CURRENCY_CODES: Final[frozenset[str]] = frozenset(
    {
        "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "INR", "SEK", "NOK", "DKK",
        "PLN", "CZK", "HUF", "ZAR", "SGD", "HKD", "MXN", "BRL", "AED", "PHP", "NGN", "KES",
        "GHS", "UGX", "TZS", "ZMW", "RWF", "ETB", "EGP", "XOF", "XAF", "PKR", "BDT",
        "LKR", "NPR", "MYR", "IDR", "THB", "VND", "KRW", "TWD", "ILS", "SAR", "QAR",
        "KWD", "BHD", "OMR", "JOD", "RON", "BGN", "ISK", "UAH", "RUB", "CLP",
        "ARS", "UYU", "JMD", "TTD", "BBD", "FJD"
    }
)  # fmt: skip

#: Local abbreviations written before a figure like a code ("Rs 45,000", "KSh 12,500",
#: "RM 800"), kept as written (several countries write "Rs").
LOCAL_UNITS: Final[frozenset[str]] = frozenset({"Rs", "KSh", "Ksh", "RM"})

#: Currency names written after a figure ("500 dollars", "45,000 rupees"). Dollars and
#: euros are read as "$" and "€"; the rest stay words.
CURRENCY_WORDS: Final[tuple[str, ...]] = (
    "dollars", "euros", "rupees", "pesos", "naira", "shillings", "rand", "dirhams",
    "ringgit", "baht", "yen", "cedis",
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

UNITS: Final[tuple[str, ...]] = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
TENS: Final[tuple[str, ...]] = (
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
WEEKDAY_STEMS: Final[tuple[str, ...]] = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
#: Short weekday names after "by", "next" ... ("by wed", "next thurs"), Monday first;
#: not "sun", which is far more often the sun.
WEEKDAY_SHORT: Final[tuple[str, ...]] = ("mon", "tues?", "weds?", "thu(?:rs?)?", "fri", "sat")
MONTH_NUMBERS: Final[tuple[tuple[str, int], ...]] = (
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
)  # fmt: skip
UNIT_DAYS: Final[tuple[tuple[str, int], ...]] = (
    ("day", 1), ("week", 7), ("fortnight", 14), ("month", 30), ("year", 365),
)  # fmt: skip

# --------------------------------------------------------------------------- patterns

_NUMBER_WORD: Final = (
    r"(?:a\s+couple\s+of|couple\s+of|"
    rf"(?:{'|'.join(TENS)})(?:[\s-](?:{'|'.join(UNITS[:9])}))?|"
    rf"{'|'.join(sorted(UNITS, key=len, reverse=True))}|an|a)"
)
#: A count written in digits or words ("3", "three", "forty-five", "a").
_COUNT: Final = rf"(?:\d{{1,3}}|(?i:{_NUMBER_WORD}))\b"

#: What groups thousands in a figure written the French, Polish or Swiss way
#: ("3 150,00", "1'250.00"): a space (plain, no-break or narrow no-break) or an
#: apostrophe.
SPACE_GROUP: Final = "[ \u00a0\u202f'\u2019]"
#: A money figure: US grouping, European grouping, comma decimals, or plain.
_MONEY: Final = (
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"
    r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?"  # Indian grouping: 3,54,000
    r"|\d{1,3}(?:\.\d{3})+(?:,\d{2})?"
    rf"|\d{{1,3}}(?:{SPACE_GROUP}\d{{3}})+(?:[.,]\d{{2}})?"  # 3 150,00 / 1'250.00
    r"|\d+,\d{2}"
    r"|\d+(?:\.\d{1,2})?)"
    r"(?!\d|[.,]\d)"
    r"(?:(?P<big>k|K|M|bn)\b|\s?(?P<word>million|billion|thousand)\b)?"
)
#: A figure written the European way: "1.200", "1.200,50", "12,50".
EUROPEAN_NUMBER: Final[re.Pattern[str]] = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?|\d+,\d{2}")
_SYMBOLS: Final = "$£€¥₹₦₱₩₺₪₫₴₽฿₵"
_CODES: Final = "|".join(sorted(CURRENCY_CODES))
_LOCAL: Final = "|".join(sorted(LOCAL_UNITS))
_PREFIXES: Final = "|".join(re.escape(p) for p, _ in DOLLAR_PREFIXES)

AMOUNT_SYMBOL_FIRST: Final[re.Pattern[str]] = re.compile(
    rf"(?=[\$ACHNSU£¥฿₦₩₪₫€₱₴₵₹₺₽])(?<![\w{_SYMBOLS}])(?P<sym>{_PREFIXES}|[{_SYMBOLS}])\s?"
    rf"{_MONEY}"
)
AMOUNT_CODE_FIRST: Final[re.Pattern[str]] = re.compile(
    rf"(?=[ABCDEFGHIJKLMNOPQRSTUVXZ])\b(?P<code>{_CODES}|{_LOCAL})(?:(?<=Rs)\.)?\s?{_MONEY}"
)
AMOUNT_UNIT_AFTER: Final[re.Pattern[str]] = re.compile(
    rf"(?<![\w.,{_SYMBOLS}]){_MONEY}\s?"
    rf"(?:(?P<sym>[{_SYMBOLS}])|(?P<code>{_CODES})\b|(?P<name>(?i:{'|'.join(CURRENCY_WORDS)}))\b)"
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
    r"(?=[CIOPRT])\b(?P<id>(?:INV|PO|ORD|TKT|RMA|CN|REF)-?\d+(?:-\d+)*)\b(?![.,]\d)"
)
QUANTITY_AFTER: Final[re.Pattern[str]] = re.compile(r"[^\S\n]{0,3}(?:%|(?P<word>[A-Za-z]+)\b)")
YEAR_ONLY: Final[re.Pattern[str]] = re.compile(r"(?:19|20)\d{2}")

#: A month name, capitalised or (phone-typed mail) not: "2 march", "aug 28". Only
#: "May" must be capitalised: "may" is far more often the verb ("2 may arrive").
_MONTH: Final = (
    r"(?P<mon>[Jj]an(?:uary)?|[Ff]eb(?:ruary)?|[Mm]ar(?:ch)?|[Aa]pr(?:il)?|May|[Jj]une?|[Jj]uly?"
    r"|[Aa]ug(?:ust)?|[Ss]ep(?:t(?:ember)?)?|[Oo]ct(?:ober)?|[Nn]ov(?:ember)?|[Dd]ec(?:ember)?)"
    r"\b\.?"
)
_MONTH_AHEAD: Final = r"(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY: Final = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR: Final = r"(?P<year>(?:19|20)\d{2})\b"

DATE_MONTH_DAY: Final[re.Pattern[str]] = re.compile(
    rf"(?=[ADFJMNOSadfjmnos])\b{_MONTH}[^\S\n]+(?:the[^\S\n]+)?{_DAY}(?:,?[^\S\n]+{_YEAR})?(?![:.]\d)"
)
DATE_DAY_MONTH: Final[re.Pattern[str]] = re.compile(
    rf"(?=[0123456789])\b{_DAY}[^\S\n]+(?:of[^\S\n]+)?{_MONTH}(?:,?[^\S\n]+{_YEAR})?"
)
DATE_ISO: Final[re.Pattern[str]] = re.compile(
    r"(?=[12])(?<![\w/.-])(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<month>1[0-2]|0?[1-9])"
    r"(?P=sep)"
    r"(?P<day>3[01]|[12]\d|0?[1-9])(?![\w/-]|\.\d)"
)
DATE_NUMERIC: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)"
    r"(?P<year>(?:19|20)\d{2}|(?<=/)\d{2})(?![\w/-]|\.\d)"
)
#: "tomorrow" as phone-typed mail writes it.
TOMORROW_FORMS: Final[frozenset[str]] = frozenset({"tomorrow", "tmrw", "tmr", "2moro", "tmoro"})
DATE_NEAR_DAY: Final[re.Pattern[str]] = re.compile(
    r"(?i)(?=[2ty])\b(?:the\s+day\s+(?P<far>after\s+tomorrow|before\s+yesterday)"
    r"|(?P<near>yesterday|tomorrow|tmrw|tmr|2moro|tmoro|today|tonight))\b"
)
DATE_WEEKDAY: Final[re.Pattern[str]] = re.compile(
    r"(?i)(?=[bclnptu])\b(?P<mod>this\s+past|this\s+coming|last|past|next|coming|this|by|before"
    r"|until|till|no\s+later\s+than)\s+"
    rf"(?:(?P<wd>{'|'.join(WEEKDAY_STEMS)})day|(?P<short>{'|'.join(WEEKDAY_SHORT)}))\b"
    rf"(?!\s+of\b)(?!,?\s+(?:the\s+)?(?:\d|{_MONTH_AHEAD}))"
)
DATE_PERIOD_END: Final[re.Pattern[str]] = re.compile(
    r"(?i)(?=[e])\bend\s+of\s+"
    r"(?:(?P<which>the\s+current|the\s+next|the\s+following|the|this|next|last)\s+)?"
    r"(?P<unit>week|month|quarter|year)\b(?!\s+\d)"
)
DATE_MONTH_END: Final[re.Pattern[str]] = re.compile(
    rf"(?i:\bend\s+of\s+)(?-i:{_MONTH})(?:,?[^\S\n]+{_YEAR})?"
)
DATE_OFFSET: Final[re.Pattern[str]] = re.compile(
    rf"(?i)(?=[iw])\b(?:in|within)\s+(?:the\s+next\s+)?(?P<n>{_COUNT})\s+"
    r"(?P<unit>(?:business|working)\s+days?|days?|weeks?|fortnights?|months?)\b"
    r"(?:'?\s*time\b)?(?!\s+(?:of|from|after|before|since|following)\b)"
)
DATE_AGO: Final[re.Pattern[str]] = re.compile(
    rf"(?i)(?=[\dacefnost])\b(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?|fortnights?|months?)"
    r"\s+ago\b"
)

_OVERDUE_WORDS: Final = (
    r"past[\s-]+(?:the\s+)?due(?:\s+date)?|overdue|late|in\s+arrears|behind|outstanding|unpaid"
)
_DURATION_UNIT: Final = r"(?P<unit>(?:calendar\s+)?days?|weeks?|months?|years?)"
OVERDUE_COUNT_FIRST: Final[re.Pattern[str]] = re.compile(
    rf"(?i)(?=[\dacefnost])\b(?P<n>{_COUNT})[\s-]+{_DURATION_UNIT}\s+(?:{_OVERDUE_WORDS})\b"
)
OVERDUE_STATE_FIRST: Final[re.Pattern[str]] = re.compile(
    rf"(?i)(?=[bilopu])\b(?:{_OVERDUE_WORDS})\s+(?:by|for)\s+"
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
