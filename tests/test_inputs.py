"""Tests for the input layer: reading, decoding and splitting real mail files."""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import os
import sys
from pathlib import Path

import pytest

from mailcoach.errors import InputError
from mailcoach.inputs import parse_bytes, parse_text, read_draft, split_body
from mailcoach.inputs.htmltext import html_to_text
from mailcoach.inputs.parse import (
    DEFAULT_MAX_BYTES,
    EMPTY_NOTE,
    HTML_NOTE,
    NO_OWN_TEXT_NOTE,
    decode_text,
    looks_like_email,
)
from mailcoach.inputs.split import SIGNOFF_MAX_LINES, mark_lines
from mailcoach.model import Draft, Segment, SegmentKind

MAIL = Path(__file__).parent / "fixtures" / "mail"

OWN = SegmentKind.OWN
QUOTED = SegmentKind.QUOTED
SIGNATURE = SegmentKind.SIGNATURE

#: Fixtures that must be rejected, and a phrase the message must contain.
REJECTED = {
    "attachment_only.eml": "has no text part to check",
    "malformed_multipart.eml": "malformed",
    "headers_only.eml": "malformed",
    "binary.bin": "binary",
    "invalid_utf8.txt": "not valid UTF-8",
}
ALL_FIXTURES = sorted(p.name for p in MAIL.iterdir())


def load(name: str) -> Draft:
    """Read one fixture."""
    return read_draft(MAIL / name)


def texts(draft: Draft, kind: SegmentKind) -> list[str]:
    """Return the text of every segment of ``kind``."""
    return [draft.body[s.start : s.end] for s in draft.segments if s.kind is kind]


def assert_segments_valid(body: str, segments: tuple[Segment, ...]) -> None:
    """Check that segments cover ``body`` in order, without gaps or overlaps."""
    if not body:
        assert segments == ()
        return
    assert segments, "a non-empty body needs segments"
    assert segments[0].start == 0
    assert segments[-1].end == len(body)
    for before, after in itertools.pairwise(segments):
        assert before.end == after.start
        assert before.kind is not after.kind, "neighbours of one kind should be merged"
    for segment in segments:
        assert segment.start < segment.end
        assert isinstance(segment.kind, SegmentKind)
        assert segment.start == 0 or body[segment.start - 1] == "\n"


# -- every fixture ------------------------------------------------------------------


def test_fixture_list_is_complete() -> None:
    """Every quirk named in the brief has its fixture."""
    expected = {
        "multipart_alternative.eml", "html_only.eml", "html_blockquote_reply.eml",
        "html_outlook_reply.eml", "quoted_printable_utf8.eml", "base64_body.eml",
        "iso_8859_1.eml", "windows_1252.eml", "undeclared_8bit.eml",
        "unknown_charset_label.eml", "mislabelled_charset.eml", "gmail_reply.eml",
        "outlook_original_message.eml", "outlook_from_sent_block.eml", "forwarded.eml",
        "inline_reply.eml", "dash_signature.eml", "signoff_signature.eml",
        "legal_disclaimer.eml", "attachment_only.eml", "malformed_multipart.eml", "empty_body.eml",
        "headers_only.eml", "bom_crlf.txt", "invalid_utf8.txt", "empty.txt", "binary.bin",
        "subject_line_draft.txt",
    }  # fmt: skip
    assert expected <= set(ALL_FIXTURES)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_reads_or_fails_with_a_sentence_naming_the_file(name: str) -> None:
    """Each fixture gives a valid Draft, or an InputError that names the file."""
    path = MAIL / name
    if name in REJECTED:
        with pytest.raises(InputError) as caught:
            read_draft(path)
        message = str(caught.value)
        assert str(path) in message
        assert REJECTED[name] in message
        assert message.endswith(".") and "\n" not in message
        assert caught.value.__cause__ is None or not isinstance(caught.value, OSError)
        return
    draft = read_draft(path)
    assert draft.source == str(path)
    assert "\r" not in draft.body
    assert not draft.body.startswith("\ufeff")
    assert_segments_valid(draft.body, draft.segments)


def test_reading_never_changes_the_files() -> None:
    """Reading every fixture leaves every byte and timestamp alone."""

    def snapshot() -> dict[str, tuple[str, int]]:
        return {
            p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in MAIL.iterdir()
        }

    before = snapshot()
    for name in ALL_FIXTURES:
        with contextlib.suppress(InputError):
            read_draft(MAIL / name)
    assert snapshot() == before


# -- MIME structure -----------------------------------------------------------------


