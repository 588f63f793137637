"""Letters from case facts: every kind × every sample, self-check, facts, email, calendar, CLI."""

from __future__ import annotations

import datetime
import email
import json
from decimal import Decimal
from email import policy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from mailcoach import (
    CaseFacts,
    EscalationRefused,
    FactsError,
    Letter,
    SelfCheckFailed,
    Verdict,
    compose_letter,
    read_facts,
)
from mailcoach.cli import cli
from mailcoach.coaching import is_benchmark
from mailcoach.dispute import find_facts
from mailcoach.letters import KINDS, format_money, read_rows, weigh_cost
from mailcoach.letters.compose import OPTION_KINDS, follow_ups, wants_benchmark

from .conftest import SAMPLES

CASES = SAMPLES / "cases"
SAMPLE_FILES = sorted(p for p in CASES.iterdir() if p.suffix in (".toml", ".yaml", ".json"))
MERGE_BASE = CASES / "merge" / "our-side.toml"
MERGE_CSV = CASES / "merge" / "customers.csv"
FIXED_NOW = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=datetime.UTC)


def kind_of(path: Path) -> str:
    """Return the kind a sample was written for (its file name starts with it)."""
    return next(k for k in sorted(KINDS, key=len, reverse=True) if path.name.startswith(k))


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# --------------------------------------------------- what a letter must carry


def expected_facts(kind: str, facts: CaseFacts) -> dict[str, set[str]]:
    """Return the amounts, references and dates of the facts that ``kind`` writes about."""
    money = facts.money
    amounts: set[str] = set()
    refs: set[str] = set()
    dates: set[datetime.date] = {facts.today}
    account = kind != "trust-repair"  # an apology carries no account table
    for inv in facts.invoices if account else []:
        amounts.add(money(inv.amount))
        refs.add(inv.reference)
        dates |= {inv.issued, inv.due}
        if facts.balance(inv) != inv.amount:
            amounts.add(money(facts.balance(inv)))
    for pay in facts.payments if account else []:
        amounts.add(money(pay.amount))
        dates.add(pay.date)
        if pay.reference:
            refs.add(pay.reference)
    if facts.invoices and account:
        amounts.add(money(facts.total_due))
    if kind in OPTION_KINDS:
        for option in facts.options:
            dates.add(option.by)
            if option.amount is not None:
                amounts.add(money(option.amount))
    if kind == "first-contact":
        dates |= {p.date for p in facts.problems if p.date}
    if kind == "reminder":
        dates |= {p.date for p in facts.problems if p.date and p.side == "ours"}
        for promise in facts.broken_promises:
            dates.add(promise.due)
            if promise.made:
                dates.add(promise.made)
    if kind == "dispute-response":
        amounts |= {money(d.amount) for d in facts.disputed}
    if kind == "reset" and facts.reset:
        dates.add(facts.reset.previous)
    if kind == "trust-repair" and facts.repair:
        dates |= {facts.repair.date, *facts.repair.check_ins, *(s.by for s in facts.repair.steps)}
    if kind == "agreement-summary" and facts.agreement:
        dates |= {facts.agreement.agreed_on, *(s.by for s in facts.agreement.steps)}
    if wants_benchmark(kind, facts) and facts.benchmark.check_on:
        dates.add(facts.benchmark.check_on)
    # an amount as find_facts reads it back (a reader's grouping such as ₹12,45,000.00)
    values = {f.value for a in amounts for f in find_facts(a) if f.kind == "amount"}
    return {"amount": values, "reference": refs, "date": {d.isoformat() for d in dates}}


def found_facts(letter: Letter) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"amount": set(), "reference": set(), "date": set()}
    for fact in find_facts(letter.text, today=letter.facts.today):
        found[fact.kind].add(fact.value)
    return found


def benchmark_sentences(letter: Letter) -> list[str]:
    sentences = [letter.report.body[s.start : s.end] for s in letter.report.sentiment.sentences]
    return [s for s in sentences if is_benchmark(s)]


def assert_good_letter(kind: str, letter: Letter) -> None:
    assert letter.report.verdict is Verdict.OK, letter.report.findings
    assert letter.findings == []
    want = expected_facts(kind, letter.facts)
    got = found_facts(letter)
    for fact_kind, values in want.items():
        missing = values - got[fact_kind]
        if fact_kind == "reference":  # a bank's remittance text is carried as it is
            missing = {ref for ref in missing if ref not in letter.text}
        assert not missing, f"{kind}: {fact_kind} missing from the letter: {sorted(missing)}"
    wanted = wants_benchmark(kind, letter.facts)
    assert len(benchmark_sentences(letter)) == (1 if wanted else 0)
    addressed = letter.facts.escalation.to if kind == "escalation" else letter.facts.recipient
    assert addressed is not None and f"Dear {addressed.greeting_name}," in letter.text
    assert "?" in letter.text  # a question to understand, or a request to confirm
    assert "writing" in letter.text or "confirm" in letter.text


# ---------------------------------------------------------------- the samples


