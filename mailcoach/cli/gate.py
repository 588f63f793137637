"""``mailcoach gate``: a sendmail-compatible wrapper that holds hostile mail."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import NoReturn

import click

from mailcoach import MailcoachError, Severity, load_settings
from mailcoach.cli.common import use_colour
from mailcoach.gate import (
    DEFAULT_SENDMAIL,
    EX_TEMPFAIL,
    EX_UNAVAILABLE,
    Action,
    GateDecision,
    could_not_check,
    decide,
    deliver,
    log_decision,
)

GATE_EXIT_HELP = """\b
Exit codes (sendmail's, so mail clients understand them):
  0    the message was handed to sendmail, which accepted it
       (with --no-send: the message may be sent)
  N    sendmail's own exit code, when it refused the message
  69   the real sendmail could not be run (EX_UNAVAILABLE); nothing was sent
  75   held (EX_TEMPFAIL): findings at or above --hold-on, or the check
       could not run and the gate fails closed; nothing was sent and the
       client keeps the draft
  2    a usage error in the gate's own options; nothing was sent"""

ENV_SENDMAIL = "MAILCOACH_SENDMAIL"
ENV_LOG = "MAILCOACH_GATE_LOG"


def _say(text: str) -> None:
    click.echo(text, err=True)


def _exit(code: int) -> NoReturn:
    sys.stdout.flush()
    sys.exit(code)


#: The gate's own options: those taking a value, and flags. Anything else ends them.
_VALUED = frozenset({"--sendmail", "--hold-on", "--log", "--config", "--model"})
_FLAGS = frozenset({"--override", "--fail-open", "--no-send", "--help"})


def split_gate_args(args: list[str]) -> tuple[list[str], list[str]]:
    """Split the command line into the gate's own leading options and sendmail's.

    sendmail's arguments are passed on exactly as the client gave them, ``--``
    included: a client puts it before the recipients so that an address starting
    with '-' cannot be read as an option, and dropping it would undo that.
    """
    own: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        if arg in _FLAGS or (name in _VALUED and "=" in arg):
            own.append(arg)
            i += 1
        elif arg in _VALUED and i + 1 < len(args):
            own += args[i : i + 2]
            i += 2
        else:
            break
    return own, args[i:]


class GateCommand(click.Command):
    """A command whose trailing arguments belong to sendmail, untouched by click."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        own, rest = split_gate_args(args)
        ctx.meta["mailcoach.sendmail_args"] = tuple(rest)
        return super().parse_args(ctx, own)


@click.command(
    "gate",
    cls=GateCommand,
    epilog=GATE_EXIT_HELP,
    options_metavar="[OPTIONS] [SENDMAIL ARGS]...",
)
@click.option(
    "--sendmail",
    "sendmail",
    metavar="COMMAND",
    envvar=ENV_SENDMAIL,
    default=None,
    help="The real sendmail to hand the message to, with any arguments of its own "
    "(e.g. 'msmtp -a work').  [env: MAILCOACH_SENDMAIL; default: /usr/sbin/sendmail]",
)
@click.option(
    "--hold-on",
    type=click.Choice(["warning", "error"]),
    default="error",
    show_default=True,
    help="Lowest finding level that holds the message (error = the check's 'hold').",
)
@click.option(
    "--override",
    is_flag=True,
    help="Send even if the check would hold it (a header 'X-Mailcoach-Override: yes' "
    "does the same and is removed before sending).",
)
@click.option(
    "--fail-open",
    is_flag=True,
    help="If the check itself cannot run (broken install, bad config), send anyway "
    "with a warning. Default: fail closed, hold the message and say why.",
)
@click.option(
    "--no-send",
    is_flag=True,
    help="Only decide: exit 0 if the message may go, 75 if held (for hooks such as "
    "git's sendemail-validate).",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=ENV_LOG,
    help="Append one JSON line per decision to this file (never the message text).  "
    "[env: MAILCOACH_GATE_LOG]",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file, as for check (default: the nearest one above the current folder).",
)
@click.option("--model", metavar="NAME", help="spaCy model package to load.")
def gate_cmd(
    sendmail: str | None,
    hold_on: str,
    override: bool,
    fail_open: bool,
    no_send: bool,
    log_path: Path | None,
    config: Path | None,
    model: str | None,
) -> None:
    """Stand in for sendmail: check the message on stdin, then send it or hold it.

    Reads the RFC 5322 message a mail client hands to sendmail, checks the
    writer's own text (quoted replies and the signature are left out) and
    either passes the message, byte for byte, to the real sendmail with the
    same arguments, or refuses it with a short report on stderr and exit 75,
    so the client keeps the draft. The gate's own options come first; every
    argument after them ([SENDMAIL ARGS]) goes to sendmail unchanged.

    To send a held message anyway, add the header 'X-Mailcoach-Override: yes'
    (removed before sending) or use --override. If the check cannot run, the
    gate holds the message and says why, unless --fail-open is given.

    \b
    Example:
      # mutt / neomutt (muttrc):
      set sendmail="mailcoach gate --sendmail /usr/sbin/sendmail"
      # aerc (accounts.conf); aerc shows only 'exit status 75', the log says why:
      outgoing = mailcoach gate --sendmail /usr/sbin/sendmail --log /home/you/gate.jsonl
      # git send-email: every patch mail passes the gate on its way out
      git send-email --sendmail-cmd="mailcoach gate --sendmail /usr/sbin/sendmail"
      # git's sendemail-validate hook: check only, git sends
      mailcoach gate --no-send < "$1"
    """
    sendmail_args: tuple[str, ...] = click.get_current_context().meta["mailcoach.sendmail_args"]
    raw = sys.stdin.buffer.read()
    command = shlex.split(sendmail) if sendmail else [DEFAULT_SENDMAIL]
    hold_at = Severity.parse(hold_on)
    try:
        settings = load_settings(config).with_overrides(model=model)
    except MailcoachError as exc:
        decision = could_not_check(raw, str(exc), fail_open=fail_open)
    else:
        decision = decide(
            raw, settings=settings, hold_at=hold_at, override=override, fail_open=fail_open
        )
    if log_path is not None:
        try:
            log_decision(log_path, decision)
        except MailcoachError as exc:
            _say(f"mailcoach gate: warning: {exc}")
    _explain(decision)
    if not decision.sends:
        _exit(EX_TEMPFAIL)
    if no_send:
        _exit(0)
    try:
        _exit(deliver(command, sendmail_args, decision.message))
    except MailcoachError as exc:
        _say(f"mailcoach gate: {exc} The message was not sent.")
        _exit(EX_UNAVAILABLE)


def _explain(decision: GateDecision) -> None:
    """Say on stderr what the gate did; nothing at all when a message simply goes."""
    from mailcoach.render.text import render_text

    if decision.action is Action.SEND:
        return
    if decision.action is Action.FAILED_CLOSED:
        _say(
            f"mailcoach gate: the message was NOT sent: {decision.problem}. "
            "Fix the problem, or send anyway with the header 'X-Mailcoach-Override: yes' "
            "or --fail-open."
        )
        return
    if decision.action is Action.FAILED_OPEN:
        _say(f"mailcoach gate: warning: sent unchecked (--fail-open): {decision.problem}.")
        return
    report = decision.report
    assert report is not None
    if decision.action is Action.OVERRIDE:
        _say(f"mailcoach gate: sent on override despite {len(decision.held_by)} finding(s).")
        return
    _say(render_text(report, colour=use_colour() and sys.stderr.isatty()))
    _say(
        "mailcoach gate: the message was NOT sent; your mail client keeps the draft. "
        "Revise it (mailcoach rewrite can help), or send anyway with the header "
        "'X-Mailcoach-Override: yes'."
    )
