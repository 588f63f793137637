"""review's progress bar: on stderr only, and it ends on the final count with a newline."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mailcoach import iter_messages
from mailcoach.cli import cli

from .conftest import FIXTURES

MBOX = FIXTURES / "batch" / "outbox.mbox"
TOTAL = sum(1 for _ in iter_messages([MBOX]))
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_the_bar_ends_on_the_final_count_with_a_newline_and_stdout_stays_clean() -> None:
    r = CliRunner().invoke(
        cli, ["review", str(MBOX), "--format", "jsonl", "--progress"], catch_exceptions=False
    )
    assert r.exit_code == 3, r.stderr  # the fixture holds unreadable messages
    bar, said = r.stderr.split("\n")[:2]  # the bar's line is ended before anything else
    assert f"{TOTAL}/{TOTAL}" in bar and "flagged" in bar and "unreadable" in bar
    assert said.startswith("mailcoach: ") and "could not be read" in said
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == TOTAL  # the bar never reaches stdout


def test_on_a_terminal_the_last_frame_shows_the_final_count(tmp_path: Path) -> None:
    """Redrawn in place on a real terminal; the last frame is the final count, then a newline."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    out = tmp_path / "review.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailcoach", "review", str(MBOX), "--format", "jsonl",
         "-o", str(out)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=120) == 3
    screen = _ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))
    bar_line = screen.rstrip("\r\n").split("\n")[0]
    frames = [f for f in bar_line.split("\r") if f.strip()]
    assert f"{TOTAL}/{TOTAL}" in frames[-1], frames
    assert screen.rsplit(frames[-1], 1)[1].startswith(("\r\n", "\n"))
    assert len(out.read_text(encoding="utf-8").splitlines()) == TOTAL
