"""Find the facts of a dispute in a draft: amounts, references, dates, parties, type.

The finders live in :mod:`mailcoach.facts`, one module per kind of fact (one
dates module for every date); this module gathers them into a :class:`Dispute`.

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
    Weighted cue words per dispute type, and cue kinds for the sender's side
    (provider or payer) and the setting (trade, tenancy, freelance, retail), kept
    as data in ``lexicons/disputes.yml`` (:mod:`mailcoach.facts.kind`,
    :mod:`mailcoach.facts.roles`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from mailcoach.facts.amounts import amount_spans, find_amounts
from mailcoach.facts.dates import date_spans, find_dates, has_date
from mailcoach.facts.kind import DISPUTE_TYPES, guess_roles, guess_type
from mailcoach.facts.overdue import find_days_overdue
from mailcoach.facts.parties import find_counterpart
from mailcoach.facts.patterns import CURRENCY_CODES
from mailcoach.facts.references import find_invoices, reference_spans
from mailcoach.facts.spans import without_overlaps
from mailcoach.model import Dispute
from mailcoach.text import normalize

__all__ = [
    "CURRENCY_CODES",
    "DISPUTE_TYPES",
    "Fact",
    "dispute_type",
    "extract",
    "find_amounts",
    "find_counterpart",
    "find_dates",
    "find_days_overdue",
    "find_facts",
    "find_invoices",
    "has_date",
]


def extract(
    text: str,
    *,
    to: str | None = None,
    today: datetime.date | None = None,
    signature: str = "",
) -> Dispute:
    """Find the facts of a dispute in the sender's own text of a draft.

    Args:
        text: the sender's own text (no quoted reply, no signature).
        to: the To header, if known; its display name is the fallback counterpart.
        today: the reference date for relative dates; ``date.today()`` if None.
        signature: the sign-off block split off the draft, if any: the sender's
            title in it is a cue to the roles (nothing else is read from it).

    Returns:
        A :class:`Dispute` with the type, amounts, invoice references, ISO dates,
        days overdue and counterpart found in ``text``.
    """
    plain = normalize(text)
    ref = today if today is not None else datetime.date.today()
    kind = guess_type(plain)
    sender, reader = guess_roles(plain, normalize(signature))
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
    found = [Fact("amount", a, b, text[a:b], v) for a, b, v in amount_spans(plain)]
    found += [Fact("date", a, b, text[a:b], v) for a, b, v in date_spans(plain, ref)]
    found += [
        Fact("reference", a, id_end, text[a:id_end], plain[id_start:id_end])
        for a, id_start, id_end in reference_spans(plain)
    ]
    return tuple(without_overlaps(found, lambda f: (f.start, f.end)))


# --------------------------------------------------------------------------- type


def dispute_type(text: str) -> str:
    """Return the kind of dispute ``text`` is about, from the weighted cues of
    ``lexicons/disputes.yml`` (see :mod:`mailcoach.facts.kind`).

    Returns:
        One of ``DISPUTE_TYPES`` or "other" when no cue occurs.
    """
    return guess_type(text).label or "other"
