"""mailcoach rewrite: calmer text that keeps its facts, quotes and one benchmark clause."""

from __future__ import annotations

import datetime
import email
import email.policy
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcoach import check, read_draft
from mailcoach.cli import cli
from mailcoach.coaching import is_benchmark
from mailcoach.dispute import DISPUTE_TYPES, find_facts
from mailcoach.model import Report, SegmentKind, Severity
from mailcoach.rewriting import (
    BenchmarkForm,
    BenchmarkParams,
    apply_edits,
    benchmark_clause,
    rewrite,
)
from mailcoach.rewriting.engine import sentence_context
from mailcoach.templating import render

from .conftest import CORPUS, SAMPLES

TODAY = datetime.date(2026, 11, 23)
ANGRY = SAMPLES / "drafts" / "overdue-angry.txt"
CALM = SAMPLES / "drafts" / "calm-reminder.txt"


OUTSIDER = Path(__file__).parent / "fixtures" / "outsider-emails"


def hostile_emails() -> list[Path]:
    """Every hostile email of the team's corpus and of the outsider's set."""
    corpus = [json.loads(line) for line in (CORPUS / "emails.jsonl").read_text().splitlines()]
    outsider = [json.loads(line) for line in (OUTSIDER / "labels.jsonl").read_text().splitlines()]
    return [CORPUS / row["file"] for row in corpus if row["labels"]] + [
        OUTSIDER / row["file"] for row in outsider if row["labels"]
    ]


def calm_outsider_emails() -> list[Path]:
    rows = [json.loads(line) for line in (OUTSIDER / "labels.jsonl").read_text().splitlines()]
    return [OUTSIDER / row["file"] for row in rows if not row["labels"]]


def own_text(report: Report) -> str:
    return "\n\n".join(
        report.body[s.start : s.end] for s in report.segments if s.kind is SegmentKind.OWN
    )


def facts_of(text: str) -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in find_facts(text, today=TODAY)}


def benchmark_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if is_benchmark(s)]


# --------------------------------------------------------------------------- the property


@pytest.mark.parametrize("path", hostile_emails(), ids=lambda p: p.name)
def test_every_hostile_corpus_email_rewrites_clean_and_keeps_what_matters(path: Path) -> None:
    name = path.name
    before = check(read_draft(path))
    assert before.count(Severity.WARNING), f"{name} is labelled hostile but nothing is flagged"
    result = rewrite(before, today=TODAY)

    # nothing lost, nothing invented
    assert facts_of(own_text(before)) <= facts_of(own_text(result.after)), result.text
    assert facts_of(own_text(result.after)) <= facts_of(own_text(before)), result.text
    for segment in before.segments:
        if segment.kind is not SegmentKind.OWN:
            assert before.body[segment.start : segment.end] in result.text
    # unflagged sentences byte for byte
    flagged = [f for f in before.findings if f.severity >= Severity.WARNING]
    for s in before.sentiment.sentences:
        if not any(f.start < s.end and f.end > s.start for f in flagged):
            assert before.body[s.start : s.end].strip() in result.text
    # what is still flagged was left as written, and the notes say so
    for f in result.after.findings:
        if f.severity >= Severity.WARNING:
            assert any(f.rule_id in note for note in result.notes), (f.rule_id, result.notes)
    for gone in result.removed:
        assert any(" ".join(gone.split()) in note for note in result.notes)
    # no stock clause: at most the draft's own benchmark, none is made up
    assert result.benchmark is None or result.benchmark.existing
    assert len(benchmark_sentences(own_text(result.after))) <= len(
        benchmark_sentences(own_text(before))
    )
    assert apply_edits(before.body, result.edits) == result.text


@pytest.mark.parametrize("path", calm_outsider_emails(), ids=lambda p: p.name)
def test_calm_outsider_drafts_are_left_alone(path: Path) -> None:
    report = check(read_draft(path))
    assert report.count(Severity.WARNING) == 0, [f.rule_id for f in report.findings]