def test_multipart_alternative_prefers_the_plain_part() -> None:
    draft = load("multipart_alternative.eml")
    assert draft.subject == "Invoice 10442 - signed delivery note"
    assert draft.to == "Dana Price <dana.price@brightline.example>"
    assert draft.sender == "Sam Ortiz <sam.ortiz@ortiz-supply.example>"
    assert draft.body == (
        "Hi Dana,\n\nI've attached the signed delivery note for invoice 10442. It shows 24\n"
        "pallets received at your dock on 14 October.\n\n"
        "Could you check it against your goods-in record?\n"
    )
    assert "HTML VERSION" not in draft.body
    assert HTML_NOTE not in draft.notes
    assert [s.kind for s in draft.segments] == [OWN]


def test_html_only_is_converted_to_readable_text() -> None:
    draft = load("html_only.eml")
    assert draft.body == (
        "Hi Dana,\n\n"
        "Thanks for your patience while we sorted out the statement. "
        "Here is where things stand:\n\n"
        "- Invoice 10442: €8,450.00, disputed (pallet count)\n"
        "- Invoice 10517: paid in full & closed\n\n"
        "I’ll call you on Thursday at 10:00 to go through the claim.\n"
        "Sam\n"
    )
    assert "tracking" not in draft.body and "margin" not in draft.body
    assert "Statement" not in draft.body  # the <title> is dropped with <head>
    assert HTML_NOTE in draft.notes


def test_html_blockquote_reply_quotes_the_gmail_container() -> None:
    draft = load("html_blockquote_reply.eml")
    assert draft.own_text == (
        "Hi Dana,\n\nThe credit note for the two missing pallets (CN-2304, $704.00) went out "
        "this morning. With it applied, the balance on invoice 10442 is $7,746.00.\n"
    )
    assert "useless" not in draft.own_text
    [quoted] = texts(draft, QUOTED)
    assert quoted == (
        "> On Tue, Nov 3, 2026 at 9:14 AM Dana Price <dana.price@brightline.example> wrote:\n"
        "> Sam,\n>\n"
        "> You people are useless. Fix the invoice today or lose the account.\n"
    )
    assert texts(draft, SIGNATURE) == ["\nBest,\nSam\n\n"]


def test_html_outlook_reply_quotes_everything_after_the_reply_header() -> None:
    draft = load("html_outlook_reply.eml")
    assert draft.own_text == (
        "Hello Priya,\n\nI've asked the warehouse to pull the batch photos and will confirm "
        "the credit by Friday.\n"
    )
    [quoted] = texts(draft, QUOTED)
    assert "> From: Priya Nair <priya.nair@harbourfoods.example>\n" in quoted
    assert "> Six units arrived crushed again." in quoted
    assert all(line.startswith(">") for line in quoted.splitlines())


def test_attachment_only_is_rejected_with_the_types_found() -> None:
    path = MAIL / "attachment_only.eml"
    with pytest.raises(InputError) as caught:
        read_draft(path)
    assert str(caught.value) == f"{path} has no text part to check (only: application/pdf)."


def test_malformed_multipart_names_the_defect() -> None:
    path = MAIL / "malformed_multipart.eml"
    with pytest.raises(InputError) as caught:
        read_draft(path)
    message = str(caught.value)
    assert message.startswith(f"{path} is a malformed email:")
    assert "boundary 'outer-boundary-1' never appears" in message


def test_headers_without_separator_or_text_are_malformed() -> None:
    with pytest.raises(InputError, match="no blank line after them and no message text"):
        load("headers_only.eml")


def test_headers_running_into_text_are_not_over_rejected() -> None:
    data = b"From: sam@ortiz-supply.example\nTo: dana@brightline.example\nThe pallets shipped.\n"
    draft = parse_bytes(data, "run-on.eml")
    assert draft.body == "The pallets shipped.\n"
    assert draft.to == "dana@brightline.example"


def test_attachments_are_ignored_when_there_is_text() -> None:
    data = (
        b"From: sam@ortiz-supply.example\nTo: dana@brightline.example\nSubject: Statement\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain; charset=utf-8\n\nStatement attached.\n"
        b"--b\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment\n\n"
        b"Internal notes, not part of the message.\n"
        b"--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
        b"JVBERi0=\n--b--\n"
    )
    draft = parse_bytes(data, "with-attachments.eml")
    assert draft.body == "Statement attached."  # the newline before "--b" is the boundary's


def test_empty_email_body_is_a_note_not_an_error() -> None:
    draft = load("empty_body.eml")
    assert draft.body == ""
    assert draft.segments == ()
    assert draft.subject == "(no text)"
    assert draft.notes == (EMPTY_NOTE,)


# -- transfer encodings and charsets ------------------------------------------------


