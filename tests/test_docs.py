"""The README stays true: its commands match CI and the CLI, every command is documented."""

from __future__ import annotations

import re

from click.testing import CliRunner

from mailcoach.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    return re.findall(r"^(python3 -m venv .+)$", README, flags=re.M)


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    assert commands[0].endswith("mailcoach check --fail-on never samples/drafts/overdue-angry.txt")
    for command in commands:
        # A complete lock is installed without resolving anything, and proved by pip check.
        assert "--no-deps --require-hashes" in command and "pip check" in command
        assert "--no-build-isolation" in command and "install --upgrade pip" not in command
    assert "--require-hashes" in commands[0] and "--require-hashes" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_every_command_is_in_the_readme() -> None:
    for name, command in cli.commands.items():
        assert f"mailcoach {name}" in README, name
        sub = getattr(command, "commands", {})
        for child in sub:
            assert f"mailcoach {name} {child}" in README, f"{name} {child}"


def test_readme_exit_codes_match_the_cli() -> None:
    help_text = CliRunner().invoke(cli, ["check", "--help"]).stdout
    for code in ("0", "1", "2", "3"):
        assert re.search(rf"^\s*{code}\s", help_text, flags=re.M)
        assert f"| {code} |" in README


def test_the_readme_pictures_exist() -> None:
    # The page's screenshot is made by tools/page_screenshot.py from the real page.
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", README)
    assert "docs/serve.png" in pictures
    for picture in pictures:
        assert (ROOT / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture
