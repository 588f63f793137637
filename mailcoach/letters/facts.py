"""The facts of a case, read from TOML, YAML, JSON or a CSV row, and what follows from them.

A facts file says who writes to whom, what is owed since when, what was promised
and what went wrong; :class:`CaseFacts` validates it (unknown keys and missing
required facts are errors that name the file and the field) and computes the rest:
each invoice's balance and days overdue, the total due, and amounts written the way
the letters write them.

CSV (mail merge) maps one row to one case. A column is a field's dotted path
(``recipient.name``, ``invoices.amount``); for a list of records (``invoices``,
``payments``, ``promises``, ``options`` …) each cell holds the values of all records,
separated by ``;`` and aligned by position, so ``invoices.reference = "1042;1047"``
and ``invoices.amount = "1200;800"`` make two invoices. A list of words
(``documents``) is ``;``-separated too. Empty cells are left out. See README.
"""

from __future__ import annotations

import csv
import datetime
import importlib
import json
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mailcoach.errors import FactsError

# --------------------------------------------------------------------------- values

#: Currencies written with a symbol before the figure; every other ISO code is
#: written before it ("CHF 1,200.00"), the way mailcoach.dispute reads amounts back.
SYMBOLS: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
#: Titles that can open a name.
TITLES: frozenset[str] = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
#: Days a letter gives for a written reply when the facts set no ``respond_by``.
REPLY_DAYS = 7
#: Currencies without minor units.
NO_DECIMALS: frozenset[str] = frozenset({"JPY"})
#: Amounts must stay below this (a figure with more digits is a typo, and could not be
#: written to the cent).
MAX_AMOUNT = Decimal(10) ** 15
#: The most hours a cost check takes.
MAX_HOURS = Decimal(10_000)
#: Dates a case can carry; the letters count days and weeks from them.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)
#: How deeply a facts file may nest tables and lists (a case needs three or four).
MAX_DEPTH = 16
#: Characters that break a line or control a terminal; a fact is one line of text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _as_date(value: Any) -> Any:
    """Accept a date or an ISO date string (YYYY-MM-DD); refuse numbers and timestamps."""
    if isinstance(value, datetime.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    if not isinstance(value, datetime.date):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {type(value).__name__} {value!r}")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"expected a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}, got {value}"
        )
    return value


