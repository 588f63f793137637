"""Turn a checked draft into a calmer one: edits by offset, checked again until clean.

Every flagged sentence of the sender's own text gets a plan, from light to heavy:

1. **phrase** — only the flagged words change, by the rule's own ``rewrite``
   (a literal replacement or a phrase template), when every finding in the
   sentence has one;
2. **clause** — the comma-delimited clause holding the findings is dropped and the
   rest kept, when the rest still stands as a sentence ("As I said, the deposit is
   registered" → "The deposit is registered"; "The labels were wrong, and that is
   entirely our fault" → "The labels were wrong");
3. **sentence** — the sentence is rewritten from its worst category's template in
   ``templates/rewrites/``, keeping the sentence's amounts, references and dates;
4. **facts** — the sentence becomes a plain statement of its facts
   (``templates/rewrites/facts.j2``), or goes if it has none.

A sentence goes only when nothing in it need survive: no fact, count, question,
request, offer or commitment, and no main clause that reports what happened or was
promised, the state of things or a next step (:mod:`mailcoach.rewriting.content`).
Otherwise it is edited or left as written with a note. Every edit of a sentence
that stood must still stand (a subject, a finite verb, nothing dangling, no
negation lost), keep the reader's quoted words and keep each proportionate step,
firm where the writer made it firm.

The rewritten text is checked again with the same settings; a sentence that still
carries a finding moves to the next plan, until nothing at or above the level is
left or every plan is spent. Quoted replies and the signature are never edited;
the benchmark clause is inserted once, after the sender's last paragraph.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import TYPE_CHECKING

from mailcoach.analyze import Source, analyze_drafts, check
from mailcoach.coaching import (
    asks_for_refund,
    asks_something,
    carries_content,
    claim_words,
    content_marks,
    is_benchmark,
    situations,
)
from mailcoach.dispute import Fact, find_facts
from mailcoach.facts.patterns import UNITS
from mailcoach.model import Category, Draft, Finding, Report, Segment, SegmentKind, Severity
from mailcoach.rewriting.benchmark import (
    NO_CLAUSE,
    Benchmark,
    BenchmarkForm,
    BenchmarkParams,
    benchmark_clause,
    template_for_role,
)
from mailcoach.rewriting.content import (
    clause_content,
    content_clauses,
    load_keep,
    lost_negation,
    main_clauses,
    reported_quotes,
    well_formed,
)
from mailcoach.rewriting.rephrase import (
    load_adjuncts,
    load_counts,
    load_rephrasings,
    load_steps,
)
from mailcoach.settings import Settings

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from mailcoach.rules.load import RuleSet
from mailcoach.templating import render, sentence_case

FOLDER = "rewrites"

#: When a sentence carries several categories, the first one here picks the template.
CATEGORY_ORDER: tuple[Category, ...] = (
    Category.THREATENING,
    Category.LIABILITY,
    Category.BLAMING,
    Category.SARCASTIC,
    Category.INFLAMMATORY,
    Category.PASSIVE_AGGRESSIVE,
)
#: How many times a rewrite is checked again and strengthened at most.
MAX_ROUNDS = 3

_AGAIN = re.compile(
    r"\b(?:again|always|every\s+(?:single\s+)?time|yet\s+another|another|keeps?|kept|"
    r"once\s+more|(?:second|third|fourth|fifth|nth)\s+time)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:]|\s[-\u2013\u2014])\s+")
#: A quotation in double quotation marks, straight or curly.
_QUOTED_SPAN = re.compile(r"[\"\u201c][^\"\u201c\u201d\n]*[\"\u201d]")
#: A sentence that ends inside a quotation: 'saying "sign first, complain later."'.
_MARK_IN_QUOTE = re.compile(r"[.!?][\"\u201d]\s*$")


def _clause_breaks(text: str, end: int | None = None) -> list[re.Match[str]]:
    """Return the clause breaks of ``text`` (up to ``end``) outside its quotations:
    the comma of "left saying \"sign first, complain later\"" is the speaker's."""
    quoted = [m.span() for m in _QUOTED_SPAN.finditer(text)]
    return [
        m
        for m in _CLAUSE_BREAK.finditer(text, 0, len(text) if end is None else end)
        if not any(a < m.start() < b for a, b in quoted)
    ]


_SUBORDINATE = frozenset(
    "if unless when whenever although though because as since while until and but so or "
    "whatever whoever whichever which who whom whose whether that where".split()
)
_WH = frozenset("which who whom whose where when whether".split())
_AS_IS_WHEN = re.compile(
    r"(?i)^(?:by|on|before|until|in|within|last|next|this|yesterday|tomorrow|today|\d+\s)"
)
_AS_IS_BY = re.compile(r"(?i)^(?:by|before|until|within|in)\b")


class Plan(IntEnum):
    """How heavily a sentence is rewritten."""

    KEEP = 0
    PHRASE = 1
    CLAUSE = 2
    SENTENCE = 3
    FACTS = 4


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``body[start:end]`` of the original draft with ``replacement``.

    ``rule_id`` is the finding that called for it (None for the benchmark clause);
    ``why`` is that finding's reason, shown when edits are walked one by one.
    """

    start: int
    end: int
    replacement: str
    rule_id: str | None
    why: str = ""
    original: str = ""


@dataclass(frozen=True, slots=True)
class RewriteResult:
    """A rewritten draft: the text, the edits that made it, and its new check."""

    text: str
    edits: tuple[Edit, ...]
    benchmark: Benchmark | None
    before: Report
    after: Report
    notes: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    left_as_written: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DateFact:
    """A date as written, with the forms templates need."""

    text: str
    value: str
    past: bool
    when: str  # "on October 15", "by Friday", "last week"
    by: str  # "by October 15", "by Friday"

    def __str__(self) -> str:
        return self.text


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    findings: list[Finding] = field(default_factory=list)
    plan: Plan = Plan.KEEP
    first: Plan = Plan.KEEP  # the plan it started with
    suggested: str = ""  # kept as written; this rewrite goes in the notes instead


def _lead(sentence: _Sentence) -> Finding:
    """Return the finding that speaks for a sentence: the worst category first."""
    return min(sentence.findings, key=lambda f: CATEGORY_ORDER.index(f.category))


def _trimmed(body: str, start: int, end: int) -> _Sentence:
    """Return the sentence ``body[start:end]`` without its surrounding whitespace."""
    text = body[start:end]
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    return _Sentence(start + lead, max(start + lead, end - trail))


def _date_fact(fact: Fact, today: datetime.date) -> DateFact:
    text = fact.text.strip().rstrip(".")
    bare = re.sub(r"(?i)^(?:by|on)\s+", "", text)
    when = text if _AS_IS_WHEN.match(text) else f"on {text}"
    by = text if _AS_IS_BY.match(text) else f"by {bare}"
    return DateFact(text, fact.value, fact.value < today.isoformat(), when, by)


def sentence_context(
    sentence: str, dispute_type: str, *, counterpart: str | None, today: datetime.date
) -> dict[str, object]:
    """Return what a sentence template may use: the sentence's facts and shape.

    Keys: ``sentence``, ``type``, ``amounts``, ``references``, ``dates``
    (:class:`DateFact`), ``facts`` (every fact as written, in order), ``again``
    (the sentence says it happened before), ``question``, ``counterpart``.
    """
    facts = find_facts(sentence, today=today)
    return {
        "sentence": sentence,
        "type": dispute_type,
        "amounts": [f.text for f in facts if f.kind == "amount"],
        "references": [f.text for f in facts if f.kind == "reference"],
        "dates": [_date_fact(f, today) for f in facts if f.kind == "date"],
        "facts": [f.text.strip().rstrip(".") if f.kind == "date" else f.text for f in facts],
        "again": bool(_AGAIN.search(sentence)),
        "question": sentence.rstrip().endswith("?"),
        "counterpart": counterpart,
    }


def _squash(text: str) -> str:
    """Return rendered template output as one line of single-spaced text."""
    return " ".join(text.split())


_TIDY = (
    (re.compile(r"[ \t]{2,}"), " "),
    (re.compile(r"[ \t]+([,.;:!?])"), r"\1"),
    (re.compile(r",\s*([,.;:!?])"), r"\1"),
    (re.compile(r"^[\s,;:]+"), ""),
    (re.compile(r"(?<=[a-z,]) i(?=[ ',.;:!?])"), " I"),
)


def tidy(sentence: str, *, capital: bool = True) -> str:
    """Return a sentence after words were dropped or replaced: spacing, commas, capital.

    ``capital`` False leaves the first letter as it is (the edit did not touch the
    sentence's opening, and the writer began it in lower case).
    """
    out = sentence
    for pattern, repl in _TIDY:
        out = pattern.sub(repl, out)
    return sentence_case(out) if capital else out


#: A promise the draft reports rather than a deadline it sets: "you promised the parts
#: by Thursday", "I was told it would be fixed before Friday"; not the writer's own
#: "as agreed" or "as I said", which still set one.
_REPORTED_PROMISE = re.compile(
    r"(?i)\b(?:you|he|she|they|someone|somebody|your\s+\w+|the\s+\w+)\s+"
    r"(?:promised|said|told\s+(?:me|us)|assured\s+(?:me|us)|agreed)\b"
    r"|\b(?:was|were)\s+(?:supposed|promised|told|assured)\b|\bshould\s+have\b"
)
_DIGIT_WORD = re.compile(r"[^\s(),;:!?\"']*\d[^\s(),;:!?\"']*")
_NUMBER_WORD = re.compile(
    r"(?i)\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twice)\b"
)
#: How sure the role guess must be before the role picks the benchmark clause.
ROLE_CONFIDENCE = 0.6
#: Share of a sentence's content words (outside its findings) a whole-sentence
#: template must keep.
KEEP_SHARE = 0.8
_STOP = frozenset(
    "a an the and or but so of to in on at for by with from as is are was were be been "
    "this that these those it its i we you your our my me us they them their there here "
    "have has had do does did not no yes will would can could should just very".split()
)


def _says_count(text: str, count: str) -> bool:
    """Tell whether ``text`` still says ``count`` ("three times" is said by "three")."""
    core = re.sub(r"(?i)\s+times$", "", count.strip())
    return re.search(rf"(?i)(?<!\w){re.escape(core)}(?!\w)", text) is not None


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower()) if w not in _STOP}


#: Dependency labels of words that can go without breaking the sentence.
_WE = re.compile(r"(?i)\b(?:we|our|us|we['\u2019](?:re|ve|ll|d))(?!\w)")
_I = re.compile(r"(?i)(?<![\w'\u2019])(?:i|my|me|i['\u2019](?:m|ve|ll|d))(?!\w)")
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
_ADJUNCT_DEPS = frozenset({"advmod", "npadvmod", "prep", "advcl", "intj", "meta", "dep"})
_ORPHAN = re.compile(
    r"(?:^[,;:.!?]|[,;:]\s*[.!?]$|\(\s*\)|\s[,;:]\s|[,;:]{2}"
    r"|^\W*\w+,\s+(?:and|but|or|so|which|because)\b|[.!?]\s+[a-z])"
)


def broken_invariant(
    old: str, new: str, *, today: datetime.date, template: bool = False
) -> str | None:
    """Return why ``new`` may not replace the writer's sentence ``old``, or None.

    Nothing invented (a digit-bearing word, a number word or a fact of ``new``
    that ``old`` lacks), nothing lost (every amount, date, reference and other
    digit-bearing word of ``old`` stays), no parenthesised fact list, no orphan
    punctuation; a whole-sentence template (``template``) may not bring in a claim
    word (a call, a plan, terms, history) that ``old`` did not make.
    """
    for word in _DIGIT_WORD.findall(new):
        if word.strip(".") not in old:
            return f"invented {word.strip('.')!r}"
    new_words = {w.strip(".") for w in _DIGIT_WORD.findall(new)}
    for word in _DIGIT_WORD.findall(old):
        # an address, a quote number, a plot or a flat: any digit-bearing word is a
        # fact, word for word (the "7" of "7 Glenview Terrace" is not the 7 of "Q-4471")
        if word.strip(".") not in new_words:
            return f"lost {word.strip('.')!r}"
    old_numbers = {w.lower() for w in _NUMBER_WORD.findall(old)}
    for word in _NUMBER_WORD.findall(new):
        if word.lower() not in old_numbers:
            return f"invented {word!r}"
    kept = {(f.kind, f.value) for f in find_facts(new, today=today)}
    had = find_facts(old, today=today)
    low = new.lower()
    for fact in had:
        if (fact.kind, fact.value) not in kept or fact.text.strip(" .").lower() not in low:
            return f"lost {fact.text!r}"
    known = {(f.kind, f.value) for f in had}
    for fact in find_facts(new, today=today):
        if (fact.kind, fact.value) not in known:
            return f"invented {fact.text!r}"
    if new.count("(") > old.count("("):
        return "a parenthesised list"
    if _ORPHAN.search(new.strip()):
        return "orphan punctuation"
    if template:
        extra = claim_words(new) - claim_words(old)
        if extra:
            return f"a claim the writer did not make ({', '.join(sorted(extra))})"
    return None


_Mark = tuple[int, int, str]


def _apply_marks(text: str, marks: Sequence[_Mark]) -> str | None:
    """Return ``text`` with its marks applied: cuts first, then replacements outside them.

    None when what is left is too short to stand as a sentence (under four words,
    from a sentence of six or more) or opens with a subordinating word ("if …",
    "whatever …").
    """
    cuts: list[list[int]] = []
    for a, b, _ in sorted(m for m in marks if not m[2]):
        if cuts and a <= cuts[-1][1]:
            cuts[-1][1] = max(cuts[-1][1], b)
        else:
            cuts.append([a, b])
    edits: list[_Mark] = [(a, b, "") for a, b in cuts]
    for a, b, new in sorted(m for m in marks if m[2]):
        if all(b <= x or a >= y for x, y, _ in edits):
            edits.append((a, b, new))
    out = text
    for a, b, new in sorted(edits, reverse=True):
        out = out[:a] + new + out[b:]
    if cuts:
        words = out.split()
        short = len(words) < 4 and len(text.split()) >= 6  # a short sentence may stay short
        opener = words[0].lower().strip(",")
        asks = opener in _WH and out.rstrip().endswith("?")  # "Which month?" is a question
        # a subordinating opener the writer did not begin with is what is left of a
        # main clause cut away; one they began with is checked on the parse
        # (:meth:`_Rewriter._is_fragment`)
        same_opener = text.split()[0].lower().strip(",") == opener if text.split() else False
        if short or (opener in _SUBORDINATE and not asks and not same_opener):
            return None
    return tidy(_articles(text, out.strip()), capital=any(a == 0 for a, _, _ in edits))


_ARTICLE = re.compile(r"\b([Aa]n?)(\s+)([A-Za-z][\w'-]*)")
#: Words that open with a vowel letter but a consonant sound, or the other way round.
_CONSONANT_SOUND = re.compile(r"(?i)(?:uni|use|usu|ure|eu|ewe|one\b|once\b|u\.)")
_VOWEL_SOUND = re.compile(r"(?i)(?:hour|honest|honou?r|heir)")


def _articles(old: str, new: str) -> str:
    """Return ``new`` with "a" and "an" agreeing with the word a cut brought next to
    them ("a cowboy outfit" -> "a outfit" -> "an outfit"); pairs the writer wrote
    stay as they were."""

    def fix(m: re.Match[str]) -> str:
        article, space, word = m[1], m[2], m[3]
        if m[0] in old or (article[0] == "A" and m.start() > 0):
            return m[0]  # the writer's own pair, or a capital "A" that names ("Plan A is")
        vowel = (word[0] in "aeiouAEIOU" and not _CONSONANT_SOUND.match(word)) or bool(
            _VOWEL_SOUND.match(word)
        )
        right = ("an" if vowel else "a") if article.islower() else ("An" if vowel else "A")
        return right + space + word

    return _ARTICLE.sub(fix, new)


def _cut_runs(old: str, new: str, least: int = 3) -> list[str]:
    """Return the runs of at least ``least`` words that ``new`` cut out of ``old``, as
    written (none when ``new`` is no cut of ``old``)."""
    if not _is_cut(old, new):
        return []
    before = old.split()
    key = [w.lower().strip(".,;:!?\u2014-") for w in before]
    after = [w.lower().strip(".,;:!?\u2014-") for w in new.split()]
    runs = []
    matcher = difflib.SequenceMatcher(a=key, b=after, autojunk=False)
    for op, i, j, _, _ in matcher.get_opcodes():
        if op in {"delete", "replace"} and j - i >= least:
            runs.append(" ".join(before[i:j]).strip(",;:.!?\u2014- "))
    return runs


def _is_cut(old: str, new: str) -> bool:
    """Tell whether ``new`` is ``old`` with words taken out (and a capital or a stop)."""
    want = iter(re.findall(r"[\w'\u2019£$€%.-]+", old.lower()))
    return all(
        any(word.strip(".") == have.strip(".") for have in want)
        for word in re.findall(r"[\w'\u2019£$€%.-]+", new.lower())
    )


@functools.lru_cache(maxsize=4)
def _firm_words(words: frozenset[str]) -> re.Pattern[str]:
    """Return the pattern of the words that make a step firm (``firm`` in ``keep.yml``)."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        body = re.escape(word).replace("'", "['\u2019]").replace(r"\ ", r"\s+")
        parts.append(body if word.startswith("'") else rf"(?<!\w){body}")
    return re.compile(r"(?i)(?:" + "|".join(parts) + r")(?!\w)")


