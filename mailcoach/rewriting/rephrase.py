"""Rephrasings of hurtful wording, from ``templates/rewrites/rephrase.yml``.

Each entry names the finding categories it answers, a pattern (a Python regular
expression, case-insensitive) and a replacement (``\\g<name>`` for a group). A
rephrasing is used only when its match overlaps a finding of one of those
categories, and only when the sentence it makes keeps every invariant of the
rewrite (see :func:`mailcoach.rewrite.engine.broken_invariant`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mailcoach.errors import TemplateError
from mailcoach.model import Category
from mailcoach.resources import template_dir

REPHRASE_FILE = "rephrase.yml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: list[Category] = Field(min_length=1)
    pattern: str = Field(min_length=1)
    replace: str
    note: str | None = None
    #: false: only for a finding of a word list, never for a sentence the model flags
    #: as a whole (where the match may be words the finding did not judge)
    for_model: bool = True
    examples: list[list[str]] = []


@dataclass(frozen=True, slots=True)
class Rephrasing:
    """One compiled rephrasing."""

    categories: frozenset[str]
    compiled: re.Pattern[str]
    replace: str
    examples: tuple[tuple[str, str], ...]
    note: str | None = None
    for_model: bool = True


def _invalid(where: Path, exc: ValidationError, entry: int | None = None) -> TemplateError:
    """Return the one-line error for a wording file that fails validation."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    at = f"entry {entry}: " if entry is not None else ""
    return TemplateError(f"{where}: {at}{field}: {first['msg']}.")


_E = TypeVar("_E", "_Entry", "_CountEntry")


def _entry(model: type[_E], raw: object, where: Path, number: int) -> tuple[_E, re.Pattern[str]]:
    """Validate one entry of a wording file and compile its ``pattern``.

    Raises:
        TemplateError: naming the file, the entry and what is wrong with it.
    """
    try:
        entry = model.model_validate(raw)
        compiled = re.compile(entry.pattern, re.IGNORECASE)
    except ValidationError as exc:
        raise _invalid(where, exc, number) from None
    except re.error as exc:
        raise TemplateError(f"{where}: entry {number}: bad pattern: {exc}.") from None
    return entry, compiled


@lru_cache(maxsize=2)
def load_rephrasings(path: Path | None = None) -> tuple[Rephrasing, ...]:
    """Read and check the rephrasings (the bundled file unless ``path`` is given).

    Raises:
        TemplateError: if the file is missing or invalid; the message names the entry.
    """
    import srsly

    where = path or template_dir() / "rewrites" / REPHRASE_FILE
    try:
        data = srsly.read_yaml(where)
    except (OSError, ValueError) as exc:
        raise TemplateError(f"{where}: cannot read: {exc}.") from None
    out = []
    for number, raw in enumerate(data or [], 1):
        entry, compiled = _entry(_Entry, raw, where, number)
        examples = tuple((e[0], e[1]) for e in entry.examples if len(e) == 2)
        out.append(
            Rephrasing(
                frozenset(c.value for c in entry.categories),
                compiled,
                entry.replace,
                examples,
                entry.note,
                entry.for_model,
            )
        )
    return tuple(out)


COUNTS_FILE = "counts.yml"
ADJUNCTS_FILE = "adjuncts.yml"


class _CountEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str = Field(min_length=1)
    i: list[str] = Field(min_length=1)
    we: list[str] = Field(min_length=1)
    examples: list[list[str]] = []


@dataclass(frozen=True, slots=True)
class CountRestatement:
    """How a count of earlier requests is said again: a pattern naming the count ``n``."""

    compiled: re.Pattern[str]
    first_singular: tuple[str, ...]
    first_plural: tuple[str, ...]
    examples: tuple[tuple[str, str], ...]

    def restatements(self, match: re.Match[str], *, plural: bool) -> list[str]:
        """Return the restatements of ``match``'s count, in order of preference."""
        return [match.expand(t) for t in (self.first_plural if plural else self.first_singular)]


def _read(where: Path) -> object:
    import srsly

    try:
        return srsly.read_yaml(where)
    except (OSError, ValueError) as exc:
        raise TemplateError(f"{where}: cannot read: {exc}.") from None


