"""HTML review report: one self-contained page rendered from a :class:`ReviewSummary`.

The page has no scripts and loads nothing: CSS is inline and the two bar charts are
inline SVG drawn from numbers computed here. Everything that comes from a message
(source, recipient, subject, text) reaches the page through Jinja2 autoescaping;
Python never builds markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

from jinja2 import Environment

from mailcoach.model import Category, Severity, Verdict
from mailcoach.render.batch import (
    CATEGORIES,
    VERDICTS,
    Excerpt,
    Flag,
    ReviewSummary,
    Row,
    recipient,
)
from mailcoach.templating import environment

#: The page template, in ``templates/report/``.
PAGE = "review.html.j2"
#: Geometry of the bar charts, in SVG user units (the SVG scales to its box).
CHART_WIDTH = 440
CHART_LABEL_WIDTH = 140
CHART_VALUE_WIDTH = 44
CHART_BAR_HEIGHT = 16
CHART_GAP = 10
#: How the totals strip names the verdicts.
VERDICT_LABELS = {Verdict.HOLD: "Hold", Verdict.REVISE: "Revise", Verdict.OK: "OK"}


def category_label(category: Category) -> str:
    """Return how a category is written for people: ``passive aggressive``."""
    return category.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of excerpt text: plain, or flagged (then highlighted with ``<mark>``).

    ``refs`` are the numbers of the findings that end with this piece; the page
    shows them as small numbered tags that point at the reasons.
    """

    text: str
    category: str | None = None
    severity: str | None = None
    title: str = ""
    refs: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LineView:
    """One line of an excerpt: its number in the message and its pieces."""

    number: int
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class ExcerptView:
    """An excerpt ready for the template: lines of pieces, then the reasons."""

    lines: tuple[LineView, ...]
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class MessageView:
    """One flagged message as the page shows it."""

    row: Row
    anchor: str
    recipient: str
    categories: tuple[tuple[str, str, int], ...]
    """Non-zero finding counts: (category value, label, count)."""
    excerpts: tuple[ExcerptView, ...]
    hidden: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: label, value, and where it is drawn."""

    label: str
    value: int
    css: str
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class Chart:
    """A horizontal bar chart, drawn as inline SVG by ``_chart.svg.j2``."""

    id: str
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    track_width: int
    bar_height: int


@dataclass(frozen=True, slots=True)
class Total:
    """One figure of the totals strip."""

    label: str
    value: int
    css: str


def bar_chart(chart_id: str, title: str, values: list[tuple[str, int, str]]) -> Chart:
    """Lay out a horizontal bar chart of ``(label, value, css class)`` triples."""
    track = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH
    top = max((v for _, v, _ in values), default=0)
    bars = tuple(
        Bar(
            label=label,
            value=value,
            css=css,
            y=i * (CHART_BAR_HEIGHT + CHART_GAP) + CHART_GAP / 2,
            width=round(track * value / top, 1) if top else 0.0,
        )
        for i, (label, value, css) in enumerate(values)
    )
    return Chart(
        id=chart_id,
        title=title,
        bars=bars,
        width=CHART_WIDTH,
        height=len(values) * (CHART_BAR_HEIGHT + CHART_GAP),
        label_width=CHART_LABEL_WIDTH,
        track_width=track,
        bar_height=CHART_BAR_HEIGHT,
    )


def excerpt_lines(excerpt: Excerpt) -> tuple[LineView, ...]:
    """Split an excerpt into lines of plain and flagged pieces.

    Overlapping findings are flattened: each run of text is one piece, coloured by
    the most severe finding that covers it (the innermost on a tie, so a span nested
    in another keeps its own colour), with every covering finding in its title.
    """
    text, flags = excerpt.text, excerpt.flags
    cuts = sorted({0, len(text)} | {f.start for f in flags} | {f.end for f in flags})
    lines: list[tuple[Piece, ...]] = []
    current: list[Piece] = []
    for a, b in pairwise(cuts):
        cover = [f for f in flags if f.start <= a and b <= f.end]
        ends = tuple(f.number for f in cover if f.end == b)
        top = max(cover, key=lambda f: (f.severity, f.start - f.end, -f.number), default=None)
        title = " · ".join(f"{category_label(f.category)}: {f.message}" for f in cover)
        parts = text[a:b].split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append(tuple(current))
                current = []
            last = k == len(parts) - 1
            if part or (last and ends):
                current.append(
                    Piece(
                        text=part,
                        category=top.category.value if top else None,
                        severity=top.severity.label if top else None,
                        title=title,
                        refs=ends if last else (),
                    )
                )
    lines.append(tuple(current))
    return tuple(LineView(excerpt.first_line + i, pieces) for i, pieces in enumerate(lines))


def _message(index: int, row: Row, excerpts: tuple[Excerpt, ...], hidden: int) -> MessageView:
    return MessageView(
        row=row,
        anchor=f"m{index}",
        recipient=recipient(row.to),
        categories=tuple(
            (c.value, category_label(c), n)
            for c, n in zip(CATEGORIES, row.by_category, strict=True)
            if n
        ),
        excerpts=tuple(ExcerptView(excerpt_lines(e), e.flags) for e in excerpts),
        hidden=hidden,
    )


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An input that could not be read: its source and why."""

    source: str
    reason: str


