"""Leave-one-writer-out cross-validation of detection over the tuning material.

    python tools/yardstick.py                 # rules, model, rules+model, out of fold
    python tools/yardstick.py --sealed        # once, at the very end: aggregate scores
                                              # of the held-out splits (shipped weights)

Each fold is one writer's text: a split written by one writer, a split by several
writers with no per-item ``writer`` field (one fold), each ``writer`` of a split
that has the field, and ``clean-business.jsonl``. For each fold the sentence model
is trained on every other fold and scores this one, so every model score here is
out of fold. The rules run once (they are shared by every fold); the model rules'
gates (the sentences they may score, their guards) come from the real pipeline,
so "rules+model" is what ``check`` would say with that fold's weights.

Reported, pooled over all folds and per fold: macro-F1, per-category precision and
recall, any-flag recall (hurtful items with any flag) and clean FPR (clean items
with any flag). Choose settings on these numbers only; the held-out splits are read
only with ``--sealed``, which prints their aggregate scores and nothing item by item.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mailcoach.nlp.classifier import FeatureSettings  # noqa: E402
from mailcoach.rules.compile import InContext, in_context_pick  # noqa: E402
from tools.scoring import per_category, search_thresholds  # noqa: E402
from tools.train_model import (  # noqa: E402
    CATEGORIES,
    CORPUS,
    TUNING_FILES,
    Example,
    Options,
    Row,
    examples_of,
    fit,
    read_rows,
    sentences_of,
)

CACHE = ROOT / "tools" / ".cache"
#: Held-out splits: scored only in aggregate, only with --sealed.
SEALED = ("test", "test2", "test3", "test4")


@dataclass(slots=True)
class Item:
    """One corpus item with what the rules said and what the model may score."""

    row: Row
    fold: str
    rules: frozenset[str]
    #: per scored sentence: (words, text, previous, categories the model rules may flag)
    sentences: list[tuple[tuple[str, ...], str, object, frozenset[str]]]
    #: per scored sentence, out-of-fold probability per category
    probs: list[dict[str, float]] = field(default_factory=list)
    #: per scored sentence, the shipped in-context model's scores ("hurtful", and which
    #: category; it learns from whole drafts of the rewrite corpus, none of these
    #: writers' text)
    context: list[dict[str, float]] = field(default_factory=list)


#: How the model rules read the in-context model (``params.context``); its weights are
#: unused here (the items hold the shipped model's scores), and so are the bars of
#: ``in_warned_draft``: the yardstick scores each sentence alone, with no warning
#: elsewhere.
Context = InContext[Path | None]


def fold_of(row: Row) -> str:
    """Return the writer fold of an item."""
    stem = row.file.removesuffix(".jsonl").removeprefix("sentences-")
    return f"{stem}:{row.writer}" if row.writer else stem


def write_model_rules(
    folder: Path, suffix: str, params: Callable[[dict[str, object]], dict[str, object]]
) -> tuple[str, ...]:
    """Write a copy of each shipped model rule to ``folder`` (id ``<category>.<suffix>``,
    ``params`` made from the shipped ones); return the shipped rules' ids, to disable."""
    from mailcoach.nlp.pipeline import rules_for
    from mailcoach.settings import Settings

    shipped = [r for r in rules_for(Settings()) if r.spec.kind == "model"]
    for rule in shipped:
        spec = rule.spec.model_dump(by_alias=True, exclude_none=True)
        spec["id"] = f"{rule.category.value}.{suffix}"
        spec["params"] = params(dict(spec["params"]))
        with (folder / f"{rule.category.value}.yml").open("w", encoding="utf-8") as handle:
            json.dump([spec], handle)  # JSON is YAML
    return tuple(r.id for r in shipped)


def _gate_lexicon(folder: Path) -> tuple[str, ...]:
    """Write model rules that fire on every sentence they may score; return the ids to
    disable (the shipped model rules)."""
    from mailcoach.nlp.classifier import Classifier

    always = Classifier(CATEGORIES, tuple(30.0 for _ in CATEGORIES), {})
    (folder / "always.json").write_text(always.to_text({"about": "yardstick gate"}), "utf-8")
    return write_model_rules(
        folder, "yardstick-gate", lambda _: {"weights": "always.json", "threshold": 0.5}
    )


