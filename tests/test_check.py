"""check() end to end on the real pipeline: findings, offsets, verdicts, quotes, config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcoach import Category, InputError, LexiconError, Severity, Verdict, check, load_settings
from mailcoach.analyze import tone_score, verdict_for
from mailcoach.render import render_json, render_text
from mailcoach.settings import Settings

from .conftest import MAIL, SAMPLES


def test_flags_blame_with_offsets_line_and_column() -> None:
    text = "Hi Marcus,\n\nThe invoice is open. You never pay on time.\n"
    report = check(text)
    blame = [f for f in report.findings if f.category is Category.BLAMING]
    assert len(blame) == 1
    f = blame[0]
    assert text[f.start : f.end] == f.text
    assert f.text.startswith("You never pay")
    assert (f.line, f.column) == (3, 22)
    assert f.severity is Severity.WARNING and f.why.endswith(".") and f.suggestion
    assert report.verdict is Verdict.REVISE


def test_threat_is_an_error_and_holds_the_draft() -> None:
    report = check("If the balance is not paid by Friday, we will take legal action.")
    assert [f.category for f in report.findings] == [Category.THREATENING]
    assert report.verdict is Verdict.HOLD


@pytest.mark.parametrize(
    "text",
    [
        "If you fail to pay by Friday, please call me so we can agree a plan.",
        "We never received the parcel, so could you check the tracking number?",
        "Great news: your payment arrived this morning. Thank you!",
        "We sent the wrong invoice number last week; the corrected copy is attached.",
        "The balance of $4,200.00 is now 45 days past due. Could you confirm a payment date?",
        "We have no intention of involving lawyers; I'd like to agree a plan.",
    ],
)
def test_calm_dispute_language_is_clean(text: str) -> None:
    report = check(text)
    assert report.findings == ()
    assert report.verdict is Verdict.OK
    assert report.tone_score >= 90


def test_a_legal_disclaimer_is_not_the_senders_threat() -> None:
    # the disclaimer warns of "legal action"; the sender's own text is calm
    assert check(MAIL / "legal_disclaimer.eml").findings == ()


def test_hostile_quoted_reply_is_not_the_senders_language() -> None:
    report = check(MAIL / "gmail_reply.eml")
    assert report.verdict is Verdict.OK, [f.text for f in report.findings]
    assert report.subject == "Re: Invoice 10442 - pallets short on delivery"
    assert "incompetent" in report.body  # kept, but not analysed


def test_same_words_in_own_text_are_flagged() -> None:
    report = check("Sam,\n\nFrankly your team is incompetent.\n")
    # the insult is flagged; the sentence model may also read it as blame, which it is
    assert Category.INFLAMMATORY in [f.category for f in report.findings]


def test_bytes_of_an_email_are_parsed_as_mime() -> None:
    raw = (
        b"From: a@example.com\r\nTo: b@example.com\r\nSubject: Invoice 7\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"You people never answer the ph=\r\none.\r\n"
    )
    report = check(raw)
    assert report.subject == "Invoice 7"
    assert any(f.category is Category.BLAMING for f in report.findings)
    assert report.body[report.findings[0].start : report.findings[0].end] == report.findings[0].text


def test_curly_apostrophes_match_like_straight_ones() -> None:
    straight = check("I'm sick of chasing this.")
    curly = check("I\u2019m sick of chasing this.")
    assert [f.rule_id for f in straight.findings] == [f.rule_id for f in curly.findings] != []
    assert curly.findings[0].text == "I\u2019m sick of"


def test_empty_draft_is_a_clean_report_with_a_note() -> None:
    report = check("   \n")
    assert report.verdict is Verdict.OK and report.findings == ()
    assert any("nothing to check" in n for n in report.notes)


def test_sentiment_per_sentence_and_overall() -> None:
    report = check("Thank you for the quick reply. This delay has been awful and stressful.")
    sentences = report.sentiment.sentences
    assert len(sentences) == 2
    assert sentences[0].compound > 0 > sentences[1].compound
    assert report.sentiment.compound == pytest.approx(
        sum(s.compound for s in sentences) / 2, abs=1e-3
    )


def test_stacked_end_punctuation_stays_with_its_sentence() -> None:
    text = "Really?! The invoice is late. Pay it!!! Thanks."
    report = check(text)
    shown = [text[s.start : s.end] for s in report.sentiment.sentences]
    assert shown == ["Really?!", "The invoice is late.", "Pay it!!!", "Thanks."]


def test_dispute_facts_reach_the_report() -> None:
    report = check(SAMPLES / "drafts" / "overdue-angry.txt")
    assert report.dispute.type == "payment"
    assert "$8,450.00" in report.dispute.amounts
    assert "10442" in report.dispute.invoices
    assert report.dispute.days_overdue == 49


def test_verdict_and_tone_rules() -> None:
    assert verdict_for([]) is Verdict.OK
    calm = tone_score([], 0.2)
    tense = tone_score(check("You never pay on time.").findings, -0.5)
    assert calm == 100 and tense < 80


def test_json_follows_schema_version_1() -> None:
    data = json.loads(render_json(check("Per my last email, you still haven't paid.")))
    assert data["schema_version"] == 1
    assert set(data) >= {
        "source",
        "subject",
        "verdict",
        "tone_score",
        "sentiment",
        "findings",
        "dispute",
        "error",
    }
    finding = data["findings"][0]
    assert set(finding) == {
        "rule_id",
        "category",
        "severity",
        "start",
        "end",
        "line",
        "column",
        "text",
        "message",
        "why",
        "suggestion",
    }
    assert [f["start"] for f in data["findings"]] == sorted(f["start"] for f in data["findings"])
    assert finding["severity"] in {"info", "warning", "error"}


def test_text_output_marks_the_span_under_its_line() -> None:
    out = render_text(check("Hello,\nThanks for nothing.\n"))
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.endswith("| Thanks for nothing."))
    assert lines[row + 1].strip().endswith("^" * len("Thanks for nothing"))
    assert "revise" in lines[-1]


def test_config_disables_a_category_and_changes_a_level(tmp_path: Path) -> None:
    config = tmp_path / "mailcoach.toml"
    config.write_text('disable = ["sarcastic"]\n[levels]\nblaming = "error"\n', encoding="utf-8")
    settings = load_settings(config)
    report = check("Thanks for nothing. You never pay on time.", settings=settings)
    assert [f.category for f in report.findings] == [Category.BLAMING]
    assert report.findings[0].severity is Severity.ERROR
    assert report.verdict is Verdict.HOLD


def test_pyproject_tool_table_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mailcoach]\nallow = ["as per my last email"]\n')
    sub = tmp_path / "drafts"
    sub.mkdir()
    settings = load_settings(cwd=sub)
    assert check("As per my last email, the total is $90.", settings=settings).findings == ()
    assert check("As per my last email, the total is $90.").findings != ()


def test_user_lexicon_folder_adds_a_rule(tmp_path: Path) -> None:
    (tmp_path / "blaming.yml").write_text(
        """
