"""Property tests (hypothesis) on the real pipeline: what must hold for any draft.

- finding and sentence offsets point at their text, with consistent line/column;
- the same input gives the same output;
- a rewrite keeps every amount and reference of the writer's text;
- quoted replies and signatures are never edited;
- only ``MailcoachError`` leaves the API, whatever text or bytes come in;
- damaged real messages parse into valid segments or raise ``InputError``.

The pipeline is the real one, loaded once per session (it is cached per settings).
Examples are few and small so the file stays fast; with ``CI=true`` the runs are
derandomized, so CI sees the same examples every time. No example database is
written (the tests run in a temporary folder anyway).
"""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailcoach import MailcoachError, Report, check, check_many, rewrite
from mailcoach.dispute import find_facts
from mailcoach.errors import InputError
from mailcoach.inputs import parse_bytes
from mailcoach.model import Segment, SegmentKind
from mailcoach.render import render_json
from mailcoach.rewriting import Edit, RewriteResult

from .conftest import MAIL
from .test_inputs import ALL_FIXTURES, assert_segments_valid

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=IN_CI,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- drafts made of the sentences disputes are made of --------------------------------

amounts = st.builds(
    lambda sign, n, cents: f"{sign}{n:,}" + (f".{cents:02d}" if cents is not None else ""),
    st.sampled_from(["$", "£", "€"]),
    st.integers(min_value=5, max_value=250_000),
    st.one_of(st.none(), st.integers(min_value=0, max_value=99)),
)
references = st.builds(
    lambda word, n: f"{word} {n}",
    st.sampled_from(["invoice", "Invoice", "invoice #", "order #", "PO"]),
    st.integers(min_value=1000, max_value=99_999),
)
HOSTILE = [
    "You never pay on time.",
    "We will sue you if {amount} is not paid.",
    "You still haven't paid {ref} for {amount}.",
    "Per my last email, {ref} is overdue.",
    "This is absolutely ridiculous!",
    "Thanks for nothing.",
    "As I already told you, {ref} was due last month.",
    "You failed to deliver {ref}.",
    "FIX THIS NOW.",
    "Our lawyers will be in touch about the {amount}.",
    "Obviously you didn't read {ref}.",
]
CALM = [
    "The balance of {amount} on {ref} is 30 days past due.",
    "Could you confirm a payment date for {ref}?",
    "Thanks for the quick reply.",
    "I have attached a copy of {ref}.",
    "If the next three invoices are paid on time, we will restore 30-day terms.",
    "Please let me know by Friday.",
]
sentences = st.builds(
    lambda template, amount, ref: template.format(amount=amount, ref=ref),
    st.sampled_from(HOSTILE + CALM),
    amounts,
    references,
)
paragraphs = st.lists(sentences, min_size=1, max_size=4).map(" ".join)
own_texts = st.lists(paragraphs, min_size=1, max_size=3).map("\n\n".join)
QUOTES = [
    "On Mon, 3 Nov 2026 at 09:12, Bo Lind <bo@example.com> wrote:\n"
    "> You never pay on time. We will sue you.\n> $500 is a joke, invoice 4411.\n",
    "-----Original Message-----\nFrom: Bo Lind\nSent: Monday\n\n"
    "This is ridiculous! We will take legal action over invoice 7781.\n",
]
SIGNATURES = ["-- \nAna Ruiz\nRuiz Joinery\n+1 555 0100\n", "Regards,\nAna Ruiz\n"]


@st.composite
def drafts(draw: st.DrawFn) -> str:
    """A draft: the writer's text, maybe a signature, maybe a quoted reply below."""
    text = draw(own_texts) + "\n"
    if draw(st.booleans()):
        text += "\n" + draw(st.sampled_from(SIGNATURES))
    if draw(st.booleans()):
        text += "\n" + draw(st.sampled_from(QUOTES))
    return text


#: Characters that look like nothing or like other characters, and some that are
#: plainly foreign: the matcher folds the first kind, offsets must survive all.
NOISE = [
    "\u200b",
    "\u00ad",
    "\u2060",
    "\ufeff",
    "\uff53",
    "\ufb01",
    "\u2019",
    "\u3000",
    "\U0001d42c",
    "é",
    "e\u0301",
    "—",
    "😀",
    "\t",
    "  ",
    "!!",
    "\ud800",
]


@st.composite
def noisy_drafts(draw: st.DrawFn) -> str:
    """A draft with invisible, look-alike and odd characters dropped in anywhere."""
    text = draw(drafts())
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.sampled_from(NOISE)) + text[at:]
    return text


def assert_offsets_hold(report: Report) -> None:
    body = report.body
    assert_segments_valid(body, report.segments)
    own = [s for s in report.segments if s.kind is SegmentKind.OWN]
    for f in report.findings:
        assert 0 <= f.start < f.end <= len(body)
        assert body[f.start : f.end] == f.text
        line_start = body.rfind("\n", 0, f.start) + 1
        assert f.line == body.count("\n", 0, f.start) + 1
        assert f.column == f.start - line_start + 1
        assert any(s.start <= f.start and f.end <= s.end for s in own), f
    for s in report.sentiment.sentences:
        assert 0 <= s.start < s.end <= len(body)
    assert list(report.findings) == sorted(
        report.findings, key=lambda f: (f.start, f.end, f.rule_id)
    )


