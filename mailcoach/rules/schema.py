"""The schema of one rule in ``lexicons/<category>.yml``.

A rule is complete or it does not load: every field below is checked by pydantic
(``extra="forbid"``, so a misspelt key is an error), and kind-specific fields
(patterns, params) are checked when the rule is compiled.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mailcoach.model import Category, Severity

RULE_ID = re.compile(r"^(?P<category>[a-z_]+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Token attributes a token or dependency pattern may use (spaCy's Matcher schema).
TOKEN_ATTRS = frozenset(
    """ORTH TEXT LOWER NORM LENGTH LEMMA POS TAG MORPH DEP ENT_TYPE SHAPE SPACY OP
    IS_ALPHA IS_ASCII IS_DIGIT IS_LOWER IS_UPPER IS_TITLE IS_PUNCT IS_SPACE IS_STOP
    IS_SENT_START LIKE_NUM LIKE_URL LIKE_EMAIL _""".split()
)
#: Attributes whose values are strings (YAML turns a bare 100 into a number).
STRING_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "POS", "TAG", "DEP", "SHAPE"})


def token_problem(token: Any) -> str | None:
    """Return what is wrong with one token pattern, in words a rule author can act on."""
    if not isinstance(token, dict):
        return f"expected a mapping of token attributes, got {token!r}"
    for key, value in token.items():
        if isinstance(value, dict) and "OP" in value:
            return f"'OP' belongs beside '{key}', not inside it"
        if key in STRING_ATTRS:
            values = (
                value.get("IN", []) + value.get("NOT_IN", [])
                if isinstance(value, dict)
                else [value]
            )
            odd = next((v for v in values if not isinstance(v, str)), None)
            if odd is not None:
                return f"{key} value {odd!r} must be a string; quote it"
        if key not in TOKEN_ATTRS:
            close = difflib.get_close_matches(str(key), TOKEN_ATTRS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return f"unknown token attribute '{key}'{hint}"
    return None


LevelName = Literal["info", "warning", "error"]
KindName = Literal["phrase", "token", "dependency", "shouting", "sentiment", "model"]
#: Every guard a rule may name in ``unless:``, declared once: its name and whether it
#: reads the dependency parse (the others need only tokens, sentences and VADER).
#: ``mailcoach.nlp.guards`` implements each one and derives GUARDS and PARSE_GUARDS
#: from this table, so the three cannot drift apart.
GUARD_DECLARATIONS: tuple[tuple[str, bool], ...] = (
    ("conditional", True),
    ("negated", True),
    ("first-person", True),
    ("second-person", True),
    ("question", False),
    ("hedged", False),
    ("positive", False),
    ("reported", True),
    ("quoted", False),
    ("capped", False),
    ("dated", False),
    ("settling", False),
)
KIND_NAMES: tuple[str, ...] = get_args(KindName)
GUARD_NAMES: tuple[str, ...] = tuple(name for name, _ in GUARD_DECLARATIONS)


class Examples(BaseModel):
    """Sentences a rule must flag and sentences it must leave alone."""

    model_config = ConfigDict(extra="forbid")

    flag: list[str] = Field(min_length=1)
    pass_: list[str] = Field(alias="pass", min_length=1)


class PhraseRewrite(BaseModel):
    """How to rewrite just the matched words, when that is enough.

    ``replace`` is literal text (empty to drop the words); ``template`` names
    ``templates/rewrites/phrase/<name>.j2``, rendered with ``match``. With
    ``at-start``, the rewrite applies only when the match opens its sentence;
    elsewhere the whole sentence is rewritten from its category's template.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    replace: str | None = None
    template: str | None = Field(default=None, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    at_start: bool = Field(default=False, alias="at-start")

    @model_validator(mode="after")
    def _one_of(self) -> PhraseRewrite:
        if (self.replace is None) == (self.template is None):
            raise ValueError("give exactly one of 'replace' or 'template'")
        return self


class RuleSpec(BaseModel):
    """One rule as written in a lexicon file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: KindName
    level: LevelName
    patterns: list[Any] = []
    params: dict[str, Any] = {}
    unless: list[str] = []
    message: str = Field(min_length=1)
    why: str = Field(min_length=1)
    suggestion: str = Field(min_length=1)
    rewrite: PhraseRewrite | None = None
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

    @field_validator("unless")
    @classmethod
    def _known_guards(cls, value: list[str]) -> list[str]:
        for name in value:
            if name not in GUARD_NAMES:
                close = difflib.get_close_matches(name, GUARD_NAMES, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"unknown guard '{name}'{hint}; known: {', '.join(GUARD_NAMES)}")
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
