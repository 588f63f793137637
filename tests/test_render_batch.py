"""Batch review output on real reports: the accumulator, text summary, CSV and HTML."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import tracemalloc
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import cycle, islice
from pathlib import Path

import pytest
from markupsafe import escape

from mailcoach import Category, Report, Verdict, check, check_many
from mailcoach.render.batch import (
    CATEGORIES,
    CSV_COLUMNS,
    MAX_LINE,
    TEXT_WIDTH,
    ReviewSummary,
    csv_header,
    csv_row,
    display_width,
    neutralise,
    render_summary_text,
    summarize,
    write_csv,
)
from mailcoach.render.html import excerpt_lines, render_html
from mailcoach.resources import template_dir

from .conftest import MAIL, SAMPLES

WHEN = datetime(2025, 11, 24, 7, 30, tzinfo=UTC)
RANK = {Verdict.HOLD: 2, Verdict.REVISE: 1, Verdict.OK: 0}
SCRIPT = "<script>alert(1)</script>"
STRINGS = [
    "YOU PEOPLE ARE IDIOTS!!! Pay now or else.",
    "We will cover any loss you suffered, it was entirely our fault.",
    f"{SCRIPT}\nYou failed to pay again.",
    "Hi Jo,\n\nOh great, another late payment.\nJust following up again, as previously stated.\n",
    "Thank you for the update; the remittance arrived this morning.",
    "You NEVER pay on time.",  # two findings, one nested in the other
]


def _paths() -> list[Path]:
    return sorted((SAMPLES / "drafts").iterdir()) + sorted(MAIL.iterdir())


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Report]:
    """Real reports: samples, every mail fixture (some unreadable) and a few strings.

    Built once per module (reports are immutable), with the lexicon cache kept out
    of the user's folders as conftest's ``isolated_env`` does for each test.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MAILCOACH_CACHE", str(tmp_path_factory.mktemp("cache")))
        out = list(check_many(_paths()))
        out.extend(check(text) for text in STRINGS)
    return out


@pytest.fixture
def summary(reports: list[Report]) -> ReviewSummary:
    return summarize(reports)


def _flagged(reports: list[Report]) -> list[Report]:
    return [r for r in reports if r.error is None and r.findings]


# --- the accumulator ---------------------------------------------------------------


def test_batch_has_flagged_clean_and_unreadable_reports(reports: list[Report]) -> None:
    assert len(_flagged(reports)) >= 4
    assert any(r.verdict is Verdict.HOLD for r in reports)
    assert any(r.error is None and not r.findings for r in reports)
    assert sum(r.error is not None for r in reports) >= 3


def test_totals(reports: list[Report], summary: ReviewSummary) -> None:
    readable = [r for r in reports if r.error is None]
    assert summary.messages == len(reports)
    assert summary.unreadable == len(reports) - len(readable)
    assert summary.flagged == len(_flagged(reports))
    assert summary.findings == sum(len(r.findings) for r in reports)
    assert summary.by_verdict() == {
        v: sum(r.verdict is v for r in readable) for v in (Verdict.HOLD, Verdict.REVISE, Verdict.OK)
    }
    assert summary.by_category() == {
        c: sum(f.category is c for r in reports for f in r.findings) for c in Category
    }
    assert sum(summary.by_severity().values()) == summary.findings


def test_rows_are_worst_first(reports: list[Report], summary: ReviewSummary) -> None:
    rows = summary.rows()
    assert len(rows) == sum(r.error is None for r in reports)
    keys = [(-RANK[r.verdict], r.tone_score) for r in rows]
    assert keys == sorted(keys)
    assert rows[0].verdict is Verdict.HOLD and rows[-1].verdict is Verdict.OK
    details = summary.details()
    assert [d.row.index for d in details] == [r.index for r in rows if r.flagged]


def test_top_finding_is_the_most_severe(reports: list[Report], summary: ReviewSummary) -> None:
    by_index = {row.index: row for row in summary.rows()}
    for index, report in enumerate(reports):
        if report.error is None and report.findings:
            row = by_index[index]
            top = next(f for f in report.findings if f.rule_id == row.top_rule)
            assert top.severity == max(f.severity for f in report.findings)


def test_excerpts_hold_each_finding_in_place(summary: ReviewSummary) -> None:
    flags = 0
    for detail in summary.details():
        assert detail.excerpts
        for excerpt in detail.excerpts:
            for flag in excerpt.flags:
                assert excerpt.text[flag.start : flag.end] == flag.text
                flags += 1
        assert flags
    assert flags == sum(d.row.findings for d in summary.details())