_M = TypeVar("_M", bound=BaseModel)


def read_wording(where: Path, model: type[_M]) -> _M:
    """Read a whole wording file and validate it against ``model``.

    Raises:
        TemplateError: one line naming the file and what is wrong with it.
    """
    try:
        return model.model_validate(_read(where))
    except ValidationError as exc:
        raise _invalid(where, exc) from None


def compile_pattern(where: Path, pattern: str) -> re.Pattern[str]:
    """Compile one pattern of a wording file, case-insensitive.

    Raises:
        TemplateError: naming the file and the pattern that does not compile.
    """
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise TemplateError(f"{where}: bad pattern {pattern!r}: {exc}.") from None


@lru_cache(maxsize=2)
def load_counts(path: Path | None = None) -> tuple[CountRestatement, ...]:
    """Read the count restatements (``templates/rewrites/counts.yml`` unless ``path``).

    Every pattern must name the count as the group ``n``, and a restatement may
    use no group the pattern lacks.

    Raises:
        TemplateError: if the file is missing or invalid; the message names the entry.
    """
    where = path or template_dir() / "rewrites" / COUNTS_FILE
    data = _read(where)
    out = []
    for number, raw in enumerate(data if isinstance(data, list) else [], 1):
        entry, compiled = _entry(_CountEntry, raw, where, number)
        if "n" not in compiled.groupindex:
            raise TemplateError(f"{where}: entry {number}: the pattern names no count group n.")
        for text in (*entry.i, *entry.we):
            for name in re.findall(r"\\g<(\w+)>", text):
                if name not in compiled.groupindex:
                    raise TemplateError(f"{where}: entry {number}: no group {name} in the pattern.")
            if re.search(r"\d", re.sub(r"\\g<\w+>", "", text)):
                raise TemplateError(
                    f"{where}: entry {number}: a restatement may not hold a number."
                )
        examples = tuple((e[0], e[1]) for e in entry.examples if len(e) == 2)
        out.append(CountRestatement(compiled, tuple(entry.i), tuple(entry.we), examples))
    return tuple(out)


class _AdjunctFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    adjuncts: list[str] = Field(min_length=1)
    examples: list[list[str]] = []


@lru_cache(maxsize=2)
def load_adjuncts(path: Path | None = None) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Read the tone-only adjuncts (``templates/rewrites/adjuncts.yml`` unless ``path``).

    Returns the phrases (lower case, longest first) and the examples.

    Raises:
        TemplateError: if the file is missing or invalid.
    """
    where = path or template_dir() / "rewrites" / ADJUNCTS_FILE
    data = read_wording(where, _AdjunctFile)
    phrases = sorted({" ".join(p.lower().split()) for p in data.adjuncts}, key=len, reverse=True)
    examples = tuple((e[0], e[1]) for e in data.examples if len(e) == 2)
    return tuple(phrases), examples


STEPS_FILE = "steps.yml"


class _StepExamples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    step: list[str] = []
    menace: list[str] = []


class _StepFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[str] = Field(min_length=1)
    examples: _StepExamples = _StepExamples()


@dataclass(frozen=True, slots=True)
class Steps:
    """The proportionate next steps a threat clause may name (``steps.yml``)."""

    compiled: re.Pattern[str]
    step_examples: tuple[str, ...]
    menace_examples: tuple[str, ...]

    def named_in(self, clause: str) -> bool:
        """Tell whether ``clause`` names a proportionate next step."""
        return self.compiled.search(clause) is not None


@lru_cache(maxsize=2)
def load_steps(path: Path | None = None) -> Steps:
    """Read the proportionate next steps (``templates/rewrites/steps.yml`` unless ``path``).

    Raises:
        TemplateError: if the file is missing or invalid; the message names the pattern.
    """
    where = path or template_dir() / "rewrites" / STEPS_FILE
    data = read_wording(where, _StepFile)
    for pattern in data.steps:
        compile_pattern(where, pattern)  # each on its own, so the error names it
    compiled = re.compile("|".join(f"(?:{p})" for p in data.steps), re.IGNORECASE)
    return Steps(compiled, tuple(data.examples.step), tuple(data.examples.menace))
