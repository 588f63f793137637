"""Measure whole-email precision and recall: only the sender's own text may be flagged.

Run from the repository root::

    python tools/whole_emails.py                 # the dev sets, with every detail
    python tools/whole_emails.py --aggregate \\
        --emails tests/corpus/emails.jsonl:test  # another split: numbers only

Three kinds of labelled set are read:

- an ``emails.jsonl``-style file (``{"file", "split", "labels"}``, files relative to
  the file's folder), filtered by split (``PATH:SPLIT``): an email with no labels is
  calm;
- a folder of calm messages (``--calm DIR``: every ``.txt`` and ``.eml`` file in it,
  e.g. ``tests/corpus/emails/dev-calm``);
- a rewrite labels file (``{"file", "hostile", "hurtful": [sentences]}``): a draft
  that is not hostile is calm, and each hurtful sentence should be caught.

Per set it reports the calm emails with any finding at or above ``--at-least``
(default: warning), naming each finding, its offset and the segment it lies in; the
share of hurtful sentences overlapped by such a finding; and how many findings lie
outside the writer's own text as written down by hand in ``whole_emails_gold.json``
(per file, the 1-based line ranges of the decoded body that are not the sender's:
quotes, signatures, disclaimers; a closing like "Thanks for bearing with me," counts
as own text), and how many lines the split puts on the wrong side of that gold. A
file missing from the gold file is not counted there. With ``--aggregate`` only the
counts are printed, never a file name or text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mailcoach import check_many
from mailcoach.model import Report, Severity

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
GOLD = Path(__file__).resolve().parent / "whole_emails_gold.json"
DEFAULT_EMAILS = (f"{CORPUS / 'emails.jsonl'}:dev",)
DEFAULT_REWRITE = (str(CORPUS / "rewrite" / "dev.jsonl"),)


@dataclass
class Email:
    """One labelled whole email."""

    key: str
    path: Path
    calm: bool
    hurtful: list[str] = field(default_factory=list)


@dataclass
class SetResult:
    """The counts of one set."""

    name: str
    emails: int = 0
    calm: int = 0
    calm_flagged: int = 0
    hostile: int = 0
    hostile_flagged: int = 0
    hurtful: int = 0
    hurtful_caught: int = 0
    hurtful_unfound: int = 0
    findings: int = 0
    outside_own: int = 0
    kept_as_own: int = 0
    hidden_own: int = 0
    gold_files: int = 0
    details: list[str] = field(default_factory=list)


def read_emails(spec: str) -> list[Email]:
    """Read an ``emails.jsonl``-style file, ``PATH`` or ``PATH:SPLIT``."""
    path_text, _, split = spec.partition(":") if ":" in spec else (spec, "", "")
    path = Path(path_text)
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [
        Email(key=str(r["file"]), path=path.parent / r["file"], calm=not r.get("labels"))
        for r in rows
        if not split or r.get("split") == split
    ]


def read_calm_folder(spec: str) -> list[Email]:
    """Read a folder whose every ``.txt`` and ``.eml`` message is calm."""
    folder = Path(spec)
    return [
        Email(key=path.name, path=path, calm=True)
        for path in sorted(folder.iterdir())
        if path.suffix in (".txt", ".eml")
    ]


def read_rewrite(spec: str) -> list[Email]:
    """Read a rewrite labels file (``{"file", "hostile", "hurtful"}`` per line)."""
    path = Path(spec)
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    base = path.parent if (path.parent / rows[0]["file"]).exists() else path.parent.parent
    return [
        Email(
            key=str(r["file"]),
            path=base / r["file"],
            calm=not r.get("hostile"),
            hurtful=[str(s) for s in r.get("hurtful", [])],
        )
        for r in rows
    ]


def locate(sentence: str, body: str) -> tuple[int, int] | None:
    """Return where ``sentence`` sits in ``body``, whitespace and quote styles aside."""
    words = [re.escape(_plain(w)) for w in sentence.split()]
    if not words:
        return None
    pattern = r"\s+".join(words)
    match = re.search(pattern, _plain(body))
    return (match.start(), match.end()) if match else None


def _plain(text: str) -> str:
    """Return ``text`` with curly quotes made straight (same length)."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def line_of(body: str, offset: int) -> int:
    """Return the 1-based line number of ``offset`` in ``body``."""
    return body.count("\n", 0, offset) + 1


def segment_of(report: Report, offset: int) -> str:
    """Return the kind of the segment holding ``offset``."""
    for seg in report.segments:
        if seg.start <= offset < seg.end:
            return seg.kind.value
    return "none"


