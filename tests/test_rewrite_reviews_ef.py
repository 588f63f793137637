"""What reviewers E and F found in the rewrites of the 29 hostile dev drafts (issue 12).

Every draft goes through the real pipeline (rules, sentence model, parse, VADER,
re-check). The dev drafts are by outside writers; the short drafts are our own,
written for the shape the reviewers named.
"""

from __future__ import annotations

import datetime
import json

import pytest
from click.testing import CliRunner

from mailcoach import check
from mailcoach.cli import cli
from mailcoach.coaching import checklist
from mailcoach.model import Dispute
from mailcoach.rewriting import rewrite
from mailcoach.rewriting.rephrase import load_steps

from .conftest import CORPUS

TODAY = datetime.date(2026, 11, 10)
DEV = CORPUS / "rewrite" / "dev"
HEAD = "Hi Ana,\n\nOur order ref. PO-5531 is still open.\n\n"
TAIL = "\n\nOwen\n"

REPUTATION = (
    "If you try to bill us for this again I will make sure every facilities manager in the "
    "Pune association hears about it."
)


# ------------------------------------------ 1. a flagged sentence no edit fits


def test_a_menace_that_carries_nothing_to_keep_is_removed_and_said() -> None:
    # dev/10: the reputational threat was left as written (reviewers E and F: "one
    # sentence to delete"); its "I will" announces the menace, not a commitment.
    result = rewrite(check(DEV / "10-buyer-scope-installation.txt"), today=TODAY)
    assert REPUTATION not in result.text
    assert REPUTATION in result.removed
    assert any(REPUTATION in n and n.startswith("removed") for n in result.notes)
    assert "We will pay the equipment portion of \u20b93,54,000 by 25 November." in result.text
    assert not [f for f in result.after.findings if f.rule_id.startswith("threatening.")]
    assert "\n\n\n" not in result.text  # the removed last paragraph leaves no blank run


def test_a_removed_sentence_is_in_the_json_and_the_diff() -> None:
    path = str(DEV / "10-buyer-scope-installation.txt")
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["rewrite", path, "--format", "json"]).stdout)
    assert REPUTATION in data["rewrite"]["removed"]
    assert any(REPUTATION in n for n in data["rewrite"]["notes"])
    diff = runner.invoke(cli, ["rewrite", path, "--diff"]).stdout
    assert f"-{REPUTATION}" in diff


def test_a_review_site_threat_is_removed_but_the_refund_request_stays() -> None:
    result = rewrite(check(DEV / "38-consumer-laptop-refund-mp.eml"), today=TODAY)
    threat = "I will be posting my full experience on every review site until this is resolved."
    assert threat in result.removed
    assert "Kindly refund \u20b972,499 to my original payment method" in result.text


@pytest.mark.parametrize(
    "sentence",
    [
        # a proportionate step: a solicitor, a deposit scheme, a chargeback
        "If it has not arrived by then we will put your account on stop and pass the debt to "
        "our solicitors.",
        "If it isn't there by then I will raise a claim with the deposit protection scheme.",
        "If I don't hear back I'll dispute the charge with my bank.",
    ],
)
def test_a_threat_that_names_a_proportionate_step_is_never_removed(sentence: str) -> None:
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert result.removed == ()
    assert "solicitors" in result.text or "scheme" in result.text or "bank" in result.text


def test_every_steps_example_is_told_apart() -> None:
    steps = load_steps()
    assert steps.step_examples and steps.menace_examples
    assert all(steps.named_in(s) for s in steps.step_examples)
    assert not any(steps.named_in(s) for s in steps.menace_examples)


def test_a_menace_clause_goes_and_the_demand_before_it_stays() -> None:
    # dev/15: "and I'll be keeping a very close eye on everything else in that house"
    result = rewrite(check(DEV / "15-landlord-damage-garden.txt"), today=TODAY)
    kept = "If I have to pay for a skip you'll be paying for it."
    assert kept + "\n" in result.text
    assert "close eye" not in result.text
    # whether the sentence model still reads the cost claim as a threat depends on
    # the model; if it does, the notes say so for the sentence as it now stands
    for f in result.after.findings:
        if f.rule_id.startswith("threatening."):
            assert any(kept in n and "still reads as threatening" in n for n in result.notes)


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        (
            "07-buyer-missed-delivery-date.txt",
            "How could you confirm two dates without checking whether the stock existed?",
            "Could you explain the decision to confirm two dates without checking whether the "
            "stock existed?",
        ),
    ],
)
def test_a_blaming_question_becomes_a_request_for_information(
    path: str, old: str, new: str
) -> None:
    result = rewrite(check(DEV / path), today=TODAY)
    assert new in result.text and old not in result.text
    assert "Why did you" not in result.text
    at = result.text.index(new)
    assert not [
        f
        for f in result.after.findings
        if f.rule_id.startswith("blaming.") and at <= f.start < at + len(new)
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Why did you cancel the visit without telling anyone?",
            "Could you explain the decision to cancel the visit without telling anyone?",
        ),
        (
            "How could you possibly ship the order without the cables?",
            "Could you explain the decision to ship the order without the cables?",
        ),
    ],
)
def test_why_did_you_and_how_could_you_ask_for_the_reason(sentence: str, expected: str) -> None:
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert result.text == HEAD + expected + TAIL