def test_quoted_printable_utf8_and_encoded_word_subject() -> None:
    draft = load("quoted_printable_utf8.eml")
    assert draft.subject == "Settlement – €3.200 in two instalments"
    assert draft.own_text == (
        "Hi Jonas,\n\nFollowing our call: the agreed settlement is €3.200, payable in two "
        "instalments of €1.600 on 1 December and 15 January. I’ve attached the revised "
        "schedule = version 2.\n"
    )
    assert texts(draft, SIGNATURE) == ["\nRegards,\nSam\n"]
    assert draft.notes == ()


def test_base64_body() -> None:
    draft = load("base64_body.eml")
    assert draft.body.startswith("Hello Zoë,\n\nWe received your payment of $1,250.00")
    assert draft.body.endswith("will send it to you.\n")


def test_iso_8859_1_declared() -> None:
    draft = load("iso_8859_1.eml")
    assert "Hi René," in draft.body
    assert "café fit-out order (invoice 10460, £1,180.50)" in draft.body
    assert draft.to == "René Fauchère <rene@cafe-lumiere.example>"
    assert draft.notes == ()


def test_windows_1252_declared_curly_quotes_and_euro() -> None:
    draft = load("windows_1252.eml")
    assert draft.body == (
        "Hi Jonas,\n\nYou’re right that the delivery was two days late – that’s on us.\n"
        "We’ll credit €240 against invoice 10533, marked “late delivery”.\n"
    )
    assert draft.notes == ()


def test_undeclared_8bit_charset_falls_back_to_windows_1252() -> None:
    draft = load("undeclared_8bit.eml")
    assert "café chairs is €1,920" in draft.body
    assert draft.notes == (
        "no charset is declared and the text is not UTF-8; decoded as Windows-1252",
    )


def test_undeclared_charset_tries_utf8_first() -> None:
    data = "From: a@x.example\nTo: b@y.example\n\nThe fee is €95.\n".encode()
    draft = parse_bytes(data, "utf8.eml")
    assert draft.body == "The fee is €95.\n"
    assert draft.notes == ()


def test_unknown_charset_label_decodes_with_replacement_and_a_note() -> None:
    draft = load("unknown_charset_label.eml")
    assert "for the caf\ufffd is attached" in draft.body
    assert draft.notes == (
        "charset 'x-acme-legacy' is unknown; decoded as UTF-8 with replacement characters",
    )


def test_wrong_charset_label_decodes_with_replacement_and_a_note() -> None:
    draft = load("mislabelled_charset.eml")
    assert "split the \ufffd8,450 balance" in draft.body
    assert draft.notes == (
        "the text does not match its charset label 'utf-8'; decoded with replacement characters",
    )


def test_non_text_codec_label_counts_as_unknown() -> None:
    text, notes = decode_text(b"Refund sent.", "base64")
    assert text == "Refund sent."
    assert notes == ["charset 'base64' is unknown; decoded as UTF-8"]


def test_latin1_label_on_windows_1252_bytes_reads_as_windows_1252() -> None:
    assert decode_text(b"\x80 240 \x93credit\x94", "iso-8859-1") == ("€ 240 “credit”", [])


def test_ascii_label_on_8bit_bytes_is_treated_as_undeclared() -> None:
    text, notes = decode_text("café".encode(), "us-ascii")
    assert text == "café"
    assert notes == [
        "charset 'us-ascii' does not fit the 8-bit bytes in the message; decoded as utf-8"
    ]


def test_encoding_option_decodes_undeclared_email_parts() -> None:
    data = b"From: a@x.example\nTo: b@y.example\n\nCaf\xe9 order.\n"
    assert parse_bytes(data, "x.eml", encoding="latin-1").body == "Café order.\n"


# -- plain-text drafts ---------------------------------------------------------------


def test_bom_and_crlf_are_normalised() -> None:
    draft = load("bom_crlf.txt")
    assert draft.body == (
        "Hi Dana,\n\nI’ve re-sent invoice 10442 (€8,450.00) with the corrected PO number.\n"
        "Please let me know if your system still rejects it.\n\n-- \nSam Ortiz\n"
    )
    assert draft.own_text.endswith("still rejects it.\n")
    assert texts(draft, SIGNATURE) == ["\n-- \nSam Ortiz\n"]


def test_invalid_utf8_names_file_byte_and_offset() -> None:
    path = MAIL / "invalid_utf8.txt"
    with pytest.raises(InputError) as caught:
        read_draft(path)
    assert str(caught.value) == (
        f"{path} is not valid UTF-8 (byte 0xE9 at offset 17); "
        "save it as UTF-8 or pass --encoding cp1252."
    )


def test_invalid_utf8_offset_counts_the_bom() -> None:
    with pytest.raises(InputError, match=r"byte 0xE9 at offset 6\)"):
        parse_bytes(b"\xef\xbb\xbfcaf\xe9", "d.txt")


