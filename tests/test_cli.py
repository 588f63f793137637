"""The command line: exit codes, stdout/stderr separation, bad input, help."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcoach.cli import cli

from .conftest import MAIL, SAMPLES

SAMPLE = SAMPLES / "drafts" / "overdue-angry.txt"


def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_check_text_output_and_exit_1_on_findings() -> None:
    r = run("check", str(SAMPLE))
    assert r.exit_code == 1
    assert "threatening.legal-action" in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("hold:")
    assert r.stderr == ""


def test_check_json_from_stdin() -> None:
    r = run("check", "-", "--format", "json", input="Thanks for nothing.\n")
    data = json.loads(r.stdout)
    assert data["schema_version"] == 1 and data["source"] == "-"
    assert data["findings"][0]["rule_id"] == "sarcastic.thanks-for-nothing"
    assert r.exit_code == 1


def test_clean_draft_exits_0() -> None:
    r = run("check", "-", input="Hi Sam, could you confirm the payment date for invoice 10442?\n")
    assert r.exit_code == 0
    assert r.stdout.rstrip().splitlines()[-1].startswith("ok:")


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 1), ("never", 0), ("warning", 1), ("info", 1)]
)
def test_fail_on_threshold(fail_on: str, code: int) -> None:
    assert run("check", str(SAMPLE), "--fail-on", fail_on).exit_code == code


def test_fail_on_error_passes_warnings() -> None:
    r = run("check", "-", "--fail-on", "error", input="Per my last email, the invoice is due.\n")
    assert r.exit_code == 0 and "passive_aggressive" in r.stdout


def test_fail_on_from_config(tmp_path: Path) -> None:
    (tmp_path / "mailcoach.toml").write_text('fail-on = "error"\n')
    r = run(
        "check", "-", "--config", str(tmp_path / "mailcoach.toml"), input="Per my last email, hi.\n"
    )
    assert r.exit_code == 0


def _assert_one_line_error(r, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mailcoach: error: "), r.stderr
    assert "Traceback" not in r.stderr
    for needle in needles:
        assert needle in lines[0]


def test_missing_file(tmp_path: Path) -> None:
    _assert_one_line_error(run("check", str(tmp_path / "nope.txt")), "nope.txt")


def test_directory(tmp_path: Path) -> None:
    _assert_one_line_error(run("check", str(tmp_path)), str(tmp_path.name))


def test_binary_file() -> None:
    _assert_one_line_error(run("check", str(MAIL / "binary.bin")), "binary.bin")


def test_huge_file(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"You never pay on time. " * (20 * 1024 * 1024 // 23))
    _assert_one_line_error(run("check", str(big)), "big.txt", "MB")


def test_invalid_utf8() -> None:
    _assert_one_line_error(run("check", str(MAIL / "invalid_utf8.txt")), "UTF-8", "--encoding")


def test_invalid_utf8_with_encoding_option() -> None:
    r = run("check", str(MAIL / "invalid_utf8.txt"), "--encoding", "cp1252")
    assert r.exit_code in (0, 1) and r.stderr == ""


def test_malformed_mime() -> None:
    _assert_one_line_error(
        run("check", str(MAIL / "malformed_multipart.eml")), "malformed_multipart.eml"
    )


def test_attachment_only_message() -> None:
    _assert_one_line_error(run("check", str(MAIL / "attachment_only.eml")), "no text part")


def test_empty_file_is_clean_with_a_note() -> None:
    r = run("check", str(MAIL / "empty.txt"))
    assert r.exit_code == 0
    assert "nothing to check" in r.stdout


def test_bad_config_is_a_fatal_error(tmp_path: Path) -> None:
    (tmp_path / "mailcoach.toml").write_text('disable = ["blamingg"]\n')
    _assert_one_line_error(
        run("check", str(SAMPLE), "--config", str(tmp_path / "mailcoach.toml")), "blamingg"
    )


def test_bad_lexicon_is_a_fatal_error(tmp_path: Path) -> None:
    (tmp_path / "threatening.yml").write_text("- id: threatening.x\n  kind: regexp\n")
    _assert_one_line_error(run("check", str(SAMPLE), "--lexicons", str(tmp_path)), "threatening.x")


def test_missing_model_names_the_pip_command() -> None:
    r = run("check", str(SAMPLE), "--model", "en_core_web_zz")
    _assert_one_line_error(r, "en_core_web_zz", "pip install")


def test_input_files_are_never_written() -> None:
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in MAIL.iterdir()}
    for p in before:
        run("check", str(p))
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in MAIL.iterdir()}


def test_rules_list_explain_and_test() -> None:
    listed = run("rules", "list", "--format", "json")
    ids = [r["id"] for r in json.loads(listed.stdout)]
    assert "threatening.legal-action" in ids and len(ids) >= 12
    explained = run("rules", "explain", "threatening.legal-action")
    assert "why:" in explained.stdout and "passes:" in explained.stdout
    tested = run("rules", "test")
    assert tested.exit_code == 0, tested.stdout
    assert tested.stdout.rstrip().endswith("passed, 0 failed")


def test_rules_explain_unknown_rule() -> None:
    _assert_one_line_error(run("rules", "explain", "blaming.nope"), "blaming.nope")


def test_rules_test_reports_a_failing_user_rule(tmp_path: Path) -> None:
    (tmp_path / "sarcastic.yml").write_text(
        """
- id: sarcastic.too-broad
  kind: phrase
  level: warning
  patterns: ["great"]
  message: "m"
  why: "Because."
  suggestion: "s"
  examples: {flag: ["Oh great, another delay."], pass: ["Great news, the parcel arrived."]}
"""
    )
    r = run("rules", "test", "sarcastic.too-broad", "--lexicons", str(tmp_path))
    assert r.exit_code == 1
    assert "FAIL sarcastic.too-broad: should pass" in r.stdout


@pytest.mark.parametrize(
    "command", [[], ["check"], ["rules"], ["rules", "list"], ["rules", "test"]]
)
def test_help_for_every_command(command: list[str]) -> None:
    r = run(*command, "--help")
    assert r.exit_code == 0 and "Usage:" in r.stdout


def test_help_documents_exit_codes() -> None:
    assert "Exit codes:" in run("check", "--help").stdout


def test_help_does_not_import_spacy() -> None:
    code = "import sys; from mailcoach.cli import cli; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mailcoach", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Usage:" in out.stdout
    assert "spacy" not in out.stderr


def test_usage_error_exits_2() -> None:
    r = CliRunner().invoke(cli, ["check"])
    assert r.exit_code == 2


def test_process_ends_with_all_output_written_and_the_exit_code() -> None:
    """main() skips the interpreter's teardown: the output must still arrive whole."""
    draft = SAMPLES / "drafts" / "overdue-angry.txt"
    out = subprocess.run(
        [sys.executable, "-m", "mailcoach", "check", str(draft), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert report["verdict"] in {"revise", "hold"} and report["findings"]


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [(None, 0, ""), (3, 3, ""), ("mailcoach: gone wrong", 1, "mailcoach: gone wrong\n")],
)
def test_end_process_behaves_like_sys_exit(code: object, status: int, stderr: str) -> None:
    script = (
        "import sys; from mailcoach.cli import _end_process; "
        f"sys.stdout.write('partial line'); _end_process({code!r})"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (out.returncode, out.stdout, out.stderr) == (status, "partial line", stderr)
