"""Train mailcoach's in-context model (is this sentence of a whole draft hurtful?).

    python tools/train_context.py           # writes lexicons/context-weights.json
    python tools/train_context.py --lowo    # leave one writer out, through ``check``;
                                            # writes nothing

The sentence model (``tools/train_model.py``) learns from sentences written one at
a time. In a whole draft, hurt hides in long sentences full of facts, in asides and
in rhetorical questions, and that model misses a third of it. This one learns from
whole drafts: every sentence the sentence model scores in the sender's own text of
the labelled drafts of the rewrite corpus (``tests/corpus/rewrite/dev*.jsonl``, never
a sealed set) is hurtful when it overlaps a sentence its writer listed as hurtful,
else not; and, on the hurtful ones, which of the six categories (from outside
labellers, ``tests/corpus/rewrite/hurtful-categories.jsonl``). It reads the sentence
model's features; the model rules use it through ``params.context`` (see
``lexicons/README.md``): a sentence no model rule flagged that this model finds
hurtful is flagged for the category this model rates highest.

``--lowo`` trains one model per writer on every other writer's drafts, checks that
writer's drafts with the real pipeline and that model, and prints, per threshold,
the hurtful sentences caught (any warning on them), the calm drafts with any warning,
and the warnings on sentences nobody listed as hurtful. The settings below were
chosen with it.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from mailcoach.nlp.classifier import WEIGHTS_FILE, Classifier, FeatureSettings  # noqa: E402
from mailcoach.rules.compile import HURTFUL  # noqa: E402
from tools.train_kind import LABEL_FILES, writer_of  # noqa: E402
from tools.train_model import (  # noqa: E402
    Example,
    Options,
    fit,
    provenance,
    recorded_date,
    write_weights,
)
from tools.yardstick import write_model_rules  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "rewrite"
CONTEXT_FILE = "context-weights.json"
#: The categories of the dev drafts' hurtful sentences, by outside labellers.
CATEGORIES_FILE = "hurtful-categories.jsonl"
OUTPUT = ROOT / "lexicons" / CONTEXT_FILE
#: Chosen leave one writer out (``--lowo``): C = 3 against 0.3, 1 and 10.
OPTIONS = Options(c=3.0, features=FeatureSettings(chars=True))


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled draft: where it is, its writer, and its hurtful sentences."""

    path: Path
    writer: str
    hostile: bool
    hurtful: tuple[str, ...]
    #: the categories of each hurtful sentence (an outside labeller's; () if none)
    categories: tuple[tuple[str, ...], ...] = ()