def test_the_issue_example_keeps_the_facts_of_a_blaming_sentence() -> None:
    result = rewrite(
        "Hi Marcus,\n\nYou failed to pay the $8,450.00 for invoice 10442 on October 15.\n\nDana\n",
        today=TODAY,
    )
    assert "I was expecting the payment of $8,450.00 for invoice 10442 on October 15" in (
        result.text
    )
    assert result.text.startswith("Hi Marcus,\n\n")
    assert result.after.count(Severity.WARNING) == 0


# --------------------------------------------------------------------------- plans


def test_phrase_rewrite_replaces_only_the_opener() -> None:
    result = rewrite(
        "Per my last email, invoice 10442 is 30 days past due.",
        benchmark=NO_CLAUSE,
        today=TODAY,
        complete=False,
    )
    assert result.text == "To recap, invoice 10442 is 30 days past due."
    [edit] = result.edits
    assert (edit.start, edit.end, edit.replacement) == (0, 17, "To recap")
    assert edit.rule_id == "passive_aggressive.per-my-last"


def test_opener_without_a_comma_drops_the_clause_instead_of_a_bad_phrase() -> None:
    text = (
        "As I already explained in my email of 3 May, I left the flat on 30 April "
        "and returned the keys the same day."
    )
    result = rewrite(text, benchmark=NO_CLAUSE, today=TODAY)
    assert "To recap in" not in result.text and "already explained" not in result.text
    assert result.text.startswith("As set out in my email of 3 May, I left the flat on 30 April")
    assert facts_of(text) <= facts_of(result.text)


def test_shouting_is_lowered_but_references_and_currency_codes_stay() -> None:
    result = rewrite(
        "Please settle INV-2026-0042 for USD 900 by Friday. WE NEED THIS PAID TODAY.",
        benchmark=NO_CLAUSE,
        today=TODAY,
    )
    assert "INV-2026-0042" in result.text and "USD 900" in result.text
    assert "We need this paid today." in result.text
    assert result.after.count(Severity.WARNING) == 0


def test_a_short_sarcastic_jab_is_removed_without_leaving_gaps() -> None:
    text = "Hi Sam,\n\nThanks for nothing.\n\nCould you confirm a date for invoice 10442?\n"
    result = rewrite(text, benchmark=NO_CLAUSE, today=TODAY)
    assert result.text == "Hi Sam,\n\nCould you confirm a date for invoice 10442?\n"


def test_a_threat_with_a_demand_is_left_as_written_and_reported() -> None:
    """No "I'll call you" the writer never offered, and the demand is not lost."""
    text = "If invoice 10442 is not paid by Friday, we will take legal action."
    result = rewrite(text, benchmark=NO_CLAUSE, today=TODAY, complete=False)
    assert result.text == text
    assert result.left_as_written == (text,)
    assert any("left as written" in n and text in n for n in result.notes)
    assert any("threatening.legal-action" in n for n in result.notes)


def test_an_open_admission_with_an_offer_is_never_dropped_silently() -> None:
    text = "It was entirely our fault and we will cover any loss you suffered."
    result = rewrite(text, benchmark=NO_CLAUSE, today=TODAY)
    assert "cover any loss" in result.text
    assert "look into what went wrong" not in result.text
    assert result.after.count(Severity.WARNING) == 0 or result.notes


def test_calm_sentences_and_quoted_replies_are_left_alone() -> None:
    result = rewrite(read_draft(SAMPLES / "drafts" / "reply-with-quote.eml"), today=TODAY)
    before = result.before
    quoted = [s for s in before.segments if s.kind is not SegmentKind.OWN]
    assert quoted and all(before.body[s.start : s.end] in result.text for s in quoted)
    assert "Could you confirm a payment date by Friday?" in result.text
    assert all(e.end <= quoted[0].start for e in result.edits)


# --------------------------------------------------------------------------- benchmark

NO_CLAUSE = BenchmarkParams(form=BenchmarkForm.NONE)


def test_an_existing_benchmark_is_recognised_and_not_repeated() -> None:
    result = rewrite(read_draft(CALM), today=TODAY)
    assert result.edits == ()
    assert result.text == result.before.body
    assert result.benchmark is not None and result.benchmark.existing


