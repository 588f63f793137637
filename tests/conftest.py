"""Shared fixtures: the real pipeline, real files, and no leaks from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MAIL = FIXTURES / "mail"
CORPUS = ROOT / "tests" / "corpus"
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def lexicon_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One parsed-lexicon cache for the whole run, never the user's own.

    Entries are keyed by each file's path and content digest, so tests that write
    their own lexicon files cannot see one another's parses; sharing the folder only
    spares every test from parsing the bundled lexicons again.
    """
    return tmp_path_factory.mktemp("lexicon-cache")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lexicon_cache: Path) -> None:
    """Keep the user's config and environment out of every test."""
    for name in (
        "MAILCOACH_CONFIG",
        "MAILCOACH_MODEL",
        "MAILCOACH_FAIL_ON",
        "MAILCOACH_LEXICONS",
        "NO_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MAILCOACH_CACHE", str(lexicon_cache))
    monkeypatch.chdir(tmp_path)
