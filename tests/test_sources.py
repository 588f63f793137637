"""Tests for the batch input layer: paths, stdin, mbox files and Maildirs to messages."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import sys
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from mailcoach.errors import InputError
from mailcoach.inputs import parse_bytes
from mailcoach.inputs.parse import HTML_NOTE
from mailcoach.inputs.sources import TRUNCATED_NOTE, Unreadable, iter_messages
from mailcoach.model import Draft, SegmentKind

FIXTURES = Path(__file__).parent / "fixtures"
BATCH = FIXTURES / "batch"
MAIL = FIXTURES / "mail"

OUTBOX_IDS = [f"outbox.mbox#{n}" for n in range(1, 9)]
#: Which outbox messages cannot be read (attachment only; broken multipart).
OUTBOX_UNREADABLE = {"outbox.mbox#6", "outbox.mbox#7"}
MAILDIR_IDS = [
    "Maildir/new/1731315600.M101P4242.outbox-host",
    "Maildir/new/1731319200.M102P4242.outbox-host",
    "Maildir/cur/1731056400.M98P4242.outbox-host;2,S",
    "Maildir/cur/1731142800.M99P4242.outbox-host;2,RS",
]
DRAFTS_IDS = [
    "drafts/final-notice.eml",
    "drafts/follow-up.txt",
    "drafts/nested/deeper/call-notes.txt",
    "drafts/nested/deeper/prepayment.txt",
    "drafts/nested/dispute-reply.eml",
]
TRUNCATED_IDS = ["truncated.mbox#1", "truncated.mbox#2"]
TRUNCATED_IN_HEADERS_IDS = ["truncated_in_headers.mbox#1", "truncated_in_headers.mbox#2"]

#: An mbox From_ line as mail clients write it.
FROM_LINE = "From priya.nair@harbor-roasters.example Fri Nov 13 09:00:00 2026\n"
#: How many messages the generated outbox holds in the memory test.
LARGE_MBOX_MESSAGES = 5_000
#: Peak memory allowed while streaming the generated outbox (it is over twice as big).
STREAMING_PEAK_LIMIT = 1024 * 1024

Item = Draft | Unreadable


def tree(root: Path) -> dict[str, int]:
    """Return every file under ``root`` with its size."""
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def in_batch(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run the test from the batch fixtures folder (read-only), as a user would."""
    before = tree(BATCH)
    monkeypatch.chdir(BATCH)
    yield BATCH
    assert tree(BATCH) == before, "tests must write to tmp_path, never to the fixtures"


def collect(inputs: Iterable[str | Path], **options: object) -> list[Item]:
    """Return every item iter_messages yields for ``inputs``."""
    return list(iter_messages(inputs, **options))  # type: ignore[arg-type]


def ids(items: Iterable[Item]) -> list[str]:
    """Return the source ids of ``items``."""
    return [item.source for item in items]


def only_drafts(items: Iterable[Item]) -> list[Draft]:
    """Return the Drafts among ``items``, failing on any Unreadable."""
    drafts = []
    for item in items:
        assert isinstance(item, Draft), item
        drafts.append(item)
    return drafts


def email(subject: str, body: str, *, to: str = "Leo Brandt <leo@brandt-bistro.example>") -> str:
    """Return a small plain-text email with ``subject`` and ``body``."""
    return (
        "From: Priya Nair <priya.nair@harbor-roasters.example>\n"
        f"To: {to}\n"
        f"Subject: {subject}\n"
        "Date: Fri, 13 Nov 2026 09:00:00 +0000\n"
        "MIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="utf-8"\n'
        "\n"
        f"{body}"
    )


def mbox(*messages: str) -> str:
    """Return an mbox holding ``messages``, each after a From_ line, blank-line separated."""
    return "".join(f"{FROM_LINE}{message}\n" for message in messages)


