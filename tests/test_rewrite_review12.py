"""What the blind review of `sealed6`'s rewrites found (four reviewers, end of the
sixth session), written again in our own words: `sealed6` is no longer untouched.

Words cut from a sentence that stays went without a note, so reviewers counted facts
lost; a cut left "a outfit"; and a confirmation line was added to drafts that asked
for something already.
"""

from __future__ import annotations

import datetime

from mailcoach import check, rewrite
from mailcoach.rewriting.engine import _articles

TODAY = datetime.date(2026, 12, 7)


def test_words_cut_from_a_sentence_that_stays_are_named_in_the_notes() -> None:
    body = (
        "Hi Fin,\n\nThe boiler is still broken after two visits. If it is not fixed by "
        "19 December, I will contact the council, though I'm sure you'll have someone "
        "round long before then.\n\nAsh\n"
    )
    result = rewrite(check(body), today=TODAY)
    assert "I will contact the council." in result.text
    assert "long before then" not in result.text
    assert any(
        n.startswith("cut from a sentence:") and "long before then" in n for n in result.notes
    ), result.notes


def test_a_cut_leaves_the_article_agreeing_with_the_next_word() -> None:
    assert _articles("a cowboy outfit", "a outfit") == "an outfit"
    assert _articles("an utterly useless repair", "an repair") == "a repair"
    assert _articles("a shoddy union job", "a union job") == "a union job"
    assert _articles("an hour", "an hour") == "an hour"  # the writer's own pair stays
    assert _articles("Plan A, frankly, is late.", "Plan A is late.") == "Plan A is late."
    assert _articles("A useless, awful outfit.", "A outfit.") == "An outfit."


def test_a_draft_that_already_asks_gets_no_added_request() -> None:
    """It asks without a date: an added "Could you confirm ... in writing?" asks twice."""
    body = (
        "Hi Jo,\n\nYou've ignored my last three emails about invoice 5521. Can you "
        "tell me when it will be paid?\n\nSam\n"
    )
    result = rewrite(check(body), today=TODAY)
    assert not result.completed
    assert "in writing" not in result.text


def test_a_past_deadline_said_three_times_is_named_once() -> None:
    """The note listed "(October 31, October 31 and October 31)"."""
    body = (
        "Hi Lee,\n\nYou still haven't paid the October rent, which was due by October 31. "
        "I said by October 31 and I meant by October 31, you useless lot.\n\nSam\n"
    )
    result = rewrite(check(body), today=TODAY)
    notes = [n for n in result.notes if n.startswith("the deadline the draft sets")]
    assert notes and "(October 31)" in notes[0], result.notes


def test_an_outburst_on_a_line_of_its_own_is_no_heading() -> None:
    """A subject line keeps its place; "absolutely pathetic" alone on a line goes."""
    body = (
        "Hi Sam,\n\nInvoice 2231 is three weeks late.\nabsolutely pathetic\n\n"
        "Please pay by Friday.\n\nJo\n"
    )
    result = rewrite(check(body), today=TODAY)
    assert "pathetic" not in result.text
    assert "Invoice 2231 is three weeks late." in result.text
    assert any("absolutely pathetic" in n for n in result.notes)
