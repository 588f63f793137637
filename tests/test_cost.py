"""Cost that grows with the input, not faster: long runs, long sentences, worker counts.

These tests assert behaviour (offsets into the original text, identical tokens,
how much text the tokenizer re-reads, how many processes start), never time.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import spacy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailcoach import check, check_many
from mailcoach.nlp.pipeline import get_pipeline
from mailcoach.nlp.sentences import MAX_SENTENCE_TOKENS
from mailcoach.nlp.tokenizer import RunSafeTokenizer, doc_text
from mailcoach.settings import Settings

from .conftest import SAMPLES


def _offsets_hold(text: str) -> None:
    report = check(text)
    assert report.findings
    for finding in report.findings:
        assert text[finding.start : finding.end] == finding.text
    for sentence in report.sentiment.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)


def test_findings_after_long_runs_of_marks_index_the_original() -> None:
    text = (
        "Pay now"
        + "!" * 6000
        + " You failed to pay again.\n\n"
        + '"' * 3000
        + ")" * 3000
        + " Thanks for nothing"
        + "?" * 4000
        + "\nYou never answer."
    )
    report = check(text)
    _offsets_hold(text)
    starts = {f.start for f in report.findings}
    assert text.index("You failed") in starts
    assert text.index("You never") in starts
    shouted = [f for f in report.findings if f.start == len("Pay now")]
    assert shouted and shouted[0].text.startswith("!!!")  # the run itself, in the original


def test_a_run_of_marks_is_read_once_by_the_tokenizer() -> None:
    """spaCy re-searches a word for a suffix after stripping each mark: n marks cost n²."""

    def counting(tokenizer: object) -> list[int]:
        read: list[int] = []
        search = tokenizer.suffix_search  # type: ignore[attr-defined]

        def suffix_search(text: str) -> object:
            read.append(len(text))
            return search(text)

        tokenizer.suffix_search = suffix_search  # type: ignore[attr-defined]
        return read

    text = "Pay now" + "!" * 3000 + " and later" + "," * 2000
    raw = spacy.blank("en").tokenizer
    raw_read = counting(raw)
    expected = [(t.text, t.whitespace_) for t in raw(text)]
    inner = spacy.blank("en").tokenizer
    safe = RunSafeTokenizer(inner, inner.vocab)
    safe_read = counting(inner)
    safe_read.clear()  # reading the marks at start-up is not the text's cost
    doc = safe(text)
    assert [(t.text, t.whitespace_) for t in doc] == expected
    assert doc.text == text
    assert sum(raw_read) > 100 * len(text)  # the quadratic re-reading this avoids
    assert sum(safe_read) < 10 * len(text)


def test_the_pipeline_tokenizes_runs_safely() -> None:
    assert isinstance(get_pipeline().tokenizer, RunSafeTokenizer)


_WORDS = ["Pay", "now", "don't", "Dr.", "U.S.", "x", ":)", "(", '"', "'", "12", "$5", "...", "-"]
_PIECES = st.sampled_from([*_WORDS, "…", " ", "  ", "\n", "\n\n", " \n"])
_MARKS = st.text(alphabet="!?,;:=*)]}>\"'“”‘’#&_(<[{~|^`%.", min_size=8, max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, _MARKS), min_size=1, max_size=10))
def test_run_safe_tokens_are_spacys_tokens(parts: list[str]) -> None:
    text = "".join(parts)
    nlp = get_pipeline()
    safe = nlp.tokenizer
    assert isinstance(safe, RunSafeTokenizer)
    ours, theirs = safe(text), safe.tokenizer(text)
    assert ours.text == text
    assert doc_text(ours) == text  # the text kept for the components is the doc's
    assert [(t.text, t.whitespace_, t.norm_) for t in ours] == [
        (t.text, t.whitespace_, t.norm_) for t in theirs
    ]


#: Words that VADER's neighbour checks look for: negations, "never so", "without doubt",
#: "at least", boosters, idioms ("kind of", "the bomb") and words with a valence.
_VADER_WORDS = st.sampled_from(
    "never so this without doubt least at very no or nor not isn't kind of sort the bomb "
    "cut me some slack yeah right bad ass kiss death to die for beating broken heart good "
    "GREAT awful HATE love pay late extremely barely but you we ! ? :) lol "
    # emoji (VADER puts their names in their place) and other text that is not ASCII
    "\U0001f600 \U0001f620 \u2764\ufe0f caf\u00e9 \u00a0 "
    # words of no valence as collections mail has them, punctuation round words
    "$8,450.00 INV-10442 86 (great) good!! 'no' :( ok. -- 15/10/2026".split(" ")
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_VADER_WORDS, min_size=1, max_size=40))
@example("we said that a kiss of death is not so bad".split())  # an idiom after the word
@example("it was never so very good but you are not at least bad".split())
def test_vader_scores_as_the_stock_analyzer_does(words: list[str]) -> None:
    """VADER is shown only a word's neighbours (linear, not quadratic): same scores."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from mailcoach.nlp.sentiment import vader

    text = " ".join(words)
    assert vader().polarity_scores(text) == _stock_vader().polarity_scores(text)
    assert type(vader()) is not SentimentIntensityAnalyzer  # the windowed one is in use
    # the compound alone, told at once for text without a lexicon word
    assert vader().compound(text) == _stock_vader().polarity_scores(text)["compound"]


