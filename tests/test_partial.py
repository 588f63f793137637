"""Parsing only the sentences that need it gives the reports a whole parse gives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

import mailcoach.analyze
import mailcoach.nlp.partial
from mailcoach import check_many
from mailcoach.nlp.partial import PARSED_ATTRS, Window, parse_sentences, windows
from mailcoach.nlp.pipeline import get_pipeline
from mailcoach.render import render_json
from mailcoach.settings import Settings

from .conftest import CORPUS, SAMPLES


def _ranges(found: Sequence[Window]) -> list[tuple[int, int]]:
    return [(w.start, w.end) for w in found]


def test_windows_add_whole_sentences_of_context_and_merge() -> None:
    # six sentences of five tokens each
    bounds = [(i * 5, i * 5 + 5) for i in range(6)]
    assert _ranges(windows(bounds, [2], context=8)) == [(0, 25)]  # two sentences each side
    assert _ranges(windows(bounds, [0], context=4)) == [(0, 10)]  # the doc's edge stops it
    assert _ranges(windows(bounds, [0, 5], context=4)) == [(0, 10), (20, 30)]
    assert windows(bounds, [1, 3], context=4) == [Window(0, 25, (1, 3))]  # overlapping: one


def test_windows_stop_merging_at_the_limit() -> None:
    bounds = [(i * 5, i * 5 + 5) for i in range(6)]
    found = windows(bounds, list(range(6)), context=4, limit=10)
    # at most two needed sentences (10 tokens) per window, each with a sentence of
    # context on either side; every needed sentence comes from one window
    assert found == [Window(0, 15, (0, 1)), Window(5, 25, (2, 3)), Window(15, 30, (4, 5))]
    assert _ranges(windows(bounds, list(range(6)), context=4, limit=30)) == [(0, 30)]


def test_windows_of_a_long_draft_parse_as_the_whole_draft_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long draft whose every sentence needs the parse is parsed in several windows,
    and every token gets the annotations that parsing the whole draft gives it."""
    nlp = get_pipeline(Settings())
    monkeypatch.setattr(mailcoach.nlp.partial, "MAX_WINDOW_TOKENS", 300)
    text = "You never pay on time, and we keep asking! Pay now!!! " * 100
    with nlp.select_pipes(enable=["mailcoach_sentences"]):
        doc = nlp(text)
    whole = nlp(text)
    bounds = [(s.start, s.end) for s in doc.sents]
    assert len(windows(bounds, list(range(len(bounds))))) > 3
    assert parse_sentences(nlp, [(doc, bounds)]) == [True]
    assert doc.to_array(PARSED_ATTRS).tolist() == whole.to_array(PARSED_ATTRS).tolist()


def _reports(paths: Sequence[object]) -> list[str]:
    return [render_json(r) for r in check_many(paths)]  # type: ignore[arg-type]


def test_partial_parse_reports_equal_whole_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = sorted(
        p
        for p in (CORPUS / "emails").rglob("*")
        if p.is_file() and not p.parent.name.startswith("test")  # sealed folders stay shut
    )
    paths += sorted(p for p in (SAMPLES / "drafts").rglob("*") if p.is_file())
    partial = _reports(paths)

    calls: list[int] = []

    def refuse(nlp: Any, docs: Sequence[Any]) -> list[bool]:
        calls.append(len(docs))
        return [False] * len(docs)  # as if the parser moved a boundary: parse whole texts

    monkeypatch.setattr(mailcoach.analyze, "parse_sentences", refuse)
    whole = _reports(paths)
    assert sum(calls) > 10  # the corpus exercises the partial parse
    assert partial == whole


def test_repeated_windows_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated text repeats its windows; each distinct window is parsed once, and every
    doc gets the annotations that parsing it whole gives."""
    nlp = get_pipeline(Settings())
    monkeypatch.setattr(mailcoach.nlp.partial, "MAX_WINDOW_TOKENS", 300)
    made: list[tuple[int, int]] = []
    real = mailcoach.nlp.partial._piece

    def counted(doc: Any, array: Any, start: int, end: int) -> Any:
        made.append((start, end))
        return real(doc, array, start, end)

    monkeypatch.setattr(mailcoach.nlp.partial, "_piece", counted)
    text = "You never pay on time, and we keep asking! Pay now!!! " * 100
    with nlp.select_pipes(enable=["mailcoach_sentences"]):
        docs = [nlp(text), nlp(text), nlp("Hello Sam. " + text)]
    requests = [(doc, [(s.start, s.end) for s in doc.sents]) for doc in docs]
    found = [windows(bounds, list(range(len(bounds)))) for _, bounds in requests]
    assert parse_sentences(nlp, requests) == [True, True, True]
    assert 2 < len(made) < len(found[0])  # fewer pieces than the first doc's windows alone
    for doc in docs:
        whole = nlp(doc.text)
        assert doc.to_array(PARSED_ATTRS).tolist() == whole.to_array(PARSED_ATTRS).tolist()


def test_a_repeated_draft_reports_as_a_whole_parse_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailcoach.nlp.partial, "MAX_WINDOW_TOKENS", 300)
    text = "Pay now!!! You lied about the invoice. If you fail to pay, we will sue you. " * 60
    partial = _reports([text])

    def refuse(nlp: Any, docs: Sequence[Any]) -> list[bool]:
        return [False] * len(docs)  # parse the whole text instead

    monkeypatch.setattr(mailcoach.analyze, "parse_sentences", refuse)
    assert partial == _reports([text])
    assert '"rule_id"' in partial[0]
