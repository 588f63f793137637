"""mailcoach review and check_many over real mailboxes: rows, formats, exit codes, Ctrl-C."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcoach import check_many, iter_messages
from mailcoach.cli import cli

from .conftest import FIXTURES, SAMPLES

BATCH = FIXTURES / "batch"
MBOX = BATCH / "outbox.mbox"
MAILDIR = BATCH / "Maildir"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["review", *args], catch_exceptions=False)


def _jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_mbox_and_maildir_give_one_row_per_message() -> None:
    r = run(str(MBOX), str(MAILDIR), "--format", "jsonl", "--jobs", "1")
    rows = _jsonl(r.stdout)
    expected = [d.source for d in iter_messages([MBOX, MAILDIR])]
    assert [row["source"] for row in rows] == expected
    assert all(row["schema_version"] == 1 for row in rows)
    by_source = {row["source"]: row for row in rows}
    hostile = by_source[f"{MBOX}#1"]
    assert hostile["verdict"] == "hold" and hostile["findings"]
    broken = [row for row in rows if row["error"]]
    assert len(broken) == 2 and all(not row["findings"] for row in broken)
    assert r.exit_code == 3  # the batch finished but two messages were unreadable
    assert "could not be read" in r.stderr


def test_quoted_hostile_reply_is_not_flagged_in_a_batch() -> None:
    rows = {row["source"]: row for row in _jsonl(run(str(MBOX), "--format", "jsonl").stdout)}
    calm_reply = rows[f"{MBOX}#4"]  # a calm answer above a rude quoted message
    assert calm_reply["verdict"] == "ok", calm_reply["findings"]


def test_exit_codes_for_clean_and_hostile_folders(tmp_path: Path) -> None:
    calm = tmp_path / "calm"
    calm.mkdir()
    (calm / "a.txt").write_text("Hi Sam, could you confirm the payment date for invoice 10442?\n")
    assert run(str(calm)).exit_code == 0
    (calm / "b.txt").write_text("Pay now or our lawyers will be in touch.\n")
    assert run(str(calm)).exit_code == 1
    assert run(str(calm), "--fail-on", "never").exit_code == 0


def test_text_report_lists_worst_first_with_totals() -> None:
    r = run(str(SAMPLES / "drafts"))
    lines = r.stdout.splitlines()
    verdicts = [line.split()[0] for line in lines if line.startswith(("hold", "revise"))]
    assert verdicts == sorted(verdicts, key=lambda v: v != "hold")
    assert "Findings by category" in r.stdout and "Messages by verdict" in r.stdout


def test_csv_is_one_row_per_message(tmp_path: Path) -> None:
    out = tmp_path / "review.csv"
    r = run(str(MBOX), "--format", "csv", "-o", str(out))
    assert r.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 8 and rows[0]["source"].endswith("outbox.mbox#1")
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    run(str(MBOX), str(SAMPLES / "drafts"), "--format", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<mark" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_progress_only_when_asked_or_on_a_terminal() -> None:
    quiet = run(str(MBOX), "--format", "jsonl")
    assert "messages" not in quiet.stderr  # CliRunner's stderr is not a terminal
    shown = run(str(MBOX), "--format", "jsonl", "--progress")
    assert "8/8" in shown.stderr or "messages" in shown.stderr or shown.stderr.count("\r") >= 1


def test_bad_encoding_is_a_usage_error() -> None:
    r = run(str(MBOX), "--encoding", "no-such-codec")
    assert r.exit_code == 2 and "no-such-codec" in r.stderr


def test_parallel_matches_serial() -> None:
    serial = [
        (r.source, r.verdict, [f.rule_id for f in r.findings], r.error)
        for r in check_many(iter_messages([MBOX, MAILDIR, SAMPLES / "drafts"]), jobs=1)
    ]
    parallel = [
        (r.source, r.verdict, [f.rule_id for f in r.findings], r.error)
        for r in check_many(iter_messages([MBOX, MAILDIR, SAMPLES / "drafts"]), jobs=2)
    ]
    assert parallel == serial and len(serial) > 10


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_ctrl_c_writes_out_what_was_done(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    folder.mkdir()
    body = "Hi Sam,\n\nThe statement for invoice 10442 is attached. " * 12
    for i in range(3000):
        (folder / f"{i:05d}.txt").write_text(body + f"\n\nRef {i}\n", encoding="utf-8")
    out = tmp_path / "partial.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mailcoach",
            "review",
            str(folder),
            "--format",
            "jsonl",
            "-o",
            str(out),
            "--jobs",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: a test runner started in the background ignores Ctrl-C,
        # and a child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(6)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted after" in stderr and "Traceback" not in stderr
    rows = _jsonl(out.read_text(encoding="utf-8"))
    assert len(rows) < 3000
    assert all(row["source"].startswith(str(folder)) for row in rows)


def test_output_to_a_fifo_writes_through_and_never_replaces_it(tmp_path: Path) -> None:
    """-o to something that is not a regular file (a FIFO, /dev/null) writes into it:
    swapping in a temporary file would replace the device or pipe itself."""
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    r = run(str(MAILDIR), "--format", "jsonl", "-o", str(fifo))
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(_jsonl(received[0])) == 4 and r.exit_code == 1


OUTSIDER = FIXTURES / "outsider-emails"


def _outsider_messages() -> list[tuple[str, bytes, bool]]:
    """The outsider's drafts as raw messages: (file, bytes, hostile)."""
    out = []
    for line in (OUTSIDER / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        data = (OUTSIDER / row["file"]).read_bytes()
        if not row["file"].endswith(".eml"):
            head = (
                f"From: sender@example.com\nTo: reader@example.com\nSubject: {row['file']}\n"
                "Date: Mon, 23 Nov 2026 09:00:00 +0000\nMIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            )
            data = head.encode() + data
        out.append((row["file"], data, bool(row["labels"])))
    return out


def test_an_outsiders_mbox_and_maildir_are_reviewed_without_losing_a_message(
    tmp_path: Path,
) -> None:
    import email
    import email.policy
    import mailbox

    messages = _outsider_messages()
    broken = (
        b"From: a@example.com\nTo: b@example.com\nSubject: scan\nMIME-Version: 1.0\n"
        b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        b"AAECAwQFBgcICQ==\n"
    )
    half = len(messages) // 2
    box = mailbox.mbox(str(tmp_path / "outbox.mbox"))
    for _, data, _ in messages[:half]:
        box.add(email.message_from_bytes(data, policy=email.policy.compat32))
    box.add(email.message_from_bytes(broken, policy=email.policy.compat32))
    box.flush()
    maildir = mailbox.Maildir(str(tmp_path / "Maildir"))
    for _, data, _ in messages[half:]:
        maildir.add(data)
    maildir.add(broken)

    r = run(str(tmp_path / "outbox.mbox"), str(tmp_path / "Maildir"), "--format", "jsonl")
    rows = _jsonl(r.stdout)
    assert len(rows) == len(messages) + 2  # one row per message, the broken ones too
    errors = [row for row in rows if row["error"]]
    assert len(errors) == 2 and all(not row["findings"] for row in errors)
    verdict = {row["subject"]: row["verdict"] for row in rows if not row["error"]}
    for name, data, hostile in messages:
        subject = email.message_from_bytes(data, policy=email.policy.default)["subject"]
        assert (verdict[subject] != "ok") == hostile, (name, verdict[subject])
    assert r.exit_code == 3
