"""Hostile and unusual input ends in one line and exit 2 (or an error row), never a traceback.

Multipart messages as mail clients send them, a raw UTF-8 subject too long to fold,
impossible names, facts that are nested, huge or far in the future, text that is not
valid Unicode, bytes-like input to the API, and escape sequences meant for the terminal.
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mailcoach import InputError, MailcoachError, check, rewrite
from mailcoach.cli import cli
from mailcoach.letters import compose_letter, read_facts

from .conftest import MAIL, SAMPLES

CASE = SAMPLES / "cases" / "first-contact-joinery.toml"
MERGE_BASE = SAMPLES / "cases" / "merge" / "our-side.toml"
MERGE_CSV = SAMPLES / "cases" / "merge" / "customers.csv"
ANGRY = SAMPLES / "drafts" / "overdue-angry.txt"
HOSTILE = "You failed to pay invoice 10442 again. This is ridiculous."
PDF = b"%PDF-1.4\n% not really a PDF, but its bytes must come back unchanged\n"


def run(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def one_line_error(r: Result) -> str:
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mailcoach: error: "), r.stderr
    return lines[0]


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def assert_valid(message: EmailMessage) -> None:
    """Every part parses without a defect (boundaries closed, headers well formed)."""
    for part in message.walk():
        assert not part.defects, (part.get_content_type(), part.defects)


# --------------------------------------------------------------------------- multipart


def _gmail_message(*, closing: bool = True, related: bool = False) -> bytes:
    """A reply as Gmail or Outlook sends it: text and HTML alternatives, then a PDF."""
    html = f'<div dir="ltr"><p>Hi Dana,</p><p>{HOSTILE}</p><img src="cid:logo"></div>'
    html_part = (
        '--rel\nContent-Type: text/html; charset="UTF-8"\n\n' + html + "\n"
        "--rel\nContent-Type: image/png\nContent-ID: <logo>\n"
        "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--rel--\n"
    )
    alternative_html = (
        'Content-Type: multipart/related; boundary="rel"\n\n' + html_part
        if related
        else 'Content-Type: text/html; charset="UTF-8"\n\n' + html + "\n"
    )
    import base64

    raw = (
        "From: Sam Ortiz <sam@ortiz-supply.example>\n"
        "To: Dana Price <dana@brightline.example>\n"
        "Subject: Invoice 10442\n"
        "Message-ID: <gm.10442@ortiz-supply.example>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="mix"\n\n'
        "--mix\n"
        'Content-Type: multipart/alternative; boundary="alt"\n\n'
        "--alt\n"
        'Content-Type: text/plain; charset="UTF-8"\n\n'
        f"Hi Dana,\n\n{HOSTILE}\n\n"
        "--alt\n" + alternative_html + "--alt--\n\n"
        "--mix\n"
        'Content-Type: application/pdf; name="invoice-10442.pdf"\n'
        'Content-Disposition: attachment; filename="invoice-10442.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(PDF).decode()
        + ("--mix--\n" if closing else "")
    )
    return raw.encode()


def _rewrite_eml(tmp_path: Path, data: bytes) -> tuple[Result, EmailMessage]:
    source = tmp_path / "draft.eml"
    source.write_bytes(data)
    out = tmp_path / "out.eml"
    r = run("rewrite", str(source), "-o", str(out), "--benchmark", "none")
    assert r.exit_code in (0, 1) and "Traceback" not in r.stderr, r.stderr
    message = parse(out.read_bytes())
    assert_valid(message)
    return r, message


def _texts(message: EmailMessage) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            assert isinstance(part, EmailMessage)
            found.setdefault(part.get_content_type(), part.get_content())
    return found


def test_rewrite_of_the_multipart_alternative_fixture_writes_both_versions(
    tmp_path: Path,
) -> None:
    """It used to stop with 'TypeError: set_content not valid on multipart'."""
    data = (MAIL / "multipart_alternative.eml").read_bytes()
    source = tmp_path / "draft.eml"
    source.write_bytes(data)
    out = tmp_path / "out.eml"
    r = run("rewrite", str(source), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    message = parse(out.read_bytes())
    assert_valid(message)
    texts = _texts(message)
    assert "If the next" in texts["text/plain"]  # the benchmark clause was added
    assert "HTML VERSION" not in texts["text/html"]  # the old HTML wording is gone
    assert "If the next" in texts["text/html"] and "invoice 10442" in texts["text/html"]
    assert message["Message-ID"] == "<alt.10442@ortiz-supply.example>"
    assert "HTML version" in r.stderr


@pytest.mark.parametrize("related", [False, True], ids=["html", "html-with-images"])
def test_rewrite_keeps_attachments_and_rebuilds_the_html_from_the_new_text(
    tmp_path: Path, related: bool
) -> None:
    _, message = _rewrite_eml(tmp_path, _gmail_message(related=related))
    texts = _texts(message)
    assert "ridiculous" not in texts["text/plain"] and "ridiculous" not in texts["text/html"]
    assert "invoice 10442" in texts["text/plain"] and "invoice 10442" in texts["text/html"]
    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "invoice-10442.pdf"
    assert attachment.get_content() == PDF
    if related:
        images = [p for p in message.walk() if p.get_content_type() == "image/png"]
        assert len(images) == 1 and images[0]["Content-ID"] == "<logo>"
    # Each alternative part carries its own content headers, and no stray MIME-Version.
    assert all("MIME-Version" not in p for p in message.walk() if p is not message)


def test_rewrite_of_a_message_missing_its_closing_boundary(tmp_path: Path) -> None:
    data = _gmail_message(closing=False)
    assert parse(data).walk() and any(p.defects for p in parse(data).walk())
    _, message = _rewrite_eml(tmp_path, data)
    assert "ridiculous" not in _texts(message)["text/plain"]
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == PDF


def test_a_message_with_nothing_to_rewrite_is_written_back_unchanged(tmp_path: Path) -> None:
    data = (MAIL / "multipart_alternative.eml").read_bytes()
    source = tmp_path / "draft.eml"
    source.write_bytes(data)
    r = run("rewrite", str(source), "--benchmark", "none")
    assert r.exit_code == 0, r.stderr
    assert r.stdout_bytes == data


def test_a_raw_utf8_subject_too_long_to_fold_is_kept_as_it_was(tmp_path: Path) -> None:
    """Refolding it failed: 'UnicodeEncodeError … surrogates not allowed'."""
    subject = "Rechnung 10442 " + "é" * 30 + " " + "x" * 90 + " “überfällig” —"
    data = (
        f"From: a@example.com\nTo: b@example.com\nSubject: {subject}\n"
        f"Content-Type: text/plain; charset=utf-8\n\n{HOSTILE}\n"
    ).encode()
    source = tmp_path / "draft.eml"
    source.write_bytes(data)
    r = run("rewrite", str(source), "--benchmark", "none")
    assert r.exit_code in (0, 1) and "Traceback" not in r.stderr, r.stderr
    assert f"Subject: {subject}\n".encode() in r.stdout_bytes
    assert b"ridiculous" not in r.stdout_bytes


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize("command", ["rewrite", "review", "letter"])
def test_an_output_name_too_long_for_the_system_is_one_line(tmp_path: Path, command: str) -> None:
    """'OSError: File name too long' used to escape from path.exists()."""
    target = str(tmp_path / ("x" * 300 + ".txt"))
    args = {
        "rewrite": ["rewrite", str(ANGRY), "-o", target],
        "review": ["review", str(ANGRY), "-o", target],
        "letter": ["letter", "first-contact", "--facts", str(CASE), "-o", target],
    }[command]
    assert "name too long" in one_line_error(run(*args)).lower()


# --------------------------------------------------------------------------- letters


def _facts_with(tmp_path: Path, old: str, new: str, suffix: str = ".toml") -> Path:
    text = CASE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"case{suffix}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('name = "Dana Whitfield"', r'name = "Dana\r\nBcc: all@example.com"', "recipient.name"),
        (
            'email = "dana@harbourlane-interiors.example"',
            r'email = "dana@harbourlane-interiors.example\nBcc: all@example.com"',
            "recipient.email",
        ),
        ('company = "Northfield Joinery"', r'company = "North\u2028field"', "sender.company"),
    ],
    ids=["crlf-name", "lf-address", "line-separator"],
)
def test_letter_eml_with_a_line_break_in_a_name_or_address(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    """ValueError: 'address parts cannot contain CR or LF' used to escape."""
    facts = _facts_with(tmp_path, old, new)
    out = tmp_path / "letter.eml"
    line = one_line_error(
        run("letter", "first-contact", "--facts", str(facts), "--format", "eml", "-o", str(out))
    )
    assert field in line and "one line" in line
    assert not out.exists()
    with pytest.raises(MailcoachError):
        compose_letter("first-contact", read_facts(facts)).as_email()


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".toml"])
def test_facts_nested_a_hundred_thousand_deep(tmp_path: Path, suffix: str) -> None:
    """json.loads raised RecursionError."""
    depth = 100_000
    text = {
        ".json": '{"a": ' + "[" * depth + "]" * depth + "}",
        ".yaml": "a: " + "[" * depth + "]" * depth + "\n",
        ".toml": "a = " + "[" * depth + "]" * depth + "\n",
    }[suffix]
    facts = tmp_path / f"deep{suffix}"
    facts.write_text(text, encoding="utf-8")
    line = one_line_error(run("letter", "first-contact", "--facts", str(facts)))
    assert "nested" in line and str(facts) in line


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("amount = 4820.00", "amount = 123456789012345678901234567890", "amount below"),
        ("date = 2026-11-23", "date = 9999-12-31", "between 1900 and 2999"),
        ("due = 2026-09-13", "due = 0001-01-01", "between 1900 and 2999"),
    ],
    ids=["huge-amount", "year-9999", "year-1"],
)
def test_facts_out_of_range_are_named(tmp_path: Path, old: str, new: str, says: str) -> None:
    """decimal.InvalidOperation and OverflowError used to escape."""
    facts = _facts_with(tmp_path, old, new)
    line = one_line_error(run("letter", "first-contact", "--facts", str(facts)))
    assert says in line


def test_a_bad_merge_row_is_an_error_row_and_the_rest_are_written(tmp_path: Path) -> None:
    """A CR/LF in a cell raised ValueError at --format eml and stopped the batch; a long
    name in another script made a file name too long for the system."""
    with MERGE_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) >= 5
    rows[1][0] = "Ł" * 200  # a long name: its file name must still fit
    rows[2][0] = "Felix Braun\r\nBcc: everyone@example.com"  # the bad row
    table = tmp_path / "customers.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "letters"
    r = run(
        "letter", "first-contact", "--facts", str(MERGE_BASE), "--csv", str(table),
        "--out-dir", str(out), "--format", "eml",
    )  # fmt: skip
    assert r.exit_code == 3, r.stderr
    assert "Traceback" not in r.stderr
    assert "recipient.name" in r.stderr and "1 bad row" in r.stderr
    written = sorted(out.iterdir())
    assert len(written) == len(rows) - 2  # every row but the header and the bad one
    assert all(len(p.name.encode()) < 255 for p in written)
    for path in written:
        message = parse(path.read_bytes())
        assert_valid(message)
        assert "Bcc" not in message


# --------------------------------------------------------------------------- the API


@pytest.mark.parametrize(
    "source",
    [
        "Hi \udcff you failed to pay invoice 10442.",
        bytearray(b"Hi, you failed to pay invoice 10442."),
        memoryview(b"Hi, you failed to pay invoice 10442."),
        memoryview(
            b"Subject: 10442\r\nFrom: a@example.com\r\n\r\n"
            b"You failed to pay invoice 10442 \xff.\r\n"
        ),
    ],
    ids=["lone-surrogate", "bytearray", "memoryview", "memoryview-eml"],
)
def test_the_api_takes_text_with_a_lone_surrogate_and_bytes_like_messages(
    source: str | bytearray | memoryview,
) -> None:
    report = check(source)
    assert [f.rule_id.split(".")[0] for f in report.findings] == ["blaming"]
    assert "\udcff" not in report.body
    result = rewrite(source)
    assert "failed" not in result.text and "10442" in result.text


@pytest.mark.parametrize("source", [None, 42, ["a list"]])
def test_the_api_refuses_other_types_with_its_own_error(source: object) -> None:
    with pytest.raises(InputError, match="cannot check an object of type"):
        check(source)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the terminal


def test_check_does_not_pass_escape_sequences_to_the_terminal(tmp_path: Path) -> None:
    """Clear screen, OSC 8 links and bells in a subject or body were printed as they came."""
    esc = "\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x9b31m\u202e"
    draft = tmp_path / "draft.eml"
    draft.write_bytes(
        f"From: a@example.com\nSubject: Invoice {esc}\n\nYou failed to pay {esc} again.\n".encode()
    )
    r = run("check", str(draft))
    assert r.exit_code == 1, r.stderr
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in r.stdout
    assert "\ufffd]8;;https://evil.example" in r.stdout  # shown, but harmless
    # The caret still sits under the flagged words: lengths are kept.
    lines = r.stdout.splitlines()
    shown = next(i for i, line in enumerate(lines) if "| You failed" in line)
    assert lines[shown + 1].index("^") == lines[shown].index("You failed")
    json_out = json.loads(run("check", str(draft), "--format", "json").stdout)
    assert "\x1b" in json_out["subject"]  # JSON keeps the data; it is escaped there


@pytest.mark.parametrize(("hourly", "hours"), [("1e30", "2"), ("1e999999", "3"), ("5", "1e40")])
def test_cost_options_too_large_to_write_are_a_usage_error(hourly: str, hours: str) -> None:
    """decimal.InvalidOperation and decimal.Overflow used to escape."""
    r = run("letter", "first-contact", "--facts", str(CASE), "--hourly", hourly, "--hours", hours)
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert "must be at most" in r.stderr


def test_the_cost_weighing_refuses_amounts_it_cannot_write() -> None:
    from decimal import Decimal

    from mailcoach.errors import FactsError
    from mailcoach.letters import weigh_cost

    facts = read_facts(CASE)
    with pytest.raises(FactsError, match="hourly cost"):
        weigh_cost(facts, hourly=Decimal("1e30"), hours=Decimal(2))
    with pytest.raises(FactsError, match="hours"):
        weigh_cost(facts, hourly=Decimal(50), hours=Decimal("1e40"))


def test_rewrite_when_the_plain_version_is_broken_base64_rewrites_from_the_html(
    tmp_path: Path,
) -> None:
    """The parser checks the HTML when the plain part cannot be decoded; so does rewrite."""
    data = (
        "From: a@example.com\nTo: b@example.com\nSubject: 10442\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="alt"\n\n'
        '--alt\nContent-Type: text/plain; charset="utf-8"\n'
        "Content-Transfer-Encoding: base64\n\nthis is *not* base64!\n"
        '--alt\nContent-Type: text/html; charset="utf-8"\n\n'
        f"<p>Hi Dana,</p><p>{HOSTILE}</p>\n--alt--\n"
    ).encode()
    _, message = _rewrite_eml(tmp_path, data)
    texts = _texts(message)
    assert "ridiculous" not in texts["text/plain"] and "ridiculous" not in texts["text/html"]
    assert "invoice 10442" in texts["text/plain"] and "invoice 10442" in texts["text/html"]
