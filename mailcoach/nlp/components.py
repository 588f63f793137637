"""spaCy components: ``mailcoach_rules`` matches, ``mailcoach_guards`` filters.

Both write to ``doc.spans["mailcoach"]``: label = category, ``id_`` = rule id.
They are configured only by data (lexicon folders, disabled rules, levels), so
``nlp.add_pipe("mailcoach_rules", config={...})`` works in any pipeline.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from mailcoach.model import Severity
from mailcoach.nlp import CANDIDATES_KEY, RESERVE_KEY, SPANS_KEY
from mailcoach.nlp.guards import GUARDS, PARSE_GUARDS
from mailcoach.nlp.sentences import sentence_of
from mailcoach.rules.compile import CompiledRules, is_parsed
from mailcoach.rules.load import Rule, RuleSet, load_rules, rules_from_rows, rules_to_rows

DEFAULT_CONFIG: dict[str, Any] = {"lexicons": [], "disable": [], "levels": {}}


def _ruleset(lexicons: list[str], disable: list[str], levels: dict[str, str]) -> RuleSet:
    return load_rules(
        tuple(lexicons),
        tuple(disable),
        tuple((k, Severity.parse(v)) for k, v in sorted(levels.items())),
    )


PATTERNS_FILE = "patterns.jsonl"


class _SerializedRules:
    """``to_disk``/``from_disk`` for components that hold a RuleSet: ``patterns.jsonl``."""

    rules: RuleSet

    def _set_rules(self, rules: RuleSet) -> None:
        raise NotImplementedError

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the component's rules to ``path/patterns.jsonl``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(folder / PATTERNS_FILE, rules_to_rows(self.rules))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> _SerializedRules:
        """Replace the component's rules with those in ``path/patterns.jsonl``."""
        file = Path(path) / PATTERNS_FILE
        self._set_rules(rules_from_rows(list(srsly.read_jsonl(file)), str(file)))
        return self


class RuleMatcher(_SerializedRules):
    """Find every candidate match of every active rule."""

    def __init__(self, nlp: Language, rules: RuleSet) -> None:
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc
        self._set_rules(rules)

    def _set_rules(self, rules: RuleSet) -> None:
        self.rules = rules
        self.compiled = CompiledRules(rules, self.vocab, self.make_doc)
        self.all_built = False

    def build_all(self) -> None:
        """Build every rule's matcher now; after this, checks may run in memory zones.

        The words of the rules' example sentences are read into the vocabulary (and
        the tokenizer's cache) here too, outside any zone, so that they stay: a word
        first met inside a zone is made again in every zone after it, and zones cost
        about 5% more per dense email without this (1,509 sentences, 0.06 s).
        """
        self.compiled.build_all()
        for rule in self.rules:
            for text in (*rule.spec.examples.flag, *rule.spec.examples.pass_):
                self.make_doc(text)
        self.all_built = True

    def __call__(self, doc: Doc) -> Doc:
        found: dict[bool, list[Span]] = {False: [], True: []}
        for c in self.compiled.find(doc):
            found[c.reserve].append(
                Span(doc, c.start, c.end, label=c.rule.category.value, span_id=c.rule.id)
            )
        doc.spans[SPANS_KEY], doc.spans[RESERVE_KEY] = found[False], found[True]
        return doc

    def add_parsed(self, doc: Doc) -> Doc:
        """Add the candidates of parse-reading patterns to those already found.

        For a doc this component has run on before its sentences were parsed: the
        other patterns find the same candidates either way. The spans end up in the
        same order as if the component ran once on the parsed doc.
        """
        spans = list(doc.spans.get(SPANS_KEY, []))
        spans.extend(
            Span(doc, c.start, c.end, label=c.rule.category.value, span_id=c.rule.id)
            for c in self.compiled.find(doc, parsed_only=True)
        )
        doc.spans[SPANS_KEY] = sorted(spans, key=lambda s: (s.start, -s.end, s.id_))
        return doc


