"""Snapshot everything mailcoach detects, to prove a speed change altered no result.

    .venv/bin/python benchmarks/detection_snapshot.py take /tmp/snap-before
    # ... change the code ...
    .venv/bin/python benchmarks/detection_snapshot.py take /tmp/snap-after
    .venv/bin/python benchmarks/detection_snapshot.py diff /tmp/snap-before /tmp/snap-after

A snapshot holds:

- ``eval-<split>.json``: ``python tools/evaluate.py --format json`` for dev, dev2, test, test2
  (aggregate numbers only);
- ``clean-business.json``: the clean-business gate (how many sentences are flagged);
- ``check-emails.jsonl``: ``mailcoach check --format json`` of every file under
  ``tests/corpus/emails`` and ``samples/drafts``, one per line;
- ``reports-<set>.jsonl``: full JSON reports of the dev, dev2 and clean-business
  sentences (checked in one batch, as ``eval`` does);
- ``digest-<split>.txt``: a sha256 of the full reports of the held-out test splits,
  so they are compared without anyone reading their items;
- ``review-j<N>.jsonl``: ``mailcoach review --format jsonl`` of a generated outbox
  (the throughput benchmark's generator), with one and with two worker processes.

Run by hand; ``diff`` exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
BIN = Path(sys.executable).parent
SPLITS = ("dev", "dev2", "test", "test2")
HELD_OUT = ("test", "test2")
#: Where the generated outbox lives: a fixed path, because reports name their source.
OUTBOX = Path("/tmp/mailcoach-snapshot-outbox")
OUTBOX_EMAILS = 1000


def run(*args: str) -> str:
    """Run a mailcoach command; exit codes 0, 1 and 3 are results."""
    done = subprocess.run([str(BIN / "mailcoach"), *args], capture_output=True, text=True)
    if done.returncode not in (0, 1, 3):
        sys.exit(f"mailcoach {' '.join(args)} failed ({done.returncode}): {done.stderr[:500]}")
    return done.stdout


def sentence_reports(texts: list[str]) -> list[str]:
    """Return the JSON report of each text, checked in one batch in this process."""
    from mailcoach import check_many
    from mailcoach.inputs import parse_text
    from mailcoach.render.json_format import render_jsonl

    return [render_jsonl(r) for r in check_many(parse_text(t) for t in texts)]


def take(out: Path) -> None:
    """Write a snapshot into ``out``."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from review_throughput import generate

    out.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        (out / f"eval-{split}.json").write_text(
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "tools" / "evaluate.py"),
                    str(CORPUS),
                    "--split",
                    split,
                    "--format",
                    "json",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    files = sorted(p for p in (CORPUS / "emails").rglob("*") if p.is_file())
    files += sorted(p for p in (ROOT / "samples" / "drafts").rglob("*") if p.is_file())
    with (out / "check-emails.jsonl").open("w") as handle:
        for path in files:
            report = json.loads(run("check", "--format", "json", str(path.relative_to(ROOT))))
            handle.write(json.dumps(report, sort_keys=True, ensure_ascii=False) + "\n")

    def texts(name: str) -> list[str]:
        lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["text"] for line in lines if line.strip()]

    clean = sentence_reports(texts("clean-business.jsonl"))
    (out / "reports-clean-business.jsonl").write_text("\n".join(clean) + "\n")
    flagged = sum(
        any(f["severity"] in ("warning", "error") for f in json.loads(r)["findings"]) for r in clean
    )
    (out / "clean-business.json").write_text(
        json.dumps({"sentences": len(clean), "flagged": flagged}) + "\n"
    )
    for split in ("dev", "dev2"):
        reports = sentence_reports(texts(f"sentences-{split}.jsonl"))
        (out / f"reports-{split}.jsonl").write_text("\n".join(reports) + "\n")
    for split in HELD_OUT:
        reports = sentence_reports(texts(f"sentences-{split}.jsonl"))
        digest = hashlib.sha256("\n".join(reports).encode()).hexdigest()
        (out / f"digest-{split}.txt").write_text(f"{len(reports)} {digest}\n")

    if not OUTBOX.is_dir():
        generate(OUTBOX, OUTBOX_EMAILS)
    for jobs in (1, 2):
        target = out / f"review-j{jobs}.jsonl"
        run("review", str(OUTBOX), "--format", "jsonl", "--jobs", str(jobs), "-o", str(target))


def diff(before: Path, after: Path) -> int:
    """Compare two snapshots file by file; return the number of differing files."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    bad = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if not a.exists() else 'before'}")
            bad += 1
            continue
        left, right = a.read_text().splitlines(), b.read_text().splitlines()
        if left == right:
            print(f"{name}: identical ({len(left)} lines)")
            continue
        bad += 1
        if name.startswith("digest-") or name.startswith("eval-test"):
            print(f"{name}: DIFFERS (held-out split: items not shown)")
            continue
        changed = [i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y]
        print(f"{name}: DIFFERS ({len(left)} vs {len(right)} lines, {len(changed)} changed)")
        for i in changed[:3]:
            print(f"  line {i + 1}\n  - {left[i][:400]}\n  + {right[i][:400]}")
    print("all identical" if not bad else f"{bad} file(s) differ")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("take").add_argument("out", type=Path)
    d = sub.add_parser("diff")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "take":
        take(args.out)
    else:
        sys.exit(1 if diff(args.before, args.after) else 0)


if __name__ == "__main__":
    main()
