"""Where each line of a whole email goes, per mail client and signature shape.

Every ``split_*`` fixture in ``tests/fixtures/mail`` is a message in one client's
format, written for these tests. ``LAYOUT`` says, for each, the runs of non-blank
lines: the kind of the run and the start of its first line. A run of kind
``disclaimer`` is a signature segment whose lines the splitter marks as a legal
disclaimer. The pieces of the split always put the body back together byte for
byte, and the real pipeline never reports a finding outside the sender's own text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcoach import check
from mailcoach.inputs import read_draft, split_body
from mailcoach.inputs.split import DISCLAIMER, mark_lines
from mailcoach.model import Draft, Segment, SegmentKind, Severity

MAIL = Path(__file__).parent / "fixtures" / "mail"

OWN, QUOTED, SIGNATURE, LEGAL = "own", "quoted", "signature", "disclaimer"

#: fixture -> runs of non-blank lines: (kind, how the run's first line starts)
LAYOUT: dict[str, list[tuple[str, str]]] = {
    "split_gmail_wrapped_attribution.txt": [
        (OWN, "Hi Priya,"),
        (SIGNATURE, "Best regards,"),
        (QUOTED, "On Tue, 3 Nov 2026 at 09:12, Priya Shah <"),
    ],
    "split_localised_attribution.txt": [
        (OWN, "Hallo Jens,"),
        (SIGNATURE, "Viele Grüße"),
        (QUOTED, "Am 02.11.2026 um 17:40 schrieb"),
    ],
    "split_outlook_bold_header.txt": [
        (OWN, "Hello Graham,"),
        (SIGNATURE, "Regards,"),
        (QUOTED, "**From:** Graham Tully"),
    ],
    "split_outlook_localised_header.txt": [
        (OWN, "Dear Mr Vogel,"),
        (SIGNATURE, "Kind regards,"),
        (QUOTED, "________________"),
    ],
    "split_gmail_forwarded.txt": [
        (OWN, "Hi Sunita,"),
        (SIGNATURE, "Thanks,"),
        (QUOTED, "---------- Forwarded message ---------"),
    ],
    "split_apple_forwarded.txt": [
        (OWN, "Gemma, the thread below"),
        (SIGNATURE, "Sent from my iPad"),
        (QUOTED, "Begin forwarded message:"),
    ],
    "split_signature_company_caps.txt": [
        (OWN, "Hi Dev,"),
        (SIGNATURE, "Warm regards,"),
    ],
    "split_signature_group_thanks_slogan.txt": [
        (OWN, "Hi all,"),
        (SIGNATURE, "Thanks all,"),
    ],
    "split_signature_caps_slogan_no_signoff.txt": [
        (OWN, "Hi Jo,"),
        (SIGNATURE, "Mark Ellis"),
    ],
    # a slogan ending in a full stop, a short name line right below the last sentence,
    # an address line with "No." and no closing phrase
    "split_signature_slogan_full_stop.txt": [
        (OWN, "Hi Priya,"),
        (SIGNATURE, "Tomasz"),
    ],
    # a slogan with a comma in quotes; a disclaimer that limits liability
    "split_disclaimer_limited_liability.txt": [
        (OWN, "Dear Mr Haddad,"),
        (SIGNATURE, "Kind regards,"),
        (LEGAL, "This email is intended"),
    ],
    "split_signature_no_signoff.txt": [
        (OWN, "Morning Alex,"),
        (SIGNATURE, "Jo Pearce"),
    ],
    "split_name_only_above_quote.txt": [
        (OWN, "Ravi,"),
        (SIGNATURE, "Kate"),
        (QUOTED, "On Mon, 2 Nov 2026 at 18:11, Ravi Menon"),
    ],
    "split_disclaimer_alone.txt": [
        (OWN, "Dear Ms Adeyemi,"),
        (LEGAL, "This email and any attachments are confidential"),
    ],
    "split_disclaimer_one_line_legal_action.txt": [
        (OWN, "Hi Imogen,"),
        (SIGNATURE, "Thanks,"),
        (LEGAL, "Any unauthorised copying"),
    ],
    "split_disclaimer_named_addressee.txt": [
        (OWN, "Dear Mr Okafor,"),
        (SIGNATURE, "Regards,"),
        (LEGAL, "The information in this email"),
    ],
    "split_disclaimer_erase_by_mistake.txt": [
        (OWN, "Hello Priya,"),
        (SIGNATURE, "Kind regards,"),
        (LEGAL, "This message and its attachments"),
    ],
    "split_disclaimer_then_footer.txt": [
        (OWN, "Hi Tom,"),
        (SIGNATURE, "Cheers,"),
        (LEGAL, "CONFIDENTIALITY NOTICE:"),
        (SIGNATURE, "Sent from my iPhone"),
    ],
    "split_mobile_footer_only.txt": [
        (OWN, "Got it, thanks."),
        (SIGNATURE, "Sent from Yahoo Mail on Android"),
    ],
    "split_hostile_own_text_above_quote.txt": [
        (OWN, "Darren,"),
        (SIGNATURE, "Lena Fischer"),
        (QUOTED, "On Mon, 2 Nov 2026 at 10:00, Darren Holt"),
    ],
    "split_html_thunderbird.eml": [
        (OWN, "Hi Felix,"),
        (SIGNATURE, "-- "),
        (QUOTED, "On 02/11/2026 18:40, Felix Brandt wrote:"),
    ],
    "split_html_outlook_desktop.eml": [
        (OWN, "Hi Peter,"),
        (SIGNATURE, "Best wishes,"),
        (QUOTED, "From: Peter Shaw"),
    ],
    "split_uk_company_footer.txt": [
        (OWN, "Hi Marcus,"),
        (SIGNATURE, "Kind regards,"),
        (LEGAL, "Halden Door Systems Ltd. Registered"),
    ],
    "split_outlook_one_line_header.txt": [
        (OWN, "Hi Beth,"),
        (SIGNATURE, "Get Outlook for Android"),
        (QUOTED, "From: Beth Crane"),
    ],
    "split_html_outlook_web_prefixed.eml": [
        (OWN, "Lisa, the missing pallet"),
        (QUOTED, ">"),
    ],
}

#: Fixtures whose own text says something hurtful: the check must still find it.
HURTFUL_OWN = {"split_hostile_own_text_above_quote.txt"}
#: Fixtures whose quotes, signature or disclaimer hold words that are flagged in own text.
HOSTILE_ELSEWHERE = sorted(
    set(LAYOUT)
    - HURTFUL_OWN
    - {"split_mobile_footer_only.txt", "split_signature_company_caps.txt"}
    - {"split_signature_group_thanks_slogan.txt"}
    - {"split_signature_no_signoff.txt"}
)


def test_every_split_fixture_has_a_layout() -> None:
    assert sorted(p.name for p in MAIL.glob("split_*")) == sorted(LAYOUT)


def runs(draft: Draft) -> list[tuple[str, str]]:
    """Return the runs of non-blank lines of ``draft``: (kind, first line)."""
    lines = draft.body.split("\n")
    markers = mark_lines(lines)
    found: list[tuple[str, str]] = []
    offset = 0
    for line, marker in zip(lines, markers, strict=True):
        segment = next((s for s in draft.segments if s.start <= offset < s.end), None)
        offset += len(line) + 1
        if segment is None or not line.strip():
            continue
        kind = segment.kind.value
        if segment.kind is SegmentKind.SIGNATURE and marker == DISCLAIMER:
            kind = LEGAL
        if not found or found[-1][0] != kind:
            found.append((kind, line))
    return found


def gold_kinds(body: str, layout: list[tuple[str, str]]) -> list[str]:
    """Return the kind ``layout`` gives each line of ``body`` (not the splitter's)."""
    kinds: list[str] = []
    run = -1
    for line in body.split("\n"):
        if run + 1 < len(layout) and line.strip() and line.startswith(layout[run + 1][1]):
            run += 1
        kinds.append(layout[max(run, 0)][0])
    assert run == len(layout) - 1, "every run of the layout starts somewhere"
    return kinds


@pytest.mark.parametrize("name", sorted(LAYOUT))
def test_each_line_goes_where_it_belongs(name: str) -> None:
    draft = read_draft(MAIL / name)
    got = runs(draft)
    assert [kind for kind, _ in got] == [kind for kind, _ in LAYOUT[name]], got
    for (_, line), (_, start) in zip(got, LAYOUT[name], strict=True):
        assert line.startswith(start), (line, start)


@pytest.mark.parametrize("name", sorted(LAYOUT))
def test_the_pieces_put_the_body_back_together(name: str) -> None:
    draft = read_draft(MAIL / name)
    assert "".join(draft.body[s.start : s.end] for s in draft.segments) == draft.body
    if name.endswith(".txt"):
        assert draft.body == (MAIL / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(LAYOUT))
def test_findings_never_land_outside_own_text(name: str) -> None:
    """No finding on a line that the layout (not the splitter) says is not own text."""
    report = check(MAIL / name)
    kinds = gold_kinds(report.body, LAYOUT[name])
    for finding in report.findings:
        line = report.body.count("\n", 0, finding.start)
        assert kinds[line] == OWN, (finding.rule_id, finding.text)
    if name in HURTFUL_OWN:
        assert any(f.severity >= Severity.WARNING for f in report.findings)


@pytest.mark.parametrize("name", sorted(HOSTILE_ELSEWHERE))
def test_what_the_split_sets_aside_would_be_flagged_as_own_text(name: str) -> None:
    """The quotes and signatures hold words the checker flags: the split is what saves them."""
    report = check(MAIL / name)
    aside = "\n".join(
        report.body[s.start : s.end].replace("> ", "").replace(">", "")
        for s in report.segments
        if s.kind is not SegmentKind.OWN
    )
    as_own = Draft(body=aside, segments=(Segment(0, len(aside), SegmentKind.OWN),))
    assert any(f.severity >= Severity.WARNING for f in check(as_own).findings)


# -- the guards of the looser signature shapes --------------------------------------


def kinds_of(body: str) -> list[tuple[str, str]]:
    """Return (kind, text) for every segment of ``body``."""
    return [(s.kind.value, body[s.start : s.end]) for s in split_body(body)]


@pytest.mark.parametrize(
    "last",
    [
        "See You In Court",  # a name holds no pronoun
        "Otherwise, Friday.",  # a sentence
        "PAY NOW\nSam Ortiz",  # shouting above the name
        "FINAL WARNING",
        "Or Else",
        "Last Chance",
    ],
)
def test_a_short_last_paragraph_that_is_not_a_name_stays_own(last: str) -> None:
    body = f"The invoice is 60 days overdue.\n\n{last}\n"
    assert kinds_of(body) == [(OWN, body)]


def test_a_phrase_after_a_closing_without_a_name_stays_own() -> None:
    body = "The invoice is 60 days overdue.\n\nThanks,\nyou lot are hopeless\n"
    assert kinds_of(body) == [(OWN, body)]


def test_a_company_name_in_capitals_is_not_a_closing_phrase() -> None:
    assert mark_lines(["BRIGHTSTONE AGGREGATES LTD", "BR", "Thx, Sam"]) == "ncc"


@pytest.mark.parametrize(
    "closing",
    ["Thank you and kind regards,", "Thanks and best regards,", "Many thanks & best wishes,"],
)
def test_a_closing_after_thanks_opens_the_signature(closing: str) -> None:
    """dev8's credit controller signed off "Thank you and kind regards," and her name,
    title and company in capitals were checked as her own text."""
    own = "Could you let me know by 21 June when we can expect the payment?\n"
    signature = (
        f"\n{closing}\n\nAgnieszka Wróblewska\nCredit Controller\nKARTONEX SP. Z O.O.\n"
        "tel. +48 61 814 22 90\nPackaging that arrives in one piece.\n"
    )
    assert kinds_of(own + signature) == [(OWN, own), (SIGNATURE, signature)]


def test_thanks_and_a_request_on_one_line_is_no_closing() -> None:
    assert mark_lines(["Thanks and regards to your team for the quick fix."]) == "t"


def test_a_tagline_needs_a_name_above_it() -> None:
    own = "The refund is on its way.\n"
    signature = "\nKind regards,\nMia Lund\nLund Interiors\nRooms that work since 1998\n"
    assert kinds_of(own + signature) == [(OWN, own), (SIGNATURE, signature)]


def test_a_name_above_a_mobile_footer_is_signature_too() -> None:
    own = "Pay the balance by Friday, please.\n"
    assert kinds_of(own + "\nSam Ortiz\nSent from my iPhone\n") == [
        (OWN, own),
        (SIGNATURE, "\nSam Ortiz\nSent from my iPhone\n"),
    ]


@pytest.mark.parametrize("last", ["Pathetic", "Worst. Service. Ever", "Mark"])
def test_one_word_or_dotted_last_lines_stay_own(last: str) -> None:
    body = f"The invoice is 60 days overdue.\n\n{last}\n"
    assert kinds_of(body) == [(OWN, body)]


@pytest.mark.parametrize(
    "remark", ["Sort it out or else", "Absolute cowboys, the lot of them", "YOU OWE US"]
)
def test_a_remark_below_a_name_is_no_tagline(remark: str) -> None:
    body = f"The invoice is 60 days overdue.\n\nDana Price\nPrice Haulage\n{remark}\n"
    assert kinds_of(body) == [(OWN, body)]


def test_no_hurtful_dev_sentence_is_set_aside_at_the_end_of_a_message() -> None:
    """Every labelled dev sentence, punctuated or not, stays own text as a last paragraph."""
    corpus = Path(__file__).parent / "corpus"
    hidden = []
    for path in sorted(corpus.glob("sentences-dev*.jsonl")):
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            if not row["labels"]:
                continue
            for text in {row["text"], row["text"].rstrip(".!?")} - {""}:
                for body in (
                    f"Hi Sam,\n\nThe invoice is attached.\n\n{text}\n",
                    f"Hi Sam,\n\n{text}\n\nRegards,\nDana Price\nPrice Haulage\n",
                ):
                    start = body.index(text)
                    if any(
                        s.start <= start < s.end and s.kind is not SegmentKind.OWN
                        for s in split_body(body)
                    ):
                        hidden.append(text)
    assert hidden == []


CALM_DEV = Path(__file__).parent / "corpus" / "emails" / "dev-calm"


@pytest.mark.parametrize(
    ("name", "set_aside"),
    [
        ("01-ar-first-reminder.txt", ["HARGREAVE & SONS LTD", "ON TIME, EVERY TIME"]),
        ("04-supplier-corrected-invoice.txt", ["ONE BOLT AT A TIME"]),
        ("09-supplier-escalation-with-knowledge.txt", ["ALPENROSE FEINKOST AG"]),
        ("14-supplier-multipart-short-delivery.eml", ["SOLMAR TEXTILES, LDA", "THAT LASTS"]),
        ("18-ar-final-notice-fair-multipart.eml", ["SHANNON HIRE & STAGING"]),
        # a slogan that says "always" or "not"; a handle with a dot; "Thanks all,"
        ("06-support-lead-outage-credit.txt", ["CLOUDWEIR SYSTEMS GMBH", "ALWAYS ON"]),
        ("08-contractor-variation-dispute.txt", ["O'CONNELL BUILDING", "QUALITY YOU CAN"]),
        ("15-support-lead-multipart-blockquote.eml", ["HELPDESKLY LTD", "HUMANS, NOT BOTS"]),
        ("16-ar-apple-forwarded-internal.eml", ["ATLAS MEDICAL SUPPLIES", "EVERY DAY"]),
    ],
)
def test_company_slogans_and_address_lines_below_a_signoff_are_signature(
    name: str, set_aside: list[str]
) -> None:
    """Outside writers' calm mail: a slogan with commas between the company name and
    its phone line, an address or a long line of contacts below a sign-off."""
    report = check(CALM_DEV / name)
    own = "".join(report.body[s.start : s.end] for s in report.segments if s.kind == "own")
    for text in set_aside:
        assert text in report.body and text not in own, text
    assert not [f.rule_id for f in report.findings if f.rule_id.startswith("inflammatory.shout")]


CALM_DEV2 = Path(__file__).parent / "corpus" / "emails" / "dev-calm2"


@pytest.mark.parametrize(
    ("name", "set_aside"),
    [
        # no closing phrase; a quoted slogan with a comma; a registration number line
        ("A-07-plumber-reset.txt", ["WHITLOCK HEATING & PLUMBING LTD", "No job too small"]),
        # a slogan that says "your"
        ("A-06-eventhire-marquee-balance.eml", ["SOUTHERN MARQUEES", "Your day, under"]),
        # a slogan of two short sentences; "No." before a house number; "van der"
        ("B-05-v5-licence-renewal.txt", ["Licensing made simple.", "Block C, Sunnyside"]),
        ("B-08-v1-short-shipment-apology.txt", ["SRI KAMAKSHI TEXTILES", "No. 14, Kovai Road"]),
        ("C-01-keystone-shortage-notice.eml", ["HALVORSEN INDUSTRIAL GROUP", "Built to Last."]),
        # the name right below the last sentence, no closing phrase
        ("C-03-northpoint-invoice-followup.txt", ["JUNE TREMBLAY STUDIO", "88 Locke St S"]),
        # disclaimers that limit liability and mention legal action
        ("A-09-eventhire-damage-bond.txt", ["SOUTHERN MARQUEES", "Our liability for hired"]),
        (
            "B-09-v2-delivery-delay-apology.txt",
            ["LAGOSGATE LOGISTICS", "waives any right to legal"],
        ),
    ],
)
def test_name_blocks_with_slogans_and_disclaimers_are_signature(
    name: str, set_aside: list[str]
) -> None:
    """The second set of outside writers' calm mail: the block after the writer's text."""
    report = check(CALM_DEV2 / name)
    own = "".join(report.body[s.start : s.end] for s in report.segments if s.kind == "own")
    for text in set_aside:
        assert text in report.body and text not in own, text
    assert not [f.rule_id for f in report.findings if f.rule_id.startswith("inflammatory.shout")]


@pytest.mark.parametrize(
    "remark",
    [
        "Your warehouse lost our pallets again.",
        "Fine. Lawyer's next.",
        "Oh brilliant, another 'system glitch'.",
        "We are still waiting for the money.",
        "I'll take your silence as agreement, then.",
        "Third reminder. Pay by Friday.",
        "you lot are hopeless.",
        "Enjoy the reviews while they last.",
    ],
)
def test_a_remark_between_a_name_block_and_its_phone_stays_own_text(remark: str) -> None:
    """Where a slogan may end in a full stop, a sentence of the writer's is still theirs."""
    body = f"Hi Sam,\n\nInvoice 10442 is attached.\n\nDana Price\nNorthline Supply\n{remark}\n"
    body += "T: 0161 496 0732\n"
    own = "".join(body[s.start : s.end] for s in split_body(body) if s.kind is SegmentKind.OWN)
    assert remark in own


@pytest.mark.parametrize(
    "tail",
    [
        "Kind regards,\nDana\nNorthline Supply\nPay the 500 by Friday or else\nT: 555 0100 200\n",
        "Kind regards,\nDana\nNorthline Supply\nYour 3rd late payment, again\nT: 555 0100 200\n",
        "Kind regards,\nDana\nNorthline Supply\n12 reminders and still nothing.\n",
        "Kind regards,\nDana\nNorthline Supply\nNOT PAID AGAIN, NOT OK\nT: 555 0100 200\n",
        "Kind regards,\nDana\nNorthline Supply\nNO MORE EXCUSES\nT: 555 0100 200\n",
        "Kind regards,\nDana\nNorthline Supply\nYOU HAVE BEEN WARNED\nT: 555 0100 200\n",
        "Thanks all,\nDana\nNorthline Supply\nI am still waiting — ALWAYS\nT: 555 0100 200\n",
    ],
)
def test_a_remark_below_a_signoff_stays_own_text(tail: str) -> None:
    body = "Hi Sam,\n\nInvoice 10442 is attached.\n\n" + tail
    report = check(body)
    own = "".join(report.body[s.start : s.end] for s in report.segments if s.kind == "own")
    remark = tail.splitlines()[3]
    assert remark in own


#: Long corporate signature blocks that the line-by-line tests could not take whole: a
#: second, full name block after a first-name sign-off, slogans of short sentences, an
#: address line, a sentence about the firm, and footers below the disclaimer.
LONG_BLOCKS = [
    "Kind regards,\n\nOla Nordmann\nSenior Credit Controller | Receivables\n"
    "FJORDLINE MARINE SUPPLIES AS\nRopes. Chains. Everything for the deck.\n"
    "T: +47 55 55 01 23 | E: ola@fjordline.example\nBryggen 12, 5003 Bergen\n\n"
    "This email is confidential and may be legally privileged. If you received it in error, "
    "please tell the sender and delete it; we accept no liability for its contents.\n\n"
    "Please consider the environment before printing this email.\n",
    "Cheers,\nMaya\n\nMaya Okafor\nHead of Wholesale\nBLUE GUM BAKEHOUSE PTY LTD\n"
    "Baked before sunrise, delivered with you in mind.\nM 0412 555 019 | www.bluegum.example\n"
    "Blue Gum Bakehouse is a member of the regional food producers' association.\n"
    "Open Mon-Sat 5am-2pm\n",
]


@pytest.mark.parametrize("tail", LONG_BLOCKS)
def test_a_long_signature_block_below_a_closing_is_set_aside(tail: str) -> None:
    body = "Hi Sam,\n\nThe statement is attached; the two invoices are now 30 days overdue.\n\n"
    report = check(body + tail)
    own = "".join(report.body[s.start : s.end] for s in report.segments if s.kind == "own")
    assert own.strip().endswith("30 days overdue.")
    assert not report.findings  # the company name in capitals is not shouting


def test_a_name_block_with_a_quoted_slogan_and_no_closing_is_set_aside() -> None:
    body = (
        "Hi Steve,\n\nThe valve report is attached, and invoice 2291 can be split in two.\n\n"
        "Thanks for bearing with us on this one.\n\n"
        "Marc Tremblay\nOwner\nTREMBLAY PLUMBING & HEATING LTD.\n"
        '"Done right the first time, or we come back."\n'
        "905-555-0182 | 48 Barton St E, Hamilton, ON L8L 2V7\n"
    )
    report = check(body)
    own = "".join(report.body[s.start : s.end] for s in report.segments if s.kind == "own")
    assert own.strip().endswith("Thanks for bearing with us on this one.")
    assert not report.findings


@pytest.mark.parametrize(
    "remark",
    ["You still owe us the 500.", "Pay by Friday or else.", "Third 'reminder' this month."],
)
def test_a_remark_below_the_contacts_of_a_long_block_stays_own_text(remark: str) -> None:
    tail = LONG_BLOCKS[1].replace("Open Mon-Sat 5am-2pm\n", remark + "\n")
    body = "Hi Sam,\n\nThe statement is attached.\n\n" + tail
    own = "".join(body[s.start : s.end] for s in split_body(body) if s.kind is SegmentKind.OWN)
    assert remark in own


CALM_DEV3 = Path(__file__).parent / "corpus" / "emails" / "dev-calm3"


@pytest.mark.parametrize(
    ("name", "set_aside"),
    [
        # a slogan of short sentences, an address line, disclaimers and a registration line
        ("Y-01-uk-foodservice-overdue-statement.txt", ["HARCOURT & VALE FOODSERVICE LTD"]),
        # a first name, a blank line, then the full block with a slogan that says "you"
        ("Y-02-in-agency-milestone-invoice.eml", ["PIXELBANYAN", "Design that grows"]),
        # a sentence about the practice between contact lines
        ("Y-03-au-physio-failed-gap-payment.txt", ["BAYSIDE MOTION", "registered HICAPS"]),
        # an environmental footer last, below the disclaimer
        ("Y-05-in-office-deposit-refund.txt", ["SAFFRON LEDGER", "Save paper"]),
        ("Y-07-uk-translator-late-fee-waiver.txt", ["CASTELLANOS-REID LANGUAGE SERVICES"]),
        # a fraud warning in capitals between disclaimers
        ("Y-08-in-retailer-refund-arn.txt", ["VOLTKART RETAIL", "BEWARE OF FRAUD"]),
        # no closing phrase; a quoted slogan with "or"; contacts and an address on one line
        ("Z-02-plumbing-invoice-hamilton.eml", ["TREMBLAY PLUMBING", "Fixed right"]),
    ],
)
def test_long_corporate_signature_blocks_are_signature(name: str, set_aside: list[str]) -> None:
    """Outside writers' calm mail (dev-calm3): blocks longer than a sign-off may be, with
    prose lines the line-by-line tests take for the writer's own."""
    report = check(CALM_DEV3 / name)
    own = "".join(report.body[s.start : s.end] for s in report.segments if s.kind == "own")
    for text in set_aside:
        assert text in report.body and text not in own, text
    assert not [f.rule_id for f in report.findings if f.rule_id.startswith("inflammatory.shout")]