def test_a_repeat_problem_without_figures_gets_a_suggested_clause_not_a_guess() -> None:
    result = rewrite(read_draft(ANGRY), today=TODAY)
    assert result.benchmark is None
    assert "If the next" not in result.text and "30-day" not in result.text
    [note] = [n for n in result.notes if "benchmark clause" in n]
    assert "[how many]" in note and "[which]" in note
    assert "restore" not in note  # the draft never says terms were withdrawn


def test_the_clause_goes_after_the_last_paragraph_and_above_the_signature() -> None:
    params = BenchmarkParams(count=3, terms="30-day")
    result = rewrite(read_draft(ANGRY), benchmark=params, today=TODAY)
    clause = (
        "If the next three invoices are paid by their due dates, "
        "we will keep your account on 30-day terms as it is now."
    )
    assert f"\n\n{clause}\n\nRegards,\nDana Whitfield" in result.text
    assert result.text.count(clause) == 1


def test_a_bare_name_block_stays_below_the_clause() -> None:
    text = "Mr Dunn,\n\nThe invoice for $300 is 20 days past due.\n\nGordon Reid\nReid Haulage\n"
    result = rewrite(text, benchmark=BenchmarkParams(count=2, terms="30-day"), today=TODAY)
    assert result.text.endswith("terms as it is now.\n\nGordon Reid\nReid Haulage\n")


def test_a_calm_draft_gets_no_clause_unless_asked() -> None:
    text = "The invoice for $300 is 20 days past due."
    assert rewrite(text, today=TODAY).text == text


def test_restore_only_where_the_draft_says_terms_were_withdrawn() -> None:
    text = "Since we withdrew your credit terms in May, the last invoice was paid late again."
    result = rewrite(text, benchmark=BenchmarkParams(count=2, terms="30-day"), today=TODAY)
    assert "we will restore your 30-day terms" in result.text


def test_benchmark_options_change_the_clause() -> None:
    text = "The invoice for $300 is 20 days past due."
    custom = rewrite(
        text, benchmark=BenchmarkParams(count=2, terms="45-day", restore=True), today=TODAY
    )
    assert "If the next two invoices are paid on delivery, we will restore your 45-day terms." in (
        custom.text
    )
    none = rewrite(text, benchmark=NO_CLAUSE, today=TODAY)
    assert none.benchmark is None and none.text == text
    punitive = rewrite(
        text, benchmark=BenchmarkParams(form=BenchmarkForm.PUNITIVE, count=2), today=TODAY
    )
    assert punitive.benchmark is not None and punitive.benchmark.warning
    assert any("weaker" in note and "legal risk" in note for note in punitive.notes)


@pytest.mark.parametrize("kind", [*DISPUTE_TYPES, "other"])
@pytest.mark.parametrize("form", [BenchmarkForm.POSITIVE, BenchmarkForm.PUNITIVE])
def test_every_benchmark_clause_is_calm_and_recognised(kind: str, form: BenchmarkForm) -> None:
    clause = benchmark_clause(kind, BenchmarkParams(form=form))
    assert clause is not None and clause.dispute_type == kind
    assert check(clause.text).count(Severity.WARNING) == 0
    assert is_benchmark(clause.text)


@pytest.mark.parametrize(
    "sentence",
    [
        "If we can't agree a plan within the next two weeks, I will call you.",
        "If you have any questions, I will be happy to help.",
        "The next three invoices are attached.",
    ],
)
def test_sentences_that_are_not_benchmarks(sentence: str) -> None:
    assert not is_benchmark(sentence)


# --------------------------------------------------------------------------- templates

CONTEXTS = {
    "bare": "It is what it is.",
    "facts": "Invoice 10442 for $8,450.00 was due on October 15.",
    "future": "Invoice 10442 must be settled by Friday.",
    "again": "This happened again.",
    "question": "Why was order 55102 never sent?",
}


