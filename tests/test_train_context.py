"""The in-context training tool (tools/train_context.py): reproducible, dev drafts only."""

from __future__ import annotations

import hashlib
import os

import pytest

pytest.importorskip("sklearn")

from mailcoach.resources import lexicon_dir
from mailcoach.weights import read_header
from tools.train_context import (
    CONTEXT_FILE,
    examples_of,
    leave_one_writer_out,
    read_labelled,
    train_text,
)
from tools.train_kind import LABEL_FILES

SHIPPED = lexicon_dir() / CONTEXT_FILE


def test_training_reads_no_sealed_set() -> None:
    assert LABEL_FILES and all(name.startswith("dev") for name in LABEL_FILES)
    assert all("sealed" not in str(d.path) for d in read_labelled())


def test_a_listed_hurtful_sentence_is_a_hurtful_example() -> None:
    drafts = read_labelled()
    hostile = next(d for d in drafts if d.hostile and d.hurtful)
    examples = examples_of(hostile)
    hurt = [e for e in examples if e.labels]
    assert 1 <= len(hurt) <= len(hostile.hurtful) < len(examples)
    # every hurtful example holds words of a listed sentence
    listed = {w.lower().strip(".,!?") for s in hostile.hurtful for w in s.split()}
    assert all(listed & set(e.words) for e in hurt)
    calm = next(d for d in drafts if not d.hostile)
    assert examples_of(calm) and not any(e.labels for e in examples_of(calm))


def test_retraining_gives_the_shipped_weights_byte_for_byte() -> None:
    date = read_header(SHIPPED)["provenance"]["date"]
    text = train_text(date=date)
    assert (
        hashlib.sha256(text.encode("utf-8")).hexdigest()
        == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    )


#: Leave one writer out over the rewrite corpus's dev drafts, through ``check`` with
#: the shipped thresholds: today's figures (7 December 2026, seventh session, with dev9
#: and the second pair of bars at 0.8/0.2 in a warned draft: 496 of 665 hurtful
#: sentences caught, 0.746, against 463 with the first pair alone and 425 with the
#: sentence model alone; 20 of 150 calm drafts warned, as without it) minus a margin.
MIN_CAUGHT = 0.73
MAX_CALM_WARNED = 21


@pytest.mark.skipif(
    os.environ.get("CI") != "true", reason="trains one model per writer (minutes); CI=true"
)
def test_whole_drafts_of_writers_left_out() -> None:
    from tools.yardstick import shipped_context

    context = shipped_context()
    assert context is not None and context.in_warned_draft is not None
    warned = context.in_warned_draft
    tallies = leave_one_writer_out(
        read_labelled(), [context.threshold], floor=context.floor, warned=[warned]
    )
    first = tallies[f"{context.threshold:g}"]
    shipped = tallies[f"{context.threshold:g}+{warned[0]:g}/{warned[1]:g}"]
    alone = tallies["none"]
    assert shipped["caught"] / shipped["hurtful"] >= MIN_CAUGHT, dict(shipped)
    assert shipped["caught"] > first["caught"] > alone["caught"], (dict(shipped), dict(alone))
    assert shipped["calm warned"] <= MAX_CALM_WARNED, dict(shipped)
    # a warned draft's second pair adds no calm draft: it needs a warning already there
    assert shipped["calm warned"] == first["calm warned"], (dict(shipped), dict(first))