def read_categories(path: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """Read the categories of hurtful sentences: (draft file, sentence) -> categories."""
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[(row["file"], row["sentence"])] = tuple(row["labels"])
    return out


def read_labelled(corpus: Path = CORPUS, files: Sequence[str] = LABEL_FILES) -> list[Labelled]:
    """Read the labelled drafts (a writer is a file-name prefix, "I-" or "R3-"; the
    first dev set's drafts count as one writer), with the categories of their hurtful
    sentences from ``CATEGORIES_FILE``."""
    categories = read_categories(corpus / CATEGORIES_FILE)
    out = []
    for name in files:
        for line in (corpus / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                writer = writer_of(row["file"], name)
                hurtful = tuple(row.get("hurtful", []))
                kinds = tuple(categories.get((row["file"], h), ()) for h in hurtful)
                path = corpus / row["file"]
                out.append(Labelled(path, writer, bool(row["hostile"]), hurtful, kinds))
    return out


@functools.cache
def examples_of(draft: Labelled) -> tuple[Example, ...]:
    """The sentences the model rules score in the sender's own text, each labelled
    ``hurtful`` (and its categories) or not."""
    from mailcoach.analyze import to_draft
    from mailcoach.nlp.pipeline import get_pipeline
    from mailcoach.nlp.sentences import set_sentence_starts
    from mailcoach.rules.compile import model_sentences
    from mailcoach.settings import Settings
    from mailcoach.text import normalize

    text = normalize(to_draft(draft.path, Settings()).own_text)
    spans = []
    for n, sentence in enumerate(draft.hurtful):
        at = text.find(normalize(sentence))
        if at >= 0:
            kinds = draft.categories[n] if n < len(draft.categories) else ()
            spans.append((at, at + len(normalize(sentence)), kinds))
    doc = set_sentence_starts(get_pipeline().make_doc(text))
    out = []
    for visible, words, sentence, previous in model_sentences(doc):
        start, end = visible[0].idx, visible[-1].idx + len(visible[-1])
        hit = [kinds for a, b, kinds in spans if a < end and start < b]
        before = (tuple(previous[0]), previous[1]) if previous is not None else None
        labels = frozenset({HURTFUL, *(k for kinds in hit for k in kinds)}) if hit else frozenset()
        out.append(Example(tuple(words), sentence, before, labels))
    return tuple(out)


def train(
    drafts: Sequence[Labelled], options: Options = OPTIONS, categories: bool = True
) -> Classifier:
    """Fit the in-context model on ``drafts``: the ``hurtful`` score on every
    sentence, and one score per category on the hurtful sentences whose categories
    are known (which category a hurtful sentence is, not whether it is one)."""
    examples = [e for d in drafts for e in examples_of(d)]
    hurtful = fit(examples, options, categories=(HURTFUL,))
    labelled = [e for e in examples if len(e.labels) > 1]
    if not labelled or not categories:
        return hurtful
    kinds = fit(labelled, options)
    return _joined(hurtful, kinds)


def _joined(first: Classifier, second: Classifier) -> Classifier:
    """Return one classifier with the categories of both (same feature settings)."""
    width = len(first.categories), len(second.categories)
    rows: dict[str, tuple[float, ...]] = {}
    for name in sorted(set(first.weights) | set(second.weights)):
        a = tuple(first.weights[name]) if name in first.weights else (0.0,) * width[0]
        b = tuple(second.weights[name]) if name in second.weights else (0.0,) * width[1]
        rows[name] = a + b
    return Classifier(
        first.categories + second.categories, first.bias + second.bias, rows, first.settings
    )


def train_text(corpus: Path = CORPUS, date: str = "", options: Options = OPTIONS) -> str:
    """Return the weights file's text trained on the labelled drafts of ``corpus``."""
    drafts = read_labelled(corpus)
    counts = dict(sorted(Counter(d.path.parent.name for d in drafts).items()))
    model = train(drafts, options)
    return model.to_text(provenance(counts, options, date, tool="tools/train_context.py"))


def _fold_lexicon(
    folder: Path,
    weights_text: str | None,
    threshold: float = 0.0,
    floor: float = 0.0,
    warned: tuple[float, float] | None = None,
) -> tuple[str, ...]:
    """Write model rules like the shipped ones that read ``weights_text`` in context at
    ``threshold`` and ``floor`` (and ``warned``: the threshold and floor in a draft
    with a warning elsewhere, if any; ``weights_text`` None: no in-context model);
    return the shipped model rules' ids (to disable)."""
    from mailcoach.resources import lexicon_dir

    if weights_text is not None:
        (folder / CONTEXT_FILE).write_text(weights_text, encoding="utf-8")
    shutil.copyfile(lexicon_dir() / WEIGHTS_FILE, folder / WEIGHTS_FILE)
    context: dict[str, object] = {"weights": CONTEXT_FILE, "threshold": threshold, "floor": floor}
    if warned is not None:
        context["in_warned_draft"] = {"threshold": warned[0], "floor": warned[1]}

    def params(shipped: dict[str, object]) -> dict[str, object]:
        shipped.pop("context", None)
        return shipped if weights_text is None else {**shipped, "context": context}

    return write_model_rules(folder, "fold-model", params)


def _score(drafts: Sequence[Labelled], settings: object, tally: Counter[str]) -> None:
    """Check ``drafts`` and add what was caught and warned to ``tally``."""
    from mailcoach.analyze import check_many
    from mailcoach.model import Severity

    reports = check_many([d.path for d in drafts], settings=settings)  # type: ignore[arg-type]
    for draft, report in zip(drafts, reports, strict=True):
        warned = [f for f in report.findings if f.severity >= Severity.WARNING]
        spans = []
        for n, sentence in enumerate(draft.hurtful):
            at = report.body.find(sentence)
            tally["hurtful"] += 1
            if at < 0:
                continue
            spans.append((at, at + len(sentence)))
            on_it = [f for f in warned if f.start < at + len(sentence) and at < f.end]
            tally["caught"] += bool(on_it)
            kinds = draft.categories[n] if n < len(draft.categories) else ()
            if on_it and kinds:
                tally["caught, categories known"] += 1
                tally["a right category"] += any(f.category.value in kinds for f in on_it)
        tally["calm"] += not draft.hostile
        tally["calm warned"] += not draft.hostile and bool(warned)
        tally["warnings"] += len(warned)
        tally["unlisted warnings"] += sum(
            not any(f.start < b and a < f.end for a, b in spans) for f in warned
        )


def leave_one_writer_out(
    drafts: Sequence[Labelled],
    thresholds: Sequence[float],
    options: Options = OPTIONS,
    floor: float = 0.0,
    categories: bool = True,
    warned: Sequence[tuple[float, float]] = (),
) -> dict[str, Counter[str]]:
    """Return, per threshold (and "none": the sentence model alone), the tallies of
    every writer checked with a model trained on the other writers; with ``warned``,
    also per threshold and floor in a draft with a warning elsewhere (at the first
    of ``thresholds``)."""
    from mailcoach.settings import Settings

    tallies: dict[str, Counter[str]] = {"none": Counter()}
    with tempfile.TemporaryDirectory() as tmp:
        disable = _fold_lexicon(Path(tmp), None)
        _score(drafts, Settings(lexicons=(tmp,), disable=disable), tallies["none"])
    for writer in sorted({d.writer for d in drafts}):
        held = [d for d in drafts if d.writer == writer]
        model = train([d for d in drafts if d.writer != writer], options, categories)
        text = model.to_text({"about": f"fold {writer}"})
        trials: list[tuple[str, float, tuple[float, float] | None]]
        trials = [(f"{t:g}", t, None) for t in thresholds]
        trials += [(f"{thresholds[0]:g}+{a:g}/{b:g}", thresholds[0], (a, b)) for a, b in warned]
        for name, threshold, second in trials:
            with tempfile.TemporaryDirectory() as tmp:
                disable = _fold_lexicon(Path(tmp), text, threshold, floor, second)
                settings = Settings(lexicons=(tmp,), disable=disable)
                _score(held, settings, tallies.setdefault(name, Counter()))
    return tallies


def main(argv: Sequence[str] | None = None) -> None:
    """Train on the labelled drafts and write the weights file (or score, with --lowo)."""
    parser = argparse.ArgumentParser(
        prog="python tools/train_context.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--date", help="the date to record (YYYY-MM-DD); default: the current file's"
    )
    parser.add_argument("--lowo", action="store_true", help="leave one writer out; write nothing")
    parser.add_argument("--c", type=float, default=OPTIONS.c, help="inverse L2 strength")
    parser.add_argument(
        "--thresholds", default="0.8,0.85,0.9", help="with --lowo: comma-separated thresholds"
    )
    parser.add_argument(
        "--floor", type=float, default=0.0, help="with --lowo: the sentence model's floor"
    )
    parser.add_argument(
        "--warned",
        default="",
        help="with --lowo: space-separated THRESHOLD/FLOOR pairs to try in a draft with a "
        "warning elsewhere (at the first of --thresholds)",
    )
    parser.add_argument(
        "--no-categories",
        action="store_true",
        help="with --lowo: no category scores (the sentence model picks the category)",
    )
    args = parser.parse_args(argv)
    options = Options(c=args.c, features=OPTIONS.features)
    if args.lowo:
        thresholds = [float(t) for t in args.thresholds.split(",")]
        warned = [tuple(float(x) for x in pair.split("/")) for pair in args.warned.split()]
        tallies = leave_one_writer_out(
            read_labelled(args.corpus),
            thresholds,
            options,
            args.floor,
            not args.no_categories,
            warned,  # type: ignore[arg-type]
        )
        print(
            f"C = {args.c:g}, floor {args.floor:g}; rows: the in-context threshold "
            "('none': the sentence model alone)"
        )
        for name, t in tallies.items():
            print(
                f"{name:>12}: hurtful caught {t['caught']}/{t['hurtful']} "
                f"({t['caught'] / max(t['hurtful'], 1):.3f}); calm drafts warned "
                f"{t['calm warned']}/{t['calm']}; warnings {t['warnings']}, on unlisted "
                f"sentences {t['unlisted warnings']}; of those caught with known categories, "
                f"{t['a right category']}/{t['caught, categories known']} with a right one"
            )
        return
    date = args.date if args.date is not None else recorded_date(args.output)
    write_weights(args.output, train_text(args.corpus, date, options))


if __name__ == "__main__":
    main()
