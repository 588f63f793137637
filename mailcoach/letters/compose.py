"""Compose a letter from a case's facts, and prove it calm by checking it.

Each kind of letter is one template, ``templates/letters/<kind>.j2``: its first line
is ``Subject: …``, the rest is the letter. This module checks that the facts hold
what the kind needs, works out the numbers and dates the template uses, adds the
benchmark clause (from :mod:`mailcoach.rewriting.benchmark`), and runs the result
through :func:`mailcoach.check`: a letter with a warning- or error-level finding is
refused with :class:`SelfCheckFailed`, never returned.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mailcoach.analyze import check, tone_score, verdict_for
from mailcoach.coaching import checklist
from mailcoach.errors import FactsError, LetterError
from mailcoach.letters.facts import CaseFacts, Invoice, read_facts, validate
from mailcoach.model import Category, Dispute, Finding, Report, Severity
from mailcoach.resources import template_dir
from mailcoach.rewriting.benchmark import (
    Benchmark,
    BenchmarkForm,
    BenchmarkParams,
    benchmark_clause,
)
from mailcoach.settings import Settings
from mailcoach.templating import render

if TYPE_CHECKING:
    from email.message import EmailMessage

FOLDER = "letters"

#: The kinds of letter, in the order ``mailcoach letter --list`` shows them.
KINDS: tuple[str, ...] = (
    "first-contact",
    "reminder",
    "dispute-response",
    "reset",
    "trust-repair",
    "escalation",
    "agreement-summary",
)
#: Kinds whose letter can carry a benchmark clause (see :func:`wants_benchmark`).
BENCHMARK_KINDS: frozenset[str] = frozenset({"first-contact", "reminder", "agreement-summary"})
#: Kinds that must carry one whatever the facts say: a promise was missed.
BENCHMARK_REQUIRED: frozenset[str] = frozenset({"reminder"})
#: Kinds whose letter lists the facts' ``options`` (and so follows them up).
OPTION_KINDS: frozenset[str] = frozenset(
    {"first-contact", "reminder", "dispute-response", "reset", "escalation"}
)

_ABOUT = re.compile(r"\{#\s*about:\s*(?P<about>.+?)\s*#\}", re.S)


class EscalationRefused(LetterError):
    """The facts do not justify going over the counterpart's head."""