def _as_money(value: Any) -> Any:
    """Accept a number or a plain numeric string ("1200.50"); refuse booleans."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"expected an amount such as 1200.50, got {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f"expected an amount such as 1200.50, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"expected a positive amount such as 1200.50, got {value!r}")
    if amount >= MAX_AMOUNT:
        raise ValueError(f"expected an amount below {MAX_AMOUNT:,}, got {_shown(value)}")
    return amount


def _as_currency(value: Any) -> Any:
    if not isinstance(value, str) or len(value.strip()) != 3 or not value.strip().isalpha():
        raise ValueError(f"expected a three-letter currency code such as USD, got {value!r}")
    return value.strip().upper()


Day = Annotated[datetime.date, BeforeValidator(_as_date)]
Money = Annotated[Decimal, BeforeValidator(_as_money)]
Currency = Annotated[str, BeforeValidator(_as_currency)]


def _one_line(value: str) -> str:
    """Refuse line breaks and control characters: a fact may end up in a mail header."""
    bad = _CONTROL_RE.search(value)
    if bad:
        raise ValueError(
            f"expected one line of text, but it holds the control character "
            f"{bad.group()!r} (a line break or a terminal code)"
        )
    return value


Text = Annotated[str, Field(min_length=1), AfterValidator(_one_line)]


#: The reader's locale when the facts give none, for currencies whose readers group
#: digits their own way (an Indian reader expects ₹3,54,000.00, not ₹354,000.00).
CURRENCY_LOCALES: dict[str, str] = {"INR": "en_IN"}


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """Write an amount the way the letters do: ``$8,450.00``, ``€120.00``, ``CHF 99.00``.

    With a ``locale`` (the reader's, e.g. ``de_DE``), or for a currency listed in
    :data:`CURRENCY_LOCALES`, babel writes it as that reader expects
    (``354.000,50 €``, ``₹3,54,000.00``).
    """
    places = Decimal(1) if currency in NO_DECIMALS else Decimal("0.01")
    where = locale or CURRENCY_LOCALES.get(currency)
    if where is not None:
        from babel.numbers import format_currency

        rounded = amount.quantize(places, rounding=ROUND_HALF_UP)
        return str(format_currency(rounded, currency, locale=where))
    figure = f"{amount.quantize(places, rounding=ROUND_HALF_UP):,}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{currency} {figure}"


# --------------------------------------------------------------------------- the model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Person(_Strict):
    """Someone who writes or reads the letter."""

    name: Text
    company: Text | None = None
    role: Text | None = None
    email: Text | None = None
    salutation: Text | None = Field(
        default=None,
        description='How the letter greets them ("Ms Whitfield"); see greeting_name if unset.',
    )

    @property
    def greeting_name(self) -> str:
        """Return the name used after "Dear".

        The facts' ``salutation`` if set; else the first name when the name clearly
        starts with one ("Dana Whitfield" → "Dana"); else the whole name, title and
        all ("Dr. Amara Osei", "van der Berg").
        """
        return self.salutation or self.first_name

    @property
    def first_name(self) -> str:
        """Return the first name when the name clearly starts with one, else the whole name.

        A name opening with a title ("Dr. Helen Osei"), a lower-case particle
        ("van der Berg"), an initial ("J. Okafor") or a single word is written whole:
        cutting it would leave "Dear Dr.," or "Dear van,".
        """
        words = self.name.split()
        if len(words) < 2 or not _is_given_name(words[0]):
            return self.name
        return words[0]


def _is_given_name(word: str) -> bool:
    """Tell whether ``word`` can stand alone as a first name."""
    bare = word.rstrip(".,")
    return (
        bare.lower() not in TITLES
        and not word.endswith(".")
        and len(bare) > 1
        and bare[0].isupper()
        and not bare.isupper()
    )


def _as_person(value: Any) -> Any:
    """Accept a plain string as a person's name (``to = "Gregory Ashworth"``)."""
    return {"name": value} if isinstance(value, str) else value


#: A person: a table of fields, or just their name.
PersonEntry = Annotated[Person, BeforeValidator(_as_person)]


class Invoice(_Strict):
    """One invoice that is open or disputed."""

    reference: Text
    amount: Money
    issued: Day
    due: Day
    currency: Currency | None = None
    description: Text | None = None


class Payment(_Strict):
    """A payment received; ``invoice`` names the invoice it went to, if any."""

    amount: Money
    date: Day
    invoice: Text | None = None
    reference: Text | None = None


class Promise(_Strict):
    """A promise made by one side: what (an action, "pay the balance"), by when, kept or not."""

    what: Text
    due: Day
    made: Day | None = None
    by: Literal["them", "us"] = "them"
    kept: bool = False


class Problem(_Strict):
    """Something that went wrong, on our side or theirs."""

    side: Literal["ours", "theirs"]
    what: Text
    date: Day | None = None


class Relationship(_Strict):
    """How long and how much the two sides have worked together."""

    since: int | None = Field(default=None, ge=1900, le=2100)
    annual_value: Money | None = None
    note: Text | None = None


class Option(_Strict):
    """A proposed way forward: an action, who does it, and by when."""

    what: Text
    by: Day
    owner: Literal["them", "us", "both"] = "them"
    amount: Money | None = None


class Document(_Strict):
    """A document offered or attached; ``file`` is attached to the .eml when given."""

    title: Text
    file: Path | None = None


def _as_document(value: Any) -> Any:
    """Accept a plain title for a document without a file."""
    return {"title": value} if isinstance(value, str) else value


DocumentEntry = Annotated[Document, BeforeValidator(_as_document)]


class BenchmarkFacts(_Strict):
    """The benchmark clause's parameters (see templates/benchmark/) and its check date."""

    form: Literal["positive", "punitive", "none"] = "positive"
    count: int | None = Field(default=None, ge=1, le=24)
    terms: Text | None = None
    period: Text | None = None
    check_on: Day | None = None
    restore: bool | None = Field(
        default=None,
        description="True when the terms were withdrawn and the benchmark gives them back; "
        "default: true once the other side has broken a promise or the case is past first "
        "contact.",
    )


class Cost(_Strict):
    """What pursuing the balance costs: our hourly cost and the hours expected."""

    hourly: Money
    hours: Decimal = Field(gt=0, le=MAX_HOURS)


class Disputed(_Strict):
    """One point the other side disputes, and where we stand on it."""

    invoice: Text
    amount: Money
    point: Text
    accepted: bool = False
    response: Text | None = None


class Reset(_Strict):
    """The earlier message whose tone we regret, and the effort we acknowledge."""

    previous: Day
    tone: Text = "sharper than it should have been"
    effort: Text
    concern: Text | None = None


class Step(_Strict):
    """A dated action with an owner."""

    what: Text
    by: Day
    owner: Literal["them", "us", "both"] = "us"


class Repair(_Strict):
    """Our side failed: what happened, its effect, its cause, what changed, what we do."""

    what: Text
    date: Day
    impact: Text
    cause: Literal["one-off", "systemic"]
    cause_detail: Text | None = None
    changed: list[Text] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    check_ins: list[Day] = Field(min_length=1)


class Escalation(_Strict):
    """Writing to the counterpart's manager: to whom, why, and whether they were told."""

    to: PersonEntry
    reason: Literal["impasse", "authority", "none"] = "none"
    detail: Text | None = None
    counterpart_told: bool = False


class Agreement(_Strict):
    """Agreed actions, put in writing: when they were agreed, and each step."""

    agreed_on: Day
    steps: list[Step] = Field(min_length=1)


class CaseFacts(_Strict):
    """Everything a letter may say, validated; see README "Case facts" for each field."""

    sender: PersonEntry
    recipient: PersonEntry
    date: Day | None = None
    type: Literal["payment", "delivery", "service", "billing", "contract", "other"] = "payment"
    stage: Literal["first-contact", "reminder", "final-notice", "escalation"] = "first-contact"
    currency: Currency = "USD"
    locale: str | None = Field(
        default=None,
        description='The reader\'s locale for money ("de_DE", "en_IN"); default: the letters\' '
        "own format ($8,450.00), or the usual one for the currency (INR: en_IN).",
    )

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"unknown locale {value!r} (e.g. en_GB, de_DE, en_IN)") from None
        return value
    respond_by: Day | None = None
    invoices: list[Invoice] = []
    payments: list[Payment] = []
    promises: list[Promise] = []
    problems: list[Problem] = []
    relationship: Relationship | None = None
    documents: list[DocumentEntry] = []
    options: list[Option] = []
    benchmark: BenchmarkFacts = BenchmarkFacts()
    cost: Cost | None = None
    disputed: list[Disputed] = []
    reset: Reset | None = None
    repair: Repair | None = None
    escalation: Escalation | None = None
    agreement: Agreement | None = None
    subject: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CaseFacts:
        for i, inv in enumerate(self.invoices):
            if inv.currency not in (None, self.currency):
                raise ValueError(
                    f"invoices[{i}].currency: {inv.currency} differs from the case currency "
                    f"{self.currency}; one letter covers one currency"
                )
            if inv.due < inv.issued:
                raise ValueError(f"invoices[{i}].due: the due date is before the issue date")
        refs = [inv.reference for inv in self.invoices]
        if len(set(refs)) != len(refs):
            raise ValueError("invoices: the same reference appears twice")
        for i, pay in enumerate(self.payments):
            if pay.invoice is not None and pay.invoice not in refs:
                raise ValueError(f"payments[{i}].invoice: no invoice {pay.invoice!r} in invoices")
        for i, item in enumerate(self.disputed):
            if item.invoice not in refs:
                raise ValueError(f"disputed[{i}].invoice: no invoice {item.invoice!r} in invoices")
        if self.total_due < 0:
            raise ValueError("payments: more was paid than invoiced; nothing is due")
        return self

    # ----------------------------------------------------------------- computed facts

    @property
    def today(self) -> datetime.date:
        """Return the letter's date: ``date`` from the facts, else today."""
        return self.date or datetime.date.today()

    @property
    def reply_date(self) -> datetime.date:
        """Return the date a reply is asked for: ``respond_by``, else a week on."""
        return self.respond_by or self.today + datetime.timedelta(days=REPLY_DAYS)

    def balance(self, invoice: Invoice) -> Decimal:
        """Return what is still open on ``invoice`` after the payments made to it."""
        paid = sum((p.amount for p in self.payments if p.invoice == invoice.reference), Decimal())
        return max(invoice.amount - paid, Decimal())

    def days_overdue(self, invoice: Invoice) -> int:
        """Return how many days past its due date ``invoice`` is on the letter's date (0 if not)."""
        return max((self.today - invoice.due).days, 0)

    @property
    def total_invoiced(self) -> Decimal:
        """Return the sum of the invoices."""
        return sum((inv.amount for inv in self.invoices), Decimal())

    @property
    def total_paid(self) -> Decimal:
        """Return the sum of the payments received."""
        return sum((p.amount for p in self.payments), Decimal())

    @property
    def total_due(self) -> Decimal:
        """Return invoices less payments."""
        return self.total_invoiced - self.total_paid

    @property
    def not_yet_due(self) -> list[Invoice]:
        """Return the invoices with a balance whose due date is not past on the letter's date."""
        return [inv for inv in self.invoices if inv.due >= self.today and self.balance(inv) > 0]

    @property
    def total_past_due(self) -> Decimal:
        """Return what is due now: the open total less the balances not yet due."""
        ahead = sum((self.balance(inv) for inv in self.not_yet_due), Decimal())
        return max(self.total_due - ahead, Decimal())

    @property
    def total_disputed(self) -> Decimal:
        """Return the sum of the disputed amounts."""
        return sum((d.amount for d in self.disputed), Decimal())

    @property
    def max_days_overdue(self) -> int:
        """Return the days overdue of the oldest open invoice."""
        return max((self.days_overdue(inv) for inv in self.invoices), default=0)

    def money(self, amount: Decimal) -> str:
        """Write ``amount`` in the case currency."""
        return format_money(amount, self.currency, self.locale)

    def mentions(self, text: str, value: Decimal | datetime.date) -> bool:
        """Tell whether free text from the facts already states an amount or a date.

        The letters then leave out their own ", £1,156.00," or "by 4 December 2026"
        instead of writing the value twice.
        """
        if isinstance(value, datetime.date):
            month = value.strftime("%B")
            forms = [value.isoformat(), f"{value.day} {month}", f"{month} {value.day}"]
            pattern = "|".join(rf"(?<!\d){re.escape(f)}(?!\d)" for f in forms)
        else:
            written = self.money(value)
            figure = written.lstrip("".join(SYMBOLS.values())).removeprefix(f"{self.currency} ")
            plain = f"{value.normalize():f}"
            forms = [written, figure, plain]
            pattern = "|".join(rf"(?<![\d.,]){re.escape(f)}(?![\d]|[.,]\d)" for f in forms)
        return re.search(pattern, text, re.IGNORECASE) is not None

    @property
    def broken_promises(self) -> list[Promise]:
        """Return the other side's promises that were not kept and whose date has passed."""
        return [p for p in self.promises if p.by == "them" and not p.kept and p.due < self.today]


