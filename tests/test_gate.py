"""``mailcoach gate``: real messages through the real check to a stand-in sendmail.

The stand-in is a small script that records its arguments and the bytes it was
given, so every test can assert exactly what would have left the machine. The
end-to-end tests drive neomutt, git send-email and aerc (in a private tmux) themselves
where they are installed (.ci/run installs them).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcoach.cli import cli
from mailcoach.cli.gate import split_gate_args
from mailcoach.gate import OVERRIDE_HEADER, Action, decide, strip_header

from .conftest import ROOT

STANDIN = """\
import json, os, sys
folder = os.environ["STANDIN_DIR"]
with open(os.path.join(folder, "argv.json"), "w") as f:
    json.dump(sys.argv[1:], f)
with open(os.path.join(folder, "message.bin"), "wb") as f:
    f.write(sys.stdin.buffer.read())
sys.exit(int(os.environ.get("STANDIN_EXIT", "0")))
"""

CALM = (
    b"From: Ana Ruiz <ana@example.com>\r\n"
    b"To: Leo Park <leo@example.org>\r\n"
    b"Subject: Invoice 1042\r\n"
    b"Message-ID: <calm-1@example.com>\r\n"
    b"\r\n"
    b"Hi Leo,\r\n\r\n"
    b"Invoice 1042 for $850.00 is now 20 days overdue; a copy is attached.\r\n"
    b"Could you confirm a payment date by Friday 11 December?\r\n\r\n"
    b"Thanks,\r\nAna\r\n"
)
HOSTILE_BODY = (
    "Leo,\n\nYou failed to pay again and frankly this is ridiculous. "
    "If the balance is not cleared by Friday, we will take legal action.\n\nAna\n"
)
HOSTILE = (
    b"From: Ana Ruiz <ana@example.com>\nTo: leo@example.org\nSubject: Invoice 1042\n\n"
    + HOSTILE_BODY.encode()
)


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in sendmail; returns the folder where it records what it received."""
    script = tmp_path / "standin.py"
    script.write_text(STANDIN, encoding="utf-8")
    record = tmp_path / "sent"
    record.mkdir()
    monkeypatch.setenv("STANDIN_DIR", str(record))
    monkeypatch.setenv("MAILCOACH_SENDMAIL", f"{sys.executable} {script}")
    return record


def _sent(record: Path) -> tuple[list[str], bytes] | None:
    if not (record / "message.bin").exists():
        return None
    argv = json.loads((record / "argv.json").read_text(encoding="utf-8"))
    return argv, (record / "message.bin").read_bytes()


def _gate(args: list[str], message: bytes):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["gate", *args], input=message)


# -- the decision itself ---------------------------------------------------------------


def test_strip_header_removes_only_that_field_with_its_folded_lines() -> None:
    raw = (
        b"From: a@example.com\r\nX-Mailcoach-Override: yes\r\n  please\r\n"
        b"Subject: x\r\n\r\nX-Mailcoach-Override: yes stays in the body\r\n"
    )
    out, values = strip_header(raw, OVERRIDE_HEADER)
    assert (
        out
        == b"From: a@example.com\r\nSubject: x\r\n\r\n"
        b"X-Mailcoach-Override: yes stays in the body\r\n"
    )
    assert len(values) == 1 and b"please" in values[0]


def test_a_message_without_the_header_is_untouched() -> None:
    out, values = strip_header(CALM, OVERRIDE_HEADER)
    assert out == CALM and values == []


def test_decide_holds_on_error_level_findings_and_names_them() -> None:
    decision = decide(HOSTILE)
    assert decision.action is Action.HOLD and not decision.sends
    assert any(rule.startswith("threatening.") for rule in decision.held_by)
    assert decide(CALM).action is Action.SEND


def test_hostile_text_only_in_the_quoted_reply_passes() -> None:
    quoted = CALM.replace(
        b"Thanks,\r\nAna\r\n",
        b"Thanks,\r\nAna\r\n\r\nOn Tue, 1 Dec 2026, Leo wrote:\r\n"
        b"> We will sue you, you useless idiots.\r\n",
    )
    assert decide(quoted).action is Action.SEND


