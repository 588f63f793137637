"""The ``mailcoach`` command: parse options, call the library, print, set the exit code.

No analysis happens here. One module per command group (check, rewrite, review,
rules, eval, letter, gate, serve); ``common`` holds the exit codes, the fatal error and the
shared options, ``files`` the safe writes and ``progress`` the progress line.
Library errors (MailcoachError) become one line on stderr and exit code 2;
findings decide between 0 and 1 through ``--fail-on``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

import click

from mailcoach.cli.check import check_cmd
from mailcoach.cli.common import EXIT_HELP, Exit
from mailcoach.cli.evaluate import eval_cmd
from mailcoach.cli.gate import gate_cmd
from mailcoach.cli.letter import letter_cmd
from mailcoach.cli.review import review_cmd
from mailcoach.cli.rewrite import rewrite_cmd
from mailcoach.cli.rules import rules
from mailcoach.cli.serve import serve_cmd

__all__ = ["Exit", "cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_HELP)
@click.version_option(package_name="mailcoach", prog_name="mailcoach")
def cli() -> None:
    """Check a dispute email before you send it.

    mailcoach flags inflammatory, blaming, sarcastic, passive-aggressive,
    threatening and liability-admitting language, explains why each one hurts,
    and suggests calmer wording. Everything runs locally.

    \b
    Example:
      mailcoach check draft.eml
      mailcoach check - --format json < draft.txt
      mailcoach rewrite draft.txt --diff
      mailcoach review outbox.mbox --format html -o review.html
      mailcoach letter first-contact --facts case.toml
      mailcoach rules list
      mailcoach gate --sendmail /usr/sbin/sendmail < message.eml
      mailcoach serve
    """


for _command in (
    check_cmd,
    rewrite_cmd,
    review_cmd,
    rules,
    eval_cmd,
    letter_cmd,
    gate_cmd,
    serve_cmd,
):
    cli.add_command(_command)


def main() -> None:
    """Run the CLI (the console-script entry point), then end the process at once.

    Once a command has finished, its files are closed and its worker processes
    joined; what remains is the interpreter's teardown, which frees the model's
    objects one by one and takes about a quarter of a second. The output is
    flushed and the process ends with the command's exit code, without it.
    """
    try:
        cli(prog_name="mailcoach")
    except KeyboardInterrupt:
        click.echo("mailcoach: interrupted", err=True)
        code: object = 130
    except SystemExit as exc:
        code = exc.code
    else:  # click's standalone mode always exits; this is only a fallback
        code = 0
    _end_process(code)


def _end_process(code: object) -> NoReturn:
    """Flush the output and end the process with ``code``, as ``sys.exit`` would."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        click.echo(str(code), err=True)  # sys.exit("message") prints it and exits 1
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
