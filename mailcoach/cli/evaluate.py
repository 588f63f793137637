"""``mailcoach eval``: score the rules on a labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mailcoach import MailcoachError
from mailcoach.cli.common import fail, make_settings, settings_options
from mailcoach.evaluate import SPLITS


@click.command("eval")
@click.argument(
    "corpus",
    required=False,
    default="tests/corpus",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--split",
    type=click.Choice([*SPLITS, "all"]),
    default="test",
    show_default=True,
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--show-mistakes", is_flag=True, help="List every item the rules got wrong.")
@settings_options
def eval_cmd(
    corpus: Path,
    split: str,
    fmt: str,
    show_mistakes: bool,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Score the rules on a labelled corpus: precision, recall, F1 per category.

    CORPUS is a folder with sentences-<split>.jsonl and emails.jsonl
    (see tests/corpus/README.md). An item counts as flagged when it has a
    warning- or error-level finding.

    \b
    Example:
      mailcoach eval tests/corpus --split test
    """
    from mailcoach.evaluate import evaluate, load_corpus

    settings = make_settings(config, model, lexicons, disable)
    try:
        result = evaluate(load_corpus(corpus, split), split=split, settings=settings)
    except MailcoachError as exc:
        fail(exc)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "split": split,
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
        )
        return
    if show_mistakes:
        for o in result.mistakes:
            text = o.item.text or str(o.item.path)
            click.echo(f"gold={sorted(o.item.gold)} got={sorted(o.predicted)}  {text}")
        click.echo("")
    click.echo(f"{'category':<20} {'precision':>9} {'recall':>7} {'F1':>6}   tp  fp  fn")
    for s in result.scores:
        click.echo(
            f"{s.category:<20} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f}  "
            f"{s.tp:>3} {s.fp:>3} {s.fn:>3}"
        )
    click.echo(
        f"\nsplit {split}: {len(result.outcomes)} items, macro-F1 {result.macro_f1:.3f}, "
        f"false positives on clean items {result.false_positive_rate:.1%} "
        f"({result.clean_items} clean)"
    )