def test_every_kind_has_two_or_more_samples() -> None:
    counts = {kind: sum(1 for p in SAMPLE_FILES if kind_of(p) == kind) for kind in KINDS}
    assert all(n >= 2 for n in counts.values()), counts
    assert {p.suffix for p in SAMPLE_FILES} == {".toml", ".yaml", ".json"}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_makes_a_clean_letter_that_carries_its_facts(path: Path) -> None:
    assert_supported_letter(path)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_with_every_sample_is_clean_or_names_the_missing_field(kind: str) -> None:
    """Each sample either makes a clean, complete letter of this kind or is refused clearly."""
    made = 0
    for path in SAMPLE_FILES:
        try:
            letter = compose_letter(kind, path)
        except (FactsError, EscalationRefused) as exc:
            assert kind_of(path) != kind, f"{path.name}: {exc}"
            message = str(exc)
            assert message.startswith(f"{path}: ") and "\n" not in message
            continue
        made += 1
        assert_good_letter(kind, letter)
    assert made >= 2


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_email_parses_back_with_its_headers(path: Path) -> None:
    letter = compose_letter(kind_of(path), path)
    raw = letter.as_email(now=FIXED_NOW)
    assert b"\r\n" in raw and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    msg = email.message_from_bytes(raw, policy=policy.default)
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert msg[header], header
    assert msg["Subject"] == letter.subject
    assert msg["From"].addresses[0].addr_spec == letter.facts.sender.email
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content_charset() == "utf-8"
    assert body.get_content().replace("\r\n", "\n") == letter.text
    assert email.utils.parsedate_to_datetime(msg["Date"]) == FIXED_NOW


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_ics_parses_with_one_event_per_follow_up(path: Path) -> None:
    letter = compose_letter(kind_of(path), path)
    cal = Calendar.from_ical(letter.as_ics(now=FIXED_NOW))
    events = cal.walk("VEVENT")
    assert len(events) == len(letter.follow_ups) >= 1
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts == sorted(f.date for f in letter.follow_ups)
    assert all(start >= letter.facts.today for start in starts)
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert all(e.walk("VALARM") for e in events)


def test_follow_ups_cover_promises_options_benchmark_and_reply() -> None:
    facts = read_facts(CASES / "first-contact-joinery.toml")
    items = follow_ups("first-contact", facts)
    sources = {f.source for f in items}
    assert {"reply", "option", "benchmark"} <= sources
    assert datetime.date(2027, 3, 31) in {f.date for f in items}