def gate_pass(rows: Sequence[Row]) -> list[tuple[frozenset[str], dict[int, frozenset[str]]]]:
    """Run the real pipeline once: what the rules flag, and per sentence start which
    categories a model rule may flag there (cached by corpus and lexicon content)."""
    from mailcoach.analyze import check_many
    from mailcoach.inputs import parse_text
    from mailcoach.model import Severity
    from mailcoach.settings import Settings

    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.text.encode() + b"\0")
    for path in sorted((ROOT / "lexicons").glob("*.yml")) + sorted(
        (ROOT / "mailcoach").rglob("*.py")
    ):
        digest.update(path.read_bytes())
    cache = CACHE / f"gate-{digest.hexdigest()[:16]}.json"
    if cache.exists():
        data = json.loads(cache.read_text("utf-8"))
        return [(frozenset(r), {int(k): frozenset(v) for k, v in g.items()}) for r, g in data]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        disable = _gate_lexicon(Path(tmp))
        settings = Settings(lexicons=(tmp,), disable=disable)
        drafts = (parse_text(r.text, f"{r.file}:{r.line}") for r in rows)
        for report in check_many(drafts, settings=settings):
            rules: set[str] = set()
            gates: dict[int, set[str]] = {}
            for f in report.findings:
                if f.severity < Severity.WARNING:
                    continue
                if f.rule_id.endswith(".yardstick-gate"):
                    gates.setdefault(f.start, set()).add(f.category.value)
                else:
                    rules.add(f.category.value)
            out.append((frozenset(rules), {k: frozenset(v) for k, v in gates.items()}))
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(
        json.dumps([[sorted(r), {k: sorted(v) for k, v in g.items()}] for r, g in out]), "utf-8"
    )
    return out


def build_items(rows: Sequence[Row]) -> list[Item]:
    """Pair every row with its rules' verdict and its scored sentences."""
    items = []
    for row, (rules, gates) in zip(rows, gate_pass(rows), strict=True):
        sents = []
        offsets = _sentence_offsets(row.text)
        previous = None
        for (words, text, scored), start in zip(sentences_of(row.text), offsets, strict=True):
            if scored:
                sents.append((words, text, previous, gates.get(start, frozenset())))
            previous = (words, text)
        items.append(Item(row, fold_of(row), rules, sents, context=_in_context(sents)))
    return items


def _in_context(
    sentences: Sequence[tuple[tuple[str, ...], str, object, frozenset[str]]],
) -> list[dict[str, float]]:
    """The shipped in-context model's scores of each scored sentence."""
    from mailcoach.nlp.classifier import load_classifier
    from mailcoach.resources import lexicon_dir
    from tools.train_context import CONTEXT_FILE

    model = load_classifier(lexicon_dir() / CONTEXT_FILE)
    return [model.probabilities(w, t, p) for w, t, p, _ in sentences]  # type: ignore[arg-type]


def _sentence_offsets(text: str) -> list[int]:
    from tools.train_model import _make_doc

    doc = _make_doc(text)
    return [
        next(t.idx for t in sent if not t.is_space)
        for sent in doc.sents
        if any(not t.is_space for t in sent)
    ]


# --------------------------------------------------------------------------- scorers

Scorer = Callable[[Sequence[Item], Sequence[Item]], None]


def linear_scorer(options: Options) -> Scorer:
    """Train the linear model on ``train`` and fill ``probs`` of ``test``."""

    examples: dict[int, list[Example]] = {}  # tokenized once, reused by every fold

    def score(train: Sequence[Item], test: Sequence[Item]) -> None:
        for i in train:
            if id(i) not in examples:
                examples[id(i)] = examples_of([i.row], options.unit)
        model = fit([e for i in train for e in examples[id(i)]], options)
        for item in test:
            item.probs = [
                model.probabilities(w, t, p if options.features.previous else None)  # type: ignore[arg-type]
                for w, t, p, _ in item.sentences
            ]

    return score


