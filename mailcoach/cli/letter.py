"""``mailcoach letter``: calm letters from a case's facts, one or a mail merge."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mailcoach import MailcoachError, Settings
from mailcoach.cli.common import Exit, FatalError, fail, make_settings, settings_options
from mailcoach.cli.files import write_bytes

if TYPE_CHECKING:
    from mailcoach.letters import CaseFacts, Letter, SelfCheckFailed


LETTER_EXIT_HELP = """\b
Exit codes:
  0    the letter (or every row's letter) was written
  1    a letter failed its own check and was not written (findings on stderr)
  2    usage error, bad facts file, or an escalation the facts do not justify
  3    mail merge: some rows were bad and skipped (reported by row number)"""


def _decimal(value: str | None, option: str, most: Decimal) -> Decimal | None:
    """Read a number option (--hourly, --hours): above zero and at most ``most``."""
    if value is None:
        return None
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise click.BadParameter(f"{value!r} is not a number.", param_hint=option) from None
    if not number.is_finite() or number <= 0:
        raise click.BadParameter(f"{value!r} must be above zero.", param_hint=option)
    if number > most:
        raise click.BadParameter(f"{value!r} must be at most {most:,}.", param_hint=option)
    return number


def _show_cost(facts: CaseFacts, hourly: Decimal | None, hours: Decimal | None) -> None:
    """Print the cost weighing to stderr when the hourly cost and hours are known."""
    from mailcoach.letters import weigh_cost

    weighing = weigh_cost(facts, hourly=hourly, hours=hours)
    if weighing is not None:
        click.echo(f"mailcoach: {weighing.text}", err=True)


def _letter_output(letter: Letter, fmt: str) -> bytes:
    """Return the letter as plain text (subject line first) or as an .eml message."""
    if fmt == "eml":
        return letter.as_email()
    return f"Subject: {letter.subject}\n\n{letter.text}".encode()


def _show_refusal(exc: SelfCheckFailed) -> None:
    """Show the findings of a letter that failed its own check, on stderr."""
    from mailcoach.render import render_text

    click.echo(render_text(exc.report, colour=False), err=True)


@click.command("letter", epilog=LETTER_EXIT_HELP)
@click.argument("kind", required=False, metavar="KIND")
@click.option(
    "--facts",
    "facts_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The case's facts: .toml, .yaml/.yml or .json. With --csv, the facts every row "
    "is merged over (e.g. the sender).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "eml"]),
    default="text",
    show_default=True,
    help="text: the subject line and the letter; eml: an RFC 5322 message (UTF-8).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the letter to this file (atomically) instead of stdout.",
)
@click.option(
    "--ics",
    "ics_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an iCalendar file with a reminder for each dated follow-up "
    "(with --csv: one calendar for all rows).",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Mail merge: one letter per row of this CSV file (columns: README, Case facts).",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where --csv writes its letters, one file per row (created if missing).",
)
@click.option("--hourly", metavar="AMOUNT", help="Our cost per hour, for the cost check.")
@click.option("--hours", metavar="N", help="Hours the dispute is expected to take.")
@click.option("--list", "list_kinds", is_flag=True, help="List the kinds of letter and exit.")
@settings_options
def letter_cmd(
    kind: str | None,
    facts_path: Path | None,
    fmt: str,
    output: Path | None,
    ics_path: Path | None,
    csv_path: Path | None,
    out_dir: Path | None,
    hourly: str | None,
    hours: str | None,
    list_kinds: bool,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Write a calm letter from a case's facts, and check it before it is written.

    KIND is one of the kinds that --list shows. The letter goes through the same
    check as a draft; one with warning- or error-level findings is not written.
    If the facts (or --hourly and --hours) give an hourly cost and the hours
    expected, a cost check is printed on stderr; the letter is written anyway.

    \b
    Example:
      mailcoach letter --list
      mailcoach letter first-contact --facts case.toml
      mailcoach letter reminder --facts case.yaml --format eml -o reminder.eml --ics follow-up.ics
      mailcoach letter first-contact --facts our-side.toml --csv customers.csv --out-dir letters/
    """
    from mailcoach.letters import KINDS, describe_kinds

    if list_kinds:
        rows = describe_kinds()
        width = max(len(k) for k, _ in rows)
        for name, about in rows:
            click.echo(f"{name:<{width}}  {about}")
        return
    if kind is None:
        raise click.UsageError("name a KIND of letter (see 'mailcoach letter --list').")
    if kind not in KINDS:
        raise click.BadParameter(
            f"{kind!r} is not a kind of letter; choose one of: {', '.join(KINDS)}.",
            param_hint="KIND",
        )
    from mailcoach.letters.facts import MAX_AMOUNT, MAX_HOURS

    rate = _decimal(hourly, "--hourly", MAX_AMOUNT - Decimal("0.01"))
    time_ = _decimal(hours, "--hours", MAX_HOURS)
    settings = make_settings(config, model, lexicons, disable)
    if csv_path is not None:
        if out_dir is None:
            raise click.UsageError("--csv needs --out-dir, the folder for the letters.")
        if output is not None:
            raise click.UsageError("use --out-dir with --csv, not -o.")
        _letter_merge(kind, csv_path, facts_path, out_dir, fmt, ics_path, rate, time_, settings)
        return
    if out_dir is not None:
        raise click.UsageError("--out-dir goes with --csv; use -o for one letter.")
    if facts_path is None:
        raise click.UsageError("give the case's facts with --facts FILE (or rows with --csv).")
    from mailcoach.letters import SelfCheckFailed, compose_letter, read_facts

    try:
        facts = read_facts(facts_path)
        letter = compose_letter(kind, facts, settings=settings, where=str(facts_path))
        data = _letter_output(letter, fmt)
        ics = letter.as_ics() if ics_path is not None else None
    except SelfCheckFailed as exc:
        _show_refusal(exc)
        click.echo(f"mailcoach: {exc}", err=True)
        sys.exit(Exit.FINDINGS)
    except MailcoachError as exc:
        fail(exc)
    if ics_path is not None and ics is not None:
        write_bytes(ics_path, ics)
    if output is not None:
        write_bytes(output, data)
    _show_cost(facts, rate, time_)  # only beside a letter: an error comes alone
    for note in letter.notes:
        click.echo(f"mailcoach: note: {note}", err=True)
    if output is None:
        write_bytes(None, data)


def _letter_merge(
    kind: str,
    csv_path: Path,
    base_path: Path | None,
    out_dir: Path,
    fmt: str,
    ics_path: Path | None,
    rate: Decimal | None,
    hours: Decimal | None,
    settings: Settings,
) -> None:
    """Write one letter per good CSV row; report bad rows by row number and go on."""
    from mailcoach.letters import SelfCheckFailed, compose_letter, read_rows
    from mailcoach.letters.facts import read_raw
    from mailcoach.letters.reminders import build_calendar

    try:
        base = read_raw(base_path) if base_path is not None else None
        rows = list(read_rows(csv_path, base))
    except MailcoachError as exc:
        fail(exc)
    written: list[Letter] = []
    bad = refused = 0
    suffix = ".eml" if fmt == "eml" else ".txt"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FatalError(f"cannot create {out_dir}: {exc.strerror or exc}.") from None
    for row in rows:
        if row.facts is None:
            bad += 1
            click.echo(f"mailcoach: skipped: {row.error}", err=True)
            continue
        where = f"{csv_path}, row {row.number}"
        try:
            letter = compose_letter(kind, row.facts, settings=settings, where=where)
            data = _letter_output(letter, fmt)
        except SelfCheckFailed as exc:
            refused += 1
            click.echo(f"mailcoach: not written: {where}: {exc}", err=True)
            continue
        except MailcoachError as exc:
            bad += 1
            click.echo(f"mailcoach: skipped: {exc}", err=True)
            continue
        weighing = _merge_cost(letter, rate, hours)
        if weighing:
            click.echo(f"mailcoach: {where}: {weighing}", err=True)
        name = f"row-{row.number:03d}-{_slug(letter.to)}{suffix}"
        try:
            write_bytes(out_dir / name, data)
        except FatalError as exc:  # this row's file only; the other rows go on
            bad += 1
            click.echo(f"mailcoach: not written: {where}: {exc.format_message()}", err=True)
            continue
        written.append(letter)
    if ics_path is not None and written:
        try:
            write_bytes(ics_path, build_calendar(written))
        except MailcoachError as exc:
            fail(exc)
    click.echo(
        f"mailcoach: {len(written)} letter(s) written to {out_dir}, {bad} bad row(s), "
        f"{refused} refused by the self-check.",
        err=True,
    )
    if bad:
        sys.exit(Exit.UNREADABLE)
    sys.exit(Exit.FINDINGS if refused else Exit.OK)


def _merge_cost(letter: Letter, rate: Decimal | None, hours: Decimal | None) -> str | None:
    from mailcoach.letters import weigh_cost

    weighing = weigh_cost(letter.facts, hourly=rate, hours=hours)
    return weighing.text if weighing else None


#: Characters of the recipient's name in a merge letter's file name (a file name is at
#: most 255 bytes, and a letter of another script takes up to four).
SLUG_CHARS = 40


def _slug(name: str) -> str:
    """Return a file-name-safe form of a name: "Dana Whitfield" → "dana-whitfield"."""
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in name)
    slug = "-".join(part for part in cleaned.split("-") if part)
    return slug[:SLUG_CHARS].rstrip("-") or "letter"
