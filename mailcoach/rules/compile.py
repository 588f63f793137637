"""Compile a RuleSet into spaCy matchers: one class per rule kind, in one table.

Python knows rule *kinds*, never rule ids. A kind validates its own ``patterns`` and
``params`` and turns them into candidate spans on a Doc; guards and overlaps are
handled afterwards, once, by the ``mailcoach_guards`` component.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mailcoach.errors import LexiconError
from mailcoach.nlp.tokenizer import doc_text
from mailcoach.rules.load import Rule, RuleSet
from mailcoach.rules.schema import token_problem
from mailcoach.text import normalize

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab

#: Attributes whose values come from the tagger or parser, not the tokenizer.
#: (Sentence starts are not among them: mailcoach_sentences sets them before the parser.)
PARSE_ATTRS = frozenset({"LEMMA", "POS", "TAG", "MORPH", "DEP"})
DEPENDENCY_KEYS = frozenset({"RIGHT_ID", "RIGHT_ATTRS", "LEFT_ID", "REL_OP"})
#: Dependency operators that relate nodes through the tree (heads, children,
#: siblings), never by word order alone.
TREE_OPS = frozenset(
    {">", "<", ">>", "<<", "$+", "$-", "$++", "$--"}
    | {">+", ">-", ">++", ">--", "<+", "<-", "<++", "<--"}
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A raw match of a rule: tokens ``doc[start:end]``; ``reserve``: one that stands
    only in a draft with a warning elsewhere (see ``ModelKind``)."""

    rule: Rule
    start: int
    end: int
    reserve: bool = False


def _fail(rule: Rule, what: str) -> LexiconError:
    return LexiconError(f"{rule.file}, rule '{rule.id}': {what}.")


def _pattern_lists(rule: Rule, what: str) -> list[Any]:
    """Return a rule's patterns, checked to be a non-empty list of non-empty lists."""
    patterns = rule.spec.patterns
    if not patterns or not all(isinstance(p, list) and p for p in patterns):
        raise _fail(rule, f"patterns: a {rule.spec.kind} rule needs a list of {what} lists")
    return patterns


def _check_attrs(rule: Rule, token: Any, where: str) -> None:
    problem = token_problem(token)
    if problem:
        raise _fail(rule, f"{where}: {problem}")


def _spacy_reason(exc: Exception) -> str:
    """Return the first specific line of a spaCy pattern-validation error."""
    lines = [line.strip("- ").strip() for line in str(exc).splitlines()]
    return next((line for line in lines if line.startswith("[")), lines[0] if lines else str(exc))


