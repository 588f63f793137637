"""``mailcoach review``: many messages, one report."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import click

from mailcoach import MailcoachError
from mailcoach.cli.common import (
    EXIT_HELP,
    Exit,
    encoding_option,
    exit_for,
    fail,
    fail_on_option,
    make_settings,
    settings_options,
    use_colour,
)
from mailcoach.cli.files import open_output
from mailcoach.cli.progress import Progress


@click.command("review", epilog=EXIT_HELP)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl", "csv", "html"]),
    default="text",
    show_default=True,
    help="text: a table, worst first, with totals; jsonl: one schema-1 report per line; "
    "csv: one row per message; html: a self-contained report.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (atomically) instead of stdout.",
)
@fail_on_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes, at most one per 32 messages.  [default: the number of cores]",
)
@encoding_option
@click.option("--show-clean", is_flag=True, help="List clean messages in the text table too.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress on stderr.  [default: when stderr is a terminal]",
)
@settings_options
def review_cmd(
    paths: tuple[str, ...],
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    jobs: int | None,
    encoding: str | None,
    show_clean: bool,
    progress: bool | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Review many outgoing messages: files, folders, mbox files, Maildirs or -.

    Every message gets a row: which need a second look and why. Folders are read
    recursively; an unreadable or broken message becomes a row with its error
    and the batch goes on. Ctrl-C stops and writes out what was done.

    \b
    Example:
      mailcoach review outbox.mbox
      mailcoach review ~/Maildir/.Sent --format html -o review.html
      mailcoach review drafts/ --format jsonl --fail-on error > review.jsonl
    """
    from mailcoach import check_many, iter_messages
    from mailcoach.inputs.sources import count_messages
    from mailcoach.render.batch import ReviewSummary, csv_header, csv_row, render_summary_text
    from mailcoach.render.html import render_html
    from mailcoach.render.json_format import render_jsonl

    settings = make_settings(config, model, lexicons, disable)
    threshold = fail_on or settings.fail_on
    show = sys.stderr.isatty() if progress is None else progress
    try:
        messages = iter_messages(paths, max_bytes=settings.max_bytes, encoding=encoding)
        bar = Progress(count_messages(paths) if show else None, show)
        with open_output(output) as out:
            writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
            if writer:
                writer.writerow(csv_header())
            summary = ReviewSummary()
            hit = False
            interrupted = False
            reports = check_many(messages, settings=settings, jobs=jobs or os.cpu_count() or 1)
            try:
                for report in reports:
                    bar.update(report)
                    hit = hit or exit_for([report], threshold) is Exit.FINDINGS
                    if fmt == "jsonl":
                        out.write(render_jsonl(report) + "\n")
                    elif writer:
                        writer.writerow(csv_row(report))
                    else:
                        summary.add(report)
            except KeyboardInterrupt:
                interrupted = True
            finally:
                bar.close()
            if fmt == "text":
                colour = output is None and use_colour()
                out.write(render_summary_text(summary, colour=colour, show_clean=show_clean) + "\n")
            elif fmt == "html":
                out.write(render_html(summary))
    except MailcoachError as exc:
        fail(exc)
    if interrupted:
        click.echo(
            f"mailcoach: interrupted after {bar.count} messages; the report covers those.",
            err=True,
        )
        sys.exit(130)
    if bar.unreadable:
        click.echo(f"mailcoach: {bar.unreadable} input(s) could not be read.", err=True)
        sys.exit(Exit.UNREADABLE)
    sys.exit(Exit.FINDINGS if hit else Exit.OK)
