"""``mailcoach rewrite``: a calmer draft, to stdout, a file or in place."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mailcoach import MailcoachError, check
from mailcoach.cli.common import (
    EXIT_HELP,
    dispute_options,
    encoding_option,
    exit_for,
    fail,
    fail_on_option,
    make_settings,
    settings_options,
    with_dispute,
)
from mailcoach.cli.files import keep_original, write_bytes
from mailcoach.render.text import terminal_safe

if TYPE_CHECKING:
    from mailcoach.rewriting import Edit, RewriteResult


@click.command("rewrite", epilog=EXIT_HELP)
@click.argument("source", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text prints the rewritten draft (an .eml stays an .eml); json is the "
    "schema-1 report plus a 'rewrite' object.",
)
@click.option("--diff", is_flag=True, help="Print a unified diff instead of the whole draft.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the result to this file (atomically) instead of standard output.",
)
@click.option(
    "--in-place",
    is_flag=True,
    help="Rewrite FILE itself, atomically, keeping the original as FILE.orig.",
)
@click.option(
    "--interactive",
    "-i",
    is_flag=True,
    help="Walk the edits one by one: accept, skip, edit or quit.",
)
@click.option(
    "--benchmark",
    "benchmark_form",
    type=click.Choice(["positive", "punitive", "none"]),
    default=None,
    help="The benchmark clause to add.  [default: positive]",
)
@click.option(
    "--invoices",
    "count",
    type=click.IntRange(1, 52),
    metavar="N",
    help="How many invoices (deliveries, reports …) the benchmark counts.",
)
@click.option(
    "--terms",
    metavar="TEXT",
    help='Terms the benchmark keeps (restores, where the draft says they were withdrawn), '
    'e.g. "30-day"; in a landlord, tenant, freelancer or client clause, what you do in return.',
)
@click.option(
    "--period",
    metavar="TEXT",
    help='How often progress is reported, e.g. "weekly"; in a landlord, tenant, freelancer '
    "or client clause, the date or day it is measured by.",
)
@click.option(
    "--complete/--no-complete",
    default=True,
    show_default=True,
    help="Add to a flagged draft what the checklist finds missing where its facts allow: "
    "a request for written confirmation, a next step on a deadline the draft gives.",
)
@fail_on_option
@encoding_option
@settings_options
@dispute_options
def rewrite_cmd(
    source: str,
    fmt: str,
    diff: bool,
    output: Path | None,
    in_place: bool,
    interactive: bool,
    benchmark_form: str | None,
    count: int | None,
    terms: str | None,
    period: str | None,
    complete: bool,
    fail_on: str | None,
    encoding: str | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
    role: str | None,
    dispute_type: str | None,
) -> None:
    """Rewrite a draft calmly: the smallest edit of every flagged sentence.

    Flagged words are replaced or dropped and colouring clauses cut, but only
    where the sentence keeps every amount, date and reference, invents nothing and
    still has a subject and a verb; otherwise it stays as written and a note says
    so (a sentence with nothing to keep is removed, also with a note). Unflagged
    sentences, quoted replies and the signature are never touched. A benchmark
    clause is added only where the draft shows a broken promise or a repeat
    problem, or you ask (--benchmark, --invoices, --terms, --period); when the
    draft lacks a figure it needs, it is suggested in the notes with the blanks to
    fill in. A flagged draft that asks for nothing by a date gets one sentence
    asking for a next step or written confirmation (with a deadline the draft
    already gives, never a new date; --no-complete leaves it out). A flagged
    sentence with nothing to keep that no edit fits is removed, with a note; a
    calm apology keeps its offer, and the notes suggest a bounded wording. The
    result is checked again; the exit code says whether anything at
    or above --fail-on is left. The checklist and notes go to stderr.

    \b
    Example:
      mailcoach rewrite draft.txt
      mailcoach rewrite draft.eml --diff
      mailcoach rewrite draft.txt --in-place --invoices 2 --terms "45-day"
      mailcoach rewrite draft.txt --benchmark none --format json
    """
    from mailcoach.inputs.parse import is_email, parse_bytes, read_bytes
    from mailcoach.rewriting import (
        BenchmarkParams,
        apply_edits,
        check_edited,
        rewrite,
    )

    if in_place and (source == "-" or output is not None or diff):
        raise click.UsageError("--in-place rewrites FILE itself: not with -, -o or --diff.")
    if interactive and (fmt == "json" or source == "-"):
        raise click.UsageError(
            "--interactive reads your answers from standard input: "
            "give a FILE (not -) and --format text."
        )
    settings = with_dispute(make_settings(config, model, lexicons, disable), role, dispute_type)
    params = BenchmarkParams.chosen(settings, benchmark_form, count, terms, period)
    try:
        data = read_bytes(source, max_bytes=settings.max_bytes)
        draft = parse_bytes(data, source, encoding=encoding, max_bytes=settings.max_bytes)
        result = rewrite(
            check(draft, settings=settings), settings=settings, benchmark=params, complete=complete
        )
    except MailcoachError as exc:
        fail(exc)
    text, after = result.text, result.after
    if interactive:
        chosen = _walk_edits(result)
        text = apply_edits(result.before.body, chosen)
        if chosen != list(result.edits):
            after = check_edited(result.before, chosen, settings=settings)
    notes = list(result.notes)
    if fmt == "json":
        from mailcoach.render.json_format import rewrite_to_dict

        payload = (
            json.dumps(
                rewrite_to_dict(result, text=text, after=after),
                indent=2,
                sort_keys=True,
                ensure_ascii=False,
            )
            + "\n"
        )
        out_bytes = payload.encode("utf-8")
    elif diff:
        import difflib

        lines = difflib.unified_diff(
            result.before.body.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=source,
            tofile=f"{source} (rewritten)",
        )
        shown = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        out_bytes = shown.encode("utf-8")
    elif is_email(data, source):
        from mailcoach.inputs.emailout import replace_body

        try:
            out_bytes, more = replace_body(data, text, source)
        except MailcoachError as exc:
            fail(exc)
        notes.extend(more)
    else:
        if b"\r\n" in data:  # keep the draft's own line ends
            text = text.replace("\n", "\r\n")
        out_bytes = text.encode("utf-8")
    target = Path(source) if in_place else output
    if in_place:
        keep_original(Path(source), data, notes)
    write_bytes(target, out_bytes)
    if fmt == "text":
        from mailcoach.render.text import render_checklist

        for line in render_checklist(after.checklist):
            if line:
                click.echo(line, err=True)
        for note in notes:
            click.echo(f"note: {terminal_safe(note)}", err=True)
        click.echo(
            "note: only what the rules flag is rewritten; read it through before you send it",
            err=True,
        )
    sys.exit(exit_for([after], fail_on or settings.fail_on))


def _walk_edits(result: RewriteResult) -> list[Edit]:
    """Ask about each edit on the terminal; return the accepted (possibly edited) ones."""
    chosen = []
    edits = list(result.edits)
    for number, edit in enumerate(edits, 1):
        click.echo("", err=True)
        label = edit.rule_id or ("checklist" if edit.why else "benchmark clause")
        click.echo(f"edit {number}/{len(edits)}  {label}", err=True)
        if edit.why:
            click.echo(f"  why: {terminal_safe(edit.why)}", err=True)
        if edit.original:
            shown = terminal_safe(edit.original.strip())
            click.echo(click.style(f"  - {shown}", fg="red"), err=True)
        added = terminal_safe(edit.replacement.strip()) or "(removed)"
        click.echo(click.style(f"  + {added}", fg="green"), err=True)
        answer = click.prompt(
            "  [a]ccept, [s]kip, [e]dit, [q]uit",
            type=click.Choice(["a", "s", "e", "q"]),
            default="a",
            err=True,
        )
        if answer == "q":
            break
        if answer == "e":
            typed = click.prompt("  replacement", default=edit.replacement.strip(), err=True)
            lead = edit.replacement[: len(edit.replacement) - len(edit.replacement.lstrip())]
            edit = replace(edit, replacement=lead + typed)
        if answer in {"a", "e"}:
            chosen.append(edit)
    return chosen
