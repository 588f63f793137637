"""Check drafts: run the pipeline over the sender's own text and build Reports."""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mailcoach.coaching import checklist
from mailcoach.dispute import extract as extract_dispute
from mailcoach.errors import InputError, MailcoachError
from mailcoach.inputs import Unreadable, parse_bytes, parse_text, read_draft
from mailcoach.model import (
    Dispute,
    Draft,
    Finding,
    Report,
    Segment,
    SentenceSentiment,
    Sentiment,
    Severity,
    Verdict,
)
from mailcoach.nlp import RESERVE_KEY, SPANS_KEY
from mailcoach.nlp.partial import parse_sentences
from mailcoach.nlp.pipeline import (
    BATCH_SIZE,
    PIPELINE_LOCK,
    build_matchers,
    get_pipeline,
    import_pipeline_code,
    parse_pipes,
    rules_for,
)
from mailcoach.rules.compile import Words
from mailcoach.settings import Settings
from mailcoach.text import Folded, LineIndex, fold

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from spacy.language import Language
    from spacy.tokens import Doc

    from mailcoach.nlp.components import GuardFilter, RuleMatcher
    from mailcoach.rules.load import RuleSet

#: Own text longer than this is not a draft; refuse it rather than parse for minutes.
MAX_OWN_CHARS = 200_000
#: How much each finding lowers the tone score, by severity.
TONE_PENALTY = {Severity.INFO: 4, Severity.WARNING: 14, Severity.ERROR: 28}
#: How much a wholly negative draft (VADER mean -1.0) lowers the tone score.
NEGATIVITY_PENALTY = 15
#: How many drafts check_many holds at once: memory stays flat however long the input.
DRAFTS_PER_CHUNK = 64

#: What the API checks. One rule everywhere: a ``str`` is the text itself, ``bytes``
#: (or a bytearray or memoryview) a raw message, a ``Path`` (any ``os.PathLike``) a
#: file to read, and a ``Draft`` is taken as it is.
Source = str | bytes | bytearray | memoryview | os.PathLike[str] | Draft


def to_draft(source: object, settings: Settings, name: str = "-") -> Draft:
    """Turn text, raw message bytes, a path or a Draft into a Draft.

    ``name`` is how text and bytes are named in the report and in errors.

    Raises:
        InputError: if a path cannot be read, a message cannot be decoded, or
            ``source`` is none of the accepted types.
    """
    if isinstance(source, Draft):
        return source
    if isinstance(source, str):
        return parse_text(source, name)
    if isinstance(source, bytes | bytearray | memoryview):
        return parse_bytes(bytes(source), name, max_bytes=settings.max_bytes)
    if isinstance(source, os.PathLike):
        return read_draft(Path(os.fsdecode(source)), max_bytes=settings.max_bytes)
    raise InputError(
        f"cannot check an object of type {type(source).__name__}: pass the text as a str, "
        "a raw message as bytes, a file as a pathlib.Path, or a Draft."
    )


def verdict_for(findings: Iterable[Finding]) -> Verdict:
    """Return hold for any error, revise for any warning, else ok."""
    worst = max((f.severity for f in findings), default=None)
    if worst is Severity.ERROR:
        return Verdict.HOLD
    if worst is Severity.WARNING:
        return Verdict.REVISE
    return Verdict.OK


def tone_score(findings: Iterable[Finding], compound: float) -> int:
    """Return 0-100, where 100 is calm: findings and overall negativity lower it."""
    penalty = sum(TONE_PENALTY[f.severity] for f in findings) + NEGATIVITY_PENALTY * max(
        0.0, -compound
    )
    return max(0, min(100, round(100 - penalty)))


def _allowed(text: str, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for phrase in phrases:
        needle = fold(phrase.lower().strip()).text
        if needle:
            spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(needle), lowered))
    return spans