def test_explicit_encoding_decodes_the_draft() -> None:
    draft = read_draft(MAIL / "invalid_utf8.txt", encoding="cp1252")
    assert draft.body == "Hi Dana,\n\nThe café invoice is attached.\n"


def test_unknown_encoding_name_is_an_input_error() -> None:
    with pytest.raises(InputError, match="'klingon-8' is not a known text encoding"):
        read_draft(MAIL / "invalid_utf8.txt", encoding="klingon-8")
    with pytest.raises(InputError, match="not a known text encoding"):
        parse_bytes(b"hello", "x.txt", encoding="base64")


def test_wrong_explicit_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"x\.txt is not valid ascii \(byte 0xE9 at offset 3\)"):
        parse_bytes(b"caf\xe9", "x.txt", encoding="ascii")


def test_utf16_with_bom_is_decoded() -> None:
    draft = parse_bytes("Hi Dana,\r\nthe invoice is attached.\r\n".encode("utf-16"), "n.txt")
    assert draft.body == "Hi Dana,\nthe invoice is attached.\n"


def test_empty_file_is_a_note_not_an_error() -> None:
    draft = load("empty.txt")
    assert draft.body == ""
    assert draft.segments == ()
    assert draft.notes == (EMPTY_NOTE,)


def test_whitespace_only_draft_has_one_covering_segment() -> None:
    draft = parse_bytes(b"  \n\n\t\n", "blank.txt")
    assert draft.body == "  \n\n\t\n"
    assert draft.segments == (Segment(0, 6, OWN),)
    assert draft.notes == (EMPTY_NOTE,)


def test_binary_file_is_rejected() -> None:
    path = MAIL / "binary.bin"
    with pytest.raises(InputError) as caught:
        read_draft(path)
    assert str(caught.value) == (
        f"{path} looks like a binary file (it contains NUL bytes), not a text draft or an "
        "email; pass a .txt or .eml file."
    )


def test_control_byte_soup_is_rejected_as_binary() -> None:
    with pytest.raises(InputError, match="mostly control bytes"):
        parse_bytes(bytes(range(1, 32)) * 20, "noise.dat")


def test_outlook_msg_file_gets_a_specific_message() -> None:
    with pytest.raises(InputError, match=r"Outlook \.msg .*save the message as \.eml"):
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "reply.msg")


def test_pdf_passed_by_mistake_is_named() -> None:
    with pytest.raises(InputError) as caught:
        parse_bytes(b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n1 0 obj", "statement.pdf")
    assert str(caught.value) == (
        "statement.pdf is a PDF file, not a text draft or an email; "
        "save the message as .eml or copy its text into a .txt file."
    )


def test_parse_text_normalises_line_ends_and_bom() -> None:
    draft = parse_text("\ufeffHi Dana,\r\n\r\nPlease call me.\rSam", "pasted")
    assert draft.body == "Hi Dana,\n\nPlease call me.\nSam"
    assert draft.source == "pasted"
    assert_segments_valid(draft.body, draft.segments)


def test_subject_line_alone_does_not_make_an_email() -> None:
    draft = load("subject_line_draft.txt")
    assert draft.subject is None
    assert draft.body.startswith("Subject: Invoice 10442\n\nHi Dana,")


# -- sniffing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"From: a@x.example\nTo: b@y.example\n\nHi\n", True),
        (b"Received: from mx\n  by relay\nMessage-ID: <1@x>\nSubject: hi\n\nbody", True),
        (b"From sam@x.example Tue Nov  3 09:14:00 2026\nFrom: a@x\nDate: today\n\nHi", True),
        (b"\xef\xbb\xbfSubject: hi\r\nMIME-Version: 1.0\r\n\r\nbody", True),
        (b"Subject: Invoice 10442\n\nHi Dana,\n", False),
        (b"Hi Dana,\nFrom: me\nTo: you\n", False),
        (b"Subject: x\nHi Dana, To: whom it may concern\nFrom: me\n", False),
        (b"", False),
        (b"\n\nFrom: a\nTo: b\n", False),
    ],
)
def test_looks_like_email(data: bytes, expected: bool) -> None:
    assert looks_like_email(data) is expected


def test_eml_suffix_with_a_single_header_is_still_an_email() -> None:
    draft = parse_bytes(b"Subject: Short note\n\nThe refund went out today.\n", "note.eml")
    assert draft.subject == "Short note"
    assert draft.body == "The refund went out today.\n"


# -- reading files and standard input -------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as caught:
        read_draft(path)
    assert str(caught.value) == f"{path} does not exist; check the path and try again."


def test_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a message"):
        read_draft(tmp_path)