def _params(rule: Rule, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(rule.spec.params)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        msg = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"]
        raise _fail(rule, f"params.{field}: {msg}") from None


#: Token operators under which a pattern token must be present.
REQUIRED_OPS = frozenset({None, "+", "1"})
#: "{2}", "{1,3}", "{2,}": at least one.
MIN_ONE_OP = re.compile(r"\{[1-9]\d*,?\d*\}")
#: Attributes whose literal values, lower-cased, must appear among a doc's words.
ANCHOR_ATTRS = ("LOWER", "ORTH", "TEXT")


def _required(token: dict[str, Any]) -> bool:
    """Tell whether a pattern token must be present in every match (by its operator)."""
    op = token.get("OP")
    return (
        op is None or op in REQUIRED_OPS or (isinstance(op, str) and bool(MIN_ONE_OP.fullmatch(op)))
    )


def _literal_words(token: dict[str, Any]) -> frozenset[str] | None:
    """Return the lower-cased words one of which a token must be, or None if unknown."""
    if not _required(token):
        return None
    best: frozenset[str] | None = None
    for attr in ANCHOR_ATTRS:
        value = token.get(attr)
        if isinstance(value, str):
            words = frozenset({value.lower()})
        elif isinstance(value, dict) and len(value) == 1 and "IN" in value:
            words = frozenset(map(str.lower, value["IN"]))  # strings: checked by rules.load
        else:
            continue
        if best is None or len(words) < len(best):
            best = words
    return best


#: Words whose regex results one WordRegex remembers before it starts over.
REGEX_MEMORY = 20_000


class WordRegex:
    """A regex that one of a text's lower-cased words must match (``re.search``).

    Remembers its answer per word: mail repeats its words, and a lexicon regex
    can be long.
    """

    __slots__ = ("regex", "seen")

    def __init__(self, source: str) -> None:
        self.regex = re.compile(source)  # spaCy's REGEX: re.search on the attribute
        self.seen: dict[str, bool] = {}

    def found_in(self, words: frozenset[str]) -> bool:
        """Tell whether the regex finds one of ``words``."""
        seen = self.seen
        for word in words:
            hit = seen.get(word)
            if hit is None:
                if len(seen) >= REGEX_MEMORY:
                    seen.clear()
                hit = seen[word] = self.regex.search(word) is not None
            if hit:
                return True
        return False


def _word_regex(token: dict[str, Any]) -> WordRegex | None:
    """Return the regex a required token's lower-cased text must match, if it has one."""
    value = token.get("LOWER")
    if _required(token) and isinstance(value, dict) and isinstance(value.get("REGEX"), str):
        return WordRegex(value["REGEX"])
    return None


@dataclass(frozen=True, slots=True)
class Anchors:
    """What a doc's lower-cased words must hold for one pattern to match.

    A word from each set, and for each regex a word it finds (as spaCy's REGEX,
    ``re.search``), from required tokens that have no literal values. A pattern
    with neither must always run.
    """

    sets: tuple[frozenset[str], ...]
    regexes: tuple[WordRegex, ...] = ()

    @classmethod
    def of(cls, tokens: list[dict[str, Any]]) -> Anchors:
        """Return the anchors of a pattern's tokens.

        Each required token with literal values gives the set of words it may be:
        a match needs every required token, so a doc must hold a word from each
        set. A required token that must start a sentence adds those values marked
        as a sentence's first word (see ``Words``).
        """
        literal = [_literal_words(t) for t in tokens]  # once per token: rules have thousands
        regexes = tuple(
            r
            for t, words in zip(tokens, literal, strict=True)
            if words is None and (r := _word_regex(t)) is not None
        )
        starts = tuple(
            frozenset(SENTENCE_START + w for w in words)
            for t, words in zip(tokens, literal, strict=True)
            if words and t.get("IS_SENT_START") is True
        )
        return cls(tuple(w for w in literal if w) + starts, regexes)

    def __bool__(self) -> bool:
        return bool(self.sets or self.regexes)

    def held_by(self, words: frozenset[str]) -> bool:
        """Tell whether a text with these lower-cased words could match the pattern."""
        for need in self.sets:  # (a plain loop: this is asked for every sentence)
            if need.isdisjoint(words):
                return False
        return not self.regexes or all(regex.found_in(words) for regex in self.regexes)


#: Marks the word that starts a sentence, among a sentence's words: a pattern token
#: with ``IS_SENT_START: true`` can only be the sentence's first token.
SENTENCE_START = "\x00^"

#: Where a doc's collected words are kept between the stages that need them.
WORDS_KEY = "mailcoach_words"


@dataclass(frozen=True, slots=True)
class Words:
    """The lower-cased words of a doc, overall and per sentence, for anchor checks.

    A sentence's words include its first word once more, marked with
    ``SENTENCE_START``.

    Token rules run sentence by sentence, only where all their anchors occur, so
    a match never spans two sentences and calm text is scanned once.
    """

    doc: frozenset[str]
    #: (start, end) token offsets of each sentence with its words; offsets, not Spans,
    #: so that keeping this in doc.user_data makes no reference cycle through the doc
    sentences: tuple[tuple[int, int, frozenset[str]], ...]
    #: each token's lower-cased text, in order (read once: the sentence model needs them)
    lowers: tuple[str, ...] = ()

    @classmethod
    def cached(cls, doc: Doc) -> Words:
        """Return the doc's words, collected once per doc (kept in ``doc.user_data``).

        The rules component and the decision whether to parse both need them.
        """
        words = doc.user_data.get(WORDS_KEY)
        if not isinstance(words, cls):
            words = doc.user_data[WORDS_KEY] = cls.of(doc)
        return words

    @classmethod
    def of(cls, doc: Doc) -> Words:
        """Collect the words of ``doc`` (one sentence if it has no boundaries)."""
        from mailcoach.nlp.sentences import sentence_bounds

        bounds = sentence_bounds(doc) if doc.has_annotation("SENT_START") else [(0, len(doc))]
        lowers = [t.lower_ for t in doc]  # one pass over the tokens
        per_sentence = tuple(
            (a, b, frozenset(lowers[a:b]).union([SENTENCE_START + lowers[a]] if a < b else []))
            for a, b in bounds
        )
        return cls(frozenset().union(*(w for _, _, w in per_sentence)), per_sentence, tuple(lowers))


def is_parsed(doc: Doc, start: int = 0) -> bool:
    """Tell whether the tagger and parser have run on the sentence starting at ``start``.

    The analysis may parse only some sentences of a doc (those where a rule or a
    guard needs it), so this is asked per sentence. It checks one token's
    annotations (``has_annotation`` scans the whole doc when the answer is no).
    """
    return start < len(doc) and doc[start].dep != 0 and doc[start].tag != 0


@dataclass(slots=True)
class _Group:
    """One rule's patterns in one matcher, with the words each pattern needs.

    The spaCy matcher is built the first time a doc holds the anchor words: a
    draft pays only for the rules it could trigger. Patterns were validated when
    their file was read (rules.load), so building cannot fail on bad input.
    """

    rule: Rule
    build: Callable[[], Any]
    anchors: tuple[Anchors, ...]  # per pattern; empty Anchors = always run
    parsed: bool
    built: Any = None

    @property
    def matcher(self) -> Any:
        """Return the spaCy matcher, building it on first use."""
        if self.built is None:
            try:
                self.built = self.build()
            except (ValueError, TypeError, KeyError) as exc:
                raise _fail(self.rule, f"patterns: {_spacy_reason(exc)}") from None
        return self.built

    def could_match(self, words: frozenset[str]) -> bool:
        """Tell whether a doc with these lower-cased words could match a pattern."""
        return any(pattern.held_by(words) for pattern in self.anchors)


@functools.cache
def _common_words() -> frozenset[str]:
    """Words too common to index patterns under: stop words and punctuation."""
    import string

    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | frozenset(string.punctuation)


def _commonness(words: frozenset[str]) -> tuple[bool, int]:
    """Rank an anchor set: whether it holds a common word, then its size.

    Set operations only: the index is built over thousands of sets at the first check.
    """
    return not words.isdisjoint(_common_words()), len(words)


#: Sets of words whose woken groups one _Waker remembers before it starts over.
WAKER_MEMORY = 1_024


class _Waker:
    """Find the groups that could match a set of words without asking every group.

    Each pattern is filed under the words of one of its anchor sets: it can only
    match where one of those words occurs, so only the patterns filed under a word
    at hand are asked (:meth:`Anchors.held_by`); a group wakes when one of its
    patterns could match, as :meth:`_Group.could_match` says. The set chosen is one
    without common words (stop words, punctuation) if there is one, then the smallest:
    any set gives the same answers, a rare one asks fewer groups. Groups with a
    pattern that has no anchors are always asked.
    """

    def __init__(self, groups: list[_Group]) -> None:
        self.groups = groups
        #: (group, pattern) pairs always asked: patterns without anchor words
        self.always: set[tuple[int, int]] = set()
        #: the groups each set of words woke, for sets seen before
        self.memo: dict[frozenset[str], list[int]] = {}
        self.by_word: dict[str, set[tuple[int, int]]] = {}
        for i, group in enumerate(groups):
            for j, pattern in enumerate(group.anchors):
                if not pattern.sets:
                    self.always.add((i, j))
                    continue
                sets = pattern.sets
                for word in sets[0] if len(sets) == 1 else min(sets, key=_commonness):
                    self.by_word.setdefault(word, set()).add((i, j))
        self.filed_words = frozenset(self.by_word)
        #: every word of an anchor set, and the anchor regexes: what the answer reads
        self.set_words: frozenset[str] = frozenset().union(
            *(words for group in groups for pattern in group.anchors for words in pattern.sets)
        )
        regexes = {id(r): r for group in groups for p in group.anchors for r in p.regexes}
        self.regexes = tuple(regexes.values())
        #: whether some anchor regex finds a word, for words seen before
        self.regex_words: dict[str, bool] = {}

    def _key(self, words: frozenset[str]) -> frozenset[str]:
        """Return the words the answer for ``words`` depends on.

        Filing, anchor sets and anchor regexes read nothing else: words of an
        anchor set, and words some anchor regex finds. Sentences that differ only
        in other words (amounts, invoice numbers, dates) share their answer.
        """
        kept = words & self.set_words
        if not self.regexes:
            return kept
        found = self.regex_words
        extra = []
        for word in words - kept:
            hit = found.get(word)
            if hit is None:
                if len(found) >= REGEX_MEMORY:
                    found.clear()
                hit = found[word] = any(r.regex.search(word) for r in self.regexes)
            if hit:
                extra.append(word)
        return kept.union(extra) if extra else kept

    def _woken(self, words: frozenset[str]) -> list[int]:
        # the answer depends on the words alone (anchor sets and regexes read nothing
        # else): sentences with the same words that matter are looked up once
        key = self._key(words)
        known = self.memo.get(key)
        if known is None:
            if len(self.memo) >= WAKER_MEMORY:
                self.memo.clear()
            known = self.memo[key] = self._find_woken(key)
        return known

    def _find_woken(self, words: frozenset[str]) -> list[int]:
        asked = set(self.always)
        by_word = self.by_word
        for word in words & self.filed_words:
            asked |= by_word[word]
        woken: set[int] = set()
        for i, j in asked:
            if i not in woken and self.groups[i].anchors[j].held_by(words):
                woken.add(i)
        return sorted(woken)

    def woken(self, words: frozenset[str]) -> list[_Group]:
        """Return, in order, the groups that could match a text with these words."""
        return [self.groups[i] for i in self._woken(words)]

    def any_woken(self, words: frozenset[str]) -> bool:
        """Tell whether any group could match a text with these words."""
        return bool(self._woken(words))


class Kind:
    """A rule kind: validates its rules and yields candidates on a Doc."""

    name: ClassVar[str]

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        self.vocab = vocab
        self.make_doc = make_doc
        self.rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> None:
        """Validate ``rule`` and add it to this kind's matcher."""
        self.rules[rule.id] = rule

    def find(self, doc: Doc, words: Words, *, parsed_only: bool = False) -> Iterator[Candidate]:
        """Yield this kind's candidates on ``doc`` (``words``: its lower-cased words).

        With ``parsed_only``, yield only those of patterns that read the parse.
        """
        raise NotImplementedError

    def parse_groups(self) -> list[_Group]:
        """Return the groups of patterns that need the tagger or parser."""
        return []

    def lazy_groups(self) -> list[_Group]:
        """Return the groups whose matchers are built on first use."""
        return []


class PhraseKind(Kind):
    """Exact phrases, matched case-insensitively on the token text."""

    name = "phrase"

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        super().__init__(vocab, make_doc)
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(vocab, attr="LOWER")

    def add(self, rule: Rule) -> None:
        patterns = rule.spec.patterns
        if not patterns or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise _fail(rule, "patterns: a phrase rule needs a list of non-empty strings")
        super().add(rule)
        self.matcher.add(rule.id, [self.make_doc(normalize(p.lower())) for p in patterns])

    def find(self, doc: Doc, words: Words, *, parsed_only: bool = False) -> Iterator[Candidate]:
        if parsed_only:
            return
        for match_id, start, end in self.matcher(doc):
            yield Candidate(self.rules[self.vocab.strings[match_id]], start, end)


#: A bounded repeat: "{2}", "{0,10}", "{,5}", "{1,}".
BOUNDED_OP = re.compile(r"\{(\d*)(,?)(\d*)\}")


def _relaxed(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the pattern with each bounded repeat made unbounded ("{0,10}" -> "*").

    It matches wherever the pattern does (and maybe more). spaCy unrolls "{0,10}"
    into ten optional tokens and follows every way of filling them: a sentence
    holding all of a long pattern's words can take seconds. "*" and "+" it follows
    as one state each.
    """
    relaxed = []
    for token in pattern:
        op = token.get("OP")
        bounded = BOUNDED_OP.fullmatch(op) if isinstance(op, str) else None
        if bounded:
            least = int(bounded[1] or 0)
            token = {**token, "OP": "+" if least >= 1 else "*"}
        relaxed.append(token)
    return relaxed


class _Sieved:
    """A matcher that runs only where a cheaper one that finds a superset found something."""

    __slots__ = ("exact", "sieve")

    def __init__(self, sieve: Any, exact: Any) -> None:
        self.sieve = sieve
        self.exact = exact

    def __call__(self, doc: Any) -> Any:
        """Return the exact matcher's matches on ``doc`` (a Doc or Span)."""
        return self.exact(doc) if self.sieve(doc) else []


class TokenKind(Kind):
    """Token patterns for spaCy's Matcher (LOWER, LEMMA, POS, OP …).

    Each rule gets its own matchers, woken only by its anchor words. Patterns that
    use tagger or parser attributes sit in a separate matcher that runs only on
    docs carrying those annotations, so the rest work on a blank pipeline.
    """

    name = "token"

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        super().__init__(vocab, make_doc)
        self.groups: list[_Group] = []
        self.wakers: dict[bool, _Waker] = {}  # by parsed_only, built on first use

    def add(self, rule: Rule) -> None:
        patterns = _pattern_lists(rule, "token-pattern")
        # token attributes were checked when the rules were read (rules.load)
        super().add(rule)
        self.wakers.clear()
        for parsed in (False, True):
            group = [p for p in patterns if self._pattern_needs_parse(p) == parsed]
            if group:
                anchors = tuple(Anchors.of(p) for p in group)
                self.groups.append(_Group(rule, self._builder(rule.id, group), anchors, parsed))

    def _builder(self, rule_id: str, patterns: list[Any]) -> Callable[[], Any]:
        def build() -> Any:
            from spacy.matcher import Matcher

            matcher = Matcher(self.vocab)  # validated by rules.load when the file changed
            matcher.add(rule_id, patterns, greedy="LONGEST")
            relaxed = [_relaxed(p) for p in patterns]
            if relaxed == patterns:
                return matcher
            first = Matcher(self.vocab)
            first.add(rule_id, relaxed, greedy="LONGEST")
            return _Sieved(first, matcher)

        return build

    @staticmethod
    def _pattern_needs_parse(pattern: list[dict[str, Any]]) -> bool:
        return any(key in PARSE_ATTRS for token in pattern for key in token)

    def parse_groups(self) -> list[_Group]:
        return [g for g in self.groups if g.parsed]

    def lazy_groups(self) -> list[_Group]:
        return self.groups

    def _waker(self, parsed_only: bool) -> _Waker:
        waker = self.wakers.get(parsed_only)
        if waker is None:
            waker = self.wakers[parsed_only] = _Waker(
                self.parse_groups() if parsed_only else self.groups
            )
        return waker

    def find(self, doc: Doc, words: Words, *, parsed_only: bool = False) -> Iterator[Candidate]:
        waker = self._waker(parsed_only)
        for first, last, sent_words in words.sentences:
            for group in waker.woken(sent_words):
                if not group.parsed or is_parsed(doc, first):
                    for _, start, end in group.matcher(doc[first:last]):
                        yield Candidate(group.rule, first + start, first + end)


class DependencyKind(Kind):
    """Dependency-tree patterns (spaCy's DependencyMatcher): subjects at a distance."""

    name = "dependency"

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        super().__init__(vocab, make_doc)
        self.groups: list[_Group] = []

    def add(self, rule: Rule) -> None:
        from spacy.matcher import DependencyMatcher

        patterns = _pattern_lists(rule, "node")
        for i, pattern in enumerate(patterns, start=1):
            for j, node in enumerate(pattern, start=1):
                if not isinstance(node, dict):
                    raise _fail(rule, f"pattern {i}, node {j}: expected a mapping")
                for key in node:
                    if key not in DEPENDENCY_KEYS:
                        close = difflib.get_close_matches(str(key), DEPENDENCY_KEYS, n=1)
                        hint = f" (did you mean '{close[0]}'?)" if close else ""
                        raise _fail(rule, f"pattern {i}, node {j}: unknown key '{key}'{hint}")
                _check_attrs(rule, node.get("RIGHT_ATTRS", {}), f"pattern {i}, node {j}")
        super().add(rule)

        def build() -> Any:
            matcher = DependencyMatcher(self.vocab)  # validated by rules.load
            matcher.add(rule.id, patterns)
            return matcher

        anchors = tuple(Anchors.of([n.get("RIGHT_ATTRS", {}) for n in p]) for p in patterns)
        self.groups.append(_Group(rule, build, anchors, parsed=True))

    def parse_groups(self) -> list[_Group]:
        return self.groups

    def lazy_groups(self) -> list[_Group]:
        return self.groups

    def find(self, doc: Doc, words: Words, *, parsed_only: bool = False) -> Iterator[Candidate]:
        starts = [first for first, _, _ in words.sentences]
        parsed = [is_parsed(doc, first) for first in starts]
        if not any(parsed):
            return
        for group in self.groups:
            if group.could_match(words.doc):
                for _, token_ids in group.matcher(doc):
                    # a match must lie in parsed sentences: a token the parser has
                    # not seen has no head, and would stand in for one
                    if all(parsed[bisect.bisect_right(starts, i) - 1] for i in token_ids):
                        yield Candidate(group.rule, min(token_ids), max(token_ids) + 1)

    @property
    def within_sentences(self) -> bool:
        """Tell whether every pattern links its nodes through the tree only.

        Such a match lies within one sentence, because the parser keeps each
        sentence a tree of its own; an operator of word order ('.', ';') could
        reach across sentences.
        """
        return all(
            node.get("REL_OP") in TREE_OPS
            for rule in self.rules.values()
            for pattern in rule.spec.patterns or []
            for node in pattern[1:]
        )


class _ShoutingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    caps_words: int | None = Field(default=None, ge=2)
    min_letters: int = Field(default=2, ge=1)
    long_word: int = Field(default=4, ge=1)
    exclamations: int | None = Field(default=None, ge=2)
    ignore: list[str] = []


class ShoutingKind(Kind):
    """ALL-CAPS runs of words and runs of exclamation marks."""

    name = "shouting"
    EXCLAIM = re.compile(r"[!?]{2,}")

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        super().__init__(vocab, make_doc)
        self.params: dict[str, _ShoutingParams] = {}

    def add(self, rule: Rule) -> None:
        params = _params(rule, _ShoutingParams)
        if params.caps_words is None and params.exclamations is None:
            raise _fail(rule, "params: a shouting rule needs caps_words or exclamations")
        super().add(rule)
        self.params[rule.id] = params

    def find(self, doc: Doc, words: Words, *, parsed_only: bool = False) -> Iterator[Candidate]:
        if parsed_only:
            return
        # a run of marks holds a "!", which some token holds
        text = doc_text(doc) if any("!" in word for word in words.doc) else ""
        for rule_id, p in self.params.items():
            rule = self.rules[rule_id]
            if p.exclamations:
                for m in self.EXCLAIM.finditer(text):
                    if "!" not in m.group() or len(m.group()) < p.exclamations:
                        continue
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if span is not None:
                        yield Candidate(rule, span.start, span.end)
            if p.caps_words and self._could_shout(doc, p):
                yield from self._caps_runs(doc, rule, p)

    @staticmethod
    def _could_shout(doc: Doc, p: _ShoutingParams) -> bool:
        """Tell cheaply whether ``doc`` could hold a shouted run.

        Every word of a run is upper case, and one has at least ``long_word``
        letters, so a doc needs ``caps_words`` upper-case tokens and one that long.
        """
        upper, length = doc.to_array(["IS_UPPER", "LENGTH"]).T
        shouted = upper == 1
        return int(shouted.sum()) >= (p.caps_words or 0) and bool(
            (length[shouted] >= p.long_word).any()
        )

    def _caps_runs(self, doc: Doc, rule: Rule, p: _ShoutingParams) -> Iterator[Candidate]:
        ignore = {w.upper() for w in p.ignore}
        run: list[int] = []
        has_long = False

        def flush() -> Iterator[Candidate]:
            if len(run) >= (p.caps_words or 0) and has_long:
                yield Candidate(rule, run[0], run[-1] + 1)

        # flags read once, in bulk: this runs on most collections mail (invoice numbers
        # and currency codes are upper case). Between runs nothing changes until an
        # upper-case token (a token that is not one can neither start a run nor end
        # one that is not there), so only the stretches from each such token on, while
        # a run lasts, are read token by token.
        flags = doc.to_array(["IS_PUNCT", "IS_SPACE", "IS_UPPER"]).tolist()
        n = len(flags)
        i = 0
        for first in (k for k, (_, _, upper) in enumerate(flags) if upper):
            if first < i:
                continue  # read already, within a run
            i = first
            while i < n:
                punct, space, _ = flags[i]
                word = doc[i].text
                i += 1
                if punct and run and word not in ".?!\n":
                    continue  # commas and dashes inside a shouted run keep it going
                upper = word.isupper()
                letters = sum(map(str.isalpha, word)) if upper else 0
                if upper and letters >= p.min_letters and word.strip("'’").upper() not in ignore:
                    run.append(i - 1)
                    has_long = has_long or letters >= p.long_word
                elif upper and run and word.upper() in {"I", "A"}:
                    run.append(i - 1)
                elif not space and not punct and not any(map(str.isalpha, word)):
                    continue  # numbers and symbols neither start nor break a run
                else:
                    yield from flush()
                    run, has_long = [], False
                    break
        yield from flush()


class _SentimentParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(le=0.0, ge=-1.0)
    aimed_at: list[str] = Field(min_length=1)
    strongest_word: float = Field(default=-4.0, le=0.0, ge=-4.0)
    factual: list[str] = []


class SentimentKind(Kind):
    """Sentences VADER rates strongly negative that are aimed at the reader.

    A sentence must score at or below ``threshold``, address the reader (a word of
    ``aimed_at``) and hold at least one word whose VADER valence is at or below
    ``strongest_word`` that is not listed in ``factual``: plain dispute facts
    ("rejected", "missing") score negative too, and only a hostile word makes the
    sentence an attack.

    Reports a sentence only when no other rule flagged anything in it, so it adds
    what the word lists miss without repeating them.
    """

    name = "sentiment"

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        super().__init__(vocab, make_doc)
        self.params: dict[str, _SentimentParams] = {}

    def add(self, rule: Rule) -> None:
        self.params[rule.id] = _params(rule, _SentimentParams)
        super().add(rule)
        if not hasattr(self, "valence"):
            from mailcoach.nlp.sentiment import vader

            self.valence: dict[str, float] = vader().lexicon

    def _hostile(self, token: Token, p: _SentimentParams) -> bool:
        """Tell whether a word is strongly negative in VADER and not a plain dispute fact."""
        if token.is_upper or token.lower_ in p.factual:  # acronyms ("PO") and facts
            return False
        return self.valence.get(token.lower_, 0.0) <= p.strongest_word

    def find(self, doc: Doc, words: Words, *, parsed_only: bool = False) -> Iterator[Candidate]:
        from mailcoach.nlp.sentiment import sentence_scores

        if parsed_only:
            return
        for rule_id, p in self.params.items():
            targets = {w.lower() for w in p.aimed_at}
            for sent, compound in sentence_scores(doc):
                if (
                    compound <= p.threshold
                    and any(t.lower_ in targets for t in sent)
                    and any(self._hostile(t, p) for t in sent)
                ):
                    visible = [t for t in sent if not t.is_space]
                    if visible:
                        yield Candidate(self.rules[rule_id], visible[0].i, visible[-1].i + 1)


#: The model needs context: in a sentence of three words one word decides the score
#: ("You are right." read as blame), so shorter sentences are left to the rules.
MODEL_MIN_WORDS = 4


class _BarParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(gt=0.0, lt=1.0)
    floor: float = Field(default=0.0, ge=0.0, lt=1.0)


class _ContextParams(_BarParams):
    weights: str = Field(pattern=r"^[\w.-]+\.json$")
    in_warned_draft: _BarParams | None = None


class _ModelParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: str = Field(pattern=r"^[\w.-]+\.json$")
    threshold: float = Field(gt=0.0, lt=1.0)
    context: _ContextParams | None = None


#: The score an in-context model (``params.context`` of a model rule) must have.
HURTFUL = "hurtful"
_K = TypeVar("_K")
_W = TypeVar("_W")
_Weights = TypeVar("_Weights", covariant=True)  # read only: InContext is frozen


@dataclass(frozen=True, slots=True)
class InContext(Generic[_Weights]):
    """How a model rule reads an in-context model: its weights, the threshold its
    ``hurtful`` score must reach and the floor the sentence model's leaning must
    reach; and, if set, a lower pair of both for a draft with a warning elsewhere."""

    weights: _Weights
    threshold: float
    floor: float
    in_warned_draft: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: a key per rule
class _ModelRule:
    rule: Rule
    threshold: float
    category: str
    #: the in-context model's weights file and bars, if the rule has one
    context: InContext[Path] | None


def model_rule_context(rule: Rule) -> InContext[Path] | None:
    """Return how a ``model`` rule reads its in-context model (``params.context``), with
    the weights file's path; None if it has none.

    Raises:
        LexiconError: if the rule's params are invalid.
    """
    c = _params(rule, _ModelParams).context
    if c is None:
        return None
    warned = c.in_warned_draft
    return InContext(
        Path(rule.file).parent / c.weights,
        c.threshold,
        c.floor,
        (warned.threshold, warned.floor) if warned is not None else None,
    )


class ModelKind(Kind):
    """Sentences the sentence model (``mailcoach.nlp.classifier``) scores for the category.

    A rule of this kind flags a whole sentence when the model's probability for
    the rule's category is at least ``threshold``; sentences of fewer than four
    words, lines that end in a comma (a greeting or sign-off: "Thanks very much,"),
    lead-ins that end in a colon, and blocks of lines that do not end a sentence
    (a name, an address, a signature) are not scored. ``weights`` names the
    weights file, in the rule file's folder. The model is scored once per
    sentence for all its rules. Like a ``sentiment`` rule it reports a sentence only when no
    other rule of its category flagged inside it (see ``GuardFilter``).

    With ``context`` (a second weights file with a "hurtful" score, trained
    on the sentences of whole drafts, and its threshold), a sentence that no rule of
    the same sentence model flagged but that the in-context model finds hurtful is
    flagged when the sentence model's best rating (against its threshold) is at
    least ``floor``: by the rule, among those with a ``context``, whose category the
    in-context model rates highest, if it scores the categories too, else the one
    the sentence model rates highest. With ``context.in_warned_draft`` (a lower
    threshold and floor), a sentence that clears only those is a reserve: it is
    flagged only in a draft that has a warning elsewhere (see ``GuardFilter`` and
    ``mailcoach.analyze``), where hurt seldom comes alone.
    """

    name = "model"

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        super().__init__(vocab, make_doc)
        #: per weights file: its rules
        self.by_model: dict[Path, list[_ModelRule]] = {}

    def add(self, rule: Rule) -> None:
        from mailcoach.nlp.classifier import load_classifier

        p = _params(rule, _ModelParams)
        folder = Path(rule.file).parent
        path = folder / p.weights
        if rule.category.value not in load_classifier(path).categories:
            raise _fail(rule, f"params.weights: {p.weights} has no '{rule.category.value}' scores")
        context = model_rule_context(rule)
        if context is not None and HURTFUL not in load_classifier(context.weights).categories:
            raise _fail(
                rule, f"params.context.weights: {context.weights.name} has no '{HURTFUL}' scores"
            )
        self.by_model.setdefault(path, []).append(
            _ModelRule(rule, p.threshold, rule.category.value, context)
        )
        super().add(rule)

    def find(self, doc: Doc, words: Words, *, parsed_only: bool = False) -> Iterator[Candidate]:
        from mailcoach.nlp.classifier import load_classifier

        if parsed_only:
            return
        sentences = list(_model_sentences(doc, words))
        for path, rules in self.by_model.items():
            model = load_classifier(path)
            in_context = {r: r.context for r in rules if r.context is not None}
            for start, end, sentence_words, text, previous in sentences:
                scores = model.probabilities(sentence_words, text, previous)
                fired = False
                for r in rules:
                    if scores[r.category] >= r.threshold:
                        fired = True
                        yield Candidate(r.rule, start, end)
                if fired or not in_context:
                    continue
                picked = in_context_pick(
                    {r: (r.category, scores[r.category] / r.threshold) for r in in_context},
                    in_context.__getitem__,
                    _scoring(sentence_words, text, previous),
                )
                if picked is not None:
                    yield Candidate(picked[0].rule, start, end, reserve=picked[1])


def _scoring(
    words: list[str], text: str, previous: tuple[list[str], str] | None
) -> Callable[[Path], Mapping[str, float]]:
    """Return how a weights file scores one sentence (read only if it is asked)."""
    from mailcoach.nlp.classifier import load_classifier

    return lambda weights: load_classifier(weights).probabilities(words, text, previous)


def in_context_pick(
    ratings: Mapping[_K, tuple[str, float]],
    context_of: Callable[[_K], InContext[_W]],
    score: Callable[[_W], Mapping[str, float]],
) -> tuple[_K, bool] | None:
    """Return which of the rules with a ``context`` flags a sentence that no model rule
    flagged, and whether only in a draft with a warning elsewhere (a reserve); or
    None (see ``ModelKind``): the shared decision of the model rules and of the
    yardstick, which replays it on out-of-fold scores.

    Args:
        ratings: per rule, its category and the sentence model's probability for it
            against the rule's threshold.
        context_of: how a rule reads its in-context model.
        score: the in-context model's scores of the sentence, given its weights;
            called only when the sentence model leans far enough.
    """
    leaning = max(ratings, key=lambda r: ratings[r][1])
    context = context_of(leaning)
    bars = [(context.threshold, context.floor, False)]
    if context.in_warned_draft is not None:
        bars.append((*context.in_warned_draft, True))
    lean = ratings[leaning][1]
    if all(lean < floor for _, floor, _ in bars):
        return None
    hurt = score(context.weights)
    reserve = next(
        (r for threshold, floor, r in bars if lean >= floor and hurt[HURTFUL] >= threshold), None
    )
    if reserve is None:
        return None
    if all(category in hurt for category, _ in ratings.values()):  # it says which, too
        return max(ratings, key=lambda r: hurt[ratings[r][0]]), reserve
    return leaning, reserve


def model_sentences(
    doc: Doc, words: Words | None = None
) -> Iterator[tuple[list[Token], list[str], str, tuple[list[str], str] | None]]:
    """Yield what the sentence model reads of each sentence it scores.

    For each sentence: its visible tokens, its words (``sentence_words``), its
    text, and the words and text of the sentence before it (None for the first).
    Fragments of fewer than ``MODEL_MIN_WORDS`` words, lines that end in a comma,
    lead-ins that end in a colon ("Here is what we will do:", whose meaning is in
    what follows, itself scored) and blocks of lines that do not end a sentence are
    not scored, but they are
    still the sentence before the next one ("Right." before "Understood, I'll wait.").
    ``doc`` needs sentence boundaries.
    """
    space = doc.to_array("IS_SPACE").tolist()
    for start, end, sentence_words, text, previous in _model_sentences(doc, words):
        visible = [doc[i] for i in range(start, end) if not space[i]]
        yield visible, sentence_words, text, previous


def _model_sentences(
    doc: Doc, words: Words | None = None
) -> Iterator[tuple[int, int, list[str], str, tuple[list[str], str] | None]]:
    """Yield what :func:`model_sentences` does, with the sentence's first visible token
    and the one after its last in place of its visible tokens.

    The tokens' attributes are read for the whole doc at once, and texts are cut from
    the doc's text: per sentence, that is what the model's own Python costs.
    """
    from mailcoach.nlp.guards import quote_regions

    if not len(doc):
        return
    space, alpha, at, length = (
        column.tolist() for column in doc.to_array(["IS_SPACE", "IS_ALPHA", "IDX", "LENGTH"]).T
    )
    words = words or Words.cached(doc)
    lowers = words.lowers if len(words.lowers) == len(doc) else [t.lower_ for t in doc]
    whole = doc_text(doc)
    previous: tuple[list[str], str] | None = None
    for first, last, _ in words.sentences:
        visible = [i for i in range(first, last) if not space[i]]
        if not visible:
            continue
        # as doc[first:last].text: from the first token to the end of the last one
        text = whole[at[first] : at[last - 1] + length[last - 1]].strip()
        # as sentence_words: quotations are found in the text of the visible tokens
        a, b = visible[0], visible[-1]
        offset = at[a]
        regions = list(quote_regions(whole[offset : at[b] + length[b]]))
        if regions:
            own_words = [
                lowers[i] for i in visible if not any(x <= at[i] - offset < y for x, y in regions)
            ]
        else:
            own_words = [lowers[i] for i in visible]
        own = (own_words, text)
        if not (
            sum(alpha[i] for i in visible) < MODEL_MIN_WORDS
            or ("\n" in text and text[-1] not in ".!?")
            or text[-1] in ",:"
        ):
            yield a, b + 1, own_words, text, previous
        previous = own


#: The closed set of rule kinds. A new kind is a reviewed change with docs.
KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (PhraseKind, TokenKind, DependencyKind, ShoutingKind, SentimentKind, ModelKind)
}


class CompiledRules:
    """A RuleSet compiled against one vocabulary."""

    def __init__(self, rules: RuleSet, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        self.rules = rules
        self.kinds: dict[str, Kind] = {}
        for rule in rules:
            kind_cls = KINDS.get(rule.spec.kind)
            if kind_cls is None:  # the schema already limits kinds; this guards drift
                raise _fail(rule, f"unknown kind '{rule.spec.kind}'")
            kind = self.kinds.get(kind_cls.name)
            if kind is None:
                kind = self.kinds[kind_cls.name] = kind_cls(vocab, make_doc)
            kind.add(rule)

    def build_all(self) -> None:
        """Build every matcher now instead of the first time a draft wakes it.

        Needed before checking inside spaCy memory zones: a matcher built in a
        zone would keep the strings of its rule and patterns that the zone frees.
        """
        for kind in self.kinds.values():
            for group in kind.lazy_groups():
                group.matcher  # noqa: B018  (builds it)

    @functools.cached_property
    def _parse_waker(self) -> _Waker:
        return _Waker([group for kind in self.kinds.values() for group in kind.parse_groups()])

    @property
    def parse_within_sentences(self) -> bool:
        """Tell whether every parse-reading match lies within one sentence.

        Token patterns run sentence by sentence; dependency patterns do when they
        use tree operators only. Then parsing the sentences where such a rule could
        match is as good as parsing the whole doc.
        """
        kind = self.kinds.get(DependencyKind.name)
        return not isinstance(kind, DependencyKind) or kind.within_sentences

    def sentences_to_parse(self, doc: Doc) -> list[int]:
        """Return the sentences where a rule that needs the parse could match.

        A parse-dependent match lies within one sentence (a dependency tree never
        crosses one), so a pattern can only match where all its anchor words occur
        in the same sentence. Indexes are into ``Words.cached(doc).sentences``;
        ``doc`` needs sentence boundaries.
        """
        waker = self._parse_waker
        return [
            i
            for i, (_, _, sent_words) in enumerate(Words.cached(doc).sentences)
            if waker.any_woken(sent_words)
        ]

    def parse_could_help(self, doc: Doc) -> bool:
        """Tell whether a rule that needs the parse could match ``doc`` once parsed."""
        return bool(self.sentences_to_parse(doc))

    def find(self, doc: Doc, *, parsed_only: bool = False) -> list[Candidate]:
        """Return every candidate of every rule on ``doc``, in document order.

        With ``parsed_only``, only the candidates of patterns that read the parse:
        the others are the same before and after parsing.
        """
        words = Words.cached(doc)
        found = [
            c
            for kind in self.kinds.values()
            for c in kind.find(doc, words, parsed_only=parsed_only)
        ]
        return sorted(found, key=lambda c: (c.start, -c.end, c.rule.id))