def test_escalation_copies_the_counterpart_who_was_not_told() -> None:
    letter = compose_letter("escalation", CASES / "escalation-clinic.yaml")
    msg = email.message_from_bytes(letter.as_email(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == "alan.fraser@northgate-physio.example"
    assert msg["Cc"].addresses[0].addr_spec == "sarah.kim@northgate-physio.example"
    assert "haven't told Sarah" in letter.text
    told = compose_letter("escalation", CASES / "escalation-manufacturer.toml")
    assert "Ryan knows that I am writing to you" in told.text
    assert email.message_from_bytes(told.as_email(), policy=policy.default)["Cc"] is None


def test_trust_repair_takes_bounded_responsibility_only() -> None:
    for path in (CASES / "trust-repair-florist.toml", CASES / "trust-repair-cloud-hosting.yaml"):
        letter = compose_letter("trust-repair", path)
        text = letter.text.lower()
        assert "responsibility for putting it right" in text
        for phrase in ("entirely our fault", "any loss", "all losses", "fully liable"):
            assert phrase not in text


# ----------------------------------------------------- facts and their errors


def base_facts(**extra: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "date": "2026-11-23",
        "sender": {"name": "Sam Lee", "company": "Lee Tiles", "email": "sam@leetiles.example"},
        "recipient": {"name": "Kim Park", "email": "kim@park.example"},
        "invoices": [
            {"reference": "LT-501", "amount": 1200, "issued": "2026-09-01", "due": "2026-10-01"}
        ],
    }
    facts.update(extra)
    return facts


def test_computed_facts() -> None:
    facts = CaseFacts.model_validate(
        base_facts(payments=[{"amount": "200.50", "date": "2026-10-10", "invoice": "LT-501"}])
    )
    assert facts.total_due == Decimal("999.50")
    assert facts.days_overdue(facts.invoices[0]) == 53
    assert facts.money(facts.total_due) == "$999.50"
    assert facts.reply_date == datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (Decimal("8450"), "USD", "$8,450.00"),
        (Decimal("1200.5"), "EUR", "€1,200.50"),
        (Decimal("99"), "CHF", "CHF 99.00"),
        (Decimal("120000"), "JPY", "¥120,000"),
        (Decimal("0.005"), "GBP", "£0.01"),
    ],
)
def test_money_is_written_the_way_the_dispute_reader_reads_it(
    amount: Decimal, currency: str, text: str
) -> None:
    assert format_money(amount, currency) == text
    (fact,) = find_facts(f"The balance is {text} in all.")
    assert fact.kind == "amount" and fact.value == text


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (base_facts(phone="555"), ["phone", "unknown field"]),
        (base_facts(recipient={"email": "kim@park.example"}), ["recipient.name", "missing"]),
        (
            base_facts(
                invoices=[
                    {
                        "reference": "A1",
                        "amount": "lots",
                        "issued": "2026-01-01",
                        "due": "2026-02-01",
                    }
                ]
            ),
            ["invoices[0].amount"],
        ),
        (
            base_facts(
                invoices=[
                    {"reference": "A1", "amount": 5, "issued": "2026-02-30", "due": "2026-03-01"}
                ]
            ),
            ["invoices[0].issued", "YYYY-MM-DD"],
        ),
        (base_facts(stage="later"), ["stage"]),
        (base_facts(recipient={"name": 42}), ["recipient.name", "expected text"]),
        (
            base_facts(escalation={"to": ["Ada Boss"], "reason": "impasse"}),
            ["escalation.to", "a table with name", "or just the name"],
        ),
        (base_facts(invoices={"reference": "A1"}), ["invoices", "expected a list"]),
        (base_facts(relationship=2019), ["relationship", "a table with since"]),
        (base_facts(relationship={"since": "long ago"}), ["relationship.since", "whole number"]),
        (
            base_facts(promises=[{"what": "pay", "due": "2026-11-01", "kept": "maybe"}]),
            ["promises[0].kept", "true or false"],
        ),
        (base_facts(type="refund"), ["type", 'expected one of "payment"', "'refund'"]),
        (base_facts(cost={"hourly": 50, "hours": "lots"}), ["cost.hours", "a number"]),
        (base_facts(benchmark={"count": 0}), ["benchmark.count", "at least 1"]),
        (base_facts(subject=""), ["subject", "must not be empty"]),
        (base_facts(documents=[7]), ["documents[0]", "or just the title"]),
        (
            base_facts(payments=[{"amount": 5, "date": "2026-10-10", "invoice": "NOPE"}]),
            ["payments[0].invoice", "NOPE"],
        ),
    ],
)
def test_bad_facts_file_gives_one_line_naming_file_and_field_and_no_output(
    tmp_path: Path, content: dict[str, Any], needles: list[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    out, ics = tmp_path / "letter.eml", tmp_path / "follow-up.ics"
    r = run("letter", "first-contact", "--facts", str(path), "--format", "eml",
            "-o", str(out), "--ics", str(ics))  # fmt: skip
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mailcoach: error: "), r.stderr
    assert str(path) in lines[0]
    for needle in needles:
        assert needle in lines[0]
    assert "Input should" not in lines[0] and "pydantic" not in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("case.toml", 'date = 2026-11-23\n[sender]\nname = "A"\nnmae = "B"\n', "sender.nmae"),
        (
            "case.toml",
            "date = 2026-13-40\n",
            "date: expected a date as YYYY-MM-DD, got '2026-13-40'",
        ),
        (
            "case.toml",
            '[[invoices]]\nreference = "A"\n[[invoices]]\nreference = "B"\ndue = 2026-02-30\n',
            "invoices[1].due: expected a date as YYYY-MM-DD, got '2026-02-30' (line 5)",
        ),
        (
            "case.toml",
            '[escalation]\nto = { name = "A", email = 2026-02-30 }\n',
            "escalation.to.email: expected a date",
        ),
        ("case.toml", "[sender\n", "not valid TOML"),
        (
            "case.yaml",
            "sender: {name: A}\nrecipient: B\ninvoices:\n  - reference: A\n    amount: 5\n"
            "    issued: 2026-01-05\n    due: 2026-02-30\n",
            "invoices[0].due: expected a date as YYYY-MM-DD, got '2026-02-30'",
        ),
        ("case.yaml", "sender: [unclosed\n", "not valid YAML"),
        ("case.json", '{"sender": ', "not valid JSON"),
        ("case.txt", "sender = 1\n", "unknown facts format"),
        ("case.toml", 'date = 20261123\n[sender]\nname = "A"\n[recipient]\nname = "B"\n', "date"),
    ],
)
def test_bad_facts_syntax_is_one_line(tmp_path: Path, name: str, text: str, needle: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    r = run("letter", "reminder", "--facts", str(path))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and needle in lines[0], r.stderr


def test_missing_facts_file(tmp_path: Path) -> None:
    r = run("letter", "first-contact", "--facts", str(tmp_path / "nope.toml"))
    assert r.exit_code == 2 and "nope.toml" in r.stderr and len(r.stderr.splitlines()) == 1


def test_kind_needs_its_section(tmp_path: Path) -> None:
    with pytest.raises(FactsError, match=r"^facts: repair: "):
        compose_letter("trust-repair", base_facts())
    with pytest.raises(FactsError, match=r"^facts: promises: "):
        compose_letter("reminder", base_facts())


def test_attached_file_goes_into_the_email(tmp_path: Path) -> None:
    (tmp_path / "LT-501.pdf").write_bytes(b"%PDF-1.4 stand-in")
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(base_facts(documents=[{"title": "a copy of invoice LT-501",
                                          "file": "LT-501.pdf"}])),
        encoding="utf-8",
    )  # fmt: skip
    letter = compose_letter("first-contact", path)
    msg = email.message_from_bytes(letter.as_email(), policy=policy.default)
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "LT-501.pdf"
    assert attachment.get_content() == b"%PDF-1.4 stand-in"
    assert "I've attached a copy of invoice LT-501" in letter.text