class _Builder:
    """Collect findings and sentence scores for one draft, segment by segment."""

    def __init__(self, draft: Draft, rules: RuleSet, settings: Settings) -> None:
        self.draft = draft
        self.rules = rules
        self.settings = settings
        self.lines = LineIndex(draft.body)
        self._words: frozenset[str] | None = None
        self._advice: dict[str, str] = {}  # own_advice of each suggestion (many findings share one)
        self.findings: list[Finding] = []
        #: sentences flagged only if the draft has a warning elsewhere (``RESERVE_KEY``)
        self.reserve: list[Finding] = []
        self.sentences: list[SentenceSentiment] = []

    @property
    def words(self) -> frozenset[str]:
        """Return the draft's words for advice checks, read once per draft."""
        if self._words is None:
            self._words = draft_words(self.draft.body)
        return self._words

    def advice(self, suggestion: str) -> str:
        """Return ``own_advice`` for this draft, worked out once per distinct suggestion."""
        found = self._advice.get(suggestion)
        if found is None:
            found = self._advice[suggestion] = own_advice(suggestion, self.draft.body, self.words)
        return found

    def add(self, segment: Segment, folded: Folded, doc: Doc) -> None:
        """Take the findings and sentence scores of one segment's doc.

        The doc holds the segment's folded text (:func:`mailcoach.text.fold`); its
        offsets are mapped back to the segment and then to the whole body.
        """
        from mailcoach.nlp.sentiment import sentence_texts
        from mailcoach.nlp.tokenizer import doc_text

        offset = segment.start
        allowed = _allowed(doc_text(doc), self.settings.allow) if self.settings.allow else []
        spans = [(span, False) for span in doc.spans[SPANS_KEY]]
        spans += [(span, True) for span in doc.spans.get(RESERVE_KEY, [])]
        for span, reserve in spans:
            rule = self.rules.get(span.id_)
            if rule is None:
                continue
            if any(a < span.end_char and span.start_char < b for a, b in allowed):
                continue
            start, end = (offset + i for i in folded.span(span.start_char, span.end_char))
            text = self.draft.body[start:end]
            line, column = self.lines.position(start)
            (self.reserve if reserve else self.findings).append(
                Finding(
                    rule_id=rule.id,
                    category=rule.category,
                    severity=rule.severity,
                    start=start,
                    end=end,
                    line=line,
                    column=column,
                    text=text,
                    message=rule.spec.message.replace("{match}", text),
                    why=rule.spec.why,
                    suggestion=self.advice(rule.spec.suggestion.replace("{match}", text)),
                )
            )
        for first, last, text, compound in sentence_texts(doc):
            if text.strip():
                start, end = (offset + i for i in folded.span(first, last))
                self.sentences.append(SentenceSentiment(start, end, round(compound, 4)))

    def report(self) -> Report:
        draft = self.draft
        flagged = self.findings
        if any(f.severity >= Severity.WARNING for f in flagged):  # hurt seldom comes alone
            flagged = flagged + self.reserve
        findings = tuple(sorted(flagged, key=lambda f: (f.start, f.end, f.rule_id)))
        scores = [s.compound for s in self.sentences]
        compound = round(sum(scores) / len(scores), 4) if scores else 0.0
        notes = draft.notes
        if not draft.own_text.strip() and not any("nothing to check" in n for n in notes):
            notes = (*notes, "nothing to check: the message has no text of the sender's own")
        found = extract_dispute(draft.own_text, to=draft.to, signature=draft.signature_text)
        dispute = given_roles(found, self.settings)
        sentences = [draft.body[s.start : s.end] for s in self.sentences]
        return Report(
            source=draft.source,
            verdict=verdict_for(findings),
            tone_score=tone_score(findings, compound),
            findings=findings,
            sentiment=Sentiment(compound=compound, sentences=tuple(self.sentences)),
            dispute=dispute,
            subject=draft.subject,
            to=draft.to,
            body=draft.body,
            segments=draft.segments,
            checklist=checklist(sentences, dispute, findings) if sentences else (),
            notes=notes,
        )


def _segments(draft: Draft) -> list[Segment]:
    own = [s for s in draft.own_segments if draft.body[s.start : s.end].strip()]
    if sum(s.end - s.start for s in own) > MAX_OWN_CHARS:
        raise InputError(
            f"{draft.source} has over {MAX_OWN_CHARS:,} characters of its own text; "
            "that is not one email: split it, or check a single message."
        )
    return own


def _sentences_to_parse(doc: Doc, matcher: RuleMatcher, guards: GuardFilter) -> list[int]:
    """Return the sentences of a stage-one doc that the parse could change a result in.

    Those where a rule that reads the parse could match, and those holding a
    candidate whose guards read the parse. Indexes are into the doc's sentences.
    """
    needed = set(matcher.compiled.sentences_to_parse(doc))
    starts = [a for a, _, _ in Words.cached(doc).sentences]
    for span in [*doc.spans[SPANS_KEY], *doc.spans.get(RESERVE_KEY, [])]:
        if guards.needs_parse(span.id_):
            # sentences are in order and cover the doc: those from the one holding
            # the span's first token to the one holding its last
            first = max(bisect.bisect_right(starts, span.start) - 1, 0)
            last = max(bisect.bisect_left(starts, span.end) - 1, first)
            needed.update(range(first, last + 1))
    return sorted(needed)


