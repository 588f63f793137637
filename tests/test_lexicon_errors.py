"""A broken rule stops loading with a message that names the file, the rule and the fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcoach import LexiconError
from mailcoach.nlp.pipeline import get_pipeline
from mailcoach.rules.load import load_rules
from mailcoach.settings import Settings

GOOD = """
- id: {id}
  kind: {kind}
  level: warning
  patterns: {patterns}
  message: "m"
  why: "Because it hurts."
  suggestion: "s"
  examples: {{flag: ["x"], pass: ["y"]}}
"""


def _write(folder: Path, category: str, body: str) -> Path:
    path = folder / f"{category}.yml"
    path.write_text(body, encoding="utf-8")
    return path


def _error(folder: Path) -> str:
    with pytest.raises(LexiconError) as err:
        load_rules((str(folder),))
        get_pipeline(Settings(lexicons=(str(folder),)))
    return str(err.value)


@pytest.mark.parametrize(
    ("category", "body", "needles"),
    [
        ("blaming", GOOD.format(id="blaming.a", kind="regexp", patterns="[]"), ["kind"]),
        ("blaming", GOOD.format(id="blame.a", kind="phrase", patterns='["x"]'), ["categories"]),
        (
            "blaming",
            GOOD.format(id="sarcastic.a", kind="phrase", patterns='["x"]'),
            ["sarcastic.yml"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="phrase", patterns='["x"]') + "  colour: red\n",
            ["unknown field 'colour'"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="token", patterns="[[{LOWER: {IN: [a], OP: '?'}}]]"),
            ["'OP' belongs beside 'LOWER'"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="token", patterns="[[{LOWER: {IN: [a, 100]}}]]"),
            ["100", "quote it"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="token", patterns="[[{IS_ALPHA: maybe}]]"),
            ["pattern 1", "IS_ALPHA", "boolean"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="phrase", patterns="[]"),
            ["non-empty strings"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="shouting", patterns="[]"),
            ["caps_words or exclamations"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="phrase", patterns='["x"]').replace(
                "kind: phrase", "kind: phrase\n  unless: [sarcasm]"
            ),
            ["unless"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="phrase", patterns='["x"]').replace(
                'pass: ["y"]', "pass: []"
            ),
            ["examples.pass"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.a", kind="phrase", patterns='["x"]').replace(
                '"Because it hurts."', '"Because. It hurts."'
            ),
            ["one sentence"],
        ),
        (
            "blaming",
            GOOD.format(id="blaming.you-never", kind="phrase", patterns='["x"]'),
            ["already defined"],
        ),
        ("blaming", "- id: [unclosed\n", ["not valid YAML"]),
    ],
)
def test_broken_rule_messages(tmp_path: Path, category: str, body: str, needles: list[str]) -> None:
    path = _write(tmp_path, category, body)
    message = _error(tmp_path)
    assert str(path) in message
    for needle in needles:
        assert needle in message, message


def test_missing_lexicon_folder(tmp_path: Path) -> None:
    assert "does not exist" in _error(tmp_path / "nope")


def test_a_fixed_file_is_reread(tmp_path: Path) -> None:
    """The parse cache never hides a change: a broken file, once fixed, loads."""
    path = _write(
        tmp_path,
        "blaming",
        GOOD.format(id="blaming.a", kind="token", patterns="[[{IS_ALPHA: maybe}]]"),
    )
    _error(tmp_path)
    path.write_text(
        GOOD.format(id="blaming.a", kind="token", patterns="[[{LOWER: dragging}]]"),
        encoding="utf-8",
    )
    assert load_rules((str(tmp_path),)).get("blaming.a") is not None


def test_a_cache_entry_is_checked_against_the_file_content(tmp_path: Path) -> None:
    """An edit that keeps the size and the modification time is still seen."""
    import os

    path = _write(
        tmp_path, "blaming", GOOD.format(id="blaming.a", kind="token", patterns="[[{LOWER: slow}]]")
    )
    before = path.stat()
    assert load_rules((str(tmp_path),)).get("blaming.a") is not None
    path.write_text(
        GOOD.format(id="blaming.a", kind="token", patterns="[[{LOWER: slaw}]]").replace(
            "blaming.a", "blaming.b"
        ),
        encoding="utf-8",
    )
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    load_rules.cache_clear()  # the in-process memo; the on-disk cache is what is tested
    rules = load_rules((str(tmp_path),))
    assert rules.get("blaming.b") is not None and rules.get("blaming.a") is None


def test_the_cache_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    """A link planted where a cache entry goes is replaced, its target left alone."""
    import os

    from mailcoach.rules.load import _cache_entry, cache_dir

    path = _write(
        tmp_path, "blaming", GOOD.format(id="blaming.a", kind="token", patterns="[[{LOWER: slow}]]")
    )
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    slot, _ = _cache_entry(path)
    cache_dir().mkdir(parents=True, exist_ok=True)
    slot.symlink_to(victim)
    # the temporary name an older version used, predictable from the process id
    slot.with_suffix(f".{os.getpid()}.tmp").symlink_to(victim)
    load_rules.cache_clear()
    assert load_rules((str(tmp_path),)).get("blaming.a") is not None
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not slot.is_symlink()
