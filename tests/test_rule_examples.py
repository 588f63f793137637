"""Every rule's own examples, on the real pipeline: flags flag, passes pass."""

from __future__ import annotations

import re

import pytest

from mailcoach.model import Category
from mailcoach.nlp.pipeline import rules_for
from mailcoach.rules.examples import ExampleResult, run_examples
from mailcoach.settings import Settings

RESULTS = list(run_examples(Settings()))
RULES = list(rules_for(Settings()))
STOPWORDS = frozenset(
    "a an the and or but if of to in on for at by with is are was were be been it this that "
    "we i you your our my me us they them their he she his her".split()
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOPWORDS and len(w) > 2}


@pytest.mark.parametrize(
    "result",
    RESULTS,
    ids=[f"{r.rule_id}:{'flag' if r.expect_flag else 'pass'}:{r.text[:40]}" for r in RESULTS],
)
def test_rule_example(result: ExampleResult) -> None:
    want = "flag" if result.expect_flag else "pass"
    assert result.ok, f"{result.rule_id} should {want}: {result.text!r} (matched {result.matched})"


def test_every_category_has_rules() -> None:
    assert {r.category for r in RULES} == set(Category)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_a_tricky_negative(rule) -> None:  # type: ignore[no-untyped-def]
    """A pass example must share a content word with the flags: a near miss, not a
    sentence about something else."""
    flagged = set().union(*(_words(t) for t in rule.spec.examples.flag))
    assert any(_words(t) & flagged for t in rule.spec.examples.pass_), (
        f"{rule.id}: no pass example shares a word with its flag examples"
    )


def test_python_knows_no_rule_ids() -> None:
    """Rules are data: no rule id appears as a string literal in the package's code."""
    from mailcoach.resources import lexicon_dir

    package = (
        lexicon_dir().parent / "mailcoach"
        if (lexicon_dir().parent / "mailcoach").is_dir()
        else None
    )
    if package is None:
        pytest.skip("installed from a wheel; the source check runs in a checkout")
    ids = [r.id for r in RULES]
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named = [i for i in ids if f'"{i}"' in text or f"'{i}'" in text]
        assert not named, f"{path} names rule ids {named}"
