"""Time `mailcoach review` against `proselint check` on the same generated outbox.

The targets (issue 11): review processes at least 1.2 times as many emails per
second as proselint on 2,000 generated collections emails of 150-300 words dense
with amounts, invoice numbers and dates (``--mail dense``, the default; issue 4's
~160-word corpus mail is ``--mail corpus``), and its peak memory (the whole
process tree) stays under 500 MB and within 10% between 1,000 and 10,000 messages.

proselint is a reference only, never a dependency: install it in a separate
virtual environment and pass its path, e.g.

    python3 -m venv /tmp/prose && /tmp/prose/bin/pip install proselint
    .venv/bin/python benchmarks/review_throughput.py --proselint /tmp/prose/bin/proselint

Run by hand, never in CI. Rounds alternate the two tools so that machine noise
hits both; the report gives medians and their ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
WORDS_PER_EMAIL = 160
#: Share of emails that carry one hostile sentence, as in a real collections outbox.
HOSTILE_SHARE = 0.2
MEMORY_LIMIT_MB = 500
#: mailcoach's emails per second over proselint's (issue 11: dense collections mail).
TARGET = 1.2
MEMORY_GROWTH = 0.10


def sentences() -> tuple[list[str], list[str]]:
    """Return calm and hostile sentences from the team's corpus."""
    calm = [json.loads(line)["text"] for line in (CORPUS / "clean-business.jsonl").open()]
    hostile = [
        row["text"]
        for line in (CORPUS / "sentences-dev.jsonl").open()
        if (row := json.loads(line))["labels"]
    ]
    return calm, hostile


def bodies(count: int, seed: int = 7) -> list[str]:
    """Return ``count`` plain-text emails of about WORDS_PER_EMAIL words."""
    calm, hostile = sentences()
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        body: list[str] = []
        words = 0
        if rng.random() < HOSTILE_SHARE:
            body.append(rng.choice(hostile))
            words += len(body[-1].split())
        while words < WORDS_PER_EMAIL:
            body.append(rng.choice(calm))
            words += len(body[-1].split())
        rng.shuffle(body)
        out.append("Hi Sam,\n\n" + " ".join(body) + "\n\nBest regards,\nDana\n")
    return out


