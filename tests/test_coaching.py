"""The coaching file: its errors name what is wrong, and its checklist reads drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

import mailcoach
from mailcoach.coaching import is_benchmark, load_coaching
from mailcoach.errors import LexiconError

ITEM = """\
checklist:
  - id: next-step
    label: asks for a next step
    test: pattern
    advice: Say what should happen next, and by when.
    patterns: [{pattern}]
"""


def _coaching_file(tmp_path: Path, benchmark: str, pattern: str = "'please'") -> Path:
    path = tmp_path / "coaching.yml"
    path.write_text(f"benchmark:\n  - {benchmark}\n" + ITEM.format(pattern=pattern))
    return path


def test_bad_pattern_is_named(tmp_path: Path) -> None:
    path = _coaching_file(tmp_path, "'\\bif\\b'", pattern="'(unclosed'")
    with pytest.raises(LexiconError, match=r"checklist next-step: bad pattern '\(unclosed'"):
        load_coaching(path)


def test_global_flag_in_one_pattern_is_explained(tmp_path: Path) -> None:
    # each compiles alone, but joined the flag is no longer at the start
    path = tmp_path / "coaching.yml"
    path.write_text(
        "benchmark:\n  - '\\bif\\b'\n  - '(?i)once'\n" + ITEM.format(pattern="'please'")
    )
    with pytest.raises(LexiconError, match=r"benchmark: the patterns cannot be joined.*\(\?i:"):
        load_coaching(path)


def test_valid_file_loads_and_matches(tmp_path: Path) -> None:
    coaching = load_coaching(_coaching_file(tmp_path, "'\\bif\\b.*\\bwe will\\b'"))
    (benchmark,) = coaching.benchmark
    assert benchmark.search("if the next invoice is paid, we will restore terms")
    assert not benchmark.search("we will restore terms")


def test_bundled_benchmark_patterns_separate_conditions_from_threats() -> None:
    assert is_benchmark("If the next three invoices are paid on delivery, we will restore terms.")
    assert not is_benchmark("If you do not pay by Friday, this goes to collections.")
    assert not is_benchmark("We will restore your terms.")


def test_checklist_credits_what_a_good_draft_does() -> None:
    calm = mailcoach.check(
        "Hello Dana,\n\nInvoice INV-2207 for $1,480.00 was due on 3 March and is still open. "
        "Could you confirm by Friday 14 March when it will be paid? "
        "If the next three invoices are paid on delivery, we will restore your 30-day terms.\n"
    )
    bare = mailcoach.check("Hello Dana,\n\nPlease sort this out.\n")
    done = {item.id: item.ok for item in calm.checklist}
    assert done["facts"] and done["benchmark"]
    missing = {item.id for item in bare.checklist if not item.ok}
    assert {"facts", "benchmark"} <= missing


def test_a_sentence_is_searched_for_a_pattern_unless_it_cannot_match() -> None:
    """The checklist skips a sentence that lacks what every match of a pattern
    contains: on every clean-business and dev sentence, such a sentence has no match."""
    import json

    from mailcoach.facts.spans import gate_of
    from mailcoach.text import normalize

    corpus = Path(__file__).parent / "corpus"
    texts = [json.loads(line)["text"] for line in (corpus / "clean-business.jsonl").open()]
    texts += [json.loads(line)["text"] for line in (corpus / "sentences-dev.jsonl").open()]
    coaching = load_coaching()
    patterns = [p for item in coaching.items for p in coaching.patterns[item.id]]
    patterns += coaching.benchmark
    skipped = 0
    for text in map(normalize, texts):
        for pattern in patterns:
            if not gate_of(pattern)(text.lower()):
                skipped += 1
                assert not pattern.search(text), (pattern.pattern[:80], text)
    assert skipped > len(texts)  # most sentences are skipped for most patterns


@pytest.mark.parametrize(
    "text",
    [
        "The parts never came. pls send them by wed.",
        "The heater is still broken. can u fix it by tmrw arvo?",
        "The tap is leaking again. I need a technician by 6pm today.",
    ],
)
def test_a_phone_typed_next_step_with_a_date_is_credited(text: str) -> None:
    """Notes that said "no next step with a date" for "by wed" or "by tmrw" were wrong."""
    done = {item.id: item.ok for item in mailcoach.check(text).checklist}
    assert done["next-step"]
