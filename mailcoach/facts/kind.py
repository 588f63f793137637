"""What a dispute is about and who is writing to whom, from cues in rule data and a model.

The cues live in ``lexicons/disputes.yml``. For the type: weighted patterns per
dispute type, which tell whether a text speaks of a dispute at all and type a
one-line text; the type of an email is read by the learned model of
:mod:`mailcoach.facts.text_model`. For the roles: the ``parties`` section, read by
:mod:`mailcoach.facts.roles`, beside the learned relationship and side models.
Out of fold, a roles guess at least 0.6 sure (where the benchmark clause starts to
follow the roles) was right on 119 of 257 labelled drafts at 0.916 with the models,
and on 104 at 0.913 with the cues alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, ConfigDict

from mailcoach.errors import LexiconError
from mailcoach.facts.needs import CASE_ODD as _CASE_ODD
from mailcoach.facts.needs import (
    LazyRegex,
    Needs,
    ahead_of,
    count_matches,
    need_test,
    read_regex,
)
from mailcoach.facts.roles import Parties, PartiesSpec, infer
from mailcoach.resources import lexicon_dir

if TYPE_CHECKING:
    from mailcoach.facts.text_model import TextModel

DISPUTES_FILE: Final = "disputes.yml"
#: How often one cue counts at most.
CUE_CAP: Final = 2
#: A text with fewer distinct words of a text model than this is read by the cues
#: instead: the emails the models learnt from have 43 or more, and a one-line text
#: ("You failed to pay the $8,450.00 for invoice 10442.") is outside what they know.
MODEL_MIN_WORDS: Final = 30
#: Dispute types in tie-break order; "other" is the fallback when nothing scores.
DISPUTE_TYPES: Final[tuple[str, ...]] = ("payment", "delivery", "service", "billing", "contract")
#: The roles a sender or reader can have.
ROLES: Final[tuple[str, ...]] = (
    "supplier", "buyer", "landlord", "tenant", "freelancer", "client", "consumer", "company"
)  # fmt: skip

Cue = tuple[int, str]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    types: dict[str, list[Cue]]
    parties: PartiesSpec = PartiesSpec(settings={})


@dataclass(frozen=True, slots=True)
class Guess:
    """A label and how sure the cues make it (0.0 to 1.0)."""

    label: str | None
    confidence: float


#: Each cue: its regex, what every match of it contains, a test of that on the
#: lower-cased text (see mailcoach.facts.needs), and its weight.
_Compiled = tuple[tuple[LazyRegex, Needs | None, Callable[[str], bool], int], ...]


class Cues:
    """The compiled cue file."""

    def __init__(self, spec: _Spec, where: Path) -> None:
        unknown = set(spec.types) - {*DISPUTE_TYPES, "other"}
        if unknown:
            raise LexiconError(f"{where}: types: unknown type {sorted(unknown)[0]!r}.")
        order = [*DISPUTE_TYPES, "other"]
        self.types = tuple(
            (name, _compile(spec.types[name], where, f"types {name}"))
            for name in order
            if name in spec.types
        )
        self.parties = Parties(spec.parties, where, ROLES)


def _compile(cues: list[Cue], where: Path, field: str) -> _Compiled:
    out = []
    for weight, cue in cues:
        body = rf"\b(?:{cue})\b"

        def bad(exc: re.error, cue: str = cue) -> LexiconError:
            return LexiconError(f"{where}: {field}: bad pattern {cue!r}: {exc}.")

        try:
            need, first = read_regex(body)
        except re.error as exc:
            raise bad(exc) from None
        # told which characters its matches start with, it runs faster; compiled
        # when first scanned (most drafts lack what most cues need)
        pattern = LazyRegex(f"(?i){ahead_of(first)}{body}", 0, bad)
        out.append((pattern, need, need_test(need), weight))
    return tuple(out)


@lru_cache(maxsize=4)
def load_cues(path: Path | None = None) -> Cues:
    """Read and check the cue file (the bundled one unless ``path`` is given).

    Raises:
        LexiconError: if the file is missing or invalid; the message names the field.
    """
    from mailcoach.rules.load import read_data_file

    where = path or lexicon_dir() / DISPUTES_FILE
    spec = read_data_file(where, _Spec)
    return Cues(spec, where)


def _cue_type(text: str) -> tuple[str | None, float]:
    """Return the type whose cues weigh most in ``text`` (each counts at most twice,
    times its weight; ties go to the type listed first) and its share of the two best."""
    # A cue whose required text is absent cannot match: skip its scan.
    lowered = None if _CASE_ODD.intersection(text) else text.lower()

    def count(pattern: LazyRegex, holds: Callable[[str], bool]) -> int:
        if lowered is not None and not holds(lowered):
            return 0
        return count_matches(pattern, text, CUE_CAP)

    scores = [
        (name, sum(w * count(p, holds) for p, _, holds, w in cues))
        for name, cues in load_cues().types
    ]
    ranked = sorted(enumerate(scores), key=lambda x: (-x[1][1], x[0]))
    (_, (top, score)) = ranked[0]
    if score <= 0:
        return None, 0.0
    second = ranked[1][1][1] if len(ranked) > 1 else 0
    return top, round(score / (score + second), 2)


def _about_a_dispute(text: str) -> bool:
    """Tell whether any type cue matches ``text``: stops at the first that does."""
    lowered = None if _CASE_ODD.intersection(text) else text.lower()
    return any(
        (lowered is None or holds(lowered)) and pattern.search(text) is not None
        for _, cues in load_cues().types
        for pattern, _, holds, _ in cues
    )


@lru_cache(maxsize=4)
def _model(name: str) -> TextModel:
    from mailcoach.facts.text_model import load_text_model

    return load_text_model(lexicon_dir() / name)


def guess_type(text: str, model: TextModel | None = None) -> Guess:
    """Return the dispute type of the sender's text and the model's probability for it.

    The cue words of ``lexicons/disputes.yml`` tell whether the text speaks of a
    dispute at all: with none of them it is "other" (confidence 0.0), as a lunch
    invitation is. Which type it is, the learned type model decides
    (:mod:`mailcoach.facts.text_model`): out of fold it is right more often than
    the cues' weights. A text with fewer than :data:`MODEL_MIN_WORDS` of the
    model's words, far shorter than the emails it learnt from, is read by the
    cues' weights instead. ``model`` replaces the shipped type model (the training
    tool scores its out-of-fold models through here).
    """
    from mailcoach.facts.text_model import TYPE_FILE

    if not _about_a_dispute(text):
        return Guess("other", 0.0)
    label, confidence = (model or _model(TYPE_FILE)).guess(text, MODEL_MIN_WORDS)
    if label is None:
        label, confidence = _cue_type(text)
    return Guess(label or "other", confidence)


def guess_roles(
    text: str, signature: str = "", models: tuple[TextModel, TextModel] | None = None
) -> tuple[Guess, Guess]:
    """Return the sender's and the reader's role, with the pair's confidence.

    ``text`` is the sender's own text and ``signature`` the sign-off block split
    off from it (its title is a cue). The cues of :mod:`mailcoach.facts.roles` and
    the learned setting and side models of :mod:`mailcoach.facts.text_model` read
    the relationship and the sender's side together (see ``infer``); a text with
    fewer than :data:`MODEL_MIN_WORDS` of the models' words is read by the cues
    alone. ``models`` (setting, side) replaces the shipped models. Both labels are
    None when no role cue occurs.
    """
    from mailcoach.facts.text_model import SETTING_FILE, SIDE_FILE

    setting_model, side_model = models or (_model(SETTING_FILE), _model(SIDE_FILE))
    setting, setting_sure = setting_model.guess(text, MODEL_MIN_WORDS)
    side, side_sure = side_model.guess(text, MODEL_MIN_WORDS)
    guess = infer(
        load_cues().parties,
        text,
        signature,
        (setting, setting_sure) if setting else None,
        (side, side_sure) if side else None,
    )
    return Guess(guess.sender, guess.confidence), Guess(guess.reader, guess.confidence)


#: The usual reader for a sender's role (``--role landlord`` means to a tenant).
COUNTERPART: Final[dict[str, str]] = {
    "supplier": "buyer", "buyer": "supplier", "landlord": "tenant", "tenant": "landlord",
    "freelancer": "client", "client": "freelancer", "consumer": "company", "company": "consumer",
}  # fmt: skip