# -- check ------------------------------------------------------------------------


@_settings(40)
@given(noisy_drafts())
def test_finding_offsets_point_at_their_text(text: str) -> None:
    report = check(text)
    assert_offsets_hold(report)
    if "\r" not in text and "\ufeff" not in text[:1] and "\ud800" not in text:
        assert report.body == text  # offsets are into the text as given


@_settings(25)
@given(noisy_drafts())
def test_the_same_input_gives_the_same_output(text: str) -> None:
    first = render_json(check(text))
    assert render_json(check(text)) == first
    batch = [render_json(r).replace('"<text 1>"', '"-"') for r in check_many([text])]
    assert batch == [first]


@_settings(40)
@given(st.one_of(st.text(max_size=400), st.binary(max_size=600)))
def test_only_mailcoach_errors_leave_check(data: str | bytes) -> None:
    try:
        report = check(data)
    except MailcoachError:
        return
    assert_offsets_hold(report)


@_settings(15)
@given(st.lists(st.one_of(st.text(max_size=120), st.binary(max_size=200)), max_size=4))
def test_check_many_yields_one_report_per_item_and_raises_nothing(
    items: list[str | bytes],
) -> None:
    reports = list(check_many(items))
    assert len(reports) == len(items)
    for report in reports:
        if report.error is None:
            assert_offsets_hold(report)


# -- rewrite ----------------------------------------------------------------------


def _facts(text: str, kind: str) -> set[str]:
    return {f.value for f in find_facts(text) if f.kind == kind}


@_settings(20)
@given(drafts())
def test_rewrites_keep_amounts_references_quotes_and_signatures(text: str) -> None:
    result = rewrite(text)
    before = result.before
    own_text = "\n".join(
        before.body[s.start : s.end] for s in before.segments if s.kind is SegmentKind.OWN
    )
    new_own = result.text
    for kind in ("amount", "reference"):
        missing = _facts(own_text, kind) - _facts(new_own, kind)
        assert not missing, (kind, missing, result.text)
    for segment in before.segments:
        if segment.kind is not SegmentKind.OWN:
            assert before.body[segment.start : segment.end].strip() in result.text


def _edits_inside_others(result: RewriteResult) -> list[tuple[Edit, Segment]]:
    """Return the edits that touch a quoted or signature segment, with the segment."""
    return [
        (edit, segment)
        for segment in result.before.segments
        if segment.kind is not SegmentKind.OWN
        for edit in result.edits
        if (segment.start < edit.end and edit.start < segment.end)
        or segment.start < edit.start < segment.end
    ]


def test_no_edit_reaches_into_a_signature() -> None:
    """Found by the property above when it also checked edit spans (CI=true run)."""
    text = "You never pay on time.\n\nYou never pay on time.\n\n-- \nAna Ruiz\nRuiz Joinery\n"
    assert _edits_inside_others(rewrite(text)) == []


@_settings(10)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=300)))
def test_only_mailcoach_errors_leave_rewrite(data: str | bytes) -> None:
    try:
        result = rewrite(data)
    except MailcoachError:
        return
    assert isinstance(result.text, str)


@_settings(10)
@given(drafts())
def test_rewrite_is_deterministic(text: str) -> None:
    first, second = rewrite(text), rewrite(text)
    assert first.text == second.text and first.edits == second.edits


# -- parsing damaged real messages --------------------------------------------------

SEEDS = [(MAIL / name).read_bytes() for name in ALL_FIXTURES]
INSERTS = [
    b"\n",
    b"\r\n",
    b"--",
    b"=?utf-8?q?=E2?=",
    b'charset="x"',
    b"<blockquote>",
    b"\x00",
    b"Content-Transfer-Encoding: base64\n",
    b"=ZZ",
    b"==",
    b"\xff\xfe\x00\x00",
]


@st.composite
def damaged_messages(draw: st.DrawFn) -> bytes:
    """A real fixture with bytes flipped, runs cut out and awkward snippets put in."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        how = draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip":
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif how == "cut":
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
        else:
            data[at:at] = draw(st.sampled_from(INSERTS))
    return bytes(data)


@_settings(150)
@given(damaged_messages(), st.sampled_from(["m.eml", "m.txt"]))
def test_damaged_messages_parse_or_raise_input_error(data: bytes, name: str) -> None:
    try:
        draft = parse_bytes(data, name)
    except InputError:
        return
    assert_segments_valid(draft.body, draft.segments)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_survives_every_single_cut(name: str) -> None:
    """Cutting each real message short at every 97th byte never crashes the parser."""
    data = (MAIL / name).read_bytes()
    for end in itertools.chain(range(0, len(data), 97), [len(data) - 1]):
        try:
            draft = parse_bytes(data[:end], "m.eml")
        except InputError:
            continue
        assert_segments_valid(draft.body, draft.segments)