def own_lines(report: Report) -> list[tuple[bool, str]]:
    """Return, per line of the body, whether the split calls it own text, and the line."""
    out: list[tuple[bool, str]] = []
    offset = 0
    for text in report.body.split("\n"):
        out.append((segment_of(report, offset) in ("own", "none"), text))
        offset += len(text) + 1
    return out


def measure(
    name: str,
    emails: Sequence[Email],
    gold: dict[str, list[list[int]]],
    at_least: Severity,
    aggregate: bool,
) -> SetResult:
    """Check every email of one set and count what the brief asks for."""
    result = SetResult(name)
    reports = check_many([e.path for e in emails])
    for email, report in zip(emails, reports, strict=True):
        result.emails += 1
        findings = [f for f in report.findings if f.severity >= at_least]
        result.findings += len(findings)
        notes: list[str] = []
        ranges = gold.get(email.key)
        if ranges is not None:
            result.gold_files += 1
            for number, (own, text) in enumerate(own_lines(report), start=1):
                gold_own = not any(lo <= number <= hi for lo, hi in ranges)
                if text.strip() and own != gold_own:
                    result.kept_as_own += own
                    result.hidden_own += gold_own
                    what = "kept as own" if own else "own text hidden"
                    notes.append(f"  split: line {number} {what}: {text[:60]!r}")
            for f in findings:
                line = line_of(report.body, f.start)
                if any(lo <= line <= hi for lo, hi in ranges):
                    result.outside_own += 1
                    notes.append(f"  OUTSIDE OWN line {line}: {f.rule_id} {f.text!r}")
        if email.calm:
            result.calm += 1
            if findings:
                result.calm_flagged += 1
                notes.extend(
                    f"  calm, flagged: {f.rule_id} at {f.start}"
                    f" (line {line_of(report.body, f.start)}, {segment_of(report, f.start)}):"
                    f" {f.text!r}"
                    for f in findings
                )
        else:
            result.hostile += 1
            result.hostile_flagged += bool(findings)
        for sentence in email.hurtful:
            result.hurtful += 1
            where = locate(sentence, report.body)
            if where is None:
                result.hurtful_unfound += 1
                notes.append(f"  hurtful sentence not found in body: {sentence!r}")
                continue
            start, end = where
            if any(f.start < end and start < f.end for f in findings):
                result.hurtful_caught += 1
            else:
                notes.append(f"  missed ({segment_of(report, start)}): {sentence!r}")
        if notes and not aggregate:
            result.details.append(email.key)
            result.details.extend(notes)
    return result


def summary(r: SetResult) -> str:
    """Return the counts of one set as a few lines."""
    caught = f"{r.hurtful_caught}/{r.hurtful}" + (
        f" ({r.hurtful_caught / r.hurtful:.0%})" if r.hurtful else ""
    )
    return "\n".join(
        [
            f"{r.name}: {r.emails} emails",
            f"  calm emails with any warning: {r.calm_flagged}/{r.calm}"
            + (f" ({r.calm_flagged / r.calm:.0%})" if r.calm else ""),
            f"  hostile emails with any warning: {r.hostile_flagged}/{r.hostile}",
            f"  hurtful sentences caught: {caught}"
            + (f", {r.hurtful_unfound} not found in the body" if r.hurtful_unfound else ""),
            f"  findings: {r.findings}; outside the writer's own text: {r.outside_own}"
            f" (gold split for {r.gold_files} of {r.emails} files)",
            f"  split against the gold: {r.kept_as_own} lines kept as own text that are not,"
            f" {r.hidden_own} own lines hidden",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", action="append", help="emails.jsonl[:split]")
    parser.add_argument("--rewrite", action="append", help="rewrite labels .jsonl")
    parser.add_argument("--calm", action="append", help="a folder of calm .txt/.eml messages")
    parser.add_argument("--at-least", default="warning", help="lowest severity counted")
    parser.add_argument("--aggregate", action="store_true", help="print counts only")
    args = parser.parse_args(argv)
    at_least = Severity.parse(args.at_least)
    gold = json.loads(GOLD.read_text()) if GOLD.exists() and not args.aggregate else {}
    sets: list[tuple[str, list[Email]]] = []
    given = args.emails or args.rewrite or args.calm
    for spec in args.emails or ([] if given else list(DEFAULT_EMAILS)):
        sets.append((Path(spec).name if args.aggregate else spec, read_emails(spec)))
    for spec in args.rewrite or ([] if given else list(DEFAULT_REWRITE)):
        sets.append((Path(spec).name if args.aggregate else spec, read_rewrite(spec)))
    for spec in args.calm or []:
        sets.append((Path(spec).name if args.aggregate else spec, read_calm_folder(spec)))
    for name, emails in sets:
        result = measure(name, emails, gold, at_least, args.aggregate)
        if result.details:
            print("\n".join(result.details))
        print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
