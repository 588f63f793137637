"""The sentence model: its features, training, weights file and its place among the rules."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
import spacy

import mailcoach
from mailcoach.errors import LexiconError
from mailcoach.model import Category
from mailcoach.nlp.classifier import (
    WEIGHTS_FILE,
    Classifier,
    FeatureSettings,
    features,
    load_classifier,
    placeholder,
    sentence_words,
)
from mailcoach.resources import lexicon_dir
from mailcoach.settings import Settings
from mailcoach.weights import read_header

SHIPPED = lexicon_dir() / WEIGHTS_FILE


def _model_findings(text: str, settings: Settings | None = None) -> set[str]:
    report = mailcoach.check(text, settings=settings)
    return {
        f.rule_id for f in report.findings if f.rule_id.split(".")[-1] in {"model", "pineapple"}
    }


def test_features_are_words_pairs_and_marks() -> None:
    found = features(["you", "never", "pay", "!"], "You NEVER pay!")
    assert found == {"you", "never", "pay", "!", "you never", "never pay", "pay !", "<!>", "<CAPS>"}
    assert features([], "") == set()


@pytest.mark.parametrize(
    ("text", "shouting"),
    [
        ("PAY THE INVOICE NOW", True),
        ("This is URGENT.", True),
        ("Total open: CHF 8,600.00", False),  # a currency code
        ("Please pay ASAP in USD.", False),  # lone acronyms
    ],
)
def test_capitals_feature_is_shouting_not_acronyms(text: str, shouting: bool) -> None:
    assert ("<CAPS>" in features(text.lower().split(), text)) is shouting


def test_the_model_reads_the_writers_words_not_the_quotation() -> None:
    doc = spacy.blank("en")("You called the charge 'a total scam', so here is the breakdown.")
    words = sentence_words([t for t in doc if not t.is_space])
    assert "scam" not in words and "total" not in words
    assert words[:4] == ["you", "called", "the", "charge"] and "breakdown" in words
    doc = spacy.blank("en")("We don't think the students' union is wrong.")
    assert sentence_words(list(doc)) == [t.lower_ for t in doc]  # apostrophes quote nothing


@pytest.mark.parametrize(
    ("word", "stands_for"),
    [
        ("1,180", "<num>"),
        ("inv-2231", "<num>"),
        ("14th", "<num>"),
        ("$", "<cur>"),
        ("usd", "<cur>"),
        ("november", "<month>"),
        ("friday", "<day>"),
        ("may", "may"),
        ("invoice", "invoice"),
    ],
)
def test_numbers_amounts_and_dates_are_placeholders(word: str, stands_for: str) -> None:
    assert placeholder(word) == stands_for


def test_an_amount_carries_no_weight_of_its_own() -> None:
    assert features(["$", "1,180"], "$1,180") == features(["$", "95"], "$95")
    assert "<cur> <num>" in features(["$", "1,180"], "$1,180")


def test_the_sentence_before_is_read_apart_when_asked() -> None:
    alone = features(["understood", "."], "Understood.", (["right", "."], "Right."))
    assert not any(f.startswith("p:") for f in alone)  # the default reads no context
    both = features(
        ["understood", "."],
        "Understood.",
        (["right", "."], "Right."),
        FeatureSettings(previous=True),
    )
    assert {"understood", "p:right", "p:right ."} <= both
    assert "right" not in both


def _weights(categories: list[str], bias: list[float], rows: dict[str, list[float]]) -> str:
    model = Classifier(tuple(categories), tuple(bias), {k: tuple(v) for k, v in rows.items()})
    return model.to_text({"about": "a test"})


def test_weights_file_round_trips_with_its_hash(tmp_path: Path) -> None:
    path = tmp_path / WEIGHTS_FILE
    path.write_text(_weights(["blaming"], [-1.0], {"never": [2.5]}), encoding="utf-8")
    model = load_classifier(path)
    assert model.weights == {"never": [2.5]} and model.bias == (-1.0,)
    assert model.probabilities(["you", "never", "pay"], "You never pay")["blaming"] > 0.5


def test_an_altered_weights_file_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / WEIGHTS_FILE
    header, _, _ = _weights(["blaming"], [-1.0], {"never": [2.5]}).partition("\n")
    _, _, altered = _weights(["blaming"], [-1.0], {"never": [9.5]}).partition("\n")
    path.write_text(header + "\n" + altered, encoding="utf-8")
    with pytest.raises(LexiconError, match="do not match the sha256"):
        load_classifier(path)


def _rehashed(text: str) -> str:
    """Return a weights file's text with its header's sha256 made to fit its body."""
    header, _, body = text.partition("\n")
    fields = json.loads(header)
    fields["sha256"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return json.dumps(fields) + "\n" + body


def test_weights_of_the_wrong_shape_do_not_load(tmp_path: Path) -> None:
    path = tmp_path / WEIGHTS_FILE
    two = _weights(["blaming", "sarcastic"], [0.0, 0.0], {"never": [2.5, 1.0]})
    # two weights a row, one category: a damaged or hand-made file, its hash made to fit
    one = two.replace('"bias": [0.0, 0.0]', '"bias": [0.0]').replace(
        '"categories": ["blaming", "sarcastic"]', '"categories": ["blaming"]'
    )
    path.write_text(_rehashed(one), encoding="utf-8")
    with pytest.raises(LexiconError, match="one weight per category"):
        load_classifier(path)


def test_a_weight_that_is_not_a_number_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / WEIGHTS_FILE
    path.write_text(_weights(["blaming"], [0.0], {"never": [math.inf]}), encoding="utf-8")
    with pytest.raises(LexiconError, match="not a finite number"):
        load_classifier(path)


def test_shipped_weights_cover_every_category_and_only_tuning_splits() -> None:
    header = read_header(SHIPPED)
    trained_on = header["provenance"]["trained_on"]
    assert trained_on and all(
        name.startswith("sentences-dev") or name == "clean-business.jsonl" for name in trained_on
    ), "the sentence model must never see the held-out test splits"
    assert {"command", "date", "libraries", "settings"} <= set(header["provenance"])
    model = load_classifier(SHIPPED)
    assert model.categories == tuple(c.value for c in Category)
    assert len(model.weights) > 1000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot be read"),
        ("{not json", "not valid JSON"),
        ('{"format": 99}', "format 99"),
        ('{"format": 1, "categories": ["a"]}', "format 1"),
        (_weights(["a"], [0.0], {}).replace('"rows"', '"rods"'), "do not match"),
    ],
)
def test_bad_weights_file_is_a_clear_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / WEIGHTS_FILE
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_classifier(path)


def _model_rule_folder(
    folder: Path, weights: str, rule_id: str, flag: str, context: str = ""
) -> Settings:
    """Write a lexicon folder holding one blaming model rule and its weights file (and
    ``context``, the in-context model's weights, read through ``params.context``)."""
    (folder / "w.json").write_text(weights, encoding="utf-8")
    params = "weights: w.json, threshold: 0.5"
    if context:
        (folder / "c.json").write_text(context, encoding="utf-8")
        params += ", context: {weights: c.json, threshold: 0.5}"
    (folder / "blaming.yml").write_text(
        f"""\
- id: {rule_id}
  kind: model
  level: warning
  params: {{{params}}}
  message: "Reads as blame."
  why: "Blame gets argued with."
  suggestion: "Say what happened."
  examples: {{flag: ["{flag}"], pass: ["Thanks."]}}
""",
        encoding="utf-8",
    )
    return Settings(lexicons=(str(folder),))


def test_model_rule_needs_its_category_in_the_weights(tmp_path: Path) -> None:
    settings = _model_rule_folder(
        tmp_path,
        _weights(["inflammatory"], [0.0], {}),
        "blaming.our-model",
        "You again.",
    )
    with pytest.raises(LexiconError, match="has no 'blaming' scores"):
        mailcoach.check("Hello.", settings=settings)


def test_an_in_context_model_needs_its_hurtful_scores(tmp_path: Path) -> None:
    settings = _model_rule_folder(
        tmp_path,
        _weights(["blaming"], [0.0], {}),
        "blaming.our-model",
        "You again.",
        context=_weights(["blaming"], [0.0], {}),
    )
    with pytest.raises(LexiconError, match=r"params\.context\.weights: c\.json has no 'hurtful'"):
        mailcoach.check("Hello.", settings=settings)


def test_the_in_context_model_flags_what_the_sentence_model_rates_below_its_thresholds() -> None:
    """A dig at the end of a sentence of facts: each category of the sentence model
    stays under its threshold (though not far under); the model trained on whole
    drafts finds it hurtful, and the rule of the category it rates highest flags it."""
    text = (
        "We paid the deposit in March and have heard nothing since, which tells me "
        "exactly how much our custom is worth to you."
    )
    from mailcoach.nlp.pipeline import get_pipeline, rules_for
    from mailcoach.rules.compile import HURTFUL, model_sentences

    rules = [r for r in rules_for(Settings()) if r.spec.kind == "model"]
    thresholds = {r.category.value: float(r.spec.params["threshold"]) for r in rules}
    context = rules[0].spec.params["context"]
    [(_, words, sentence, previous)] = model_sentences(get_pipeline()(text))
    scores = load_classifier(SHIPPED).probabilities(words, sentence, previous)
    assert all(scores[c] < t for c, t in thresholds.items())
    in_context = load_classifier(lexicon_dir() / context["weights"])
    hurt = in_context.probabilities(words, sentence, previous)
    assert hurt[HURTFUL] >= context["threshold"]
    leaning = max(thresholds, key=lambda c: scores[c] / thresholds[c])
    assert scores[leaning] / thresholds[leaning] >= context["floor"]
    # which category: the in-context model's own scores say
    best = max(thresholds, key=lambda c: hurt[c])
    assert _model_findings(text) == {f"{best}.model"}


def test_a_sentence_that_clears_only_the_warned_draft_bars_needs_a_warning_elsewhere() -> None:
    """A pointed aside under the in-context model's first threshold but over its
    ``in_warned_draft`` one: alone in a calm draft it is left be; beside a warning
    it is flagged, and it never is what warns a draft."""
    aside = "I'm sure your other customers get their orders on time."
    calm = f"Order 5512 arrived on Friday, two days late. {aside}"
    heated = f"Order 5512 arrived on Friday, two days late, which is ridiculous. {aside}"
    from mailcoach.nlp.pipeline import get_pipeline, rules_for
    from mailcoach.rules.compile import HURTFUL, model_sentences

    rules = [r for r in rules_for(Settings()) if r.spec.kind == "model"]
    context = rules[0].spec.params["context"]
    second = context["in_warned_draft"]
    [(_, words, sentence, previous)] = model_sentences(get_pipeline()(aside))
    hurt = load_classifier(lexicon_dir() / context["weights"]).probabilities(
        words, sentence, previous
    )[HURTFUL]
    assert second["threshold"] <= hurt < context["threshold"]
    assert mailcoach.check(calm).findings == ()
    found = {f.text: f.rule_id for f in mailcoach.check(heated).findings}
    assert found.get(aside, "").endswith(".model")
    assert "ridiculous" in found


def test_in_context_pick_tells_a_reserve_from_a_flag() -> None:
    """The decision shared by the model rules and the yardstick: the first bars flag,
    the in_warned_draft bars give a reserve, and the floor of each is its own."""
    from mailcoach.rules.compile import HURTFUL, InContext, in_context_pick

    both = InContext("w", 0.9, 0.4, (0.7, 0.2))

    def pick(lean: float, hurt: float, context: InContext[str] = both) -> object:
        return in_context_pick(
            {"blaming": ("blaming", lean)}, lambda _: context, lambda _: {HURTFUL: hurt}
        )

    assert pick(0.5, 0.95) == ("blaming", False)
    assert pick(0.5, 0.8) == ("blaming", True)
    assert pick(0.3, 0.95) == ("blaming", True)  # under the first floor, over the second
    assert pick(0.1, 0.95) is None
    assert pick(0.5, 0.6) is None
    assert pick(0.5, 0.8, InContext("w", 0.9, 0.4)) is None


def test_shipped_in_context_weights_learnt_from_dev_drafts_only() -> None:
    header = read_header(lexicon_dir() / "context-weights.json")
    trained_on = header["provenance"]["trained_on"]
    assert trained_on and all(name.startswith("dev") for name in trained_on), trained_on
    model = load_classifier(lexicon_dir() / "context-weights.json")
    assert model.categories == ("hurtful", *(c.value for c in Category))


# Hostile sentences in phrasings no word list holds; the model carries them.
MISSED_BY_RULES = [
    ("Not sure why I even bother asking at this point.", "passive_aggressive"),
    ("Funny how the money always goes missing on your side.", "blaming"),
]


@pytest.mark.parametrize(("text", "category"), MISSED_BY_RULES)
def test_model_flags_what_the_rules_miss(text: str, category: str) -> None:
    assert f"{category}.model" in _model_findings(text)
    disabled = Settings(disable=(f"{category}.model",))
    assert f"{category}.model" not in _model_findings(text, disabled)


@pytest.mark.parametrize(
    "text",
    [
        "If the delivery is late again, please just give me a ring.",  # conditional
        "I sent the wrong invoice last week; the corrected one is attached.",  # first person
        "The parcel never arrived and the tracking still shows it in the depot.",  # a fact
        "Thank you so much, the crew did a brilliant job on Saturday!",  # sincere thanks
        "The balance of $1,240.00 is now 45 days past due.",  # firm, fair collections
        "You're welcome to call me on Monday to go through it.",  # "You ..." is not blame
        "You mentioned the pallets arrived on Tuesday.",
        "The bank returned it with the note 'insufficient funds' on 2 October.",  # a quotation
    ],
)
def test_model_leaves_tricky_calm_sentences_alone(text: str) -> None:
    assert _model_findings(text) == set()


def test_model_ignores_a_hostile_quoted_reply() -> None:
    text = (
        "Hi Sam,\n\nThanks, the revised statement is attached.\n\nBest,\nAlex\n\n"
        "On Mon, 3 Mar 2025 at 09:12, Sam <sam@example.com> wrote:\n"
        "> Not sure why I even bother asking at this point.\n"
        "> Funny how the money always goes missing on your side.\n"
    )
    assert _model_findings(text) == set()


def test_model_skips_greeting_and_sign_off_lines(tmp_path: Path) -> None:
    # a model that calls any sentence holding "pineapple" blame, and nothing else
    settings = _model_rule_folder(
        tmp_path,
        _weights(["blaming"], [-9.0], {"pineapple": [50.0]}),
        "blaming.pineapple",
        "The pineapple order is late.",
    )

    def flagged(line: str) -> list[str]:
        text = f"{line}\n\nThe statement is attached.\n"
        report = mailcoach.check(text, settings=settings)
        return [f.text for f in report.findings if f.rule_id == "blaming.pineapple"]

    assert flagged("Pineapple thanks to you all.") == ["Pineapple thanks to you all."]
    assert flagged("Pineapple thanks to you all,") == []


def test_a_remembered_score_is_the_score_of_a_fresh_model() -> None:
    # the model remembers sentences it has scored; a sentence that reads alike in
    # every feature gets the same answer, and one that differs in any is scored anew
    shipped = load_classifier(SHIPPED)
    model = Classifier(shipped.categories, shipped.bias, shipped.weights, shipped.settings)
    sentences = [
        (["you", "never", "pay", "on", "time"], "You never pay on time"),
        (["you", "never", "pay", "on", "time"], "You never pay on time!"),
        (["you", "never", "pay", "on", "time"], "You never pay on time?"),
        (["you", "never", "pay", "on", "time"], "YOU NEVER PAY on time"),
        (["you", "never", "pay", "on", "time", "$", "1,180"], "You never pay on time $1,180"),
        (["you", "never", "pay", "on", "time", "€", "99.50"], "You never pay on time €99.50"),
        (["time", "on", "pay", "never", "you"], "Time on pay never you"),
        (["you", "never", "pay", "on", "time"], "You never pay on time"),
    ]
    answers = []
    for words, text in sentences:
        fresh = Classifier(shipped.categories, shipped.bias, shipped.weights, shipped.settings)
        answer = model.probabilities(words, text)
        assert answer == fresh.probabilities(words, text)
        answers.append(answer)
    assert answers[0] == answers[-1] and answers[4] == answers[5]  # amounts are placeholders
    assert len({tuple(a.values()) for a in answers}) == 6
    assert len(model.memo) == 6
    # what the caller does with an answer does not change what is remembered
    answers[0]["blaming"] = 2.0
    assert model.probabilities(*sentences[0]) == answers[-1]
    # the sentence before is part of what is remembered, when the settings read it
    reading = FeatureSettings(previous=True)
    model = Classifier(shipped.categories, shipped.bias, shipped.weights, reading)
    fresh = Classifier(shipped.categories, shipped.bias, shipped.weights, reading)
    before = (["right"], "Right.")
    alone = model.probabilities(["understood", "i", "will", "wait"], "Understood, I will wait.")
    after = model.probabilities(
        ["understood", "i", "will", "wait"], "Understood, I will wait.", before
    )
    assert after == fresh.probabilities(
        ["understood", "i", "will", "wait"], "Understood, I will wait.", before
    )
    assert alone != after


def test_model_sentences_read_what_the_tokens_say() -> None:
    # the model's sentences are read from the doc's arrays and text in bulk; they say
    # what the tokens themselves say: words as sentence_words reads them (quotations
    # left out), text as the sentence's span has it
    from mailcoach.nlp.pipeline import get_pipeline
    from mailcoach.rules.compile import Words, model_sentences

    nlp = get_pipeline(Settings())
    text = (
        "Hi Sam,\n\nYou called the charge 'a total scam', so here is the breakdown.  "
        'He wrote "you will pay" and  then   left!\n\nInvoice INV-2231 for $1,180.00 is open.\n'
        "Here is what we will do:\nWe will send it again.\n\nDana\nAccounts"
    )
    doc = nlp(text)
    rows = list(model_sentences(doc))
    assert len(rows) >= 4
    for visible, words, sentence_text, _ in rows:
        sent = next(s for s in doc.sents if s.start <= visible[0].i < s.end)
        assert words == sentence_words(visible)
        assert sentence_text == sent.text.strip()
        assert visible == [t for t in sent if not t.is_space]
    assert any("scam" not in words and "breakdown" in words for _, words, _, _ in rows)
    assert [p for *_, p in rows][1:] != [None] * (len(rows) - 1)
    assert len(Words.cached(doc).sentences) > len(rows)  # the lead-in and the name are not scored