def test_missing_attachment_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(base_facts(documents=[{"title": "x", "file": "gone.pdf"}])))
    with pytest.raises(FactsError, match=r"documents\[0\]\.file"):
        read_facts(path)


def test_email_needs_addresses() -> None:
    facts = base_facts()
    del facts["recipient"]["email"]
    letter = compose_letter("first-contact", facts)
    with pytest.raises(FactsError, match=r"recipient\.email"):
        letter.as_email()


# ------------------------------------------------------------------- refusals


def test_escalation_is_refused_without_impasse_or_authority(tmp_path: Path) -> None:
    facts = base_facts(
        escalation={"to": {"name": "Ada Boss", "email": "ada@park.example"}, "reason": "none"}
    )
    path = tmp_path / "case.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    out = tmp_path / "letter.txt"
    r = run("letter", "escalation", "--facts", str(path), "-o", str(out))
    assert r.exit_code == 2 and not out.exists()
    (line,) = r.stderr.strip().splitlines()
    assert "escalation refused" in line and "impasse" in line and "escalation.reason" in line
    with pytest.raises(EscalationRefused):
        compose_letter("escalation", base_facts())


def test_letter_that_fails_its_own_check_is_not_written(tmp_path: Path) -> None:
    facts = base_facts(
        problems=[{"side": "theirs", "what": "you people never pay on time, which is ridiculous"}]
    )
    path = tmp_path / "case.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    out = tmp_path / "letter.txt"
    r = run("letter", "first-contact", "--facts", str(path), "-o", str(out))
    assert r.exit_code == 1
    assert not out.exists() and r.stdout == ""
    assert "did not pass its own check" in r.stderr and "ridiculous" in r.stderr
    with pytest.raises(SelfCheckFailed) as info:
        compose_letter("first-contact", facts)
    assert info.value.report.verdict is not Verdict.OK


# ---------------------------------------------------------------- the command


def test_list_shows_every_kind_with_one_line() -> None:
    r = run("letter", "--list")
    assert r.exit_code == 0
    lines = r.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(KINDS)
    assert all(len(line.split(None, 1)[1]) > 30 for line in lines)


def test_letter_prints_text_with_subject_and_cost_check_on_stderr() -> None:
    r = run("letter", "first-contact", "--facts", str(CASES / "first-contact-joinery.toml"))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Subject: Open balance of $4,820.00")
    assert "Dear Dana," in r.stdout
    assert "cost check" in r.stderr and "worth the time" in r.stderr
    assert "cost check" not in r.stdout


def test_cost_check_warns_and_still_writes_the_letter() -> None:
    r = run("letter", "first-contact", "--facts", str(CASES / "first-contact-joinery.toml"),
            "--hourly", "150", "--hours", "40")  # fmt: skip
    assert r.exit_code == 0
    assert "costs more than it brings in" in r.stderr
    assert "Dear Dana," in r.stdout


def test_cost_weighing_numbers() -> None:
    facts = read_facts(CASES / "first-contact-joinery.toml")
    weighing = weigh_cost(facts)
    assert weighing is not None
    assert weighing.cost == Decimal("260") and not weighing.costs_more and not weighing.close
    close = weigh_cost(facts, hourly=Decimal("100"), hours=Decimal("30"))
    assert close is not None and close.close and not close.costs_more
    assert weigh_cost(facts.model_copy(update={"cost": None})) is None


def test_eml_and_ics_files(tmp_path: Path) -> None:
    out, ics = tmp_path / "reminder.eml", tmp_path / "follow-up.ics"
    r = run("letter", "reminder", "--facts", str(CASES / "reminder-catering.toml"),
            "--format", "eml", "-o", str(out), "--ics", str(ics))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    msg = email.message_from_bytes(out.read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == "marcus@bellarcher.example"
    assert len(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) >= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["follow-up.ics", "reminder.eml"]


def test_eml_to_stdout_is_bytes() -> None:
    r = run("letter", "reset", "--facts", str(CASES / "reset-bakery.json"), "--format", "eml")
    assert r.exit_code == 0
    msg = email.message_from_bytes(r.stdout_bytes, policy=policy.default)
    assert msg["Subject"] and "Dear Luis," in msg.get_content()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["letter"], "KIND"),
        (["letter", "apology"], "not a kind of letter"),
        (["letter", "reminder"], "--facts"),
        (["letter", "reminder", "--csv", "x.csv"], "--out-dir"),
        (["letter", "reminder", "--facts", "x.toml", "--hours", "many"], "--hours"),
    ],
)
def test_usage_errors_exit_2(args: list[str], needle: str) -> None:
    r = run(*args)
    assert r.exit_code == 2 and needle in r.stderr


