"""What a rewrite keeps of a flagged sentence, and when an edit still stands.

Issue 12: a flagged sentence that reports what happened or was promised is never
removed; a verbless outburst, an insult or pure sarcasm is, with a note. Every
edit of a sentence that stood must still stand (a subject and a finite verb,
nothing dangling, no negation lost), and a proportionate step stays firm. All on
the real pipeline; the drafts are from the dev corpora or written for the shape.
"""

from __future__ import annotations

import datetime

import pytest

from mailcoach import check
from mailcoach.model import Severity
from mailcoach.nlp.pipeline import get_pipeline
from mailcoach.rewriting import rewrite
from mailcoach.rewriting.benchmark import BenchmarkParams
from mailcoach.rewriting.content import (
    content_clauses,
    load_keep,
    lost_negation,
    reported_quotes,
    well_formed,
)
from mailcoach.rewriting.engine import _Rewriter
from mailcoach.settings import Settings

from .conftest import CORPUS

TODAY = datetime.date(2026, 11, 10)
DEV2 = CORPUS / "rewrite" / "dev2"
HEAD = "Hi Sam,\n\nOrder 4471 was due on 3 March.\n\n"
TAIL = "\n\nRegards,\nPat\n"

WORDS = load_keep()


@pytest.mark.parametrize("sentence", WORDS.keep_examples)
def test_a_keep_example_has_a_clause_worth_keeping(sentence: str) -> None:
    assert content_clauses(get_pipeline()(sentence), WORDS), sentence


@pytest.mark.parametrize("sentence", WORDS.drop_examples)
def test_a_drop_example_has_no_clause_worth_keeping(sentence: str) -> None:
    assert not content_clauses(get_pipeline()(sentence), WORDS), sentence


def test_a_broken_promise_flagged_as_blame_is_kept_not_removed() -> None:
    # dev2 I-02: the blaming rule flags the whole report of the broken promise; the
    # rewrite used to remove it "with nothing to keep", the tenant's key fact with it
    result = rewrite(check(DEV2 / "I-02-tenant-mould-repairs.txt"), today=TODAY)
    promise = 'On that call you said a plumber would be out "next week"'
    assert promise in result.text
    assert not any("plumber" in gone for gone in result.removed)
    assert any("plumber" in note and "reword it yourself" in note for note in result.notes)
    # the verbless jab beside it still goes, and the notes say so
    assert any("brilliant" in gone for gone in result.removed)


def test_a_quoted_promise_keeps_its_quotation_marks() -> None:
    # dev2 J-02: "first thing next week" is what the roofer said; unquoting it lost
    # the labelled passage, so the sentence stays as written, with a note saying why
    result = rewrite(check(DEV2 / "J-02-leak-after-valley-repair.txt"), today=TODAY)
    assert 'promised someone would be back "first thing next week". Nobody came.' in result.text
    assert any(n.startswith("kept as you wrote it") and "you were told" in n for n in result.notes)


def test_the_clause_that_states_the_debt_survives_the_jab() -> None:
    # dev2 I-05: the model flags the whole sentence; the clause about the bill is
    # content, the jab about the patient's spending is not
    result = rewrite(check(DEV2 / "I-05-dental-balance-reminder.txt"), today=TODAY)
    assert "The bill still has to be paid." in result.text
    assert "more fun than your teeth" not in result.text
    assert result.removed == ()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # an event with an insult tacked on: the insult goes, the event stays
        (
            "Your driver left the pallet in the rain, typical of your useless lot.",
            "Your driver left the pallet in the rain.",
        ),
        (
            "Your idiot driver left the pallet in the rain.",
            "Your driver left the pallet in the rain.",
        ),
        # a promise and what came of it, with a verdict joined on: the verdict goes
        ("You promised a refund, and as usual you lied.", "You promised a refund."),
        # the blame is rephrased and the verdict joined to it goes (it used to be
        # removed whole, the missed payment with it)
        ("You failed to pay again and this is ridiculous.", "The payment hasn't arrived again."),
    ],
)
def test_what_happened_stays_when_the_hurtful_part_goes(sentence: str, expected: str) -> None:
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert result.text == HEAD + expected + TAIL, result.text
    assert result.removed == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "Your so-called manager promised a callback and never rang.",
        "Not once did you call, and the parts never arrived.",
        "Great job, really, the pallet arrived crushed.",
        "The part did not arrive, obviously, because you never ordered it.",
    ],
)
def test_a_sentence_that_reports_what_happened_is_never_removed(sentence: str) -> None:
    # each used to be removed "with nothing to keep": none has an amount, a date or
    # a request, but each says what happened; kept (edited or as written, with a note)
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert result.removed == ()
    new = result.text.removeprefix(HEAD).removesuffix(TAIL)
    assert new.strip(), result.text
    if new == sentence:
        assert any(sentence in note for note in result.notes)


@pytest.mark.parametrize(
    "sentence",
    [
        "Thanks for nothing.",
        "Typical.",
        "Unbelievable how useless you lot are.",
        "Honestly, you people should be ashamed of yourselves.",
    ],
)
def test_an_outburst_with_nothing_to_keep_is_removed_with_a_note(sentence: str) -> None:
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert result.removed == (sentence,)
    assert sentence not in result.text
    assert any(n.startswith("removed") and sentence in n for n in result.notes)


