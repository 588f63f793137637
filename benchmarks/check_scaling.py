"""Show how `check` scales with the length of the writer's own text (issue 11).

Targets: words per second within 25% from 1k to 64k words of the writer's own
text, and any input under the size limit (``MAX_OWN_CHARS`` characters of own
text) checked in under 10 s, including hostile shapes: one endless sentence
full of matches, long runs of "!", quotations, shouting, one match per line.

Texts are made of the team's corpus sentences (80% calm business sentences, 20%
hostile ones from the dev split), in paragraphs of five. Everything runs in this
process with the pipeline loaded once, so the figures are the analysis alone.
Texts above the size limit are refused by ``check``; for the curve only, this
script raises the limit (``mailcoach.analyze.MAX_OWN_CHARS``) so that 64k words
can be timed too. Rounds go through all sizes in turn, so that machine noise hits
every size alike; the table gives the median of the rounds.

Run by hand, never in CI:

    .venv/bin/python benchmarks/check_scaling.py [--rounds 3] [--sizes 1000 2000 ...]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SIZES = (1000, 2000, 4000, 8000, 16000, 32000, 64000)
HOSTILE_SHARE = 0.2
#: Words per second may differ this much between sizes (the target).
FLATNESS = 0.25
LIMIT_SECONDS = 10.0


def writer_text(words: int, seed: int = 1) -> str:
    """Return a draft of about ``words`` words of the writer's own text."""
    calm = [json.loads(line)["text"] for line in (CORPUS / "clean-business.jsonl").open()]
    hostile = [
        row["text"]
        for line in (CORPUS / "sentences-dev.jsonl").open()
        if (row := json.loads(line))["labels"]
    ]
    rng = random.Random(seed)
    paragraphs: list[str] = []
    paragraph: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(hostile if rng.random() < HOSTILE_SHARE else calm)
        paragraph.append(sentence)
        count += len(sentence.split())
        if len(paragraph) == 5:
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    return "Hi Sam,\n\n" + "\n\n".join(paragraphs) + "\n\nBest regards,\nDana\n"


def hostile_shapes(limit: int) -> dict[str, str]:
    """Return texts just under the size limit, in the shapes that used to cost most."""

    def fill(unit: str) -> str:
        return (unit * (limit // len(unit) + 1))[: limit - 1]

    return {
        "realistic text": writer_text(10**6)[: limit - 1],
        "'!' run after 'Pay now'": ("Pay now" + "!" * limit)[: limit - 1],
        "'you failed to pay and ' x N": fill("you failed to pay and "),
        "'You never pay on time, ' x N": fill("You never pay on time, "),
        "quotations in one sentence": fill('you called it "a scam" and '),
        "shouting, no full stop": fill("PAY NOW OR ELSE "),
        "one match per line": fill("you failed to pay\n"),
        "one match per sentence": fill("You failed to pay. "),
        "',' and ')' runs": fill("," * 500 + ")" * 500 + " "),
        "'Pay now!!! ' x N": fill("Pay now!!! "),
        "short sentences": fill("Pay. You lied! "),
        "shouted sentences": fill("YOU NEVER PAY ON TIME!!! "),
        "'you failed to pay but ' x N": fill("you failed to pay but "),
        "no punctuation at all": fill("you never pay on time "),
        "demanding questions": fill("Why did you not pay? "),
        "quoted lines between own": fill("> you failed to pay\nYou never pay on time.\n"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile shapes")
    args = parser.parse_args()

    import mailcoach.analyze as analyze
    from mailcoach import check

    limit = analyze.MAX_OWN_CHARS
    analyze.MAX_OWN_CHARS = 10**9  # the curve goes past the limit; see the docstring
    check("Warm up: you failed to pay.")
    texts = {n: writer_text(n) for n in args.sizes}
    times: dict[int, list[float]] = {n: [] for n in args.sizes}
    for _ in range(args.rounds):
        for n, text in texts.items():
            start = time.perf_counter()
            check(text)
            times[n].append(time.perf_counter() - start)
    print(f"check, writer's own text, {args.rounds} rounds, medians:")
    print(f"  {'words':>6}  {'chars':>8}  {'seconds':>8}  {'words/s':>8}  runs")
    rates = []
    for n in args.sizes:
        median = statistics.median(times[n])
        rates.append(n / median)
        runs = ", ".join(f"{t:.2f}" for t in times[n])
        print(f"  {n:>6}  {len(texts[n]):>8}  {median:8.2f}  {n / median:8.0f}  ({runs})")
    spread = max(rates) / min(rates) - 1
    ok = spread <= FLATNESS
    print(f"  words/s spread (max/min - 1): {100 * spread:.0f}% (target <= {100 * FLATNESS:.0f}%)")

    analyze.MAX_OWN_CHARS = limit
    if not args.no_hostile:
        print(f"\ninputs just under the limit ({limit:,} characters of own text), median:")
        for name, text in hostile_shapes(limit).items():
            runs = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                check(text)
                runs.append(time.perf_counter() - start)
            median = statistics.median(runs)
            ok &= median < LIMIT_SECONDS
            print(f"  {name:32s} {median:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in runs)})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