class _Rewriter:
    def __init__(
        self,
        report: Report,
        settings: Settings,
        params: BenchmarkParams,
        level: Severity,
        today: datetime.date,
    ) -> None:
        self.report = report
        self.body = report.body
        self.settings = settings
        self.params = params
        self.level = level
        self.today = today
        from mailcoach.rules.load import load_rules

        self.rules: RuleSet = load_rules(settings.lexicons, settings.disable, settings.levels)
        self.sentences = [_trimmed(self.body, s.start, s.end) for s in report.sentiment.sentences]
        self._written: dict[tuple[int, int, Plan], str] = {}
        self._parsed: dict[str, Doc] = {}  # candidate texts are judged by several checks
        self._new_clause: tuple[Benchmark | None, Edit | None] | None = None
        self._completion: tuple[list[str], Edit | None, list[str]] | None = None
        self.removed: list[str] = []
        self.left: list[str] = []
        self.suggestion: Benchmark | None = None
        self._rules: dict[str, set[str]] = {}
        #: sentences left as written because each rewrite brought a warning of its own
        self.refused: dict[str, str] = {}
        self.changed: list[tuple[_Sentence, str]] = []

    # ------------------------------------------------------------------ planning

    def _sentence_at(self, start: int, end: int) -> _Sentence:
        best, overlap = None, 0
        for sentence in self.sentences:
            shared = min(end, sentence.end) - max(start, sentence.start)
            if shared > overlap:
                best, overlap = sentence, shared
        if best is None:  # a finding outside every sentence: treat its span as one
            best = _Sentence(start, end)
            self.sentences.append(best)
            self.sentences.sort(key=lambda s: s.start)
        return best

    def plan(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            if finding.severity >= self.level:
                self._sentence_at(finding.start, finding.end).findings.append(finding)
        for sentence in self.sentences:
            if sentence.findings:
                sentence.plan = Plan.PHRASE
                sentence.first = sentence.plan

    def keep_apologies(self) -> list[str]:
        """Keep a calm apology's flagged sentences as written; return the notes for them.

        When every flagged sentence of the draft is flagged only for liability (an
        open-ended admission or offer, and nothing hostile), the writer chose their
        words: each such sentence stays, and the bounded wording the rewrite would
        use is offered in the notes (``templates/rewrites/kept-apology.j2``). The
        issue allows either: bound the offer, or keep it and tell the writer.
        """
        flagged = [s for s in self.sentences if s.findings]
        if not flagged or any(
            f.category is not Category.LIABILITY for s in flagged for f in s.findings
        ):
            return []
        notes: list[str] = []
        for sentence in flagged:
            old = _one_line(self.body[sentence.start : sentence.end])
            # only wording that no longer admits or offers without limit is offered; a
            # cut that keeps "whatever they add up to" bounds nothing
            bounded = next((v for v in self._valid(sentence) if not self._flagged_rules(v)), "")
            sentence.suggested = bounded or old
            sentence.plan = sentence.first = Plan.KEEP
            notes.append(
                _squash(
                    render(
                        FOLDER,
                        "kept-apology.j2",
                        sentence=old,
                        bounded=_one_line(bounded),
                        rules=sorted({f.rule_id for f in sentence.findings}),
                    )
                )
            )
        return notes

    def _reported(self, sentence: _Sentence) -> list[tuple[int, int]]:
        """Return the spans of a sentence that quote what the reader said (by the parse)."""
        text = self.body[sentence.start : sentence.end]
        return reported_quotes(self._parse(text), load_keep())

    def keep_quotes(self) -> list[str]:
        """Keep as written each sentence flagged only for a quotation of the reader's words.

        "You promised someone would be back "first thing next week"" quotes the
        reader; taking the quotation marks out would change what the writer
        reports. Such a sentence stays, and the notes say why
        (``templates/rewrites/kept-quote.j2``). A sentence with other findings is
        rewritten as usual, but no rewrite of it may change the quotation
        (:meth:`_valid`).
        """
        notes: list[str] = []
        for sentence in self.sentences:
            if not sentence.findings or sentence.suggested:
                continue
            spans = self._reported(sentence)
            if not spans:
                continue
            text = self.body[sentence.start : sentence.end]
            inside = []
            for f in sentence.findings:
                a, b = f.start - sentence.start, f.end - sentence.start
                over = [(x, y) for x, y in spans if x < b and y > a]
                rest = text[a:b]
                for x, y in over:
                    rest = rest.replace(text[x:y], " ")
                inside.append(bool(over) and len(re.findall(r"[A-Za-z]+", rest)) <= 1)
            if not all(inside):
                continue
            sentence.suggested = text
            sentence.plan = sentence.first = Plan.KEEP
            notes.append(
                _squash(
                    render(
                        FOLDER,
                        "kept-quote.j2",
                        sentence=_one_line(text),
                        quotes=[_one_line(text[x:y]) for x, y in spans],
                        rules=sorted({f.rule_id for f in sentence.findings}),
                    )
                )
            )
        return notes

    # ------------------------------------------------------------------ writing

    def _phrase_mark(self, sentence: _Sentence, finding: Finding) -> _Mark | None:
        """Return the rule's own rewrite of a finding's words, if it has one that fits."""
        rule = self.rules.get(finding.rule_id)
        spec = rule.spec.rewrite if rule is not None else None
        if spec is None:
            return None
        rest = self.body[finding.end : sentence.end].lstrip()
        if spec.at_start and (
            self.body[sentence.start : finding.start].strip()
            or not rest.startswith(",")
            or _RELATIVE.match(rest[1:])  # "Per my last email, which I also sent on ..."
        ):
            return None
        match = self.body[finding.start : finding.end]
        new = (
            spec.replace
            if spec.replace is not None
            else _squash(render(FOLDER, f"phrase/{spec.template}.j2", match=match))
        )
        return finding.start - sentence.start, finding.end - sentence.start, new

    def _rephrase_marks(self, sentence: _Sentence, finding: Finding) -> list[_Mark]:
        """Return the rephrasings of the words around a finding, in ``rephrase.yml`` order.

        The first matching rule is the preferred one; the later ones are the
        alternatives the rewrite tries when the re-check flags the first.
        """
        text = self.body[sentence.start : sentence.end]
        a, b = finding.start - sentence.start, finding.end - sentence.start
        out: list[_Mark] = []
        model = self._is_model(finding)
        for rule in load_rephrasings():
            if finding.category.value not in rule.categories or (model and not rule.for_model):
                continue
            m = next(
                (m for m in rule.compiled.finditer(text) if m.start() < b and m.end() > a), None
            )
            if m is not None:
                mark = (m.start(), m.end(), m.expand(rule.replace))
                if mark not in out:
                    out.append(mark)
        return out

    def _parse(self, text: str) -> Doc:
        """Return the parse of ``text``, once per text for this rewrite."""
        if text not in self._parsed:
            from mailcoach.nlp.pipeline import PIPELINE_LOCK, get_pipeline

            nlp = get_pipeline(self.settings)
            with PIPELINE_LOCK:
                self._parsed[text] = nlp(text)
        return self._parsed[text]

    def _adjunct_cut(self, text: str, doc: Doc, a: int, b: int) -> _Mark | None:
        """Return the cut that drops the adjunct holding ``text[a:b]``, by the parse.

        The words must hang from one head that is an adjunct of a verb or
        adjective ("Frankly,", "for the third time", ", obviously", "As I've
        mentioned in each of my last three emails,") and say little more than the
        flagged words; the head's subtree goes with the comma that set it off.
        """
        inside = [t for t in doc if t.idx < b and t.idx + len(t) > a and not t.is_punct]
        if not inside:
            return None
        ids = {t.i for t in inside}
        heads = [t for t in inside if t.head.i not in ids or t.dep_ == "ROOT"]
        head = heads[0]
        if len({h.i for h in heads}) != 1:
            while head.dep_ != "ROOT" and not all(h in head.subtree for h in heads):
                head = head.head
        if head.dep_ in {"amod", "compound"} and head.head.pos_ in {"NOUN", "PROPN"}:
            return self._modifier_cut(text, head, a, b)
        aside = self._aside_cut(text, head)
        if aside is not None:
            return aside
        if head.dep_ not in _ADJUNCT_DEPS or head.head.pos_ not in {"VERB", "AUX", "ADJ"}:
            return None
        left = head.left_edge.idx
        right = head.right_edge.idx + len(head.right_edge)
        words = load_keep()
        asides = [
            t for t in head.subtree if t.dep_ == "relcl" and not clause_content(t, words)
        ]  # "Per my last two emails, which apparently nobody at your end reads,": a jab
        extra = " ".join(
            t.text
            for t in head.subtree
            if not a <= t.idx < b and not any(t in r.subtree for r in asides)
        )
        if len(_content_words(extra)) > 1:
            return None  # the adjunct says more than the hurtful words
        rest = text[right:]
        lead = len(rest) - len(rest.lstrip())
        if rest.lstrip().startswith((",", ":", "\u2014", ";")):
            right += lead + 1
        elif text[:left].rstrip().endswith(","):
            left = len(text[:left].rstrip()) - 1
        return left, right, ""

    def _first_aside(self, text: str, doc: Doc) -> _Mark | None:
        """Return the cut of the first jab set off as a relative clause (:meth:`_aside_cut`)."""
        for token in doc:
            if token.dep_ == "relcl":
                cut = self._aside_cut(text, token)
                if cut is not None:
                    return cut
        return None

    @staticmethod
    def _aside_cut(text: str, head: Token) -> _Mark | None:
        """Return the cut that drops a jab set off as a relative clause, or None.

        The flagged words sit in a clause or a label that hangs from a noun ("the
        credit note, which is pathetic"; "Your driver, who clearly couldn't care
        less, dumped the pallet"; "Your engineer, frankly an idiot, left"), set
        off by commas, and it is no content
        (:func:`mailcoach.rewriting.content.clause_content`): it goes with its
        commas, and the sentence it interrupted closes up.
        """
        clause = head
        while clause.dep_ not in {"relcl", "appos", "ROOT"} and clause.head.i != clause.i:
            clause = clause.head
        if clause.dep_ not in {"relcl", "appos"} or clause_content(clause, load_keep()):
            return None  # an appositive is a label ("Your engineer, frankly an idiot,")
        left = clause.left_edge.idx
        right = clause.right_edge.idx + len(clause.right_edge)
        before = text[:left].rstrip()
        after = text[right:]
        if not before.endswith(","):
            return None
        start = len(before) - 1
        if after.lstrip().startswith(","):
            return start, right + len(after) - len(after.lstrip()) + 1, ""
        if not after.strip(" .!?"):
            return start, right, ""  # the jab ended the sentence
        return None

    @staticmethod
    def _modifier_cut(text: str, head: Token, a: int, b: int) -> _Mark | None:
        """Return the cut that drops a hurtful word before a noun ("Your idiot driver").

        The modifier and what hangs from it must be the flagged words, and the noun
        keeps its determiner or possessive ("your", "the"), so what is left reads
        as before: "Your driver left the pallet in the rain".
        """
        left = head.left_edge.idx
        right = head.right_edge.idx + len(head.right_edge)
        if left < a or right > b + 1:
            return None  # the modifier says more than the flagged words
        noun = head.head
        if not any(c.dep_ in {"det", "poss"} and c.i < head.left_edge.i for c in noun.children):
            return None
        if right < len(text) and text[right] == " ":
            right += 1
        return left, right, ""

    def _is_model(self, finding: Finding) -> bool:
        """Tell whether a finding comes from the sentence model (no word list matched)."""
        rule = self.rules.get(finding.rule_id)
        return rule is not None and rule.spec.kind == "model"

    def _step_named(self, finding: Finding, words: str) -> bool:
        """Tell whether a word list's threat names, in ``words``, a proportionate step
        the writer may take ("pass it to our solicitors", ``steps.yml``)."""
        return (
            finding.category is Category.THREATENING
            and not self._is_model(finding)
            and load_steps().named_in(words)
        )

    def _tone_cut(self, text: str, doc: Doc) -> _Mark | None:
        """Return the cut that drops a tone-only adjunct of ``text`` (``adjuncts.yml``).

        The generic minimal edit for a sentence the sentence model flags: an
        adjunct such as "out of interest" or "obviously", where the parse has it
        hang as an adjunct, goes with the comma that set it off.
        """
        phrases, _ = load_adjuncts()
        low = text.lower()
        for phrase in phrases:
            for m in re.finditer(rf"(?<![\w'])({re.escape(phrase)})(?![\w'])", low):
                a, b = m.span(1)
                inside = [t for t in doc if t.idx < b and t.idx + len(t) > a]
                ids = {t.i for t in inside}
                heads = [t for t in inside if t.head.i not in ids or t.head.i == t.i]
                before, after = text[:a].rstrip(), text[b:]
                set_off = (before.endswith(",") or not before) and (
                    after.startswith(",") or not after.strip(" .!?")
                )
                if len(heads) != 1 or not (heads[0].dep_ in _ADJUNCT_DEPS or set_off):
                    continue  # not an adjunct, nor set off by commas
                if before.endswith(","):
                    return len(before) - 1, b, ""
                if after.startswith(","):
                    return a, b + 1 + (len(after[1:]) - len(after[1:].lstrip())), ""
                if before and after.startswith(" "):
                    return a, b + 1, ""
        return None

    @staticmethod
    def _tail_cut(text: str) -> _Mark | None:
        """Return the cut of a sentence's last clause, set off by a comma, semicolon or
        dash: where the sentence model flags a sentence of facts, the dig is most often
        tacked on at its end ("..., so I'm not sure why this is on our invoice", "...,
        though I'm sure you'll have someone out long before then"). A cut that would
        take content is refused by the caller, and the re-check judges what is left."""
        end = len(text.rstrip().rstrip(".!?"))
        breaks = _clause_breaks(text, end)
        if not breaks:
            return None
        last = breaks[-1]
        tail = text[last.end() : end]
        if len(tail.split()) < 3 or len(text[: last.start()].split()) < 4:
            return None
        if _COMMITMENT.search(tail) or load_steps().named_in(tail):
            return None  # "..., because then I will deduct them from the rent": it stays
        whole = len(text.rstrip())
        asked_in_tail = text[end:whole].startswith("?") and not _ASKS.match(text)
        if asked_in_tail or _MARK_IN_QUOTE.search(text):
            # the question was in the tail ("I can't find it anywhere, so maybe you're
            # working off another version?"), or the quotation that ends the sentence
            # ('..., and left saying "sign first, complain later."'): what is left is a
            # statement, with its full stop
            return last.start(), whole, "."
        return last.start(), end, ""

    def _clause_cut(self, text: str, a: int, b: int) -> _Mark | None:
        """Return the cut that drops the comma-delimited clause holding ``text[a:b]``."""
        end = len(text.rstrip(".!?"))
        breaks = [(m.start(), m.end()) for m in _clause_breaks(text, end)]
        before = [br for br in breaks if br[1] <= a]
        after = [br for br in breaks if br[0] >= b]
        if any(br[0] < b and br[1] > a for br in breaks):
            return None  # the match spans a clause break
        if before and not after and _MARK_IN_QUOTE.search(text):
            return before[-1][0], len(text.rstrip()), "."  # the quotation's stop is the sentence's
        if before:
            return before[-1][0], after[0][0] if after else end, ""
        if after:
            return 0, after[0][1], ""
        return None  # the sentence is one clause

    @staticmethod
    def _conjunct_cut(text: str, a: int, b: int) -> _Mark | None:
        """Return the cut of the conjunct "and <threat>" that holds ``text[a:b]``, where
        the threat names no proportionate step and the words before it name one: "...
        we will pass it to our solicitors and I'll tell every supplier in town why"
        keeps the solicitors. None when the threat does not open its conjunct."""
        joins = list(_AND.finditer(text, 0, a))
        if not joins or len(text[joins[-1].end() : a].split()) > 4:
            return None
        join = joins[-1]
        stop = len(text.rstrip().rstrip(".!?"))
        after = [m.start() for m in _clause_breaks(text, stop) if m.start() >= b]
        end = after[0] if after else stop
        steps = load_steps()
        if steps.named_in(text[join.start() : end]) or not steps.named_in(text[: join.start()]):
            return None
        return join.start(), end, ""

    def _edits_of(self, sentence: _Sentence, strategy: str, alternative: int = 0) -> str | None:
        """Return the sentence with each finding rewritten by ``strategy``, or None.

        ``light``: the rule's own rewrite or a rephrasing, else the adjunct, else
        the clause; ``cut``: the adjunct, else the clause; ``clause``: the clause.
        ``alternative`` picks a later rephrasing for each finding that has one
        (the first, 0, when it has fewer).
        """
        text = self.body[sentence.start : sentence.end]
        doc = self._parse(text) if strategy != "clause" else None
        marks: list[_Mark] = []
        for finding in sentence.findings:
            a, b = finding.start - sentence.start, finding.end - sentence.start
            options: list[_Mark | None] = []
            if strategy == "light":
                rephrasings = self._rephrase_marks(sentence, finding)
                options += [
                    rephrasings[min(alternative, len(rephrasings) - 1)] if rephrasings else None,
                    self._phrase_mark(sentence, finding),
                ]
            # "pass it to our solicitors": a step the writer may take is never cut
            step = self._step_named(finding, text[a:b])
            if doc is not None and not step:
                if self._is_model(finding):
                    options.append(self._first_aside(text, doc))
                    options.append(self._tone_cut(text, doc))
                    options.append(self._tail_cut(text))
                options.append(self._adjunct_cut(text, doc, a, b))
            if not step:
                if finding.category is Category.THREATENING and not self._is_model(finding):
                    options.append(self._conjunct_cut(text, a, b))
                options.append(self._clause_cut(text, a, b))
            mark = next(
                (
                    m
                    for m in options
                    if m is not None and (m[2] or not self._content_left(sentence, [m[:2]]))
                ),
                None,
            )  # a cut never takes an offer, a request or a commitment with it
            if mark is None:
                continue  # no edit of these words: the re-check judges what is left
            marks.append(mark)
        if not marks:
            return None
        return _apply_marks(text, marks)

    def _content_cut(self, sentence: _Sentence, text: str | None = None) -> str | None:
        """Return the sentence with only its main clauses that are content, or None.

        "I'm sure you'd rather spend it on something more fun than your teeth, but
        the bill still has to be paid" keeps "The bill still has to be paid". A
        clause counts as content by its parse (:mod:`mailcoach.rewriting.content`),
        by a ``content`` pattern (a request, an offer, a commitment) or by naming a
        proportionate step (``steps.yml``); None when
        every main clause, or none, is content, and for an admission (a liability
        finding), whose clauses are the writer's to keep. ``text`` is an edit of
        the sentence to cut further ("The payment hasn't arrived again and this is
        ridiculous" → "The payment hasn't arrived again"); the sentence itself if None.
        """
        if any(f.category is Category.LIABILITY for f in sentence.findings):
            return None
        skip: list[tuple[int, int]] = []
        if text is None:
            text = self.body[sentence.start : sentence.end]
            skip = self._menace_spans(sentence, words=False)
        doc = self._parse(text)
        heads = main_clauses(doc)
        if len(heads) < 2:
            return None
        parsed = set(content_clauses(doc, load_keep(), skip))
        ids = {h.i for h in heads}

        def own(head: Token) -> list[Token]:
            nested = [c for c in head.children if c.i in ids]
            return [t for t in head.subtree if not any(t in n.subtree for n in nested)]

        keep: list[Token] = []
        for head in heads:
            tokens = own(head)
            words = "".join(t.text_with_ws for t in tokens)
            shares = head.dep_ == "conj" and not any(
                c.dep_ in _SUBJECT_DEPS for c in head.children
            )  # "... we will put your account on stop and pass the debt to ...": one commitment
            if (
                head in parsed
                or shares
                or (
                    (carries_content(words) or load_steps().named_in(words))
                    and not any(a <= head.idx < b for a, b in skip)
                )
            ):
                keep.extend(tokens)
        if not keep or len(keep) == sum(len(own(h)) for h in heads):
            return None
        kept = sorted(keep, key=lambda t: t.i)
        while kept and (kept[0].is_punct or kept[0].dep_ == "cc"):
            kept.pop(0)
        while kept and (kept[-1].is_punct or kept[-1].dep_ == "cc"):
            kept.pop()
        if not kept:
            return None
        out = "".join(t.text_with_ws for t in kept[:-1]) + kept[-1].text
        end = text.rstrip()[-1:] if text.rstrip().endswith((".", "!", "?")) else "."
        return tidy(out.strip() + end)

    def _clause(self, sentence: _Sentence) -> str | None:
        """Return the sentence without the clauses that hold its findings (or None)."""
        return self._edits_of(sentence, "clause")

    def _has_verb(self, text: str) -> bool:
        """Tell whether ``text`` is a sentence: a main verb with a subject, or an imperative."""
        doc = self._parse(text)
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if root is None or root.pos_ not in {"VERB", "AUX"}:
            return False
        has_subject = any(t.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"} for t in doc)
        return has_subject or (root.i == 0 and root.tag_ == "VB")  # or an imperative

    def _softens_step(self, old: str, new: str) -> bool:
        """Tell whether ``new`` drops or softens a proportionate step ``old`` names.

        Every step of ``templates/rewrites/steps.yml`` that the writer names stays
        word for word, and when the writer made it firm ("I will", "we'll", "I
        shall", "must", "going to": ``firm`` in ``keep.yml``) the rewrite keeps a
        firm word: "I will file a claim" may not become "I may file a claim" or
        "I'd like to resolve this".
        """
        steps = load_steps().compiled
        named = [(m[0].lower(), self._firm_at(old, m.start())) for m in steps.finditer(old)]
        if not named:
            return False
        said: dict[str, bool] = {}
        for m in steps.finditer(new):
            said[m[0].lower()] = said.get(m[0].lower(), False) or self._firm_at(new, m.start())
        return any(step not in said or (firm and not said[step]) for step, firm in named)

    def _firm_at(self, text: str, at: int) -> bool:
        """Tell whether the clause holding ``text[at]`` is made firm ("I will ...").

        The verb the word hangs from, or the verb it is joined to ("we will put your
        account on stop and pass the debt to ..."), has a firm word of ``keep.yml``
        among its auxiliaries.
        """
        firm = _firm_words(load_keep().firm)
        doc = self._parse(text)
        token = next((t for t in doc if t.idx <= at < t.idx + len(t)), None)
        while token is not None and token.pos_ not in {"VERB", "AUX"}:
            token = token.head if token.head.i != token.i else None
        while token is not None:
            around = " ".join(c.text for c in token.children if c.dep_ in {"aux", "auxpass"})
            if firm.search(f"{around} {token.text} to"):
                return True  # "will", "'ll", "must", "going to"
            joined = token.dep_ in {"conj", "xcomp"} and token.head.i != token.i
            token = token.head if joined else None
        return False

    def _broken(self, old: str, new: str) -> bool:
        """Tell whether an edit of a sentence that stood no longer stands.

        The writer's sentence had a subject and a finite verb (or was an
        imperative or a question); the edit must keep that, open and close on no
        joining word, leave no orphan punctuation, and keep every negation of a
        verb it keeps (:func:`mailcoach.rewriting.content.well_formed`,
        :func:`~mailcoach.rewriting.content.lost_negation`).
        """
        before = self._parse(old)
        if well_formed(before) is not None:
            return False  # an outburst, a heading: the other checks judge its edits
        root = next((t for t in before if t.dep_ == "ROOT"), None)
        bare = root is not None and not any(c.dep_ in _SUBJECT_DEPS for c in root.children)
        # a rephrasing into a request ("In future, please look at ...") may be imperative
        asks = re.match(r"(?i)(?:[\w ]+,\s*)?please\b", new) is not None
        after = self._parse(new)
        return well_formed(after, imperative=bare or asks) is not None or lost_negation(
            before, after
        )

    def _orphan_pronoun(self, old: str, new: str) -> bool:
        """Tell whether a cut took away what the subject of ``new`` refers to: its
        main clause's subject is or holds "it", "they", "this"... ("two of them") and
        the cut words held a noun ("Your checkout is impressive, it charged me ..." ->
        "It charged me ...")."""
        if not _is_cut(old, new):
            return False  # a rephrasing says what it refers to itself
        if old.startswith(new.rstrip(" .!?")):
            return False  # only words after the pronoun went; its referent comes before it
        after = self._parse(new)
        subject = next(
            (t for t in after if t.dep_ in _SUBJECT_DEPS and t.head.dep_ == "ROOT"), None
        )
        if subject is None or not any(t.lower_ in _ANAPHORS for t in subject.subtree):
            return False  # "It ...", and "Two of them ..." too
        kept = Counter(t.lower_ for t in after)
        for token in self._parse(old):
            if kept[token.lower_] > 0:
                kept[token.lower_] -= 1
            elif token.pos_ in {"NOUN", "PROPN"}:
                return True
        return False

    def _scrap(self, text: str) -> bool:
        """Tell whether ``text`` holds no verb at all ("The lot of you.")."""
        return not any(t.pos_ in {"VERB", "AUX"} for t in self._parse(text))

    def _is_fragment(self, text: str) -> bool:
        """Tell whether ``text`` is only a subordinate clause ("If you pay by Friday.").

        Its root carries the opening subordinator itself, so no main clause is left.
        """
        doc = self._parse(text)
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        return root is not None and any(c.dep_ == "mark" and c.i == 0 for c in root.children)

    def _context(self, sentence: _Sentence) -> dict[str, object]:
        return sentence_context(
            self.body[sentence.start : sentence.end],
            self.report.dispute.type,
            counterpart=self.report.dispute.counterpart,
            today=self.today,
        )

    def _template(self, sentence: _Sentence) -> str:
        present = {f.category for f in sentence.findings}
        category = next((c for c in CATEGORY_ORDER if c in present), Category.INFLAMMATORY)
        context = self._context(sentence)
        return _squash(render(FOLDER, f"{category.value}.j2", **context))

    def replacement(self, sentence: _Sentence) -> str:
        """Return the sentence's text under its plan (computed once per plan)."""
        key = (sentence.start, sentence.end, sentence.plan)
        if key not in self._written:
            self._written[key] = self._write(sentence)
        return self._written[key]

    def _candidates(self, sentence: _Sentence) -> list[tuple[str, bool]]:
        """Return the rewrites open to a sentence, lightest first: ``(text, from_template)``."""
        out: list[tuple[str, bool]] = []
        own = {f.rule_id for f in sentence.findings}
        for strategy in ("light", "cut", "content", "clause"):
            if strategy == "content":
                # only where no edit of the flagged words exists (a sentence the model
                # flags as a whole): the words' own edits come first and stay preferred
                new = None if out else self._content_cut(sentence)
            else:
                new = self._edits_of(sentence, strategy)
            if new is None:
                continue
            out.append((self._with_count(sentence, new), False))
            if strategy == "light":
                # an edit that left a main clause with nothing to keep beside one with
                # content ("... again and this is ridiculous"): that clause goes next
                further = self._content_cut(sentence, new)
                if further is not None:
                    out.append((self._with_count(sentence, further), False))
            if strategy == "light" and not self._flagged_rules(out[-1][0]) <= own:
                # the preferred rephrasing brings a warning the sentence did not have:
                # the later rephrasings come next, before any cut
                alternatives = max(
                    len(self._rephrase_marks(sentence, f)) for f in sentence.findings
                )
                for n in range(1, alternatives):
                    other = self._edits_of(sentence, strategy, n)
                    if other is not None:
                        out.append((self._with_count(sentence, other), False))
        out.append((self._with_count(sentence, self._template(sentence)), True))
        return out

    def _plural(self, text: str) -> bool:
        """Tell whether the writer says "we" rather than "I" (in ``text``, else the draft)."""
        for where in (text, self._own_words()):
            we = len(_WE.findall(where))
            i = len(_I.findall(where))
            if we != i:
                return we > i
        return False

    def _own_words(self) -> str:
        own = [s for s in self.report.segments if s.kind is SegmentKind.OWN]
        return " ".join(self.body[s.start : s.end] for s in own) if own else self.body

    def lost_counts(self, sentence: _Sentence, new: str) -> list[re.Match[str]]:
        """Return the counts of earlier requests in a sentence that ``new`` no longer says."""
        old = self.body[sentence.start : sentence.end]
        out = []
        for entry in load_counts():
            for m in entry.compiled.finditer(old):
                if not _says_count(new, m.group("n")) and not self._count_said_before(sentence, m):
                    out.append(m)
        return out

    def _with_count(self, sentence: _Sentence, new: str) -> str:
        """Return ``new`` with each count of earlier requests it lost said again, plainly.

        The restatement (``templates/rewrites/counts.yml``) follows the rewritten
        sentence and takes its count from the draft; only one the checker leaves
        clean is used. A count that no restatement can carry stays lost here and
        is named in the notes (:meth:`count_notes`).
        """
        if not new.strip():
            return new
        old = self.body[sentence.start : sentence.end]
        plural = self._plural(old)
        out = new
        for entry in load_counts():
            for m in entry.compiled.finditer(old):
                if _says_count(out, m.group("n")) or self._count_said_before(sentence, m):
                    continue
                said = next(
                    (r for r in entry.restatements(m, plural=plural) if self._reads_clean(r)),
                    None,
                )
                if said is not None:
                    out = f"{out.rstrip()} {said}"
        return out

    def _count_said_before(self, sentence: _Sentence, match: re.Match[str]) -> bool:
        """Tell whether an earlier sentence of the draft already gives the same count.

        Two "for the third time"s would otherwise be restated twice.
        """
        for other in self.sentences:
            if other.start >= sentence.start:
                break
            text = self.body[other.start : other.end]
            for entry in load_counts():
                for m in entry.compiled.finditer(text):
                    if _says_count(m.group("n"), match.group("n")):
                        return True
        return False

    def _reads_clean(self, text: str) -> bool:
        """Tell whether the checker leaves ``text`` without a finding at the level."""
        return not self._flagged_rules(text)

    def _exempt(self, sentence: _Sentence) -> list[tuple[int, int]]:
        """Return the spans of a sentence whose requests and commitments may go.

        The flagged words themselves ("How could you …" is no request), and every
        clause that holds a threat (a threat is a commitment the rewrite may soften
        or take out); a rule's words, never the whole sentence of a model finding
        other than a threat.
        """
        old = self.body[sentence.start : sentence.end]
        # a model finding names no words (its span is the whole sentence): it excuses
        # nothing, or a cut of a sentence it flags could take an offer with it; but a
        # threat's "I'll ..." is the menace itself, whoever found it
        pointed = [
            f
            for f in sentence.findings
            if not self._is_model(f) or f.category is Category.THREATENING
        ]
        spans = [(f.start - sentence.start, f.end - sentence.start) for f in pointed]
        threats = [
            (f.start - sentence.start, f.end - sentence.start)
            for f in pointed
            if f.category is Category.THREATENING
        ]
        bounds = [0, *(m.end() for m in _clause_breaks(old)), len(old)]
        for x, y in itertools.pairwise(bounds):
            if any(a < y and b > x for a, b in threats):
                spans.append((x, y))
        return spans

    def _content_left(self, sentence: _Sentence, spans: Sequence[tuple[int, int]]) -> bool:
        """Tell whether ``spans`` of a sentence hold a request, offer, commitment or attachment.

        Matches of a ``content`` pattern (``lexicons/coaching.yml``) inside an
        exempt span (:meth:`_exempt`) do not count. The verb of a main clause
        that reports what happened, was promised or is the state of things
        (:meth:`reports`) counts too: a cut never takes it.
        """
        old = self.body[sentence.start : sentence.end]
        exempt = self._exempt(sentence)
        for _, x, y in content_marks(old):
            if any(a <= x and y <= b for a, b in exempt):
                continue
            if any(x < b and y > a for a, b in spans):
                return True
        skip = self._menace_spans(sentence, words=False)
        heads = content_clauses(self._parse(old), load_keep(), skip)
        return any(a <= h.idx < b for h in heads for a, b in spans)  # what happened

    def drops_content(self, sentence: _Sentence, new: str) -> bool:
        """Tell whether a whole-sentence rewrite ``new`` drops a request, offer or commitment.

        Each ``content`` pattern must match ``new`` at least as often as it matches
        the writer's sentence outside the exempt spans (:meth:`_exempt`).
        """
        old = self.body[sentence.start : sentence.end]
        exempt = self._exempt(sentence)
        wanted: dict[int, int] = {}
        for number, x, y in content_marks(old):
            if not any(a <= x and y <= b for a, b in exempt):
                wanted[number] = wanted.get(number, 0) + 1
        have: dict[int, int] = {}
        for number, _, _ in content_marks(new):
            have[number] = have.get(number, 0) + 1
        return any(have.get(number, 0) < n for number, n in wanted.items())

    def _keeps_content(self, sentence: _Sentence, new: str) -> bool:
        """Tell whether ``new`` keeps the words the sentence holds outside its findings.

        A whole-sentence template may change the hurtful words, not what the
        sentence says: at least :data:`KEEP_SHARE` of its other content words stay.
        """
        text = self.body[sentence.start : sentence.end]
        outside = list(text)
        for f in sentence.findings:
            a, b = max(0, f.start - sentence.start), min(len(text), f.end - sentence.start)
            outside[a:b] = " " * (b - a)
        words = _content_words("".join(outside))
        if not words:
            return False
        return len(words & _content_words(new)) >= KEEP_SHARE * len(words)

    def _menace_spans(self, sentence: _Sentence, words: bool = True) -> list[tuple[int, int]]:
        """Return the spans of a sentence whose requests and commitments need not survive.

        The words a rule flagged (a model finding names no words, so it excuses
        nothing; an admission's words may hold its offer, so they excuse nothing
        either); the clause of a threat that names no proportionate step
        (``templates/rewrites/steps.yml``: "I will make sure everyone hears about
        it" is a menace, "we will pass the debt to our solicitors" a step); and
        the words a rephrasing takes out whole (a ``rephrase.yml`` entry with an
        empty replacement marks them as hurtful). ``words`` False leaves out the
        flagged words of findings that are no threat: a rule may flag a whole
        report of what happened ("you said a plumber would come, and nobody has").
        """
        old = self.body[sentence.start : sentence.end]
        steps = load_steps()
        bounds = [0, *(m.end() for m in _clause_breaks(old)), len(old)]
        flagged = [
            (f, f.start - sentence.start, f.end - sentence.start)
            for f in sentence.findings
            if not self._is_model(f)
        ]
        spans: list[tuple[int, int]] = []
        for finding, a, b in flagged:
            if finding.category is Category.LIABILITY:
                continue  # an admission's offer is never taken out with it
            if finding.category is not Category.THREATENING:
                if words:
                    spans.append((a, b))
                continue
            clauses = [(x, y) for x, y in itertools.pairwise(bounds) if a < y and b > x]
            if not any(steps.named_in(old[x:y]) for x, y in clauses):
                spans.extend(clauses)  # a menace, with the "I will" that announces it
        cats = {f.category.value for f in sentence.findings}
        for rule in load_rephrasings():
            if rule.replace or not rule.categories & cats:
                continue
            for m in rule.compiled.finditer(old):
                if any(m.start() < b and m.end() > a for _, a, b in flagged):
                    spans.append(m.span())
        return spans

    def reports(self, sentence: _Sentence) -> bool:
        """Tell whether a sentence has a main clause a rewrite must keep, by its parse.

        A clause with a subject and a finite verb that reports an event, a
        promise, the state of the work, goods or money, a next step or the
        writer's availability (:mod:`mailcoach.rewriting.content`,
        ``templates/rewrites/keep.yml``), outside a threat that names no
        proportionate step and words a rephrasing takes out whole.
        """
        text = self.body[sentence.start : sentence.end]
        skip = self._menace_spans(sentence, words=False)
        return bool(content_clauses(self._parse(text), load_keep(), skip))

    def _numbers_said_elsewhere(self, sentence: _Sentence) -> bool:
        """Tell whether every number word of a sentence is a figure the rest of the draft
        states too ("your team cannot count to twelve" after "12 pallets ordered"):
        then the jibe can go and no count is lost."""
        text = self.body[sentence.start : sentence.end]
        rest = self.body[: sentence.start] + " " + self.body[sentence.end :]
        for m in _NUMBER_WORD.finditer(text):
            word = m[0].lower()
            if word not in UNITS:
                return False  # "twice": a count of events, said here only
            value = UNITS.index(word) + 1
            if not re.search(rf"(?i)(?<![\w.,]){value}(?!\d|[.,]\d)|\b{word}\b", rest):
                return False
        return True

    def _quotes_only_here(self, sentence: _Sentence) -> bool:
        """Tell whether a sentence holds a quotation of three words or more that the
        rest of the draft does not repeat: the only record of someone's words."""
        text = self.body[sentence.start : sentence.end]
        rest = (self.body[: sentence.start] + " " + self.body[sentence.end :]).lower()
        return any(m[0][1:-1].strip().lower() not in rest for m in _QUOTATION.finditer(text))

    def _jab(self, sentence: _Sentence) -> bool:
        """Tell whether a question asks nothing: it has no verb, and a rule flags it as
        sarcasm or passive aggression ("Third time lucky?"); or it is a flagged yes-or-no
        question about the reader's conduct that wants no answer ("Is this how you
        treat senior citizens?", "Did anyone over there even think to ask us?", "Do
        your lot even count the pallets??"), and asks for no update, chance or help."""
        text = self.body[sentence.start : sentence.end]
        jabs = {Category.SARCASTIC, Category.PASSIVE_AGGRESSIVE}
        if self._scrap(text) and any(f.category in jabs for f in sentence.findings):
            return True
        barbs = {*jabs, Category.BLAMING, Category.INFLAMMATORY}
        return (
            _RHETORICAL.match(text) is not None
            and _REAL_ASK.search(text) is None
            and any(f.category in barbs for f in sentence.findings)
        )

    def _verbless_line(self, text: str) -> bool:
        """Tell whether ``text`` ends in no full stop, question or exclamation mark, nor
        colon, and has no verb: a heading, a name line or an outburst."""
        return not text.rstrip().endswith((".", "!", "?", ":")) and not self._has_verb(text)

    def _heading(self, text: str) -> bool:
        """Tell whether ``text`` is a heading or a name line, not a sentence: a verbless
        line that opens with a label ("Subject:", "Re:") or capitalises every word
        ("ACME TELECOM SAS"); "absolutely pathetic" on a line of its own is an outburst."""
        words = text.split()
        return (
            bool(words)
            and self._verbless_line(text)
            and (
                _LABEL.match(text.strip()) is not None
                or all(w[:1].isupper() or not w[:1].isalpha() for w in words)
            )
        )

    def removable(self, sentence: _Sentence) -> bool:
        """Tell whether nothing of a sentence need survive.

        It holds no fact, number, count, question or quotation of three words or
        more that the draft does not repeat elsewhere (someone's words on record:
        "your reply says it is \"non-refundable in all circumstances\""), no request, offer,
        commitment, attachment (``content`` in ``lexicons/coaching.yml``) or
        proportionate step (``templates/rewrites/steps.yml``) outside its menace
        (:meth:`_menace_spans`): the flagged words, a threat that names no
        proportionate step, words a rephrasing takes out whole;
        and no clause that reports what happened, was promised or is the state
        of things (:meth:`reports`).
        """
        text = self.body[sentence.start : sentence.end]
        if self._heading(text):
            return False  # a subject line goes with the email, not with its tone
        line = self.body[self.body.rfind("\n", 0, sentence.start) + 1 : sentence.start]
        if _LIST_MARK.fullmatch(line):
            return False  # a point of a list ("2. A sans-serif wordmark only."): its own item
        if (
            find_facts(text, today=self.today)
            or ("?" in text and not self._jab(sentence))
            or _DIGIT_WORD.search(text)
            or not self._numbers_said_elsewhere(sentence)
            or any(entry.compiled.search(text) for entry in load_counts())
            or self._quotes_only_here(sentence)
        ):
            return False
        chars = list(text)
        for a, b in self._menace_spans(sentence):
            chars[max(0, a) : b] = " " * (min(len(text), b) - max(0, a))
        left = "".join(chars)
        if load_steps().named_in(left):
            return False  # a step the writer may take ("look at other suppliers") stays
        return not carries_content(left) and not self.reports(sentence)

    def _valid(self, sentence: _Sentence) -> list[str]:
        """Return the sentence's rewrites that keep every invariant, lightest first."""
        old = self.body[sentence.start : sentence.end]
        others = {
            " ".join(self.body[s.start : s.end].split()).lower()
            for s in self.sentences
            if s is not sentence
        }
        out: list[str] = []
        if self._verbless_line(old):
            if not self._heading(old):
                return out  # a verbless line: no edit of it stands as a sentence
            # a subject line or a name line: only its shouting goes ("double debit on
            # my card AGAIN" -> "... again")
            return [new for new, _ in self._candidates(sentence) if _only_case(old, new)][:1]
        quoted = [old[a:b] for a, b in self._reported(sentence)]
        for new, template in self._candidates(sentence):
            if not new or new == old or new in out:
                continue
            if any(q not in new for q in quoted):
                continue  # the reader's own words stay quoted as they were
            if self._softens_step(old, new):
                continue  # a firm, proportionate step stays, and stays firm
            if " ".join(new.split()).lower() in others:
                continue  # would say the same sentence twice
            if broken_invariant(old, new, today=self.today, template=template):
                continue
            if template and not self._keeps_content(sentence, new):
                continue
            if template and self.drops_content(sentence, new):
                continue  # an offer, a request or a commitment would go silently
            if not self._has_verb(new) and self._has_verb(old):
                continue  # the edit broke the grammar
            if not template and self._broken(old, new):
                continue  # a dangling joining word, a clause without subject or verb
            if not template and self._orphan_pronoun(old, new):
                continue  # "it charged me" once "Your checkout is ..." went
            if not template and self._scrap(new) and self.removable(sentence):
                continue  # an outburst cut to a scrap ("The lot of you."): it goes whole
            if self._is_fragment(new) and not self._is_fragment(old):
                continue  # only the "if" clause is left
            out.append(new)
        return out

    def _write(self, sentence: _Sentence) -> str:
        """Return the sentence under its plan: the next valid rewrite, lightest first.

        Each time the re-check still flags the sentence, its plan moves one step
        and the next valid rewrite is taken. When they are spent, the sentence
        goes if nothing of it need survive (:meth:`removable`); otherwise the
        heaviest valid rewrite that brings no warning the sentence did not already
        have stays (or the sentence as written, when there is none), and the notes
        say so.
        """
        valid = self._valid(sentence)
        step = sentence.plan - sentence.first
        if step < len(valid):
            return valid[step]
        if self.removable(sentence):
            return ""
        kept = [v for v in valid if self._only_old_warnings(sentence, v)]
        if kept:
            return kept[-1]
        old = self.body[sentence.start : sentence.end]
        if valid:  # every rewrite that keeps the facts brings a warning of its own
            self.refused[_one_line(old)] = valid[-1]
        return old

    def _only_old_warnings(self, sentence: _Sentence, new: str) -> bool:
        """Tell whether ``new`` brings no warning the sentence did not already have.

        A cut (every word of ``new`` is the writer's, in order) may still read to
        the sentence model as hurtful ("Your driver left the pallet in the rain"
        once "typical of your useless lot" is gone; "Your engineer left the boiler
        switched off" once "frankly an idiot" is): nothing was added, the model
        only reads words that a rule's finding hid from it before (it scores the
        sentences no rule matched), so that is no new warning, and the notes say it
        still reads so. Leaving the insult in would be worse.
        """
        own = {f.rule_id for f in sentence.findings}
        extra = self._flagged_rules(new) - own
        if not extra:
            return True
        old = self.body[sentence.start : sentence.end]
        if not _is_cut(old, new):
            return False
        for rule_id in extra:
            rule = self.rules.get(rule_id)
            if rule is None or rule.spec.kind != "model":
                return False
        return True

    def _flagged_rules(self, text: str) -> set[str]:
        """Return the rules that flag ``text`` at the level, checked on its own."""
        if text not in self._rules:
            report = check(text, settings=self.settings)
            self._rules[text] = {f.rule_id for f in report.findings if f.severity >= self.level}
        return self._rules[text]

    def _deletion(self, sentence: _Sentence) -> tuple[int, int]:
        """Return the span to cut so that removing the sentence leaves tidy text."""
        body = self.body
        start, end = sentence.start, sentence.end
        while end < len(body) and body[end] in " \t":
            end += 1
        line_start = start == 0 or body[start - 1] == "\n"
        if line_start and end < len(body) and body[end] == "\n":
            end += 1  # the sentence was its own line(s)
            blank_before = start >= 2 and body[start - 2 : start] == "\n\n"
            if blank_before and end < len(body) and body[end] == "\n":
                end += 1  # and its own paragraph
        elif not line_start and (end == len(body) or body[end] == "\n"):
            # it ended its line: cut the space before it instead ("A.[ B.]")
            end = sentence.end
            while start > 0 and body[start - 1] in " \t":
                start -= 1
        # otherwise text follows on the line: cut the sentence and the space after
        # it, and keep the space before ("A. [B. ]C."), so the neighbours stay apart
        limit = next(
            (
                seg.end
                for seg in self.report.segments
                if seg.kind is SegmentKind.OWN and seg.start <= sentence.start < seg.end
            ),
            len(body),
        )
        if end > limit:  # never into the signature or a quoted reply
            end = limit
            if start >= 2 and body[start - 2 : start] == "\n\n":
                start -= 1  # take the blank line above instead
        return start, end

    def edits(self) -> list[Edit]:
        """Return the edits for the current plans, by offset into the original body.

        Neighbouring sentences that both go are cut as one span, so that a
        paragraph that loses every sentence leaves no empty lines behind.
        """
        out: list[Edit] = []
        gone: list[_Sentence] = []  # a run of deleted neighbours, not yet cut

        def cut() -> None:
            if gone:
                start, end = self._deletion(_Sentence(gone[0].start, gone[-1].end))
                lead = _lead(gone[0])
                out.append(Edit(start, end, "", lead.rule_id, lead.why, self.body[start:end]))
                gone.clear()

        written: set[str] = set()
        self.removed, self.left, self.changed = [], [], []
        for sentence in self.sentences:
            if sentence.plan is Plan.KEEP:
                cut()
                continue
            new = self.replacement(sentence)
            old = self.body[sentence.start : sentence.end]
            if new and " ".join(new.split()).lower() in written:
                new = old if not self.removable(sentence) else ""
            if new == old:
                self.left.append(old)
                cut()
                continue
            if new:
                written.add(" ".join(new.split()).lower())
                self.changed.append((sentence, new))
            else:
                self.removed.append(old)
            if not new:
                if gone and self.body[gone[-1].end : sentence.start].strip():
                    cut()
                gone.append(sentence)
                continue
            cut()
            old = self.body[sentence.start : sentence.end]
            head = _common_prefix(old, new)
            tail = _common_suffix(old[head:], new[head:])
            start, end = sentence.start + head, sentence.end - tail
            lead = _lead(sentence)
            out.append(
                Edit(
                    start,
                    end,
                    new[head : len(new) - tail],
                    lead.rule_id,
                    lead.why,
                    old[head : len(old) - tail],
                )
            )
        cut()
        return out

    def strengthen(self, left: Iterable[Finding], edits: Sequence[Edit]) -> bool:
        """Move each sentence that still carries a finding to a heavier plan.

        ``left`` are findings of the rewritten text; ``edits`` made it. Returns
        False when no sentence could move (every plan is spent).
        """
        moved: list[_Sentence] = []
        for finding in left:
            if self._step_named(finding, finding.text):
                continue  # a step the writer may take stays, however it is worded
            origin = _original_position(finding.start, edits)
            sentence = self._sentence_at(origin, origin + 1)
            if sentence.plan is Plan.FACTS or any(sentence is m for m in moved):
                continue
            if not sentence.findings or sentence.suggested:
                continue  # unflagged, or a calm apology's sentence kept by choice
            sentence.plan = Plan(sentence.plan + 1)
            moved.append(sentence)
        return bool(moved)

    def change_notes(self) -> list[str]:
        """Return what the writer should know about the sentences that were rewritten.

        The words a cut took out of a sentence that stays (three or more: a clause,
        an aside, never silently), a count of earlier requests no plain restatement
        could carry, and an open-ended offer that a rephrasing bounded (its ``note``
        in ``rephrase.yml``).
        """
        out: list[str] = []
        for sentence, new in self.changed:
            old = self.body[sentence.start : sentence.end]
            for words in _cut_runs(old, new):
                out.append(
                    f"cut from a sentence: \u201c{words}\u201d; put back what you need of it"
                )
            for m in self.lost_counts(sentence, new):
                out.append(
                    f"the count of earlier requests (\u201c{m[0]}\u201d) was taken out with the "
                    "words around it and no plain restatement read clean; say it again plainly "
                    "if it matters"
                )
            cats = {f.category.value for f in sentence.findings}
            for rule in load_rephrasings():
                if rule.note is None or not rule.categories & cats:
                    continue
                found = rule.compiled.search(old)
                if found is not None and found[0] not in new:
                    was, now = _one_line(old), _one_line(new)
                    out.append(f"{rule.note}: \u201c{was}\u201d \u2192 \u201c{now}\u201d")
                    break
        return out

    # ------------------------------------------------------------------ benchmark

    def benchmark(self) -> tuple[Benchmark | None, Edit | None]:
        kept = [s for s in self.sentences if s.plan is Plan.KEEP]
        for sentence in kept:
            text = self.body[sentence.start : sentence.end]
            if is_benchmark(text):
                return (
                    Benchmark(
                        text=text,
                        form=self.params.form,
                        dispute_type=self.report.dispute.type,
                        existing=True,
                    ),
                    None,
                )
        if self._new_clause is None:
            self._new_clause = self._clause_to_insert()
        return self._new_clause

    def completion(self) -> tuple[list[str], Edit | None, list[str]]:
        """Return what the rewrite adds for the checklist, its edit, and notes.

        Only a flagged draft that asks the reader nothing is completed (a calm one
        comes back unchanged; one that apologises or admits a failure asks nothing of
        the reader; one that asks already would be asked twice): where
        the checklist finds no next step with a date (a draft that already asks
        for something by a date gets nothing: a confirmation request would repeat
        its deadline) and may find no request for written confirmation, one
        sentence from ``templates/rewrites/complete.j2`` goes
        after the sender's last paragraph, using a date still to come that the
        draft already gives, never one of its own. The sentence must read clean
        and hold no figure the draft lacks; what cannot be completed is a note.
        """
        if self._completion is not None:
            return self._completion
        self._completion = ([], None, [])
        own = [s for s in self.report.segments if s.kind is SegmentKind.OWN]
        own_text = [s for s in own if self.body[s.start : s.end].strip()]
        if not own_text or not any(s.findings for s in self.sentences):
            return self._completion
        conceding = any(
            f.category is Category.LIABILITY for s in self.sentences for f in s.findings
        )
        if conceding or "own-side" in situations(self._own_words()):
            return self._completion  # an apology or an admission asks nothing of the reader
        done_items = {item.id for item in self.report.checklist if item.ok}
        if "next-step" in done_items:
            # the draft already asks the reader for something by a date: a request
            # for written confirmation would repeat its own deadline
            return self._completion
        missing = [
            item.id
            for item in self.report.checklist
            if not item.ok and item.id in {"next-step", "confirmation"}
        ]
        if not missing:
            return self._completion
        words = self._own_words()
        # a draft that asks already, only without a date or "in writing", gets no added
        # request: it would repeat it (blind reviewers: "usually something to cut");
        # the checklist says what is missing, and a past deadline is still named below
        asks = asks_something(words)
        date = self._date_ahead(words)
        sentence = _squash(render(FOLDER, "complete.j2", missing=missing, date=date))
        notes: list[str] = []
        done: list[str] = []
        invented = [w for w in _DIGIT_WORD.findall(sentence) if w.strip(".?") not in words]
        if sentence and not asks and not invented and self._reads_clean(sentence):
            at = _insertion_point(self.body, own_text[-1])
            done = [sentence]
            notes.append(
                "added for the checklist ("
                + " and ".join(m.replace("-", " ") for m in missing if m != "next-step" or date)
                + f"): \u201c{sentence}\u201d; take it out if it does not fit"
            )
            why = "completes the checklist: " + ", ".join(m.replace("-", " ") for m in missing)
            self._completion = (done, Edit(at, at, "\n\n" + sentence, None, why), notes)
        if "next-step" in missing and date is None:
            today = f"{self.today.day} {self.today:%B %Y}"
            past = list(dict.fromkeys(f.text.rstrip(".") for f in self._deadlines(words)))
            if past:
                notes.append(
                    f"the deadline the draft sets ({_and_list(past)}) is before today, "
                    f"{today}: if this goes out now, give a date still to come"
                )
            else:
                notes.append(
                    "no next step with a date: the draft sets no deadline (\u201cby\u201d, "
                    f"\u201cbefore\u201d or \u201cuntil\u201d a date) after today, {today}, "
                    "so add one of your own if you want a reply by then"
                )
        self._completion = (done, self._completion[1], notes)
        return self._completion

    def _deadlines(self, words: str) -> list[Fact]:
        """Return the dates the writer sets as deadlines: after "by", "before" or "until",
        and not in a promise the draft reports ("you promised the parts by Thursday")."""
        out = []
        for fact in find_facts(words, today=self.today):
            if fact.kind != "date":
                continue
            if _DEADLINE_LEAD.search(words, 0, fact.start) is None and not re.match(
                r"(?i)(?:by|before|until)\b", fact.text
            ):
                continue  # "processed in 7 working days" is no deadline of the writer's
            clause = words[max(0, fact.start - 60) : fact.start]
            clause = re.split(r"[.!?;]\s", clause)[-1]
            if _REPORTED_PROMISE.search(clause):
                continue  # someone else's broken promise, not the writer's deadline
            out.append(fact)
        return out

    def _date_ahead(self, words: str) -> DateFact | None:
        """Return the earliest date still to come that the writer sets as a deadline.

        None when the draft gives no such date after ``today``, and when one of its
        deadlines is already past: the draft was written before today, and a weekday
        it names ("by Thursday") meant one near then, not the one after today.
        """
        deadlines = self._deadlines(words)
        if any(f.value < self.today.isoformat() for f in deadlines):
            return None
        ahead = [
            (f.value, _date_fact(f, self.today))
            for f in deadlines
            if f.value > self.today.isoformat()
        ]
        return min(ahead, key=lambda x: x[0])[1] if ahead else None

    def _amount_at_issue(self) -> str | None:
        """Return the amount a benchmark clause is about, as the draft writes it.

        The one amount (by value) that the writer's requests, offers and
        commitments name ("Please refund the duplicate charges of AUD 267.00"),
        else the draft's only amount; the blank ``[the amount]`` when they name
        several, so that the clause is suggested with the amount to fill in rather
        than quoting the wrong one; None when the draft names none.
        """
        own = [
            (a, b)
            for a, b in ((s.start, s.end) for s in self.sentences)
            if any(
                seg.kind is SegmentKind.OWN and seg.start <= a < seg.end
                for seg in self.report.segments
            )
            or not self.report.segments
        ]
        everything: dict[str, str] = {}
        asking: dict[str, str] = {}
        for a, b in own:
            text = self.body[a:b]
            found = {
                f.value: f.text for f in find_facts(text, today=self.today) if f.kind == "amount"
            }
            everything.update(found)
            if carries_content(text):
                asking.update(found)
        for pool in (asking, everything):
            if len(pool) == 1:
                return next(iter(pool.values()))
        return "[the amount]" if everything else None

    def _clause_to_insert(self) -> tuple[Benchmark | None, Edit | None]:
        """Return the benchmark clause for this draft and the edit that inserts it.

        A clause goes in only where the draft shows a broken promise or a repeat
        problem, or the user asked for one (a figure given, or the punitive
        form); terms are "restored" only where the draft says they were
        withdrawn. A clause with a blank the draft cannot fill is not inserted:
        it is suggested in the notes with what to fill in.
        """
        own = [s for s in self.report.segments if s.kind is SegmentKind.OWN]
        own_text = [s for s in own if self.body[s.start : s.end].strip()]
        own_words = " ".join(self.body[s.start : s.end] for s in own_text)
        found = situations(own_words)
        flagged = any(s.findings for s in self.sentences)
        shows = flagged and bool(found & {"broken-promise", "repeated"})
        if self.params.form is BenchmarkForm.NONE or not own_text:
            return None, None
        if not (self.params.asked or shows):
            return None, None
        dispute = self.report.dispute
        sure = dispute.role_confidence >= ROLE_CONFIDENCE
        template = template_for_role(dispute.sender_role if sure else None)
        if template == NO_CLAUSE or ("own-side" in found and not self.params.asked):
            return None, None  # the writer's own side failed: no safeguard on the reader
        params = self.params
        if params.restore is None:
            params = replace(params, restore="terms-withdrawn" in found)
        clause = benchmark_clause(
            self.report.dispute.type,
            params,
            self.report.dispute,
            refund=asks_for_refund(own_words),
            defaults=False,
            template=template,
            amount=self._amount_at_issue(),
        )
        if clause is None:
            return None, None
        if clause.blanks:
            self.suggestion = clause
            return None, None
        at = _insertion_point(self.body, own_text[-1])
        return clause, Edit(at, at, "\n\n" + clause.text, None)


_CLOSING = re.compile(r"(?:[A-Za-z']+[ \t]+){0,3}[A-Za-z']+,?")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _looks_like_name_block(paragraph: str) -> bool:
    """Tell whether a paragraph is a name, title and company rather than prose."""
    lines = [line.strip() for line in paragraph.strip().splitlines()]
    if 0 < len(lines) <= 7 and _CLOSING.fullmatch(lines[0]):
        return True  # "Best regards," and whatever follows it
    return 0 < len(lines) <= 4 and all(
        len(line) <= 50 and len(line.split()) <= 6 and not line.endswith((".", "?", "!"))
        for line in lines
    )


def _insertion_point(body: str, last: Segment) -> int:
    """Return where the benchmark goes: after the sender's last paragraph of prose.

    A closing name block the splitter did not take for a signature ("Gordon Reid /
    Reid Haulage" with no sign-off above it) stays below the clause.
    """
    text = body[last.start : last.end].rstrip()
    breaks = list(_PARAGRAPH_BREAK.finditer(text))
    if breaks and _looks_like_name_block(text[breaks[-1].end() :]):
        return last.start + breaks[-1].start()
    return last.start + len(text)


def _before_deletion(body: str, insertion: Edit, edits: Sequence[Edit]) -> Edit:
    """Return ``insertion`` moved before a removed sentence it would follow.

    A sentence added after the sender's last paragraph lands where that paragraph
    ended; when the paragraph itself was removed, the new sentence takes its place,
    with no more newlines before it than make one blank line.
    """
    at = insertion.start
    gone = next((e for e in edits if not e.replacement and e.start < at <= e.end), None)
    if gone is None:
        return insertion
    text = insertion.replacement.lstrip("\n")
    before = body[: gone.start]
    newlines = len(before) - len(before.rstrip("\n"))
    lead = "\n" * max(0, 2 - newlines) if before.strip() else ""
    after = body[gone.end :]
    follow = len(after) - len(after.lstrip("\n"))
    trail = "\n" * max(0, 2 - follow) if after.strip() and follow else ""
    return replace(insertion, start=gone.start, end=gone.start, replacement=lead + text + trail)


#: What opens a heading line: "Subject:", "Re:", "Ref:".
_LABEL = re.compile(r"(?i)(?:subject|subj|re|fwd?|ref|regarding)\s*:")
#: What opens a point of a list, alone on its line before the sentence: "2.", "b)", "-".
_LIST_MARK = re.compile(r"[^\S\n]*(?:\(?(?:\d{1,2}|[a-z])[.)]|[-*\u2022\u2013])[^\S\n]*")
#: A quotation of three words or more: the record of what someone said or wrote.
_QUOTATION = re.compile(
    r"[\"\u201c][^\"\u201c\u201d\n\w]*\w+(?:[^\"\u201c\u201d\n\w]+\w+){2}[^\"\u201c\u201d\n]*[\"\u201d]"
)
#: A yes-or-no question about the reader's side's conduct ("Is anyone there reading
#: these?", "Did you even open the brief?"); with a finding, it wants no answer.
_RHETORICAL = re.compile(
    r"(?i)\s*(?:(?:and|so|honestly|seriously|frankly|really)[,\s]+)?"
    r"(?:is|are|was|were|do|does|did|has|have|had)\s+(?:this|that|anyone|anybody|"
    r"no\s*one|nobody|you|your|they|their|he|she)\b[^?]*\?+\s*$"
)
#: What a real question asks for: news, a chance, help, leave.
_REAL_ASK = re.compile(
    r"(?i)\b(?:update|news|chance|able|possible|available|willing|mind|help|advise|"
    r"let\s+(?:me|us)\s+know)\b"
)
#: "and" joining two clauses or verb phrases.
_AND = re.compile(r",?\s+and\s+")
#: What sets a deadline shortly before a date: "by", "before", "until", "no later than",
#: with a weekday or a time between ("until Friday, 19 April", "by 5pm on 3 May").
_DEADLINE_LEAD = re.compile(r"(?i)\b(?:by|before|until|till|no\s+later\s+than)\b[^.!?;\n]{0,24}$")
#: How a sentence that asks opens: an auxiliary or a question word.
_ASKS = re.compile(
    r"(?i)\s*(?:(?:please|so|and|but|then|also|honestly|seriously)[,\s]+)?"
    r"(?:could|can|would|will|do|does|did|is|are|was|were|have|has|had|shall|should|may|"
    r"might|must|why|what|when|where|who|whom|whose|how|which|isn't|aren't|wasn't|"
    r"weren't|don't|doesn't|didn't|haven't|hasn't|won't|wouldn't|can't|couldn't)\b"
)
#: What the writer undertakes to do: "I will", "we'll", "I shall", "we must".
_COMMITMENT = re.compile(r"(?i)\b(?:I|we)(?:\s+will|['\u2019]ll|\s+shall|\s+must)\b")
#: A relative clause that hangs on the words before it ("..., which I sent on 9 August").
_RELATIVE = re.compile(r"\s*(?:which|who|whom|whose|where)\b", re.IGNORECASE)
#: Subjects that refer back to something said before them.
_ANAPHORS = frozenset(
    {"it", "they", "them", "this", "that", "these", "those", "he", "she", "him", "her"}
)


def _only_case(old: str, new: str) -> bool:
    """Tell whether ``new`` is ``old`` with only some letters' case changed."""
    return new != old and len(new) == len(old) and new.lower() == old.lower()


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    # never cut a word in two: back up to a word boundary
    while 0 < n < len(a) and n < len(b) and a[n - 1].isalnum() and a[n].isalnum():
        n -= 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = _common_prefix(a[::-1], b[::-1])
    return n


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Return ``text`` with non-overlapping ``edits`` applied by offset."""
    out = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[position : edit.start])
        out.append(edit.replacement)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def _shift(position: int, edits: Sequence[Edit]) -> int:
    """Return where ``position`` of the original lands after ``edits``."""
    delta = 0
    for edit in edits:
        if edit.end <= position:
            delta += len(edit.replacement) - (edit.end - edit.start)
    return position + delta


def _shifted_segments(segments: Sequence[Segment], edits: Sequence[Edit]) -> tuple[Segment, ...]:
    out = []
    for seg in segments:
        start = 0 if seg.start == 0 else _shift(seg.start, edits)
        out.append(Segment(start, _shift(seg.end, edits), seg.kind))
    return tuple(out)


def _original_position(position: int, edits: Sequence[Edit]) -> int:
    """Return the original offset a position of the rewritten text came from."""
    delta = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        new_start = edit.start + delta
        new_end = new_start + len(edit.replacement)
        if position < new_start:
            break
        if position < new_end:
            return edit.start
        delta += len(edit.replacement) - (edit.end - edit.start)
    return position - delta


def check_edited(report: Report, edits: Sequence[Edit], *, settings: Settings) -> Report:
    """Check ``report``'s draft again after ``edits``, with the same segments.

    Quoted replies and the signature stay what they were (only their offsets move),
    so the new check sees exactly the sender's own, edited text.
    """
    segments = report.segments or (Segment(0, len(report.body), SegmentKind.OWN),)
    draft = Draft(
        body=apply_edits(report.body, edits),
        segments=_shifted_segments(segments, edits),
        source=report.source,
        subject=report.subject,
        to=report.to,
    )
    return next(analyze_drafts([draft], settings))


def rewrite(
    source: Report | Source,
    *,
    settings: Settings | None = None,
    benchmark: BenchmarkParams | None = None,
    level: Severity = Severity.WARNING,
    today: datetime.date | None = None,
    complete: bool = True,
) -> RewriteResult:
    """Rewrite a draft's flagged sentences calmly and add a benchmark clause.

    Args:
        source: a :class:`Report` from :func:`mailcoach.check`, or anything
            ``check`` accepts: a ``str`` is the text, ``bytes`` a raw message, a
            ``Path`` a file, or a Draft.
        settings: the settings to check with (and to re-check the rewrite with).
        benchmark: the benchmark form and figures; positive with defaults if None.
        level: findings at or above this level are rewritten.
        today: the reference date for relative dates; ``date.today()`` if None.
        complete: add, to a flagged draft, what the checklist finds missing where
            the draft's facts allow (a request for written confirmation, a next
            step on a deadline the draft gives); False leaves it out.

    Returns:
        The rewritten text, its edits (offsets into the original body), the
        benchmark clause, and the reports before and after.
    """
    s = settings or Settings()
    report = source if isinstance(source, Report) else check(source, settings=s)
    ref = today or datetime.date.today()
    params = benchmark or BenchmarkParams()
    writer = _Rewriter(report, s, params, level, ref)
    writer.plan(report.findings)
    kept_notes = writer.keep_apologies() + writer.keep_quotes()
    for round_ in range(MAX_ROUNDS + 1):
        edits = writer.edits()
        clause, insertion = writer.benchmark()
        completed, completing, completion_notes = (
            writer.completion() if complete else ([], None, [])
        )
        added = [_before_deletion(report.body, e, edits) for e in (completing, insertion) if e]
        all_edits = sorted([*edits, *added], key=lambda e: e.start)
        text = apply_edits(report.body, all_edits)
        after = check_edited(report, all_edits, settings=s)
        left = [f for f in after.findings if f.severity >= level]
        if not left or round_ == MAX_ROUNDS or not writer.strengthen(left, all_edits):
            break
    notes: list[str] = []
    if clause is not None and clause.warning:
        notes.append(clause.warning)
    for gone in writer.removed:
        notes.append(
            f"removed (nothing of it survived a minimal edit): \u201c{_one_line(gone)}\u201d"
        )
    notes.extend(writer.change_notes())
    notes.extend(kept_notes)
    notes.extend(completion_notes)
    left = [f for f in after.findings if f.severity >= level]
    by_choice = {_one_line(report.body[x.start : x.end]) for x in writer.sentences if x.suggested}
    still = [item for item in _still_flagged(after, left, writer) if item[0] not in by_choice]
    as_written = {_one_line(k) for k in writer.left}
    steps = load_steps()
    for sentence, reads in still:
        if (
            reads == Category.THREATENING.value
            and steps.named_in(sentence)
            and sentence not in writer.refused
        ):
            step = _one_line(steps.compiled.search(sentence)[0])  # type: ignore[index]
            notes.append(
                _squash(
                    render(
                        FOLDER,
                        "kept-step.j2",
                        sentence=sentence,
                        step=step,
                        as_written=sentence in as_written,
                    )
                )
            )
        elif sentence in writer.refused:
            notes.append(
                f"left as written, and it still reads as {reads}; the rewrite that kept "
                f"every fact (\u201c{_one_line(writer.refused[sentence])}\u201d) was read as "
                f"hostile too, so reword it yourself: \u201c{sentence}\u201d"
            )
        elif sentence in as_written:
            notes.append(
                f"left as written, and it still reads as {reads}; no edit kept every fact and "
                f"the grammar, so reword it yourself: \u201c{sentence}\u201d"
            )
        else:
            notes.append(
                f"this sentence still reads as {reads}; reword it yourself: \u201c{sentence}\u201d"
            )
    noted = {sentence for sentence, _ in still}
    for kept in writer.left:
        if _one_line(kept) not in noted:
            notes.append(
                "left as written (no edit kept every fact and the grammar; reword it "
                f"yourself): \u201c{_one_line(kept)}\u201d"
            )
    if writer.suggestion is not None:
        blanks = _and_list(writer.suggestion.blanks)
        notes.append(
            f"a benchmark clause could set a safeguard; fill in {blanks} and add it if it "
            f"fits: \u201c{writer.suggestion.text}\u201d"
        )
    spans = [(x.start, x.end) for x in after.sentiment.sentences]
    unexplained = [
        f
        for f in left
        if not any(a <= f.start < b and _one_line(after.body[a:b]) in by_choice for a, b in spans)
    ]  # a calm apology's sentence kept by choice has its own note
    if unexplained:
        notes.append(
            f"{len(unexplained)} finding(s) could not be rewritten away; "
            "look at them before sending: " + ", ".join(f.rule_id for f in unexplained)
        )
    return RewriteResult(
        text,
        tuple(all_edits),
        clause,
        report,
        after,
        tuple(notes),
        tuple(writer.removed),
        tuple(writer.left),
        tuple(completed),
    )


def _still_flagged(
    after: Report, left: Sequence[Finding], writer: _Rewriter
) -> list[tuple[str, str]]:
    """Return each sentence of the rewrite that still carries a finding, and what it reads as.

    What it reads as is its categories in plain words, and "to the sentence
    model" when only the model flagged it (no word list matched, so the rewrite
    had no phrase to change).
    """
    spans = [(s.start, s.end) for s in after.sentiment.sentences]
    groups: dict[tuple[int, int], list[Finding]] = {}
    for finding in left:
        span = next(
            ((a, b) for a, b in spans if a <= finding.start < b), (finding.start, finding.end)
        )
        groups.setdefault(span, []).append(finding)
    out = []
    for (a, b), found in sorted(groups.items()):
        cats: list[str] = []
        for f in found:
            word = f.category.value.replace("_", "-")
            if word not in cats:
                cats.append(word)
        reads = _and_list(cats)
        if all(writer._is_model(f) for f in found):
            reads += " to the sentence model (no word list matched, so no phrase rewrite applies)"
        out.append((_one_line(after.body[a:b]), reads))
    return out


def _and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _one_line(text: str) -> str:
    return " ".join(text.split())
