"""Settings: defaults < config file < environment < explicit overrides (the CLI).

A config file is ``mailcoach.toml`` (top-level keys) or ``pyproject.toml`` (the
``[tool.mailcoach]`` table), found by ``--config`` / ``MAILCOACH_CONFIG`` or by
walking up from the current directory.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mailcoach.errors import ConfigError
from mailcoach.model import Category, Severity

CONFIG_FILE_NAMES = ("mailcoach.toml", "pyproject.toml")
FAIL_ON_CHOICES = ("info", "warning", "error", "never")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

ENV_CONFIG = "MAILCOACH_CONFIG"
ENV_MODEL = "MAILCOACH_MODEL"
ENV_FAIL_ON = "MAILCOACH_FAIL_ON"
ENV_LEXICONS = "MAILCOACH_LEXICONS"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that changes what mailcoach flags or how it runs.

    Frozen and hashable, so a pipeline can be cached per settings.
    """

    model: str | None = None
    fail_on: str = "warning"
    disable: tuple[str, ...] = ()
    levels: tuple[tuple[str, Severity], ...] = ()
    lexicons: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    benchmark: str = "positive"
    benchmark_count: int | None = None
    benchmark_terms: str | None = None
    benchmark_period: str | None = None
    role: str | None = None
    dispute_type: str | None = None
    source: str | None = field(default=None, compare=False)

    def with_overrides(self, **changes: Any) -> Settings:
        """Return a copy with the given non-None values replaced."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def level_for(self, rule_id: str, category: str, default: Severity) -> Severity:
        """Return the configured level of a rule (by id, else by category), else ``default``."""
        table = dict(self.levels)
        return table.get(rule_id, table.get(category, default))

    def is_disabled(self, rule_id: str) -> bool:
        """Tell whether a rule is switched off by id, by category or by id prefix."""
        for entry in self.disable:
            if rule_id == entry or rule_id.startswith(entry.rstrip(".") + "."):
                return True
        return False


class _BenchmarkTable(BaseModel):
    """``[benchmark]`` (or ``[tool.mailcoach.benchmark]``): the clause rewrite adds."""

    model_config = ConfigDict(extra="forbid")

    form: Literal["positive", "punitive", "none"] = "positive"
    count: int | None = Field(default=None, gt=0, le=52)
    terms: str | None = Field(default=None, min_length=1)
    period: str | None = Field(default=None, min_length=1)


class _FileSettings(BaseModel):
    """The keys a config file may hold; anything else is an error."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    fail_on: str | None = Field(default=None, alias="fail-on")
    disable: list[str] = []
    levels: dict[str, str] = {}
    lexicons: list[str] = []
    allow: list[str] = []
    max_bytes: int | None = Field(default=None, alias="max-bytes", gt=0)
    benchmark: _BenchmarkTable = _BenchmarkTable()
    role: str | None = None
    type: str | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str | None) -> str | None:
        return check_role(value)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        return check_type(value)

    @field_validator("fail_on")
    @classmethod
    def _known_fail_on(cls, value: str | None) -> str | None:
        if value is not None and value not in FAIL_ON_CHOICES:
            raise ValueError(f"must be one of {', '.join(FAIL_ON_CHOICES)}")
        return value

    @field_validator("disable")
    @classmethod
    def _known_prefix(cls, value: list[str]) -> list[str]:
        for entry in value:
            check_rule_ref(entry)
        return value

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, level in value.items():
            check_rule_ref(key)
            Severity.parse(level)  # raises ValueError with the choices
        return value


def check_role(value: str | None) -> str | None:
    """Return a role setting (``SENDER`` or ``SENDER:READER``) if every part is known.

    Raises:
        ValueError: naming the known roles.
    """
    from mailcoach.facts.kind import ROLES

    if value is None:
        return None
    parts = value.split(":")
    if len(parts) > 2 or any(p not in ROLES for p in parts):
        raise ValueError(f"must be SENDER or SENDER:READER, each one of {', '.join(ROLES)}")
    return value


def case_problem(role: str | None, dispute_type: str | None) -> tuple[str, str] | None:
    """Return ``("role" | "type", reason)`` for an unknown role or dispute type, else None.

    The one check behind ``--role``/``--type`` and the API's ``role``/``type``.
    """
    for name, check, value in (("role", check_role, role), ("type", check_type, dispute_type)):
        try:
            check(value or None)
        except ValueError as exc:
            return name, str(exc)
    return None


