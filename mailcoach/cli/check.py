"""``mailcoach check``: one draft."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mailcoach import MailcoachError, check, read_draft
from mailcoach.cli.common import (
    EXIT_HELP,
    dispute_options,
    encoding_option,
    exit_for,
    fail,
    fail_on_option,
    make_settings,
    settings_options,
    use_colour,
    with_dispute,
)


@click.command("check", epilog=EXIT_HELP)
@click.argument("source", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text shows each finding in place; json is schema version 1.",
)
@fail_on_option
@encoding_option
@settings_options
@dispute_options
def check_cmd(
    source: str,
    fmt: str,
    fail_on: str | None,
    encoding: str | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
    role: str | None,
    dispute_type: str | None,
) -> None:
    """Check one draft: a text file, an .eml message, or - for standard input.

    Only your own text is checked: quoted replies and the signature are left out.

    \b
    Example:
      mailcoach check draft.txt
      mailcoach check reply.eml --format json
      mailcoach check draft.txt --fail-on error || echo "needs a second look"
    """
    settings = with_dispute(make_settings(config, model, lexicons, disable), role, dispute_type)
    try:
        draft = read_draft(source, max_bytes=settings.max_bytes, encoding=encoding)
        report = check(draft, settings=settings)
    except MailcoachError as exc:
        fail(exc)
    from mailcoach.render import render_json, render_text

    if fmt == "json":
        click.echo(render_json(report))
    else:
        click.echo(render_text(report, colour=use_colour()), color=use_colour())
    sys.exit(exit_for([report], fail_on or settings.fail_on))
