"""Tests for mailcoach.dispute: facts and type found in a draft's own text.

Every example below was written for these tests.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailcoach.dispute import (
    dispute_type,
    extract,
    find_amounts,
    find_counterpart,
    find_dates,
    find_days_overdue,
    find_invoices,
)
from mailcoach.facts.kind import Guess, guess_type, load_cues
from mailcoach.facts.needs import required_text
from mailcoach.model import Dispute
from mailcoach.text import normalize

from .conftest import CORPUS
from .gates import check_gates, gate_texts

#: A Wednesday.
TODAY = datetime.date(2026, 11, 4)


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The total is $8,450.00 as agreed.", ("$8,450.00",)),
        ("We owe £1,200 in total.", ("£1,200",)),
        ("A fee of €300 applies.", ("€300",)),
        ("That is EUR 300 per month.", ("EUR 300",)),
        ("That is 300 EUR per month.", ("EUR 300",)),
        ("The balance is 8450 USD.", ("USD 8,450",)),
        ("The balance is USD 8,450.", ("USD 8,450",)),
        ("A credit of $ 75 is pending.", ("$75",)),
        ("We were billed $8450 for it.", ("$8,450",)),
        ("The balance stays at $8,450.", ("$8,450",)),
        ("Der Betrag von 1.200,50 € ist offen.", ("€1,200.50",)),
        ("Only €12,50 was refunded.", ("€12.50",)),
        ("It cost US$500 and C$120.", ("USD 500", "CAD 120")),
        ("The contract is worth $2 million.", ("$2 million",)),
        ("A deal of about $8.4k.", ("$8.4k",)),
        ("We paid 300 dollars by card.", ("$300",)),
        ("Invoices of $1,200, $300 and $1,200 again.", ("$1,200", "$300")),
        ("Invoice 10442 for USD 8,450 is open.", ("USD 8,450",)),
        ("Pay £40.5 now.", ("£40.5",)),
        # the ways the rest of the world writes money: Indian grouping, more ISO codes,
        # local abbreviations and symbols, currency words after the figure
        ("The bill is INR 3,54,000 in all.", ("INR 354,000",)),
        ("Balance ₹12,34,567.50 due.", ("₹1,234,567.50",)),
        ("its PHP 187,220?? the quote was PHP 148,000", ("PHP 187,220", "PHP 148,000")),
        ("We paid Rs. 45,000 and then Rs 5,000.", ("Rs 45,000", "Rs 5,000")),
        ("KSh 12,500 for the flour, NGN 450,000 for the diesel.", ("KSh 12,500", "NGN 450,000")),
        ("I sent ₦450,000 and ₱12,000.", ("₦450,000", "₱12,000")),
        ("It came to 45,000 rupees.", ("45,000 rupees",)),
        ("RM 800 was deducted.", ("RM 800",)),
    ],
)
def test_amounts_found_and_normalised(text: str, expected: tuple[str, ...]) -> None:
    """Amounts with a currency are found and written in one normal form."""
    assert find_amounts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Call me on +1 (555) 010-4471 or 555-0142.",
        "We have been partners since 2019 and hope to be in 2027.",
        "A late fee of 1.5% per month applies.",
        "We received 3 pallets, not 12.",
        "Send it to PO Box 7781, Springfield, IL 62704.",
        "The bug is fixed in version 2.3.1 of the app.",
        "Invoice 10442 covers 450 hours of work.",
        "Please read clause 7.2 again.",
        "We sent 3 EUR invoices and 2 USD invoices.",
        "Mrs 45 Green Lane paid ALL 500 invoices.",
    ],
)
def test_numbers_without_currency_are_not_amounts(text: str) -> None:
    """Phone numbers, years, percentages, quantities and codes are not amounts."""
    assert find_amounts(text) == ()


# --------------------------------------------------------------------------- invoices


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About invoice 10442 from last month.", ("10442",)),
        ("About invoice #10442 from last month.", ("10442",)),
        ("Invoice No. 10442 is attached.", ("10442",)),
        ("Invoice number: 10442.", ("10442",)),
        ("Please check INV-2026-0042 again.", ("INV-2026-0042",)),
        ("Please check invoice INV-2026-0042 again.", ("INV-2026-0042",)),
        ("Our PO #7781 was approved.", ("7781",)),
        ("Your order 55-1203 has not shipped.", ("55-1203",)),
        ("I opened ticket #4471 on Monday.", ("4471",)),
        ("Our ref. AB-99 applies.", ("AB-99",)),
        ("Order ID: 88213 is stuck.", ("88213",)),
        ("Invoices 10442 and 10447 are open.", ("10442", "10447")),
        ("Invoices 10442, 10447 and 10450 are open.", ("10442", "10447", "10450")),
        ("Invoices #10442, #10447, and #10450 are open.", ("10442", "10447", "10450")),
        ("Invoice 10442, then invoice 10442 again, then case 3310.", ("10442", "3310")),
        ("Ticket #7 was closed.", ("7",)),
        ("The PO number is 4500123456.", ("4500123456",)),
        ("Please quote case number 00451.", ("00451",)),
    ],
)
def test_invoice_references(text: str, expected: tuple[str, ...]) -> None:
    """Reference words followed by an identifier give the identifier, in order."""
    assert find_invoices(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Call 555-0142 or +44 20 7946 0958 any time.",
        "Our invoices for 2026 follow the new terms.",
        "Invoice 2026 will be the last one this year.",
        "We order 300 units every month.",
        "In case 200 units arrive damaged, call us.",
        "The order 2 weeks ago was fine.",
        "Write to PO Box 7781 or P.O. Box 7782.",
        "Ticket v2.3.1 fixed nothing.",
        "The ZIP code is 90210 and the order is small.",
        "The order is 15% smaller.",
        "An order of 120 pallets.",
        "In order to pay, we need 10442 forms.",
    ],
)
def test_numbers_that_are_not_references(text: str) -> None:
    """Phone numbers, years, quantities, PO boxes and versions are not references."""
    assert find_invoices(text) == ()


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Payment was due October 15.", ("2026-10-15",)),
        ("Payment was due on 15 October 2026.", ("2026-10-15",)),
        ("Payment was due Oct 15th.", ("2026-10-15",)),
        ("Payment was due Oct. 15, 2025.", ("2025-10-15",)),
        ("Payment was due on the 15th of October.", ("2026-10-15",)),
        ("Payment was due 2026-10-15.", ("2026-10-15",)),
        ("Payment was due 15/10/2026.", ("2026-10-15",)),
        ("Payment was due 15.10.2026.", ("2026-10-15",)),
        ("Payment was due 10/15/2026.", ("2026-10-15",)),
        ("Payment was due 05/06/2026.", ("2026-06-05",)),
        ("Payment was due 15/10/26.", ("2026-10-15",)),
        ("Delivery is set for January 10.", ("2027-01-10",)),
        ("We spoke on Friday, October 30.", ("2026-10-30",)),
        ("Due October 15; reminded October 15 and Nov 1.", ("2026-10-15", "2026-11-01")),
        ("It was due 31/06/2026.", ()),
        # phone-typed mail writes months in lower case
        ("bought it on 2 march, only the panels came on 19 march", ("2027-03-02", "2027-03-19")),
        ("the quote u sent aug 28, paid on aug 30", ("2026-08-28", "2026-08-30")),
        ("due sept 14th", ("2026-09-14",)),
    ],
)
def test_absolute_dates(text: str, expected: tuple[str, ...]) -> None:
    """Calendar dates resolve to ISO; a missing year is the one nearest to today."""
    assert find_dates(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We talked last Friday.", "2026-10-30"),
        ("Can we talk next Monday?", "2026-11-09"),
        ("Can we talk this Friday?", "2026-11-06"),
        ("Can you pay by Friday?", "2026-11-06"),
        ("Can you pay by Wednesday?", "2026-11-11"),
        ("It arrived yesterday.", "2026-11-03"),
        ("It will arrive tomorrow.", "2026-11-05"),
        ("It will arrive the day after tomorrow.", "2026-11-06"),
        ("Please pay by the end of the month.", "2026-11-30"),
        ("Please pay by the end of next month.", "2026-12-31"),
        ("Please pay by the end of next week.", "2026-11-13"),
        ("Please pay by the end of this week.", "2026-11-06"),
        ("Please pay by the end of the quarter.", "2026-12-31"),
        ("Please pay by the end of October.", "2026-10-31"),
        ("We will follow up in two weeks.", "2026-11-18"),
        ("We will follow up in 10 days.", "2026-11-14"),
        ("We will follow up in a month.", "2026-12-04"),
        ("We will follow up within 5 business days.", "2026-11-11"),
        ("We wrote three days ago.", "2026-11-01"),
        # phone-typed: short weekday names, "tmrw", and today itself
        ("pls pay by wed", "2026-11-11"),
        ("need it by thurs latest", "2026-11-05"),
        ("it broke last fri", "2026-10-30"),
        ("can u fix it by tmrw arvo", "2026-11-05"),
        ("I need a technician by 6pm today.", "2026-11-04"),
    ],
)
def test_relative_dates_resolve_against_today(text: str, expected: str) -> None:
    """Relative dates are resolved against the given reference date."""
    assert find_dates(text, today=TODAY) == (expected,)


@pytest.mark.parametrize(
    "text",
    [
        "You may pay in two parts if that helps.",
        "You may 5 times ask; the answer is the same.",
        "May I ask when this will be fixed?",
        "We will march on with the project.",
        "They may 2 weeks from now decide.",
        "We'll be done by sun down.",
        "We have 15 pallets and 3 crates.",
        "The fix ships in version 1.2.10.",
        "Please check INV-2026-0042.",
        "Payment is due within 30 days of the invoice date.",
        "We shipped the order in May 2026.",
        "The last Friday of the month works.",
    ],
)
def test_not_dates(text: str) -> None:
    """Modal "may", quantities, versions and references are not dates."""
    assert find_dates(text, today=TODAY) == ()


def test_today_defaults_to_the_real_date() -> None:
    """Without ``today`` the current date is the reference."""
    expected = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert extract("It will arrive tomorrow.").dates == (expected,)


# --------------------------------------------------------------------------- overdue


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invoice 10442 is 49 days past due.", 49),
        ("Invoice 10442 is 45 days overdue.", 45),
        ("The invoice is over 60 days late.", 60),
        ("It is now 3 weeks overdue.", 21),
        ("It is two months overdue.", 60),
        ("It has been overdue by forty-five days.", 45),
        ("It has been outstanding for 90 days; the other is 30 days overdue.", 90),
        ("It is a week late.", 7),
        ("Payment is due in 30 days.", None),
        ("We have worked together for 5 years.", None),
    ],
)
def test_days_overdue(text: str, expected: int | None) -> None:
    """The largest overdue period is returned in days (week 7, month 30)."""
    assert find_days_overdue(text) == expected


# --------------------------------------------------------------------------- counterpart


@pytest.mark.parametrize(
    ("text", "to", "expected"),
    [
        ("Hi Dana,\nThe invoice is open.", None, "Dana"),
        ("Dear Mr. Okafor,\nThe invoice is open.", None, "Mr. Okafor"),
        ("Hello Priya and team,\nThe invoice is open.", None, "Priya"),
        ("Dana —\nThe invoice is open.", None, "Dana"),
        ("\n\nGood morning Dr. Lena Varga!\nThanks.", None, "Dr. Lena Varga"),
        ("Hi Dana,\nThanks.", "Sam Lee <sam@example.com>", "Dana"),
        ("The invoice is open.", "Dana Price <dana@example.com>", "Dana Price"),
        ("The invoice is open.", '"Price, Dana" <dana@example.com>', "Dana Price"),
        ("Dear Sir or Madam,\nThe invoice is open.", "Dana Price <dana@example.com>", "Dana Price"),
        ("Dear Sir or Madam,\nThe invoice is open.", None, None),
        ("Hi team,\nThe invoice is open.", None, None),
        ("Hello all,\nThe invoice is open.", None, None),
        ("Hi there,\nThe invoice is open.", None, None),
        ("Thanks,\nThe invoice is open.", None, None),
        ("Update — the invoice is open.", None, None),
        ("Good news — the invoice is paid.", None, None),
        ("Hi Dana I wanted to ask about the invoice.", None, "Dana"),
        ("Hello, Anne-Marie!\nThe invoice is open.", None, "Anne-Marie"),
        ("The invoice is open.", "dana@example.com", None),
        ("The invoice is open.", "Accounts Payable <ap@example.com>", None),
        ("The invoice is open.", None, None),
    ],
)
def test_counterpart(text: str, to: str | None, expected: str | None) -> None:
    """The greeting names the counterpart; the To display name is the fallback."""
    assert find_counterpart(text, to=to) == expected


# --------------------------------------------------------------------------- type

DRAFTS: list[tuple[str, str]] = [
    (
        "payment",
        (
            "Hi Dana,\nInvoice 10442 for $8,450.00 is now 49 days past due. Could you let me "
            "know when we can expect payment?"
        ),
    ),
    (
        "payment",
        (
            "Hello Marcus,\nInvoices 10442 and 10447 remain unpaid and the outstanding balance "
            "is $12,900. Can we agree on a date for the remittance?"
        ),
    ),
    (
        "delivery",
        (
            "Hi Joan,\nThe 3 pallets we ordered arrived yesterday, and two were damaged in "
            "transit. Could the courier collect them this week?"
        ),
    ),
    (
        "delivery",
        (
            "Dear Mr. Haddad,\nOrder 55-1203 was promised for Monday, but the tracking page has "
            "not moved since then. When will the shipment leave your warehouse?"
        ),
    ),
    (
        "service",
        (
            "Hi Priya,\nOur platform had another outage this morning: 3 hours of downtime, "
            "well beyond the SLA. Can we review what happened?"
        ),
    ),
    (
        "service",
        (
            "Hello Tom,\nTicket #4471 is still open and the scanner isn't working after the "
            "technician's visit. Could someone from support call me?"
        ),
    ),
    (
        "billing",
        (
            "Hi Dana,\nInvoice 10442 charged us twice for the March licences, $8,450.00 instead "
            "of $4,225.00. Could you send a credit note for the difference?"
        ),
    ),
    (
        "billing",
        (
            "Hello Ana,\nINV-2026-0042 shows the wrong amount: we agreed on €1,200, not "
            "€1,500. We have paid the correct part; please refund the rest or send a corrected "
            "invoice."
        ),
    ),
    (
        "contract",
        (
            "Dear Ms. Ito,\nUnder clause 7.2 of our agreement, the renewal needs 60 days' notice. "
            "The new terms arrived after that, so we would like to discuss them."
        ),
    ),
    (
        "contract",
        (
            "Hi Rob,\nThe extra reports fall outside the scope of the statement of work. We "
            "don't see this as a breach, but the contract should be amended first."
        ),
    ),
    (
        "other",
        "Hi Sam,\nAre you free for lunch on Thursday? I'd like to hear how the move went.",
    ),
    (
        "other",
        "Hello Lee,\nAttached are the photos from the trade fair. Talk soon!",
    ),
]


@pytest.mark.parametrize(("expected", "text"), DRAFTS)
def test_dispute_type(expected: str, text: str) -> None:
    """Each short draft is classified by its weighted cue words."""
    assert dispute_type(text) == expected


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        ("billing", "We paid invoice 10442, but you overcharged us by $300; please refund it."),
        ("payment", "Invoice 10442 has not been paid and is 30 days overdue."),
        ("billing", "Invoice 10447 is for the wrong amount; we will pay once it is corrected."),
        ("payment", "The balance on invoice 10447 is still outstanding; please pay it."),
        ("payment", "Invoice 10447 hasn't been paid yet, although the terms were net 30."),
    ],
)
def test_billing_versus_payment(expected: str, text: str) -> None:
    """An invoice charged wrongly is billing; an invoice not paid is payment."""
    assert dispute_type(text) == expected


def test_a_short_text_is_typed_by_the_cues_and_a_whole_email_by_the_model() -> None:
    """The type model learnt from whole emails (43 of its words or more); a text with
    fewer than MODEL_MIN_WORDS of them is read by the cue weights, a longer one by it."""
    short = "You failed to pay the $8,450.00 for invoice 10442 on October 15."
    assert guess_type(short) == Guess("payment", 1.0)  # the cues: unpaid, nothing else
    email = (CORPUS / "rewrite" / "dev5" / "R2-07-plan-charged-twice.txt").read_text()
    found = guess_type(normalize(email))
    assert found.label == "billing" and 0.0 < found.confidence < 1.0  # the model's share
    assert guess_type("Are you free for lunch on Thursday?") == Guess("other", 0.0)


# --------------------------------------------------------------------------- extract


def test_extract_whole_draft() -> None:
    """extract() gathers every fact into a Dispute."""
    draft = (
        "Hi Dana,\n\n"
        "Invoices 10442 and 10447 (USD 8,450 and $1,200.00) are now 3 weeks overdue; "
        "the first was due October 15. Could you confirm payment by next Monday? "
        "Our ref. AB-99, phone 555-0142.\n\nThanks, Sam"
    )
    assert extract(draft, to="Dana Price <dana@example.com>", today=TODAY) == Dispute(
        type="payment",
        amounts=("USD 8,450", "$1,200.00"),
        invoices=("10442", "10447", "AB-99"),
        dates=("2026-10-15", "2026-11-09"),
        days_overdue=21,
        counterpart="Dana",
        type_confidence=1.0,
        # overdue money is the sender's to chase, and "our" is a firm's voice; a
        # weak case, so a low confidence
        sender_role="supplier",
        reader_role="buyer",
        role_confidence=0.33,
    )


def test_extract_empty_text() -> None:
    """An empty draft has no facts and type other."""
    assert extract("", today=TODAY) == Dispute()


def test_extract_handles_curly_apostrophes() -> None:
    """Typographic apostrophes read like plain ones."""
    text = "The scanner isn\u2019t working and we\u2019re in week two of the outage."
    assert extract(text, today=TODAY).type == "service"


def test_what_a_cue_needs_is_read_from_its_regex() -> None:
    assert required_text(r"(?:incorrect|wrong)\s+invoice") == (
        "all",
        (("any", ("incorrect", "wrong")), "invoice"),
    )
    assert required_text(r"statement\s+of\s+work|SOW") == (
        "any",
        (("all", ("statement", "of", "work")), "sow"),
    )
    assert required_text(r"(?:your|the)?\s*order") == "order"  # an optional part needs nothing
    assert required_text(r"\d+\s+days?") == "day"


def test_a_cue_is_skipped_only_where_it_cannot_match() -> None:
    """Every cue of the bundled file, on every corpus draft and clean sentence: where the
    text lacks what the cue needs, the cue finds nothing."""
    cues = load_cues()
    gated = ((pattern, need, holds) for _, table in cues.types for pattern, need, holds, _ in table)
    checked, skipped = check_gates(gate_texts(), gated)
    assert skipped > checked // 2  # most cues are skipped on most texts


_DATE_AND_OVERDUE = (
    "DATE_MONTH_DAY DATE_DAY_MONTH DATE_ISO DATE_NUMERIC DATE_NEAR_DAY DATE_WEEKDAY "
    "DATE_PERIOD_END DATE_MONTH_END DATE_OFFSET DATE_AGO OVERDUE_COUNT_FIRST OVERDUE_STATE_FIRST"
).split()
_PIECES = (
    "3 days ago|two weeks AGO|in 10 business days|within a fortnight|by Friday|this past "
    "Monday|next TUESDAY|end of the quarter|END OF MONTH|end of March 2026|the day after "
    "tomorrow|yesterday|15 Oct 2026|October 15|2026-10-15|15/10/2026|45 days overdue|"
    "overdue by 2 months|3 weeks late|OUTSTANDING FOR 60 DAYS|\u212aelvin|\u0130n 3 days|"
    "invoice 10442|$8,450.00|we|will|pay|the|of|in|day|end|ago|late|, |\n"
).split("|")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_a_skipped_date_pattern_could_not_have_matched(pieces: list[str]) -> None:
    # date and overdue patterns are skipped when the text lacks what every match
    # contains; a skipped pattern never had a match to give
    import mailcoach.facts.patterns as patterns
    from mailcoach.facts.spans import lowered_for, may_match

    text = " ".join(pieces)
    lowered = lowered_for(text)
    for name in _DATE_AND_OVERDUE:
        pattern = getattr(patterns, name)
        if not may_match(pattern, lowered):
            assert pattern.search(text) is None, (name, text)


def test_date_patterns_are_skipped_where_they_cannot_match() -> None:
    import mailcoach.facts.patterns as patterns
    from mailcoach.facts.spans import lowered_for, may_match

    calm = lowered_for("Invoice 10442 for $8,450.00 was paid on 15/10/2026. Thanks, Dana")
    assert not may_match(patterns.DATE_AGO, calm)
    assert not may_match(patterns.DATE_WEEKDAY, calm)
    assert may_match(patterns.DATE_NUMERIC, calm)
    assert lowered_for("\u212a") is None  # the Kelvin sign: lower-casing proves nothing
    assert find_dates("3 days ago", today=datetime.date(2026, 12, 7)) == ("2026-12-04",)
    assert find_days_overdue("It is OVERDUE BY 2 MONTHS.") == 60


#: A lookahead of first characters at the start of a pattern (after its global flags).
_LOOKAHEAD = re.compile(r"^(\(\?[aiLmsux]+\))?(\(\?=\[(?:\\.|[^\]\\])*\]\))")


def test_a_pattern_told_its_first_characters_finds_the_same_matches() -> None:
    """The dispute-type cues and the roles' patterns are compiled with a lookahead of
    the characters their matches start with (facts.needs.lookahead); without it, each
    finds the same matches on every dev corpus draft, clean sentence and odd-case text."""
    from mailcoach.facts.needs import first_chars, lookahead

    assert lookahead(r"\b(?:(?:re-?)?(?:pay|paid))\b") == "(?=[pr])"
    assert first_chars(r"(?<!in )\d+\s+hours") == frozenset({r"\d"})  # the class itself
    assert first_chars(r"[^a]x") is None  # a negated class: not known
    # a scoped flag that changes case-sensitivity: a lookahead outside would differ
    assert first_chars(r"(?i)(?-i:ab)|c") is None
    assert first_chars(r"(?i:ab)|c") is None
    assert first_chars(r"(?i)(?i:ab)|c") == frozenset("ac")
    assert first_chars(r"\b(?:due|owing)?\s*date") == frozenset({"d", "o", r"\s"})
    assert first_chars(r"(?:due)?\s*") is None  # a match may be empty
    texts = [p.read_text(errors="replace") for p in sorted((CORPUS / "emails" / "dev").iterdir())]
    texts += [json.loads(line)["text"] for line in (CORPUS / "clean-business.jsonl").open()]
    texts += ["\u212aELVIN PAID \u0130NVOICE \u017fTATEMENT, overdue RENT; Re-Delivered US"]
    cues = load_cues()
    parties = cues.parties
    compiled = [pattern for _, table in cues.types for pattern, *_ in table]
    compiled += [
        pattern
        for pattern, *_ in [*parties._owner, *parties._subject, *parties._object, *parties._mention]
    ]
    told = 0
    for pattern in compiled:
        plain = re.compile(_LOOKAHEAD.sub(r"\1", pattern.pattern), pattern.flags)
        told += plain.pattern != pattern.pattern
        for text in texts:
            assert [m.span() for m in pattern.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (pattern.pattern, text)
    assert told > len(compiled) * 3 // 4
    # the fact patterns (facts/patterns.py) carry their lookahead written out: each is
    # the one read from the rest of the pattern, and finds what the rest finds
    from mailcoach.facts import patterns

    facts = [getattr(patterns, n) for n in dir(patterns) if n.isupper()]
    facts = [p for p in facts if isinstance(p, re.Pattern)]
    told = 0
    for pattern in facts:
        plain = re.compile(_LOOKAHEAD.sub(r"\1", pattern.pattern), pattern.flags)
        if plain.pattern == pattern.pattern:
            continue
        told += 1
        written = _LOOKAHEAD.search(pattern.pattern)
        assert written is not None
        assert written[2] == lookahead(plain.pattern), (
            f"facts/patterns.py: the pattern starting {plain.pattern[:40]!r} should now "
            f"start with {lookahead(plain.pattern)!r}"
        )
        for text in texts:
            assert [m.span() for m in pattern.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (pattern.pattern, text)
    assert told >= 10