#: What travels with each text through the pipeline: its draft, segment and fold map.
Context = tuple[int, Segment, Folded]


def _two_stage(nlp: Language, jobs: list[tuple[str, Context]]) -> Iterator[tuple[Doc, Context]]:
    """Run the cheap stage on every text and the parse only where it could matter.

    Stage one tokenizes, splits sentences, scores sentiment and runs the rules that
    need no parse. A text is finished there when no sentence holds the words a
    parse-needing rule requires (parsing could not add a finding) and none of its
    candidates needs a guard that reads the parse; its guards then run as usual.
    The model's tagger and parser are most of the cost, and most outgoing mail is
    calm. For the rest, only the sentences where a parse-reading rule could match
    or a guard reads the parse are parsed (each within its neighbours, see
    ``mailcoach.nlp.partial``), then the parse-reading rules and the guards run.
    Where that cannot stand in for parsing the whole text (a dependency rule that
    relates words across sentences, or a sentence boundary the parser moved), the
    text goes through the whole pipeline again.
    """
    matcher = cast("RuleMatcher", nlp.get_pipe("mailcoach_rules"))
    guards = cast("GuardFilter", nlp.get_pipe("mailcoach_guards"))
    partial = matcher.compiled.parse_within_sentences
    deeper: list[tuple[Doc, list[int], Context]] = []
    with nlp.select_pipes(disable=[*parse_pipes(nlp), "mailcoach_guards"]):
        for doc, context in nlp.pipe(jobs, as_tuples=True, batch_size=BATCH_SIZE):
            needed = _sentences_to_parse(doc, matcher, guards)
            if needed:
                deeper.append((doc, needed, context))
            else:
                yield guards(doc), context
    again: list[tuple[str, Context]] = []
    if partial and deeper:
        requests = []
        for doc, needed, _ in deeper:
            bounds = Words.cached(doc).sentences
            requests.append((doc, [(bounds[i][0], bounds[i][1]) for i in needed]))
        for (doc, _, context), done in zip(deeper, parse_sentences(nlp, requests), strict=True):
            if done:
                yield guards(matcher.add_parsed(doc)), context
            else:
                again.append((doc.text, context))
    else:
        again = [(doc.text, context) for doc, _, context in deeper]
    yield from nlp.pipe(again, as_tuples=True, batch_size=BATCH_SIZE)


#: A suggestion's worked example: "…, e.g. 'If we can't agree a plan by 5 December, …'".
_EXAMPLE = re.compile(r"""[,;:]?\s*(?:e\.g\.|for example|such as)?[,:]?\s*(['"\u201c]).*$""")
#: What makes an example another case's: a figure, a money sign, a weekday or a month.
_CASE_DETAIL = re.compile(
    r"[\d$£€¥₹]|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b|\b(?:two|three|four|five|six|seven|eight|nine|ten)\b"
)


def draft_words(draft: str) -> frozenset[str]:
    """Return the words, figures and money signs of ``draft`` that advice is checked against."""
    return frozenset(re.findall(r"[\w$£€¥₹]+", draft))


def own_advice(suggestion: str, draft: str, words: frozenset[str] | None = None) -> str:
    """Return ``suggestion`` without a worked example that quotes another case's details.

    An example whose figures, dates and counts all occur in the draft stays; one
    that brings its own ("$3,120, for invoices 88 and 91") goes, and the advice
    stays generic. ``words`` is ``draft_words(draft)``, passed in when the same
    draft's advice is checked many times (once per finding).
    """
    example = _EXAMPLE.search(suggestion)
    if example is None:
        return suggestion
    details = {m[0] for m in _CASE_DETAIL.finditer(example[0])}
    tokens = set(re.findall(r"[\w$£€¥₹]+", example[0]))
    if words is None:
        words = draft_words(draft)
    own = all(d in draft for d in details) and not any(
        any(c.isdigit() for c in t) and t not in words for t in tokens
    )
    if own:
        return suggestion
    head = suggestion[: example.start()].rstrip(" ,;:")
    return head if head.endswith((".", "!", "?")) else head + "."