@pytest.mark.parametrize(
    ("args", "own", "rest"),
    [
        (
            ["--sendmail", "msmtp -a w", "-oi", "--", "-leo@x"],
            ["--sendmail", "msmtp -a w"],
            ["-oi", "--", "-leo@x"],
        ),
        (
            ["--log=/tmp/l", "--override", "-i", "a@x"],
            ["--log=/tmp/l", "--override"],
            ["-i", "a@x"],
        ),
        (["--", "--override"], [], ["--", "--override"]),
        (["-h", "--no-send"], [], ["-h", "--no-send"]),
    ],
)
def test_sendmail_arguments_are_passed_on_exactly(
    args: list[str], own: list[str], rest: list[str]
) -> None:
    assert split_gate_args(args) == (own, rest)


# -- the command ----------------------------------------------------------------------


def test_a_calm_message_goes_to_sendmail_byte_for_byte(standin: Path) -> None:
    result = _gate(["-oi", "--", "leo@example.org"], CALM)
    assert result.exit_code == 0, result.stderr
    assert _sent(standin) == (["-oi", "--", "leo@example.org"], CALM)
    assert result.stderr == ""  # the gate gets out of the way when the draft is fine


def test_a_hostile_message_is_held_with_exit_75_and_a_report(standin: Path) -> None:
    result = _gate(["-oi", "--", "leo@example.org"], HOSTILE)
    assert result.exit_code == 75
    assert _sent(standin) is None
    assert "NOT sent" in result.stderr and "threatening" in result.stderr
    assert "X-Mailcoach-Override: yes" in result.stderr  # says how to send anyway


def test_the_override_header_sends_and_is_removed(standin: Path, tmp_path: Path) -> None:
    message = HOSTILE.replace(b"Subject:", b"X-Mailcoach-Override: yes\nSubject:", 1)
    log = tmp_path / "gate.jsonl"
    result = _gate(["--log", str(log), "leo@example.org"], message)
    assert result.exit_code == 0, result.stderr
    assert _sent(standin) == (["leo@example.org"], HOSTILE)
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert entry["action"] == "override" and entry["override_header"] is True
    assert HOSTILE_BODY[:20] not in log.read_text(encoding="utf-8")  # no message text logged


def test_the_override_option_sends_and_warning_level_can_hold(standin: Path) -> None:
    assert _gate(["--override", "leo@example.org"], HOSTILE).exit_code == 0
    assert _sent(standin) == (["leo@example.org"], HOSTILE)
    warning_only = CALM.replace(b"Could you confirm", b"Per my last email, could you confirm")
    assert _gate(["leo@example.org"], warning_only).exit_code == 0
    held = _gate(["--hold-on", "warning", "leo@example.org"], warning_only)
    assert held.exit_code == 75


def test_sendmail_exit_code_is_passed_back(standin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANDIN_EXIT", "67")
    assert _gate(["nobody@example.org"], CALM).exit_code == 67


def test_a_missing_sendmail_says_so_and_sends_nothing(tmp_path: Path) -> None:
    result = _gate(["--sendmail", str(tmp_path / "no-sendmail"), "leo@example.org"], CALM)
    assert result.exit_code == 69
    assert "cannot run the real sendmail" in result.stderr and "not sent" in result.stderr


def test_no_send_only_decides(standin: Path) -> None:
    assert _gate(["--no-send"], CALM).exit_code == 0
    assert _gate(["--no-send"], HOSTILE).exit_code == 75
    assert _sent(standin) is None


def test_a_broken_install_fails_closed_by_default_and_open_on_request(standin: Path) -> None:
    closed = _gate(["--model", "no_such_model_pkg", "leo@example.org"], CALM)
    assert closed.exit_code == 75
    assert _sent(standin) is None
    assert "NOT sent" in closed.stderr and "no_such_model_pkg" in closed.stderr
    opened = _gate(["--model", "no_such_model_pkg", "--fail-open", "leo@example.org"], CALM)
    assert opened.exit_code == 0
    assert "sent unchecked" in opened.stderr
    assert _sent(standin) == (["leo@example.org"], CALM)


def test_a_broken_config_fails_closed(standin: Path, tmp_path: Path) -> None:
    config = tmp_path / "mailcoach.toml"
    config.write_text("fail_on = [unclosed\n", encoding="utf-8")
    result = _gate(["--config", str(config), "leo@example.org"], CALM)
    assert result.exit_code == 75 and _sent(standin) is None
    assert "NOT sent" in result.stderr


# -- end to end, through the real mail clients --------------------------------------------

# .ci/run installs both clients: in CI (CI=true) a missing one fails the test, never skips it.
IN_CI = os.environ.get("CI") == "true"


def _gate_script(folder: Path) -> Path:
    """The gate as a mail client runs it: one executable path (like the console script).

    A client may hand the program a bare argv[0]; a venv's python then cannot tell
    which environment it belongs to, so the interpreter is named in full here.
    """
    script = folder / "mailcoach-gate"
    script.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m mailcoach gate "$@"\n', encoding="utf-8"
    )
    script.chmod(0o755)
    return script


