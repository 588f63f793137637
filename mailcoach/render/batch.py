"""Batch review output: a constant-memory accumulator, a text summary and CSV rows.

Reports of a review arrive one at a time (``check_many`` is a generator), and an
outbox can hold 10,000 messages or more, so nothing here keeps a Report or a message
body. :class:`ReviewSummary` keeps one compact :class:`Row` per message and, for at
most ``max_details`` flagged messages (the most serious ones), the few own-text lines
around each finding that the HTML report shows (:class:`Detail`). The renderers
(:func:`render_summary_text` here, ``render_html`` in :mod:`mailcoach.render.html`)
are pure functions of a summary. CSV does not need a summary at all: it is written
row by row as the reports arrive (:func:`csv_row`, :func:`write_csv`).
"""

from __future__ import annotations

import bisect
import csv
import heapq
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TextIO

import click

from mailcoach.model import Category, Finding, Report, Severity, Verdict

#: Categories in the fixed order of every table, CSV and chart.
CATEGORIES: tuple[Category, ...] = tuple(Category)
#: Verdicts from worst to best.
VERDICTS: tuple[Verdict, ...] = (Verdict.HOLD, Verdict.REVISE, Verdict.OK)
#: How serious a verdict is; higher sorts first.
VERDICT_RANK = {Verdict.HOLD: 2, Verdict.REVISE: 1, Verdict.OK: 0, Verdict.ERROR: -1}
#: How many flagged messages keep their detail (lines and reasons) by default.
DEFAULT_MAX_DETAILS = 200
#: How many findings of one message keep their detail (the most serious ones).
MAX_FLAGS_PER_MESSAGE = 40
#: Lines of own text kept before and after a finding's lines (within its sentence).
CONTEXT_LINES = 2
#: A kept line longer than this is cut around its flagged spans.
MAX_LINE = 320
#: Characters kept on each side of a flagged span when a long line is cut.
SPAN_CONTEXT = 100
#: Characters of one flagged span that are kept (a runaway span is cut).
MAX_SPAN = 400
#: Characters kept of a row's subject, recipient, top text and top message.
MAX_FIELD = 300

CSV_COLUMNS: tuple[str, ...] = (
    "source",
    "to",
    "subject",
    "verdict",
    "tone_score",
    "errors",
    "warnings",
    "info",
    *(c.value for c in CATEGORIES),
    "top_rule",
    "top_text",
    "error",
)
#: A spreadsheet reads a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

ELLIPSIS = "…"


def _clip(text: str | None, limit: int = MAX_FIELD) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS


def tally(findings: Sequence[Finding]) -> tuple[dict[Severity, int], dict[Category, int]]:
    """Count findings by severity and by category (every key present)."""
    by_severity = dict.fromkeys(Severity, 0)
    by_category = dict.fromkeys(CATEGORIES, 0)
    for f in findings:
        by_severity[f.severity] += 1
        by_category[f.category] += 1
    return by_severity, by_category


def top_finding(findings: Sequence[Finding]) -> Finding | None:
    """Return the finding a summary shows first: the most severe, then the earliest."""
    return min(findings, key=lambda f: (-f.severity, f.start, f.rule_id), default=None)