@pytest.mark.parametrize(
    "category",
    ["blaming", "inflammatory", "sarcastic", "passive_aggressive", "threatening", "liability"],
)
@pytest.mark.parametrize("kind", [*DISPUTE_TYPES, "other"])
def test_sentence_templates_write_calm_sentences_that_keep_their_facts(
    category: str, kind: str
) -> None:
    for sentence in CONTEXTS.values():
        context = sentence_context(sentence, kind, counterpart=None, today=TODAY)
        out = " ".join(render("rewrites", f"{category}.j2", **context).split())
        if out:
            report = check(out)
            assert report.count(Severity.WARNING) == 0, (category, kind, out, report.findings)
            assert "  " not in out and not out.startswith(" ")


# --------------------------------------------------------------------------- CLI


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_cli_prints_the_rewrite_and_the_checklist_on_stderr() -> None:
    r = run("rewrite", str(ANGRY))
    assert r.exit_code == 1  # the threat is left for the writer
    assert r.stdout.startswith("Hi Marcus,\n\nTo recap, invoice 10442")
    assert "The payment hasn't arrived again." in r.stdout
    assert "checklist:" in r.stderr and "checklist:" not in r.stdout
    removed = "removed (nothing of it survived a minimal edit): \u201cThanks for nothing.\u201d"
    assert removed in r.stderr
    assert "note: left as written" in r.stderr and "legal action" in r.stderr


def test_cli_diff_and_json(tmp_path: Path) -> None:
    diff = run("rewrite", str(ANGRY), "--diff")
    assert diff.stdout.startswith(f"--- {ANGRY}\n+++ {ANGRY} (rewritten)\n")
    assert "-Thanks for nothing." in diff.stdout
    data = json.loads(run("rewrite", str(ANGRY), "--format", "json").stdout)
    assert data["schema_version"] == 1 and data["verdict"] == "hold"
    rw = data["rewrite"]
    body = ANGRY.read_text()
    rebuilt = body
    for edit in sorted(rw["edits"], key=lambda e: e["start"], reverse=True):
        rebuilt = rebuilt[: edit["start"]] + edit["replacement"] + rebuilt[edit["end"] :]
    assert rebuilt == rw["text"]
    assert rw["verdict"] == "hold" and [f["rule_id"] for f in rw["findings"]] == [
        "threatening.legal-action"
    ]
    assert rw["benchmark"] is None
    assert rw["removed"] == ["Thanks for nothing."]
    assert rw["left_as_written"] == [
        "If the balance is not cleared by Friday, we will take legal action."
    ]
    assert any("[how many]" in n for n in rw["notes"])


def test_cli_in_place_keeps_the_original_once(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(ANGRY.read_text())
    r = run("rewrite", str(draft), "--in-place", "--fail-on", "never")
    assert r.exit_code == 0 and r.stdout == ""
    assert (tmp_path / "draft.txt.orig").read_text() == ANGRY.read_text()
    assert "Thanks for nothing" not in draft.read_text()
    again = run("rewrite", str(draft), "--in-place", "--fail-on", "never")
    assert again.exit_code == 0
    assert (tmp_path / "draft.txt.orig").read_text() == ANGRY.read_text()
    assert "already exists" in again.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "draft.txt",
        "draft.txt.orig",
    ]


@pytest.mark.parametrize(
    "args",
    [["-", "--in-place"], ["DRAFT", "--in-place", "--diff"], ["-", "--interactive"]],
)
def test_cli_refuses_option_mixes_that_cannot_work(args: list[str], tmp_path: Path) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text("Thanks for nothing.\n")
    r = run("rewrite", *[str(draft) if a == "DRAFT" else a for a in args], input="x\n")
    assert r.exit_code == 2
    assert draft.read_text() == "Thanks for nothing.\n"


def test_cli_eml_in_eml_out_with_headers_kept(tmp_path: Path) -> None:
    source = SAMPLES / "drafts" / "reply-with-quote.eml"
    out = tmp_path / "out.eml"
    args = ["--benchmark", "positive", "--invoices", "3", "--terms", "30-day"]
    r = run("rewrite", str(source), "-o", str(out), *args)
    assert r.exit_code in (0, 1)
    old = email.message_from_bytes(source.read_bytes(), policy=email.policy.default)
    new = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert new[header] == old[header]
    body = new.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "frankly" not in text and "If the next three invoices" in text
    assert "wrote:" in text  # the quoted reply is still there


