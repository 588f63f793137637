"""The spaCy components on their own: plain pipelines, configuration, disk round trip."""

from __future__ import annotations

from pathlib import Path

import spacy

import mailcoach.nlp.components
import mailcoach.nlp.sentiment  # noqa: F401
from mailcoach.nlp import SPANS_KEY
from mailcoach.nlp.pipeline import get_pipeline
from mailcoach.settings import Settings

TEXT = "Per my last email, this is ridiculous. Our lawyers will call. Thanks for the update."


def _found(nlp: spacy.language.Language, text: str = TEXT) -> list[tuple[str, str, str]]:
    doc = nlp(text)
    return [(s.label_, s.id_, s.text) for s in doc.spans[SPANS_KEY]]


def test_phrase_rules_work_on_a_blank_pipeline_with_a_sentencizer() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("mailcoach_sentiment")
    nlp.add_pipe(
        "mailcoach_rules", config={"disable": ["blaming", "inflammatory.hostile-sentence"]}
    )
    nlp.add_pipe(
        "mailcoach_guards", config={"disable": ["blaming", "inflammatory.hostile-sentence"]}
    )
    found = _found(nlp)
    labels = {label for label, _, _ in found}
    assert {"passive_aggressive", "threatening", "inflammatory"} <= labels
    assert all(text != "Thanks for the update" for _, _, text in found)


def test_components_are_configured_by_data() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(
        "mailcoach_rules", config={"disable": ["threatening"], "levels": {"sarcastic": "error"}}
    )
    assert "threatening" not in {label for label, _, _ in _found(nlp)}
    matcher = nlp.get_pipe("mailcoach_rules")
    assert all(
        r.severity.label == "error" for r in matcher.rules if r.category.value == "sarcastic"
    )


def test_pipeline_round_trips_through_disk(tmp_path: Path) -> None:
    nlp = get_pipeline()
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "mailcoach_rules" / "patterns.jsonl").is_file()
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert _found(loaded) == _found(nlp) != []
    assert len(loaded.get_pipe("mailcoach_rules").rules) == len(
        nlp.get_pipe("mailcoach_rules").rules
    )


def test_from_disk_replaces_the_rules(tmp_path: Path) -> None:
    source = spacy.blank("en")
    source.add_pipe("sentencizer")
    source.add_pipe("mailcoach_rules", config={"disable": ["sarcastic", "blaming"]})
    source.get_pipe("mailcoach_rules").to_disk(tmp_path)
    target = spacy.blank("en")
    target.add_pipe("sentencizer")
    rules = target.add_pipe("mailcoach_rules")
    rules.from_disk(tmp_path)
    assert not any(r.category.value in {"sarcastic", "blaming"} for r in rules.rules)


def test_sentiment_does_not_read_a_purchase_order_as_chat_slang() -> None:
    """VADER lower-cases "PO" and scores it as "pissed off"; in capitals it is an order."""
    from mailcoach.nlp.sentiment import sentence_scores

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("mailcoach_sentiment")
    doc = nlp("Thanks so much for sorting the PO question out so fast!!")
    scores = [score for _, score in sentence_scores(doc)]
    assert scores[0] > 0.3


def test_a_sentence_wakes_the_rules_a_fresh_lookup_finds() -> None:
    # which token rules a sentence could wake is looked up once per distinct set of
    # words; a remembered answer is what asking every anchor again gives
    from typing import Any, cast

    from mailcoach.rules.compile import TokenKind, Words, _Waker

    nlp = get_pipeline(Settings())
    rules = cast("Any", nlp.get_pipe("mailcoach_rules"))
    kind = rules.compiled.kinds["token"]
    assert isinstance(kind, TokenKind)
    text = (
        "You never pay on time. Pay now!!! You never pay on time. "
        "We will take you to court. You never PAY on time. Thanks for nothing."
    )
    doc = nlp(text)
    waker = kind._waker(False)
    sentences = [w for _, _, w in Words.cached(doc).sentences]
    assert len(set(sentences)) < len(sentences)  # a repeated sentence
    for words in sentences:
        fresh = _Waker(waker.groups)
        assert waker.woken(words) == fresh.woken(words)
        assert words in waker.memo
    assert len({tuple(g.rule.id for g in waker.woken(w)) for w in sentences}) > 2