def test_permission_error_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Hi\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError) as caught:
        read_draft(path)
    assert str(caught.value) == (
        f"{path} cannot be read (permission denied); "
        "check its permissions or copy it somewhere you can read it."
    )


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Hi\n")
    path.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_draft(path)


def test_huge_file_is_rejected_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.write(b"x" * (20 * 1024 * 1024))

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened although it is too large")

    monkeypatch.setattr(Path, "open", must_not_open)
    with pytest.raises(InputError) as caught:
        read_draft(path)
    assert str(caught.value).startswith(
        f"{path} is 20.0 MB, over the 10.0 MB limit for one message; "
    )


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Hi Dana, the refund is on its way.\n")
    with pytest.raises(InputError, match="over the"):
        read_draft(path, max_bytes=10)
    assert read_draft(path, max_bytes=DEFAULT_MAX_BYTES).body.startswith("Hi Dana")


def test_parse_bytes_checks_the_size_too() -> None:
    with pytest.raises(InputError, match=r"standard input is 0\.0 MB, over the 0\.0 MB limit"):
        parse_bytes(b"x" * 11, "-", max_bytes=10)


class _FakeStdin:
    """Stand-in for sys.stdin with a binary buffer."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b"Hi Dana,\r\nthe refund went out.\r\n"))
    draft = read_draft("-")
    assert draft.source == "-"
    assert draft.body == "Hi Dana,\nthe refund went out.\n"


def test_standard_input_errors_say_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b"caf\xe9"))
    with pytest.raises(InputError, match=r"^standard input is not valid UTF-8"):
        read_draft("-")
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b"x" * 50))
    with pytest.raises(InputError, match=r"standard input is over the 0\.0 MB limit"):
        read_draft("-", max_bytes=10)


# -- quoted replies -----------------------------------------------------------------


def test_gmail_reply_own_text_excludes_every_hostile_quoted_line() -> None:
    draft = load("gmail_reply.eml")
    raw = (MAIL / "gmail_reply.eml").read_bytes().decode("utf-8")
    assert draft.subject == "Re: Invoice 10442 - pallets short on delivery"
    assert draft.own_text == (
        "Hi Dana,\n\n"
        "I checked the signed delivery note for invoice 10442 against our dispatch\n"
        "log. Both show 24 pallets leaving our yard on 14 October. If your team\n"
        "counted 22 on arrival, could you send me the photos from the loading bay?\n"
        "I will open a claim with the carrier as soon as I have them.\n\n"
        "Until then the remaining balance of $8,450.00 stays open.\n"
    )
    hostile = [line.lstrip("> ") for line in raw.splitlines() if line.startswith("> ")]
    assert len(hostile) == 5
    for line in hostile:
        if len(line.split()) > 1:
            assert line not in draft.own_text
    assert texts(draft, SIGNATURE) == ["\nThanks,\nSam\n\n"]
    [quoted] = texts(draft, QUOTED)
    assert quoted == raw[raw.index("On Tue, 3 Nov 2026") :]  # byte for byte, wrap and all
    assert [s.kind for s in draft.segments] == [OWN, SIGNATURE, QUOTED]


def test_outlook_original_message_and_crlf() -> None:
    draft = load("outlook_original_message.eml")
    raw = (MAIL / "outlook_original_message.eml").read_bytes().decode().replace("\r\n", "\n")
    assert draft.own_text.startswith("Hello Priya,\n\nThank you for the photos.")
    assert draft.own_text.endswith("You\nshould have it by Friday.\n")
    assert texts(draft, SIGNATURE) == ["\nKind regards,\nSam Ortiz\nOrtiz Supply Co.\n\n"]
    [quoted] = texts(draft, QUOTED)
    assert quoted == raw[raw.index("-----Original Message-----") :]
    assert "crushed" not in draft.own_text


def test_outlook_from_sent_block_without_dashes() -> None:
    draft = load("outlook_from_sent_block.eml")
    assert draft.own_text == (
        "Hi Marta,\n\nI'm sorry the engineer arrived late on 28 October. I've removed the\n"
        "call-out fee from invoice 10528, so the new total is $640.00.\n"
    )
    [quoted] = texts(draft, QUOTED)
    assert quoted.lstrip("\n").startswith("From: Marta Silva")
    assert "Pathetic." in quoted


def test_forwarded_message_is_quoted() -> None:
    draft = load("forwarded.eml")
    assert draft.own_text.endswith("once finance confirms the refund date.\n")
    [quoted] = texts(draft, QUOTED)
    assert quoted.lstrip("\n").startswith("---------- Forwarded message ---------\n")
    assert "vanished" not in draft.own_text


def test_inline_reply_keeps_own_answers_between_quotes() -> None:
    draft = load("inline_reply.eml")
    assert [s.kind for s in draft.segments] == [
        OWN, QUOTED, OWN, QUOTED, OWN, QUOTED, OWN, SIGNATURE,
    ]  # fmt: skip
    assert texts(draft, OWN) == [
        "Hi Dana,\n\nAnswers inline.\n",
        (
            "The quote covered 20 pallets; the order grew to 24 on 9 October. The\n"
            "change order is attached.\n"
        ),
        (
            "Your buyer, Omar, approved it by email on 8 October. I've forwarded that\n"
            "thread to you separately.\n"
        ),
        (
            "I understand the frustration. I've credited the $95 delivery fee as a\n"
            "goodwill gesture.\n"
        ),
    ]
    assert "Honestly" not in draft.own_text
    assert texts(draft, SIGNATURE) == ["\nBest,\nSam\n"]


# -- signatures ---------------------------------------------------------------------


def test_dash_signature() -> None:
    draft = load("dash_signature.eml")
    assert draft.own_text.endswith("Let me know if anything else is missing.\n")
    assert texts(draft, SIGNATURE) == [
        (
            "\n-- \nSam Ortiz\nAccounts Receivable | Ortiz Supply Co.\n"
            "+1 555 0100 | www.ortiz-supply.example\n"
        )
    ]


def test_signoff_block_signature() -> None:
    draft = load("signoff_signature.eml")
    assert draft.own_text.endswith("could\nyou let me know when we can expect it?\n")
    assert texts(draft, SIGNATURE) == [
        (
            "\nKind regards,\n\nSam Ortiz\nCredit Control Lead\nOrtiz Supply Co.\n"
            "+1 555 0100\nsam.ortiz@ortiz-supply.example\n"
        )
    ]


def test_legal_disclaimer_after_the_signature_is_not_own_text() -> None:
    draft = load("legal_disclaimer.eml")
    assert draft.own_text.endswith("Could you confirm by 1 November that this works?\n")
    [signature] = texts(draft, SIGNATURE)
    assert signature.startswith("\nBest regards,\n\nNadia Brennan\n")
    assert signature.endswith("Harvest Lane accepts no liability for viruses.\n")


def test_a_disclaimer_without_a_sign_off_is_not_own_text() -> None:
    body = (
        "The statement is attached.\n\n"
        "DISCLAIMER: This email may be confidential. If you are not the intended\n"
        "recipient, please delete it.\n"
    )
    assert kinds_of(body) == [
        (OWN, "The statement is attached.\n"),
        (SIGNATURE, body[len("The statement is attached.\n") :]),
    ]


def test_a_name_and_contact_block_without_a_sign_off_is_a_signature() -> None:
    own = "Hi Kieran,\n\nThe refund is due by Friday.\n"
    signature = (
        "\nCamille\n\nCamille Ashdown\nOwner, Ashdown Hill Vineyard\n"
        "ashdownhill.example.com | (707) 555-0188\n"
    )
    assert kinds_of(own + signature) == [(OWN, own), (SIGNATURE, signature)]


def test_a_short_last_line_without_contact_details_stays_own_text() -> None:
    body = "The invoice is 60 days overdue.\n\nPAY NOW\nSam Ortiz\n"
    assert kinds_of(body) == [(OWN, body)]


def test_a_shouted_line_above_contact_details_stays_own_text() -> None:
    body = "The invoice is 60 days overdue.\n\nPAY IT NOW.\nSam Ortiz\n+1 555 0100\n"
    assert kinds_of(body) == [(OWN, body)]


def test_confidential_words_in_own_text_stay_own_text() -> None:
    body = (
        "Please keep the figures confidential.\n\n"
        "If you are not the intended recipient of the refund, please tell me.\n\n"
        "The invoice is attached.\n"
    )
    assert kinds_of(body) == [(OWN, body)]


# -- split_body on its own ------------------------------------------------------------


def kinds_of(body: str) -> list[tuple[SegmentKind, str]]:
    """Split ``body`` and return (kind, text) pairs, checking the invariants."""
    segments = split_body(body)
    assert_segments_valid(body, segments)
    return [(s.kind, body[s.start : s.end]) for s in segments]


def test_split_empty_and_blank() -> None:
    assert split_body("") == ()
    assert kinds_of("\n\n") == [(OWN, "\n\n")]


def test_marker_string_is_talon_style() -> None:
    lines = [
        "Hi Dana,",
        "",
        "The pallets were all delivered, as the note shows.",
        "",
        "Best regards,",
        "Sam",
        "",
        "On Tue, 3 Nov 2026 at 09:14, Dana <dana@brightline.example> wrote:",
        "> Pay? Never.",
        "-- ",
    ]
    assert mark_lines(lines) == "netecnesmd"


def test_thanks_for_nothing_mid_email_is_not_a_signature() -> None:
    body = (
        "Hi Dana,\n\nThanks for nothing.\n\n"
        "The invoice is still unpaid and I expect payment this week.\n\nSam\n"
    )
    assert kinds_of(body) == [(OWN, body)]


def test_thanks_for_nothing_at_the_end_is_not_a_signature() -> None:
    body = "The invoice is still unpaid.\n\nThanks for nothing.\n"
    assert kinds_of(body) == [(OWN, body)]


def test_thanks_for_the_quick_reply_is_not_a_signature() -> None:
    body = "Hi Omar,\n\nThanks for the quick reply, it helped.\nSam\n"
    assert kinds_of(body) == [(OWN, body)]


def test_closing_phrase_followed_by_a_paragraph_is_not_a_signature() -> None:
    body = (
        "Hi Dana,\n\nThanks.\n\n"
        "The invoice is still unpaid, and if it is not settled by Friday we will\n"
        "pass the account to our collections agency without further notice.\n"
    )
    assert kinds_of(body) == [(OWN, body)]


def test_closing_phrase_followed_by_a_lower_case_demand_is_not_a_signature() -> None:
    body = "Hi Dana,\n\nSee the statement.\n\nThanks,\nplease pay by Friday\n"
    assert kinds_of(body) == [(OWN, body)]


def test_closing_phrase_followed_by_too_many_lines_is_not_a_signature() -> None:
    lines = "".join(f"Line {n}\n" for n in range(SIGNOFF_MAX_LINES + 1))
    body = "Please check the invoice.\n\nRegards,\n" + lines
    assert kinds_of(body) == [(OWN, body)]


def test_closing_with_name_on_the_same_line() -> None:
    body = "The refund went out today.\n\nThanks, Sam\n"
    assert kinds_of(body) == [(OWN, "The refund went out today.\n"), (SIGNATURE, "\nThanks, Sam\n")]


def test_mobile_footer_is_a_signature() -> None:
    body = "Refund sent.\n\nSent from my iPhone\n"
    assert kinds_of(body) == [(OWN, "Refund sent.\n"), (SIGNATURE, "\nSent from my iPhone\n")]


def test_closing_phrase_as_the_whole_message_stays_own() -> None:
    assert kinds_of("Thanks!\n\nSam\n") == [(OWN, "Thanks!\n\nSam\n")]


def test_wrote_inside_a_sentence_is_not_an_attribution() -> None:
    body = (
        "On Monday I wrote: please pay invoice 10442 by Friday.\n"
        "As your colleague wrote: the goods arrived intact.\n"
        "> a quoted line\n"
    )
    assert kinds_of(body) == [
        (OWN, body[: body.index(">")]),
        (QUOTED, "> a quoted line\n"),
    ]


def test_sentence_before_a_short_attribution_is_not_swallowed() -> None:
    body = "On reflection, I think we should talk.\nAs you wrote:\n> Nobody pays late fees.\n"
    assert kinds_of(body) == [
        (OWN, "On reflection, I think we should talk.\n"),
        (QUOTED, "As you wrote:\n> Nobody pays late fees.\n"),
    ]


def test_wrote_colon_before_own_text_is_not_an_attribution() -> None:
    body = "On Monday you wrote:\nthe invoice was wrong. It was not; see the attached PO.\n"
    assert kinds_of(body) == [(OWN, body)]


def test_name_wrote_attribution_before_quotes() -> None:
    body = "Agreed.\n\nDana Price <dana.price@brightline.example> wrote:\n> You cheated us.\n"
    assert kinds_of(body) == [
        (OWN, "Agreed.\n"),
        (QUOTED, "\nDana Price <dana.price@brightline.example> wrote:\n> You cheated us.\n"),
    ]


def test_attribution_followed_by_unquoted_original_quotes_the_rest() -> None:
    body = (
        "Replied below.\n\n"
        "On Tuesday, November 3, 2026, 09:14:00 AM GMT, Dana Price <dana@brightline.example> "
        "wrote:\n\nYou are thieves.\n"
    )
    assert [kind for kind, _ in kinds_of(body)] == [OWN, QUOTED]
    assert kinds_of(body)[0][1] == "Replied below.\n"


def test_attribution_wrapped_over_three_lines() -> None:
    body = (
        "Fine.\n\nOn Tue, 3 Nov 2026 at 09:14, Dana Price\n<dana.price@brightline.example>\n"
        "wrote:\n> Unacceptable.\n"
    )
    assert kinds_of(body)[1] == (QUOTED, body[body.index("\nOn Tue") :])


def test_underscore_line_before_from_block_is_quoted() -> None:
    body = (
        "I'll check with the warehouse.\n\n"
        "________________________________\n"
        "From: Priya Nair <priya.nair@harbourfoods.example>\n"
        "Sent: Monday, November 2, 2026 4:47 PM\n"
        "To: Sam Ortiz\n\n"
        "Useless, as always.\n"
    )
    assert kinds_of(body) == [
        (OWN, "I'll check with the warehouse.\n"),
        (QUOTED, body[body.index("\n____") :]),
    ]


def test_from_line_without_a_header_block_is_own_text() -> None:
    body = "From: the accounts team\n\nWe have applied your credit note.\n"
    assert kinds_of(body) == [(OWN, body)]


def test_begin_forwarded_message_and_original_message_variants() -> None:
    for marker in ("Begin forwarded message:", "-------- Original message --------"):
        body = f"FYI.\n\n{marker}\n\nPay up or else.\n"
        assert kinds_of(body) == [(OWN, "FYI.\n"), (QUOTED, body[len("FYI.\n") :])]


def test_nested_quotes_and_quote_only_body() -> None:
    body = "> > You never listen.\n>\n> Nor do you.\n"
    assert kinds_of(body) == [(QUOTED, body)]
    draft = parse_text(body)
    assert draft.own_text == ""
    assert draft.notes == (NO_OWN_TEXT_NOTE,)


def test_signature_stops_at_the_next_quote() -> None:
    body = "Done.\n-- \nSam\n> old text\n"
    assert kinds_of(body) == [(OWN, "Done.\n"), (SIGNATURE, "-- \nSam\n"), (QUOTED, "> old text\n")]


def test_bare_double_dash_with_a_long_tail_is_not_a_signature() -> None:
    body = "Intro.\n--\n" + "".join(f"Point {n} about the invoice.\n" for n in range(15))
    assert kinds_of(body) == [(OWN, body)]


def test_bare_double_dash_with_a_short_tail_is_a_signature() -> None:
    body = "Intro.\n--\nSam Ortiz\n"
    assert kinds_of(body) == [(OWN, "Intro.\n"), (SIGNATURE, "--\nSam Ortiz\n")]


def test_body_without_trailing_newline() -> None:
    body = "Hi Dana,\nthe refund is on its way.\n\nBest,\nSam"
    assert kinds_of(body) == [
        (OWN, "Hi Dana,\nthe refund is on its way.\n"),
        (SIGNATURE, "\nBest,\nSam"),
    ]


# -- HTML to text -------------------------------------------------------------------


def test_html_to_text_basics() -> None:
    html = (
        "<html><head><title>t</title><style>b{}</style></head><body>"
        "<h1>Statement</h1><p>Line one<br>Line&nbsp;two &amp; more</p>"
        "<ol><li>first</li><li>second</li></ol><script>x()</script>"
        "<pre>  keep   spacing</pre><span style='display:none'>preheader</span>end</body></html>"
    )
    assert html_to_text(html) == (
        "Statement\n\nLine one\nLine two & more\n\n1. first\n2. second\n\n  keep   spacing\n\nend\n"
    )


def test_html_to_text_quotes_nested_blockquotes() -> None:
    html = (
        "<div>Mine</div><blockquote>Theirs<blockquote>Older</blockquote>Theirs again</blockquote>"
    )
    assert html_to_text(html) == "Mine\n> Theirs\n> > Older\n> Theirs again\n"


def test_html_to_text_marks_gmail_signature() -> None:
    html = '<div>Refund sent.</div><div class="gmail_signature">Sam Ortiz<br>Ortiz Supply</div>'
    text = html_to_text(html)
    assert text == "Refund sent.\n-- \nSam Ortiz\nOrtiz Supply\n"
    assert kinds_of(text) == [
        (OWN, "Refund sent.\n"),
        (SIGNATURE, "-- \nSam Ortiz\nOrtiz Supply\n"),
    ]


def test_html_to_text_keeps_gmail_signature_prefix() -> None:
    html = (
        '<div>Refund sent.</div><span class="gmail_signature_prefix">-- </span><br>'
        '<div class="gmail_signature">Sam</div>'
    )
    assert html_to_text(html) == "Refund sent.\n-- \nSam\n"


def test_html_meta_charset_is_used_when_the_part_declares_none() -> None:
    data = (
        b"From: a@x.example\nTo: b@y.example\nContent-Type: text/html\n\n"
        b'<html><head><meta charset="windows-1252"></head><body>Fee: \x80 95</body></html>'
    )
    assert parse_bytes(data, "m.eml").body == "Fee: \u20ac 95\n"


def test_html_to_text_survives_broken_markup() -> None:
    text = html_to_text("<p>Unclosed <b>bold<div>block</blockquote></span><li>item")
    assert text == "Unclosed bold\nblock\n- item\n"
