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
    examples: list[list[str]] = []


@dataclass(frozen=True, slots=True)
class Rephrasing:
    """One compiled rephrasing."""

    categories: frozenset[str]
    compiled: re.Pattern[str]
    replace: str
    examples: tuple[tuple[str, str], ...]


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
        try:
            entry = _Entry.model_validate(raw)
            compiled = re.compile(entry.pattern, re.IGNORECASE)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise TemplateError(f"{where}: entry {number}: {field}: {first['msg']}.") from None
        except re.error as exc:
            raise TemplateError(f"{where}: entry {number}: bad pattern: {exc}.") from None
        examples = tuple((e[0], e[1]) for e in entry.examples if len(e) == 2)
        out.append(
            Rephrasing(
                frozenset(c.value for c in entry.categories), compiled, entry.replace, examples
            )
        )
    return tuple(out)