# ----------------------------------------------------------------- mail merge


def test_mail_merge_sample_writes_one_clean_letter_per_row(tmp_path: Path) -> None:
    out = tmp_path / "letters"
    ics = tmp_path / "all.ics"
    r = run("letter", "first-contact", "--facts", str(MERGE_BASE), "--csv", str(MERGE_CSV),
            "--out-dir", str(out), "--ics", str(ics))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "row-002-amara-osei.txt",
        "row-003-felix-braun.txt",
        "row-004-yuki-tanaka.txt",
        "row-005-rhys-morgan.txt",
    ]
    assert "Dear Felix," in (out / "row-003-felix-braun.txt").read_text(encoding="utf-8")
    assert len(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) >= 4
    assert "close call" in r.stderr  # $82.50 of work for $86.25


def test_mail_merge_rows_carry_their_facts() -> None:
    from mailcoach.letters.facts import read_raw

    rows = list(read_rows(MERGE_CSV, read_raw(MERGE_BASE)))
    assert [row.error for row in rows] == [None] * 4
    braun = rows[1].facts
    assert braun is not None
    assert [i.reference for i in braun.invoices] == ["CL-90187", "CL-90233"]
    assert braun.total_due == Decimal("944.40")
    assert [d.title for d in braun.documents] == [
        "copies of both invoices",
        "the signed delivery notes",
    ]
    for row in rows:
        assert row.facts is not None
        assert_good_letter("first-contact", compose_letter("first-contact", row.facts))


def test_mail_merge_reports_bad_rows_and_writes_the_good_ones(tmp_path: Path) -> None:
    csv_path = tmp_path / "batch.csv"
    csv_path.write_text(
        "recipient.name,recipient.email,invoices.reference,invoices.amount,invoices.issued,"
        "invoices.due\n"
        "Ana Ruiz,ana@ruiz.example,R-1,300,2026-09-01,2026-10-01\n"
        "Bo Chen,bo@chen.example,R-2;R-3,300,2026-09-01,2026-10-01\n"
        "Cy Dunn,cy@dunn.example,R-4,300,2026-09-31,2026-10-01\n"
        ",dee@x.example,R-5,300,2026-09-01,2026-10-01\n"
        "Eve Fox,eve@fox.example,R-6,12.5,2026-09-01,2026-10-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = run("letter", "first-contact", "--facts", str(MERGE_BASE), "--csv", str(csv_path),
            "--out-dir", str(out))  # fmt: skip
    assert r.exit_code == 3
    assert sorted(p.name for p in out.iterdir()) == ["row-002-ana-ruiz.txt", "row-006-eve-fox.txt"]
    skipped = [line for line in r.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 3
    assert "row 3" in skipped[0] and "invoices" in skipped[0]
    assert "row 4" in skipped[1] and "invoices[0].issued" in skipped[1]
    assert "row 5" in skipped[2] and "recipient.name" in skipped[2]


def test_mail_merge_unknown_column_stops_before_writing(tmp_path: Path) -> None:
    csv_path = tmp_path / "batch.csv"
    csv_path.write_text("recipient.name,recipient.phone\nAna,555\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run("letter", "first-contact", "--csv", str(csv_path), "--out-dir", str(out))
    assert r.exit_code == 2
    (line,) = r.stderr.strip().splitlines()
    assert str(csv_path) in line and "recipient.phone" in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("first-contact", "samples/cases/first-contact-joinery.toml"),
        ("trust-repair", "samples/cases/trust-repair-florist.toml"),
    ],
)
def test_readme_example_letters_are_real_output(kind: str, path: str) -> None:
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    command = f"$ mailcoach letter {kind} --facts {path}\n"
    shown = readme.split(command, 1)[1].split("\n```", 1)[0]
    r = run("letter", kind, "--facts", str(SAMPLES.parent / path))
    assert r.exit_code == 0
    assert shown.rstrip() == (r.stdout + r.stderr).rstrip()


def test_reader_without_company_is_you_not_their_own_name() -> None:
    facts = base_facts(
        promises=[{"what": "settle the invoice", "due": "2026-11-16"}],
        options=[{"what": "pay the full balance", "by": "2026-12-01"}],
    )
    letter = compose_letter("reminder", facts)
    assert "agreed that you would settle the invoice" in letter.text
    assert "1. You could pay the full balance by Tuesday 1 December 2026." in letter.text
    assert "that Kim would" not in letter.text
    assert_good_letter("reminder", letter)


def test_reminder_sets_a_positive_benchmark_only() -> None:
    facts = base_facts(
        promises=[{"what": "settle the invoice", "due": "2026-11-16"}],
        benchmark={"form": "punitive"},
    )
    with pytest.raises(FactsError, match=r"benchmark\.form"):
        compose_letter("reminder", facts)


