"""The pre-send gate: check a message on its way to sendmail, pass it on or hold it.

``mailcoach gate`` stands where a mail client expects sendmail. It reads the RFC 5322
message on standard input, checks the writer's own text with the public ``check``
(quoted replies and signatures are left out, as everywhere), and either hands the
message, byte for byte, to the real sendmail with the same arguments, or refuses it so
that the client keeps the draft.

Decisions are data (``GateDecision``); this module holds no detection logic and the
CLI only wires options to it. When the check itself cannot run (a broken model
install, an unreadable message), the gate fails closed by default: the message is not
sent and the reason is said. ``fail_open`` passes such a message on with a warning.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from mailcoach.analyze import check
from mailcoach.errors import InputError, MailcoachError
from mailcoach.model import Report, Severity
from mailcoach.settings import Settings

#: The header a person adds to send a held message anyway; always removed before sending.
OVERRIDE_HEADER = "X-Mailcoach-Override"
#: Header values that ask for an override ("X-Mailcoach-Override: yes").
OVERRIDE_VALUES = frozenset({"yes", "true", "1", "send", "on"})
#: sendmail's exit code for "try again later": clients keep the message as a draft.
EX_TEMPFAIL = 75
#: sendmail's exit code for "service unavailable" (the real sendmail cannot be run).
EX_UNAVAILABLE = 69
#: Where the real sendmail usually lives, if neither option nor environment names one.
DEFAULT_SENDMAIL = "/usr/sbin/sendmail"

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD_START = re.compile(rb"^([^\s:]+)[ \t]*:", re.M)


class Action(StrEnum):
    """What the gate did with a message."""

    SEND = "send"
    HOLD = "hold"
    OVERRIDE = "override"  # would have been held; sent because a person asked
    FAILED_CLOSED = "failed-closed"  # the check could not run; not sent
    FAILED_OPEN = "failed-open"  # the check could not run; sent as configured


@dataclass(frozen=True, slots=True)
class GateDecision:
    """The gate's decision on one message.

    ``message`` is what would be handed to sendmail: the input byte for byte, less the
    override header if it had one.
    """

    action: Action
    message: bytes
    report: Report | None = None
    problem: str | None = None
    header_override: bool = False
    held_by: tuple[str, ...] = field(default=())

    @property
    def sends(self) -> bool:
        """Return whether the message goes on to sendmail."""
        return self.action in (Action.SEND, Action.OVERRIDE, Action.FAILED_OPEN)


def strip_header(raw: bytes, name: str) -> tuple[bytes, list[bytes]]:
    """Remove every ``name:`` field (with its folded lines) from the header section.

    Everything else, including the body and the line endings, is kept byte for byte.

    Returns:
        The message without the field, and the raw values that were removed.
    """
    end = _HEADER_END.search(raw)
    head_end = end.start() + 1 if end else len(raw)
    head, rest = raw[:head_end], raw[head_end:]
    lines = head.splitlines(keepends=True)
    kept: list[bytes] = []
    values: list[bytes] = []
    dropping = False
    target = name.lower().encode("ascii")
    for line in lines:
        if line[:1] in (b" ", b"\t") and dropping:
            values[-1] += line
            continue
        match = _FIELD_START.match(line)
        dropping = bool(match) and match.group(1).lower() == target  # type: ignore[union-attr]
        if dropping:
            values.append(line.split(b":", 1)[1])
        else:
            kept.append(line)
    return b"".join(kept) + rest, values


def _asks_override(values: list[bytes]) -> bool:
    return any(
        b" ".join(v.split()).decode("ascii", "replace").strip().lower() in OVERRIDE_VALUES
        for v in values
    )


def decide(
    raw: bytes,
    *,
    settings: Settings | None = None,
    hold_at: Severity = Severity.ERROR,
    override: bool = False,
    fail_open: bool = False,
) -> GateDecision:
    """Check one outgoing message and decide whether it may be sent.

    Args:
        raw: the message as the mail client handed it over (RFC 5322 bytes).
        settings: what to flag; the CLI passes the resolved configuration.
        hold_at: the lowest finding level that holds the message.
        override: a person asked to send it anyway (the header does the same).
        fail_open: send the message when the check itself cannot run.

    Returns:
        The decision, with the bytes to send and the report behind it.
    """
    message, values = strip_header(raw, OVERRIDE_HEADER)
    by_header = _asks_override(values)
    try:
        report = check(raw, settings=settings) if raw.strip() else None
    except InputError as exc:
        problem = f"the message could not be read ({exc})"
        return _failed(message, problem, fail_open, by_header)
    except MailcoachError as exc:
        return _failed(message, str(exc), fail_open, by_header)
    except Exception as exc:  # the gate must never eat a message silently
        problem = f"an internal error stopped the check ({type(exc).__name__}: {exc})"
        return _failed(message, problem, fail_open, by_header)
    held_by = tuple(f.rule_id for f in (report.findings if report else ()) if f.severity >= hold_at)
    if not held_by:
        action = Action.SEND
    elif override or by_header:
        action = Action.OVERRIDE
    else:
        action = Action.HOLD
    return GateDecision(action, message, report, None, by_header, held_by)


def _failed(message: bytes, problem: str, fail_open: bool, by_header: bool) -> GateDecision:
    action = Action.FAILED_OPEN if fail_open else Action.FAILED_CLOSED
    return GateDecision(action, message, None, problem, by_header)


def could_not_check(raw: bytes, problem: str, *, fail_open: bool = False) -> GateDecision:
    """Return the decision for a message whose check could not even start (a bad config).

    Like a check that failed: held unless ``fail_open``; the override header is still
    removed from what would be sent.
    """
    message, values = strip_header(raw, OVERRIDE_HEADER)
    return _failed(message, problem, fail_open, _asks_override(values))


def deliver(command: Sequence[str], args: Sequence[str], message: bytes) -> int:
    """Hand ``message`` to the real sendmail with the client's arguments.

    Returns:
        sendmail's exit code.

    Raises:
        MailcoachError: if the command cannot be started.
    """
    try:
        done = subprocess.run([*command, *args], input=message, check=False)
    except OSError as exc:
        raise MailcoachError(
            f"cannot run the real sendmail '{command[0]}' ({exc.strerror or exc}); "
            "set --sendmail or MAILCOACH_SENDMAIL to its path."
        ) from None
    return done.returncode


def log_decision(path: Path, decision: GateDecision) -> None:
    """Append one JSON line about ``decision`` to ``path``: never the message text.

    Raises:
        MailcoachError: if the log cannot be written.
    """
    report = decision.report
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "action": str(decision.action),
        "verdict": str(report.verdict) if report else None,
        "subject": report.subject if report else None,
        "categories": dict(Counter(str(f.category) for f in report.findings)) if report else {},
        "held_by": list(decision.held_by),
        "override_header": decision.header_override,
        "problem": decision.problem,
    }
    line = (json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as exc:
        raise MailcoachError(
            f"cannot write the gate log {path} ({exc.strerror or exc}); "
            "check the folder exists and is writable, or drop --log."
        ) from None
