"""Parsing only the sentences that need it gives the reports a whole parse gives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

import mailcoach.analyze
from mailcoach import check_many
from mailcoach.nlp.partial import windows
from mailcoach.render import render_json

from .conftest import CORPUS, SAMPLES


def test_windows_add_whole_sentences_of_context_and_merge() -> None:
    # six sentences of five tokens each
    bounds = [(i * 5, i * 5 + 5) for i in range(6)]
    assert windows(bounds, [2], context=8) == [(0, 25)]  # two sentences each side
    assert windows(bounds, [0], context=4) == [(0, 10)]  # the doc's edge stops it
    assert windows(bounds, [0, 5], context=4) == [(0, 10), (20, 30)]
    assert windows(bounds, [1, 3], context=4) == [(0, 25)]  # overlapping: one window


def _reports(paths: Sequence[object]) -> list[str]:
    return [render_json(r) for r in check_many(paths)]  # type: ignore[arg-type]


def test_partial_parse_reports_equal_whole_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = sorted(p for p in (CORPUS / "emails").rglob("*") if p.is_file())
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
