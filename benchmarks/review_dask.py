"""Time `mailcoach review --scheduler local:N` against the plain `--jobs` run, same corpus.

The corpus is review_throughput.py's generated outbox (~160-word emails, 20% with
one hostile sentence), written once as a folder of files and once as one mbox.
Each round runs, in turn: `review --jobs J` (the local process pool), and
`review --scheduler local:1` and `local:2` (a Dask LocalCluster of 1 and 2
worker processes, one thread each, started by the command). Every run is the
whole command, start-up and cluster start included, as a user would time it.
The report gives emails/s from the median wall time of each, side by side, and
checks that every run wrote the same JSONL.

    .venv/bin/python benchmarks/review_dask.py --emails 2000 --rounds 3

Run by hand, never in CI.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_throughput import generate, generate_mbox


def run(command: list[str], out: Path) -> float:
    """Return the wall time of one review; exit codes 0, 1 and 3 are results."""
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--format", "jsonl", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 3):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="review --jobs for the local run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--input",
        choices=["mbox", "folder"],
        default="mbox",
        help="the corpus as one mbox or files",
    )
    args = parser.parse_args()

    mailcoach = str(Path(sys.executable).parent / "mailcoach")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.input == "mbox":
            corpus = root / "outbox.mbox"
            generate_mbox(corpus, args.emails)
        else:
            corpus = root / "outbox"
            generate(corpus, args.emails)
        review = [mailcoach, "review", str(corpus)]
        variants = {f"--jobs {args.jobs}": [*review, "--jobs", str(args.jobs)]}
        for n in args.workers:
            variants[f"--scheduler local:{n}"] = [*review, "--scheduler", f"local:{n}"]
        times: dict[str, list[float]] = {name: [] for name in variants}
        outputs: dict[str, bytes] = {}
        run(variants[f"--jobs {args.jobs}"], root / "warm.jsonl")  # warm the file cache
        for _ in range(args.rounds):
            for i, (name, command) in enumerate(variants.items()):
                out = root / f"out{i}.jsonl"
                times[name].append(run(command, out))
                outputs[name] = out.read_bytes()
        same = len(set(outputs.values())) == 1
        print(
            f"{args.emails} emails of ~160 words as one {args.input}, {args.rounds} rounds, "
            "medians of the whole command:"
        )
        for name, runs in times.items():
            median = statistics.median(runs)
            listed = ", ".join(f"{t:.1f}" for t in runs)
            print(
                f"  review {name:<22} {median:7.2f} s  {args.emails / median:6.0f} emails/s"
                f"  (runs: {listed})"
            )
        print(f"  same JSONL from every run: {'yes' if same else 'NO'}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
