"""What a dispute is about and who is writing to whom, from cues in rule data.

The cues live in ``lexicons/disputes.yml``. For the type: weighted patterns per
dispute type; each cue counts at most twice, times its weight; the highest total
wins, and the confidence is the winner's share of the two best totals (1.0 when
nothing else scored, 0.0 when nothing scored at all). For the roles: the
``parties`` section, read by :mod:`mailcoach.facts.roles`.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from mailcoach.errors import LexiconError
from mailcoach.facts.roles import Parties, PartiesSpec, infer
from mailcoach.resources import lexicon_dir

DISPUTES_FILE: Final = "disputes.yml"
#: How often one cue counts at most.
CUE_CAP: Final = 2
#: Dispute types in tie-break order; "other" is the fallback when nothing scores.
DISPUTE_TYPES: Final[tuple[str, ...]] = ("payment", "delivery", "service", "billing", "contract")
#: The roles a sender or reader can have.
ROLES: Final[tuple[str, ...]] = (
    "supplier", "buyer", "landlord", "tenant", "freelancer", "client", "consumer", "company"
)  # fmt: skip
#: Characters that IGNORECASE matches to an ASCII letter besides the 52 ASCII
#: letters; in their presence lower-casing the text is no stand-in for IGNORECASE.
_CASE_ODD: Final = frozenset("\u0130\u0131\u017f\u212a")

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


_Compiled = tuple[tuple[re.Pattern[str], "Needs | None", int], ...]


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
        try:
            pattern = re.compile(rf"(?i)\b(?:{cue})\b")
        except re.error as exc:
            raise LexiconError(f"{where}: {field}: bad pattern {cue!r}: {exc}.") from None
        out.append((pattern, required_text(cue), weight))
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


def _scores(text: str, table: tuple[tuple[Any, _Compiled], ...]) -> list[tuple[Any, int]]:
    # A cue whose required text is absent cannot match: skip its scan.
    lowered = None if _CASE_ODD.intersection(text) else text.lower()

    def count(pattern: re.Pattern[str], need: Needs | None) -> int:
        if lowered is not None and need is not None and not found_in(need, lowered):
            return 0
        return min(len(pattern.findall(text)), CUE_CAP)

    return [(name, sum(w * count(p, need) for p, need, w in cues)) for name, cues in table]


def _best(scores: list[tuple[Any, int]]) -> tuple[Any, float]:
    ranked = sorted(enumerate(scores), key=lambda x: (-x[1][1], x[0]))
    (_, (top, score)) = ranked[0]
    if score <= 0:
        return None, 0.0
    second = ranked[1][1][1] if len(ranked) > 1 else 0
    return top, round(score / (score + second), 2)


def guess_type(text: str) -> Guess:
    """Return the dispute type of ``text`` ("other" when nothing scores) and a confidence."""
    label, confidence = _best(_scores(text, load_cues().types))
    return Guess(label or "other", confidence)


def guess_roles(text: str, signature: str = "") -> tuple[Guess, Guess]:
    """Return the sender's and the reader's role, with the pair's confidence.

    ``text`` is the sender's own text and ``signature`` the sign-off block split
    off from it (its title is a cue). Both labels are None when no role cue occurs;
    see :mod:`mailcoach.facts.roles` for how the cues are weighed.
    """
    guess = infer(load_cues().parties, text, signature)
    return Guess(guess.sender, guess.confidence), Guess(guess.reader, guess.confidence)


#: The usual reader for a sender's role (``--role landlord`` means to a tenant).
COUNTERPART: Final[dict[str, str]] = {
    "supplier": "buyer", "buyer": "supplier", "landlord": "tenant", "tenant": "landlord",
    "freelancer": "client", "client": "freelancer", "consumer": "company", "company": "consumer",
}  # fmt: skip


#: What a match must contain, lower-cased: a string; ("all", parts): every part;
#: ("any", parts): one of them. None: nothing is known (the cue is always scanned).
Needs = str | tuple[str, tuple["Needs", ...]]


def required_text(pattern: str) -> Needs | None:
    """Return what every match of ``pattern`` contains, read from the parsed regex.

    A sequence needs each of its runs of literal characters and what each of its
    groups and repeats (of at least one) needs; an alternation needs what one of its
    branches needs, if each branch needs something. Other parts (classes, optional
    parts, lookarounds) need nothing. Compared with the lower-cased text, this is
    only ever a necessary condition, so a cue that fails it cannot match.
    """
    parser: Any = importlib.import_module("re._parser")
    constants: Any = importlib.import_module("re._constants")
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT)

    def needed(items: Any) -> Needs | None:
        parts: list[Needs] = []
        run: list[str] = []
        for op, av in items:
            if op is constants.LITERAL:
                run.append(chr(av).lower())
                continue
            if run:
                parts.append("".join(run))
                run = []
            need: Needs | None = None
            if op is constants.SUBPATTERN:
                need = needed(av[-1])
            elif op is constants.BRANCH:
                options = [needed(branch) for branch in av[1]]
                if all(option is not None for option in options):
                    need = ("any", tuple(o for o in options if o is not None))
            elif op in repeats and av[0] >= 1:
                need = needed(av[2])
            if need is not None:
                parts.append(need)
        if run:
            parts.append("".join(run))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else ("all", tuple(parts))

    return needed(parser.parse(pattern))


def found_in(need: Needs, lowered: str) -> bool:
    """Tell whether the lower-cased text holds what ``need`` asks for."""
    if isinstance(need, str):
        return need in lowered
    kind, parts = need
    if kind == "all":
        return all(found_in(part, lowered) for part in parts)
    return any(found_in(part, lowered) for part in parts)