def test_punitive_benchmark_is_written_with_a_note_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(base_facts(benchmark={"form": "punitive"})), encoding="utf-8")
    r = run("letter", "first-contact", "--facts", str(path))
    assert r.exit_code == 0
    assert "note: The punitive benchmark" in r.stderr
    assert "payment in advance" in r.stdout


# ------------------------------------------- review of outsiders' facts files


def test_facts_data_in_capitals_is_not_shouting() -> None:
    """Company names, references and remittance refs are copied as they are, not checked."""
    facts = base_facts(
        recipient={"name": "Kim Park", "company": "PARK & DAUGHTERS TILING LTD"},
        payments=[{"amount": 200, "date": "2026-10-20", "invoice": "LT-501",
                   "reference": "BACS 20OCT PARKTILE"}],
        options=[{"what": "pay the balance", "by": "2026-12-01"}],
    )  # fmt: skip
    letter = compose_letter("first-contact", facts)
    assert "PARK & DAUGHTERS TILING LTD could pay" in letter.text
    assert "ref BACS 20OCT PARKTILE" in letter.text
    assert letter.report.verdict is Verdict.OK and letter.findings == []


def test_free_text_in_capitals_is_still_checked_next_to_data() -> None:
    facts = base_facts(
        recipient={"name": "Kim Park", "company": "PARK TILING"},
        options=[{"what": "PAY THE WHOLE BALANCE IMMEDIATELY", "by": "2026-12-01"}],
    )
    with pytest.raises(SelfCheckFailed, match="shouting"):
        compose_letter("first-contact", facts)


def test_refused_letter_report_names_the_letter_and_no_cost_line(tmp_path: Path) -> None:
    facts = base_facts(
        problems=[{"side": "theirs", "what": "you people never pay on time, which is ridiculous"}],
        cost={"hourly": 50, "hours": 2},
    )
    path = tmp_path / "case.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    r = run("letter", "first-contact", "--facts", str(path))
    assert r.exit_code == 1
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"the first-contact letter from {path}"), r.stderr
    assert "cost check" not in r.stderr


def test_rejected_facts_error_comes_alone_without_the_cost_line(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(base_facts(cost={"hourly": 50, "hours": 2})), encoding="utf-8")
    r = run("letter", "reminder", "--facts", str(path))
    assert r.exit_code == 2
    (line,) = r.stderr.strip().splitlines()
    assert "promises" in line


OUTSIDER = Path(__file__).parent / "fixtures" / "cases-outsider"
OUTSIDER_GOOD = sorted(
    p
    for p in [*OUTSIDER.iterdir(), *(OUTSIDER / "probes").iterdir()]
    if p.suffix in (".toml", ".yaml", ".yml", ".json")
    and not p.name.startswith("merge")
    and p.name != "escalation-farm-coop.json"  # refused on purpose: see OUTSIDER_REFUSED
)
#: Outsider files that must be refused, and what the one line names.
OUTSIDER_REFUSED = {
    "escalation-farm-coop.json": "escalation.reason: escalation refused",
    "bad/dispute-response-garage-syntax.json": "not valid JSON: Expecting value (line 8",
    "bad/first-contact-bakery-wrong-type.json": "invoices[0].amount: expected an amount",
    "bad/first-contact-florist-impossible-date.yaml": "invoices[0].due: expected a date",
    "bad/first-contact-locksmith-unknown-key.toml": "respond_before: unknown field",
    "bad/reminder-bike-shop-missing-field.toml": "invoices[1].due: required field is missing",
}
#: Sentences no letter may state, because no facts field says so.
UNSUPPORTED = (
    "helpful and open",
    "When we spoke",
    "so clearly",
    "useful conversation",
    "(agreed on",
    "has been due for",
    "$0.00 is not in question",
)


def assert_supported_letter(path: Path) -> str:
    """Write the letter for a case file, check it is good and claims nothing the facts
    do not support, and return its kind."""
    kind = kind_of(path)
    letter = compose_letter(kind, path)
    assert_good_letter(kind, letter)
    for phrase in UNSUPPORTED:
        assert phrase not in letter.text, phrase
    return kind


@pytest.mark.parametrize("path", OUTSIDER_GOOD, ids=lambda p: p.name)
def test_outsider_facts_make_clean_letters(path: Path) -> None:
    kind = assert_supported_letter(path)
    r = run("letter", kind, "--facts", str(path))
    assert r.exit_code == 0 and r.stdout.startswith("Subject: "), r.stderr


@pytest.mark.parametrize("name", sorted(OUTSIDER_REFUSED))
def test_outsider_bad_facts_are_refused_with_one_line(name: str, tmp_path: Path) -> None:
    path = OUTSIDER / name
    out = tmp_path / "letter.txt"
    r = run("letter", kind_of(path), "--facts", str(path), "-o", str(out))
    assert r.exit_code == 2 and not out.exists() and r.stdout == ""
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith(f"mailcoach: error: {path}: ") and OUTSIDER_REFUSED[name] in line
    assert "Input should" not in line and "Invalid YAML" not in line


