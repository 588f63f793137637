"""Run ``rewrite`` on every labelled draft and check the rewrite invariants.

Usage::

    python tools/rewrite_harness.py tests/corpus/rewrite/dev.jsonl [--details] [--json]

Each line of the labels file names a draft (``file``, relative to the labels file)
and its labels (``hostile``, ``sender_role``, ``reader_role``, ``dispute_type``,
``situation``, ``facts``, ``must_keep``). Per draft the harness checks:

- invented: a digit-bearing word, a number word or a fact (amount, date,
  reference) in the rewritten own text that the draft does not have;
- lost: an amount, date or reference of the draft, a labelled fact or a
  ``must_keep`` passage missing from the rewrite;
- changed: a sentence with no finding at the rewrite level that is not in the
  rewrite byte for byte;
- duplicated: a sentence that occurs more often in the rewrite than in the draft;
- introduced: a finding of the re-check that the original check did not have;
- silent: a sentence removed without a note, or a finding left without a note;
- calm changed: a draft labelled calm that does not come back unchanged;
- crashes.

It also scores the dispute type and the roles against the labels. The tool is a
development aid kept outside the runtime package; ``tests/test_rewrite_harness.py``
runs it on a few drafts.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailcoach import Severity, check, rewrite
from mailcoach.dispute import find_facts
from mailcoach.model import SegmentKind

_DIGITS = re.compile(r"[^\s(),;:!?\"']*\d[^\s(),;:!?\"']*")
_NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve twice".split()
)
_WORD = re.compile(r"[A-Za-z]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


@dataclass
class DraftResult:
    """What the harness found on one draft."""

    file: str
    crashed: str | None = None
    invented: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    calm_changed: bool = False
    left_flagged: int = 0
    type_ok: bool | None = None
    roles_ok: bool | None = None
    roles_given: bool = False
    #: whether the labelled pair is one the role cues can give at all
    roles_known: bool = False
    benchmark: bool = False


def _norm_digits(word: str) -> str:
    return word.strip(".,;:!?").strip()


def _own_text(body: str, segments: Any) -> str:
    own = [s for s in segments if s.kind is SegmentKind.OWN]
    return "\n".join(body[s.start : s.end] for s in own) if own else body


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        for piece in _SENTENCE_END.split(" ".join(para.split())):
            if len(piece.split()) >= 4:
                out.append(piece.strip())
    return out


def run_one(path: Path, label: dict[str, Any], today: datetime.date) -> DraftResult:
    """Check and rewrite one draft; return what broke."""
    res = DraftResult(str(label.get("file", path.name)))
    try:
        before = check(path)
        result = rewrite(before, today=today)
    except Exception:
        res.crashed = traceback.format_exc(limit=3)
        return res
    body, out = before.body, result.text
    after = result.after
    own_in = _own_text(body, before.segments)
    own_out = _own_text(out, after.segments)
    res.benchmark = result.benchmark is not None and not result.benchmark.existing

    # invented: digits, number words, facts
    given = body
    for word in _DIGITS.findall(own_out):
        w = _norm_digits(word)
        if w and w not in given:
            res.invented.append(w)
    words_in = {w.lower() for w in _WORD.findall(body)}
    for w in _WORD.findall(own_out):
        if w.lower() in _NUMBER_WORDS and w.lower() not in words_in:
            res.invented.append(w)
    facts_in = {(f.kind, f.value) for f in find_facts(own_in, today=today)}
    for f in find_facts(own_out, today=today):
        if (f.kind, f.value) not in facts_in:
            res.invented.append(f"{f.kind}:{f.text}")

    # lost: facts, labelled facts, must_keep
    # (a sentence's first letter may be capitalised: "invoice 31" opening a sentence is
    # "Invoice 31"; a labelled fact found only in the headers, which the rewrite keeps
    # byte for byte, cannot be lost from the body)
    for f in find_facts(own_in, today=today):
        if f.kind in {"amount", "reference", "date"} and f.text.lower() not in out.lower():
            res.lost.append(f"{f.kind}:{f.text}")
    flat_out = " ".join(out.split()).lower()
    flat_body = " ".join(body.split()).lower()
    flat_raw = " ".join(path.read_text("utf-8", errors="replace").split()).lower()
    for item in [*label.get("facts", []), *label.get("must_keep", [])]:
        flat = " ".join(item.split()).lower()
        if flat not in flat_body and flat in flat_raw:
            continue  # in a header only
        if flat not in flat_out:
            res.lost.append(item)

    # unflagged sentences byte-identical; silent removals
    level = Severity.WARNING
    flagged = [f for f in before.findings if f.severity >= level]
    notes = " ".join(result.notes)
    for s in before.sentiment.sentences:
        text = body[s.start : s.end].strip()
        if not text:
            continue
        hit = any(f.start < s.end and f.end > s.start for f in flagged)
        if not hit and text not in out:
            res.changed.append(text)
    own = [(s.start, s.end) for s in before.segments if s.kind is SegmentKind.OWN]
    for edit in result.edits:
        if edit.rule_id is not None and not any(a <= edit.start and edit.end <= b for a, b in own):
            res.changed.append(f"edit outside the writer's own text at {edit.start}-{edit.end}")
    if re.search(r"\n[ \t]*\n[ \t]*\n", own_out) and not re.search(r"\n[ \t]*\n[ \t]*\n", own_in):
        res.changed.append("a run of blank lines")
    flat_notes = " ".join(notes.split())
    for edit in result.edits:
        if edit.rule_id is not None and not edit.replacement.strip():
            for s in before.sentiment.sentences:
                gone = " ".join(body[s.start : s.end].split())
                inside = edit.start <= s.start and s.end <= edit.end
                if inside and gone and gone[:40] not in flat_notes:
                    res.silent.append(gone)

    # duplicates
    count_in = Counter(s.lower() for s in _sentences(own_in))
    for sentence, n in Counter(s.lower() for s in _sentences(own_out)).items():
        if n > 1 and n > count_in.get(sentence, 0):
            res.duplicated.append(sentence)

    # re-check
    old = Counter(f.rule_id for f in before.findings if f.severity >= level)
    new = Counter(f.rule_id for f in after.findings if f.severity >= level)
    for rule_id, n in new.items():
        if n > old[rule_id]:
            res.introduced.append(rule_id)
    left = [f for f in after.findings if f.severity >= level]
    res.left_flagged = len(left)
    if left and not result.notes:
        res.silent.append(f"{len(left)} finding(s) left without a note")

    if label.get("hostile") is False:
        res.calm_changed = out != body
    if "dispute_type" in label:
        res.type_ok = before.dispute.type == label["dispute_type"]
    roles = (
        getattr(before.dispute, "sender_role", None),
        getattr(before.dispute, "reader_role", None),
    )
    if "sender_role" in label:
        res.roles_given = roles[0] is not None
        res.roles_ok = roles == (label["sender_role"], label["reader_role"])
        res.roles_known = (label["sender_role"], label["reader_role"]) in _known_pairs()
    return res


def _known_pairs() -> set[tuple[str, str]]:
    """Return the (sender, reader) pairs the role cues can answer: both directions of
    each setting in ``lexicons/disputes.yml`` (a supplier and its buyer, a landlord
    and a tenant, ...). A label outside them ("supplier" to "client") cannot be right."""
    from mailcoach.facts.kind import load_cues

    pairs = set()
    for sides in load_cues().parties.settings.values():
        pairs |= {(sides["provider"], sides["payer"]), (sides["payer"], sides["provider"])}
    return pairs


def summarise(results: list[DraftResult]) -> dict[str, Any]:
    """Return the aggregate numbers of a run."""

    def total(name: str) -> int:
        return sum(len(getattr(r, name)) for r in results)

    typed = [r for r in results if r.type_ok is not None]
    roled = [r for r in results if r.roles_ok is not None]
    return {
        "drafts": len(results),
        "crashes": sum(r.crashed is not None for r in results),
        "invented": total("invented"),
        "lost": total("lost"),
        "changed_unflagged": total("changed"),
        "duplicated": total("duplicated"),
        "introduced_findings": total("introduced"),
        "silent": total("silent"),
        "calm_changed": sum(r.calm_changed for r in results),
        "findings_left_flagged": sum(r.left_flagged for r in results),
        "drafts_with_inserted_benchmark": sum(r.benchmark for r in results),
        "type_accuracy": round(sum(bool(r.type_ok) for r in typed) / len(typed), 3)
        if typed
        else None,
        # over every labelled draft: a draft whose roles were left open counts as wrong
        "role_accuracy": round(sum(bool(r.roles_ok) for r in roled) / len(roled), 3)
        if roled
        else None,
        "roles_given": sum(r.roles_given for r in roled),
        "role_accuracy_when_given": round(
            sum(bool(r.roles_ok) for r in roled if r.roles_given)
            / max(1, sum(r.roles_given for r in roled)),
            3,
        ),
        # over the drafts whose labelled pair is one of the settings' pairs
        "roles_known_pairs": sum(r.roles_known for r in roled),
        "role_accuracy_known_pairs": round(
            sum(bool(r.roles_ok) for r in roled if r.roles_known)
            / max(1, sum(r.roles_known for r in roled)),
            3,
        ),
    }


def _draft_path(labels: Path, name: str) -> Path:
    """Return where a labelled draft is: beside the labels file, or one folder up."""
    for candidate in (labels.parent / name, labels.parent.parent / name):
        if candidate.is_file():
            return candidate
    return labels.parent / Path(name).name


def main(argv: list[str] | None = None) -> int:
    """Run the harness; exit 1 when an invariant broke."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("--details", action="store_true", help="list what broke per draft")
    ap.add_argument("--json", action="store_true", help="print the aggregate as JSON")
    ap.add_argument("--today", default="2026-11-10", help="reference date (ISO)")
    args = ap.parse_args(argv)
    today = datetime.date.fromisoformat(args.today)
    rows = [json.loads(line) for line in args.labels.read_text().splitlines() if line.strip()]
    results = [run_one(_draft_path(args.labels, row["file"]), row, today) for row in rows]
    summary = summarise(results)
    if args.details:
        for r in results:
            bad = {
                k: v
                for k, v in vars(r).items()
                if k
                not in {"file", "left_flagged", "benchmark", "type_ok", "roles_ok", "roles_known"}
                and v not in (None, [], False)
            }
            if r.type_ok is False:
                bad["type"] = "wrong"
            if r.roles_ok is False:
                bad["roles"] = "wrong"
            if bad:
                print(r.file, json.dumps(bad, ensure_ascii=False, indent=1), file=sys.stderr)
    print(json.dumps(summary, indent=1) if args.json else summary)
    broken = (
        "crashes",
        "invented",
        "lost",
        "changed_unflagged",
        "duplicated",
        "introduced_findings",
        "silent",
        "calm_changed",
    )
    return 1 if any(summary[k] for k in broken) else 0


if __name__ == "__main__":
    raise SystemExit(main())