# --------------------------------------------------------------------------- reading


def _field_path(loc: tuple[int | str, ...]) -> str:
    """Turn pydantic's location ("invoices", 0, "due") into ``invoices[0].due``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _shown(value: Any) -> str:
    """Return a facts value as an error message shows it: short, and by kind for tables."""
    if isinstance(value, Mapping):
        return "a table of fields"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _quoted_choices(expected: str) -> str:
    """Turn pydantic's "'a', 'b' or 'c'" into our '"a", "b" or "c"'."""
    return expected.replace("'", '"')


#: Models that a plain string also stands for, and what that string is.
_SHORT_FORMS = {"Person": "the name", "Document": "the title"}


def _table_of(class_name: str) -> str:
    """Describe the table a field takes: its fields, and the string that may stand for it."""
    model = next((m for m in _models() if m.__name__ == class_name), None)
    if model is None:
        return "a table of fields (see README, Case facts)"
    fields = ", ".join(model.model_fields)
    short = _SHORT_FORMS.get(class_name)
    return f"a table with {fields}" + (f" (or just {short} in quotes)" if short else "")


def _models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [_Strict]
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return found


def _explain(error: Mapping[str, Any]) -> str:
    """Return what is wrong with one field, in our own words (never pydantic's)."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    got = f", got {_shown(value)}"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see README, Case facts)"
    if kind == "missing":
        return "required field is missing"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind in ("model_type", "model_attributes_type", "dict_type", "mapping_type"):
        return f"expected {_table_of(str(ctx.get('class_name', '')))}{got}"
    if kind in ("list_type", "tuple_type", "set_type", "iterable_type"):
        return f"expected a list of entries{got}"
    if kind in ("string_type", "string_unicode", "string_sub_type"):
        return f"expected text in quotes{got}"
    if kind in ("string_too_short", "too_short"):
        if isinstance(value, str):
            return "must not be empty"
        least = ctx.get("min_length", 1)
        return f"needs at least {least} entr{'y' if least == 1 else 'ies'}"
    if kind in ("string_too_long", "too_long"):
        return f"is too long (at most {ctx.get('max_length')})"
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return f"expected a whole number{got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false{got}"
    if kind in ("decimal_type", "decimal_parsing", "float_type", "float_parsing"):
        return f"expected a number such as 2.5{got}"
    if kind in ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits"):
        return f"has too many digits{got}"
    if kind == "literal_error":
        return f"expected one of {_quoted_choices(str(ctx.get('expected', '')))}{got}"
    if kind == "enum":
        return f"expected one of {_quoted_choices(str(ctx.get('expected', '')))}{got}"
    limits = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("above", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("below", "lt"),
    }
    if kind in limits:
        words, key = limits[kind]
        return f"must be {words} {ctx.get(key)}{got}"
    if kind in ("path_type", "path_parsing"):
        return f"expected a file name in quotes{got}"
    return f"has a value that does not fit this field{got}"


def describe(exc: ValidationError) -> str:
    """Return the first validation error as "field: what is wrong" (and how many more)."""
    errors = exc.errors()
    first = errors[0]
    field = _field_path(tuple(first["loc"]))
    what = _explain(first)
    if not first["loc"] and ": " in what:
        field, what = what.split(": ", 1)  # a cross-field check names its own field
    more = len(errors) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{field}: {what}{tail}"


def validate(data: Any, where: str) -> CaseFacts:
    """Validate raw facts (a mapping) read from ``where``.

    Raises:
        FactsError: naming ``where`` and the first field at fault.
    """
    if not isinstance(data, Mapping):
        raise FactsError(
            f"{where}: the facts must be a table of fields, not {type(data).__name__}."
        )
    try:
        return CaseFacts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(f"{where}: {describe(exc)}.") from None


def read_raw(path: Path) -> dict[str, Any]:
    """Read a TOML, YAML or JSON facts file into a mapping, by its extension.

    Dates stay text until the model reads them, so that an impossible date
    (``due: 2026-02-30``) is reported against its field like any other bad value.

    Raises:
        FactsError: if the file is missing, unreadable, or not valid in its format.
    """
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FactsError(f"{path}: cannot read the facts file: {exc.strerror or exc}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactsError(f"{path}: the facts file is not UTF-8 text.") from None
    if suffix not in (".toml", ".yml", ".yaml", ".json"):
        raise FactsError(
            f"{path}: unknown facts format {suffix or '(no extension)'}; "
            "use .toml, .yaml, .yml or .json (or --csv for a spreadsheet)."
        )
    try:
        data = _load(text, suffix, path)
    except RecursionError:  # the parsers recurse once per level of nesting
        _too_deep(str(path))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FactsError(f"{path}: the facts must be a table of fields, not {type(data).__name__}.")
    _check_depth(data, str(path))
    return data


def _load(text: str, suffix: str, path: Path) -> Any:
    if suffix == ".toml":
        return _load_toml(text, path)
    if suffix in (".yml", ".yaml"):
        return _load_yaml(text, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactsError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None


def _too_deep(where: str) -> NoReturn:
    raise FactsError(
        f"{where}: the facts are nested more than {MAX_DEPTH} levels deep; "
        "a case needs only a few (see README, Case facts)."
    ) from None


def _check_depth(data: Any, where: str) -> None:
    """Refuse tables and lists nested deeper than a case needs (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            _too_deep(where)
        children = value.values() if isinstance(value, Mapping) else value
        if isinstance(value, Mapping | list):
            stack.extend((child, depth + 1) for child in children)


def _load_yaml(text: str, path: Path) -> Any:
    """Read YAML with timestamps kept as text (the model checks them, naming the field)."""
    errors = importlib.import_module("srsly.ruamel_yaml.error")
    yaml = importlib.import_module("srsly.ruamel_yaml").YAML(typ="safe", pure=True)
    yaml.Constructor = _dates_as_text()
    try:
        return yaml.load(text)
    except errors.MarkedYAMLError as exc:
        problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise FactsError(f"{path}: not valid YAML: {problem}{where}.") from None
    except (errors.YAMLError, ValueError) as exc:
        raise FactsError(f"{path}: not valid YAML: {' '.join(str(exc).split())}.") from None


@cache
def _dates_as_text() -> Any:
    """Return YAML's safe constructor, but with dates and timestamps kept as written."""
    safe = importlib.import_module("srsly.ruamel_yaml.constructor").SafeConstructor
    constructor: Any = type("DatesAsText", (safe,), {})

    def timestamp(self: Any, node: Any) -> Any:
        return self.construct_scalar(node)

    constructor.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return constructor


_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_TOML_AT = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)\s*$")
_TOML_HEADER = re.compile(r"^\s*(?P<open>\[\[?)\s*(?P<name>[^\]]+?)\s*\]\]?")
_TOML_KEY = re.compile(r"(?P<key>[A-Za-z0-9_.\-\"']+)\s*=\s*")


