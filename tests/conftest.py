"""Shared fixtures: the real pipeline, real files, and no leaks from the environment."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, lexicon_cache: Path) -> Iterator[str]:
    """Run ``mailcoach serve`` (real uvicorn) on a free loopback port; yield its base URL.

    The server is a child process with a clean environment and its own folder; it is
    stopped (SIGINT, as Ctrl-C would) when the session ends.
    """
    import os

    from tools.local_server import ServerFailed, start, stop

    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILCOACH_")}
    env["MAILCOACH_CACHE"] = str(lexicon_cache)
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        try:
            proc, url = start(env, out, cwd=log.parent)
        except ServerFailed as exc:
            pytest.fail(f"{exc}: {log.read_text()}")
    try:
        yield url
    finally:
        stop(proc)


def count_restatements(text: str, count: str) -> list[str]:
    """Return the sentences of ``text`` that say ``count`` again as ``counts.yml`` words it.

    Which restatement the rewrite uses depends on which one the sentence model
    reads as clean, so tests assert that one of them says the draft's count,
    not which one.
    """
    import re

    from mailcoach.rewriting.rephrase import load_counts

    found: list[str] = []
    for entry in load_counts():
        for template in (*entry.first_singular, *entry.first_plural):
            pattern = re.escape(template)
            pattern = pattern.replace(re.escape(r"\g<n>"), re.escape(count))
            pattern = pattern.replace(re.escape(r"\g<what>"), r"\w+")
            found += [m[0] for m in re.finditer(rf"(?<!\w){pattern}", text)]
    return sorted(set(found), key=text.index)
