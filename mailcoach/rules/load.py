"""Read lexicon folders into a validated, ordered :class:`RuleSet`."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from pydantic import ValidationError

from mailcoach.errors import LexiconError
from mailcoach.model import Category, Severity
from mailcoach.resources import lexicon_dir
from mailcoach.rules.schema import RuleSpec


@dataclass(frozen=True, slots=True)
class Rule:
    """A loaded rule: its spec, where it came from and its effective level."""

    spec: RuleSpec
    file: str
    severity: Severity

    @property
    def id(self) -> str:
        """Return the rule id."""
        return self.spec.id

    @property
    def category(self) -> Category:
        """Return the rule's category."""
        return self.spec.category


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All active rules, in file then declaration order."""

    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        """Return the rule with this id, or None."""
        return next((r for r in self.rules if r.id == rule_id), None)


def _describe(error: dict[str, Any]) -> str:
    loc = [str(p) for p in error["loc"]]
    field = ".".join(loc) if loc else "(rule)"
    if error["type"] == "extra_forbidden":
        return f"unknown field '{field}'"
    if error["type"] == "missing":
        return f"missing field '{field}'"
    return f"field '{field}': {error['msg'].removeprefix('Value error, ')}"


def read_lexicon_file(path: Path) -> list[RuleSpec]:
    """Read and validate one lexicon file.

    Raises:
        LexiconError: naming the file, the rule and the field at fault.
    """
    try:
        data = srsly.read_yaml(path)
    except Exception as exc:  # srsly raises the YAML library's own errors
        raise LexiconError(f"{path}: not valid YAML ({exc}).") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise LexiconError(f"{path}: expected a list of rules at the top level.")
    specs: list[RuleSpec] = []
    for index, raw in enumerate(data, start=1):
        name = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
        if not isinstance(raw, dict):
            raise LexiconError(f"{path}, rule {name}: expected a mapping of fields.")
        try:
            spec = RuleSpec.model_validate(raw)
        except ValidationError as exc:
            raise LexiconError(f"{path}, rule '{name}': {_describe(exc.errors()[0])}.") from None
        if spec.category.value != path.stem:
            raise LexiconError(
                f"{path}, rule '{spec.id}': a {spec.category.value} rule belongs in "
                f"{spec.category.value}.yml."
            )
        specs.append(spec)
    return specs


def lexicon_files(folders: tuple[str, ...]) -> list[Path]:
    """Return the rule files of the bundled folder then each extra folder, sorted by name."""
    paths: list[Path] = []
    for folder in (str(lexicon_dir()), *folders):
        root = Path(folder)
        if not root.is_dir():
            raise LexiconError(f"lexicon folder {root} does not exist or is not a folder.")
        paths.extend(sorted(p for p in root.glob("*.yml") if p.stem in Category._value2member_map_))
    return paths


@functools.lru_cache(maxsize=8)
def load_rules(
    folders: tuple[str, ...] = (),
    disable: tuple[str, ...] = (),
    levels: tuple[tuple[str, Severity], ...] = (),
) -> RuleSet:
    """Load the bundled rules plus those in ``folders``, minus disabled ones.

    Args:
        folders: extra lexicon folders; their files are read after the bundled ones.
        disable: rule ids, categories or id prefixes to switch off.
        levels: overrides of the level, by rule id or by category.

    Raises:
        LexiconError: for an invalid file or rule, or a rule id defined twice.
    """
    from mailcoach.settings import Settings  # the override logic lives in one place

    policy = Settings(disable=disable, levels=levels)
    seen: dict[str, Path] = {}
    rules: list[Rule] = []
    for path in lexicon_files(folders):
        for spec in read_lexicon_file(path):
            if spec.id in seen:
                raise LexiconError(
                    f"{path}, rule '{spec.id}': already defined in {seen[spec.id]}."
                )
            seen[spec.id] = path
            if policy.is_disabled(spec.id):
                continue
            level = policy.level_for(spec.id, spec.category.value, spec.severity)
            rules.append(Rule(spec=spec, file=str(path), severity=level))
    return RuleSet(tuple(rules))
