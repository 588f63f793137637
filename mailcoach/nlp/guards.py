"""Context guards named in a rule's ``unless:`` list, implemented once for every rule.

A guard answers one question about a matched span: does its context make it
harmless? ("If you fail to pay, call me" is conditional; "we will not sue" is
negated.) Each guard uses the parse when it is there and plain token order
otherwise.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from spacy.tokens import Doc, Span, Token

from mailcoach.nlp.sentences import sentence_of
from mailcoach.nlp.sentiment import compound_of
from mailcoach.rules.schema import GUARD_DECLARATIONS

CONDITIONAL_MARKERS = frozenset({"if", "unless", "whether", "provided", "providing", "assuming"})
#: Clause markers ("mark" in the parse) that make a clause conditional.
CONDITION_MARKS = CONDITIONAL_MARKERS | {"once"}
CONDITIONAL_PHRASES = (("in", "case"), ("as", "long", "as"), ("as", "soon", "as"))
NEGATIONS = frozenset(
    {
        "not",
        "n't",
        "never",
        "no",
        "nt",
        "without",
        "avoid",
        "avoiding",
        "nor",
        "nobody",
        "none",
        "neither",
        "noone",
    }
)
#: Subjects that negate their verb: "nothing has been sent", "nobody will sue".
NO_ONE_AND_NOTHING = frozenset({"nothing", "nobody", "noone", "none", "neither"})
#: Verbs that carry a negation down into their clause ("I don't think you are ...").
NEG_RAISING = frozenset(
    {
        "think",
        "believe",
        "mean",
        "say",
        "suggest",
        "feel",
        "want",
        "intend",
        "plan",
        "expect",
        "wish",
    }
)
#: Politeness markers that turn an order into a request (Danescu-Niculescu-Mizil et al. 2013).
HEDGES = (
    ("please",),
    ("kindly",),
    ("if", "you", "can"),
    ("if", "possible"),
    ("when", "you", "can"),
    ("if", "you", "could"),
    ("when", "you", "get", "a", "chance"),
    ("if", "that", "works"),
    ("would", "you"),
    ("could", "you"),
    ("if", "at", "all", "possible"),
)
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "myself", "ourselves"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves", "u", "ya"})
SPEECH_VERBS = frozenset(
    {
        "say",
        "tell",
        "mention",
        "claim",
        "report",
        "write",
        "explain",
        "note",
        "state",
        "complain",
        "suggest",
        "insist",
        "allege",
        "argue",
        "feel",
        "think",
        "ask",
        "call",
        "describe",
        "dub",
        "label",
        "term",
        "brand",
        # "the guest threatened to dispute the charge": someone else's step, reported
        "threaten",
        "warn",
    }
)
DEMANDING_OPENERS = frozenset({"why", "how"})
#: Dependency labels of a clause that a verb of saying reports.
REPORTED_CLAUSES = frozenset({"ccomp", "xcomp", "parataxis", "dobj"})
#: Subjects that report nothing ("nobody told us").
NOBODY = frozenset({"nobody", "no", "none", "noone", "neither"})
#: A sentence VADER rates at least this positive is sincere praise, not an attack.
POSITIVE_THRESHOLD = 0.3
#: How many tokens before a span a lone negation still governs it ("not going to sue").
NEGATION_WINDOW = 5
CLAUSE_BREAKS = frozenset({";", ":", "—", "–"})
#: Phrases that put a ceiling on an amount ("up to $40", "capped at", "no more than").
CAP_PHRASES = (
    ("capped", "at"),
    ("cap", "of"),
    ("limited", "to"),
    ("maximum", "of"),
    ("no", "more", "than"),
    ("not", "exceeding"),
    ("not", "to", "exceed"),
    ("at", "most"),
    ("up", "to", "a", "maximum"),
    ("up", "to", "a", "limit"),
)
CURRENCY_SIGNS = frozenset({"$", "£", "€", "₹", "¥"})
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
#: A numeric date: 28/06, 28.06.2026, 2026-06-28.
_NUMERIC_DATE = re.compile(r"^(\d{1,2}[/.]\d{1,2}([/.]\d{2,4})?|\d{4}-\d{2}-\d{2})$")
#: A day of the month: 28, 28th, 1st.
_DAY = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
#: Quotation marks that open and close: straight and curly, double and single.
_OPENING = frozenset("\"'“‘")
_CLOSING = frozenset("\"'”’")
#: Besides a letter or digit, what a quotation may open with ("'$500 is a joke'").
_QUOTE_STARTS = frozenset("$£€¥₹#@(")


def _has_subject(token: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in token.children)


def _subject_chain(token: Token) -> Iterator[Token]:
    """Yield ``token`` and the heads above it while they share its clause.

    A conjunct with its own subject is a clause of its own ("we never shipped it,
    and we'll compensate you"): the chain stops there.
    """
    yield token
    while not (token.dep_ == "conj" and _has_subject(token)) and (
        token.dep_
        in {
            "xcomp",
            "aux",
            "auxpass",
            "conj",
            "prep",
            "pobj",
            "dobj",
            "acomp",
            "attr",
            "neg",
            "advmod",
            "amod",
            "compound",
            "det",
            "poss",
        }
        and token.head is not token
    ):
        token = token.head
        yield token


@dataclass(frozen=True, slots=True)
class _Marks:
    """Where a doc's clause breaks, commas and conditional markers are (token indexes).

    Found once per doc (kept in ``doc.user_data``), so that a guard asks about the
    words before a match in log time however long its sentence is.
    """

    breaks: list[int]
    commas: list[int]
    #: conditional markers and phrases ("if", "as long as"): starts, and their ends
    condition_starts: list[int]
    condition_ends: list[int]

    @classmethod
    def of(cls, doc: Doc) -> _Marks:
        """Return the doc's marks, collected on first use."""
        found = doc.user_data.get(MARKS_KEY)
        if isinstance(found, cls):
            return found
        lowers = [t.lower_ for t in doc]
        conditions = sorted(
            [(i, i + 1) for i, w in enumerate(lowers) if w in CONDITIONAL_MARKERS]
            + [
                (i, i + len(p))
                for i, w in enumerate(lowers)
                for p in CONDITIONAL_PHRASES
                if w == p[0] and tuple(lowers[i : i + len(p)]) == p
            ]
        )
        found = doc.user_data[MARKS_KEY] = cls(
            [i for i, w in enumerate(lowers) if w in CLAUSE_BREAKS or w in {".", "!", "?"}],
            [i for i, w in enumerate(lowers) if w == ","],
            [a for a, _ in conditions],
            [b for _, b in conditions],
        )
        return found


#: Where a doc's ``_Marks`` are kept.
MARKS_KEY = "mailcoach_marks"


def _last_before(positions: list[int], index: int) -> int:
    """Return the last of the sorted ``positions`` before ``index``, or -1."""
    k = bisect.bisect_left(positions, index)
    return positions[k - 1] if k else -1


def _clause_start(span: Span) -> int:
    """Return where the span's clause starts: after the last hard break in its sentence."""
    return max(sentence_of(span).start, _last_before(_Marks.of(span.doc).breaks, span.start) + 1)


def _conditional_words_before(span: Span) -> bool:
    """Tell whether a conditional marker opens the span's clause with no comma after it."""
    marks = _Marks.of(span.doc)
    low = max(_clause_start(span), _last_before(marks.commas, span.start) + 1)
    k = bisect.bisect_left(marks.condition_starts, span.start) - 1
    # markers are at most a few words long: only the last few can end after the span starts
    while k >= 0 and marks.condition_starts[k] >= low:
        if marks.condition_ends[k] <= span.start:
            return True
        k -= 1
    return False


def conditional(span: Span) -> bool:
    """Tell whether the span sits inside an if/unless/should-you clause."""
    if span.doc.has_annotation("DEP") and _earliest_condition(span.root) < span.end:
        return True
    if _conditional_words_before(span):
        return True
    sent = sentence_of(span)
    first = sent[0].lower_ if len(sent) else ""
    return first == "should" and any(t.lower_ in SECOND_PERSON for t in sent[:4])


#: Where each token's earliest conditional word on its way up the parse is kept.
TRIGGERS_KEY = "mailcoach_condition_triggers"


def _condition_child(token: Token) -> int:
    """Return the index of the first child that makes ``token``'s clause conditional.

    That is an if/unless/once marker, or an inverted "should" before the subject
    ("should you fail to pay"). Returns the doc's length when there is none.
    """
    children = list(token.children)  # in order: the first one found is the earliest
    for child in children:
        if (child.dep_ == "mark" and child.lower_ in CONDITION_MARKS) or (
            child.lower_ == "should"
            and child.i < token.i
            and any(c.dep_.startswith("nsubj") and c.i > child.i for c in children)
        ):
            return child.i
    return len(token.doc)


def _earliest_condition(token: Token) -> int:
    """Return the first conditional word (see ``_condition_child``) of ``token`` and its heads.

    The heads are followed up to the sentence's root. A span is conditional when
    this is before its end. Worked out once per token (kept in ``doc.user_data``):
    each match used to walk its whole chain of heads and all their children, and a
    long sentence full of matches is a deep tree.
    """
    doc = token.doc
    memo: dict[int, int] = doc.user_data.setdefault(TRIGGERS_KEY, {})
    path: list[Token] = []
    current = token
    while current.i not in memo:
        path.append(current)
        if current.dep_ == "ROOT" or current.head.i == current.i:
            break
        current = current.head
    found = memo.get(current.i, len(doc))
    for tok in reversed(path):
        found = memo[tok.i] = min(_condition_child(tok), found)
    return found


#: Where a doc's conditional clause heads are kept (see ``_condition_head``).
CONDITIONS_KEY = "mailcoach_conditions"


def _condition_head(token: Token) -> Token | None:
    """Return the nearest of ``token`` and its heads that has an if/unless marker child.

    Worked out once per token and kept in ``doc.user_data``: the guards run once
    on a doc, after its parse, and a long sentence is a deep tree.
    """
    doc = token.doc
    memo: dict[int, int] | None = doc.user_data.get(CONDITIONS_KEY)
    if memo is None:
        heads = {t.head.i for t in doc if t.dep_ == "mark" and t.lower_ in CONDITIONAL_MARKERS}
        memo = doc.user_data[CONDITIONS_KEY] = {i: i for i in heads}
    path: list[int] = []
    current = token
    while current.i not in memo:
        path.append(current.i)
        if current.head.i == current.i:  # the root (Token objects are made anew)
            memo[current.i] = -1
            break
        current = current.head
    found = memo[current.i]
    for i in path:
        memo[i] = found
    return doc[found] if found >= 0 else None


def _in_other_condition(token: Token, span: Span) -> bool:
    """Tell whether ``token`` sits in an if/unless clause that does not contain ``span``."""
    if not span.doc.has_annotation("DEP"):
        return False
    head = _condition_head(token)
    if head is None:
        return False
    return not (head.left_edge.i <= span.start and span.end - 1 <= head.right_edge.i)


def negated(span: Span) -> bool:
    """Tell whether the span's verb is negated from outside ("we will not sue").

    Negation inside the span is the rule's own business ("you never pay").
    """
    doc = span.doc
    clause_start = _clause_start(span)
    tokens = list(doc[max(clause_start, span.start - NEGATION_WINDOW) : span.start])
    if any(t.text == "," for t in tokens):
        last = max(i for i, t in enumerate(tokens) if t.text == ",")
        tokens = tokens[last + 1 :]
    # a negation inside an if-clause that does not hold the span negates the
    # condition, not the span: "if you don't pay I'll take you to court"
    tokens = [t for t in tokens if not _in_other_condition(t, span)]
    window = [t.lower_ for t in tokens]
    count = sum(w in NEGATIONS for w in window)
    if count:
        return count % 2 == 1  # "don't think we won't ..." is no negation at all
    if "than" in window and "rather" in (t.lower_ for t in doc[clause_start : span.start]):
        return True
    if doc.has_annotation("DEP"):
        for tok in _subject_chain(span.root):
            if any(c.dep_ == "neg" and not span.start <= c.i < span.end for c in tok.children):
                return True
            # a subject that says no one and nothing: "nothing has been sent to a collection
            # agency"; not a counterfactual ("none of this would have happened if ...")
            children = list(tok.children)
            says_none = any(
                c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ in NO_ONE_AND_NOTHING
                for c in children
            )
            counterfactual = any(c.lower_ in {"would", "could", "might", "'d"} for c in children)
            if says_none and not counterfactual:
                return True
            if (
                tok.dep_ in {"ccomp", "xcomp"}
                and tok.head.lemma_.lower() in NEG_RAISING
                and any(c.dep_ == "neg" for c in tok.head.children)
            ):
                return True
    return False


def _subject_of(span: Span) -> Token | None:
    if not span.doc.has_annotation("DEP"):
        return None
    for tok in _subject_chain(span.root):
        for child in tok.children:
            if child.dep_ in {"nsubj", "nsubjpass", "expl"}:
                return child
    return None


def first_person(span: Span) -> bool:
    """Tell whether the span's subject is the writer ("we failed to", "I forgot")."""
    subject = _subject_of(span)
    if subject is not None:
        words = {t.lower_ for t in subject.subtree}
        return bool(words & FIRST_PERSON) and not words & SECOND_PERSON
    before = [t.lower_ for t in span.doc[max(_clause_start(span), span.start - 3) : span.start]]
    return bool(set(before) & FIRST_PERSON)


def second_person(span: Span) -> bool:
    """Tell whether the reader, or both sides, take the step ("you can refer it to the
    ombudsman", "either of us can"): a route offered, not a step threatened.

    Only an active subject counts: "you will be reported" is still done to the reader.
    """
    subject = _subject_of(span)
    if subject is None or subject.dep_ != "nsubj":
        return False
    words = {t.lower_ for t in subject.subtree}
    shared = subject.lower_ in {"either", "both", "each"}
    return shared or (bool(words & SECOND_PERSON) and not words & FIRST_PERSON)


#: Where the answers of the guards that read only a match's sentence are kept.
SENTENCE_GUARDS_KEY = "mailcoach_sentence_guards"


def _per_sentence(guard: Callable[[Span], bool]) -> Callable[[Span], bool]:
    """Answer a guard that reads only the span's sentence once per sentence.

    A sentence can hold many matches; the answers are kept in ``doc.user_data``.
    """

    @functools.wraps(guard)
    def cached(span: Span) -> bool:
        answers: dict[tuple[str, int], bool] = span.doc.user_data.setdefault(
            SENTENCE_GUARDS_KEY, {}
        )
        sent = sentence_of(span)
        key = (guard.__name__, sent.start)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = guard(sent)
        return answer

    return cached


@_per_sentence
def question(span: Span) -> bool:
    """Tell whether the span is in a genuine question, not a demand for an account."""
    sent = sentence_of(span)
    words = [t for t in sent if not t.is_space]
    if not words or words[-1].text != "?":
        return False
    opener = next((t for t in words if not t.is_punct), None)
    return opener is None or opener.lower_ not in DEMANDING_OPENERS


def _holds(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Tell whether ``words`` hold one of ``phrases`` (each a run of whole words)."""
    return any(
        tuple(words[i : i + len(p)]) == p for p in phrases for i in range(len(words) - len(p) + 1)
    )


@_per_sentence
def hedged(span: Span) -> bool:
    """Tell whether the sentence softens the request ("please", "if you can", "could you")."""
    return _holds([t.lower_ for t in sentence_of(span)], HEDGES)


def positive(span: Span) -> bool:
    """Tell whether VADER rates the span's sentence as sincerely positive."""
    return compound_of(span) >= POSITIVE_THRESHOLD


#: Where the answers of ``reported`` are kept, by the root token of a span.
REPORTED_KEY = "mailcoach_reported"


def reported(span: Span) -> bool:
    """Tell whether the span is someone else's words reported by the writer."""
    if not span.doc.has_annotation("DEP"):
        return False
    root = span.root
    # the answer depends on the span's root alone: found once per root
    answers: dict[int, bool] = span.doc.user_data.setdefault(REPORTED_KEY, {})
    answer = answers.get(root.i)
    if answer is None:
        answer = answers[root.i] = _reported_from(root)
    return answer


def _reported_from(root: Token) -> bool:
    """Tell whether ``root`` sits in a clause that a verb of saying reports, not the writer's."""
    child = root
    for tok in root.ancestors:
        # the span must sit in the clause that is said ("X said that <span>"), not
        # be the saying itself ("nobody told us")
        if tok.lemma_.lower() in SPEECH_VERBS and child.dep_ in REPORTED_CLAUSES:
            subject = next((c for c in tok.children if c.dep_.startswith("nsubj")), None)
            words = {t.lower_ for t in subject.subtree} if subject is not None else set()
            # "our recruiter said ..." reports someone else; "we said ..." does not
            speaker = subject.lower_ if subject is not None else ""
            if words and speaker not in FIRST_PERSON | SECOND_PERSON and not words & NOBODY:
                return True
        child = tok
    return False


@_per_sentence
def capped(span: Span) -> bool:
    """Tell whether the span's sentence puts a ceiling on the amount ("up to $40")."""
    words = [t for t in sentence_of(span) if not t.is_space]
    lower = [t.lower_ for t in words]
    for i in range(len(lower)):
        if any(tuple(lower[i : i + len(p)]) == p for p in CAP_PHRASES):
            return True
        if lower[i : i + 2] == ["up", "to"] and any(
            t.like_num or t.text in CURRENCY_SIGNS or t.text[:1] in CURRENCY_SIGNS
            for t in words[i + 2 : i + 4]
        ):
            return True
    return False


def quote_regions(text: str) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) of each quotation in ``text``.

    A mark opens a quotation when it hugs the next word (start or space before it,
    a letter, digit or currency sign after) and closes one when it hugs the previous
    word; an apostrophe inside a word ("don't") does neither.
    """
    if not any(mark in text for mark in _OPENING):
        return  # (most sentences: reading them character by character is slow)
    start = None
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        hugs_next = (after.isalnum() or after in _QUOTE_STARTS) and (
            before.isspace() or before in "([{—–-"
        )
        hugs_previous = not after.isalnum() and (before.isalnum() or before in ".,!?…")
        if start is None and char in _OPENING and hugs_next:
            start = i
        elif start is not None and char in _CLOSING and hugs_previous:
            yield start, i + 1
            start = None


def quoted(span: Span) -> bool:
    """Tell whether the span stands inside quotation marks in its sentence.

    Straight and curly, double and single marks count ("you called it 'a scam'").
    """
    starts, ends = _sentence_quotes(span)
    k = bisect.bisect_left(starts, span.start_char) - 1  # the last quotation opened before it
    return k >= 0 and span.end_char <= ends[k]


#: Where the quotations of a doc's sentences are kept, by sentence start (characters).
QUOTES_KEY = "mailcoach_quotes"


def _sentence_quotes(span: Span) -> tuple[list[int], list[int]]:
    """Return the starts and ends (doc characters) of the quotations in the span's sentence.

    Found once per sentence and kept in ``doc.user_data``: a sentence can hold many
    matches. Quotations never overlap, so both lists are in order.
    """
    sent = sentence_of(span)
    cache: dict[int, tuple[list[int], list[int]]] = span.doc.user_data.setdefault(QUOTES_KEY, {})
    found = cache.get(sent.start_char)
    if found is None:
        offset = sent.start_char
        regions = list(quote_regions(sent.text))
        found = cache[sent.start_char] = (
            [offset + a for a, _ in regions],
            [offset + b for _, b in regions],
        )
    return found


def _day(word: str, *, ordinal: bool = False) -> bool:
    """Tell whether a word is a day of the month ("28", "1st"; only "1st" if ``ordinal``)."""
    day = _DAY.match(word)
    return bool(day and 1 <= int(day[1]) <= 31 and (day[2] or not ordinal))


@_per_sentence
def dated(span: Span) -> bool:
    """Tell whether the span's sentence names a calendar date ("by 28 June", "on 1/7").

    A step announced for a named day is a notice the reader can act on, not a
    vague menace: "we will refer it to our collections partner on 1 July".
    """
    words = [t.lower_ for t in sentence_of(span) if not t.is_space]
    for i, word in enumerate(words):
        if _NUMERIC_DATE.match(word):
            return True
        if word.rstrip(".") in MONTHS:
            before = words[i - 2] if i >= 2 and words[i - 1] == "of" else words[i - 1] if i else ""
            after = words[i + 1] if i + 1 < len(words) else ""
            if _day(before) or _day(after):
                return True  # "28 June", "28th of June", "June 28"
        if word == "the" and i + 1 < len(words) and _day(words[i + 1], ordinal=True):
            return True  # "by the 20th"
    return False


#: What a writer adds when a stated next step is a last resort ("I'd much rather we
#: sorted it before then", "a payment plan is still an option").
SETTLING = (
    ("rather",),
    ("prefer",),
    ("happy", "to"),
    ("glad", "to"),
    ("still", "an", "option"),
    ("still", "on", "the", "table"),
    ("still", "possible"),
    ("still", "open"),
    ("open", "to"),
)
#: Words that point back to a date the sentence before named ("If I haven't heard by then").
BACK_TO_A_DATE = (("by", "then"), ("before", "then"), ("after", "then"), ("after", "that", "date"))


@_per_sentence
def settling(span: Span) -> bool:
    """Tell whether the span's sentence sets a step for a named date (or for "then",
    after one) and it, or the sentence after it, says the writer would rather settle.

    "If the £640 is still unpaid on 30 June, I'll file a small claim; I'd much rather
    we sorted it before then." is a notice with a way out; "Pay by 30 June or we will
    sue." says nothing of the kind and stays a threat.
    """
    sent = sentence_of(span)
    words = [t.lower_ for t in sent if not t.is_space]
    if not (dated(span) or _holds(words, BACK_TO_A_DATE)):
        return False
    if _holds(words, SETTLING):
        return True
    doc = span.doc
    if sent.end >= len(doc):
        return False
    after = sentence_of(doc[sent.end : sent.end + 1])
    return _holds([t.lower_ for t in after if not t.is_space], SETTLING)


def _implementation(name: str) -> Callable[[Span], bool]:
    """Return the function that implements the guard declared as ``name``."""
    check = globals().get(name.replace("-", "_"))
    if not callable(check):  # a declared guard with no function: fail at import, loudly
        raise ImportError(f"guard '{name}' is declared in rules.schema but not implemented here")
    return cast(Callable[[Span], bool], check)


#: The guards a rule may name in ``unless:``, from the one table in rules.schema.
GUARDS: Mapping[str, Callable[[Span], bool]] = MappingProxyType(
    {name: _implementation(name) for name, _ in GUARD_DECLARATIONS}
)
#: Guards that read the dependency parse; the others need only tokens, sentences, VADER.
PARSE_GUARDS = frozenset(name for name, reads_parse in GUARD_DECLARATIONS if reads_parse)