def _load_toml(text: str, path: Path) -> Any:
    """Read TOML; a bad value is reported by line and, where it can be told, by field."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = " ".join(str(exc).split())
        at = _TOML_AT.search(message)
        if at is None:
            raise FactsError(f"{path}: not valid TOML: {message}.") from None
        reason = message[: at.start()]
        line, column = int(at["line"]), int(at["column"])
        field, value = _toml_field(text, line, column)
        if field and (reason.startswith("Invalid date") or _DATE_LIKE.match(value)):
            raise FactsError(
                f"{path}: {field}: expected a date as YYYY-MM-DD, got {value!r} (line {line})."
            ) from None
        named = f", {field}" if field else ""
        raise FactsError(
            f"{path}: not valid TOML at line {line}{named}: {reason.rstrip('.')}."
        ) from None


def _toml_field(text: str, line: int, column: int) -> tuple[str | None, str]:
    """Return the dotted field path and the raw value at ``line`` of a TOML text."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None, ""
    table = ""
    counts: dict[str, int] = {}
    for earlier in lines[: line - 1]:
        header = _TOML_HEADER.match(earlier)
        if header is None:
            continue
        name = header["name"].strip()
        if header["open"] == "[[":
            counts[name] = counts.get(name, -1) + 1
            table = f"{name}[{counts[name]}]"
        else:
            table = _indexed(name, counts)
    here = lines[line - 1]
    keys = list(_TOML_KEY.finditer(here[: max(column - 1, 0)] or here))
    if not keys:
        return None, ""
    names = [keys[0]["key"].strip("\"'")]
    if len(keys) > 1 and "{" in here[keys[0].end() : keys[-1].start()]:
        names.append(keys[-1]["key"].strip("\"'"))
    value = re.split(r"[\s,}\]#]", here[keys[-1].end() :], maxsplit=1)[0]
    field = ".".join(names)
    return (f"{table}.{field}" if table else field), value


