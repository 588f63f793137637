"""Score mailcoach on a labelled corpus split: per-category precision, recall and F1.

    python tools/evaluate.py [CORPUS] --split dev4 [--format json] [--show-mistakes]

A development tool, not part of the product (the ``mailcoach`` package never
imports it). Choose settings with ``tools/yardstick.py`` (cross-validated); never
read a held-out split item by item (``--show-mistakes`` refuses them).

A corpus folder holds ``sentences-<split>.jsonl`` (``{"text", "labels"}`` per line)
and ``emails.jsonl`` (``{"file", "split", "labels"}``, files relative to the folder).
An item counts as flagged for a category when a finding of that category is at or
above ``at_least`` (default: warning, the level that changes the verdict).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mailcoach.analyze import check_many  # noqa: E402
from mailcoach.errors import InputError  # noqa: E402
from mailcoach.inputs import parse_text  # noqa: E402
from mailcoach.model import Category, Draft, Severity  # noqa: E402
from mailcoach.settings import Settings  # noqa: E402

#: Splits of a corpus folder; "all" reads every one. Rules are tuned and the sentence
#: model trained on dev to dev14 only; the test splits are held out.
SPLITS = (
    "dev",
    "dev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "dev8",
    "dev9",
    "dev10",
    "dev11",
    "dev12",
    "dev13",
    "dev14",
    "dev15",
    "dev16",
    "dev17",
    "dev18",
    "dev19",
    "dev20",
    "dev21",
    "dev22",
    "dev23",
    "dev24",
    "dev25",
    "dev26",
    "test",
    "test2",
    "test3",
    "test4",
)
HELD_OUT = frozenset(s for s in SPLITS if s.startswith("test"))


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled corpus item: a sentence or an email file."""

    source: str
    gold: frozenset[str]
    text: str | None = None
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the rules predicted for one item."""

    item: Item
    predicted: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 of one category."""

    category: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Return tp / (tp + fp), or 0.0 with nothing predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Return tp / (tp + fn), or 0.0 with nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of running the rules over a corpus split."""

    split: str
    outcomes: tuple[Outcome, ...]
    scores: tuple[Scores, ...] = field(default=())

    @property
    def macro_f1(self) -> float:
        """Return the mean F1 over the six categories."""
        return sum(s.f1 for s in self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def clean_items(self) -> int:
        """Return how many items have no gold category."""
        return sum(1 for o in self.outcomes if not o.item.gold)

    @property
    def false_positive_rate(self) -> float:
        """Return the share of clean items that got any flag."""
        clean = [o for o in self.outcomes if not o.item.gold]
        return sum(1 for o in clean if o.predicted) / len(clean) if clean else 0.0

    @property
    def mistakes(self) -> tuple[Outcome, ...]:
        """Return the outcomes whose prediction differs from the gold labels."""
        return tuple(o for o in self.outcomes if o.predicted != o.item.gold)


def _read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read corpus file {path}: {exc.strerror or exc}.") from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}, line {number}: not valid JSON ({exc.msg}).") from None


def load_corpus(folder: Path, split: str) -> list[Item]:
    """Read the sentences and emails of one split (or ``all``) of a corpus folder.

    Raises:
        InputError: if a file is missing or a line is malformed.
    """
    splits = SPLITS if split == "all" else (split,)
    known = {c.value for c in Category}
    items: list[Item] = []
    for name in splits:
        path = folder / f"sentences-{name}.jsonl"
        if split == "all" and not path.exists():
            continue
        for n, row in enumerate(_read_jsonl(path), start=1):
            labels = frozenset(str(x) for x in row.get("labels", []))  # type: ignore[attr-defined]
            if labels - known:
                raise InputError(f"{path}, line {n}: unknown labels {sorted(labels - known)}.")
            items.append(Item(source=f"{path.name}:{n}", gold=labels, text=str(row["text"])))
    emails = folder / "emails.jsonl"
    if emails.exists():
        for row in _read_jsonl(emails):
            if row.get("split") in splits:
                labels = frozenset(str(x) for x in row.get("labels", []))  # type: ignore[attr-defined]
                items.append(
                    Item(source=str(row["file"]), gold=labels, path=folder / str(row["file"]))
                )
    return items


def evaluate(
    items: Iterable[Item],
    *,
    split: str = "all",
    settings: Settings | None = None,
    at_least: Severity = Severity.WARNING,
) -> Evaluation:
    """Run the rules over labelled items and score them per category."""
    listed = list(items)

    def sources() -> Iterator[Path | Draft]:
        for item in listed:
            yield item.path if item.path else parse_text(item.text or "", item.source)

    outcomes = []
    for item, report in zip(listed, check_many(sources(), settings=settings), strict=True):
        predicted = frozenset(f.category.value for f in report.findings if f.severity >= at_least)
        outcomes.append(Outcome(item, predicted))
    scores = []
    for category in Category:
        c = category.value
        scores.append(
            Scores(
                c,
                tp=sum(1 for o in outcomes if c in o.predicted and c in o.item.gold),
                fp=sum(1 for o in outcomes if c in o.predicted and c not in o.item.gold),
                fn=sum(1 for o in outcomes if c not in o.predicted and c in o.item.gold),
            )
        )
    return Evaluation(split, tuple(outcomes), tuple(scores))


def _as_json(result: Evaluation) -> str:
    return json.dumps(
        {
            "split": result.split,
            "items": len(result.outcomes),
            "macro_f1": round(result.macro_f1, 4),
            "false_positive_rate": round(result.false_positive_rate, 4),
            "categories": {
                s.category: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                }
                for s in result.scores
            },
        },
        indent=2,
        sort_keys=True,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Score one split (or all) and print the table or JSON."""
    parser = argparse.ArgumentParser(prog="python tools/evaluate.py", description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="dev11")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--show-mistakes", action="store_true")
    args = parser.parse_args(argv)
    if args.show_mistakes and (args.split in HELD_OUT or args.split == "all"):
        parser.error("--show-mistakes reads items one by one: not on a held-out split")
    result = evaluate(load_corpus(args.corpus, args.split), split=args.split)
    if args.format == "json":
        print(_as_json(result))
        return
    if args.show_mistakes:
        for o in result.mistakes:
            shown = o.item.text or o.item.path
            print(f"gold={sorted(o.item.gold)} got={sorted(o.predicted)}  {shown}")
        print()
    print(f"{'category':<20} {'precision':>9} {'recall':>7} {'F1':>6}   tp  fp  fn")
    for s in result.scores:
        print(
            f"{s.category:<20} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f}  "
            f"{s.tp:>3} {s.fp:>3} {s.fn:>3}"
        )
    print(
        f"\nsplit {args.split}: {len(result.outcomes)} items, macro-F1 {result.macro_f1:.3f}, "
        f"false positives on clean items {result.false_positive_rate:.1%} "
        f"({result.clean_items} clean)"
    )


if __name__ == "__main__":
    main()
