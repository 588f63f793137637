"""Calm sentences that look like the shapes the rules look for, and hurtful look-alikes.

``tests/fixtures/calm-traps.jsonl`` holds sentences written for this test (never corpus
text): the calm-mail traps of issue 13 ("For the record:", ", obviously.", a bounded
"that was our error, sorry", sincere "!!" thanks, an attachment re-sent "in case it got
buried", a reader's own words in quotes, a thank-you for a visit "on 6 November") and,
beside them, hurtful sentences of the same shapes that must still be flagged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailcoach import check
from mailcoach.model import Severity

ROWS = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "calm-traps.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _warnings(text: str) -> list[str]:
    return [
        f"{f.rule_id}: {f.text}" for f in check(text).findings if f.severity >= Severity.WARNING
    ]


@pytest.mark.parametrize("text", [r["text"] for r in ROWS if r["calm"]])
def test_a_calm_sentence_gets_no_warning(text: str) -> None:
    assert _warnings(text) == []


@pytest.mark.parametrize("text", [r["text"] for r in ROWS if not r["calm"]])
def test_a_hurtful_look_alike_is_still_flagged(text: str) -> None:
    assert _warnings(text)
