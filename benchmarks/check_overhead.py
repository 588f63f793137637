"""Time `mailcoach check` against loading the spaCy model alone, in the same run.

The issue's target: our overhead on top of loading the model is at most 20%.
Three commands run ROUNDS times each, interleaved so machine noise hits all alike:

- ``mailcoach check DRAFT``, as a user runs it;
- the bare load the issue names, ``python -c "import spacy; spacy.load(...)"``;
- the same bare load, then ``os._exit(0)``.

``mailcoach`` ends its process as soon as its output is flushed, skipping the
interpreter's teardown (about a quarter of a second of freeing the model's
objects; see ``mailcoach.cli.main``). Against the plain bare load that would hide
our own overhead behind the teardown it skips, so the target is judged against
the bare load that ends the same way; the plain ratio is printed too. Reports
medians, their ratio and the median of the per-round ratios.

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
    load = f"import spacy; spacy.load({model!r}, exclude={list(EXCLUDED_PIPES)!r})"
    commands = {
        "mailcoach check": [mailcoach, "check", str(args.draft)],
        "spacy.load alone": [sys.executable, "-c", load],
        "spacy.load + _exit": [sys.executable, "-c", f"{load}; import os; os._exit(0)"],
    }

    package = importlib.util.find_spec("mailcoach")
    if package and package.submodule_search_locations:
        for folder in package.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)
    for command in commands.values():
        timed(command)  # warm the file cache; not counted
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            times[name].append(timed(command))

    print(f"model: {model}; draft: {args.draft.name}; rounds: {args.rounds}")
    for name, values in times.items():
        print(
            f"{name:20s} median {statistics.median(values):.3f} s  "
            f"(min {min(values):.3f}, max {max(values):.3f})"
        )
    ratios = {}
    for base in ("spacy.load + _exit", "spacy.load alone"):
        checks, loads = times["mailcoach check"], times[base]
        ratios[base] = statistics.median(checks) / statistics.median(loads)
        paired = statistics.median(c / b for c, b in zip(checks, loads, strict=True))
        print(
            f"vs {base:20s} ratio {ratios[base]:.3f} (overhead {100 * (ratios[base] - 1):+.1f}%), "
            f"median of per-round ratios {paired:.3f}"
        )
    target = ratios["spacy.load + _exit"]
    print(
        f"target: at most {100 * (TARGET_RATIO - 1):.0f}% over the like-for-like load: "
        f"{'met' if target <= TARGET_RATIO else 'NOT met'} ({100 * (target - 1):+.1f}%)"
    )
    sys.exit(0 if target <= TARGET_RATIO else 1)


if __name__ == "__main__":
    main()
