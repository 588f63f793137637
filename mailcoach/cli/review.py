"""``mailcoach review``: many messages, one report."""

from __future__ import annotations

import contextlib
import csv
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from mailcoach import MailcoachError, Report
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
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Review on a Dask cluster instead: a scheduler's address (tcp://host:8786), "
    "or local:N for N worker processes on this machine. Needs the dask extra "
    "(pip install 'mailcoach[dask]'); workers must see the inputs at the same paths.",
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
    scheduler: str | None,
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
      mailcoach review /shared/archive.mbox --scheduler tcp://10.0.0.5:8786 -o r.jsonl
    """
    from mailcoach import check_many, iter_messages
    from mailcoach.inputs.sources import count_messages

    if scheduler is not None and jobs is not None:
        raise click.UsageError("Use --jobs or --scheduler, not both.")
    settings = make_settings(config, model, lexicons, disable)
    threshold = fail_on or settings.fail_on
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with contextlib.ExitStack() as stack:
            if scheduler is None:
                messages = iter_messages(paths, max_bytes=settings.max_bytes, encoding=encoding)
                bar = Progress(count_messages(paths) if show else None, show)
                reports = check_many(messages, settings=settings, jobs=jobs or os.cpu_count() or 1)
            else:
                from mailcoach.distributed import connect, review_on

                client = stack.enter_context(connect(scheduler))
                reports = review_on(client, paths, settings=settings, encoding=encoding)
                bar = Progress(None, show)
                if show:  # the total (for the ETA) is counted aside; the review starts at once
                    threading.Thread(target=bar.count_total, args=(paths,), daemon=True).start()
            interrupted = _write(reports, bar, fmt, output, threshold, show_clean)
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
    sys.exit(Exit.FINDINGS if bar.hit else Exit.OK)


def _write(
    reports: Iterator[Report],
    bar: Progress,
    fmt: str,
    output: Path | None,
    threshold: str,
    show_clean: bool,
) -> bool:
    """Write the reports in ``fmt`` as they come; return whether Ctrl-C stopped them.

    Whether any report reached ``threshold`` is left in ``bar.hit``.
    """
    from mailcoach.render.batch import ReviewSummary, csv_header, csv_row, render_summary_text
    from mailcoach.render.html import render_html
    from mailcoach.render.json_format import render_jsonl

    with open_output(output) as out:
        writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if writer:
            writer.writerow(csv_header())
        summary = ReviewSummary()
        interrupted = False
        try:
            for report in reports:
                bar.update(report)
                bar.hit = bar.hit or exit_for([report], threshold) is Exit.FINDINGS
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
    return interrupted