# ------------------------------------------------- 2. a rephrasing still a dig


def test_a_verdict_on_the_readers_trade_is_removed_not_softened() -> None:
    # dev/29: 'padding an invoice' became "I would expect better from a chartered
    # accountant", still a personal dig to both reviewers.
    result = rewrite(check(DEV / "29-client-extra-hours-disputed.txt"), today=TODAY)
    assert "chartered accountant" not in result.text
    assert "expect better" not in result.text
    gone = (
        "Frankly, padding an invoice like this is unprofessional, and it is not what I expect "
        "from a chartered accountant."
    )
    assert result.removed == (gone,)
    assert any(gone in n and n.startswith("removed") for n in result.notes)
    assert "I will pay the agreed \u00a31,000.00 by 30 November." in result.text


def test_the_same_verdict_holding_a_count_stays_with_a_note() -> None:
    sentence = (
        "Honestly, charging us twice for one callout is unprofessional, and it is not what I "
        "expect from a licensed electrician."
    )
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert sentence in result.text  # "twice" is a count: it is not removed silently
    assert any(sentence in n and "reword it yourself" in n for n in result.notes)


# ----------------------------------- 3. the completion repeats the draft's request


@pytest.mark.parametrize(
    "name",
    [
        "15-landlord-damage-garden.txt",  # "I need it cleared by next Friday."
        "31-client-video-files-late.eml",  # "I need the final files by Monday 23 November."
        "02-supplier-promised-transfer-missed.eml",  # "… a written date …, by 5pm on 27 October."
        "33-consumer-blender-refund.txt",  # "If I don't hear back by December 11 …"
    ],
)
def test_a_draft_that_already_asks_by_a_date_gets_no_completion(name: str) -> None:
    result = rewrite(check(DEV / name), today=TODAY)
    assert result.completed == ()
    assert "Please confirm in writing" not in result.text
    assert "Could you confirm the next step in writing" not in result.text
    assert not any("no next step with a date" in n for n in result.notes)


def test_a_draft_that_asks_nothing_still_gets_the_confirmation_request() -> None:
    draft = HEAD + "Honestly, your invoicing is a joke.\n\nThe order was short by two boxes." + TAIL
    result = rewrite(draft, today=TODAY)
    assert result.completed == ("Please confirm in writing what will happen next.",)


# ------------------------------------------------ 4. the checklist's next step


@pytest.mark.parametrize(
    "sentence",
    [
        "I need the final files by Monday 23 November.",
        "I need the payment, or a written date you will actually keep, by 5pm on 27 October.",
        "Kindly refund the balance by 9 November.",
        "If the goods are not with us by 20 November we will cancel the order.",
        "Pay the £420 by 4 December.",
    ],
)
def test_a_dated_request_is_a_next_step_with_a_date(sentence: str) -> None:
    items = {item.id: item.ok for item in checklist([sentence], Dispute(), [])}
    assert items["next-step"]


@pytest.mark.parametrize(
    "sentence",
    [
        "I need the final files.",  # no date
        "The invoice was due on 3 November.",  # a date, no request
    ],
)
def test_a_date_or_a_request_alone_is_no_next_step(sentence: str) -> None:
    items = {item.id: item.ok for item in checklist([sentence], Dispute(), [])}
    assert not items["next-step"]


@pytest.mark.parametrize(
    "name", ["02-supplier-promised-transfer-missed.eml", "31-client-video-files-late.eml"]
)
def test_the_checklist_finds_the_deadline_in_the_reviewed_drafts(name: str) -> None:
    # The drafts behind items 09 and 12 of reviewers E and F: the notes said "no next
    # step with a date" although each gives one.
    report = check(DEV / name)
    assert {item.id: item.ok for item in report.checklist}["next-step"]


def test_a_verbless_outburst_goes_whole_rather_than_leave_a_scrap() -> None:
    """Cutting the insult out of "Absolutely useless, the lot of you." left the scrap
    "The lot of you." (a dev draft, graded unusable by both final reviewers)."""
    draft = "Hi Sam,\n\nThe invoice is late. Absolutely useless, the lot of you.\n\nJo\n"
    result = rewrite(check(draft))
    assert "lot of you" not in result.text
    assert "The invoice is late." in result.text
    assert any("Absolutely useless, the lot of you." in r for r in result.removed)


def test_a_verbless_line_with_a_figure_keeps_its_figure() -> None:
    draft = "Hi Sam,\n\nInvoice 2231, $1,250.00, still unpaid, you useless lot.\n\nJo\n"
    result = rewrite(check(draft))
    assert "$1,250.00" in result.text and "2231" in result.text
