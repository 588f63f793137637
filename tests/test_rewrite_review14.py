"""What the blind review of `dev9`'s rewrites found (four reviewers, seventh session),
written again in our own words; `dev9` has been read and trained on since.

Quotation marks taken from someone's words, a question mark left on a statement, a
cut through a quotation, "two of them" left with nothing to refer to, rhetorical
questions and reputational threats left as written beside a fair step, deadlines the
notes did not see, a repair clause for a deposit, and a "bounded" wording that
bounded nothing.
"""

from __future__ import annotations

import datetime

from mailcoach import check, rewrite
from mailcoach.model import Category

TODAY = datetime.date(2026, 12, 7)
HEAD = "Hi Declan,\n\n"
TAIL = "\n\nAoife\n"


def _rewrite(own: str):  # type: ignore[no-untyped-def]
    return rewrite(check(HEAD + own + TAIL), today=TODAY)


def test_a_quotation_in_a_sentence_the_model_flags_keeps_its_marks() -> None:
    """Without its marks the writer would be saying it: "the deposit is non-refundable"."""
    sentence = 'Your reply says the deposit is "non-refundable in all circumstances".'
    result = _rewrite(
        "We paid a deposit of €600 on 2 November. " + sentence + " I've read the agreement "
        "three times now and I can't find that sentence anywhere. Could you refund the €600 "
        "by 29 March?"
    )
    assert '"non-refundable in all circumstances"' in result.text
    assert not any("non-refundable" in gone for gone in result.removed)


def test_a_tail_that_held_the_question_leaves_a_statement() -> None:
    result = _rewrite(
        "Thanks for getting back to me, eventually. I've read the agreement three times now "
        "and I can't find that sentence anywhere, so maybe you're working off a different "
        "version than the one you had us sign? Lovely to know the small print only applies "
        "in one direction. Could you refund the €600 by 29 March?"
    )
    assert "I can't find that sentence anywhere." in result.text
    assert "anywhere?" not in result.text


def test_a_cut_never_splits_a_quotation_and_keeps_the_full_stop() -> None:
    result = _rewrite(
        "Two of the bags were torn and wet, and your driver refused to wait for us to check "
        'and left saying "sign first, complain later." Delivery challan 7716 shows 400 kg. '
        "Please deliver the balance by Friday 11 December."
    )
    assert "complain later" not in result.text or "sign first, complain later" in result.text
    assert 'later."' not in result.text.replace('"sign first, complain later."', "")
    assert "torn and wet. Delivery challan 7716" in result.text


def test_a_cut_that_would_leave_two_of_them_without_a_referent_is_refused() -> None:
    sentence = (
        "We have customers who would rather not know who our suppliers are, and two of "
        "them have already asked me about it."
    )
    result = _rewrite(
        "Our logo is on your website without our approval. " + sentence + " Please take "
        "the page down by Friday 11 December."
    )
    assert "Two of them have already asked" not in result.text
    assert "two of them have already asked me about it" in result.text


def test_a_rhetorical_question_about_the_readers_conduct_goes() -> None:
    result = _rewrite(
        "Our order PO-2291 came short again. Do your lot even count the pallets before they "
        "go on the lorry?? Please deliver the missing 3 pallets by Friday 11 December."
    )
    assert "count the pallets" not in result.text
    assert any("count the pallets" in gone for gone in result.removed)


def test_a_question_that_asks_for_news_is_never_taken_for_a_jibe() -> None:
    result = _rewrite(
        "Our order PO-2291 came short again, which is frankly ridiculous. Is there any "
        "update on the missing pallets? Please deliver them by Friday 11 December."
    )
    assert "Is there any update on the missing pallets?" in result.text


def test_a_reputational_threat_joined_to_a_fair_step_is_cut_and_the_step_stays() -> None:
    result = _rewrite(
        "The deposit of €1,650 is still not back. If it is not back by Friday 11 December, "
        "I will go to the RTB and I'll make sure every student in Galway knows what you're "
        "like."
    )
    assert "I will go to the RTB." in result.text
    assert "Galway" not in result.text
    assert any(n.startswith("cut from a sentence:") and "Galway" in n for n in result.notes)


def test_a_step_named_by_a_threat_rule_is_never_cut() -> None:
    result = _rewrite(
        "Invoice 7741 for £4,380.00 is unpaid. If it is not paid by 11 December, we will "
        "pass it to our solicitors and I'll tell every supplier in town why."
    )
    assert "we will pass it to our solicitors." in result.text
    assert "every supplier" not in result.text


def test_a_deadline_with_a_weekday_before_its_date_is_seen() -> None:
    """A deadline with a weekday first, "until Friday, 19 April 2024", that has passed."""
    result = _rewrite(
        "Your assurances are worth nothing. We ask you for the delivery of the missing 3 "
        "pallets until Friday, 19 April 2024, at your cost."
    )
    assert any(
        n.startswith("the deadline the draft sets (19 April 2024) is before today")
        for n in result.notes
    ), result.notes
    assert not any(n.startswith("no next step with a date") for n in result.notes)


def test_a_list_of_requests_with_a_weekday_deadline_is_a_next_step() -> None:
    report = check(
        HEAD + "Today's delivery came short once more, which is a joke.\n\nWhat we need:\n"
        "- Balance 100 kg delivered at our kitchen by Friday 11 am.\n- Corrected challan." + TAIL
    )
    [item] = [c for c in report.checklist if c.id == "next-step"]
    assert item.ok
    result = rewrite(report, today=TODAY)
    assert not any("no next step with a date" in n for n in result.notes)