- id: blaming.molasses
  kind: phrase
  level: warning
  patterns: ["slow as molasses"]
  message: "'{match}' mocks the reader's speed."
  why: "Accusing someone of stalling invites a defence rather than a date."
  suggestion: "Ask for a date instead."
  examples:
    flag: ["Your refunds are slow as molasses."]
    pass: ["The syrup we ordered is slow to pour, like molasses."]
""",
        encoding="utf-8",
    )
    settings = Settings(lexicons=(str(tmp_path),))
    report = check("Your refund team is slow as molasses.", settings=settings)
    assert "blaming.molasses" in [f.rule_id for f in report.findings]


def test_bad_user_lexicon_names_file_rule_and_field(tmp_path: Path) -> None:
    (tmp_path / "blaming.yml").write_text(
        "- id: blaming.typo\n  kind: token\n  level: warning\n"
        "  patterns: [[{LEMA: pay}]]\n  message: m\n  why: Because.\n  suggestion: s\n"
        "  examples: {flag: [a], pass: [b]}\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError) as err:
        check("Hello.", settings=Settings(lexicons=(str(tmp_path),)))
    message = str(err.value)
    assert "blaming.yml" in message and "blaming.typo" in message
    assert "LEMA" in message and "did you mean 'LEMMA'" in message


def test_unreadable_path_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.txt"):
        check(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("The van left at 7 a.m. It reached the depot late.", 2),
        ("We unload from 6 a.m. Monday to Friday.", 1),  # a day after the time
        ("The cut-off is 5 p.m. GMT on the day.", 1),  # a time zone
        ("I rang at 3 p.m. and again at 4 p.m. on Friday.", 1),
    ],
)
def test_a_time_of_day_ends_a_sentence_before_a_capital(text: str, sentences: int) -> None:
    from mailcoach.nlp.pipeline import get_pipeline

    assert len(list(get_pipeline()(text).sents)) == sentences


def test_an_apology_after_a_time_of_day_is_not_read_as_one_hostile_sentence() -> None:
    """The tokenizer keeps "a.m." whole; without a boundary after it, the admission
    that follows ("bad luck", "our failing") and the "your" before it made one
    strongly negative sentence aimed at the reader."""
    report = check(
        "Our van broke down on the ring road, and nobody rang your site manager until "
        "after 10 a.m. The breakdown was bad luck; the missed call was our failing, "
        "and we are sorry for it.\n"
    )
    assert [f.rule_id for f in report.findings] == []


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("no battery. called the branch twice", 2),  # phone-typed: no capital after "."
        ('kept saying "tomorrow". honestly no', 2),
        ("I paid it. then nothing happened.", 2),
        ("Wood, nails etc. and paint.", 1),  # abbreviations before a lower-case word
        ("It came 3 hrs. later than booked.", 1),
        ("It costs approx. ten pounds.", 1),
    ],
)
def test_a_full_stop_before_a_lower_case_word_ends_a_sentence_unless_it_abbreviates(
    text: str, sentences: int
) -> None:
    from mailcoach.nlp.pipeline import get_pipeline

    assert len(list(get_pipeline()(text).sents)) == sentences


def test_phone_typed_sentences_are_checked_one_by_one() -> None:
    """Read as one sentence, "your manager said ..." made everything after it a report
    of what someone else said, and the insult at the end went unflagged."""
    report = check(
        "paid for the sofa on 3 june. your manager said delivery by friday. still nothing. "
        "you people are a joke."
    )
    assert report.verdict is not Verdict.OK
    assert any(report.body[f.start : f.end].startswith("you people") for f in report.findings)