def test_outsider_mail_merge_writes_good_rows_and_names_bad_ones(tmp_path: Path) -> None:
    out = tmp_path / "letters"
    r = run("letter", "first-contact", "--facts", str(OUTSIDER / "merge-sender.toml"),
            "--csv", str(OUTSIDER / "merge.csv"), "--out-dir", str(out))  # fmt: skip
    assert r.exit_code == 3
    assert len(list(out.iterdir())) == 3
    skipped = [line for line in r.stderr.splitlines() if "skipped" in line]
    assert "row 4: invoices[0].due: expected a date" in skipped[0]
    assert "row 6: invoices[0].amount: required field is missing" in skipped[1]


def test_escalation_to_may_be_just_a_name() -> None:
    facts = base_facts(
        escalation={
            "to": "Ada Boss",
            "reason": "impasse",
            "detail": "two calls ended without a plan",
        }
    )
    letter = compose_letter("escalation", facts)
    assert "Dear Ada," in letter.text and letter.to == "Ada Boss"


@pytest.mark.parametrize(
    ("person", "greeting"),
    [
        ({"name": "Dana Whitfield"}, "Dana"),
        ({"name": "Dana Whitfield", "salutation": "Ms Whitfield"}, "Ms Whitfield"),
        ({"name": "Dr. Amara Osei"}, "Dr. Amara Osei"),
        ({"name": "Prof Lena Voss"}, "Prof Lena Voss"),
        ({"name": "van der Berg"}, "van der Berg"),
        ({"name": "J. Okafor"}, "J. Okafor"),
        ({"name": "Okafor"}, "Okafor"),
        ({"name": "Anna van der Berg"}, "Anna"),
        ({"name": "Sarah-Jane McAllister"}, "Sarah-Jane"),
    ],
)
def test_greeting_handles_titles_particles_and_initials(
    person: dict[str, str], greeting: str
) -> None:
    letter = compose_letter("first-contact", base_facts(recipient=person))
    assert f"Dear {greeting},\n" in letter.text


def test_dispute_response_names_which_figure_is_which() -> None:
    invoices = [
        {"reference": "P-1", "amount": 2000, "issued": "2026-09-01", "due": "2026-10-01"},
        {"reference": "P-2", "amount": 300, "issued": "2026-09-01", "due": "2026-10-01"},
    ]
    disputed = [
        {"invoice": "P-1", "amount": 200, "point": "ten of the chairs were scratched"},
        {"invoice": "P-2", "amount": 300, "point": "the delivery fee was waived", "accepted": True},
    ]
    letter = compose_letter("dispute-response", base_facts(invoices=invoices, disputed=disputed))
    text = letter.text
    assert "Of the $2,300.00 open, $1,800.00 is not in question." in text
    assert "On invoice P-1, your question concerns $200.00 of the $2,000.00 invoiced." in text
    assert "On invoice P-2 ($300.00), I agree with your point" in text
    assert_good_letter("dispute-response", letter)


def test_dispute_response_when_everything_is_disputed() -> None:
    disputed = [{"invoice": "LT-501", "amount": 1200, "point": "the tiles were the wrong colour"}]
    letter = compose_letter("dispute-response", base_facts(disputed=disputed))
    assert "is not in question" not in letter.text
    assert "Your questions concern the full $1,200.00 still open." in letter.text
    assert "where we agree" not in letter.text
    assert "agreed part of" not in letter.text
    assert "copies of the invoice and" in letter.text
    assert_good_letter("dispute-response", letter)


def test_escalation_tells_the_promise_history_and_follows_up_its_options() -> None:
    facts = base_facts(
        recipient={"name": "Kim Park", "company": "Park Homes"},
        promises=[
            {"what": "pay half of the invoice", "made": "2026-10-02", "due": "2026-10-16",
             "kept": True},
            {"what": "pay the rest", "made": "2026-10-20", "due": "2026-11-06"},
        ],
        escalation={"to": {"name": "Ada Boss"}, "reason": "impasse", "detail": "two calls ended"},
        options=[{"what": "agree a date for the rest", "by": "2026-12-04", "owner": "both"}],
    )  # fmt: skip
    letter = compose_letter("escalation", facts)
    assert ("On 2 October 2026, we agreed with Kim that Park Homes would pay half of the "
            "invoice by 16 October 2026, and that was done.") in letter.text  # fmt: skip
    assert "would pay the rest by 6 November 2026; as far as I can see, that hasn't" in letter.text
    assert "helpful and open" not in letter.text
    events = Calendar.from_ical(letter.as_ics(now=FIXED_NOW)).walk("VEVENT")
    assert any("agree a date for the rest" in str(e["summary"]) for e in events)
    assert_good_letter("escalation", letter)


