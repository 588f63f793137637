"""Train mailcoach's dispute-type and relationship models and write their weights files.

    python tools/train_kind.py             # writes lexicons/kind-weights.json and
                                           # lexicons/setting-weights.json
    python tools/train_kind.py --lowo      # leave-one-writer-out accuracy, writes nothing

Reads the labelled drafts of the rewrite corpus (``tests/corpus/rewrite/dev*.jsonl``,
never a sealed set): for each, the sender's own text as ``check`` splits it (no
quoted reply, no signature), the ``dispute_type`` its writer gave, and the
relationship of its ``sender_role`` (``parties.settings`` of
``lexicons/disputes.yml``: a supplier's is trade). Fits one multinomial logistic
regression per question with scikit-learn (the ``train`` extra) over tf-idf word
features (:mod:`mailcoach.facts.text_model`) and writes the weights with their
provenance. Run twice on the same data and libraries, it writes the same bytes.

The settings below were chosen by leave-one-writer-out cross-validation over the
same drafts (``--lowo``; a writer is the prefix of a file name, "I-" or "R3-";
the first dev set's drafts count as one writer): balanced class weights (without
them the type model answers "payment" for most drafts), words seen in at least
two drafts, and C = 1. Word pairs, the signature's words and the hand-written cue
scores as extra features scored no better, or better by a draft or two.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from mailcoach.facts.text_model import (  # noqa: E402
    SETTING_FILE,
    SIDE_FILE,
    TYPE_FILE,
    TextModel,
    words,
)

CORPUS = ROOT / "tests" / "corpus" / "rewrite"
LEXICONS = ROOT / "lexicons"
#: Each question: the weights file it is written to.
QUESTIONS = {"dispute-type": TYPE_FILE, "relationship": SETTING_FILE, "side": SIDE_FILE}
#: The labelled draft sets, in training order. The sealed sets are never read here.
LABEL_FILES = (
    "dev.jsonl",
    "dev2.jsonl",
    "dev3.jsonl",
    "dev4.jsonl",
    "dev5.jsonl",
    "dev6.jsonl",
    "dev7.jsonl",
    "dev8.jsonl",
    "dev9.jsonl",
)
#: What a file of fresh labels (``--relabels``) may give a draft instead of its writer.
RELABELLED = ("sender_role", "reader_role", "dispute_type")
#: Inverse L2 strength of scikit-learn's LogisticRegression.
C = 1.0
#: A word needs this many training drafts to get a weight.
MIN_DRAFTS = 2


@dataclass(frozen=True, slots=True)
class Draft:
    """One labelled draft as the models read it."""

    file: str
    writer: str
    text: str
    signature: str
    #: the answer to each question
    labels: dict[str, str]
    #: the sender's and the reader's role
    roles: tuple[str, str]


def writer_of(file: str, label_file: str) -> str:
    """Return the writer of a labelled draft: its file name's prefix ("I-", "R3-"), or
    for a set with no prefixes (the first dev set) the set itself."""
    prefix = re.match(r"([A-Z]+\d*)-", Path(file).name)
    return prefix.group(1) if prefix else Path(label_file).stem


def read_drafts(
    corpus: Path = CORPUS, files: Sequence[str] = LABEL_FILES, relabels: Path | None = None
) -> list[Draft]:
    """Read the labelled drafts: the sender's own text, as ``check`` hands it to the model.

    The roles and type of a draft listed in ``relabels`` (a JSONL file of ``file``
    and the three labels, such as ``rewrite/kind-labels.jsonl``) are taken from
    there instead of from its writer.
    """
    from mailcoach.analyze import to_draft
    from mailcoach.facts.kind import load_cues
    from mailcoach.settings import Settings
    from mailcoach.text import normalize

    settings = Settings()
    relabelled = {}
    if relabels is not None:
        for line in relabels.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                relabelled[row["file"]] = {k: row[k] for k in RELABELLED}
    settings_table = load_cues().parties.settings
    relationship = {role: name for name, pair in settings_table.items() for role in pair.values()}
    side_of = {role: side for pair in settings_table.values() for side, role in pair.items()}
    out = []
    for name in files:
        for line in (corpus / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            draft = to_draft(corpus / row["file"], settings)
            row.update(relabelled.get(row["file"], {}))
            writer = writer_of(row["file"], name)
            labels = {
                "dispute-type": row["dispute_type"],
                "relationship": relationship[row["sender_role"]],
                "side": side_of[row["sender_role"]],
            }
            roles = (row["sender_role"], row["reader_role"])
            own, signature = normalize(draft.own_text), normalize(draft.signature_text)
            out.append(Draft(row["file"], writer, own, signature, labels, roles))
    return out


def fit(drafts: Sequence[Draft], question: str, c: float = C) -> TextModel:
    """Fit the model of one question on ``drafts`` (scikit-learn; the ``train`` extra)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=words, min_df=MIN_DRAFTS, sublinear_tf=True)
    x = vectorizer.fit_transform([d.text for d in drafts])
    y = [d.labels[question] for d in drafts]
    fitted = LogisticRegression(C=c, class_weight="balanced", max_iter=10_000).fit(x, y)
    intercept = np.asarray(fitted.intercept_, dtype=float)
    weights = np.asarray(fitted.coef_, dtype=float).T
    if len(fitted.classes_) == 2:  # one column for the second class: a softmax over
        intercept = np.concatenate([-intercept / 2, intercept / 2])  # (-z/2, z/2) is
        weights = np.hstack([-weights / 2, weights / 2])  # the sigmoid of z
    return TextModel(
        question=question,
        classes=tuple(str(k) for k in fitted.classes_),
        intercept=intercept,
        index={str(w): int(i) for w, i in vectorizer.vocabulary_.items()},
        idf=np.asarray(vectorizer.idf_, dtype=float),
        weights=weights.copy(),
    )