class _Reach:
    """Spans sorted by start, with the furthest end reached so far: overlap in log time."""

    def __init__(self, spans: list[Span]) -> None:
        ordered = sorted((s.start, s.end) for s in spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(itertools.accumulate((b for _, b in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Tell whether one of the spans overlaps tokens ``start`` to ``end``."""
        k = bisect.bisect_left(self.starts, end)  # spans that start before ``end``
        return k > 0 and self.reach[k - 1] > start


_NOWHERE = _Reach([])


class _Taken:
    """Spans that never overlap, sorted by start (so their ends are sorted too)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def take(self, start: int, end: int) -> bool:
        """Add tokens ``start`` to ``end`` unless they overlap a span taken before."""
        k = bisect.bisect_left(self.starts, end)
        if k and self.ends[k - 1] > start:
            return False
        self.starts.insert(k, start)
        self.ends.insert(k, end)
        return True


#: Kinds that flag a whole sentence, second to the rules that point at words; on a
#: tie between them, the earlier kind is kept.
BROAD_KINDS = ("sentiment", "model")


class GuardFilter(_SerializedRules):
    """Drop matches their rule's guards excuse, then resolve overlaps.

    Within one category, overlapping matches keep the most severe, then the longest.
    A ``sentiment`` rule's sentence is dropped when another rule flagged inside it;
    a ``model`` rule's, when another rule of its category did. A reserve sentence
    (``RESERVE_KEY``) is dropped when its guards excuse it or anything kept overlaps
    it; whether the draft has a warning to keep it for is the report's to judge.
    """

    def __init__(self, rules: RuleSet) -> None:
        self._set_rules(rules)

    def _set_rules(self, rules: RuleSet) -> None:
        self.rules = rules
        self.by_id = {r.id: r for r in rules}

    def needs_parse(self, rule_id: str) -> bool:
        """Tell whether judging a match of this rule takes a guard that reads the parse."""
        rule = self.by_id.get(rule_id)
        return rule is not None and not PARSE_GUARDS.isdisjoint(rule.spec.unless)

    def _excused(self, span: Span, rule: Rule) -> bool:
        if rule.spec.kind == "model" and is_parsed(span.doc, span.start):
            # A model rule flags a whole sentence; guards that read the verb and its
            # subject ("we will not sue", "we failed to") judge its main verb too.
            root = sentence_of(span).root
            judged = (span, span.doc[root.i : root.i + 1])
            return any(GUARDS[name](s) for name in rule.spec.unless for s in judged)
        return any(GUARDS[name](span) for name in rule.spec.unless)

    def __call__(self, doc: Doc) -> Doc:
        live: list[tuple[Span, Rule]] = []
        for span in doc.spans.get(SPANS_KEY, []):
            rule = self.by_id.get(span.id_)
            if rule is not None and not self._excused(span, rule):
                live.append((span, rule))
        doc.spans[CANDIDATES_KEY] = [s for s, _ in live]
        pointed = [(s, r) for s, r in live if r.spec.kind not in BROAD_KINDS]
        any_pointed = _Reach([s for s, _ in pointed])
        by_category = {
            category: _Reach([s for s, r in pointed if r.category == category])
            for category in {r.category for _, r in pointed}
        }
        broad = [  # sentiment sentences first, then the model's: ties keep that order
            (s, r)
            for kind in BROAD_KINDS
            for s, r in live
            if r.spec.kind == kind
            and not (
                any_pointed if kind == "sentiment" else by_category.get(r.category, _NOWHERE)
            ).overlaps(s.start, s.end)
        ]
        ranked = sorted(
            pointed + broad,
            key=lambda sr: (-sr[1].severity, -(sr[0].end - sr[0].start), sr[0].start),
        )
        kept: list[tuple[Span, Rule]] = []
        taken: dict[str, _Taken] = {}  # by label: the spans kept so far, which never overlap
        for span, rule in ranked:
            if taken.setdefault(span.label_, _Taken()).take(span.start, span.end):
                kept.append((span, rule))
        doc.spans[SPANS_KEY] = sorted((s for s, _ in kept), key=lambda s: (s.start, s.end))
        flagged = _Reach([s for s, _ in kept])
        doc.spans[RESERVE_KEY] = [
            s
            for s in doc.spans.get(RESERVE_KEY, [])
            if (rule := self.by_id.get(s.id_)) is not None
            and not self._excused(s, rule)
            and not flagged.overlaps(s.start, s.end)
        ]
        return doc


@Language.factory("mailcoach_rules", assigns=["doc.spans"], default_config=DEFAULT_CONFIG)
def make_rules(
    nlp: Language, name: str, lexicons: list[str], disable: list[str], levels: dict[str, str]
) -> RuleMatcher:
    """Create the matcher for the bundled rules plus any extra lexicon folders."""
    return RuleMatcher(nlp, _ruleset(lexicons, disable, levels))


@Language.factory("mailcoach_guards", assigns=["doc.spans"], default_config=DEFAULT_CONFIG)
def make_guards(
    nlp: Language, name: str, lexicons: list[str], disable: list[str], levels: dict[str, str]
) -> GuardFilter:
    """Create the guard filter; configure it exactly like ``mailcoach_rules``."""
    return GuardFilter(_ruleset(lexicons, disable, levels))