def test_first_contact_benchmark_only_when_asked_and_restores_only_withdrawn_terms() -> None:
    plain = compose_letter("first-contact", base_facts())
    assert plain.benchmark is None and "terms" not in plain.text
    asked = compose_letter("first-contact", base_facts(benchmark={"terms": "30-day"}))
    assert asked.benchmark is not None
    assert "we will keep your account on 30-day terms" in asked.text
    assert "restore" not in asked.text
    broken = base_facts(promises=[{"what": "pay the invoice", "due": "2026-11-02"}])
    restored = compose_letter("first-contact", broken)
    assert restored.benchmark is not None and "restore your 30-day terms" in restored.text
    told = compose_letter(
        "first-contact", base_facts(benchmark={"terms": "45-day", "restore": True})
    )
    assert "restore your 45-day terms" in told.text
    for letter in (plain, asked, restored, told):
        assert_good_letter("first-contact", letter)


def test_agreement_summary_sets_a_benchmark_only_when_the_facts_give_one() -> None:
    step = {"what": "pay the invoice", "by": "2026-12-01", "owner": "them"}
    agreement = {"agreed_on": "2026-11-20", "steps": [step]}
    without = compose_letter("agreement-summary", base_facts(agreement=agreement))
    assert without.benchmark is None and "We also agreed how the account" not in without.text
    given = compose_letter(
        "agreement-summary", base_facts(agreement=agreement, benchmark={"count": 2})
    )
    assert given.benchmark is not None and "We also agreed how the account" in given.text


def test_trust_repair_keeps_our_steps_apart_from_what_we_ask() -> None:
    repair = {
        "what": "our van left the order at the wrong depot",
        "date": "2026-11-10",
        "impact": "your shop opened without stock",
        "cause": "one-off",
        "changed": ["drivers now confirm the depot by phone"],
        "steps": [
            {"what": "refund the delivery charge", "by": "2026-11-27"},
            {"what": "send us the depot receipt", "by": "2026-11-26", "owner": "them"},
        ],
        "check_ins": ["2026-12-07"],
    }
    letter = compose_letter("trust-repair", base_facts(repair=repair))
    ours, _, rest = letter.text.partition("we would need from you:")
    assert "1. We will refund the delivery charge by Friday 27 November 2026." in ours
    assert "depot receipt" not in ours
    assert "- Could you send us the depot receipt by Thursday 26 November 2026?" in rest
    events = Calendar.from_ical(letter.as_ics(now=FIXED_NOW)).walk("VEVENT")
    assert not any("call" in str(e["summary"]).lower() for e in events)
    assert_good_letter("trust-repair", letter)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_lists_the_documents(kind: str) -> None:
    facts = base_facts(
        documents=["a copy of the signed quote"],
        promises=[{"what": "pay the invoice", "due": "2026-11-02"}],
        disputed=[{"invoice": "LT-501", "amount": 100, "point": "one box was short"}],
        reset={"previous": "2026-11-20", "effort": "the list you sent"},
        repair={"what": "we sent the wrong tiles", "date": "2026-11-10",
                "impact": "your crew lost a day",
                "cause": "one-off", "changed": ["orders are now double-checked"],
                "steps": [{"what": "send the right tiles", "by": "2026-11-27"}],
                "check_ins": ["2026-12-07"]},
        escalation={"to": "Ada Boss", "reason": "authority", "detail": "a sign-off is needed"},
        agreement={"agreed_on": "2026-11-20", "steps": [{"what": "pay", "by": "2026-12-01"}]},
    )  # fmt: skip
    letter = compose_letter(kind, facts)
    assert "I've attached a copy of the signed quote" in letter.text


def test_one_invoice_is_singular_and_many_are_plural() -> None:
    one = compose_letter("first-contact", base_facts())
    assert "a query about the invoice," in one.text
    assert "copies of the invoice and" in one.text and "the invoices" not in one.text
    three = [
        {"reference": f"LT-50{i}", "amount": 100, "issued": "2026-09-01", "due": "2026-10-01"}
        for i in range(1, 4)
    ]
    many = compose_letter("first-contact", base_facts(invoices=three))
    assert "a query about the invoices," in many.text
    assert "the oldest is 53 days overdue" in many.text


def test_reminder_states_when_promises_were_made_without_inventing_a_call() -> None:
    facts = base_facts(
        promises=[
            {"what": "pay half", "made": "2026-10-01", "due": "2026-10-15"},
            {"what": "pay the rest", "made": "2026-10-20", "due": "2026-11-06"},
        ]
    )
    letter = compose_letter("reminder", facts)
    assert "On 1 October 2026, we agreed that you would pay half by 15 October 2026." in letter.text
    assert "On 20 October 2026, we also agreed that you would pay the rest" in letter.text
    assert "spoke" not in letter.text and "(agreed on" not in letter.text


def test_amounts_and_dates_already_in_free_text_are_not_repeated() -> None:
    facts = base_facts(
        currency="GBP",
        options=[
            {"what": "approve the credit of £150.00", "amount": 150, "by": "2026-12-02"},
            {"what": "pay the rest by 9 December", "amount": 1050, "by": "2026-12-09"},
        ],
    )
    text = compose_letter("first-contact", facts).text
    assert "could approve the credit of £150.00 by Wednesday 2 December 2026." in text
    assert "could pay the rest by 9 December, £1,050.00." in text
    assert "£150.00, £150.00" not in text
