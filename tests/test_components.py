"""The spaCy components on their own: plain pipelines, configuration, disk round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("text", "above"),
    [
        # "PO" in capitals is a purchase order
        ("Thanks so much for sorting the PO question out so fast!!", 0.3),
        # lower-case "po" is the Filipino courtesy word (VADER alone: -0.75)
        ("Salamat po for your understanding, and sorry again for the inconvenience.", -0.7),
    ],
)
def test_sentiment_does_not_read_po_as_chat_slang(text: str, above: float) -> None:
    """VADER lower-cases "PO" and scores it as "pissed off" (-2.6)."""
    from mailcoach.nlp.sentiment import sentence_scores

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("mailcoach_sentiment")
    scores = [score for _, score in sentence_scores(nlp(text))]
    assert scores[0] > above


def test_a_sentence_wakes_the_rules_a_fresh_lookup_finds() -> None:
    # which token rules a sentence could wake is looked up once per distinct set of
    # words; a remembered answer is what asking every anchor again gives
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
        assert waker._key(words) in waker.memo
    assert len({tuple(g.rule.id for g in waker.woken(w)) for w in sentences}) > 2


def test_a_sentence_wakes_what_its_words_that_matter_wake() -> None:
    """The wake-ups are remembered by the words an anchor set holds or an anchor regex
    finds: asking every anchor with all of a sentence's words gives the same groups,
    on every dev corpus email, for the token rules and the parse-reading rules."""
    from mailcoach.rules.compile import TokenKind, Words

    nlp = get_pipeline(Settings())
    rules = cast("Any", nlp.get_pipe("mailcoach_rules"))
    kind = rules.compiled.kinds["token"]
    assert isinstance(kind, TokenKind)
    corpus = Path(__file__).parent / "corpus" / "emails" / "dev"
    texts = [p.read_text(errors="replace") for p in sorted(corpus.iterdir())]
    texts.append("Invoice INV-10442 for $8,450.00 is 45 days overdue. You damn well know it.")
    wakers = [kind._waker(False), kind._waker(True), rules.compiled._parse_waker]
    assert any(w.regexes for w in wakers)  # a regex anchor is among them
    dropped = 0
    for doc in nlp.pipe(texts):
        for _, _, words in Words.cached(doc).sentences:
            for waker in wakers:
                key = waker._key(words)
                assert key <= words
                dropped += len(words) - len(key)
                assert waker._find_woken(words) == waker._find_woken(key), sorted(words)
    assert dropped > 1000  # most words matter to no anchor


def _caps_runs_token_by_token(doc: Any, rule: Any, p: Any) -> list[tuple[int, int]]:
    """Shouted runs read token by token over the whole doc: what the rule means."""
    ignore = {w.upper() for w in p.ignore}
    found: list[tuple[int, int]] = []
    run: list[int] = []
    has_long = False
    for i, token in enumerate(doc):
        word, punct, space = token.text, token.is_punct, token.is_space
        if punct and run and word not in ".?!\n":
            continue
        upper = word.isupper()
        letters = sum(map(str.isalpha, word)) if upper else 0
        if upper and letters >= p.min_letters and word.strip("'’").upper() not in ignore:
            run.append(i)
            has_long = has_long or letters >= p.long_word
        elif upper and run and word.upper() in {"I", "A"}:
            run.append(i)
        elif not space and not punct and not any(map(str.isalpha, word)):
            continue
        else:
            if len(run) >= p.caps_words and has_long:
                found.append((run[0], run[-1] + 1))
            run, has_long = [], False
    if len(run) >= p.caps_words and has_long:
        found.append((run[0], run[-1] + 1))
    return found


_SHOUT_WORDS = (
    "PAY NOW URGENT I A OK USD INV-2231 THIS IS UNACCEPTABLE please pay the invoice "
    "1,180 $ 300 , . ! ? - ; \n Dana YOU NEVER CHF ASAP"
).split(" ")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*_SHOUT_WORDS, "\n\n", "'", "ALL-CAPS"]), max_size=40))
def test_shouted_runs_are_found_as_reading_every_token_finds_them(words: list[str]) -> None:
    # the shouting kind starts reading at each upper-case token (nothing changes
    # between runs before one); it finds the runs a token-by-token reading finds
    from mailcoach.rules.compile import ShoutingKind

    nlp = get_pipeline(Settings())
    kind = cast("Any", nlp.get_pipe("mailcoach_rules")).compiled.kinds["shouting"]
    assert isinstance(kind, ShoutingKind)
    doc = nlp.make_doc(" ".join(words))
    shouting = [(kind.rules[r], p) for r, p in kind.params.items() if p.caps_words]
    assert shouting
    for rule, p in shouting:
        found = [(c.start, c.end) for c in kind._caps_runs(doc, rule, p)]
        assert found == _caps_runs_token_by_token(doc, rule, p)