def embedding_scorer(folder: Path, c: float, previous: bool) -> Scorer:
    """Bake-off (b): frozen sentence embeddings (``tools/embed_sentences.py``) and one
    logistic regression per category on top."""
    import numpy as np

    texts = json.loads((folder / "sentences.json").read_text("utf-8"))
    vectors = np.load(folder / "vectors.npy")
    at = {t: i for i, t in enumerate(texts)}
    zero = np.zeros(vectors.shape[1], dtype=np.float32)

    def vec(text: str, prev: str | None) -> object:
        own = vectors[at[text]]
        if not previous:
            return own
        return np.concatenate([own, vectors[at[prev]] if prev else zero])

    def score(train: Sequence[Item], test: Sequence[Item]) -> None:
        from sklearn.linear_model import LogisticRegression

        x = np.stack([vec(i.row.text, None) for i in train])
        units = [(i, [vec(t, p[1] if p else None) for _, t, p, _ in i.sentences]) for i in test]
        heads = []
        for cat in CATEGORIES:
            y = np.array([cat in i.row.labels for i in train], dtype=np.int64)
            heads.append(LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, y))
        for item, vs in units:
            if not vs:
                item.probs = []
                continue
            p = np.stack([h.predict_proba(np.stack(vs))[:, 1] for h in heads], axis=1)
            item.probs = [dict(zip(CATEGORIES, map(float, row), strict=True)) for row in p]

    return score


def dump_sentences(items: Sequence[Item], path: Path) -> None:
    """Write every text the embedding scorer needs (items, scored sentences, previous)."""
    texts = {i.row.text for i in items}
    for i in items:
        for _, t, p, _ in i.sentences:
            texts.add(t)
            if p:
                texts.add(p[1])  # type: ignore[index]
    path.write_text(json.dumps(sorted(texts), ensure_ascii=False), "utf-8")


def cross_validate(items: Sequence[Item], scorer: Scorer) -> None:
    """Fill every item's out-of-fold probabilities, one writer fold at a time."""
    folds = sorted({i.fold for i in items})
    for fold in folds:
        test = [i for i in items if i.fold == fold]
        train = [i for i in items if i.fold != fold]
        scorer(train, test)


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True, slots=True)
class Result:
    """Scores of one system on a set of items."""

    n: int
    macro_f1: float
    per_category: dict[str, tuple[float, float, float]]
    any_recall: float
    clean_fpr: float
    clean_n: int

    def line(self) -> str:
        cats = " ".join(f"{c[:5]} {p:.2f}/{r:.2f}" for c, (p, r, _) in self.per_category.items())
        return (
            f"F1 {self.macro_f1:.3f}  recall {self.any_recall:.3f}  FPR {self.clean_fpr:.3f}"
            f" (n={self.n}, clean {self.clean_n})  P/R: {cats}"
        )


def predict(
    item: Item, system: str, thresholds: dict[str, float], context: Context | None = None
) -> frozenset[str]:
    """Return the categories ``system`` ("rules", "model", "rules+model") flags; with
    ``context``, a sentence no category reached may be flagged by the in-context
    model, decided as the model rules decide it (``in_context_pick``)."""
    if system == "rules":
        return item.rules
    model: set[str] = set()
    for i, (probs, (_, _, _, gate)) in enumerate(zip(item.probs, item.sentences, strict=True)):
        reached = {c for c in CATEGORIES if probs[c] >= thresholds[c]}
        if not reached and context is not None:
            picked = in_context_pick(
                {c: (c, probs[c] / thresholds[c]) for c in CATEGORIES},
                # no in_warned_draft bars: a sentence scored alone has no warning elsewhere
                lambda _: replace(context, in_warned_draft=None),
                lambda _, hurt=item.context[i]: hurt,
            )
            reached = {picked[0]} if picked is not None else set()
        model.update(c for c in reached if system == "model" or c in gate)
    if system == "model":
        return frozenset(model)
    return item.rules | model


