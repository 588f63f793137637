"""The shared context guards, through check() on the real pipeline."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from mailcoach import Category, check
from mailcoach.nlp.guards import CONDITION_MARKS, _earliest_condition
from mailcoach.nlp.pipeline import get_pipeline


def categories(text: str) -> set[Category]:
    return {f.category for f in check(text).findings}


@pytest.mark.parametrize(
    "text",
    [
        "If you don't pay by Friday, we will sue.",  # the negation belongs to the condition
        "If you do not settle this, our lawyers will be in touch.",
    ],
)
def test_a_negated_condition_does_not_excuse_the_threat(text: str) -> None:
    assert Category.THREATENING in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "We will not take legal action over this.",
        "We have no intention of suing anyone.",
        "Nobody here wants to take legal action over a $300 invoice.",
    ],
)
def test_a_negated_threat_is_clean(text: str) -> None:
    assert Category.THREATENING not in categories(text)


def test_conditional_blame_is_clean_but_the_same_words_are_not() -> None:
    assert Category.BLAMING not in categories("If you fail to pay by Friday, please call me.")
    assert Category.BLAMING in categories("You failed to pay by Friday.")


def test_first_person_admission_is_not_blame() -> None:
    assert Category.BLAMING not in categories("We failed to send the invoice to the right address.")


def test_a_second_clause_with_its_own_subject_is_not_negated_by_the_first() -> None:
    text = "We never meant to cause this, and we will compensate you for all damages."
    assert Category.LIABILITY in categories(text)


def test_a_cap_on_the_amount_makes_a_promise_to_pay_bounded() -> None:
    assert Category.LIABILITY in categories("We'll cover whatever costs you had on the day.")
    for text in (
        "We'll cover whatever costs you had on the day, up to $40.",
        "We'll reimburse any losses, capped at the fees you paid this year.",
        "We'll pay for all the damage, no more than £500 in total.",
    ):
        assert Category.LIABILITY not in categories(text), text


def test_words_our_own_colleague_reported_are_not_the_senders() -> None:
    assert Category.SARCASTIC not in categories(
        'Our recruiter said the candidate "ghosted" the final interview, so no fee is due.'
    )
    assert Category.SARCASTIC not in categories(
        'Our designer called the first draft "rough as guts", so she is redoing it.'
    )


def test_someone_elses_threat_reported_is_not_the_senders() -> None:
    assert Category.THREATENING not in categories(
        "The guest threatened to dispute the charge with her bank, so I've sent her the folio."
    )
    # the writer's own step, and the reader's, are still threats
    assert Category.THREATENING in categories("We will dispute the charge with our bank.")
    assert Category.THREATENING in categories(
        "You threatened to dispute the charge with your bank, so I will dispute it with mine."
    )


@pytest.mark.parametrize(
    "text",
    [
        "If it is not paid by 28 June, we will refer it to our collections agency.",
        "We will pass the account to our collections partner on July 1st unless we hear from you.",
        "If the balance is still open by the 20th, we will refer it to our collections team.",
        "The file goes to our debt collection agency on 03/07/2026, as our terms allow.",
    ],
)
def test_a_collections_step_for_a_named_day_is_a_notice(text: str) -> None:
    assert Category.THREATENING not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "We will hand your account over to a debt collection agency.",
        "Pay by Friday or we pass it to our collectors.",  # a weekday is not a calendar date
        "Invoice 12 from May goes to a debt collection agency next.",  # a month alone neither
        "Pay by 5 December or the bailiffs will be round.",  # a date excuses only a referral
    ],
)
def test_an_undated_collections_threat_still_flags(text: str) -> None:
    assert Category.THREATENING in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "If the £640 is still unpaid on 30 June, I'll file a small claim; I'd much rather we"
        " sorted it before then.",
        "My next step would be a small claims application after 12 July, but I'm happy to agree"
        " a payment plan before that.",
        # the date in the sentence before, the way out in the sentence after
        "Could you refund the $2,349 by Friday 11 July? If I haven't heard by then, I'll lodge a"
        " chargeback with my bank. I'd much prefer to sort it out directly with you.",
        "If it's still open on 3 April, I'll refer it to the ombudsman; a call before then is"
        " still an option.",
    ],
)
def test_a_dated_next_step_with_a_way_out_is_a_notice(text: str) -> None:
    assert Category.THREATENING not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "If the £900 is not paid by 30 June, we will start legal action.",  # no way out
        "I'd much rather not, but I will see you in small claims court.",  # no date
        "Pay by Friday or I'm filing a chargeback; I'd rather not.",  # a weekday is no date
    ],
)
def test_a_next_step_without_a_date_or_a_way_out_still_flags(text: str) -> None:
    assert Category.THREATENING in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "In your email you wrote that our work was 'unacceptable'; which parts fell short?",
        "You called the charge \u201ca total scam\u201d, so here is how it was worked out.",
        "Your note said \u2018this is a disgrace\u2019 and I would like to put it right.",
    ],
)
def test_the_readers_words_in_single_or_curly_quotes_are_quoted(text: str) -> None:
    assert Category.INFLAMMATORY not in categories(text)


def test_an_apostrophe_does_not_open_a_quotation() -> None:
    # "students'", "you're" and "don't" hold apostrophes; the insult is outside any quotation
    text = "The students' report was fine, but you're a disgrace and don't deserve the contract."
    assert Category.INFLAMMATORY in categories(text)


def test_a_complaint_route_offered_to_the_reader_is_no_threat() -> None:
    offered = "If you are unhappy with our final response, you can refer it to the ombudsman."
    assert Category.THREATENING not in categories(offered)
    threat = "Unless the refund arrives by Friday, I will refer this to the ombudsman."
    assert Category.THREATENING in categories(threat)


def test_every_guard_is_declared_once_and_implemented() -> None:
    from mailcoach.nlp.guards import GUARDS, PARSE_GUARDS
    from mailcoach.rules.schema import GUARD_DECLARATIONS, GUARD_NAMES

    names = [name for name, _ in GUARD_DECLARATIONS]
    assert len(names) == len(set(names))
    assert tuple(GUARDS) == GUARD_NAMES == tuple(names)
    assert {name for name, parse in GUARD_DECLARATIONS if parse} == PARSE_GUARDS
    assert {"conditional", "negated", "first-person", "second-person", "reported"} == PARSE_GUARDS


def test_an_unknown_guard_is_named_with_a_suggestion() -> None:
    import pydantic

    from mailcoach.rules.schema import RuleSpec

    with pytest.raises(pydantic.ValidationError, match="did you mean 'negated'"):
        RuleSpec.model_validate(
            {
                "id": "blaming.x",
                "kind": "phrase",
                "level": "warning",
                "patterns": ["x"],
                "unless": ["negate"],
                "message": "m",
                "why": "w.",
                "suggestion": "s",
                "examples": {"flag": ["x"], "pass": ["y"]},
            }
        )


def _conditional_by_walking(span: Span) -> bool:
    """The parse half of ``conditional`` as one walk per span: the reference."""
    for tok in (span.root, *span.root.ancestors):
        for child in tok.children:
            if child.dep_ == "mark" and child.lower_ in CONDITION_MARKS and child.i < span.end:
                return True
            if (
                child.lower_ == "should"
                and child.i < tok.i
                and child.i < span.end
                and any(c.dep_.startswith("nsubj") and c.i > child.i for c in tok.children)
            ):
                return True
        if tok.dep_ == "ROOT":
            break
    return False


def test_what_conditional_keeps_per_token_matches_a_walk_per_span() -> None:
    """The conditional heads found once per doc give each span the answer that walking
    up from it gives, whatever order the spans are asked in."""
    text = (
        "If you fail to pay by Friday, please call me. Should you miss the date we will "
        "talk, but you never pay on time and once you pay late we stop. We said that unless "
        "the goods arrive you will not pay, and you failed to tell us why if it matters."
    )
    nlp = get_pipeline()
    for order in (1, -1):
        doc = nlp(text)
        spans = [doc[i : i + n] for n in (1, 2, 3) for i in range(len(doc) - n + 1)][::order]
        expected = [_conditional_by_walking(s) for s in spans]
        assert [_earliest_condition(s.root) < s.end for s in spans] == expected
        assert any(expected) and not all(expected)
