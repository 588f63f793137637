"""Issue 13: the fine-tuned encoder as a second opinion beside rules + linear model.

What it measures
    Does the bake-off's fine-tuned all-MiniLM-L6-v2 (``tools/encoder_bakeoff.py``,
    trained on dev, dev2..dev9 and clean-business only) lift the shipped rules + linear
    model on writers neither model saw, and at what cost to ``review``?

    * Linear scores: the yardstick's out-of-fold probabilities
      (``python tools/yardstick.py --save-oof FILE``), so every linear score of a
      writer comes from a model that did not see that writer. Rules and the model
      rules' gates come from the real pipeline, as in the yardstick: an item carries a
      category if a rule flags it, or if a scored sentence whose gate allows the
      category reaches the threshold. The encoder is held to the same gates.
    * Encoder scores: each scored sentence on its own, one sentence per call, with the
      ONNX exports the bake-off made (int8 per-channel for the headline, float as a
      second row); max 64 tokens, the export's own mean pooling and sigmoid head.
    * Validation (every threshold and band of the combinations): dev10 + dev11.
      Test: dev12..dev21, one unseen writer per file (dev21 is clean only: its flag
      rate is reported). The baseline is the yardstick's rules + linear decisions with
      the shipped thresholds on exactly the same items.
    * The combinations and their threshold rules are declared in ``SYSTEMS`` and
      ``choose_*`` below, before any test score was looked at (see the results file
      for what was added afterwards).

Steps (they share a work folder, default /tmp/second-opinion)
    1. project venv: the yardstick items (rules, gates, sentences) of dev10..dev21 with
       their out-of-fold linear scores, and the dense benchmark mail's sentences with
       the shipped model's scores and gates:

           .venv/bin/python tools/second_opinion.py items --oof /tmp/oof-21.json

    2. encoder venv (onnxruntime, transformers' tokenizer; never the project venv):
       encoder scores of every sentence, then timing on one thread:

           HF_HUB_OFFLINE=1 /tmp/enc/bin/python tools/second_opinion.py encode \\
               --bakeoff /tmp/bakeoff
           HF_HUB_OFFLINE=1 /tmp/enc/bin/python tools/second_opinion.py speed \\
               --bakeoff /tmp/bakeoff

    3. either venv (numpy only): thresholds on validation, scores on test, bootstrap,
       cost; prints the Markdown tables of ``tools/second_opinion-results.md``:

           .venv/bin/python tools/second_opinion.py report

    Nothing here is imported by mailcoach; the package gains no dependency. The sealed
    files are never read (only the tuning files dev10..dev21 and the benchmark's
    generated mail).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project root for tools.scoring

from tools.scoring import CATEGORIES, per_category, search_thresholds  # noqa: E402

VALIDATION = ("sentences-dev10.jsonl", "sentences-dev11.jsonl")
TEST = tuple(f"sentences-dev{n}.jsonl" for n in range(12, 22))
MAX_LEN = 64
#: The doubtful band of the linear score: from BAND_LOW up to (not including) the
#: shipped threshold of the category.
BAND_LOW = 0.2
#: "add": per category at most this share of the clean validation items gains the
#: category from the encoder ...
ADD_PER_CATEGORY = 0.005
#: ... and at most this share of them gains any flag (else k drops by one).
ADD_ANY = 0.01
#: "average": the yardstick's own rule (macro-F1 under a clean-FPR cap) on validation.
AVERAGE_MAX_FPR = 0.025
#: "veto": the encoder's low thresholds tried, per category (0 = no veto).
VETO_GRID = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
DENSE_EMAILS = 2000
DENSE_SEED = 11  # the seed of benchmarks/review_throughput.py's generate_dense
BOOTSTRAP = 2000


# --------------------------------------------------------------------------- step 1


def run_items(work: Path, oof: Path) -> None:
    """Write items.json (dev10..dev21) and dense.json (the benchmark's dense mail)."""
    sys.path.insert(0, str(ROOT))
    import importlib.util

    from mailcoach.nlp.classifier import load_classifier
    from tools.train_model import CORPUS, TUNING_FILES, Row, read_rows
    from tools.yardstick import build_items, shipped_thresholds

    rows = read_rows(CORPUS, TUNING_FILES)
    items = build_items(rows)
    saved = json.loads(oof.read_text("utf-8"))
    wanted = set(VALIDATION + TEST)
    out = []
    for item, probs in zip(items, saved, strict=True):
        if item.row.file not in wanted:
            continue
        out.append(
            {
                "file": item.row.file,
                "fold": item.fold,
                "labels": sorted(item.row.labels),
                "rules": sorted(item.rules),
                "sentences": [
                    {"text": text, "gate": sorted(gate), "linear": p}
                    for (_, text, _, gate), p in zip(item.sentences, probs, strict=True)
                ],
            }
        )
    thresholds = shipped_thresholds()
    save(work / "items.json", {"thresholds": thresholds, "oof": str(oof), "items": out})
    print(f"items: {len(out)} items of dev10..dev21, thresholds {thresholds}")

    # the dense collections mail of benchmarks/review_throughput.py, scored by the
    # shipped model (trained on dev..dev21) through the real pipeline's gates
    spec = importlib.util.spec_from_file_location(
        "review_throughput", ROOT / "benchmarks" / "review_throughput.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    _, hostile = bench.sentences()
    rng = random.Random(DENSE_SEED)
    texts = [bench.dense_email(rng, hostile) for _ in range(DENSE_EMAILS)]
    dense_rows = [Row("dense", i, "", t, frozenset()) for i, t in enumerate(texts)]
    model = load_classifier(ROOT / "lexicons" / "classifier-weights.json")
    dense = []
    for item in build_items(dense_rows):
        dense.append(
            {
                "hostile": any(h in item.row.text for h in hostile),
                "rules": sorted(item.rules),
                "sentences": [
                    {"text": text, "gate": sorted(gate), "linear": model.probabilities(w, text)}
                    for w, text, _, gate in item.sentences
                ],
            }
        )
    save(work / "dense.json", {"emails": dense})
    n = sum(len(e["sentences"]) for e in dense)
    print(f"dense: {len(dense)} emails, {n} scored sentences")


def save(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


# --------------------------------------------------------------------------- step 2


class Encoder:
    """The bake-off's ONNX export, one sentence per call, on one thread."""

    def __init__(self, bakeoff: Path, variant: str) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(
            str(bakeoff / "all-MiniLM-L6-v2"), local_files_only=True
        )
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        path = bakeoff / ("encoder-int8.onnx" if variant == "int8" else "encoder.onnx")
        started = time.perf_counter()
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.load_seconds = time.perf_counter() - started
        self.size_mb = path.stat().st_size / 1e6

    def __call__(self, text: str) -> list[float]:
        import numpy as np

        batch = self.tokenizer([text], truncation=True, max_length=MAX_LEN, return_tensors="np")
        feed = {
            "input_ids": batch["input_ids"].astype(np.int64),
            "attention_mask": batch["attention_mask"].astype(np.int64),
        }
        return [float(x) for x in self.session.run(None, feed)[0][0]]


def run_encode(work: Path, bakeoff: Path) -> None:
    """Score every scored sentence of items.json, and the dense mail's doubtful ones."""
    data = json.loads((work / "items.json").read_text("utf-8"))
    thresholds = data["thresholds"]
    texts = sorted({s["text"] for i in data["items"] for s in i["sentences"]})
    dense = json.loads((work / "dense.json").read_text("utf-8"))["emails"]
    doubtful = sorted({s["text"] for e in dense for s in e["sentences"] if in_band(s, thresholds)})
    for variant in ("int8", "float"):
        encoder = Encoder(bakeoff, variant)
        started = time.perf_counter()
        scores = {t: encoder(t) for t in texts}
        dense_scores = {t: encoder(t) for t in doubtful}
        took = time.perf_counter() - started
        print(f"{variant}: {len(texts)} + {len(doubtful)} sentences in {took:.0f} s")
        save(work / f"encoder-{variant}.json", {"items": scores, "dense": dense_scores})


def run_speed(work: Path, bakeoff: Path, passes: int, sample: int) -> None:
    """Median time per sentence on one thread, tokenisation included, over ``passes``
    passes of two samples: test sentences and the dense mail's doubtful sentences."""
    data = json.loads((work / "items.json").read_text("utf-8"))
    thresholds = data["thresholds"]
    rng = random.Random(5)
    tests = [s["text"] for i in data["items"] if i["file"] in TEST for s in i["sentences"]]
    dense = json.loads((work / "dense.json").read_text("utf-8"))["emails"]
    doubtful = [s["text"] for e in dense for s in e["sentences"] if in_band(s, thresholds)]
    samples = {
        "test sentences": rng.sample(tests, min(sample, len(tests))),
        "dense doubtful sentences": rng.sample(doubtful, min(sample, len(doubtful))),
    }
    out: dict[str, Any] = {"load_before": os.getloadavg(), "passes": passes}
    for variant in ("int8", "float"):
        encoder = Encoder(bakeoff, variant)
        out[f"{variant}_load_s"] = encoder.load_seconds
        out[f"{variant}_mb"] = encoder.size_mb
        for label, texts in samples.items():
            for text in texts[:10]:
                encoder(text)
            means = []
            for _ in range(passes):
                started = time.perf_counter()
                for text in texts:
                    encoder(text)
                means.append((time.perf_counter() - started) / len(texts) * 1000)
            out[f"{variant} {label} ms"] = statistics.median(means)
            out[f"{variant} {label} ms, each pass"] = [round(m, 2) for m in means]
            tokens = [
                len(encoder.tokenizer(t, truncation=True, max_length=MAX_LEN)["input_ids"])
                for t in texts
            ]
            out[f"{label} tokens, median"] = statistics.median(tokens)
    out["load_after"] = os.getloadavg()
    save(work / "speed.json", out)
    print(json.dumps(out, indent=1))


# --------------------------------------------------------------------------- step 3


def in_band(sentence: dict[str, Any], thresholds: dict[str, float]) -> bool:
    """Whether some category the gate allows has a linear score in the doubtful band."""
    return any(BAND_LOW <= sentence["linear"][c] < thresholds[c] for c in sentence["gate"])


@dataclass(slots=True)
class Sent:
    gate: frozenset[str]
    lin: dict[str, float]
    enc: dict[str, float]


@dataclass(slots=True)
class Item:
    file: str
    labels: frozenset[str]
    rules: frozenset[str]
    sents: list[Sent]


#: A system: (item, its thresholds) -> the categories it flags.
Params = dict[str, dict[str, float]]
Decide = Callable[[Item, Params], frozenset[str]]


def base(item: Item, p: Params) -> frozenset[str]:
    """Rules + linear (the yardstick's rules+model)."""
    t = p["linear"]
    return item.rules | {c for s in item.sents for c in s.gate if s.lin[c] >= t[c]}


def add(band: bool) -> Decide:
    """The product's flags, plus c on a sentence where the product did not flag c and
    the encoder's score reaches p["add"][c]; with ``band`` only where the linear score
    of c is in the doubtful band."""

    def decide(item: Item, p: Params) -> frozenset[str]:
        t, a = p["linear"], p["add"]
        out = set(base(item, p))
        for s in item.sents:
            for c in s.gate:
                if c in out or s.enc[c] < a[c]:
                    continue
                if band and not low(p) <= s.lin[c] < t[c]:
                    continue
                out.add(c)
        return frozenset(out)

    return decide


def veto(item: Item, p: Params) -> frozenset[str]:
    """A model flag of c on an item no rule flags c is dropped where the encoder's
    score of c is below p["veto"][c]."""
    t, v = p["linear"], p["veto"]
    return item.rules | {
        c
        for s in item.sents
        for c in s.gate
        if s.lin[c] >= t[c] and (v[c] == 0.0 or c in item.rules or s.enc[c] >= v[c])
    }


def average(band: bool) -> Decide:
    """The model part scores (linear + encoder) / 2 against p["mean"]; with ``band``
    only in the doubtful band (at or above the linear threshold the linear flag stands,
    below BAND_LOW nothing is flagged)."""

    def decide(item: Item, p: Params) -> frozenset[str]:
        t, m = p["linear"], p["mean"]
        out = set(item.rules)
        for s in item.sents:
            for c in s.gate:
                mean = (s.lin[c] + s.enc[c]) / 2
                if band:
                    if s.lin[c] >= t[c] or (s.lin[c] >= low(p) and mean >= m[c]):
                        out.add(c)
                elif mean >= m[c]:
                    out.add(c)
        return frozenset(out)

    return decide


def band_and_veto(item: Item, p: Params) -> frozenset[str]:
    """add (band) after veto: doubtful sentences may gain, linear-only flags may go."""
    t, a = p["linear"], p["add"]
    out = set(veto(item, p))
    for s in item.sents:
        for c in s.gate:
            if c not in out and s.enc[c] >= a[c] and low(p) <= s.lin[c] < t[c]:
                out.add(c)
    return frozenset(out)


def low(p: Params) -> float:
    """The low end of the doubtful band (BAND_LOW unless the params say otherwise)."""
    return p.get("band", {}).get("low", BAND_LOW)


# which sentences would need the encoder, per system (cost)
Needs = Callable[[Sent, frozenset[str], Params], bool]


def needs_all(s: Sent, rules: frozenset[str], p: Params) -> bool:
    return bool(s.gate)


def needs_band(s: Sent, rules: frozenset[str], p: Params) -> bool:
    return any(low(p) <= s.lin[c] < p["linear"][c] for c in s.gate)


def needs_veto(s: Sent, rules: frozenset[str], p: Params) -> bool:
    return any(s.lin[c] >= p["linear"][c] and c not in rules for c in s.gate)


def needs_band_or_veto(s: Sent, rules: frozenset[str], p: Params) -> bool:
    return needs_band(s, rules, p) or needs_veto(s, rules, p)


@dataclass(frozen=True, slots=True)
class System:
    name: str
    decide: Decide
    needs: Needs | None
    choose: str  # which thresholds are chosen on validation


#: Declared before any test score was seen.
SYSTEMS = (
    System("rules+linear (yardstick)", base, None, ""),
    System("1. add", add(False), needs_all, "add"),
    System("2. veto", veto, needs_veto, "veto"),
    System("3. average", average(False), needs_all, "mean"),
    System("4a. add, doubtful band", add(True), needs_band, "add-band"),
    System("4b. average, doubtful band", average(True), needs_band, "mean-band"),
    System("4c. add (band) + veto", band_and_veto, needs_band_or_veto, "add-band+veto"),
)


def metrics(pairs: Sequence[tuple[frozenset[str], frozenset[str]]]) -> dict[str, Any]:
    per = per_category(pairs)
    hurt = [f for g, f in pairs if g]
    clean = [f for g, f in pairs if not g]
    return {
        "f1": sum(v[2] for v in per.values()) / len(per),
        "per": per,
        "recall": sum(1 for f in hurt if f) / len(hurt) if hurt else float("nan"),
        "fpr": sum(1 for f in clean if f) / len(clean) if clean else float("nan"),
        "n": len(pairs),
        "clean": len(clean),
        "clean_flagged": sum(1 for f in clean if f),
    }


def evaluate(items: Sequence[Item], decide: Decide, p: Params) -> dict[str, Any]:
    return metrics([(i.labels, decide(i, p)) for i in items])


def choose_add(val: Sequence[Item], p: Params, band: bool) -> dict[str, float]:
    """Per category the lowest encoder threshold at which at most k clean validation
    items gain the category, k = floor(ADD_PER_CATEGORY x clean items); while more than
    ADD_ANY of the clean items gain any flag, k drops by one."""
    clean = [i for i in val if not i.labels]
    already = {id(i): base(i, p) for i in clean}
    limit = math.floor(ADD_PER_CATEGORY * len(clean))
    while True:
        thresholds = {}
        for c in CATEGORIES:
            # per clean item, the highest encoder score among its sentences that could add c
            best = []
            for i in clean:
                if c in already[id(i)]:
                    continue
                scores = [
                    s.enc[c]
                    for s in i.sents
                    if c in s.gate and (not band or low(p) <= s.lin[c] < p["linear"][c])
                ]
                if scores:
                    best.append(max(scores))
            best.sort(reverse=True)
            thresholds[c] = math.nextafter(best[limit], 2.0) if limit < len(best) else 0.0
        trial = {**p, "add": thresholds}
        decide = add(band)
        gained = sum(1 for i in clean if decide(i, trial) and not already[id(i)])
        if gained <= ADD_ANY * len(clean) or limit == 0:
            return thresholds
        limit -= 1


def choose_veto(val: Sequence[Item], p: Params) -> dict[str, float]:
    """Per category, the veto threshold of VETO_GRID with the best validation macro-F1
    (ties: the smaller veto), one category at a time, with the others at no veto."""
    chosen = dict.fromkeys(CATEGORIES, 0.0)
    for c in CATEGORIES:
        best: tuple[float, float] | None = None
        for v in VETO_GRID:
            f1 = evaluate(val, veto, {**p, "veto": {**chosen, c: v}})["f1"]
            if best is None or f1 > best[0] + 1e-12:
                best = (f1, v)
        chosen[c] = best[1]  # type: ignore[index]
    return chosen


def choose_mean(val: Sequence[Item], p: Params, band: bool, key: str = "mean") -> dict[str, float]:
    """The yardstick's choose_thresholds on validation: per category, two passes, the
    GRID value with the best rules+model macro-F1 while clean FPR <= AVERAGE_MAX_FPR."""
    decide = average(band) if key == "mean" else base

    def goodness(trial: dict[str, float]) -> tuple[bool, float]:
        r = evaluate(val, decide, {**p, key: trial})
        return r["fpr"] <= AVERAGE_MAX_FPR, r["f1"]

    return search_thresholds(goodness)


def load(work: Path, variant: str) -> tuple[list[Item], dict[str, float], list[Item], list[bool]]:
    """Return the corpus items, the shipped thresholds, the dense mail as items (only
    its doubtful sentences carry encoder scores; NaN elsewhere) and which dense emails
    carry a hostile sentence."""
    data = json.loads((work / "items.json").read_text("utf-8"))
    enc = json.loads((work / f"encoder-{variant}.json").read_text("utf-8"))
    nan = [float("nan")] * len(CATEGORIES)

    def sents(raw: list[dict[str, Any]], scores: dict[str, list[float]]) -> list[Sent]:
        return [
            Sent(
                frozenset(s["gate"]),
                s["linear"],
                dict(zip(CATEGORIES, scores.get(s["text"], nan), strict=True)),
            )
            for s in raw
        ]

    items = [
        Item(
            raw["file"],
            frozenset(raw["labels"]),
            frozenset(raw["rules"]),
            sents(raw["sentences"], enc["items"]),
        )
        for raw in data["items"]
    ]
    emails = json.loads((work / "dense.json").read_text("utf-8"))["emails"]
    dense = [
        Item("dense", frozenset(), frozenset(e["rules"]), sents(e["sentences"], enc["dense"]))
        for e in emails
    ]
    return items, data["thresholds"], dense, [bool(e["hostile"]) for e in emails]


def params_for(
    val: Sequence[Item], shipped: dict[str, float], band_low: float = BAND_LOW
) -> dict[str, Params]:
    """Every system's thresholds, chosen on validation only."""
    p: Params = {"linear": dict(shipped), "band": {"low": band_low}}
    out = {"": p}
    out["add"] = {**p, "add": choose_add(val, p, band=False)}
    out["add-band"] = {**p, "add": choose_add(val, p, band=True)}
    out["veto"] = {**p, "veto": choose_veto(val, p)}
    out["mean"] = {**p, "mean": choose_mean(val, p, band=False)}
    out["mean-band"] = {**p, "mean": choose_mean(val, p, band=True)}
    out["add-band+veto"] = {**p, "add": out["add-band"]["add"], "veto": out["veto"]["veto"]}
    return out


def bootstrap(
    items: Sequence[Item],
    flags: dict[str, list[frozenset[str]]],
    reference: str,
    seed: int = 13,
) -> dict[str, tuple[float, float, float, float]]:
    """Paired bootstrap of the pooled macro-F1 gain over ``reference`` (items resampled
    within each file): (gain, low, high, share of resamples with gain > 0)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    files = sorted({i.file for i in items})
    counts = np.zeros((BOOTSTRAP, len(items)))
    for f in files:
        idx = np.array([k for k, i in enumerate(items) if i.file == f])
        draws = rng.integers(0, len(idx), size=(BOOTSTRAP, len(idx)))
        for b in range(BOOTSTRAP):
            np.add.at(counts[b], idx[draws[b]], 1)

    def f1s(system: str) -> Any:
        # per item: tp, fp, fn for each category -> (items, 18)
        m = np.array(
            [
                [
                    x
                    for c in CATEGORIES
                    for x in (c in g and c in f, c not in g and c in f, c in g and c not in f)
                ]
                for g, f in ((i.labels, fl) for i, fl in zip(items, flags[system], strict=True))
            ],
            dtype=float,
        )
        total = counts @ m
        tp, fp, fn = total[:, 0::3], total[:, 1::3], total[:, 2::3]
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        full = m.sum(0)
        ftp, ffp, ffn = full[0::3], full[1::3], full[2::3]
        point = np.where(2 * ftp + ffp + ffn > 0, 2 * ftp / np.maximum(2 * ftp + ffp + ffn, 1), 0)
        return f1.mean(1), float(point.mean())

    ref, ref_point = f1s(reference)
    out = {}
    for system in flags:
        if system == reference:
            continue
        values, point = f1s(system)
        gain = values - ref
        out[system] = (
            point - ref_point,
            float(np.percentile(gain, 2.5)),
            float(np.percentile(gain, 97.5)),
            float((gain > 0).mean()),
        )
    return out


def fmt(r: dict[str, Any]) -> str:
    return f"{r['f1']:.3f} / {r['recall']:.3f} / {100 * r['fpr']:.1f}%"


def short(name: str) -> str:
    return name.removeprefix("sentences-").removesuffix(".jsonl")


def cost(
    system: System, p: Params, test: Sequence[Item], dense: Sequence[Item]
) -> tuple[float, float, float]:
    """Share of the test writers' scored sentences, of their clean items' scored
    sentences, and of the dense mail's scored sentences that would need the encoder."""
    if system.needs is None:
        return 0.0, 0.0, 0.0

    def share(items: Sequence[Item]) -> float:
        pairs = [(s, i.rules) for i in items for s in i.sents]
        return sum(1 for s, r in pairs if system.needs(s, r, p)) / len(pairs)  # type: ignore[misc]

    return share(test), share([i for i in test if not i.labels]), share(dense)


def run_report(work: Path, sweep: Sequence[float]) -> None:
    """Print the Markdown tables (int8 first, then float)."""
    speed = json.loads((work / "speed.json").read_text("utf-8"))
    for variant in ("int8", "float"):
        items, shipped, dense, hostile = load(work, variant)
        val = [i for i in items if i.file in VALIDATION]
        test = [i for i in items if i.file in TEST]
        params = params_for(val, shipped)
        print(f"\n## Encoder {variant}\n")
        print("### Thresholds chosen on dev10+dev11\n")
        print("| system | threshold on | " + " | ".join(CATEGORIES) + " |")
        print("|---|---|" + "---|" * len(CATEGORIES))
        print(
            "| rules+linear | linear (shipped) | "
            + " | ".join(f"{shipped[c]:.2f}" for c in CATEGORIES)
            + " |"
        )
        for key, what in (
            ("add", "add"),
            ("add-band", "add"),
            ("veto", "veto"),
            ("mean", "mean"),
            ("mean-band", "mean"),
        ):
            row = params[key][what]
            print(
                f"| {key} | encoder ({what}) | "
                + " | ".join(f"{row[c]:.3f}" for c in CATEGORIES)
                + " |"
            )
        ref_val = choose_mean(val, params[""], band=False, key="linear")
        print(
            "| (ref.) rules+linear re-chosen | linear | "
            + " | ".join(f"{ref_val[c]:.2f}" for c in CATEGORIES)
            + " |"
        )

        systems = list(SYSTEMS)
        extra = System("(ref.) rules+linear, thresholds re-chosen on dev10+11", base, None, "")
        systems.append(extra)
        pmap = {s.name: params[s.choose] for s in SYSTEMS}
        pmap[extra.name] = {"linear": ref_val}

        flags = {s.name: [s.decide(i, pmap[s.name]) for i in test] for s in systems}
        files = sorted({i.file for i in test}, key=lambda f: int(short(f)[3:]))
        hurt_files = [f for f in files if any(i.labels for i in test if i.file == f)]

        def part(
            name: str,
            keep: Sequence[str],
            test: Sequence[Item] = test,
            flags: dict[str, list[frozenset[str]]] = flags,
        ) -> dict[str, Any]:
            return metrics(
                [(i.labels, f) for i, f in zip(test, flags[name], strict=True) if i.file in keep]
            )

        print("\n### Summary: macro-F1 / any-flag recall / clean FPR\n")
        head = [
            "validation",
            *(short(f) for f in hurt_files),
            "mean F1 dev12-20",
            "pooled dev12-20",
            "dev21 flagged",
            "pooled dev12-21",
        ]
        print("| system | " + " | ".join(head) + " |")
        print("|---|" + "---|" * len(head))
        for s in systems:
            cells = [fmt(evaluate(val, s.decide, pmap[s.name]))]
            per_f1 = []
            for f in hurt_files:
                r = part(s.name, [f])
                per_f1.append(r["f1"])
                cells.append(fmt(r))
            cells.append(f"{statistics.mean(per_f1):.3f}")
            cells.append(fmt(part(s.name, hurt_files)))
            d21 = part(s.name, ["sentences-dev21.jsonl"])
            cells.append(f"{d21['clean_flagged']}/{d21['clean']} ({100 * d21['fpr']:.1f}%)")
            cells.append(fmt(part(s.name, files)))
            print(f"| {s.name} | " + " | ".join(cells) + " |")

        print("\n### Per category, pooled dev12-dev21 (precision / recall)\n")
        print("| category | n | " + " | ".join(s.name for s in systems) + " |")
        print("|---|---|" + "---|" * len(systems))
        pooled = {s.name: part(s.name, files) for s in systems}
        for c in CATEGORIES:
            n = pooled[SYSTEMS[0].name]["per"][c][3]
            print(
                f"| {c} | {n} | "
                + " | ".join(
                    f"{pooled[s.name]['per'][c][0]:.2f} / {pooled[s.name]['per'][c][1]:.2f}"
                    for s in systems
                )
                + " |"
            )
        print(
            "| clean items flagged | | "
            + " | ".join(
                f"{pooled[s.name]['clean_flagged']} of {pooled[s.name]['clean']}" for s in systems
            )
            + " |"
        )

        print(
            "\n### Pooled macro-F1 gain over rules+linear, dev12-dev21, paired bootstrap "
            f"({BOOTSTRAP} resamples, items within each file)\n"
        )
        print("| system | gain | 95% interval | share > 0 |")
        print("|---|---|---|---|")
        for name, (g, lo, hi, share) in bootstrap(test, flags, SYSTEMS[0].name).items():
            print(f"| {name} | {g:+.3f} | {lo:+.3f} to {hi:+.3f} | {share:.3f} |")

        ms = speed[f"{variant} dense doubtful sentences ms"]
        per_email = sum(len(e.sents) for e in dense) / len(dense)
        print(f"\n### Cost (encoder {variant}: {ms:.1f} ms per dense sentence, one thread)\n")
        print(f"The dense mail: {len(dense)} emails, {per_email:.1f} scored sentences each.\n")
        print(
            "| system | share of dev12-21 sentences | of their clean items' sentences | "
            "of the dense mail's sentences | encoder calls per 2,000 dense emails | "
            "added CPU s per 2,000 dense emails |"
        )
        print("|---|---|---|---|---|---|")
        for s in SYSTEMS[1:]:
            a, b, d = cost(s, pmap[s.name], test, dense)
            calls = d * per_email * DENSE_EMAILS
            print(
                f"| {s.name} | {100 * a:.1f}% | {100 * b:.1f}% | {100 * d:.2f}% | "
                f"{calls:.0f} | {calls * ms / 1000:.1f} |"
            )

        print("\n### The dense mail: emails with a warning (banded systems only)\n")
        print("| system | calm emails warned | emails with a hostile sentence warned |")
        print("|---|---|---|")
        calm_n, host_n = hostile.count(False), hostile.count(True)
        for s in (SYSTEMS[0], SYSTEMS[4], SYSTEMS[5], SYSTEMS[6]):
            warned = [bool(s.decide(e, pmap[s.name])) for e in dense]
            calm = sum(1 for w, h in zip(warned, hostile, strict=True) if w and not h)
            host = sum(1 for w, h in zip(warned, hostile, strict=True) if w and h)
            print(f"| {s.name} | {calm} of {calm_n} | {host} of {host_n} |")

        if variant != "int8" or not sweep:
            continue
        print(
            "\n### After seeing the numbers: the band's low end (4a and 4c; thresholds "
            "chosen again on dev10+11 by the same rules)\n"
        )
        print(
            "| band low | system | validation | pooled dev12-20 | dev21 flagged | gain "
            "(95% interval) | share of dense sentences | added CPU s per 2,000 |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for band_low in sweep:
            ps = params_for(val, shipped, band_low)
            chosen = {SYSTEMS[0].name: flags[SYSTEMS[0].name]}
            for s in (SYSTEMS[4], SYSTEMS[6]):
                chosen[s.name] = [s.decide(i, ps[s.choose]) for i in test]
            gains = bootstrap(test, chosen, SYSTEMS[0].name)
            for s in (SYSTEMS[4], SYSTEMS[6]):
                pairs = list(zip((i.labels for i in test), chosen[s.name], strict=True))
                r = metrics([x for x, i in zip(pairs, test, strict=True) if i.file in hurt_files])
                r21 = metrics(
                    [
                        x
                        for x, i in zip(pairs, test, strict=True)
                        if i.file == "sentences-dev21.jsonl"
                    ]
                )
                g, lo, hi, _ = gains[s.name]
                d = cost(s, ps[s.choose], test, dense)[2]
                calls = d * per_email * DENSE_EMAILS
                print(
                    f"| {band_low:.2f} | {s.name} | {fmt(evaluate(val, s.decide, ps[s.choose]))}"
                    f" | {fmt(r)} | {100 * r21['fpr']:.1f}% | {g:+.3f} ({lo:+.3f} to {hi:+.3f})"
                    f" | {100 * d:.2f}% | {calls * ms / 1000:.1f} |"
                )
    print("\n### Speed (one thread, median over passes)\n")
    print("```\n" + json.dumps(speed, indent=1) + "\n```")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python tools/second_opinion.py")
    parser.add_argument("step", choices=("items", "encode", "speed", "report"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/second-opinion"))
    parser.add_argument("--oof", type=Path, default=Path("/tmp/oof-21.json"))
    parser.add_argument("--bakeoff", type=Path, default=Path("/tmp/bakeoff"))
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument(
        "--sweep", default="0.3,0.4,0.5", help="report: band low ends to try (after the fact)"
    )
    args = parser.parse_args(argv)
    if args.step == "items":
        run_items(args.work, args.oof)
    elif args.step == "encode":
        run_encode(args.work, args.bakeoff)
    elif args.step == "speed":
        run_speed(args.work, args.bakeoff, args.passes, args.sample)
    else:
        run_report(args.work, [float(x) for x in args.sweep.split(",") if x])


if __name__ == "__main__":
    main()