def test_excerpts_leave_out_quoted_replies() -> None:
    report = check(SAMPLES / "drafts" / "reply-with-quote.eml")
    assert report.findings and ">" in report.body
    (detail,) = ReviewSummary().extend([report]).details()
    for excerpt in detail.excerpts:
        assert not any(line.startswith(">") for line in excerpt.text.split("\n"))
        assert "wrote:" not in excerpt.text


def test_excerpt_of_a_long_message_is_a_few_lines() -> None:
    calm = "The remittance for order 5521 arrived this morning, thank you.\n"
    text = calm * 100 + "\nYou failed to pay again.\n\n" + calm * 100
    report = check(text)
    (finding,) = [f for f in report.findings if f.text == "You failed to pay again"]
    (detail,) = ReviewSummary().extend([report]).details()
    (excerpt,) = detail.excerpts
    assert excerpt.first_line == finding.line
    assert excerpt.text == "You failed to pay again."
    assert len(report.body) > 12_000


def test_a_very_long_line_is_cut_around_its_span() -> None:
    calm = "the remittance for order 5521 arrived this morning and we thank you for it "
    text = calm * 60 + "and frankly this is ridiculous, " + calm * 60
    report = check(text)
    assert report.findings and len(report.body) > 8_000
    (detail,) = ReviewSummary().extend([report]).details()
    (excerpt,) = detail.excerpts
    assert excerpt.text.startswith("…") and excerpt.text.endswith("…")
    assert len(excerpt.text) < MAX_LINE
    for flag in excerpt.flags:
        assert excerpt.text[flag.start : flag.end] == flag.text


def test_memory_keeps_rows_and_a_bounded_number_of_details(reports: list[Report]) -> None:
    padding = "\n\n" + "Kind regards from the accounts team.\n" * 500  # about 19 kB per body
    base = [dataclasses.replace(r, body=r.body + padding) for r in reports]
    summary = ReviewSummary(max_details=25)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for i, report in enumerate(islice(cycle(base), 5_000)):
            # A new body string per message: kept bodies would cost 5,000 x 19 kB.
            summary.add(
                dataclasses.replace(report, source=f"outbox/{i}.eml", body=report.body + str(i))
            )
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.messages == 5_000
    assert len(summary.details()) == 25
    assert summary.omitted_details == summary.flagged - 25 > 500
    assert after - before < 5_000_000  # rows only (~2 MB); the bodies would be ~95 MB
    # The kept details are the most serious messages of the whole batch.
    kept = {d.row.index for d in summary.details()}
    weakest = min(d.row.seriousness for d in summary.details())
    assert all(
        r.seriousness <= weakest for r in summary.rows() if r.flagged and r.index not in kept
    )
    assert all(d.row.verdict is Verdict.HOLD for d in summary.details())


def test_max_details_zero_keeps_none(reports: list[Report]) -> None:
    summary = summarize(reports, max_details=0)
    assert summary.details() == [] and summary.omitted_details == summary.flagged > 0
    with pytest.raises(ValueError):
        ReviewSummary(max_details=-1)


# --- text summary -------------------------------------------------------------------


def test_text_summary_table_totals_and_unreadable(
    reports: list[Report], summary: ReviewSummary
) -> None:
    out = render_summary_text(summary)
    head = out.splitlines()[0]
    verdicts = summary.by_verdict()
    assert f"{summary.messages} messages" in head and f"{summary.flagged} flagged" in head
    assert f"hold {verdicts[Verdict.HOLD]}" in head
    assert f"unreadable {summary.unreadable}" in head
    for category, n in summary.by_category().items():
        assert re.search(rf"^  {category.value} +{n}\b", out, re.M)
    flat = " ".join(out.split())
    for report in reports:
        if report.error:
            assert " ".join(report.error.split()) in flat
    for row in summary.rows():
        if row.findings:
            assert row.top_rule and row.top_rule in out
    clean = sum(1 for r in summary.rows() if not r.findings)
    assert f"{clean} messages have no findings" in out


