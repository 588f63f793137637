"""Time `mailcoach check` against loading the spaCy model alone, in the same run.

The issue's target: our overhead on top of loading the model is at most 20%.
Runs each command ROUNDS times, alternating them so machine noise hits both
equally, and reports medians and their ratio. Run by hand, never in CI:

    .venv/bin/python benchmarks/check_overhead.py [--rounds 7] [--draft FILE]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.20


def timed(command: list[str]) -> float:
    """Run a command and return its wall time in seconds (exit codes 0 and 1 are fine)."""
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--draft", type=Path, default=ROOT / "samples" / "drafts" / "overdue-angry.txt"
    )
    args = parser.parse_args()

    from mailcoach.nlp.pipeline import EXCLUDED_PIPES, resolve_model

    model = resolve_model(None)
    mailcoach = shutil.which("mailcoach", path=str(Path(sys.executable).parent)) or "mailcoach"
    check = [mailcoach, "check", str(args.draft)]
    bare = [
        sys.executable,
        "-c",
        f"import spacy; spacy.load({model!r}, exclude={list(EXCLUDED_PIPES)!r})",
    ]

    timed(check), timed(bare)  # warm the file cache; not counted
    checks, loads = [], []
    for _ in range(args.rounds):
        checks.append(timed(check))
        loads.append(timed(bare))
    c, b = statistics.median(checks), statistics.median(loads)
    ratio = c / b
    print(f"model: {model}; draft: {args.draft.name}; rounds: {args.rounds}")
    print(f"spacy.load alone   median {b:.3f} s  (min {min(loads):.3f}, max {max(loads):.3f})")
    print(f"mailcoach check    median {c:.3f} s  (min {min(checks):.3f}, max {max(checks):.3f})")
    print(
        f"ratio {ratio:.3f}  (overhead {100 * (ratio - 1):+.1f}%; "
        f"target at most {100 * (TARGET_RATIO - 1):.0f}%)"
    )
    sys.exit(0 if ratio <= TARGET_RATIO else 1)


if __name__ == "__main__":
    main()