def score(
    items: Iterable[Item], system: str, thresholds: dict[str, float], context: Context | None = None
) -> Result:
    """Score ``system`` on ``items``."""
    pairs = [(i.row.labels, predict(i, system, thresholds, context)) for i in items]
    per = {c: (p, r, f) for c, (p, r, f, _) in per_category(pairs).items()}
    hurtful = [p for g, p in pairs if g]
    clean = [p for g, p in pairs if not g]
    return Result(
        n=len(pairs),
        macro_f1=sum(f for *_, f in per.values()) / len(per),
        per_category=per,
        any_recall=sum(1 for p in hurtful if p) / len(hurtful) if hurtful else 0.0,
        clean_fpr=sum(1 for p in clean if p) / len(clean) if clean else 0.0,
        clean_n=len(clean),
    )


def choose_thresholds(
    items: Sequence[Item], max_fpr: float, context: Context | None = None
) -> dict[str, float]:
    """Pick each category's threshold for rules+model F1 on out-of-fold scores, one
    category at a time, keeping the clean FPR under ``max_fpr``."""

    def goodness(trial: dict[str, float]) -> tuple[bool, float]:
        r = score(items, "rules+model", trial, context)
        return r.clean_fpr <= max_fpr, r.macro_f1

    return search_thresholds(goodness)


def report(
    items: Sequence[Item],
    thresholds: dict[str, float],
    per_fold: bool,
    context: Context | None = None,
) -> None:
    """Print pooled (and per-fold) scores of the three systems."""
    for system in ("rules", "model", "rules+model"):
        print(f"{system:12s} {score(items, system, thresholds, context).line()}")
    if per_fold:
        for fold in sorted({i.fold for i in items}):
            part = [i for i in items if i.fold == fold]
            r = score(part, "rules", thresholds)
            rm = score(part, "rules+model", thresholds, context)
            print(
                f"  {fold:16s} rules F1 {r.macro_f1:.3f} FPR {r.clean_fpr:.3f} | rules+model "
                f"F1 {rm.macro_f1:.3f} rec {rm.any_recall:.3f} FPR {rm.clean_fpr:.3f} (n={rm.n})"
            )


def shipped_thresholds() -> dict[str, float]:
    """Return the thresholds of the shipped model rules."""
    from mailcoach.nlp.pipeline import rules_for
    from mailcoach.settings import Settings

    return {
        r.category.value: float(r.spec.params["threshold"])
        for r in rules_for(Settings())
        if r.spec.kind == "model"
    }


def shipped_context() -> Context | None:
    """Return how the shipped model rules read the in-context model (None: they don't)."""
    from mailcoach.nlp.pipeline import rules_for
    from mailcoach.rules.compile import model_rule_context
    from mailcoach.settings import Settings

    for rule in rules_for(Settings()):
        if rule.spec.kind == "model" and (context := model_rule_context(rule)) is not None:
            return context
    return None