@dataclass(frozen=True, slots=True)
class Row:
    """One message of a review, in a few hundred bytes: no body, no finding list."""

    index: int
    source: str
    to: str | None
    subject: str | None
    verdict: Verdict
    tone_score: int
    worst: Severity | None
    n_errors: int
    n_warnings: int
    n_info: int
    by_category: tuple[int, ...]
    top_rule: str | None = None
    top_category: Category | None = None
    top_text: str | None = None
    top_message: str | None = None
    error: str | None = None

    @classmethod
    def from_report(cls, report: Report, index: int) -> Row:
        """Return the compact row of ``report``, the ``index``-th message of the batch."""
        by_severity, by_category = tally(report.findings)
        top = top_finding(report.findings)
        return cls(
            index=index,
            source=report.source,
            to=_clip(report.to),
            subject=_clip(report.subject),
            verdict=report.verdict,
            tone_score=report.tone_score,
            worst=report.worst,
            n_errors=by_severity[Severity.ERROR],
            n_warnings=by_severity[Severity.WARNING],
            n_info=by_severity[Severity.INFO],
            by_category=tuple(by_category[c] for c in CATEGORIES),
            top_rule=top.rule_id if top else None,
            top_category=top.category if top else None,
            top_text=_clip(top.text) if top else None,
            top_message=_clip(top.message) if top else None,
            error=report.error,
        )

    @property
    def findings(self) -> int:
        """Return how many findings the message has."""
        return self.n_errors + self.n_warnings + self.n_info

    @property
    def flagged(self) -> bool:
        """Tell whether the message was read and has at least one finding."""
        return self.error is None and self.findings > 0

    @property
    def seriousness(self) -> tuple[int, int, int]:
        """Return a key that is larger for a more serious message.

        Verdict first (hold > revise > ok), then the lower tone score, then the
        earlier message of the batch.
        """
        return (VERDICT_RANK[self.verdict], -self.tone_score, -self.index)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Return the key that sorts rows worst first."""
        return (-VERDICT_RANK[self.verdict], self.tone_score, self.index)


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding as shown in an excerpt; ``start:end`` index the excerpt's text."""

    number: int
    rule_id: str
    category: Category
    severity: Severity
    line: int
    column: int
    text: str
    message: str
    why: str
    suggestion: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Consecutive own-text lines of a message, with the findings flagged in them.

    ``text`` is the lines joined by newlines, starting at line ``first_line`` of the
    message; a very long line is cut around its flagged spans, and the cuts are
    marked with "…".
    """

    first_line: int
    text: str
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class Detail:
    """What the HTML report shows of one flagged message."""

    row: Row
    excerpts: tuple[Excerpt, ...]
    hidden: int = 0
    """Findings left out of the excerpts (beyond ``MAX_FLAGS_PER_MESSAGE``)."""


def _printable(text: str) -> str:
    """Replace control characters other than tab and newline, keeping the length."""
    return "".join(c if c in "\t\n" or unicodedata.category(c) != "Cc" else "\ufffd" for c in text)


def _windows(length: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the merged parts of a line of ``length`` characters to keep."""
    if length <= MAX_LINE:
        return [(0, length)]
    if not spans:
        return [(0, min(length, 2 * SPAN_CONTEXT))]
    wanted = sorted((max(0, s - SPAN_CONTEXT), min(length, e + SPAN_CONTEXT)) for s, e in spans)
    merged = [wanted[0]]
    for s, e in wanted[1:]:
        if s <= merged[-1][1] + len(ELLIPSIS):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


class _Line:
    """One kept line: its text (maybe cut) and how its offsets map into that text."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.windows = _windows(len(text), spans)
        parts: list[str] = []
        self.offsets: list[int] = []
        position = 0
        for start, end in self.windows:
            if start > 0 or parts:
                parts.append(ELLIPSIS)
                position += len(ELLIPSIS)
            self.offsets.append(position)
            parts.append(text[start:end])
            position += end - start
        if self.windows[-1][1] < len(text):
            parts.append(ELLIPSIS)
        self.text = "".join(parts)

    def map(self, column: int) -> int:
        """Return where the line's ``column`` (0-based) is in the kept text."""
        for (start, end), offset in zip(self.windows, self.offsets, strict=True):
            if start <= column <= end:
                return offset + column - start
        # Not inside a kept part (cannot happen for a span's own ends): snap to a cut.
        i = max(0, bisect.bisect_right([s for s, _ in self.windows], column) - 1)
        start, end = self.windows[i]
        return self.offsets[i] + min(max(column, start), end) - start


def _sentence_bounds(report: Report, start: int, end: int) -> tuple[int, int]:
    """Return the extent of the own-text sentences that overlap ``start:end``."""
    lo, hi = start, end
    for sentence in report.sentiment.sentences:
        if sentence.start < end and start < sentence.end:
            lo, hi = min(lo, sentence.start), max(hi, sentence.end)
    return lo, hi