def _indexed(name: str, counts: Mapping[str, int]) -> str:
    """Put a table name under the array entry it belongs to (``invoices.x`` → ``invoices[1].x``)."""
    for array, index in counts.items():
        if name.startswith(array + "."):
            return f"{array}[{index}]{name[len(array) :]}"
    return name


def read_facts(path: str | os.PathLike[str], base: Mapping[str, Any] | None = None) -> CaseFacts:
    """Read and validate a facts file (TOML, YAML or JSON).

    Args:
        path: the file's name (this function only reads files, so a ``str`` is a
            name here) or ``Path``; its extension picks the format.
        base: facts the file's own fields are merged over (e.g. the sender).

    Raises:
        FactsError: naming the file and the field at fault.
    """
    if not isinstance(path, str | os.PathLike):
        raise FactsError(f"read_facts takes a file name or a Path, not {type(path).__name__}.")
    path = Path(os.fsdecode(path))
    data = read_raw(path)
    facts = validate(merge(base or {}, data), str(path))
    return _resolve_documents(facts, path.parent, str(path))


def _resolve_documents(facts: CaseFacts, folder: Path, where: str) -> CaseFacts:
    """Make attached files relative to the facts file, and check that they exist."""
    documents: list[Document] = []
    for i, doc in enumerate(facts.documents):
        if doc.file is not None:
            file = doc.file if doc.file.is_absolute() else folder / doc.file
            if not file.is_file():
                raise FactsError(f"{where}: documents[{i}].file: no such file {str(file)!r}.")
            doc = doc.model_copy(update={"file": file})
        documents.append(doc)
    return facts.model_copy(update={"documents": documents})


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``over`` merged in, tables recursively, everything else replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# --------------------------------------------------------------------------- CSV rows


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV row: its spreadsheet row number, and its facts or the error that stops it."""

    number: int
    facts: CaseFacts | None
    error: str | None = None


def _list_fields() -> dict[str, type[BaseModel] | None]:
    """Return CaseFacts' list fields: record lists map to their model, word lists to None."""
    found: dict[str, type[BaseModel] | None] = {}
    for name, info in CaseFacts.model_fields.items():
        if get_origin(info.annotation) is list:
            (item,) = get_args(info.annotation)
            found[name] = item if isinstance(item, type) and issubclass(item, BaseModel) else None
    return found