def _env(record: Path, script: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["STANDIN_DIR"] = str(record)
    env["MAILCOACH_SENDMAIL"] = f"{sys.executable} {script}"
    return env


@pytest.mark.skipif(
    shutil.which("neomutt") is None and not IN_CI, reason="neomutt is not installed"
)
@pytest.mark.parametrize("hostile", [False, True])
def test_neomutt_sends_through_the_gate(standin: Path, tmp_path: Path, hostile: bool) -> None:
    muttrc = tmp_path / "muttrc"
    muttrc.write_text(
        f'set sendmail="{_gate_script(tmp_path)}"\n'
        'set from="ana@example.com"\nset use_from=yes\nset record=""\n'
        f'set folder="{tmp_path}"\nset spoolfile="{tmp_path}/spool"\n',
        encoding="utf-8",
    )
    body = (
        HOSTILE_BODY
        if hostile
        else "Hi Leo,\n\nCould you confirm a payment date for invoice 1042?\n\nAna\n"
    )
    env = _env(standin, tmp_path / "standin.py") | {"HOME": str(tmp_path)}
    done = subprocess.run(
        ["neomutt", "-n", "-F", str(muttrc), "-s", "Invoice 1042", "--", "leo@example.org"],
        input=body.encode(),
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    sent = _sent(standin)
    if hostile:
        assert done.returncode != 0 and sent is None
        assert b"NOT sent" in done.stderr + done.stdout
    else:
        assert done.returncode == 0, done.stderr
        assert sent is not None and sent[0] == ["--", "leo@example.org"]
        assert b"Subject: Invoice 1042" in sent[1] and body.encode() in sent[1]


def _git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, env=env, timeout=120, check=False
    )


def _has_git_send_email() -> bool:
    exec_path = subprocess.run(["git", "--exec-path"], capture_output=True, text=True, check=False)
    return (Path(exec_path.stdout.strip()) / "git-send-email").exists()


@pytest.mark.skipif(
    not _has_git_send_email() and not IN_CI, reason="git send-email is not installed"
)
@pytest.mark.parametrize("way", ["sendmail-cmd", "validate-hook"])
def test_git_send_email_through_the_gate(standin: Path, tmp_path: Path, way: str) -> None:
    env = _env(standin, tmp_path / "standin.py") | {
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ana",
        "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana",
        "GIT_COMMITTER_EMAIL": "ana@example.com",
    }
    repo = tmp_path / "repo"
    assert subprocess.run(["git", "init", "-q", str(repo)], env=env, check=False).returncode == 0
    outcomes = {}
    for name, message in (
        ("calm", "Invoice 1042 is listed; could you confirm the date?"),
        ("hostile", HOSTILE_BODY.replace("\n", " ")),
    ):
        (repo / f"{name}.txt").write_text(name, encoding="utf-8")
        _git(repo, "add", ".", env=env)
        _git(repo, "commit", "-qm", f"Add {name} note", "-m", message, env=env)
        patches = tmp_path / f"patches-{name}"
        _git(repo, "format-patch", "-1", "-q", "-o", str(patches), env=env)
        gate = str(_gate_script(tmp_path))
        if way == "sendmail-cmd":
            options = [f"--sendmail-cmd={gate}"]
        else:
            hook = repo / ".git" / "hooks" / "sendemail-validate"
            hook.write_text(f'#!/bin/sh\nexec {gate} --no-send < "$1"\n', encoding="utf-8")
            hook.chmod(0o755)
            options = [f"--sendmail-cmd={sys.executable} {tmp_path / 'standin.py'}"]
        done = _git(
            repo,
            "send-email",
            *options,
            "--to=leo@example.org",
            "--confirm=never",
            "--quiet",
            *map(str, sorted(patches.iterdir())),
            env=env,
        )
        outcomes[name] = (done.returncode, _sent(standin))
        for f in standin.iterdir():
            f.unlink()
    assert outcomes["calm"][0] == 0 and outcomes["calm"][1] is not None
    assert b"could you confirm the date" in outcomes["calm"][1][1]
    assert outcomes["hostile"][0] != 0 and outcomes["hostile"][1] is None


# -- aerc: a full-screen client, driven through a private tmux server ------------------------

HAVE_AERC = shutil.which("aerc") is not None and shutil.which("tmux") is not None
needs_aerc = pytest.mark.skipif(not HAVE_AERC and not IN_CI, reason="aerc or tmux is not installed")


class Terminal:
    """One program in a tmux server of its own: a screen the test reads and types into.

    The server has its own socket and no config file, so it shares nothing with any
    tmux the person running the tests may have. ``close`` ends the server and makes
    sure the program is gone; ``redraw`` resizes the window, which makes a program
    that only repaints on input (aerc 0.14 after a failed send) paint its current
    state, status line included.
    """

    def __init__(self, sockets: Path, env: dict[str, str]) -> None:
        self.socket = sockets / "tmux.sock"
        self.env = env
        self.pid: int | None = None
        self.last = ""
        self._width = 120

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
            check=False,
        )

    def start(self, *command: str) -> None:
        started = self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", *command
        )
        assert started.returncode == 0, started.stderr
        self.pid = int(self._tmux("display-message", "-p", "#{pane_pid}").stdout)

    def screen(self) -> str:
        shown = self._tmux("capture-pane", "-p")
        if shown.returncode == 0:
            self.last = shown.stdout
        return self.last

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", *keys)

    def redraw(self) -> None:
        self._width = 241 - self._width  # 120 <-> 121
        self._tmux("resize-window", "-x", str(self._width))

    def wait_for(self, *texts: str, timeout: float, redraw: bool = False) -> str:
        """Wait until every one of ``texts`` is on the screen; return the screen."""
        deadline = time.monotonic() + timeout
        while True:
            if redraw:
                self.redraw()
                time.sleep(0.2)
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"waited {timeout:.0f} s for {texts!r}; the screen:\n{screen}")
            time.sleep(0.3)

    def close(self) -> None:
        self._tmux("kill-server")
        if self.pid is None:
            return
        deadline = time.monotonic() + 10
        while _running(self.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _running(self.pid):
            os.kill(self.pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Whether ``pid`` is still a live process (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.3)


def _maildir_messages(folder: Path) -> list[bytes]:
    return [
        path.read_bytes() for sub in ("new", "cur") for path in sorted((folder / sub).iterdir())
    ]


@pytest.fixture
def aerc(standin: Path, tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    """A throwaway aerc account whose outgoing command is the gate, in its own tmux.

    Everything aerc reads or writes (HOME, XDG dirs, the maildir) lives under
    tmp_path; the two sockets in a short-named folder of their own, removed after.
    The account's outgoing line is the README's set-up with the stand-in as the real
    sendmail and a decision log; ``copy-to = Sent`` makes aerc keep its own copy of
    exactly what it handed to the gate. The editor is a script
    that writes the draft's body (``body.txt``), as a person would in vim.
    """
    if not HAVE_AERC:
        pytest.fail("aerc and tmux must be installed in CI (.ci/run installs them)")
    home = tmp_path / "home"
    config = tmp_path / "config" / "aerc"
    mail = tmp_path / "mail"
    for path in (home, config, tmp_path / "data", tmp_path / "cache"):
        path.mkdir(parents=True)
    # Unix sockets (tmux's, aerc's own) need a short path: pytest's may be too long.
    sockets = Path(tempfile.mkdtemp(prefix="mc-", dir="/tmp" if Path("/tmp").is_dir() else None))
    for folder in ("INBOX", "Sent", "Drafts"):
        for sub in ("cur", "new", "tmp"):
            (mail / folder / sub).mkdir(parents=True)
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\ncat "{tmp_path / "body.txt"}" > "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    outgoing = shlex.join(
        [
            str(_gate_script(tmp_path)),
            "--sendmail",
            f"{sys.executable} {tmp_path / 'standin.py'}",
            "--log",
            str(tmp_path / "gate.jsonl"),
        ]
    )
    accounts = config / "accounts.conf"
    accounts.write_text(
        "[work]\n"
        f"source = maildir://{mail}\n"
        f"outgoing = {outgoing}\n"
        "from = Ana Ruiz <ana@example.com>\n"
        "copy-to = Sent\n"
        "default = INBOX\n",
        encoding="utf-8",
    )
    accounts.chmod(0o600)
    (config / "aerc.conf").write_text(
        f"[general]\nlog-file={tmp_path / 'aerc.log'}\n\n[compose]\neditor={editor}\n",
        encoding="utf-8",
    )
    env = _env(standin, tmp_path / "standin.py") | {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_RUNTIME_DIR": str(sockets),
        "TERM": "xterm-256color",
        "EDITOR": str(editor),
    }
    env.pop("TMUX", None)  # never talk to a tmux the tests happen to run inside
    terminal = Terminal(sockets, env)
    try:
        yield terminal, mail
    finally:
        terminal.close()
        shutil.rmtree(sockets, ignore_errors=True)


def _compose(terminal: Terminal, tmp_path: Path, body: str) -> None:
    """Open aerc on a new message to Leo; the editor writes ``body`` and aerc asks to send."""
    (tmp_path / "body.txt").write_text(body, encoding="utf-8")
    terminal.start("aerc", "mailto:leo@example.org?subject=Invoice%201042")
    terminal.wait_for("Send this email?", "Subject: Invoice 1042", timeout=60)


def _decisions(tmp_path: Path) -> list[dict[str, object]]:
    log = tmp_path / "gate.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


AERC_CALM = (
    "Hi Leo,\n\nCould you confirm a payment date for invoice 1042 by Friday?\n\nThanks,\nAna\n"
)


@needs_aerc
def test_aerc_sends_a_calm_message_through_the_gate_unchanged(
    aerc: tuple[Terminal, Path], standin: Path, tmp_path: Path
) -> None:
    terminal, mail = aerc
    _compose(terminal, tmp_path, AERC_CALM)
    terminal.keys("y")
    # aerc files its copy in Sent only after the outgoing command exited 0.
    _wait_until(lambda: bool(_maildir_messages(mail / "Sent")), 180, "aerc's copy in Sent")
    sent = _sent(standin)
    assert sent is not None
    argv, received = sent
    assert argv == ["leo@example.org"]  # aerc appends the recipients, nothing else
    # What aerc handed to the gate (its own copy) is what the real sendmail received.
    assert _maildir_messages(mail / "Sent") == [received]
    assert b"Subject: Invoice 1042\r\n" in received
    assert b"Could you confirm a payment date for invoice 1042 by Friday?" in received
    assert [entry["action"] for entry in _decisions(tmp_path)] == ["send"]
    terminal.wait_for("Message sent.", timeout=8, redraw=True)
    terminal.keys(":quit", "Enter")


@needs_aerc
def test_aerc_keeps_a_held_draft_and_sends_it_on_override(
    aerc: tuple[Terminal, Path], standin: Path, tmp_path: Path
) -> None:
    terminal, mail = aerc
    _compose(terminal, tmp_path, HOSTILE_BODY)
    terminal.keys("y")
    _wait_until(lambda: bool(_decisions(tmp_path)), 180, "the gate's decision")
    # Held: aerc reopens the draft with the gate's exit status; nothing went anywhere.
    terminal.wait_for("exit status 75", "Send this email?", timeout=8, redraw=True)
    assert _sent(standin) is None and _maildir_messages(mail / "Sent") == []
    decision = _decisions(tmp_path)[0]
    assert decision["action"] == "hold" and decision["subject"] == "Invoice 1042"
    # The person decides to send it anyway: the header goes on the draft aerc kept.
    terminal.keys(":header X-Mailcoach-Override yes", "Enter")
    terminal.keys("y")
    _wait_until(lambda: bool(_maildir_messages(mail / "Sent")), 180, "aerc's copy in Sent")
    sent = _sent(standin)
    assert sent is not None
    [copy] = _maildir_messages(mail / "Sent")
    header = b"X-Mailcoach-Override: yes\r\n"
    assert copy.count(header) == 1 and header not in sent[1]
    # The gate removed its header and nothing else.
    assert sent[1] == copy.replace(header, b"")
    assert b"You failed to pay again" in sent[1]
    assert [entry["action"] for entry in _decisions(tmp_path)] == ["hold", "override"]
    terminal.keys(":quit", "Enter")