class _Lines:
    """The lines of a message body, found by offset."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.starts = [0]
        at = body.find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = body.find("\n", at + 1)

    def of(self, offset: int) -> int:
        """Return the 0-based line of a body offset."""
        return bisect.bisect_right(self.starts, offset) - 1

    def text(self, i: int) -> str:
        """Return line ``i`` (0-based) without its line break."""
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.body)
        return self.body[self.starts[i] : end].removesuffix("\r")


#: A finding placed in the body: first and last line kept, the finding, its span.
_Placed = tuple[int, int, Finding, int, int]


def _place(report: Report, lines: _Lines, f: Finding) -> _Placed:
    """Return the lines to show around ``f``: its own, widened to its sentence.

    The widening stops at a blank line (the paragraph's end) and after
    ``CONTEXT_LINES`` lines, so quoted text and signatures stay out.
    """
    end = min(f.end, f.start + MAX_SPAN)
    first, last = lines.of(f.start), lines.of(end - 1)
    s_lo, s_hi = _sentence_bounds(report, f.start, end)
    top = max(lines.of(s_lo), first - CONTEXT_LINES)
    bottom = min(lines.of(max(s_lo, s_hi - 1)), last + CONTEXT_LINES)
    lo, hi = first, last
    while lo > top and lines.text(lo - 1).strip():
        lo -= 1
    while hi < bottom and lines.text(hi + 1).strip():
        hi += 1
    return lo, hi, f, f.start, end


def _excerpt(lines: _Lines, group: list[_Placed], number: int) -> Excerpt:
    """Return the excerpt of one run of lines with its findings, numbered from ``number``."""
    lo, hi = group[0][0], max(g[1] for g in group)
    kept: list[_Line] = []
    kept_starts: list[int] = []
    position = 0
    for i in range(lo, hi + 1):
        raw, start = lines.text(i), lines.starts[i]
        spans = [
            (max(s, start) - start, min(e, start + len(raw)) - start)
            for _, _, _, s, e in group
            if s <= start + len(raw) and start <= e
        ]
        line = _Line(_printable(raw), spans)
        kept.append(line)
        kept_starts.append(position)
        position += len(line.text) + 1

    def at(offset: int) -> int:
        i = min(lines.of(offset), hi)  # a span may end just past a line break
        return kept_starts[i - lo] + kept[i - lo].map(offset - lines.starts[i])

    flags = [
        _flag(f, number + n, at(s), at(e))
        for n, (_, _, f, s, e) in enumerate(sorted(group, key=lambda p: (p[3], p[4])))
    ]
    return Excerpt(lo + 1, "\n".join(line.text for line in kept), tuple(flags))


def _excerpts(report: Report) -> tuple[tuple[Excerpt, ...], int]:
    """Cut the lines around each finding out of the body; return them and the hidden count."""
    body = report.body
    shown = sorted(report.findings, key=lambda f: (-f.severity, f.start))[:MAX_FLAGS_PER_MESSAGE]
    hidden = len(report.findings) - len(shown)
    if not shown:
        return (), hidden
    lines = _Lines(body)
    placed: list[_Placed] = []
    loose: list[Finding] = []  # findings whose text is not in the body (a report without it)
    for f in sorted(shown, key=lambda f: (f.start, f.end, f.rule_id)):
        if 0 <= f.start < f.end <= len(body) and body[f.start : f.end] == f.text:
            placed.append(_place(report, lines, f))
        else:
            loose.append(f)

    groups: list[list[_Placed]] = []
    for item in sorted(placed, key=lambda p: (p[0], p[3])):
        if groups and item[0] <= max(g[1] for g in groups[-1]) + 1:
            groups[-1].append(item)
        else:
            groups.append([item])

    excerpts: list[Excerpt] = []
    number = 1
    for group in groups:
        excerpts.append(_excerpt(lines, group, number))
        number += len(group)
    for f in loose:
        text = _printable(f.text[:MAX_SPAN])
        excerpts.append(Excerpt(f.line, text, (_flag(f, number, 0, len(text)),)))
        number += 1
    return tuple(excerpts), hidden


def _flag(f: Finding, number: int, start: int, end: int) -> Flag:
    return Flag(
        number=number,
        rule_id=f.rule_id,
        category=f.category,
        severity=f.severity,
        line=f.line,
        column=f.column,
        text=_clip(f.text) or "",
        message=f.message,
        why=f.why,
        suggestion=f.suggestion,
        start=start,
        end=max(start, end),
    )


def detail_of(report: Report, index: int = 0) -> Detail:
    """Return what the HTML report shows of ``report``: its row and flagged lines."""
    excerpts, hidden = _excerpts(report)
    return Detail(Row.from_report(report, index), excerpts, hidden)


class ReviewSummary:
    """Accumulate the reports of a review in constant memory per message.

    Keeps one :class:`Row` per message, totals, and the :class:`Detail` (flagged
    lines and reasons) of at most ``max_details`` flagged messages: the most serious
    ones seen so far (hold before revise before ok, then the lower tone score, then
    the earlier message), so that a long batch never loses its worst messages.

    Example::

        summary = ReviewSummary()
        for report in check_many(paths):
            summary.add(report)
        print(render_summary_text(summary))
    """

    def __init__(self, *, max_details: int = DEFAULT_MAX_DETAILS) -> None:
        """Start an empty summary.

        Args:
            max_details: how many flagged messages keep the lines and reasons the
                HTML report shows (0 keeps none).

        Raises:
            ValueError: if ``max_details`` is negative.
        """
        if max_details < 0:
            raise ValueError(f"max_details must be 0 or more, not {max_details}")
        self.max_details = max_details
        self._rows: list[Row] = []
        self._details: list[tuple[tuple[int, int, int], Detail]] = []  # min-heap
        self._categories = dict.fromkeys(CATEGORIES, 0)
        self._severities = {s: 0 for s in Severity}
        self._verdicts = dict.fromkeys(VERDICTS, 0)
        self._flagged = 0
        self._unreadable = 0

    def add(self, report: Report) -> None:
        """Take in the next report of the batch; keep only its row (and maybe its detail)."""
        row = Row.from_report(report, len(self._rows))
        self._rows.append(row)
        if row.error is not None:
            self._unreadable += 1
            return
        self._verdicts[row.verdict] += 1
        for category, n in zip(CATEGORIES, row.by_category, strict=True):
            self._categories[category] += n
        for f in report.findings:
            self._severities[f.severity] += 1
        if not row.flagged:
            return
        self._flagged += 1
        if self.max_details == 0:
            return
        key = row.seriousness
        if len(self._details) >= self.max_details and key <= self._details[0][0]:
            return  # less serious than every kept one: do not even cut its lines
        excerpts, hidden = _excerpts(report)
        entry = (key, Detail(row, excerpts, hidden))
        if len(self._details) < self.max_details:
            heapq.heappush(self._details, entry)
        else:
            heapq.heapreplace(self._details, entry)

    def extend(self, reports: Iterable[Report]) -> ReviewSummary:
        """Add every report of ``reports``; return the summary itself."""
        for report in reports:
            self.add(report)
        return self

    @property
    def messages(self) -> int:
        """Return how many messages were added, unreadable ones included."""
        return len(self._rows)

    @property
    def flagged(self) -> int:
        """Return how many readable messages have at least one finding."""
        return self._flagged

    @property
    def unreadable(self) -> int:
        """Return how many messages could not be read."""
        return self._unreadable

    @property
    def findings(self) -> int:
        """Return how many findings all messages have together."""
        return sum(self._severities.values())

    def by_verdict(self) -> dict[Verdict, int]:
        """Return the number of readable messages per verdict, worst first."""
        return dict(self._verdicts)

    def by_category(self) -> dict[Category, int]:
        """Return the number of findings per category, in the fixed category order."""
        return dict(self._categories)

    def by_severity(self) -> dict[Severity, int]:
        """Return the number of findings per severity, worst first."""
        return {s: self._severities[s] for s in sorted(Severity, reverse=True)}

    def rows(self) -> list[Row]:
        """Return the readable messages' rows, worst first."""
        return sorted((r for r in self._rows if r.error is None), key=lambda r: r.sort_key)

    def unreadable_rows(self) -> list[Row]:
        """Return the rows of the messages that could not be read, in input order."""
        return [r for r in self._rows if r.error is not None]

    def details(self) -> list[Detail]:
        """Return the kept details of flagged messages, worst first."""
        return [d for _, d in sorted(self._details, key=lambda e: e[0], reverse=True)]

    @property
    def omitted_details(self) -> int:
        """Return how many flagged messages have no kept detail (over ``max_details``)."""
        return self._flagged - len(self._details)


def summarize(
    reports: Iterable[Report], *, max_details: int = DEFAULT_MAX_DETAILS
) -> ReviewSummary:
    """Return the summary of ``reports``, read one at a time."""
    return ReviewSummary(max_details=max_details).extend(reports)


# --- CSV ------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """Return ``cell`` made safe for a spreadsheet: a formula-like start gets a quote.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
    prefixed with ``'``, so that spreadsheets show it as text instead of running it.
    """
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def csv_header() -> list[str]:
    """Return the CSV column names."""
    return list(CSV_COLUMNS)


def csv_row(report: Report) -> list[str]:
    """Return the CSV cells of one report, neutralised, in :func:`csv_header` order.

    An unreadable message has the verdict ``error``, an empty tone score and its
    ``error`` set.
    """
    by_severity, by_category = tally(report.findings)
    top = top_finding(report.findings)
    unreadable = report.error is not None
    cells = [
        report.source,
        report.to or "",
        report.subject or "",
        Verdict.ERROR.value if unreadable else report.verdict.value,
        "" if unreadable else str(report.tone_score),
        str(by_severity[Severity.ERROR]),
        str(by_severity[Severity.WARNING]),
        str(by_severity[Severity.INFO]),
        *(str(by_category[c]) for c in CATEGORIES),
        top.rule_id if top else "",
        top.text if top else "",
        report.error or "",
    ]
    return [neutralise(c) for c in cells]


def write_csv(reports: Iterable[Report], out: TextIO, *, header: bool = True) -> int:
    """Write one RFC 4180 CSV row per report as it arrives; return the number of rows.

    Args:
        reports: the reports, read one at a time.
        out: a text stream; open files with ``newline=""`` (rows end with CRLF).
        header: write the column names first.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(csv_header())
    n = 0
    for report in reports:
        writer.writerow(csv_row(report))
        n += 1
    return n


# --- text summary -------------------------------------------------------------------

#: Short column heads of the category counts (the legend under the table spells them out).
CATEGORY_ABBREVIATIONS = {
    Category.INFLAMMATORY: "IN",
    Category.BLAMING: "BL",
    Category.SARCASTIC: "SA",
    Category.PASSIVE_AGGRESSIVE: "PA",
    Category.THREATENING: "TH",
    Category.LIABILITY: "LI",
}
VERDICT_COLOURS = {
    Verdict.HOLD: "red",
    Verdict.REVISE: "yellow",
    Verdict.OK: "green",
    Verdict.ERROR: "magenta",
}
#: The whole summary fits this many terminal columns.
TEXT_WIDTH = 100
_WIDTHS = {"verdict": 7, "tone": 4, "source": 22, "to": 18, "subject": 21, "count": 2}
_GAP = "  "
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _terminal_safe(text: str) -> str:
    """Return ``text`` on one line without control or bidi-override characters."""
    out = []
    for c in text:
        if c in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS:
            out.append("\ufffd")
        else:
            out.append(c)
    return "".join(out)


def _char_width(c: str) -> int:
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes (wide characters count twice)."""
    return sum(_char_width(c) for c in text)


def fit(text: str, width: int, *, keep_end: bool = False, right: bool = False) -> str:
    """Return ``text`` cut with "…" and padded to exactly ``width`` terminal columns.

    Args:
        text: the cell; control characters are made harmless first.
        width: the column width.
        keep_end: cut from the left (for paths, whose end says most).
        right: align right.
    """
    text = _terminal_safe(text)
    if display_width(text) > width:
        chars = list(reversed(text)) if keep_end else list(text)
        kept: list[str] = []
        used = 1  # the ellipsis
        for c in chars:
            w = _char_width(c)
            if used + w > width:
                break
            kept.append(c)
            used += w
        cut = "".join(reversed(kept)) if keep_end else "".join(kept)
        text = ELLIPSIS + cut if keep_end else cut + ELLIPSIS
    pad = " " * (width - display_width(text))
    return pad + text if right else text + pad


def recipient(to: str | None) -> str:
    """Return the name of a To header if it has one, else its address ("—" if none)."""
    if not to:
        return "—"
    name, address = parseaddr(to)
    return name or address or to


def _style(text: str, colour: bool, **kwargs: object) -> str:
    return click.style(text, **kwargs) if colour else text  # type: ignore[arg-type]


def _table_head() -> str:
    w = _WIDTHS
    counts = " ".join(fit(CATEGORY_ABBREVIATIONS[c], w["count"], right=True) for c in CATEGORIES)
    return _GAP.join(
        [
            fit("VERDICT", w["verdict"]),
            fit("TONE", w["tone"], right=True),
            fit("SOURCE", w["source"]),
            fit("TO", w["to"]),
            fit("SUBJECT", w["subject"]),
            counts,
        ]
    )


def _table_row(row: Row, colour: bool) -> list[str]:
    w = _WIDTHS
    counts = " ".join(
        _style(fit(str(n) if n else "·", w["count"], right=True), colour, dim=not n)
        for n in row.by_category
    )
    verdict = _style(
        fit(row.verdict.value, w["verdict"]), colour, fg=VERDICT_COLOURS[row.verdict], bold=True
    )
    first = _GAP.join(
        [
            verdict,
            fit(str(row.tone_score), w["tone"], right=True),
            fit(row.source, w["source"], keep_end=True),
            fit(recipient(row.to), w["to"]),
            fit(row.subject or "—", w["subject"]),
            counts,
        ]
    )
    if row.top_rule is None:
        return [first]
    indent = " " * (w["verdict"] + len(_GAP) + w["tone"] + len(_GAP))
    more = f" (+{row.findings - 1} more)" if row.findings > 1 else ""
    message = row.top_message or ""
    if row.top_text and row.top_text not in message:
        message = f"“{row.top_text}”: {message}"
    room = TEXT_WIDTH - len(indent) - 2 - len(row.top_rule) - 2 - display_width(more)
    top = (
        f"{indent}↳ {_style(row.top_rule, colour, dim=True)}: "
        f"{fit(message, max(10, room)).rstrip()}{more}"
    )
    return [first, top]


def _two_columns(left: list[str], right: list[str], width: int = 40) -> list[str]:
    lines = []
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        lines.append((fit(a, width) + b).rstrip() if b else a)
    return lines


def render_summary_text(
    summary: ReviewSummary, *, colour: bool = False, show_clean: bool = False
) -> str:
    """Render a review for a terminal of 100 columns: a worst-first table, then totals.

    Args:
        summary: the accumulated review.
        colour: use ANSI colours (only on a terminal that wants them).
        show_clean: also list readable messages without findings (by default they
            are counted in one line).

    Returns:
        The table of messages (verdict, tone, source, recipient, subject, findings by
        category and the top finding), totals by category and by verdict, and the
        unreadable inputs with their error, without a trailing newline.
    """
    verdicts = summary.by_verdict()
    head = (
        f"mailcoach review: {summary.messages} message{'s' if summary.messages != 1 else ''}"
        f" · {summary.flagged} flagged · hold {verdicts[Verdict.HOLD]}"
        f" · revise {verdicts[Verdict.REVISE]} · ok {verdicts[Verdict.OK]}"
        f" · unreadable {summary.unreadable}"
    )
    out = [_style(head, colour, bold=True), ""]
    rows = summary.rows()
    listed = rows if show_clean else [r for r in rows if r.findings]
    if listed:
        out.append(_style(_table_head(), colour, bold=True))
        for row in listed:
            out.extend(_table_row(row, colour))
    clean = len(rows) - len(listed)
    if clean:
        if listed:
            out.append("")
        out.append(
            f"{clean} message{' has' if clean == 1 else 's have'} no findings "
            f"and {'is' if clean == 1 else 'are'} not listed."
        )
    elif not rows:
        out.append("No readable messages.")
    if listed:
        legend = " · ".join(f"{CATEGORY_ABBREVIATIONS[c]} {c.value}" for c in CATEGORIES)
        out.append(_style(fit(legend, TEXT_WIDTH).rstrip(), colour, dim=True))

    categories = summary.by_category()
    left = ["Findings by category"] + [
        f"  {fit(c.value, 20)}{categories[c]:>6}" for c in CATEGORIES
    ]
    left.append(f"  {fit('total', 20)}{summary.findings:>6}")
    right = ["Messages by verdict"] + [f"  {fit(v.value, 12)}{verdicts[v]:>6}" for v in VERDICTS]
    right.append(f"  {fit('unreadable', 12)}{summary.unreadable:>6}")
    right.append(f"  {fit('total', 12)}{summary.messages:>6}")
    out.append("")
    out.extend(_two_columns(left, right))

    unreadable = summary.unreadable_rows()
    if unreadable:
        out.append("")
        out.append(_style(f"Unreadable inputs ({len(unreadable)})", colour, bold=True))
        for row in unreadable:
            error = row.error or ""
            line = error if row.source in error else f"{row.source}: {error}"
            out.extend(
                textwrap.wrap(
                    _terminal_safe(line),
                    TEXT_WIDTH,
                    initial_indent="  - ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )
            )
    return "\n".join(out)