LIST_SEPARATOR = ";"


def check_columns(columns: list[str], where: str) -> None:
    """Refuse a CSV header with a column that names no field.

    Raises:
        FactsError: naming the file and the column.
    """
    lists = _list_fields()
    for column in columns:
        parts = column.strip().split(".")
        model: type[BaseModel] = CaseFacts
        for depth, part in enumerate(parts):
            info = model.model_fields.get(part)
            if info is None:
                raise FactsError(f"{where}: column {column!r}: unknown field {part!r}.")
            if (
                model is not CaseFacts
                and model not in lists.values()
                and (get_origin(info.annotation) is list)
            ):
                raise FactsError(
                    f"{where}: column {column!r}: a list inside a section cannot come from "
                    "a CSV cell; put it in the --facts file the rows are merged over."
                )
            sub = lists.get(part) if model is CaseFacts and part in lists else None
            target = sub or _model_of(info.annotation)
            last = depth == len(parts) - 1
            if not last:
                if target is None:
                    raise FactsError(f"{where}: column {column!r}: {part!r} has no fields.")
                model = target
            elif target is not None and not (model is CaseFacts and part == "documents"):
                names = ", ".join(f"{column}.{f}" for f in target.model_fields)
                raise FactsError(f"{where}: column {column!r}: name a field ({names}).")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def row_data(row: Mapping[str, str]) -> dict[str, Any]:
    """Turn one CSV row into nested facts: dotted columns, ``;``-separated lists.

    Raises:
        ValueError: "column: what is wrong" when list cells do not line up.
    """
    lists = _list_fields()
    data: dict[str, Any] = {}
    records: dict[str, dict[str, list[str]]] = {}
    for column, cell in row.items():
        if column is None or cell is None or not cell.strip():
            continue
        parts = column.strip().split(".")
        head = parts[0]
        if head in lists:
            values = [v.strip() for v in cell.split(LIST_SEPARATOR)]
            if lists[head] is None or head == "documents":
                data[head] = [v for v in values if v]
            else:
                records.setdefault(head, {})[".".join(parts[1:])] = values
            continue
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = cell.strip()
    for head, columns in records.items():
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            counts = ", ".join(f"{head}.{c}: {len(v)}" for c, v in columns.items())
            raise ValueError(f"{head}: the ;-separated lists differ in length ({counts})")
        (count,) = lengths
        items: list[dict[str, Any]] = [{} for _ in range(count)]
        for sub, values in columns.items():
            for item, value in zip(items, values, strict=True):
                if value:
                    node = item
                    *path, leaf = sub.split(".")
                    for part in path:
                        node = node.setdefault(part, {})
                    node[leaf] = _cell_value(value)
        data[head] = items
    return data