@functools.cache
def _stock_vader() -> object:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def test_no_sentence_outgrows_the_cap_and_offsets_hold() -> None:
    text = "you failed to pay and " * 400 + "\n" + "You never pay. " * 3
    nlp = get_pipeline()
    doc = nlp(text)
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE_TOKENS
    _offsets_hold(text)


def test_a_long_real_sentence_stays_whole() -> None:
    sentence = " ".join(["the invoice we sent on 3 March for the March delivery"] * 8) + "."
    doc = get_pipeline()(sentence)
    assert len(list(doc.sents)) == 1


def test_quotation_and_line_runs_keep_offsets() -> None:
    _offsets_hold('you called it "a scam" and ' * 300)
    _offsets_hold("you failed to pay\n" * 300)
    _offsets_hold("PAY NOW OR ELSE " * 300)


def test_one_input_starts_no_worker_process() -> None:
    before = set(multiprocessing.active_children())
    reports = check_many([SAMPLES / "drafts" / "overdue-angry.txt"], jobs=8)
    first = next(reports)
    started = set(multiprocessing.active_children()) - before
    assert first.findings and not started
    assert list(reports) == []


def test_workers_are_capped_by_the_inputs() -> None:
    drafts = [f"You never pay on time, number {i}." for i in range(40)]
    from mailcoach.inputs import parse_text

    before = set(multiprocessing.active_children())
    reports = check_many([parse_text(t) for t in drafts], jobs=8)
    next(reports)
    started = set(multiprocessing.active_children()) - before
    rest = list(reports)
    assert 1 <= len(started) <= 2  # 40 drafts make two chunks of at most 32
    assert len(rest) == 39