def test_text_summary_lists_worst_first(summary: ReviewSummary) -> None:
    out = render_summary_text(summary, show_clean=True)
    verdicts = [m.group(1) for m in re.finditer(r"^(hold|revise|ok) ", out, re.M)]
    assert len(verdicts) == len(summary.rows())
    assert [RANK[Verdict(v)] for v in verdicts] == sorted(
        (RANK[Verdict(v)] for v in verdicts), reverse=True
    )


def test_text_summary_fits_100_columns_and_strips_escapes(
    reports: list[Report], tmp_path: Path
) -> None:
    long = tmp_path / ("an-outbox-folder-with-a-very-long-name" * 2) / "draft.eml"
    long.parent.mkdir()
    long.write_text(
        "To: Someone With A Very Long Display Name Indeed <someone@example.com>\n"
        "Subject: Invoice 10442 and also 10443, 10444, 10445: a very long subject line\n\n"
        "Per my last email, you failed to pay again.\n",
        encoding="utf-8",
    )
    evil = dataclasses.replace(check(long), subject="\x1b[2J\x1b[31mred\u202e text")
    summary = summarize([*reports, check(long), evil])
    for colour_off in render_summary_text(summary, show_clean=True).splitlines():
        assert display_width(colour_off) <= TEXT_WIDTH, colour_off
    out = render_summary_text(summary)
    assert "\x1b" not in out and "\u202e" not in out
    assert "…" in out
    assert "\x1b[" in render_summary_text(summary, colour=True)


def test_text_summary_of_an_empty_batch() -> None:
    out = render_summary_text(ReviewSummary())
    assert "0 messages" in out and "No readable messages." in out


# --- CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_formula_cells(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Invoice 10442", "a=b", "'quoted", "1-2"])
def test_neutralise_leaves_plain_cells(cell: str) -> None:
    assert neutralise(cell) == cell


def test_csv_parses_back(reports: list[Report]) -> None:
    out = io.StringIO(newline="")
    assert write_csv(reports, out) == len(reports)
    text = out.getvalue()
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == csv_header() == list(CSV_COLUMNS)
    assert rows[0][8 : 8 + len(CATEGORIES)] == [c.value for c in CATEGORIES]
    assert len(rows) == len(reports) + 1
    for report, row in zip(reports, rows[1:], strict=True):
        cells = dict(zip(rows[0], row, strict=True))
        assert cells["source"] == neutralise(report.source)  # "-" for a string draft
        if report.error:
            assert cells["verdict"] == "error" and cells["tone_score"] == ""
            assert cells["error"] == report.error
            continue
        assert cells["verdict"] == report.verdict.value
        assert int(cells["tone_score"]) == report.tone_score
        assert sum(int(cells[c.value]) for c in CATEGORIES) == len(report.findings)
        assert int(cells["errors"]) + int(cells["warnings"]) + int(cells["info"]) == len(
            report.findings
        )
        assert (cells["top_rule"] != "") == bool(report.findings)