def test_an_edit_that_leaves_a_bare_verb_phrase_is_refused() -> None:
    # cutting "This is your failure," used to leave "Start to finish." (a verb with no
    # subject, read as an imperative); the verdict has nothing to keep, so it goes
    sentence = "This is your failure, start to finish."
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert "Start to finish" not in result.text
    assert result.removed == (sentence,)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the cut of the insult used to leave "The roof, is leaking again."; without the
        # insult, "which your crew patched" still reads as blame to the sentence model,
        # so the clause goes with its commas
        (
            "The roof, which your useless crew patched, is leaking again.",
            "The roof is leaking again.",
        ),
        # and "Your engineer, left the boiler switched off."
        (
            "Your engineer, frankly an idiot, left the boiler switched off.",
            "Your engineer left the boiler switched off.",
        ),
        # the jab set off as a clause goes with its commas
        ("You never sent the credit note, which is pathetic.", "You never sent the credit note."),
    ],
)
def test_an_edit_leaves_no_orphan_comma(sentence: str, expected: str) -> None:
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert result.text == HEAD + expected + TAIL, result.text


def test_the_grammar_check_on_edits() -> None:
    nlp = get_pipeline()
    assert well_formed(nlp("The parts have not arrived.")) is None
    assert well_formed(nlp("Please send the invoice.")) is None
    assert well_formed(nlp("Start to finish."), imperative=False) is not None
    assert well_formed(nlp("And the parts have not arrived.")) is not None
    assert well_formed(nlp("The parts have not arrived, and.")) is not None
    assert well_formed(nlp("The deposit of.")) is not None
    assert well_formed(nlp("Your engineer, left the boiler on.")) is not None
    assert well_formed(nlp("The roof, which you patched, is leaking.")) is None
    assert lost_negation(nlp("The parts have not arrived."), nlp("The parts have arrived."))
    assert not lost_negation(
        nlp("The parts have not arrived yet."), nlp("The parts have not arrived.")
    )


def test_only_quotes_of_what_was_said_count_as_the_readers_words() -> None:
    nlp = get_pipeline()
    said = 'You promised someone would be back "first thing next week".'
    assert [said[a:b] for a, b in reported_quotes(nlp(said), WORDS)] == ['"first thing next week"']
    label = 'Thanks so much for the "priority" service.'
    assert reported_quotes(nlp(label), WORDS) == []


def _writer(text: str) -> _Rewriter:
    report = check(text)
    return _Rewriter(report, Settings(), BenchmarkParams(), Severity.WARNING, TODAY)


@pytest.mark.parametrize(
    ("new", "softened"),
    [
        ("If it is not paid by 4 May, I will issue a claim.", False),
        ("If it is not paid by 4 May, I'll issue a claim.", False),
        ("If it is not paid by 4 May, I may issue a claim.", True),  # no longer firm
        ("If it is not paid by 4 May, I'll call you to talk through the options.", True),
    ],
)
def test_a_proportionate_step_is_neither_dropped_nor_softened(new: str, softened: bool) -> None:
    old = "If it is not paid by 4 May, I will issue a claim without further warning."
    assert _writer(HEAD + old + TAIL)._softens_step(old, new) is softened


def test_a_firm_word_of_a_menace_need_not_survive_with_the_step() -> None:
    # "I will make sure everyone knows" is the menace; "Refund" is the step, and it
    # was never made firm, so dropping the menace is no softening
    old = "Refund the $89.00 by Friday or I will make sure everyone knows how you treat customers."
    assert not _writer(HEAD + old + TAIL)._softens_step(old, "Refund the $89.00 by Friday.")


def test_an_edit_keeps_every_digit_bearing_word() -> None:
    # the nudge used to be cut with the clause it opens, and the address and the quote
    # number with it, silently; "again" is a fact too (she wrote before), so the
    # sentence stays as written, with a note
    sentence = (
        "I'm following up again about the job at 7 Glenview Terrace, quote Q-4471, and I "
        "paid a deposit of €200 on 2 September."
    )
    result = rewrite(HEAD + sentence + TAIL, today=TODAY, complete=False)
    assert sentence in result.text
    assert any(sentence in note for note in result.notes)


def test_a_cut_may_leave_what_only_the_model_still_reads_as_blame() -> None:
    # better than leaving "frankly an idiot" in: the notes say the rest still reads so
    result = rewrite(
        HEAD + "Your engineer, frankly an idiot, left the boiler switched off." + TAIL,
        today=TODAY,
        complete=False,
    )
    assert "idiot" not in result.text
    assert "Your engineer left the boiler switched off." in result.text


def test_a_deadline_already_past_is_named_in_the_notes_not_called_missing() -> None:
    draft = (
        "Hi Jo,\n\nYou are useless. Invoice 4410 is open. You have until 18 October to "
        "reply.\n\nAnna\n"
    )
    notes = " ".join(rewrite(draft, today=datetime.date(2026, 12, 7)).notes)
    assert "the deadline the draft sets (18 October) is before today, 7 December 2026" in notes
    assert "sets no deadline" not in notes
    ahead = " ".join(rewrite(draft, today=datetime.date(2026, 10, 1)).notes)
    assert "is before today" not in ahead