def test_a_batch_imports_the_pipeline_code_before_its_workers_but_loads_no_model() -> None:
    """Forked workers start with spaCy and our components imported (half a second
    of CPU each otherwise); the parent itself loads no pipeline."""
    script = (
        "import sys\n"
        "from mailcoach import check_many\n"
        "from mailcoach.inputs import parse_text\n"
        "from mailcoach.nlp.pipeline import _pipeline\n"
        "assert 'spacy' not in sys.modules\n"
        "drafts = [parse_text(f'You never pay on time, number {i}.') for i in range(40)]\n"
        "reports = list(check_many(drafts, jobs=2))\n"
        "assert len(reports) == 40 and all(r.findings for r in reports)\n"
        "assert 'spacy' in sys.modules and 'mailcoach.nlp.components' in sys.modules\n"
        "assert _pipeline.cache_info().currsize == 0\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def test_a_long_batch_frees_what_its_drafts_add_to_the_vocabulary() -> None:
    """After the first chunk, drafts are checked in memory zones: the strings their
    amounts and references added to the vocabulary are gone after their chunk (memory
    stays flat over 10,000 emails), and each report is what check() gives alone."""
    from dataclasses import replace

    from mailcoach.analyze import DRAFTS_PER_CHUNK

    texts = [
        f"Invoice QZ{n:05d} for ${n + 1},417.00 is overdue. You never pay on time."
        for n in range(3 * DRAFTS_PER_CHUNK)
    ]
    reports = list(check_many(texts))
    strings = get_pipeline().vocab.strings
    later = range(DRAFTS_PER_CHUNK, len(texts))
    assert not any(f"QZ{n:05d}" in strings for n in later)
    assert all(reports[n].findings for n in later)
    for n in (DRAFTS_PER_CHUNK, len(texts) - 1):
        assert replace(check(texts[n]), source=reports[n].source) == reports[n]


_STUCK_RULE = """
- id: inflammatory.stuck
  kind: token
  level: warning
  patterns: [[{LOWER: {REGEX: "^(a+)+$"}}]]
  message: "'{match}' is a run of a."
  why: "A rule whose regex backtracks for ever on a long word of a's."
  suggestion: "Remove it."
  examples:
    flag: ["aaa"]
    pass: ["bbb"]
"""


def test_ctrl_c_ends_a_review_with_a_stuck_worker(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon"
    lexicon.mkdir()
    (lexicon / "inflammatory.yml").write_text(_STUCK_RULE, encoding="utf-8")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    for i in range(70):  # three chunks: both workers get one
        word = "a" * 60 + "b"  # the rule's regex backtracks on this for ever
        (outbox / f"{i:03d}.txt").write_text(f"Hello, message {i}. {word}\n", encoding="utf-8")
    command = [
        *(sys.executable, "-m", "mailcoach", "review", str(outbox)),
        *("--jobs", "2", "--lexicons", str(lexicon), "--format", "jsonl", "--no-progress"),
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # as from a terminal: a test runner started in the background may ignore Ctrl-C,
        # and a child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _wait_for_workers(proc.pid, 2)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
        _, err = proc.communicate(timeout=120)  # a hang guard, not a speed check
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
        proc.communicate()
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "interrupted" in err


def _wait_for_workers(pid: int, count: int) -> None:
    """Wait until ``pid`` has ``count`` child processes busy (their CPU time grows)."""
    import time

    for _ in range(1200):
        children = Path(f"/proc/{pid}/task/{pid}/children")
        try:
            kids = children.read_text().split()
        except OSError:
            kids = []
        if len(kids) >= count and all(_cpu_seconds(int(k)) > 2.0 for k in kids[:count]):
            return
        time.sleep(0.1)
    raise AssertionError("the review never started its workers")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_settings_reach_the_workers_unchanged() -> None:
    settings_ = Settings(disable=("threatening",))
    texts = [f"We will sue you, number {i}." for i in range(70)]
    from mailcoach.inputs import parse_text

    reports = list(check_many([parse_text(t) for t in texts], settings=settings_, jobs=2))
    assert len(reports) == 70
    assert not any(f.category.value == "threatening" for r in reports for f in r.findings)


def test_sentence_bounds_are_the_docs_sentences() -> None:
    """The sentence bounds read in bulk are those of ``Doc.sents``, on every dev corpus
    email, on the densest shapes (runs of marks, capped sentences) and on a doc the
    parser has been through."""
    from mailcoach.nlp.sentences import sentence_bounds

    corpus = Path(__file__).parent / "corpus" / "emails" / "dev"
    texts = [p.read_text(errors="replace") for p in sorted(corpus.iterdir())]
    texts += ["Pay now!!! " * 50, "you failed to pay and " * 400, "One.\n\nTwo", "x"]
    nlp = get_pipeline()
    for doc in nlp.pipe(texts):
        assert sentence_bounds(doc) == [(s.start, s.end) for s in doc.sents]
    blank = spacy.blank("en")("no boundaries here")
    with contextlib.suppress(ValueError):  # as Doc.sents: the error it raises
        assert sentence_bounds(blank) == [(s.start, s.end) for s in blank.sents]


def test_a_line_is_searched_for_registration_details_unless_it_cannot_hold_them() -> None:
    """A line with four digits is searched for a company's registration details only
    when it holds what every such match contains: on every line of the dev emails
    and mail fixtures, a line that fails that test has no match."""
    from mailcoach.facts.spans import lowered_for, may_match
    from mailcoach.inputs import split

    root = Path(__file__).parent
    files = [*(root / "corpus" / "emails" / "dev").iterdir(), *(root / "fixtures").rglob("*.eml")]
    lines = [line for f in files for line in f.read_text(errors="replace").splitlines()]
    lines += ["Registered in England no. 04411873", "VAT reg. no. GB 1234 567 89", "ABN 1234"]
    skipped = 0
    for line in lines:
        if not may_match(split._REGISTRATION_RE, lowered_for(line)):
            skipped += 1
            assert not split._REGISTRATION_RE.search(line), line
    assert skipped > len(lines) // 2
    assert split._is_disclaimer_line("Registered in England no. 04411873")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
@example(bytes(range(256)))
def test_control_bytes_are_counted_as_one_by_one(head: bytes) -> None:
    """The binary-file sniff counts a file head's control bytes (those text does not use)
    by deleting every other byte; the count is the one a byte-by-byte look gives."""
    from mailcoach.inputs.parse import _NOT_CONTROL_BYTES, _TEXT_CONTROL_BYTES

    by_byte = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROL_BYTES)
    assert len(head.translate(None, _NOT_CONTROL_BYTES)) == by_byte


def test_building_every_matcher_keeps_the_words_of_the_rule_examples() -> None:
    """Words first read inside a memory zone are made again in every zone; the rules'
    example sentences (dispute mail's common words) are read before the first one."""
    from mailcoach.nlp.components import RuleMatcher
    from mailcoach.nlp.pipeline import build_matchers

    nlp = build_matchers()
    rules = nlp.get_pipe("mailcoach_rules")
    assert isinstance(rules, RuleMatcher)
    examples = [t for r in rules.rules for t in (*r.spec.examples.flag, *r.spec.examples.pass_)]
    with nlp.memory_zone():
        words = {token.text for text in examples for token in nlp.make_doc(text)}
    strings = nlp.vocab.strings  # what the zone did not free
    assert all(word in strings for word in words)