def test_a_tenant_chasing_a_deposit_is_offered_the_refund_clause_not_a_repair_one() -> None:
    result = rewrite(
        check(
            "Hi Mr Fitzgerald\n\nIt's now 7 weeks since we handed back the keys to 14 Grove "
            "Park Rd on 28 Feb and still no sign of the deposit of €1,650. You said on the "
            "phone on 21 March you'd transfer it that week and then nothing. Again. Must be "
            "nice to hold onto other people's money interest free.\n\nCan you transfer the "
            "full €1,650 to the account ending 4471 by Friday 11 December?\n\nAoife\n"
        ),
        today=TODAY,
    )
    clauses = [n for n in result.notes if "benchmark clause" in n]
    assert all("repair" not in n for n in clauses), clauses
    assert all("refund" in n for n in clauses), clauses


def test_a_kept_apology_is_never_offered_wording_that_bounds_nothing() -> None:
    sentence = (
        "Honestly this was entirely our fault, start to finish, and we will make good on "
        "any losses your kitchens had because of it, whatever they add up to."
    )
    result = _rewrite("We delivered the wrong cups on 3 December. " + sentence)
    [note] = [n for n in result.notes if sentence in n]
    assert "you could write" not in note
    assert "tie the offer to what you can check" in note
    assert result.text == HEAD + "We delivered the wrong cups on 3 December. " + sentence + TAIL


def test_a_jibe_whose_number_the_draft_states_elsewhere_can_go() -> None:
    result = _rewrite(
        "We ordered 12 pallets on PO-4471 and only 10 arrived. Honestly I start to think "
        "your dispatch team cannot count to twelve. Please send a credit note for the 2 "
        "missing pallets by Friday 11 December."
    )
    assert "count to twelve" not in result.text
    assert "12 pallets" in result.text


def test_an_explanation_on_the_phone_is_not_restated_as_written() -> None:
    result = _rewrite(
        "As I have already explained twice, the router was returned on 3 November and the "
        "charge of SGD 300 should not be on my bill. Please remove it by 11 December."
    )
    assert "written" not in result.text and "set out" not in result.text
    assert "twice" in result.text


def test_the_new_idioms_are_caught_in_whole_drafts() -> None:
    """Shapes several dev9 writers used that nothing caught."""
    cases = {
        "I'm sure it's pure coincidence that the extras appeared after the boards were "
        "fitted.": Category.PASSIVE_AGGRESSIVE,
        "You're very quick to text on the 1st but strangely slow when it comes to fixing "
        "anything.": Category.SARCASTIC,
        "I suppose this is how you treat loyal customers now.": Category.BLAMING,
        "I'm honestly starting to think you never had any intention of giving it back.": (
            Category.BLAMING
        ),
        "My nephew could have put this together in a weekend.": Category.INFLAMMATORY,
        "Thanks for getting back to me, eventually.": Category.SARCASTIC,
        "I will also tell the other blokes at the depot not to give you credit.": (
            Category.THREATENING
        ),
    }
    for sentence, category in cases.items():
        report = check(HEAD + sentence + TAIL)
        assert any(
            f.category is category and not f.rule_id.endswith(".model") for f in report.findings
        ), sentence


def test_a_cut_may_leave_a_preposition_its_relative_clause_strands() -> None:
    result = _rewrite(
        "I went above and beyond on that job, including the extra socket run that we never "
        "charged you for, and this is the thanks I get. Please pay the £2,350 balance by "
        "11 December."
    )
    assert "that we never charged you for. Please pay" in result.text
    assert "thanks I get" not in result.text


def test_a_shouted_follow_up_says_what_the_email_is_about() -> None:
    result = _rewrite(
        "Just following up AGAIN on the bond for 17 Kowhai St. Can you confirm the date it "
        "will be paid back by Friday 11 December?"
    )
    assert "I am writing about the bond for 17 Kowhai St." in result.text
    assert "AGAIN" not in result.text


def test_a_lesson_for_next_time_becomes_a_plain_request() -> None:
    result = _rewrite(
        "Thanks for the notes on the brochure copy. Maybe next time someone could look at the "
        "drafts when I send them rather than three weeks later. I can turn the changes "
        "round by 11 December."
    )
    assert "In future, please look at the drafts when I send them" in result.text
    assert "three weeks later" in result.text


def test_a_jibe_keeps_its_number_when_the_draft_states_it_nowhere_else() -> None:
    """A figure of 120 does not state twelve: the count would be lost with the jibe."""
    result = _rewrite(
        "We ordered 120 boxes on PO-4471 and only 100 arrived. Honestly I start to think "
        "your dispatch team cannot count to twelve. Please send a credit note for the 20 "
        "missing boxes by Friday 11 December."
    )
    assert "twelve" in result.text


def test_telling_third_parties_to_shun_the_reader_goes_and_the_step_stays() -> None:
    """The pronoun before the cut ("it's going to a debt collector") keeps its referent:
    only words after it went."""
    result = _rewrite(
        "Invoice 0219 for £940 is six weeks overdue. If I hear nothing by Friday 11 December "
        "it's going to a debt collector and I'll be letting the other blokes at the depot know "
        "not to bother booking with you on credit."
    )
    assert "it's going to a debt collector." in result.text
    assert "blokes" not in result.text