def generate(folder: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` plain-text emails of about WORDS_PER_EMAIL words into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(bodies(count, seed)):
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")


#: Sentences dense with the facts a collections email carries: amounts, invoice
#: numbers and dates (issue 11: the mail that costs most to review). Ours.
DENSE_SENTENCES = (
    "Invoice {inv} for {amt} was due on {date} and is still open.",
    "We received {amt2} on {date2}, which leaves {amt} outstanding on {inv}.",
    "Our statement dated {date} lists {inv} ({amt}) and {inv2} ({amt2}).",
    "Please settle {amt} against invoice no. {inv} by {date2}.",
    "The credit note {cn} for {amt2} was applied to {inv} on {date}.",
    "Payment of {amt} reached us on {date}, {days} days after the due date of {date2}.",
    "A late fee of {fee} was added to {inv} under clause {clause} on {date}.",
    "Order {po} shipped on {date} and was invoiced as {inv} for {amt}.",
    "Could you confirm whether {amt} for {inv} will be paid by {date2}?",
    "The balance of the account stands at {amt} as of {date}.",
    "Invoices {inv}, {inv2} and {inv3} total {amt} and are {days} days overdue.",
    "We agreed on {date} that {amt2} would be paid monthly until {date2}.",
    "Remittance advice {ref} for {amt} did not name invoice {inv}.",
    "Your purchase order {po} of {date} covers {amt} excluding VAT of {fee}.",
)
MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()


def dense_email(rng: random.Random, hostile: list[str]) -> str:
    """Return one email of 150-300 words dense with amounts, references and dates."""

    def amount() -> str:
        value = rng.randint(50, 250_000) + rng.choice((0, 0.5, 0.99, 0.25))
        sign = rng.choice(("$", "£", "€", "USD ", "EUR "))
        return f"{sign}{value:,.2f}"

    def date() -> str:
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.choice((2025, 2026))
        return rng.choice(
            (
                f"{day} {MONTH_NAMES[month - 1]} {year}",
                f"{year}-{month:02d}-{day:02d}",
                f"{day:02d}/{month:02d}/{year}",
                f"{MONTH_NAMES[month - 1]} {day}, {year}",
            )
        )

    def invoice() -> str:
        number = rng.randint(1000, 99999)
        return rng.choice((f"INV-{number}", f"#{number}", f"{number}", f"INV/2026/{number}"))

    target = rng.randint(150, 300)
    body: list[str] = []
    words = 0
    if rng.random() < HOSTILE_SHARE:
        body.append(rng.choice(hostile))
        words += len(body[-1].split())
    while words < target:
        sentence = rng.choice(DENSE_SENTENCES).format(
            inv=invoice(),
            inv2=invoice(),
            inv3=invoice(),
            amt=amount(),
            amt2=amount(),
            fee=amount(),
            date=date(),
            date2=date(),
            days=rng.randint(3, 120),
            clause=rng.randint(2, 19),
            cn=f"CN-{rng.randint(100, 9999)}",
            po=f"PO-{rng.randint(10000, 99999)}",
            ref=f"RA{rng.randint(100000, 999999)}",
        )
        body.append(sentence)
        words += len(sentence.split())
    rng.shuffle(body)
    paragraphs = [" ".join(body[i : i + 4]) for i in range(0, len(body), 4)]
    return "Hi Sam,\n\n" + "\n\n".join(paragraphs) + "\n\nBest regards,\nDana\n"


def generate_dense(folder: Path, count: int, seed: int = 11) -> None:
    """Write ``count`` dense collections emails (150-300 words each) into ``folder``."""
    _, hostile = sentences()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"{i:05d}.txt").write_text(dense_email(rng, hostile), encoding="utf-8")


def generate_mbox(path: Path, count: int, seed: int = 7) -> None:
    """Write the same emails as ``generate``, with headers, into one mbox file."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for i, text in enumerate(bodies(count, seed)):
            out.write(
                "From dana@example.com Mon Nov 23 09:00:00 2026\n"
                "From: Dana <dana@example.com>\nTo: Sam <sam@example.com>\n"
                f"Subject: Statement {i:05d}\nDate: Mon, 23 Nov 2026 09:00:00 +0000\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
                f"{text}\n"
            )


def timed(command: list[str]) -> float:
    """Return the wall time of a command; exit codes 0-3 are results, not failures."""
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 2, 3) or (done.returncode == 2 and "mailcoach" in command[0]):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return elapsed


def tree_rss_mb(pid: int) -> float:
    """Return the resident memory of a process and its descendants, in MB."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            stack.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total / 1024


def peak_memory(command: list[str]) -> float:
    """Run a command and return the peak memory of its process tree, sampled every 20 ms."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.02)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--proselint", default=shutil.which("proselint"), help="proselint executable"
    )
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--memory", nargs=2, type=int, default=[1000, 10000], metavar=("SMALL", "LARGE")
    )
    parser.add_argument("--jobs", type=int, default=None, help="review --jobs (default: cores)")
    parser.add_argument(
        "--mail",
        choices=["dense", "corpus"],
        default="dense",
        help="dense: 150-300 words thick with amounts, invoice numbers and dates (issue 11); "
        "corpus: ~160 words of corpus sentences (issue 4)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    args = parser.parse_args()
    make = generate_dense if args.mail == "dense" else generate
    if not args.proselint:
        sys.exit("proselint not found: install it in a separate venv and pass --proselint PATH")

    mailcoach = str(Path(sys.executable).parent / "mailcoach")
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        outbox = Path(tmp) / "outbox"
        make(outbox, args.emails)
        review = [
            mailcoach,
            "review",
            str(outbox),
            "--format",
            "jsonl",
            "-o",
            str(Path(tmp) / "r.jsonl"),
            *jobs,
        ]
        prose = [args.proselint, "check", str(outbox)]
        timed(review), timed(prose)  # warm the file cache
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(timed(review))
            theirs.append(timed(prose))
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{args.emails} {args.mail} emails, {args.rounds} rounds, medians:")
        for name, median, runs in (("mailcoach review", a, ours), ("proselint check ", b, theirs)):
            listed = ", ".join(f"{t:.1f}" for t in runs)
            print(
                f"  {name}  {median:6.2f} s  {args.emails / median:6.0f} emails/s  (runs: {listed})"
            )
        print(f"  throughput ratio mailcoach/proselint: {b / a:.2f} (target >= {TARGET:.2f})")
        ok &= b / a >= TARGET
        if args.no_memory:
            sys.exit(0 if ok else 1)

        small, large = args.memory
        peaks = {}
        for n in (small, large):
            folder = Path(tmp) / f"mem{n}"
            make(folder, n, seed=n)
            peaks[n] = peak_memory(
                [
                    mailcoach,
                    "review",
                    str(folder),
                    "--format",
                    "text",
                    "-o",
                    str(Path(tmp) / f"m{n}.txt"),
                    *jobs,
                ]
            )
            shutil.rmtree(folder)
        growth = peaks[large] / peaks[small] - 1
        print(
            f"peak memory (process tree): {small} msgs {peaks[small]:.0f} MB, "
            f"{large} msgs {peaks[large]:.0f} MB, growth {100 * growth:+.1f}% "
            f"(targets: < {MEMORY_LIMIT_MB} MB, within {100 * MEMORY_GROWTH:.0f}%)"
        )
        ok &= max(peaks.values()) < MEMORY_LIMIT_MB and abs(growth) <= MEMORY_GROWTH
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