def given_roles(dispute: Dispute, settings: Settings) -> Dispute:
    """Return ``dispute`` with the type and roles the user set (``--type``, ``--role``).

    A role is ``SENDER`` or ``SENDER:READER``; with the sender alone the reader is
    the sender's usual counterpart (a landlord writes to a tenant). A value the
    user set has confidence 1.0.
    """
    from mailcoach.facts.kind import COUNTERPART

    changes: dict[str, object] = {}
    if settings.dispute_type:
        changes.update(type=settings.dispute_type, type_confidence=1.0)
    if settings.role:
        sender, _, reader = settings.role.partition(":")
        changes.update(
            sender_role=sender,
            reader_role=reader or COUNTERPART.get(sender),
            role_confidence=1.0,
        )
    return replace(dispute, **changes) if changes else dispute  # type: ignore[arg-type]


def analyze_drafts(drafts: Iterable[Draft], settings: Settings) -> Iterator[Report]:
    """Check drafts in order, batching their text through one pipeline.

    From the second chunk of drafts on, each chunk is checked inside a spaCy memory
    zone: the strings and lexemes its docs add to the vocabulary (amounts, invoice
    numbers, names: about 40 per dense email) are freed when it ends, so a long
    batch runs in flat memory. Every rule's matcher is built before the first zone,
    since one built inside a zone would keep strings the zone frees. A single
    chunk (one ``check``) skips both and builds only the matchers its text wakes.

    Raises:
        ModelMissingError, LexiconError: fatal problems with the installation.
    """
    nlp = get_pipeline(settings)
    rules = rules_for(settings)
    matcher = cast("RuleMatcher", nlp.get_pipe("mailcoach_rules"))
    queue = iter(drafts)
    chunk = list(islice(queue, DRAFTS_PER_CHUNK))
    while chunk:
        with PIPELINE_LOCK, nlp.memory_zone() if matcher.all_built else contextlib.nullcontext():
            reports = _check_drafts(nlp, chunk, rules, settings)
        yield from reports
        chunk = list(islice(queue, DRAFTS_PER_CHUNK))
        if chunk and not matcher.all_built:
            matcher.build_all()


def _check_drafts(
    nlp: Language, chunk: list[Draft], rules: RuleSet, settings: Settings
) -> list[Report]:
    """Check one chunk of drafts; the reports hold no spaCy object."""
    builders: list[_Builder] = []
    jobs: list[tuple[str, Context]] = []
    errors: dict[int, str] = {}
    for index, draft in enumerate(chunk):
        builders.append(_Builder(draft, rules, settings))
        try:
            segments = _segments(draft)
        except InputError as exc:
            errors[index] = str(exc)
            continue
        for segment in segments:
            folded = fold(draft.body[segment.start : segment.end])
            jobs.append((folded.text, (index, segment, folded)))
    for doc, (index, segment, folded) in _two_stage(nlp, jobs):
        builders[index].add(segment, folded, doc)
    return [
        Report(
            source=builder.draft.source,
            verdict=Verdict.ERROR,
            tone_score=0,
            error=errors[index],
        )
        if index in errors
        else builder.report()
        for index, builder in enumerate(builders)
    ]


def check(source: Source, *, settings: Settings | None = None) -> Report:
    """Check one draft and return its Report.

    Args:
        source: the draft as text (``str``), raw message bytes (plain or RFC 5322;
            also a bytearray or memoryview), a ``Path`` to a file, or a ``Draft``.
            A ``str`` is always the text itself, never a file name.
        settings: what to flag and how; defaults to the built-in settings.

    Returns:
        The report: findings, sentiment, tone score, verdict and dispute facts.

    Raises:
        InputError: if the draft cannot be read, or ``source`` is of another type.
        ModelMissingError: if the spaCy model is not installed.
        LexiconError: if a rule file is invalid.
    """
    s = settings or Settings()
    draft = to_draft(source, s)
    report = next(analyze_drafts([draft], s))
    if report.error:
        raise InputError(report.error)
    return report


#: Drafts sent to a worker process at a time, and chunks in flight per worker.
CHUNK_DRAFTS = 32
CHUNKS_IN_FLIGHT = 2