def check_type(value: str | None) -> str | None:
    """Return a dispute type setting if it is known.

    Raises:
        ValueError: naming the known types.
    """
    from mailcoach.facts.kind import DISPUTE_TYPES

    if value is not None and value not in (*DISPUTE_TYPES, "other"):
        raise ValueError(f"must be one of {', '.join((*DISPUTE_TYPES, 'other'))}")
    return value


def closest(word: str, choices: Iterable[str]) -> str | None:
    """Return the choice closest to ``word`` (a likely typo of it), or None."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the choice closest to ``word``, or ""."""
    close = closest(word, choices)
    return f" (did you mean {close!r}?)" if close else ""


def check_rule_ref(entry: str) -> None:
    """Fail unless ``entry`` is a category or starts with one and a dot (a rule id).

    Whether a rule id names a rule that exists is checked when the rules are loaded
    (users' own lexicons add rules), by :func:`mailcoach.rules.load.load_rules`.

    Raises:
        ValueError: naming the entry, with the closest category.
    """
    categories = sorted(c.value for c in Category)
    head, dot, rest = entry.partition(".")
    if head in categories:
        return
    close = closest(head, categories)
    hint = f" (did you mean {close + dot + rest!r}?)" if close else ""
    raise ValueError(
        f"{entry!r} is neither a category nor a rule id{hint}; "
        f"categories (and rule-id prefixes) are: {', '.join(categories)}"
    )


def _known_keys(loc: tuple[int | str, ...]) -> list[str]:
    """Return the keys a config table at ``loc`` (the path to an unknown key) may hold."""
    model: type[BaseModel] = _FileSettings
    for part in loc[:-1]:
        field_info = model.model_fields.get(str(part))
        annotation = field_info.annotation if field_info else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [f.alias or name for name, f in model.model_fields.items()]


def find_config(start: Path | None = None) -> Path | None:
    """Return the nearest config file at or above ``start`` (default: the cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return "mailcoach" in data.get("tool", {})


def _read_table(path: Path) -> Mapping[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("mailcoach", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: 'tool.mailcoach' must be a table ([tool.mailcoach]).")
        return table
    return data


def _from_table(table: Mapping[str, Any], path: Path) -> Settings:
    try:
        parsed = _FileSettings.model_validate(dict(table))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            known = _known_keys(tuple(first["loc"]))
            msg = "unknown setting" + suggest(str(first["loc"][-1]), known)
            if known:
                msg += f"; known keys here: {', '.join(known)}"
        raise ConfigError(f"{path}: setting '{where}': {msg}.") from None
    base = path.parent
    return Settings(
        model=parsed.model,
        fail_on=parsed.fail_on or "warning",
        disable=tuple(parsed.disable),
        levels=tuple((k, Severity.parse(v)) for k, v in parsed.levels.items()),
        lexicons=tuple(str((base / p).resolve()) for p in parsed.lexicons),
        allow=tuple(parsed.allow),
        max_bytes=parsed.max_bytes or DEFAULT_MAX_BYTES,
        benchmark=parsed.benchmark.form,
        benchmark_count=parsed.benchmark.count,
        benchmark_terms=parsed.benchmark.terms,
        benchmark_period=parsed.benchmark.period,
        role=parsed.role,
        dispute_type=parsed.type,
        source=str(path),
    )


def load_settings(
    config: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Build settings from the config file and the environment.

    Args:
        config: an explicit config file; otherwise ``MAILCOACH_CONFIG`` or the nearest
            ``mailcoach.toml`` / ``pyproject.toml`` with ``[tool.mailcoach]``.
        environ: the environment to read (default: ``os.environ``).
        cwd: where the search for a config file starts (default: the cwd).

    Returns:
        The merged settings.

    Raises:
        ConfigError: if the file cannot be read or holds an unknown or invalid key.
    """
    env = os.environ if environ is None else environ
    if config is not None and not isinstance(config, str | os.PathLike):
        raise ConfigError(f"config is a file's path (str or Path), not {type(config).__name__}.")
    explicit = config or env.get(ENV_CONFIG)
    path = Path(explicit) if explicit else find_config(cwd)
    settings = _from_table(_read_table(path), path) if path else Settings()

    fail_on = env.get(ENV_FAIL_ON)
    if fail_on and fail_on not in FAIL_ON_CHOICES:
        raise ConfigError(f"{ENV_FAIL_ON}={fail_on!r} is not one of {', '.join(FAIL_ON_CHOICES)}.")
    extra = tuple(str(Path(p).resolve()) for p in env.get(ENV_LEXICONS, "").split(os.pathsep) if p)
    return settings.with_overrides(
        model=env.get(ENV_MODEL) or None,
        fail_on=fail_on or None,
        lexicons=(settings.lexicons + extra) if extra else None,
    )
