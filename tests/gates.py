"""What the tests of the cue gates share: the texts, and the check that a gate is sound.

A gate lets a pattern's scan be skipped when a text lacks what every match needs;
it is sound when the pattern finds nothing in every text the gate turns away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from mailcoach.facts.needs import Needs, found_in

CORPUS = Path(__file__).parent / "corpus"


def gate_texts() -> list[str]:
    """Return every dev corpus draft and clean business sentence."""
    texts = [p.read_text(errors="replace") for p in sorted((CORPUS / "emails" / "dev").iterdir())]
    texts += [json.loads(line)["text"] for line in (CORPUS / "clean-business.jsonl").open()]
    return texts


def check_gates(
    texts: Iterable[str],
    gated: Iterable[tuple[re.Pattern[str], Needs | None, Callable[[str], bool]]],
) -> tuple[int, int]:
    """Assert each gate lets through every text that has what its pattern needs, and
    that the pattern finds nothing where the gate says no; return how many
    (text, pattern) pairs were checked and how many were skipped."""
    entries = list(gated)
    checked = skipped = 0
    for text in texts:
        lowered = text.lower()
        for pattern, need, holds in entries:
            assert need is not None, pattern.pattern
            assert holds(lowered) or not found_in(need, lowered)
            if not holds(lowered):
                skipped += 1
                assert not pattern.search(text), (pattern.pattern, text)
            checked += 1
    return checked, skipped