def test_cli_interactive_takes_answers_one_by_one(tmp_path: Path) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text("Hi Sam,\n\nThanks for nothing.\n\nPer my last email, the invoice is late.\n")
    r = run("rewrite", str(draft), "--interactive", input="s\na\nq\n")
    assert "Thanks for nothing." in r.stdout  # skipped
    assert "To recap, the invoice is late." in r.stdout  # accepted
    assert "If the next" not in r.stdout  # quit before the benchmark clause
    assert r.exit_code == 1  # the skipped sarcasm is still there


def test_cli_reads_benchmark_settings_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "mailcoach.toml").write_text('[benchmark]\ncount = 2\nterms = "60-day"\n')
    r = run("rewrite", "-", input="The invoice for $300 is 20 days past due.\n")
    clause = "If the next two invoices are paid by their due dates, we will keep your account on "
    assert clause in r.stdout
    assert "60-day terms" in r.stdout
    (tmp_path / "mailcoach.toml").write_text('[benchmark]\nform = "harsh"\n')
    bad = run("rewrite", "-", input="x\n")
    assert bad.exit_code == 2 and "benchmark.form" in bad.stderr


@pytest.mark.parametrize("category", ["blaming", "inflammatory", "sarcastic"])
@pytest.mark.parametrize("kind", [*DISPUTE_TYPES, "other"])
def test_a_sentence_without_facts_is_not_given_facts_it_never_stated(
    category: str, kind: str
) -> None:
    sentence = "Your people have no idea what they are doing here at all."
    context = sentence_context(sentence, kind, counterpart=None, today=TODAY)
    out = " ".join(render("rewrites", f"{category}.j2", **context).split())
    assert out == "" or "I'd like us to" in out, out
    for claim in ("hasn't reached", "late", "delay", "cash flow", "at risk"):
        assert claim not in out