def sealed_scores() -> None:
    """Print the aggregate scores of each held-out split with the shipped rules and
    weights: never an item, never used to choose anything."""
    from tools.evaluate import evaluate, load_corpus

    for split in SEALED:
        if not (CORPUS / f"sentences-{split}.jsonl").exists():
            continue
        every = load_corpus(CORPUS, split)
        emails = [i for i in every if i.path is not None]
        if emails:
            m = evaluate(emails, split=split)
            calm = [o for o in m.outcomes if not o.item.gold]
            hurt = [o for o in m.outcomes if o.item.gold]
            print(
                f"{split:6s} emails: {len(emails)}, macro-F1 {m.macro_f1:.3f}, calm with a warning "
                f"{sum(1 for o in calm if o.predicted)} of {len(calm)}, hurtful caught "
                f"{sum(1 for o in hurt if o.predicted)} of {len(hurt)}"
            )
        sentences = [i for i in every if i.text is not None]
        e = evaluate(sentences, split=split)
        hurtful = [o for o in e.outcomes if o.item.gold]
        rec = sum(1 for o in hurtful if o.predicted) / len(hurtful) if hurtful else 0.0
        cats = " ".join(f"{s.category[:5]} {s.precision:.2f}/{s.recall:.2f}" for s in e.scores)
        print(
            f"{split:6s} F1 {e.macro_f1:.3f}  recall {rec:.3f}  FPR {e.false_positive_rate:.3f}"
            f" (n={len(e.outcomes)})  P/R: {cats}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the cross-validation (or, with --sealed, the held-out aggregates)."""
    parser = argparse.ArgumentParser(prog="python tools/yardstick.py")
    parser.add_argument("--sealed", action="store_true", help="held-out aggregates only")
    parser.add_argument("--per-fold", action="store_true")
    parser.add_argument("--c", type=float, default=Options().c)
    parser.add_argument("--class-weight", default=Options().class_weight)
    parser.add_argument("--min-count", type=int, default=Options().min_count)
    parser.add_argument("--unit", default=Options().unit, choices=("item", "last"))
    parser.add_argument("--no-pairs", action="store_true")
    parser.add_argument("--no-placeholders", action="store_true")
    parser.add_argument("--previous", action="store_true")
    parser.add_argument("--no-chars", action="store_true", help="no letter 4-grams of words")
    parser.add_argument("--without", default="", help="comma-separated tuning files to leave out")
    parser.add_argument(
        "--choose", type=float, metavar="MAX_FPR", help="choose thresholds under this clean FPR"
    )
    parser.add_argument("--json", type=Path, help="write pooled scores here")
    parser.add_argument("--save-oof", type=Path, help="keep the out-of-fold scores here")
    parser.add_argument("--load-oof", type=Path, help="re-threshold saved out-of-fold scores")
    parser.add_argument("--dump-sentences", type=Path, help="write the texts to embed, and stop")
    parser.add_argument("--embeddings", type=Path, help="bake-off (b): folder with vectors.npy")
    parser.add_argument(
        "--context",
        metavar="THRESHOLD[,FLOOR]",
        help="read the in-context model so (default: as the shipped model rules do; "
        "'none': not at all)",
    )
    args = parser.parse_args(argv)
    if args.sealed:
        sealed_scores()
        return
    options = replace(
        Options(),
        c=args.c,
        class_weight=args.class_weight,
        min_count=args.min_count,
        unit=args.unit,
        features=FeatureSettings(
            pairs=not args.no_pairs,
            placeholders=not args.no_placeholders,
            previous=args.previous,
            chars=not args.no_chars,
        ),
    )
    files = [f for f in TUNING_FILES if f not in args.without.split(",")]
    items = build_items(read_rows(CORPUS, files))
    if args.dump_sentences:
        dump_sentences(items, args.dump_sentences)
        return
    if args.embeddings:
        scorer = embedding_scorer(args.embeddings, args.c, args.previous)
    else:
        scorer = linear_scorer(options)
    if args.load_oof:
        for item, probs in zip(items, json.loads(args.load_oof.read_text("utf-8")), strict=True):
            item.probs = probs
    else:
        cross_validate(items, scorer)
    if args.save_oof:
        args.save_oof.write_text(json.dumps([i.probs for i in items]), "utf-8")
    thresholds = shipped_thresholds()
    if args.context is None:
        context = shipped_context()
    elif args.context == "none":
        context = None
    else:
        threshold, floor = (float(x) for x in args.context.split(","))
        context = InContext(None, threshold, floor)
    print(f"options {options}\nthresholds (shipped) {thresholds}\nin context {context}")
    report(items, thresholds, args.per_fold, context)
    if args.choose:
        thresholds = choose_thresholds(items, args.choose, context)
        print(f"thresholds (chosen out of fold, clean FPR <= {args.choose}) {thresholds}")
        report(items, thresholds, args.per_fold, context)
    if args.json:
        pooled = {
            s: score(items, s, thresholds, context).__repr__() for s in ("rules", "rules+model")
        }
        args.json.write_text(json.dumps(pooled, indent=1), "utf-8")


if __name__ == "__main__":
    main()