class SelfCheckFailed(LetterError):
    """The composed letter has findings at warning level or above; it is not written."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A dated follow-up: a promise, a proposed step, a check-in or a benchmark check."""

    date: datetime.date
    source: str
    what: str
    owner: str = "them"


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice as the letter states it: its balance and days overdue on the letter date."""

    invoice: Invoice
    balance: Decimal
    days_overdue: int


@dataclass(frozen=True)
class Letter:
    """A composed letter that passed its own check.

    ``findings`` holds the info-level findings that remain (usually none); the
    letter was refused if any reached warning level.
    """

    kind: str
    subject: str
    text: str
    facts: CaseFacts
    report: Report
    findings: list[Finding] = field(default_factory=list)
    benchmark: Benchmark | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    notes: tuple[str, ...] = ()
    source: str = "facts"

    @property
    def to(self) -> str:
        """Return the person the letter is addressed to (the manager for an escalation)."""
        if self.kind == "escalation" and self.facts.escalation is not None:
            return self.facts.escalation.to.name
        return self.facts.recipient.name

    def as_message(self, *, now: datetime.datetime | None = None) -> EmailMessage:
        """Return the letter as an :class:`email.message.EmailMessage`.

        Raises:
            FactsError: if the sender's or recipient's email address is missing.
        """
        from mailcoach.letters.mail import build_message

        return build_message(self, now=now)

    def as_email(self, *, now: datetime.datetime | None = None) -> bytes:
        """Return the letter as an RFC 5322 message: UTF-8, CRLF line ends.

        Raises:
            FactsError: if the sender's or recipient's email address is missing.
        """
        from mailcoach.letters.mail import message_bytes

        return message_bytes(self.as_message(now=now))

    def as_ics(self, *, now: datetime.datetime | None = None) -> bytes:
        """Return an iCalendar file with one follow-up reminder per dated step."""
        from mailcoach.letters.reminders import build_calendar

        return build_calendar(self, now=now)


def describe_kinds() -> list[tuple[str, str]]:
    """Return each kind with its one-line description (the template's ``about`` comment)."""
    rows = []
    for kind in KINDS:
        path = template_dir() / FOLDER / f"{kind}.j2"
        try:
            match = _ABOUT.search(path.read_text(encoding="utf-8"))
        except OSError:
            match = None
        rows.append((kind, " ".join(match["about"].split()) if match else ""))
    return rows


def load_facts(facts: CaseFacts | Mapping[str, Any] | os.PathLike[str]) -> CaseFacts:
    """Return validated facts from a model, a mapping, or a ``Path`` to a facts file.

    A ``str`` is not taken for a file name (in the API a ``str`` is text): wrap a
    file name in :class:`pathlib.Path`, or read it with :func:`read_facts`.

    Raises:
        FactsError: naming the file (or "facts") and the field at fault, or saying
            that ``facts`` is of a type that holds no facts.
    """
    if isinstance(facts, CaseFacts):
        return facts
    if isinstance(facts, Mapping):
        return validate(facts, "facts")
    if isinstance(facts, os.PathLike):
        return read_facts(Path(os.fsdecode(facts)))
    hint = (
        f": to read the file {facts!r}, pass Path({facts!r})"
        if isinstance(facts, str) and len(facts) < 200
        else ""
    )
    raise FactsError(
        f"facts must be a mapping, a CaseFacts or a pathlib.Path to a facts file, "
        f"not {type(facts).__name__}{hint}."
    )


def compose_letter(
    kind: str,
    facts: CaseFacts | Mapping[str, Any] | os.PathLike[str],
    *,
    settings: Settings | None = None,
    where: str | None = None,
) -> Letter:
    """Write a letter of ``kind`` from a case's facts and check it.

    Args:
        kind: one of :data:`KINDS`.
        facts: validated facts, a mapping to validate, or a ``Path`` to a facts file
            (TOML, YAML or JSON). A ``str`` is refused with a FactsError.
        settings: the settings the self-check runs with.
        where: how errors name the facts (a file name, "row 4"); defaults to the path
            or "facts".

    Returns:
        The letter, with ``findings == []`` unless info-level findings remain.

    Raises:
        FactsError: the facts lack what this kind needs (the message names the field).
        EscalationRefused: an escalation the facts do not justify.
        SelfCheckFailed: the letter has warning- or error-level findings.
        TemplateError: a letter template is missing or broken.
    """
    if kind not in KINDS:
        raise LetterError(f"unknown letter kind {kind!r}; choose one of: {', '.join(KINDS)}.")
    if where is None:
        where = os.fsdecode(facts) if isinstance(facts, os.PathLike) else "facts"
    case = load_facts(facts)
    _require(kind, case, where)
    benchmark = _benchmark(kind, case, where)
    context = _context(kind, case, benchmark)
    rendered = render(FOLDER, f"{kind}.j2", **context)
    subject, text = _split_subject(rendered, kind)
    report = _exempt_verbatim(
        check(text, settings=settings),
        verbatim_values(case),
        loud=tuple(inv.description for inv in case.invoices if inv.description),
    )
    report = _exempt_own_apology(report, own_conduct(kind, case), settings=settings)
    report = replace(report, source=f"the {kind} letter from {where}", subject=subject)
    serious = [f for f in report.findings if f.severity >= Severity.WARNING]
    if serious:
        listed = "; ".join(f"{f.rule_id} at line {f.line}: {f.text!r}" for f in serious)
        raise SelfCheckFailed(
            f"the {kind} letter did not pass its own check ({listed}); it was not written. "
            "Reword the facts' free text, or report the template.",
            report,
        )
    notes = (benchmark.warning,) if benchmark and benchmark.warning else ()
    return Letter(
        kind=kind,
        subject=subject,
        text=text,
        facts=case,
        report=report,
        findings=list(report.findings),
        benchmark=benchmark,
        follow_ups=follow_ups(kind, case),
        notes=notes,
        source=where,
    )


def verbatim_values(case: CaseFacts) -> tuple[str, ...]:
    """Return the facts' data that a letter copies as it is: names, references, descriptions.

    These are the user's records, not the letter's tone: a company registered in
    capitals or a bank's remittance reference ("FPS 20OCT SMILECO") is not shouting.
    Free text that the letter builds sentences from (``what``, ``point``, ``detail``,
    document titles, invoice descriptions …) is not among them and is checked like the
    template wording (a description in capitals is still not shouting: see
    :func:`_exempt_verbatim`).
    """
    people = [case.sender, case.recipient]
    if case.escalation is not None:
        people.append(case.escalation.to)
    values: list[str | None] = []
    for person in people:
        values += [person.name, person.company, person.role, person.email, person.salutation]
    for inv in case.invoices:
        values += [inv.reference]
    for pay in case.payments:
        values += [pay.reference, pay.invoice]
    values += [item.invoice for item in case.disputed]
    return tuple(sorted({v for v in values if v}, key=len, reverse=True))


#: Categories a writer may use about their own earlier message in an apology.
TONE_CATEGORIES = frozenset(
    {Category.INFLAMMATORY, Category.SARCASTIC, Category.PASSIVE_AGGRESSIVE}
)
#: A description of the writer's own message that turns on the reader ("fair, since
#: you are useless") is not an apology: the reader is its subject.
_READER_AS_SUBJECT = re.compile(
    r"(?i)\b(?:you(?:\s+(?:are|were|have\s+been)|[\u2019']re)|your\s+\w+\s+(?:is|are|was|were))\b"
)
#: What an own-conduct value is replaced with when its sentence is checked without it.
_NEUTRAL = "not right"


def own_conduct(kind: str, case: CaseFacts) -> tuple[str, ...]:
    """Return the facts' words in which the writer describes their own conduct.

    The reset letter's ``reset.tone`` ("it was sarcastic in places, which was
    unfair") and the trust-repair letter's ``repair.what`` are the writer judging
    their own side; a hostile word there is owned, not aimed at the reader.
    """
    values: list[str | None] = []
    if kind == "reset" and case.reset is not None:
        values.append(case.reset.tone)
    if kind == "trust-repair" and case.repair is not None:
        values.append(case.repair.what)
    return tuple(v for v in values if v and not _READER_AS_SUBJECT.search(v))


def _exempt_own_apology(
    report: Report, own: tuple[str, ...], *, settings: Settings | None
) -> Report:
    """Drop tone findings that come only from the writer's description of their own conduct.

    A tone finding (inflammatory, sarcastic, passive-aggressive) inside such a
    description is exempt; a finding on a whole sentence that holds one is exempt
    when the sentence, with the description replaced by a neutral phrase, checks
    clean. Blame, threats and admissions of liability are never exempt.
    """
    if not own or not report.findings:
        return report
    body = report.body
    lowered = body.lower()
    spans = [
        (m.start(), m.end())
        for value in own
        for m in re.finditer(re.escape(value.lower()), lowered)
    ]
    if not spans:
        return report
    sentences = [(s.start, s.end) for s in report.sentiment.sentences]
    cache: dict[tuple[int, int], bool] = {}

    def clean_without(a: int, b: int) -> bool:
        if (a, b) not in cache:
            text = body[a:b]
            for x, y in sorted((x, y) for x, y in spans if a <= x and y <= b)[::-1]:
                text = text[: x - a] + _NEUTRAL + text[y - a :]
            found = check(text, settings=settings).findings
            cache[(a, b)] = not any(f.severity >= Severity.WARNING for f in found)
        return cache[(a, b)]

    def exempt(f: Finding) -> bool:
        if f.category not in TONE_CATEGORIES:
            return False
        if any(x <= f.start and f.end <= y for x, y in spans):
            return True
        sentence = next(((a, b) for a, b in sentences if a <= f.start < b), None)
        if sentence is None or not any(
            sentence[0] <= x and y <= sentence[1] and f.start < y and f.end > x for x, y in spans
        ):
            return False
        return clean_without(*sentence)

    return _rejudge(report, tuple(f for f in report.findings if not exempt(f)))


def _rejudge(report: Report, kept: tuple[Finding, ...]) -> Report:
    """Return ``report`` with only the ``kept`` findings, its verdict and checklist redone."""
    if len(kept) == len(report.findings):
        return report
    body = report.body
    sentences = [body[s.start : s.end] for s in report.sentiment.sentences]
    return replace(
        report,
        findings=kept,
        verdict=verdict_for(kept),
        tone_score=tone_score(kept, report.sentiment.compound),
        checklist=checklist(sentences, report.dispute, kept) if sentences else (),
    )


def _exempt_verbatim(
    report: Report, values: tuple[str, ...], *, loud: tuple[str, ...] = ()
) -> Report:
    """Drop findings that lie entirely inside a value copied from the facts, and re-judge.

    Inside a ``loud`` value (an invoice description) only capitals are exempt: the
    words themselves are checked like any other free text.
    """
    body = report.body
    lowered = body.lower()

    def spans_of(found: tuple[str, ...]) -> list[tuple[int, int]]:
        return [
            (m.start(), m.end())
            for value in found
            for m in re.finditer(re.escape(value.lower()), lowered)
        ]

    spans, loud_spans = spans_of(values), spans_of(loud)

    def exempt(f: Finding) -> bool:
        if any(a <= f.start and f.end <= b for a, b in spans):
            return True
        shouted = f.text.upper() == f.text and any(c.isalpha() for c in f.text)
        covered = [*spans, *loud_spans]
        return shouted and all(
            any(a <= i < b for a, b in covered) for i in range(f.start, f.end) if body[i].isalpha()
        )

    return _rejudge(report, tuple(f for f in report.findings if not exempt(f)))


def _require(kind: str, case: CaseFacts, where: str) -> None:
    """Refuse facts that lack what ``kind`` needs, naming the field."""

    def missing(field: str, why: str) -> FactsError:
        return FactsError(f"{where}: {field}: {why}.")

    if kind in ("first-contact", "reminder", "dispute-response") and not case.invoices:
        raise missing("invoices", f"a {kind} letter needs at least one invoice")
    if kind in ("first-contact", "reminder") and case.total_due <= 0:
        raise missing("payments", f"nothing is due, so there is no {kind} letter to write")
    if kind in ("first-contact", "reminder") and case.total_past_due <= 0:
        first = min(inv.due for inv in case.not_yet_due)
        raise missing(
            "invoices",
            f"nothing is past due yet (the first invoice falls due on {first.isoformat()}), "
            f"so there is no {kind} letter to write",
        )
    if kind == "reminder" and not case.broken_promises:
        raise missing(
            "promises",
            'a reminder needs a missed promise (by = "them", kept = false, '
            "due before the letter's date)",
        )
    if kind == "dispute-response" and not case.disputed:
        raise missing("disputed", "a dispute-response letter needs the disputed points")
    if kind == "reset" and case.reset is None:
        raise missing("reset", "a reset letter needs the earlier message and the effort to thank")
    if kind == "trust-repair" and case.repair is None:
        raise missing("repair", "a trust-repair letter needs what happened and the repair steps")
    if kind == "agreement-summary" and case.agreement is None:
        raise missing("agreement", "an agreement-summary letter needs the agreed steps")
    if kind == "escalation":
        _require_escalation(case, where)


def _require_escalation(case: CaseFacts, where: str) -> None:
    """Refuse an escalation unless the facts record an impasse or a lack of authority."""
    name = case.recipient.name
    esc = case.escalation
    if esc is None or esc.reason == "none":
        field = "escalation" if esc is None else "escalation.reason"
        raise EscalationRefused(
            f"{where}: {field}: escalation refused: writing to {name}'s manager is a last "
            "resort, and the facts record neither an impasse nor a lack of authority. "
            'Set escalation.reason to "impasse" or "authority" with escalation.detail '
            "saying what happened, or write a reminder or agreement-summary letter first."
        )
    if esc.detail is None:
        raise EscalationRefused(
            f"{where}: escalation.detail: escalation refused: say what the {esc.reason} is "
            "(e.g. the dates of the calls that ended without a plan), so the manager can act."
        )
    if esc.to.name == name:
        raise EscalationRefused(
            f"{where}: escalation.to: the escalation is addressed to {name}, the "
            "counterpart; name their manager."
        )


def wants_benchmark(kind: str, case: CaseFacts) -> bool:
    """Tell whether a letter of ``kind`` carries a benchmark clause for these facts.

    A benchmark answers broken promises (DOMAIN.md, point 2). A reminder always sets
    one. A first-contact letter sets one when the other side has broken a promise or
    the facts ask for one with a ``benchmark`` table; an agreement summary only when
    the facts give one, since the letter says it was agreed. ``form = "none"`` leaves
    it out of both.
    """
    if kind in BENCHMARK_REQUIRED:
        return True
    if kind not in BENCHMARK_KINDS or case.benchmark.form == "none":
        return False
    asked = "benchmark" in case.model_fields_set
    if kind == "first-contact":
        return asked or bool(case.broken_promises)
    return asked


def restores_terms(case: CaseFacts) -> bool:
    """Tell whether the benchmark gives back terms that were withdrawn, or keeps them.

    ``benchmark.restore`` decides when set; otherwise terms count as withdrawn once
    the other side has broken a promise or the case is past first contact.
    """
    if case.benchmark.restore is not None:
        return case.benchmark.restore
    return bool(case.broken_promises) or case.stage != "first-contact"


def _benchmark(kind: str, case: CaseFacts, where: str) -> Benchmark | None:
    """Write the kind's benchmark clause, if it calls for one."""
    params = case.benchmark
    if kind in BENCHMARK_REQUIRED and params.form != "positive":
        raise FactsError(
            f"{where}: benchmark.form: a {kind} letter sets a positive benchmark (what the "
            'reader gains); use "positive" or leave the field out.'
        )
    if not wants_benchmark(kind, case):
        return None
    return benchmark_clause(
        case.type,
        BenchmarkParams(
            form=BenchmarkForm(params.form),
            count=params.count,
            terms=params.terms,
            period=params.period,
            restore=restores_terms(case),
        ),
        dispute_facts(case),
    )


def dispute_facts(case: CaseFacts) -> Dispute:
    """Return the case as the Dispute facts the benchmark templates see."""
    dates = sorted({inv.due for inv in case.invoices})
    return Dispute(
        type=case.type,
        amounts=(case.money(case.total_due),) if case.invoices else (),
        invoices=tuple(inv.reference for inv in case.invoices),
        dates=tuple(d.isoformat() for d in dates),
        days_overdue=case.max_days_overdue or None,
        counterpart=case.recipient.name,
    )


def open_invoices(case: CaseFacts) -> list[OpenInvoice]:
    """Return every invoice with its balance and days overdue, oldest due date first."""
    return [
        OpenInvoice(inv, case.balance(inv), case.days_overdue(inv))
        for inv in sorted(case.invoices, key=lambda i: (i.due, i.reference))
    ]


def _context(kind: str, case: CaseFacts, benchmark: Benchmark | None) -> dict[str, Any]:
    """Return what the templates use: the facts and the figures worked out from them."""
    disputed = sorted(case.disputed, key=lambda d: (not d.accepted, d.amount))
    accepted = sum((d.amount for d in case.disputed if d.accepted), Decimal())
    contested = sum((d.amount for d in case.disputed if not d.accepted), Decimal())
    return {
        "kind": kind,
        "facts": case,
        "today": case.today,
        "reply_by": case.reply_date,
        "invoices": open_invoices(case),
        "total_due": case.money(case.total_due),
        "due_now": case.money(case.total_past_due),
        "not_yet_due": [i for i in open_invoices(case) if i.invoice in case.not_yet_due],
        "total_invoiced": case.money(case.total_invoiced),
        "overdue": [i for i in open_invoices(case) if i.days_overdue and i.balance],
        "broken": sorted(case.broken_promises, key=lambda p: p.due),
        "promises": sorted(case.promises, key=lambda p: (p.made or p.due, p.due)),
        "ours": [p for p in case.problems if p.side == "ours"],
        "theirs": [p for p in case.problems if p.side == "theirs"],
        "benchmark": benchmark.text if benchmark else None,
        "disputed": disputed,
        "undisputed": case.money(max(case.total_due - case.total_disputed, Decimal())),
        "has_undisputed": case.total_due > case.total_disputed,
        "invoice_of": {inv.reference: inv for inv in case.invoices},
        "accepted": case.money(accepted),
        "contested": case.money(contested),
        "after_credit": case.money(max(case.total_due - accepted, Decimal())),
        "has_accepted": any(d.accepted for d in case.disputed),
        "has_contested": any(not d.accepted for d in case.disputed),
    }


#: The closing line; the signature below it keeps its line breaks.
_CLOSING = re.compile(r"^(?:Kind regards|Best regards|Best wishes|Yours sincerely|With thanks),?$")
#: A line that is a list item keeps its own line.
_LIST_ITEM = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s")


def _split_subject(rendered: str, kind: str) -> tuple[str, str]:
    """Split the template's ``Subject:`` first line from the letter and tidy the layout."""
    first, _, rest = rendered.lstrip("\n").partition("\n")
    if not first.startswith("Subject:"):
        raise LetterError(f"templates/letters/{kind}.j2 must start with a 'Subject:' line.")
    return " ".join(first.removeprefix("Subject:").split()), tidy(rest)


def tidy(text: str) -> str:
    """Join each paragraph's sentences into one line; keep lists, blank lines, the signature.

    Templates write one sentence per line so that their conditions stay readable; a
    line that ends a sentence runs on into the next one unless that starts a list
    item. Runs of blank lines become one, and nothing after the closing is joined.
    """
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    out: list[str] = []
    signed = False
    for line in lines:
        joinable = (
            not signed
            and out
            and line
            and out[-1]
            and out[-1][-1] in ".?!"
            and not _LIST_ITEM.match(line)
            and not _LIST_ITEM.match(out[-1])
        )
        if joinable:
            out[-1] = f"{out[-1]} {line.strip()}"
        elif line or (out and out[-1]):
            out.append(line)
        signed = signed or bool(_CLOSING.match(line.strip()))
    return "\n".join(out).strip("\n") + "\n"


def follow_ups(kind: str, case: CaseFacts) -> tuple[FollowUp, ...]:
    """Return the dated follow-ups of a letter, on or after its date, in date order.

    Every letter has at least one: the date a reply is asked for.
    """
    today = case.today
    found: list[FollowUp] = [FollowUp(case.reply_date, "reply", "a written reply")]
    for promise in case.promises:
        if not promise.kept and promise.due >= today:
            found.append(FollowUp(promise.due, "promise", promise.what, promise.by))
    if kind in OPTION_KINDS:
        found += [FollowUp(o.by, "option", o.what, o.owner) for o in case.options]
    if wants_benchmark(kind, case) and case.benchmark.check_on:
        found.append(FollowUp(case.benchmark.check_on, "benchmark", "the benchmark", "both"))
    if kind == "trust-repair" and case.repair is not None:
        found += [FollowUp(s.by, "step", s.what, s.owner) for s in case.repair.steps]
        found += [FollowUp(d, "check-in", "a check-in", "us") for d in case.repair.check_ins]
    if kind == "agreement-summary" and case.agreement is not None:
        found += [FollowUp(s.by, "step", s.what, s.owner) for s in case.agreement.steps]
    unique = {(f.date, f.source, f.what): f for f in found if f.date >= today}
    return tuple(sorted(unique.values(), key=lambda f: (f.date, f.source, f.what)))
