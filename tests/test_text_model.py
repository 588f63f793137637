"""The text models (dispute type, relationship): words, weights files, training tool."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from mailcoach import check
from mailcoach.analyze import to_draft
from mailcoach.errors import LexiconError
from mailcoach.facts.kind import load_cues
from mailcoach.facts.roles import infer
from mailcoach.facts.text_model import (
    FORMAT,
    SETTING_FILE,
    SIDE_FILE,
    TYPE_FILE,
    TextModel,
    load_text_model,
    words,
)
from mailcoach.resources import lexicon_dir
from mailcoach.settings import Settings
from mailcoach.text import normalize
from mailcoach.weights import read_header

from .conftest import CORPUS

SHIPPED = lexicon_dir() / TYPE_FILE
SHIPPED_SETTING = lexicon_dir() / SETTING_FILE


def test_words_leave_out_numbers_and_keep_apostrophes() -> None:
    assert words("INV-2291 for £6,840 wasn't paid by 7 March, Dana’s note says") == [
        "inv", "for", "wasn't", "paid", "by", "march", "dana's", "note", "says",
    ]  # fmt: skip


def _tiny() -> TextModel:
    return TextModel(
        question="dispute-type",
        classes=("billing", "payment"),
        intercept=np.array([0.0, 0.5]),
        index={"charged": 0, "twice": 1, "unpaid": 2},
        idf=np.array([1.5, 2.0, 1.2]),
        weights=np.array([[2.0, -1.0], [1.0, 0.0], [-1.0, 2.0]]),
    )


def test_scores_are_a_softmax_over_unit_length_tf_idf() -> None:
    model = _tiny()
    # "charged" twice and "twice" once: tf 1 + ln 2 and 1, times idf, scaled to length 1
    tf = np.array([(1 + np.log(2)) * 1.5, 2.0])
    tf /= np.linalg.norm(tf)
    scores = np.array([0.0, 0.5]) + tf @ np.array([[2.0, -1.0], [1.0, 0.0]])
    expected = np.exp(scores) / np.exp(scores).sum()
    got = model.probabilities("Charged, charged twice.")
    assert got == pytest.approx(dict(zip(("billing", "payment"), expected, strict=True)))
    assert model.guess("No word it knows.") == (None, 0.0)


def test_a_weights_file_round_trips_and_an_altered_one_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / TYPE_FILE
    text = _tiny().to_text({"command": "test"})
    path.write_text(text, encoding="utf-8")
    loaded = load_text_model(path)
    assert loaded.probabilities("charged twice") == pytest.approx(
        _tiny().probabilities("charged twice")
    )
    altered = tmp_path / "altered.json"
    altered.write_text(text.replace('"billing"', '"service"'), encoding="utf-8")
    with pytest.raises(LexiconError, match="do not match the sha256"):
        load_text_model(altered)
    old = tmp_path / "old.json"
    old.write_text(text.replace(f'"format": {FORMAT}', '"format": 0', 1), encoding="utf-8")
    with pytest.raises(LexiconError, match="this mailcoach reads"):
        load_text_model(old)


def test_the_shipped_weights_say_where_they_came_from() -> None:
    types = {"payment", "billing", "delivery", "service", "contract", "other"}
    for path, question, classes in (
        (SHIPPED, "dispute-type", types),
        (SHIPPED_SETTING, "relationship", {"trade", "retail", "freelance", "tenancy"}),
        (lexicon_dir() / SIDE_FILE, "side", {"provider", "payer"}),
    ):
        provenance = read_header(path)["provenance"]
        assert provenance["command"] == "python tools/train_kind.py"
        assert all(name.startswith("dev") for name in provenance["data"])
        model = load_text_model(path)
        assert model.question == question and set(model.classes) == classes


def test_the_type_of_a_checked_draft_is_the_models() -> None:
    draft = CORPUS / "rewrite" / "dev5" / "R2-07-plan-charged-twice.txt"
    report = check(draft)
    model = load_text_model(SHIPPED)
    own = normalize(to_draft(draft, Settings()).own_text)
    assert report.dispute.type == model.guess(own)[0] == "billing"
    assert report.dispute.type_confidence == model.guess(own)[1]


def test_the_relationship_is_the_models_and_the_side_the_cues() -> None:
    """A tenant chasing a deposit writes of money owed to her, as a customer would: the
    relationship model reads a tenancy, the cues read the side that is owed."""
    draft = CORPUS / "rewrite" / "dev5" / "R2-13-deposit-still-missing.txt"
    report = check(draft)
    own = normalize(to_draft(draft, Settings()).own_text)
    assert load_text_model(SHIPPED_SETTING).guess(own)[0] == "tenancy"
    assert (report.dispute.sender_role, report.dispute.reader_role) == ("tenant", "landlord")


class TestTraining:
    """The training tool (scikit-learn: the dev lock has it; the runtime never imports it)."""

    @pytest.fixture(autouse=True)
    def _needs_sklearn(self) -> None:
        pytest.importorskip("sklearn")

    def test_run_time_scores_are_scikit_learns(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from tools.train_kind import MIN_DRAFTS, C, fit, read_drafts

        drafts = read_drafts()
        train, held = drafts[::2], drafts[1::2][:20]
        vectorizer = TfidfVectorizer(analyzer=words, min_df=MIN_DRAFTS, sublinear_tf=True)
        x = vectorizer.fit_transform([d.text for d in train])
        fitted = LogisticRegression(C=C, class_weight="balanced", max_iter=10_000)
        fitted.fit(x, [d.labels["dispute-type"] for d in train])
        expected = fitted.predict_proba(vectorizer.transform([d.text for d in held]))
        model = fit(train, "dispute-type")
        for draft, row in zip(held, expected, strict=True):
            got = model.probabilities(draft.text)
            assert [got[c] for c in fitted.classes_] == pytest.approx(row.tolist(), abs=1e-9)

    def test_retraining_gives_the_shipped_weights_byte_for_byte(self) -> None:
        from tools.train_kind import train_texts

        for name, text in train_texts().items():
            shipped = (lexicon_dir() / name).read_bytes()
            assert hashlib.sha256(text.encode()).digest() == hashlib.sha256(shipped).digest()

    def test_training_reads_no_sealed_set(self) -> None:
        from tools.train_kind import LABEL_FILES

        assert all(name.startswith("dev") for name in LABEL_FILES)


def test_the_side_model_reads_a_tenant_chasing_her_deposit() -> None:
    """The side cues read money owed to the sender as a provider's ("the balance of
    UGX 850,000 is still owed"); the side model, trained on whole emails, reads a
    tenant asking for her deposit back, and is surer."""
    draft = CORPUS / "rewrite" / "dev6" / "R11-14-flat-deposit-refund.txt"
    own = normalize(to_draft(draft, Settings()).own_text)
    assert infer(load_cues().parties, own).sender == "landlord"  # the cues alone
    assert load_text_model(lexicon_dir() / SIDE_FILE).guess(own)[0] == "payer"
    report = check(draft)
    assert (report.dispute.sender_role, report.dispute.reader_role) == ("tenant", "landlord")
