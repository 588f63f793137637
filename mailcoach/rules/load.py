"""Read lexicon folders into a validated, ordered :class:`RuleSet`."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import srsly
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from mailcoach.errors import ConfigError, LexiconError
from mailcoach.model import Category, Severity
from mailcoach.resources import lexicon_dir
from mailcoach.rules.schema import RuleSpec, token_problem

M = TypeVar("M", bound=BaseModel)


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


def rules_to_rows(rules: RuleSet) -> list[dict[str, Any]]:
    """Return the rules as JSON-able rows (for ``patterns.jsonl``)."""
    return [
        {"file": r.file, "level": r.severity.label, "rule": r.spec.model_dump(by_alias=True)}
        for r in rules
    ]


def rules_from_rows(rows: Iterator[dict[str, Any]] | list[dict[str, Any]], where: str) -> RuleSet:
    """Rebuild a RuleSet from rows written by :func:`rules_to_rows`.

    Raises:
        LexiconError: if a row is not a valid rule.
    """
    rules = []
    for n, row in enumerate(rows, start=1):
        try:
            spec = RuleSpec.model_validate(row["rule"])
            rules.append(Rule(spec, str(row["file"]), Severity.parse(str(row["level"]))))
        except (KeyError, TypeError, ValueError) as exc:
            raise LexiconError(f"{where}, line {n}: not a valid rule ({exc}).") from None
    _check_patterns_with_spacy(Path(where), [r.spec for r in rules])
    return RuleSet(tuple(rules))


def _describe(error: ErrorDetails) -> str:
    loc = [str(p) for p in error["loc"]]
    field = ".".join(loc) if loc else "(rule)"
    if error["type"] == "extra_forbidden":
        return f"unknown field '{field}'"
    if error["type"] == "missing":
        return f"missing field '{field}'"
    return f"field '{field}': {error['msg'].removeprefix('Value error, ')}"


#: Bump when the cached form of a lexicon file changes.
CACHE_FORMAT = 2
ENV_CACHE = "MAILCOACH_CACHE"


def cache_dir() -> Path:
    """Return where parsed lexicon files are cached (``MAILCOACH_CACHE`` overrides)."""
    explicit = os.environ.get(ENV_CACHE)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mailcoach"


def _cache_entry(path: Path) -> tuple[Path, list[int | str]]:
    """Return the cache slot of ``path`` and the key its entry must carry.

    The key holds a digest of the file's bytes, not only its size and time, so an
    edit that keeps both (or a restored backup) is never answered from the cache.
    """
    where = str(path.resolve())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    key: list[int | str] = [CACHE_FORMAT, where, digest]
    return cache_dir() / (hashlib.sha1(where.encode()).hexdigest()[:16] + ".json"), key


def _from_cache(path: Path) -> Any:
    """Return the cached parse of an unchanged, already validated file, or None."""
    try:
        slot, key = _cache_entry(path)
        cached = srsly.read_json(slot)
    except (OSError, ValueError):
        return None
    return cached["data"] if isinstance(cached, dict) and cached.get("key") == key else None


def _to_cache(path: Path, data: Any) -> None:
    """Remember a file's parse once it has passed every check; failures only cost speed."""
    try:
        slot, key = _cache_entry(path)
        slot.parent.mkdir(parents=True, exist_ok=True)
        # An unpredictable, exclusively created name: a planted link is never written through.
        fd, partial = tempfile.mkstemp(dir=slot.parent, prefix=slot.stem, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(srsly.json_dumps({"key": key, "data": data}))
            os.replace(partial, slot)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, ValueError):
        pass  # a read-only home only costs speed


def read_cached_yaml(path: Path, validate: Callable[[Any], object]) -> Any:
    """Return the parsed YAML of ``path``, from the cache when the file is unchanged.

    ``validate`` runs on a fresh parse and may raise; only data that passed it is
    cached, so a cached parse never needs checking again. Parsing YAML costs far
    more than reading the cached JSON.

    Raises:
        LexiconError: if the file cannot be read or is not valid YAML.
    """
    cached = _from_cache(path)
    if cached is not None:
        return cached
    data = _parse_yaml(path)
    validate(data)
    _to_cache(path, data)
    return data