def _init_worker(settings: Settings) -> None:
    """Prepare a worker process: Ctrl-C is the parent's to handle; load the pipeline once.

    The pipeline is then moved out of the garbage collector's sight (``gc.freeze``):
    it lives as long as the worker, and each full collection walked its ~150,000
    objects (the rules, VADER's lexicon, the sentence model's weights) again, about
    0.2 ms per dense email. What the checks themselves leave behind is collected
    as before.
    """
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    build_matchers(settings)  # then each chunk is checked in a memory zone
    gc.freeze()


def _check_chunk(drafts: list[Draft], settings: Settings) -> list[Report]:
    """Check one chunk of drafts in a worker process."""
    return list(analyze_drafts(drafts, settings))


def _in_parallel(drafts: Iterator[Draft], settings: Settings, jobs: int) -> Iterator[Report]:
    """Check drafts in up to ``jobs`` worker processes, in input order, with bounded memory.

    No more workers start than there are chunks of drafts to give them (one file
    starts none: it is checked in this process). If the caller stops early, or
    Ctrl-C arrives, the workers are ended at once rather than waited for.
    """
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    ahead = list(islice(drafts, jobs * CHUNK_DRAFTS))
    workers = min(jobs, -(-len(ahead) // CHUNK_DRAFTS))
    if workers <= 1:  # the whole stream fits in one chunk
        yield from analyze_drafts(ahead, settings)
        return
    queue = itertools.chain(ahead, drafts)
    pending: deque[Future[list[Report]]] = deque()
    import_pipeline_code(settings)  # forked workers then start with it imported
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings,))
    finished = False
    try:
        while chunk := list(islice(queue, CHUNK_DRAFTS)):
            pending.append(pool.submit(_check_chunk, chunk, settings))
            if len(pending) >= workers * CHUNKS_IN_FLIGHT:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now, without waiting for the chunks they are checking."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    # before 3.14 the executor keeps its processes in a private mapping, which
    # shutdown() forgets: take them first
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def _item_name(item: object, index: int) -> str:
    """Return how a batch item is named in its report: a path as given, else its place."""
    if isinstance(item, os.PathLike):
        return os.fsdecode(item)
    if isinstance(item, str):
        return f"<text {index + 1}>"
    if isinstance(item, bytes | bytearray | memoryview):
        return f"<message {index + 1}>"
    return f"<item {index + 1}>"


def check_many(
    sources: Iterable[Source | Unreadable],
    *,
    settings: Settings | None = None,
    jobs: int = 1,
) -> Iterator[Report]:
    """Check many drafts lazily, in input order; an unreadable one yields an error Report.

    Args:
        sources: what :func:`check` takes, item by item (a single str, bytes, Path
            or Draft is one item) — a ``str`` is text, ``bytes``
            a raw message, a ``Path`` a file (one message), a ``Draft`` as it is —
            or what :func:`mailcoach.iter_messages` yields (Drafts and Unreadable
            entries from files, folders, mbox and Maildir); read one at a time.
            Text and bytes are named ``<text N>`` and ``<message N>`` (N counts
            from 1) in their reports.
        settings: what to flag and how.
        jobs: worker processes; each loads the pipeline once. 1 checks in this process.

    Yields:
        One Report per source; ``error`` is set, ``verdict`` is ``Verdict.ERROR`` and
        findings are empty when a source could not be read.
    """
    s = settings or Settings()
    failed: dict[int, Report] = {}
    if isinstance(sources, str | bytes | bytearray | memoryview | os.PathLike | Draft):
        sources = [sources]  # one draft, not a sequence of characters or bytes
    elif not isinstance(sources, Iterable):
        raise InputError(
            f"check_many takes an iterable of drafts (a list, a generator), not "
            f"{type(sources).__name__}; pass one draft to check()."
        )

    def drafts() -> Iterator[Draft]:
        for index, item in enumerate(sources):
            if isinstance(item, Unreadable):
                source, error = item.source, item.error
            else:
                try:
                    draft = to_draft(item, s, _item_name(item, index))
                except MailcoachError as exc:
                    source, error = _item_name(item, index), str(exc)
                else:
                    yield draft
                    continue
            failed[index] = Report(source=source, verdict=Verdict.ERROR, tone_score=0, error=error)
            yield Draft(body="", segments=(), source=source)

    reports = _in_parallel(drafts(), s, jobs) if jobs > 1 else analyze_drafts(drafts(), s)
    for index, report in enumerate(reports):
        yield failed.pop(index, report)