def _cell_value(value: str) -> Any:
    """Read true/false cells as booleans; every other cell stays text for pydantic."""
    lowered = value.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    return value


def read_rows(path: Path, base: Mapping[str, Any] | None = None) -> Iterator[Row]:
    """Read a mail-merge CSV: one case per row, merged over ``base``.

    The header is checked first (an unknown column stops the whole file); after that
    a bad row becomes a :class:`Row` with ``error`` set and the others go on.

    Raises:
        FactsError: if the file cannot be read or its header names an unknown field.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FactsError(f"{path}: cannot read the CSV file: {exc.strerror or exc}.") from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            if not columns:
                raise FactsError(f"{path}: the CSV file is empty; it needs a header row.")
            check_columns(columns, str(path))
            for record in reader:
                number = reader.line_num
                where = f"{path}, row {number}"
                if None in record:
                    yield Row(number, None, f"{where}: more cells than columns in the header.")
                    continue
                try:
                    data = merge(base or {}, row_data(record))
                except ValueError as exc:
                    yield Row(number, None, f"{where}: {exc}.")
                    continue
                try:
                    facts = validate(data, where)
                    facts = _resolve_documents(facts, path.parent, where)
                except FactsError as exc:
                    yield Row(number, None, str(exc))
                    continue
                yield Row(number, facts)
        except UnicodeDecodeError:
            raise FactsError(f"{path}: the CSV file is not UTF-8 text.") from None
        except csv.Error as exc:
            raise FactsError(f"{path}, row {reader.line_num}: bad CSV: {exc}.") from None
