"""The schema of one rule in ``lexicons/<category>.yml``.

A rule is complete or it does not load: every field below is checked by pydantic
(``extra="forbid"``, so a misspelt key is an error), and kind-specific fields
(patterns, params) are checked when the rule is compiled.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mailcoach.model import Category, Severity

KIND_NAMES = ("phrase", "token", "dependency", "shouting", "sentiment")
GUARD_NAMES = (
    "conditional",
    "negated",
    "first-person",
    "question",
    "hedged",
    "positive",
    "reported",
    "quoted",
)
RULE_ID = re.compile(r"^(?P<category>[a-z_]+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
LevelName = Literal["info", "warning", "error"]
KindName = Literal["phrase", "token", "dependency", "shouting", "sentiment"]
GuardName = Literal[
    "conditional", "negated", "first-person", "question", "hedged", "positive", "reported", "quoted"
]


class Examples(BaseModel):
    """Sentences a rule must flag and sentences it must leave alone."""

    model_config = ConfigDict(extra="forbid")

    flag: list[str] = Field(min_length=1)
    pass_: list[str] = Field(alias="pass", min_length=1)


class RuleSpec(BaseModel):
    """One rule as written in a lexicon file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: KindName
    level: LevelName
    patterns: list[Any] = []
    params: dict[str, Any] = {}
    unless: list[GuardName] = []
    message: str = Field(min_length=1)
    why: str = Field(min_length=1)
    suggestion: str = Field(min_length=1)
    examples: Examples

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        match = RULE_ID.match(value)
        if not match:
            raise ValueError("must look like '<category>.<kebab-slug>', e.g. 'blaming.you-always'")
        if match["category"] not in {c.value for c in Category}:
            raise ValueError(f"'{match['category']}' is not one of the six categories")
        return value

    @field_validator("why")
    @classmethod
    def _one_sentence(cls, value: str) -> str:
        body = value.strip()
        if not body.endswith("."):
            raise ValueError("must be one sentence ending with a full stop")
        if re.search(r"[.!?]\s+[A-Z]", body[:-1]):
            raise ValueError("must be one sentence, not several")
        return value

    @property
    def category(self) -> Category:
        """Return the category named by the id's first part."""
        return Category(self.id.split(".", 1)[0])

    @property
    def severity(self) -> Severity:
        """Return the level as a Severity."""
        return Severity.parse(self.level)
