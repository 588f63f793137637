"""Typed, immutable values that flow through mailcoach: drafts in, reports out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Category(StrEnum):
    """The six kinds of language that hurt a dispute conversation."""

    INFLAMMATORY = "inflammatory"
    BLAMING = "blaming"
    SARCASTIC = "sarcastic"
    PASSIVE_AGGRESSIVE = "passive_aggressive"
    THREATENING = "threatening"
    LIABILITY = "liability"


class Severity(IntEnum):
    """How much a finding matters: info < warning < error."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """Return the lower-case name used in files, options and JSON."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Return the severity named ``value`` (case-insensitive).

        Raises:
            ValueError: if ``value`` names no severity.
        """
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown level {value!r} (expected one of: {names})") from None


class Verdict(StrEnum):
    """What the sender should do with the draft.

    ``ERROR`` is never a checked draft's verdict: it marks a report whose message
    could not be read (``Report.error`` says why), so that it never reads as clean.
    """

    OK = "ok"
    REVISE = "revise"
    HOLD = "hold"
    ERROR = "error"


class SegmentKind(StrEnum):
    """What a stretch of a message body is."""

    OWN = "own"
    QUOTED = "quoted"
    SIGNATURE = "signature"


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch ``body[start:end]`` of a message body and what it is."""

    start: int
    end: int
    kind: SegmentKind


@dataclass(frozen=True, slots=True)
class Draft:
    """One message to analyse.

    ``body`` is the decoded text of the message (for a plain file, the whole file).
    ``segments`` cover ``body`` from start to end without gaps or overlaps, in order;
    only the ``OWN`` segments are analysed, the others are kept byte-for-byte.
    """

    body: str
    segments: tuple[Segment, ...]
    source: str = "-"
    subject: str | None = None
    to: str | None = None
    sender: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def own_segments(self) -> tuple[Segment, ...]:
        """Return the segments written by the sender."""
        return tuple(s for s in self.segments if s.kind is SegmentKind.OWN)

    @property
    def own_text(self) -> str:
        """Return the sender's own text, segments joined by blank lines."""
        return "\n\n".join(self.body[s.start : s.end] for s in self.own_segments)

    @property
    def signature_text(self) -> str:
        """Return the sign-off blocks split off the sender's text, joined by newlines."""
        return "\n".join(
            self.body[s.start : s.end] for s in self.segments if s.kind is SegmentKind.SIGNATURE
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One flagged span of the draft, with its reason and a calmer wording."""

    rule_id: str
    category: Category
    severity: Severity
    start: int
    end: int
    line: int
    column: int
    text: str
    message: str
    why: str
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class SentenceSentiment:
    """VADER's compound score for one sentence, ``body[start:end]``."""

    start: int
    end: int
    compound: float


@dataclass(frozen=True, slots=True)
class Sentiment:
    """VADER sentiment of the own text: overall and per sentence."""

    compound: float = 0.0
    sentences: tuple[SentenceSentiment, ...] = ()


@dataclass(frozen=True, slots=True)
class Dispute:
    """Facts found in the draft and the kind of dispute they point to.

    ``sender_role`` and ``reader_role`` say who writes to whom (None when no cue
    tells); the confidences are 0.0-1.0, and 1.0 when the user set the value.
    """

    type: str = "other"
    amounts: tuple[str, ...] = ()
    invoices: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    days_overdue: int | None = None
    counterpart: str | None = None
    type_confidence: float = 0.0
    sender_role: str | None = None
    reader_role: str | None = None
    role_confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One point of the coaching checklist: does the draft do this, and if not, how to."""

    id: str
    label: str
    ok: bool
    advice: str


@dataclass(frozen=True, slots=True)
class Report:
    """The result of checking one draft."""

    source: str
    verdict: Verdict
    tone_score: int
    findings: tuple[Finding, ...] = ()
    sentiment: Sentiment = field(default_factory=Sentiment)
    dispute: Dispute = field(default_factory=Dispute)
    subject: str | None = None
    to: str | None = None
    body: str = ""
    segments: tuple[Segment, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    notes: tuple[str, ...] = ()
    error: str | None = None

    def count(self, at_least: Severity = Severity.INFO) -> int:
        """Return how many findings are at or above ``at_least``."""
        return sum(1 for f in self.findings if f.severity >= at_least)

    @property
    def worst(self) -> Severity | None:
        """Return the highest severity among the findings, or None if there are none."""
        return max((f.severity for f in self.findings), default=None)