def test_csv_neutralises_formulas_from_a_real_message(tmp_path: Path) -> None:
    # The tests run in tmp_path (conftest), so the source is the relative name.
    Path("-cmd.eml").write_text(
        'To: Marcus <marcus@example.com>\nSubject: =HYPERLINK("x")\n\n'
        "You failed to pay again, and this is ridiculous.\n",
        encoding="utf-8",
    )
    report = check(Path("-cmd.eml"))
    assert report.source == "-cmd.eml" and report.subject == '=HYPERLINK("x")'
    out = io.StringIO(newline="")
    write_csv([report], out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert row["source"] == "'-cmd.eml"
    assert row["subject"] == '\'=HYPERLINK("x")'
    assert row["to"] == "Marcus <marcus@example.com>"
    assert csv_row(report)[2] == row["subject"]


# --- HTML -----------------------------------------------------------------------------


class _Marks(HTMLParser):
    """Collect, per <article>, the runs of adjacent <mark> text (number tags skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.articles: list[list[str]] = []
        self.depth = {"mark": 0, "a": 0}
        self.run: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.articles.append([])
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.depth:
            self.depth[tag] -= 1
        if tag == "article":
            self._close()

    def handle_data(self, data: str) -> None:
        if self.depth["mark"]:
            self.run.append(data)
        elif not self.depth["a"] and data.strip():
            self._close()

    def _close(self) -> None:
        if self.run and self.articles:
            self.articles[-1].append("".join(self.run))
        self.run = []


def _html(summary: ReviewSummary) -> str:
    return render_html(summary, generated_at=WHEN)


def test_html_is_self_contained_and_scriptless(summary: ReviewSummary) -> None:
    page = _html(summary)
    lower = page.lower()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in lower
    assert "http://" not in lower and "https://" not in lower
    assert not re.search(r"<link|<img|<iframe|<object|\bsrc=|@import|url\(", lower)
    assert lower.count("<svg") == 2 and "<style>" in lower
    assert "2025-11-24 07:30 UTC" in page
    assert page == _html(summary)


def test_html_autoescapes_message_content(reports: list[Report]) -> None:
    report = next(r for r in reports if SCRIPT in r.body)
    assert report.findings
    evil = dataclasses.replace(
        report,
        subject='<img src=x onerror="alert(2)">',
        to='"<b>Boss</b>" <boss@example.com>',
        source="<i>outbox</i>/1.eml",
    )
    page = _html(summarize([*reports, evil]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    assert "<b>Boss" not in page and "<i>outbox" not in page


def test_html_highlights_every_finding_in_place(summary: ReviewSummary) -> None:
    parser = _Marks()
    parser.feed(_html(summary))
    details = summary.details()
    assert len(parser.articles) == len(details)
    checked = 0
    for runs, detail in zip(parser.articles, details, strict=True):
        for excerpt in detail.excerpts:
            for flag in excerpt.flags:
                if "\n" not in flag.text:
                    assert any(flag.text in run for run in runs), (flag.text, runs)
                    checked += 1
    assert checked >= 10


def test_pieces_rebuild_each_line_and_mark_every_flagged_character(
    summary: ReviewSummary,
) -> None:
    nested = 0
    for detail in summary.details():
        for excerpt in detail.excerpts:
            lines = excerpt_lines(excerpt)
            assert ["".join(p.text for p in line.pieces) for line in lines] == excerpt.text.split(
                "\n"
            )
            assert [line.number for line in lines] == list(
                range(excerpt.first_line, excerpt.first_line + len(lines))
            )
            marked: list[bool | None] = []  # per character of the text; None: a newline
            for line in lines:
                if line.number > excerpt.first_line:
                    marked.append(None)
                for piece in line.pieces:
                    marked.extend([piece.category is not None] * len(piece.text))
            assert len(marked) == len(excerpt.text)
            for flag in excerpt.flags:
                assert False not in marked[flag.start : flag.end]
                refs = [r for line in lines for p in line.pieces for r in p.refs]
                assert refs.count(flag.number) == 1
            for outer in excerpt.flags:
                for inner in excerpt.flags:
                    if outer.start < inner.start and inner.end < outer.end:
                        nested += 1  # the inner span keeps its own colour
                        (piece,) = [
                            p for line in lines for p in line.pieces if p.text == inner.text
                        ]
                        assert piece.category == inner.category.value
    assert nested  # "You NEVER pay on time." nests caps-emphasis inside blaming


def test_html_shows_totals_reasons_and_unreadable(
    reports: list[Report], summary: ReviewSummary
) -> None:
    page = _html(summary)
    verdicts = summary.by_verdict()
    for n, label in [
        (summary.messages, "Messages"),
        (summary.flagged, "Flagged"),
        (verdicts[Verdict.HOLD], "Hold"),
        (verdicts[Verdict.REVISE], "Revise"),
        (verdicts[Verdict.OK], "OK"),
        (summary.unreadable, "Unreadable"),
    ]:
        assert f'<span class="n">{n}</span><span class="label">{label}</span>' in page
    for report in _flagged(reports):
        for f in report.findings:
            assert escape(f.message) in page and escape(f.why) in page
            assert f.rule_id in page
    for report in reports:
        if report.error:
            assert escape(report.error.removeprefix(report.source + " ")) in page
    for category in Category:
        assert f'class="bar c-{category.value}"' in page


def test_html_says_when_details_were_left_out(reports: list[Report]) -> None:
    summary = summarize(reports, max_details=2)
    page = _html(summary)
    assert page.count("<article") == 2
    assert f"Showing the 2 most serious of {summary.flagged} flagged messages" in page


def test_html_of_an_empty_batch() -> None:
    page = _html(ReviewSummary())
    assert "No message has findings." in page and "<svg" in page


def test_report_templates_declare_their_variables() -> None:
    templates = sorted((template_dir() / "report").glob("*.j2"))
    assert templates
    for template in templates:
        assert template.read_text(encoding="utf-8").startswith("{# vars:"), template.name