def _unreadable(row: Row) -> Unreadable:
    """Return the source and the error, without the source repeated at its start."""
    error = row.error or ""
    if error.startswith(row.source + " ") and len(error) > len(row.source) + 1:
        error = error[len(row.source) + 1 :]
    return Unreadable(row.source, error)


def _environment() -> Environment:
    return environment("report", html=True)


def _when(generated_at: datetime) -> str:
    stamp = generated_at.strftime("%Y-%m-%d %H:%M")
    zone = generated_at.tzname()
    return f"{stamp} {zone}" if zone else stamp


def render_html(
    summary: ReviewSummary,
    *,
    generated_at: datetime | None = None,
    title: str = "Outbox review",
) -> str:
    """Render a review as one self-contained HTML page.

    Args:
        summary: the accumulated review.
        generated_at: when the review ran, shown under the title; defaults to now
            (UTC). Pass it for reproducible output.
        title: the page heading.

    Returns:
        The page: totals, bar charts of findings by category and messages by verdict
        (inline SVG), each kept flagged message worst first with its flagged spans
        highlighted in place and the reasons beside them, and the unreadable inputs.
    """
    when = generated_at or datetime.now(UTC)
    verdicts = summary.by_verdict()
    categories = summary.by_category()
    severities = summary.by_severity()
    totals = [
        Total("Messages", summary.messages, "all"),
        Total("Flagged", summary.flagged, "flagged"),
        *(Total(VERDICT_LABELS[v], verdicts[v], f"v-{v.value}") for v in VERDICTS),
        Total("Unreadable", summary.unreadable, "v-unreadable"),
    ]
    charts = [
        bar_chart(
            "chart-categories",
            "Findings by category",
            [(category_label(c), categories[c], f"c-{c.value}") for c in CATEGORIES],
        ),
        bar_chart(
            "chart-verdicts",
            "Messages by verdict",
            [(v.value, verdicts[v], f"v-{v.value}") for v in VERDICTS]
            + [("unreadable", summary.unreadable, "v-unreadable")],
        ),
    ]
    messages = [
        _message(i, d.row, d.excerpts, d.hidden) for i, d in enumerate(summary.details(), 1)
    ]
    template = _environment().get_template(PAGE)
    return template.render(
        title=title,
        generated=_when(when),
        generated_iso=when.isoformat(timespec="seconds"),
        totals=totals,
        findings=summary.findings,
        severities=[
            (s.label if n == 1 or s is Severity.INFO else f"{s.label}s", n)
            for s, n in severities.items()
        ],
        charts=charts,
        messages=messages,
        omitted=summary.omitted_details,
        flagged=summary.flagged,
        unreadable=[_unreadable(row) for row in summary.unreadable_rows()],
        legend=[(c.value, category_label(c)) for c in CATEGORIES],
    )
