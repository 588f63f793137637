"""Time `mailcoach check` against loading the spaCy model alone, in the same run.

The issue's target: our overhead on top of loading the model is at most 20%.
Runs each command ROUNDS times, alternating them so machine noise hits both
equally, and reports medians, their ratio and the median of the per-round ratios.

Both sides start from bytecode, as an installed package does (``pip install``
compiles it): an editable install run with PYTHONDONTWRITEBYTECODE set, as on
our dev machines, would otherwise recompile mailcoach's sources on every start
while spaCy's are compiled, and time that instead. Run by hand, never in CI:

    .venv/bin/python benchmarks/check_overhead.py [--rounds 7] [--draft FILE]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
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

    package = importlib.util.find_spec("mailcoach")
    if package and package.submodule_search_locations:
        for folder in package.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)
    timed(check), timed(bare)  # warm the file cache; not counted
    checks, loads = [], []
    for _ in range(args.rounds):
        checks.append(timed(check))
        loads.append(timed(bare))
    c, b = statistics.median(checks), statistics.median(loads)
    ratio = c / b
    paired = statistics.median(x / y for x, y in zip(checks, loads, strict=True))
    print(f"model: {model}; draft: {args.draft.name}; rounds: {args.rounds}")
    print(f"spacy.load alone   median {b:.3f} s  (min {min(loads):.3f}, max {max(loads):.3f})")
    print(f"mailcoach check    median {c:.3f} s  (min {min(checks):.3f}, max {max(checks):.3f})")
    print(
        f"ratio {ratio:.3f}  (overhead {100 * (ratio - 1):+.1f}%; "
        f"target at most {100 * (TARGET_RATIO - 1):.0f}%)"
    )
    print(f"median of per-round ratios {paired:.3f}")
    sys.exit(0 if ratio <= TARGET_RATIO else 1)


if __name__ == "__main__":
    main()