def can_be_locked_out(folder: Path) -> bool:
    """Return whether chmod 000 keeps this process out (it does not for root)."""
    probe = folder / "probe.txt"
    probe.write_text("locked?\n")
    probe.chmod(0)
    try:
        with probe.open("rb"):
            return False
    except PermissionError:
        return True
    finally:
        probe.chmod(0o600)
        probe.unlink()


# -- fixtures -----------------------------------------------------------------------


def test_fixture_tree_is_complete() -> None:
    """Every input the brief asks for has its fixture."""
    files = {p.relative_to(BATCH).as_posix() for p in BATCH.rglob("*") if p.is_file()}
    assert {
        "outbox.mbox",
        "truncated.mbox",
        "truncated_in_headers.mbox",
        "Maildir/tmp/.keep",
        "drafts/logo.png",
        "drafts/.DS_Store",
        *MAILDIR_IDS,
        *DRAFTS_IDS,
    } <= files
    assert (BATCH / "drafts" / "logo.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# -- mbox ---------------------------------------------------------------------------


def test_outbox_ids_and_order(in_batch: Path) -> None:
    """An mbox yields one item per message, ids 1-based, in file order."""
    items = collect(["outbox.mbox"])
    assert ids(items) == OUTBOX_IDS
    unreadable = {i.source for i in items if isinstance(i, Unreadable)}
    assert unreadable == OUTBOX_UNREADABLE


def test_outbox_messages_are_decoded(in_batch: Path) -> None:
    """Each outbox message is parsed as the email it is."""
    by_id = {item.source: item for item in collect(["outbox.mbox"])}
    hostile, calm, html, reply, charset, attachment, corrupt, apology = (
        by_id[i] for i in OUTBOX_IDS
    )
    assert isinstance(hostile, Draft)
    assert hostile.subject == "Invoice 20871 - still unpaid"
    assert "You people never pay on\ntime" in hostile.own_text
    assert hostile.body.endswith("Priya\n"), "the separator line is not part of the message"
    assert isinstance(calm, Draft) and "spread the open balance" in calm.body
    assert isinstance(html, Draft) and HTML_NOTE in html.notes
    assert "Invoice 20744" in html.body and "<li>" not in html.body
    assert isinstance(reply, Draft)
    quoted = [reply.body[s.start : s.end] for s in reply.segments if s.kind is SegmentKind.QUOTED]
    assert any("Your warehouse is a joke" in q for q in quoted)
    assert "joke" not in reply.own_text
    assert isinstance(charset, Draft) and "£640.00" in charset.body
    assert any("utf8mb4" in note for note in charset.notes)
    assert isinstance(attachment, Unreadable)
    assert attachment.error == "outbox.mbox#6 has no text part to check (only: application/pdf)."
    assert isinstance(corrupt, Unreadable) and "malformed" in corrupt.error
    assert isinstance(apology, Draft) and apology.subject == "About my email this morning"


def test_mbox_message_matches_the_same_email_parsed_alone() -> None:
    """A message cut out of an mbox is exactly the email it was before it was appended."""
    text = email("Invoice 20871", "Leo,\n\nCould we agree a date this week?\n\nPriya\n")
    Path("one.mbox").write_text(mbox(text, text), encoding="utf-8")
    first, second = only_drafts(collect(["one.mbox"]))
    alone = parse_bytes(text.encode(), "one.mbox#1")
    assert first == alone
    assert second == dataclasses.replace(alone, source="one.mbox#2")


def test_escaped_from_lines_are_unescaped() -> None:
    """Un-escape body lines: ">From " becomes "From ", ">>From " becomes ">From " (mboxrd)."""
    outbox = collect([BATCH / "outbox.mbox"])
    (calm,) = only_drafts(i for i in outbox if i.source.endswith("outbox.mbox#2"))
    assert "\nFrom the first payment onwards" in calm.body
    assert ">From" not in calm.body

    body = (
        "Hi Leo,\n\n"
        ">From Monday, deliveries need payment on the day.\n"
        ">>From your last email: we agreed on Friday.\n"
        "A line with >From in the middle stays as it is.\n"
    )
    Path("escaped.mbox").write_text(mbox(email("Terms", body)), encoding="utf-8")
    (draft,) = only_drafts(collect(["escaped.mbox"]))
    assert draft.body == (
        "Hi Leo,\n\n"
        "From Monday, deliveries need payment on the day.\n"
        ">From your last email: we agreed on Friday.\n"
        "A line with >From in the middle stays as it is.\n"
    )


def test_mbox_splits_only_at_from_lines_after_a_blank_line() -> None:
    """A From_ line inside a paragraph, or an unescaped "From now on", starts nothing."""
    body = (
        "Leo,\n"
        f"{FROM_LINE}"  # not after a blank line: part of the body
        "\n"
        "From now on, orders ship once payment has cleared.\n"  # not a From_ line
        "\n"
        "Priya\n"
    )
    Path("careless.mbox").write_text(mbox(email("Terms", body)), encoding="utf-8")
    (draft,) = only_drafts(collect(["careless.mbox"]))
    assert draft.body == body


@pytest.mark.parametrize(
    ("first_line", "is_mbox"),
    [
        ("From priya@harbor-roasters.example Fri Nov 13 09:00:00 2026", True),
        ("From MAILER-DAEMON Thu Jan  1 00:00:00 1970", True),
        ("From - Fri Nov 13 09:00:00 2026", True),
        ("From 1790000000000000000@xxx Fri Nov 13 09:00:00 +0000 2026", True),
        ("From now on, orders ship once payment has cleared.", False),
        ("From 1 March 2026 our prices rise by 4%, effective 09:00.", False),
        ("From: Priya Nair <priya.nair@harbor-roasters.example>", False),
        ("Fromage order for December", False),
    ],
)
def test_a_file_starting_with_a_from_line_is_an_mbox(first_line: str, is_mbox: bool) -> None:
    """Any file, whatever its name, is read as an mbox if it starts with a From_ line."""
    message = email("Terms", "Leo, see you Friday.\n")
    Path("Sent").write_text(f"{first_line}\n{message}")
    items = collect(["Sent"])
    assert ids(items) == (["Sent#1"] if is_mbox else ["Sent"])


def test_text_before_the_first_from_line_is_a_message() -> None:
    """A .mbox file that does not start with a From_ line keeps its first message."""
    first = email("Invoice 20871", "Leo, a quick reminder about the invoice.\n")
    second = email("Invoice 20802", "Jonas, thank you for the payment.\n")
    Path("export.mbox").write_text(f"\n\n{first}\n{mbox(second)}", encoding="utf-8")
    drafts = only_drafts(collect(["export.mbox"]))
    assert [(d.source, d.subject) for d in drafts] == [
        ("export.mbox#1", "Invoice 20871"),
        ("export.mbox#2", "Invoice 20802"),
    ]


def test_crlf_mbox() -> None:
    """An mbox written with CRLF line ends splits and un-escapes the same way."""
    text = mbox(
        email("Invoice 20871", "Leo,\n\n>From Monday on we need payment first.\n"),
        email("Invoice 20802", "Jonas,\n\nThank you.\n"),
    )
    Path("windows.mbox").write_bytes(text.replace("\n", "\r\n").encode())
    first, second = only_drafts(collect(["windows.mbox"]))
    assert first.body == "Leo,\n\nFrom Monday on we need payment first.\n"
    assert second.subject == "Invoice 20802"


def test_truncated_mbox_yields_what_is_there(in_batch: Path) -> None:
    """A file cut off mid-message yields the partial message, with a note saying so."""
    first, last = only_drafts(collect(["truncated.mbox"]))
    assert ids([first, last]) == TRUNCATED_IDS
    assert TRUNCATED_NOTE not in first.notes
    assert TRUNCATED_NOTE in last.notes
    assert last.body.endswith("the balance on invoice 20790 down to")


def test_mbox_cut_off_in_the_headers(in_batch: Path) -> None:
    """A last message with headers and no body is Unreadable, with a clear sentence."""
    first, last = collect(["truncated_in_headers.mbox"])
    assert ids([first, last]) == TRUNCATED_IN_HEADERS_IDS
    assert isinstance(first, Draft)
    assert isinstance(last, Unreadable)
    assert last.error == (
        "truncated_in_headers.mbox#2 has headers but no body because the mbox ends before "
        "the message text; the file looks truncated, so re-export the mailbox or copy it again."
    )


def test_mbox_cut_off_after_the_headers() -> None:
    """Headers and the blank line after them, then the end of the file: no body either."""
    Path("cut.mbox").write_text(mbox(email("Invoice 20871", "")).rstrip("\n") + "\n\n")
    (item,) = collect(["cut.mbox"])
    assert isinstance(item, Unreadable)
    assert "has headers but no body" in item.error


def test_mbox_cut_off_after_a_from_line() -> None:
    """A From_ line and nothing after it is Unreadable; so is an empty message between two."""
    text = mbox(email("Invoice 20871", "Leo, a reminder.\n")) + FROM_LINE + "\n" + FROM_LINE
    Path("cut.mbox").write_text(text)
    first, empty, cut = collect(["cut.mbox"])
    assert isinstance(first, Draft)
    assert isinstance(empty, Unreadable) and empty.source == "cut.mbox#2"
    assert "is empty" in empty.error
    assert isinstance(cut, Unreadable) and cut.source == "cut.mbox#3"
    assert "ends right after its From_ line" in cut.error


@pytest.mark.parametrize("content", [b"", b"\n\n\r\n"])
def test_empty_mbox_yields_nothing(content: bytes) -> None:
    """An empty mbox (or one of blank lines) holds no messages."""
    Path("empty.mbox").write_bytes(content)
    assert collect(["empty.mbox"]) == []


def test_oversized_mbox_message_is_skipped() -> None:
    """A message over max_bytes is Unreadable; its neighbours are read as usual."""
    big = email("Statement", "Leo,\n\n" + "Invoice 20871 is still open.\n" * 2_000)
    small = email("Invoice 20871", "Leo, a reminder.\n")
    Path("big.mbox").write_text(mbox(small, big, small))
    first, skipped, last = collect(["big.mbox"], max_bytes=16 * 1024)
    assert isinstance(first, Draft) and isinstance(last, Draft)
    assert last.source == "big.mbox#3"
    assert isinstance(skipped, Unreadable) and skipped.source == "big.mbox#2"
    assert skipped.error == (
        "big.mbox#2 is 57 KB, over the 16 KB limit for one message, so it was skipped; "
        "raise max-bytes in mailcoach.toml if it really is one message."
    )


def test_oversized_mbox_message_is_not_buffered() -> None:
    """Skipping a message over the limit does not keep it in memory."""
    line = b"Invoice 20871 is still open, please call me about it.\n"
    with Path("huge.mbox").open("wb") as handle:
        handle.write(mbox(email("Statement", "Leo,\n\n")).encode().rstrip(b"\n"))
        for _ in range(8 * 1024 * 1024 // len(line)):
            handle.write(line)
        handle.write(b"\n" + mbox(email("Invoice 20871", "Leo, a reminder.\n")).encode())
    tracemalloc.start()
    try:
        items = collect(["huge.mbox"], max_bytes=64 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ids(items) == ["huge.mbox#1", "huge.mbox#2"]
    assert isinstance(items[0], Unreadable) and isinstance(items[1], Draft)
    assert peak < 1024 * 1024


# -- streaming ----------------------------------------------------------------------


def write_large_outbox(path: Path, count: int, *, headers: bool = True) -> None:
    """Write an mbox of ``count`` collection emails (or bare texts) to ``path``."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(1, count + 1):
            body = (
                f"Hi Leo,\n\nInvoice {20_000 + n} for ${n % 900 + 100}.00 fell due last week.\n"
                "Could you let me know when we can expect payment? If it would help,\n"
                "we can split the balance into two instalments a fortnight apart, and\n"
                "I can send copies of the delivery notes if anything needs checking.\n\n"
                "Open items on the account:\n"
                f"- invoice {20_000 + n}, roasted beans, due {n % 28 + 1} October\n"
                f"- invoice {30_000 + n}, grinder service, due {n % 28 + 1} November\n\n"
                "Thanks,\nPriya\n"
            )
            handle.write(mbox(email(f"Invoice {20_000 + n}", body) if headers else body))


def test_large_mbox_streams_in_bounded_memory(tmp_path: Path) -> None:
    """5,000 messages go through with a small, flat peak of memory.

    The messages are bare texts: traced by tracemalloc, the email package's header
    parser takes several seconds per thousand messages, and it is the mbox reader
    that is measured here.
    """
    path = tmp_path / "outbox.mbox"
    write_large_outbox(path, LARGE_MBOX_MESSAGES, headers=False)
    assert path.stat().st_size > 2 * STREAMING_PEAK_LIMIT
    parse_bytes(b"Hi Leo.\n")  # first-use imports and caches are not part of streaming
    count = 0
    last = None
    tracemalloc.start()
    try:
        for item in iter_messages([path]):
            assert isinstance(item, Draft)
            count += 1
            last = item
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == LARGE_MBOX_MESSAGES
    assert last is not None and last.source == f"{path}#{LARGE_MBOX_MESSAGES}"
    assert f"Invoice {20_000 + LARGE_MBOX_MESSAGES} for" in last.body
    assert peak < STREAMING_PEAK_LIMIT


def open_position(path: Path) -> int | None:
    """Return this process's read offset in ``path``, or None if it is not open."""
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != str(path):
                continue
            info = Path(f"/proc/self/fdinfo/{fd}").read_text()
        except OSError:
            continue
        return int(info.split("pos:")[1].split()[0])
    return None


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="needs Linux /proc")
def test_mbox_is_read_incrementally_and_closed(tmp_path: Path) -> None:
    """After the first message only the start of the mbox has been read."""
    path = tmp_path / "outbox.mbox"
    write_large_outbox(path, 2_000)
    messages = iter_messages([path])
    first = next(messages)
    assert first.source == f"{path}#1"
    position = open_position(path)
    assert position is not None
    assert position < 128 * 1024 < path.stat().st_size
    messages.close()  # type: ignore[attr-defined]
    assert open_position(path) is None


def test_inputs_are_consumed_lazily(in_batch: Path) -> None:
    """The next input is taken only when the previous one is used up."""
    taken: list[str] = []

    def inputs() -> Iterator[str]:
        for name in ("drafts/follow-up.txt", "outbox.mbox", "Maildir"):
            taken.append(name)
            yield name

    messages = iter_messages(inputs())
    assert taken == []
    assert next(messages).source == "drafts/follow-up.txt"
    assert taken == ["drafts/follow-up.txt"]
    assert next(messages).source == "outbox.mbox#1"
    assert taken == ["drafts/follow-up.txt", "outbox.mbox"]


# -- Maildir and directories --------------------------------------------------------


def test_maildir_reads_new_then_cur_and_ignores_tmp(in_batch: Path) -> None:
    """A Maildir yields new/ then cur/, each by name; tmp/ and .keep are never read."""
    items = only_drafts(collect(["Maildir"]))
    assert ids(items) == MAILDIR_IDS
    assert items[2].body.startswith("Hello Henrik,\n\nFrom December we can deliver")


def test_drafts_directory_is_walked_in_path_order(in_batch: Path) -> None:
    """A directory yields its messages recursively, sorted, skipping non-messages."""
    items = only_drafts(collect(["drafts"]))
    assert ids(items) == DRAFTS_IDS
    prepayment = items[3]
    assert prepayment.body.startswith("From now on, orders for Brandt Bistro")
    assert prepayment.subject is None


@pytest.mark.parametrize("given", ["drafts/", "./drafts", Path("drafts")])
def test_ids_keep_the_path_as_given(in_batch: Path, given: str | Path) -> None:
    """Ids join the path as the user typed it with the path inside the folder."""
    expected = [os.path.join(str(given), i.removeprefix("drafts/")) for i in DRAFTS_IDS]
    assert ids(collect([given])) == expected


def test_whole_tree_reads_maildir_and_mbox_files_inside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Maildir or mbox found while walking a directory is read as such."""
    monkeypatch.chdir(FIXTURES)
    expected = [
        f"batch/{i}"
        for i in (
            *MAILDIR_IDS,
            *DRAFTS_IDS,
            *OUTBOX_IDS,
            *TRUNCATED_IDS,
            *TRUNCATED_IN_HEADERS_IDS,
        )
    ]
    assert ids(collect(["batch"])) == expected


def test_hidden_entries_and_non_messages_are_skipped(tmp_path: Path) -> None:
    """Hidden files and folders, images, PDFs, archives and office files are not read."""
    root = tmp_path / "outbox"
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "COMMIT_EDITMSG").write_text("Add reminder drafts\n")
    (root / ".Trash").mkdir()
    (root / ".Trash" / "old.eml").write_text(email("Old", "Leo, never mind.\n"))
    for name in ("scan.PDF", "logo.jpeg", "drafts.zip", "letter.docx", "sheet.xlsx"):
        (root / name).write_bytes(b"PK\x03\x04\x00\x00binary")
    (root / "reminder.txt").write_text("Leo, a reminder about invoice 20871.\n")
    assert ids(collect([root])) == [f"{root}/reminder.txt"]


def test_an_empty_directory_yields_nothing(tmp_path: Path) -> None:
    """An empty folder, or one holding only skipped files, has no messages."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / ".DS_Store").write_bytes((BATCH / "drafts" / ".DS_Store").read_bytes())
    assert collect([tmp_path / "empty", tmp_path / "junk"]) == []


def test_an_empty_maildir_yields_nothing(tmp_path: Path) -> None:
    """A Maildir with nothing in new/ or cur/ has no messages."""
    for name in ("cur", "new", "tmp"):
        (tmp_path / "Maildir" / name).mkdir(parents=True)
    assert collect([tmp_path / "Maildir"]) == []


def test_symlink_loop_is_not_followed_forever(tmp_path: Path) -> None:
    """A link back up the tree is reported once, and the walk goes on."""
    root = tmp_path / "drafts"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("Leo, a reminder.\n")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "z.txt").write_text("Jonas, thank you.\n")
    items = collect([root])
    assert ids(items) == [f"{root}/sub/a.txt", f"{root}/sub/loop", f"{root}/z.txt"]
    assert isinstance(items[1], Unreadable) and "links back" in items[1].error


def test_broken_symlink_in_a_directory_is_unreadable(tmp_path: Path) -> None:
    """A link to nothing is reported, not silently dropped."""
    (tmp_path / "gone.eml").symlink_to(tmp_path / "deleted.eml")
    (item,) = collect([tmp_path])
    assert isinstance(item, Unreadable)
    assert item.error == f"{tmp_path}/gone.eml does not exist; check the path and try again."


# -- robustness ---------------------------------------------------------------------


def test_missing_path_is_unreadable_and_the_batch_goes_on(in_batch: Path) -> None:
    """A path that does not exist is one Unreadable; the other inputs are still read."""
    items = collect(["drafts/follow-up.txt", "no/such/outbox.mbox", "missing", "Maildir"])
    assert ids(items) == ["drafts/follow-up.txt", "no/such/outbox.mbox", "missing", *MAILDIR_IDS]
    missing = items[1]
    assert isinstance(missing, Unreadable)
    assert missing.error == "no/such/outbox.mbox does not exist; check the path and try again."


def test_bad_files_in_a_directory_do_not_stop_it(tmp_path: Path) -> None:
    """Binary, undecodable, oversized and attachment-only files are each one Unreadable."""
    shutil.copy(MAIL / "binary.bin", tmp_path / "a-export.dat")
    shutil.copy(MAIL / "invalid_utf8.txt", tmp_path / "b-latin1.txt")
    shutil.copy(MAIL / "attachment_only.eml", tmp_path / "c-attachment.eml")
    (tmp_path / "d-long.txt").write_text("Leo, invoice 20871 is open.\n" * 1_000)
    (tmp_path / "e-fine.txt").write_text("Leo, thanks for the call today.\n")
    items = collect([tmp_path], max_bytes=8 * 1024)
    assert [type(i).__name__ for i in items] == ["Unreadable"] * 4 + ["Draft"]
    errors = [i.error for i in items if isinstance(i, Unreadable)]
    assert "binary" in errors[0]
    assert "not valid UTF-8" in errors[1]
    assert "no text part" in errors[2]
    assert "limit for one message" in errors[3]


def test_unreadable_file_and_folder(tmp_path: Path) -> None:
    """A file or folder without read permission is Unreadable; the walk goes on."""
    if not can_be_locked_out(tmp_path):
        pytest.skip("this process can read files with mode 000 (it runs as root)")
    root = tmp_path / "outbox"
    (root / "locked").mkdir(parents=True)
    (root / "a.txt").write_text("Leo, a reminder.\n")
    (root / "b.mbox").write_text(mbox(email("Invoice 20871", "Leo, a reminder.\n")))
    (root / "c.txt").write_text("Jonas, thank you.\n")
    (root / "locked" / "inside.txt").write_text("Leo, a reminder.\n")
    for path in (root / "locked", root / "a.txt", root / "b.mbox"):
        path.chmod(0)
    try:
        items = collect([root])
        (behind_lock,) = collect([root / "locked" / "inside.txt"])
    finally:
        for path in (root / "locked", root / "a.txt", root / "b.mbox"):
            path.chmod(0o700)
    assert ids(items) == [f"{root}/{n}" for n in ("a.txt", "b.mbox", "c.txt", "locked")]
    assert [type(i).__name__ for i in items] == ["Unreadable", "Unreadable", "Draft", "Unreadable"]
    errors = [i.error for i in items if isinstance(i, Unreadable)]
    assert "permission denied" in errors[0]
    assert "permission denied" in errors[1]
    locked = f"{root}/locked cannot be listed (permission denied); check its permissions."
    assert errors[2] == locked
    assert isinstance(behind_lock, Unreadable) and "permission denied" in behind_lock.error


def test_encoding_applies_to_every_plain_draft(tmp_path: Path) -> None:
    """The encoding option reaches every file read."""
    (tmp_path / "note.txt").write_bytes("Leo, the £640.00 is still open.\n".encode("cp1252"))
    (draft,) = only_drafts(collect([tmp_path], encoding="cp1252"))
    assert "£640.00" in draft.body


def test_bad_options_fail_at_once() -> None:
    """An unknown encoding or a non-positive size limit fails before anything is read."""
    with pytest.raises(InputError, match="not a known text encoding"):
        iter_messages(["outbox.mbox"], encoding="no-such-codec")
    with pytest.raises(InputError, match="positive"):
        iter_messages(["outbox.mbox"], max_bytes=0)


def test_a_single_path_is_one_input(in_batch: Path) -> None:
    """A bare str or Path is one input, not a sequence of one-letter paths."""
    assert ids(collect("outbox.mbox")) == OUTBOX_IDS
    assert ids(collect(Path("Maildir"))) == MAILDIR_IDS  # type: ignore[arg-type]


def test_impossible_path_is_unreadable() -> None:
    """A path the system cannot even look up is one Unreadable, not a crash."""
    (item,) = collect(["draft\0.txt"])
    assert isinstance(item, Unreadable) and item.source == "draft\0.txt"


def test_unreadable_is_a_frozen_value() -> None:
    """Unreadable is immutable and compares by value."""
    item = Unreadable("outbox.mbox#6", "outbox.mbox#6 has no text part to check.")
    assert item == Unreadable("outbox.mbox#6", "outbox.mbox#6 has no text part to check.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.error = "changed"  # type: ignore[misc]


# -- standard input -----------------------------------------------------------------


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """Make ``data`` the process's standard input."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_mixed_with_files(in_batch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read one message from standard input for "-", in its place among the paths."""
    feed_stdin(monkeypatch, email("Invoice 20871", "Leo, could we talk on Friday?\n").encode())
    items = collect(["drafts/follow-up.txt", "-", "truncated.mbox", "-"])
    assert ids(items) == ["drafts/follow-up.txt", "-", *TRUNCATED_IDS, "-"]
    stdin = items[1]
    assert isinstance(stdin, Draft) and stdin.subject == "Invoice 20871"
    again = items[-1]
    assert isinstance(again, Unreadable)
    assert again.error == "standard input was already read; pass '-' only once per batch."


def test_stdin_problems_are_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input over the limit is Unreadable, like any other message."""
    feed_stdin(monkeypatch, b"Leo, invoice 20871 is open.\n" * 100)
    (item,) = collect(["-"], max_bytes=1024)
    assert isinstance(item, Unreadable) and item.source == "-"
    assert item.error.startswith("standard input is over the")


# -- walking apart from reading; an mbox read in byte ranges (mailcoach.distributed) ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mailcoach.inputs.sources import (  # noqa: E402
    iter_mbox_range,
    mbox_starts,
    read_files,
    walk_inputs,
)


def test_walking_then_reading_gives_what_iter_messages_gives(in_batch: Path) -> None:
    inputs = ["outbox.mbox", "Maildir", "drafts", "missing.eml", "truncated.mbox"]
    walked = list(walk_inputs(inputs))
    assert not any(isinstance(e, Draft) for e in walked)  # nothing read yet
    assert collect(inputs) == list(read_files(walked))


def _ranges(path: Path, cuts: list[int]) -> list[Item]:
    """Read an mbox the way a cluster does: index each piece, then review each range."""
    size = path.stat().st_size
    bounds = sorted({0, *(c for c in cuts if 0 < c < size)})
    pieces = [(a, b) for a, b in zip(bounds, [*bounds[1:], None], strict=True)]
    items: list[Item] = []
    before = 0
    for start, stop in pieces:
        starts = mbox_starts(str(path), start, stop)
        # review in ranges of two messages, the last running to the piece's end
        for i in range(0, len(starts), 2):
            end = starts[i + 2] if i + 2 < len(starts) else stop
            items.extend(iter_mbox_range(str(path), starts[i], end, before + i + 1))
        before += len(starts)
    return items


MBOX_LINES = st.sampled_from(
    [
        FROM_LINE,
        "From now on, please pay on time.\n",
        ">From the start we said so.\n",
        "\n",
        "\r\n",
        "Subject: Invoice 1042\n",
        "From: Priya <priya@harbor-roasters.example>\n",
        "Your invoice 1042 is overdue.\n",
        "x" * 70_000 + "\n",  # longer than one read of the splitter
        "no newline at the end",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(MBOX_LINES, min_size=1, max_size=30),
    cuts=st.lists(st.integers(min_value=0, max_value=200_000), max_size=6),
)
def test_an_mbox_read_in_ranges_gives_what_reading_it_whole_gives(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], cuts: list[int]
) -> None:
    path = tmp_path_factory.mktemp("ranges") / "box.mbox"
    path.write_bytes("".join(lines).encode())
    assert _ranges(path, cuts) == collect([str(path)])


def test_a_generated_outbox_read_in_ranges_is_the_same(tmp_path: Path) -> None:
    path = tmp_path / "outbox.mbox"
    path.write_text(
        mbox(*(email(f"Invoice {n}", f"Invoice {n} is attached.\n\n") for n in range(40)))
        + "From no-one Fri Nov 13 09:00:00 2026\n"  # ends right after its From_ line
    )
    size = path.stat().st_size
    whole = collect([str(path)])
    assert len(whole) == 41
    assert _ranges(path, [size // 7 * k for k in range(1, 7)]) == whole
    assert _ranges(path, list(range(1, size, 97))) == whole