def test_cli_in_place_keeps_windows_line_ends(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_bytes(b"Hi Sam,\r\n\r\nThanks for nothing.\r\n\r\nCould you confirm a date?\r\n")
    assert run("rewrite", str(draft), "--in-place", "--benchmark", "none").exit_code == 0
    assert draft.read_bytes() == b"Hi Sam,\r\n\r\nCould you confirm a date?\r\n"


def test_stacked_punctuation_split_across_sentences_is_calmed_in_place() -> None:
    result = rewrite(
        "SERIOUSLY?! Another invoice with the wrong VAT number?!",
        benchmark=NO_CLAUSE,
        complete=False,
    )
    assert result.text == "Seriously? Another invoice with the wrong VAT number?"


def test_an_abbreviation_does_not_cut_a_sentence_in_two() -> None:
    text = (
        "As I have already explained more than once, your cleaning contract "
        "(agreement no. 4410) clearly states payment within 30 days."
    )
    assert [s.end for s in check(text).sentiment.sentences] == [len(text)]
    result = rewrite(text, benchmark=NO_CLAUSE, today=TODAY)
    assert "agreement no. 4410" in result.text


def test_the_same_general_sentence_is_not_written_twice() -> None:
    text = (
        "Hi Jo,\n\nYou people have no idea how to run a warehouse.\n\n"
        "Your team dropped the ball on this one, end of story.\n\nJo\n"
    )
    result = rewrite(text, benchmark=NO_CLAUSE, today=TODAY, complete=False)
    assert "I'd like us to" not in result.text
    assert result.text == "Hi Jo,\n\nJo\n"  # nothing of either survives; both are reported
    assert len(result.removed) == 2 and all(
        any(gone in note for note in result.notes) for gone in result.removed
    )


def test_a_threat_without_a_date_gets_no_invented_deadline_or_colleague() -> None:
    text = "Pay up or we will take legal action against you."
    result = rewrite(text, benchmark=NO_CLAUSE, today=TODAY, complete=False)
    assert result.text == text  # a commitment: left for the writer, not guessed at
    assert result.left_as_written == (text,)


def test_a_customer_waiting_for_a_refund_gets_a_refund_benchmark() -> None:
    text = (
        "Hello,\n\nI returned the blender on 2 February and my refund of £89.99 for "
        "order #55102 has not arrived. Thanks for nothing.\n\nOwen\n"
    )
    suggested = rewrite(text, today=TODAY, complete=False)
    assert "If the refund" not in suggested.text  # no broken promise, nothing asked for
    result = rewrite(
        text, benchmark=BenchmarkParams(period="the next ten days"), today=TODAY, complete=False
    )
    clause = (
        "If the refund of £89.99 reaches my account within the next ten days, "
        "I will consider the matter closed."
    )
    assert f"has not arrived.\n\n{clause}\n\nOwen\n" in result.text
    assert is_benchmark(clause)


def test_cli_eml_keeps_crlf_line_ends(tmp_path: Path) -> None:
    raw = (
        "From: Ana <ana@example.com>\r\nTo: Bo <bo@example.com>\r\nSubject: Invoice 10442\r\n"
        "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nMessage-ID: <a1@example.com>\r\n\r\n"
        "Hi Bo,\r\n\r\nThanks for nothing.\r\n\r\nCould you confirm a date for invoice 10442?\r\n"
    )
    source = tmp_path / "draft.eml"
    source.write_bytes(raw.encode())
    out = tmp_path / "out.eml"
    assert run("rewrite", str(source), "-o", str(out), "--benchmark", "none").exit_code == 0
    data = out.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert b"Thanks for nothing" not in data


def test_two_tone_clauses_in_one_sentence_are_both_dropped() -> None:
    result = rewrite(
        "Frankly, the pallets arrived on 3 May, which is ridiculous, and thanks for nothing.",
        benchmark=NO_CLAUSE,
        today=TODAY,
        complete=False,
    )
    assert result.text == "Frankly, the pallets arrived on 3 May."


def test_a_cut_sentence_leaves_its_neighbours_a_space_apart() -> None:
    # sentences that are cut whole leave their neighbours on the same line ("You did
    # exactly the same thing at the Mendez place last year" reports what happened, so
    # it stays: the verdict that is cut sits between two sentences of a paragraph)
    text = (
        "Kieran,\n\nWe have opened forty cases. Your crew did not sanitize the filler heads. "
        "I saw the residue myself and your operator shrugged it off. You did exactly the same "
        "thing at the Mendez place last year, and now you have done it to us.\n\nWe have "
        "photos. This is your failure, start to finish. You rushed the changeover because you "
        "were running late, and you always run late.\n\nI want a refund by Friday.\n\n"
        "Camille\n"
    )
    result = rewrite(text, today=TODAY)
    assert any(not e.replacement for e in result.edits), "the case needs a cut"
    # a sentence cut from mid-line: its neighbours stay one space apart
    assert any(
        e.start and text[e.start - 1] == " " and text[e.end : e.end + 1].isupper()
        for e in result.edits
        if not e.replacement
    ), "the case needs a cut from mid-line"
    assert re.search(r"[a-z][.!?][A-Z]", result.text) is None, result.text


def test_a_reported_promise_is_no_deadline_to_confirm_by() -> None:
    """A reported promise ("you promised the parts by Thursday") is the reader's: asking them
    to confirm "by Thursday" would set a deadline the writer never set, and the draft's
    own deadline (25 October) is already past, so no weekday of it means the coming one."""
    text = (
        "Hi Sam,\n\nYou promised the parts by Thursday and nothing came. Frankly you are "
        "useless. The whole order had to be with us by 25 October.\n\nJo\n"
    )
    result = rewrite(check(text), today=datetime.date(2026, 12, 7))
    assert "Thursday?" not in result.text
    assert result.text.count("Thursday") == 1
    assert any("(25 October) is before today" in n for n in result.notes)


def test_the_writers_own_as_agreed_still_sets_a_deadline() -> None:
    from mailcoach.rewriting.engine import _REPORTED_PROMISE

    assert _REPORTED_PROMISE.search("You promised the parts by")
    assert _REPORTED_PROMISE.search("I was told it would be fixed before")
    assert not _REPORTED_PROMISE.search("As agreed, please pay by")
    assert not _REPORTED_PROMISE.search("As I said, the balance is due by")