def read_data_file(where: Path, model: type[M]) -> M:
    """Read a bundled or user data file (YAML) and validate it as ``model``.

    Cached like the rule files; the first validation error names the field.

    Raises:
        LexiconError: if the file is missing, not valid YAML or not valid data.
    """
    if not where.is_file():
        raise LexiconError(f"{where} is missing; reinstall mailcoach or restore the file.")
    try:
        return model.model_validate(read_cached_yaml(where, model.model_validate))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise LexiconError(f"{where}: {field}: {first['msg']}.") from None


def _parse_yaml(path: Path) -> Any:
    try:
        return srsly.read_yaml(path)
    except OSError as exc:
        raise LexiconError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    except Exception as exc:  # srsly raises the YAML library's own errors
        raise LexiconError(f"{path}: not valid YAML ({exc}).") from None


def _check_patterns_with_spacy(path: Path, specs: list[RuleSpec]) -> None:
    """Validate token patterns with spaCy's own schema (value types, operators).

    Runs when a file is new or changed; the matchers are then built without
    re-validating every pattern at each start.
    """
    from spacy.schemas import validate_token_pattern

    for spec in specs:
        if spec.kind == "token":
            tokens_lists = spec.patterns
        elif spec.kind == "dependency":
            tokens_lists = [
                [node.get("RIGHT_ATTRS", {}) for node in p if isinstance(node, dict)]
                for p in spec.patterns
                if isinstance(p, list)
            ]
        else:
            continue
        for n, tokens in enumerate(tokens_lists, start=1):
            if not isinstance(tokens, list):
                raise LexiconError(f"{path}, rule '{spec.id}': pattern {n}: expected a list.")
            friendly = next((p for p in map(token_problem, tokens) if p), None)
            if friendly:
                raise LexiconError(f"{path}, rule '{spec.id}': pattern {n}: {friendly}.")
            problems = validate_token_pattern(tokens)
            if problems:
                raise LexiconError(f"{path}, rule '{spec.id}': pattern {n}: {problems[0]}.")


def read_lexicon_file(path: Path) -> list[RuleSpec]:
    """Read and validate one lexicon file.

    Raises:
        LexiconError: naming the file, the rule and the field at fault.
    """
    data = _from_cache(path)
    fresh = data is None
    if fresh:
        data = _parse_yaml(path)
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
    if fresh:
        _check_patterns_with_spacy(path, specs)
        _to_cache(path, data)
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
                raise LexiconError(f"{path}, rule '{spec.id}': already defined in {seen[spec.id]}.")
            seen[spec.id] = path
            if policy.is_disabled(spec.id):
                continue
            level = policy.level_for(spec.id, spec.category.value, spec.severity)
            rules.append(Rule(spec=spec, file=str(path), severity=level))
    _check_rule_refs(seen, disable, tuple(key for key, _ in levels))
    return RuleSet(tuple(rules))


def _check_rule_refs(ids: Iterable[str], disable: tuple[str, ...], levels: tuple[str, ...]) -> None:
    """Fail on a ``disable`` or ``levels`` entry that names no loaded rule.

    A category name always counts; ``disable`` also takes an id prefix that ends at a
    dot (``blaming.you`` switches off ``blaming.you.*``, not ``blaming.your-fault``).

    Raises:
        ConfigError: naming the setting and the entry, with the closest rule id.
    """
    from mailcoach.settings import suggest

    known = sorted(ids)
    for setting, entries, prefixes in (("disable", disable, True), ("levels", levels, False)):
        for entry in entries:
            if "." not in entry:
                continue  # a category; the settings checked the name
            stem = entry.rstrip(".")
            if any(i == stem or (prefixes and i.startswith(stem + ".")) for i in known):
                continue
            raise ConfigError(
                f"setting '{setting}': no rule has the id {entry!r}{suggest(entry, known)}; "
                "'mailcoach rules list' shows the rule ids."
            )
