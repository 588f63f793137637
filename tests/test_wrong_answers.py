"""Inputs that used to get an answer that looked right and was not (issue 11, part 5).

Invisible and look-alike characters, broken transfer encodings, UTF-32, error rows
that read as clean, and config typos that were silently ignored.
"""

from __future__ import annotations

import pytest

from mailcoach import Category, Verdict, check
from mailcoach.text import fold

# -- invisible and look-alike characters --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We will s\u200bue you.",  # zero-width space
        "We will s\u00adue you.",  # soft hyphen
        "We will s\u200du\u2060e you.",  # zero-width joiner, word joiner
        "We will \uff53\uff55\uff45 you.",  # fullwidth letters
        "We will \U0001d42c\U0001d42e\U0001d41e you.",  # mathematical bold
        "\ufeffWe\u3000will\u2003sue you.",  # byte-order mark, ideographic and em spaces
    ],
)
def test_hidden_and_lookalike_characters_do_not_defeat_the_rules(text: str) -> None:
    report = check(text)
    threats = [f for f in report.findings if f.category is Category.THREATENING]
    assert threats, report.findings
    assert report.verdict is Verdict.HOLD
    for f in report.findings:
        assert report.body[f.start : f.end] == f.text
        assert f.text.replace("\u00ad", "").replace("\u200b", "")  # the original span


def test_offsets_are_into_the_original_text_after_folding() -> None:
    text = "Hi,\n\nWe will s\u200bue you. Y\u200bou ne\u00adver pay on ti\ufb00me.\n"
    report = check(text)
    assert report.body == text
    texts = [f.text for f in report.findings]
    assert "s\u200bue" in texts
    blame = next(f for f in report.findings if f.category is Category.BLAMING)
    assert blame.text.startswith("Y\u200bou ne\u00adver pay")
    for f in report.findings:
        assert text[f.start : f.end] == f.text
        line_start = text.rfind("\n", 0, f.start) + 1
        assert (f.line, f.column) == (text.count("\n", 0, f.start) + 1, f.start - line_start + 1)
    for s in report.sentiment.sentences:
        assert text[s.start : s.end].strip()


def test_fold_maps_every_span_back_inside_the_original() -> None:
    text = "a\u200bb \ufb01x \uff21\u00ad\u00adc \u2019d\u200b"
    folded = fold(text)
    assert folded.text == "ab fix Ac 'd"
    for a in range(len(folded.text) + 1):
        for b in range(a, len(folded.text) + 1):
            start, end = folded.span(a, b)
            assert 0 <= start <= end <= len(text)
            if b > a:  # a folded span comes from an original span that folds to it
                assert folded.text[a:b] in fold(text[start:end]).text


def test_plain_text_is_not_copied_or_mapped() -> None:
    folded = fold("You never pay on time.")
    assert folded.identity and folded.text == "You never pay on time."
