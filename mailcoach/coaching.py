"""The coaching checklist: does a draft do what a good dispute email does?

The checks and their advice are data (``lexicons/coaching.yml``); this module knows
the few kinds of test, never the items. The same file holds the patterns that
recognise a benchmark clause already in a draft, used by the rewriter too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mailcoach.dispute import has_date
from mailcoach.errors import LexiconError
from mailcoach.facts.spans import gate_of, lowered_for
from mailcoach.model import Category, ChecklistItem, Dispute, Finding, Severity
from mailcoach.resources import lexicon_dir
from mailcoach.text import normalize

COACHING_FILE = "coaching.yml"
FactName = Literal["amount", "reference", "date"]
#: A test of what every match of a pattern contains, on lower-cased text.
Gate = Callable[[str], bool]
Situation = Literal["broken-promise", "repeated", "terms-withdrawn", "own-side"]


#: A day of the month named alone, a date to the reader who knows the month ("Can
#: you confirm the 28th works?"); too loose for the facts, enough for a next step.
_DAY_OF_MONTH = re.compile(r"(?i)\bthe\s+(?:[12]?\d|3[01])(?:st|nd|rd|th)\b")
#: A weekday set as a deadline: "by Friday 11 am", "before next Tuesday".
_BY_WEEKDAY = re.compile(
    r"(?i)\b(?:by|before|until|till|no\s+later\s+than)\s+(?:this\s+|next\s+|"
    r"(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day\s+)?(?:on\s+)?)?"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
)


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    test: Literal["facts", "pattern", "pattern-with-date", "benchmark", "future"]
    advice: str = Field(min_length=1)
    needs: list[FactName] = []
    patterns: list[str] = []
    categories: list[Category] = []


class _Coaching(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    benchmark: list[str] = Field(min_length=1)
    refund_request: list[str] = Field(default=[], alias="refund-request")
    content: list[str] = []
    claims: list[str] = []
    situations: dict[Situation, list[str]] = {}
    checklist: list[_Item]


class Coaching:
    """The compiled coaching file."""

    def __init__(self, spec: _Coaching, where: Path) -> None:
        self.items = spec.checklist
        self.benchmark = _compile(spec.benchmark, where, "benchmark")
        self.refund_request = _compile(spec.refund_request, where, "refund-request")
        self.content = _compile(spec.content, where, "content")
        self.claims = re.compile("|".join(f"(?:{p})" for p in spec.claims) or "(?!)", re.I)
        self.situations = {
            name: _compile(patterns, where, f"situations {name}")
            for name, patterns in spec.situations.items()
        }
        self.patterns = {
            item.id: _compile(item.patterns, where, f"checklist {item.id}") for item in self.items
        }


def _compile(patterns: Sequence[str], where: Path, field: str) -> tuple[re.Pattern[str], ...]:
    """Join the patterns into one (a single pass over each sentence).

    Compiling costs more than matching here, so each pattern is compiled on its
    own only when the joined one fails, to name the bad one.
    """
    if not patterns:
        return ()
    try:
        return (re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE),)
    except re.error as joined:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise LexiconError(f"{where}: {field}: bad pattern {pattern!r}: {exc}.") from None
        raise LexiconError(  # e.g. a global flag such as (?i) that is not at the start
            f"{where}: {field}: the patterns cannot be joined ({joined}); "
            "use scoped flags such as (?i:...) instead of global ones."
        ) from None


@lru_cache(maxsize=4)
def load_coaching(path: Path | None = None) -> Coaching:
    """Read and check the coaching file (the bundled one unless ``path`` is given).

    Raises:
        LexiconError: if the file is missing or invalid; the message names the field.
    """
    from mailcoach.rules.load import read_data_file

    where = path or lexicon_dir() / COACHING_FILE
    spec = read_data_file(where, _Coaching)
    return Coaching(spec, where)


def is_benchmark(sentence: str) -> bool:
    """Tell whether ``sentence`` already sets a benchmark (a condition and what follows)."""
    plain = normalize(sentence)
    return any(p.search(plain) for p in load_coaching().benchmark)


def asks_something(text: str) -> bool:
    """Tell whether ``text`` already asks the reader for something, with or without a
    date: a question, or the words of a next step or of a confirmation request."""
    plain = normalize(text)
    coaching = load_coaching()
    asks = (*coaching.patterns["next-step"], *coaching.patterns["confirmation"])
    return "?" in plain or any(p.search(plain) for p in asks)


def asks_for_refund(text: str) -> bool:
    """Tell whether ``text`` is from someone waiting for their own refund."""
    plain = normalize(text)
    return any(p.search(plain) for p in load_coaching().refund_request)


def carries_content(sentence: str) -> bool:
    """Tell whether ``sentence`` asks, offers, commits or points to an attachment."""
    plain = normalize(sentence)
    return any(p.search(plain) for p in load_coaching().content)


def content_marks(sentence: str) -> list[tuple[int, int, int]]:
    """Return where ``sentence`` asks, offers, commits or points to an attachment.

    Each mark is ``(pattern number, start, end)`` of one ``content`` pattern's match
    in ``lexicons/coaching.yml``; the offsets are into ``sentence`` (normalising
    quotes keeps the length).
    """
    plain = normalize(sentence)
    return [
        (number, m.start(), m.end())
        for number, pattern in enumerate(load_coaching().content)
        for m in pattern.finditer(plain)
    ]


def claim_words(text: str) -> set[str]:
    """Return the claim words of ``text`` (lower case): commitments, plans, history."""
    return {m[0].lower() for m in load_coaching().claims.finditer(normalize(text))}


def situations(text: str) -> frozenset[str]:
    """Return what ``text`` says happened: ``broken-promise``, ``repeated``, ``terms-withdrawn``."""
    plain = normalize(text)
    found = load_coaching().situations
    return frozenset(name for name, pats in found.items() if any(p.search(plain) for p in pats))


#: A line that opens a list of what the writer asks for: "What we need:", "We ask you
#: for following:", "Please arrange:".
_ASKING_LEAD = re.compile(
    r"(?i)\b(?:need|needs|want|ask|asking|expect|require|request|requesting|following|"
    r"please|kindly)\b[^:]*:\s*$"
)


def _asked_above(plain: Sequence[str], k: int, asks: Callable[[int], bool]) -> bool:
    """Tell whether sentence ``k`` is a point of a list that a request opens: the
    nearest line above it, within six, that ends with a colon asks for something
    ("What we need:" then "- the balance delivered by Friday 11 am")."""
    for j in range(k - 1, max(-1, k - 7), -1):
        if plain[j].rstrip().endswith(":"):
            return bool(_ASKING_LEAD.search(plain[j])) or asks(j)
    return False


def checklist(
    sentences: Sequence[str], dispute: Dispute, findings: Sequence[Finding]
) -> tuple[ChecklistItem, ...]:
    """Return the checklist for a draft.

    Args:
        sentences: the sentences of the sender's own text.
        dispute: the facts found in it.
        findings: its findings (a future-facing draft has no blame at warning level).
    """
    coaching = load_coaching()
    plain = [normalize(s) for s in sentences]
    # a sentence that lacks what every match of a pattern contains is not searched
    # (see facts.spans.may_match): most sentences lack it
    lowered = [lowered_for(s) for s in plain]

    def gated(patterns: Sequence[re.Pattern[str]]) -> list[tuple[re.Pattern[str], Gate]]:
        return [(p, gate_of(p)) for p in patterns]

    def hit(patterns: list[tuple[re.Pattern[str], Gate]], k: int) -> bool:
        low = lowered[k]
        return any((low is None or test(low)) and p.search(plain[k]) for p, test in patterns)

    every = range(len(plain))
    items = []
    for item in coaching.items:
        patterns = gated(coaching.patterns[item.id])
        if item.test == "facts":
            present = {
                "amount": bool(dispute.amounts),
                "reference": bool(dispute.invoices),
                "date": bool(dispute.dates),
            }
            ok = all(present[name] for name in item.needs)
        elif item.test == "pattern":
            ok = any(hit(patterns, k) for k in every)
        elif item.test == "pattern-with-date":
            dated = [
                bool(has_date(p) or _DAY_OF_MONTH.search(p) or _BY_WEEKDAY.search(p)) for p in plain
            ]
            asks = partial(hit, patterns)
            ok = any(dated[k] and (asks(k) or _asked_above(plain, k, asks)) for k in every)
        elif item.test == "benchmark":
            benchmark = gated(coaching.benchmark)
            ok = any(hit(benchmark, k) for k in every)
        else:  # future
            blamed = any(
                f.category in item.categories and f.severity >= Severity.WARNING for f in findings
            )
            ok = not blamed and any(hit(patterns, k) for k in every)
        items.append(ChecklistItem(item.id, item.label, ok, item.advice))
    return tuple(items)
