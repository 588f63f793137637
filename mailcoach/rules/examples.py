"""Run every rule's own ``examples``: each ``flag`` sentence must trigger the rule,
each ``pass`` sentence must not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mailcoach.nlp import CANDIDATES_KEY
from mailcoach.nlp.pipeline import BATCH_SIZE, get_pipeline, rules_for
from mailcoach.settings import Settings
from mailcoach.text import fold


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one example sentence of one rule."""

    rule_id: str
    expect_flag: bool
    text: str
    flagged: bool
    matched: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Tell whether the rule behaved as the example says."""
        return self.flagged == self.expect_flag


def run_examples(
    settings: Settings | None = None, rule_id: str | None = None
) -> Iterator[ExampleResult]:
    """Yield the result of every example of every active rule (or of one rule).

    Raises:
        ModelMissingError, LexiconError: if the pipeline cannot be built.
    """
    s = settings or Settings()
    nlp = get_pipeline(s)
    cases = [
        (rule.id, expect, text)
        for rule in rules_for(s)
        if rule_id is None or rule.id == rule_id
        for expect, texts in ((True, rule.spec.examples.flag), (False, rule.spec.examples.pass_))
        for text in texts
    ]
    docs = nlp.pipe((fold(text).text for _, _, text in cases), batch_size=BATCH_SIZE)
    for (rid, expect, text), doc in zip(cases, docs, strict=True):
        hits = tuple(span.text for span in doc.spans[CANDIDATES_KEY] if span.id_ == rid)
        yield ExampleResult(rid, expect, text, bool(hits), hits)
