"""Shared fixtures: the real pipeline, real files, and no leaks from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MAIL = FIXTURES / "mail"
CORPUS = ROOT / "tests" / "corpus"
SAMPLES = ROOT / "samples"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's config and environment out of every test."""
    for name in (
        "MAILCOACH_CONFIG",
        "MAILCOACH_MODEL",
        "MAILCOACH_FAIL_ON",
        "MAILCOACH_LEXICONS",
        "NO_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MAILCOACH_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
