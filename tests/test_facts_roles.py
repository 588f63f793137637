"""Who writes to whom: each cue kind of ``parties`` in lexicons/disputes.yml, on
sentences written for these tests (none is from a corpus draft)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from mailcoach import LexiconError, check
from mailcoach.dispute import extract
from mailcoach.facts.kind import guess_roles, load_cues
from mailcoach.facts.roles import infer
from mailcoach.rewriting import rewrite

from .gates import check_gates, gate_texts

TODAY = datetime.date(2026, 11, 23)


def roles(text: str, signature: str = "") -> tuple[str | None, str | None]:
    """The roles the cues alone give (``check`` lets the relationship model decide the
    setting unless the cues are sure of it: tests/test_text_model.py)."""
    guess = infer(load_cues().parties, text, signature)
    return guess.sender, guess.reader


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # owner: whose thing it is ("your X" makes the reader its owner)
        ("Your quotation said six weeks and our purchase order said the same.", "payer"),
        ("Our quotation was accepted and your purchase order PO-17 matches it.", "provider"),
        # action, agent: "I/we/you (have not yet) VERB"
        ("You have still not paid for the March batch.", "provider"),
        ("We already paid for the March batch in full.", "payer"),
        # the passive turns the subject into the one the verb is done to
        ("We have still not been paid for the March batch.", "provider"),
        ("I was charged twice for the March batch.", "payer"),
        # action, the one acted on: "VERB me/us/you"
        ("You charged us for forty crates that never came.", "payer"),
        ("We will pay you for the forty crates on Friday.", "payer"),
        # action, a request: "please VERB" makes the reader the agent
        ("Please pay the March batch by Friday.", "provider"),
        ("Kindly refund the March batch to my card.", "payer"),
        # mention with a side: money that is late, work that is not done
        ("The March batch is now overdue.", "provider"),
        ("The gate has still not been fixed.", "payer"),
    ],
)  # fmt: skip
def test_side_cues_tell_which_side_the_sender_is_on(text: str, side: str) -> None:
    parties = load_cues().parties
    found = parties.evidence(text)
    assert found.side.most_common(1)[0][0] == side, found


@pytest.mark.parametrize(
    ("text", "signature", "sender", "reader"),
    [
        # the thing in dispute sets the scene, the grammar says who is who
        ("You have not paid the rent for your tenancy since August.", "", "landlord", "tenant"),
        ("I paid the rent on the 1st, and the lease says the boiler is yours to fix.", "",
         "tenant", "landlord"),
        ("Your retainer for the shoot has not been paid and my day rate has not changed.", "",
         "freelancer", "client"),
        ("You charged me twice for my subscription and my refund has not come.", "",
         "consumer", "company"),
        # the sender's title in the signature
        ("The two pallets on PO-311 have not been paid.", "Rhea Fox\nCredit Control", "supplier",
         "buyer"),
        ("Please send the keys back by Friday.", "Ola Berg\nProperty Manager", "landlord",
         "tenant"),
        # the reader's title in the greeting
        ("Dear Accounts Payable,\nThe pallets on PO-311 are still open.", "", "supplier",
         "buyer"),
        ("Dear Customer Service,\nI have been waiting three weeks.", "", "consumer", "company"),
        # a company's apology to its customer
        ("We are so sorry that your parcel went missing; that was our error.", "", "company",
         "consumer"),
    ],
)  # fmt: skip
def test_roles_come_from_side_and_setting(
    text: str, signature: str, sender: str, reader: str
) -> None:
    assert roles(text, signature) == (sender, reader)


def test_the_voice_tells_a_lone_provider_from_a_firm() -> None:
    """With only the side known, "I" points to a freelancer and "we" to a supplier."""
    lone = "I sent my invoice in May and I have not been paid. I need it by Friday."
    firm = "We sent our invoice in May and we have not been paid. We need it by Friday."
    assert roles(lone)[0] in {"freelancer", "landlord"}
    assert roles(firm)[0] in {"supplier", "company"}
    assert roles(lone)[0] != roles(firm)[0]


def test_a_sign_off_inside_the_text_counts_as_a_title() -> None:
    text = "Hi Sam,\n\nWe tried your card again today.\n\nThanks,\nThe Lumen Team\n"
    assert roles(text)[0] == "company"


def test_a_draft_typed_on_one_line_still_has_a_greeting_and_a_sign_off() -> None:
    """A phone draft with no line breaks: the greeting runs to the first comma, the
    sign-off is what follows the last full stop."""
    assert roles("dear landlord, the heating is off again and its cold. sort it today")[0] == (
        "tenant"
    )
    assert roles("hi Jo, the boiler is off again. please sort it. Flat 9b")[0] == "tenant"


def test_a_title_inside_prose_is_not_a_title() -> None:
    """A long closing line is a sentence, not a sign-off: "sales" in it says nothing."""
    text = (
        "Hi Sam,\n\nOur sales figures dropped this month because the shelves were empty all week.\n"
    )
    who, _ = guess_roles(text)
    assert who.confidence < 0.6


def test_weak_evidence_gives_a_low_confidence() -> None:
    weak, _ = guess_roles("The March batch is now overdue.")
    strong, _ = guess_roles(
        "Dear Accounts Payable,\nYour purchase order PO-311 was delivered on 2 May and you have "
        "not paid our invoice. The pallets are now overdue.\nRhea Fox\nCredit Control"
    )
    assert weak.label is not None and weak.confidence < 0.6
    assert strong.label == "supplier" and strong.confidence >= 0.6


def test_the_signature_is_a_cue_only_through_extract() -> None:
    text = "The two pallets on PO-311 have not been paid."
    assert extract(text, today=TODAY).sender_role != "buyer"
    with_title = extract(text, today=TODAY, signature="Mo Diaz\nPurchasing")
    assert with_title.sender_role == "buyer"


def test_check_reads_the_signature_block_for_the_title() -> None:
    draft = (
        "Hi Lee,\n\nThe two pallets on PO-311 still have not come.\n\n"
        "Kind regards,\nMo Diaz\nPurchasing Manager, Diaz Foods\n"
    )
    assert check(draft).dispute.sender_role == "buyer"


def test_a_guess_the_cues_are_unsure_of_sets_no_role_clause() -> None:
    """Unsure roles do not pick the benchmark: the clause follows the dispute type."""
    text = (
        "Hi Jo,\n\nThe rent of $1,250.00 is late again. Frankly I'm sick of chasing this "
        "every single month.\n\nAna\n"
    )
    report = check(text)
    assert report.dispute.sender_role == "landlord" and report.dispute.role_confidence < 0.6
    [note] = [n for n in rewrite(report, today=TODAY).notes if "benchmark" in n]
    assert "rent arrives" not in note and "paid by their due dates" in note, note


def test_a_setting_naming_an_unknown_setting_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "disputes.yml"
    bad.write_text(
        "types: {}\nparties:\n  settings:\n    trade: {provider: supplier, payer: buyer}\n"
        "  cues:\n    - {kind: mention, weight: 2, setting: farm, patterns: [cows]}\n"
    )
    with pytest.raises(LexiconError, match="unknown setting 'farm'"):
        load_cues(bad)


def test_a_party_cue_is_skipped_only_where_it_cannot_match() -> None:
    """Every owner, action and mention pattern of the bundled file, on every dev corpus
    draft and clean sentence: where the text lacks what the pattern needs (read from
    its regex), the pattern finds nothing, so ``evidence`` may skip its scan."""
    parties = load_cues().parties
    table = [*parties._owner, *parties._subject, *parties._object, *parties._mention]
    checked, skipped = check_gates(gate_texts(), [(row[0], *row[1]) for row in table])
    assert skipped > checked // 3  # many patterns are skipped on many texts