def leave_one_writer_out(drafts: Sequence[Draft]) -> dict[str, dict[str, int]]:
    """Return, per writer, how many of its drafts the models trained on the other
    writers get right, and how many drafts it has. The type and both roles are read
    as ``check`` reads them (``guess_type`` and ``guess_roles``, cues included) with
    the fold's models; "relationship" and "side" are those models alone."""
    from mailcoach.facts.kind import MODEL_MIN_WORDS, guess_roles, guess_type

    out = {}
    for writer in sorted({d.writer for d in drafts}):
        train = [d for d in drafts if d.writer != writer]
        models = {question: fit(train, question) for question in QUESTIONS}
        counts = dict.fromkeys([*QUESTIONS, "both roles", "drafts"], 0)
        for d in (d for d in drafts if d.writer == writer):
            kind = guess_type(d.text, models["dispute-type"]).label
            counts["dispute-type"] += kind == d.labels["dispute-type"]
            for question in ("relationship", "side"):
                label, _ = models[question].guess(d.text, MODEL_MIN_WORDS)
                counts[question] += label == d.labels[question]
            who, whom = guess_roles(d.text, d.signature, (models["relationship"], models["side"]))
            counts["both roles"] += (who.label, whom.label) == d.roles
            counts["drafts"] += 1
        out[writer] = counts
    return out


def provenance(
    drafts: Sequence[Draft], question: str, corpus: Path, files: Sequence[str]
) -> dict[str, object]:
    """Return what the weights came from: command, data (with hashes), settings, libraries."""
    import numpy
    import scipy
    import sklearn

    return {
        "command": "python tools/train_kind.py",
        "data": {
            name: hashlib.sha256((corpus / name).read_bytes()).hexdigest()[:16] for name in files
        },
        "drafts": dict(sorted(Counter(d.labels[question] for d in drafts).items())),
        "settings": {"C": C, "class_weight": "balanced", "min_drafts": MIN_DRAFTS},
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__,
            "scipy": scipy.__version__,
        },
    }


def train_texts(corpus: Path = CORPUS, files: Sequence[str] = LABEL_FILES) -> dict[str, str]:
    """Return each weights file's name and text, trained on ``corpus``'s labelled drafts."""
    drafts = read_drafts(corpus, files)
    return {
        name: fit(drafts, question).to_text(provenance(drafts, question, corpus, files))
        for question, name in QUESTIONS.items()
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Train on the labelled drafts and write the weights files (or score them out of fold)."""
    parser = argparse.ArgumentParser(
        prog="python tools/train_kind.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("-o", "--output", type=Path, default=LEXICONS, help="the folder")
    parser.add_argument(
        "--lowo", action="store_true", help="print leave-one-writer-out accuracy; write nothing"
    )
    parser.add_argument(
        "--relabels",
        type=Path,
        help="with --lowo: labels that replace the writers' (e.g. rewrite/kind-labels.jsonl)",
    )
    args = parser.parse_args(argv)
    if args.lowo:
        scores = leave_one_writer_out(read_drafts(args.corpus, relabels=args.relabels))
        columns = [*QUESTIONS, "both roles"]
        print("writer  " + "".join(f"{c:>16s}" for c in columns))
        total = {c: sum(s[c] for s in scores.values()) for c in [*columns, "drafts"]}
        for writer, counts in [*scores.items(), ("all", total)]:
            n = counts["drafts"]
            cells = "".join(f"{counts[c]:>6d}/{n:<3d} {counts[c] / n:.3f}" for c in columns)
            print(f"{writer:6s}  {cells}")
        return
    for name, text in train_texts(args.corpus).items():
        path = args.output / name
        path.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        print(f"{path}: {text.count(chr(10)) - 3} words, sha256 {digest}")


if __name__ == "__main__":
    main()
