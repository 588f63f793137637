"""Writes that cannot lose or leak data: -o, --in-place, review -o, letter -o/--ics/--out-dir.

Real files, real links, a real full disk (a file-size limit in a child process) and a
real read-only folder (root without the capability that lets it ignore permissions).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mailcoach.cli import cli

from .conftest import MAIL, SAMPLES

ANGRY = SAMPLES / "drafts" / "overdue-angry.txt"
CASE = SAMPLES / "cases" / "first-contact-joinery.toml"
MERGE_BASE = SAMPLES / "cases" / "merge" / "our-side.toml"
MERGE_CSV = SAMPLES / "cases" / "merge" / "customers.csv"
PRECIOUS = "precious: not to be overwritten\n"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def one_line_error(r: Result) -> str:
    """Return the single error line; fail if there is a traceback or more than one line."""
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mailcoach: error: "), r.stderr
    return lines[0]


def writing_commands(target: Path) -> dict[str, list[str]]:
    """Each command that writes one file, aimed at ``target``."""
    return {
        "rewrite -o": ["rewrite", str(ANGRY), "-o", str(target)],
        "review -o": ["review", str(MAIL), "--format", "jsonl", "-o", str(target)],
        "letter -o": ["letter", "first-contact", "--facts", str(CASE), "-o", str(target)],
        "letter --ics": [
            "letter",
            "first-contact",
            "--facts",
            str(CASE),
            "-o",
            str(target.with_name("letter.txt")),
            "--ics",
            str(target),
        ],
    }


COMMANDS = list(writing_commands(Path("x")))


def leftovers(folder: Path, *keep: str) -> list[str]:
    """Names in ``folder`` other than ``keep``: temporary files a write left behind."""
    return sorted(set(os.listdir(folder)) - set(keep))


# ------------------------------------------------------------ links are never followed


@pytest.mark.parametrize("command", COMMANDS)
def test_a_link_planted_at_the_old_temporary_name_is_not_followed(
    tmp_path: Path, command: str
) -> None:
    """The temporary name used to be '.NAME.PID.tmp', opened without exclusive create:
    a link planted there redirected the write, and the rename then left the target a link."""
    victim = tmp_path / "victim.txt"
    victim.write_text(PRECIOUS)
    target = tmp_path / "out.txt"
    planted = tmp_path / f".{target.name}.{os.getpid()}.tmp"
    planted.symlink_to(victim)
    r = run(*writing_commands(target)[command])
    assert r.exit_code in (0, 1, 3), r.stderr  # the mail fixtures hold unreadable messages
    assert "error" not in r.stderr
    assert victim.read_text() == PRECIOUS
    assert planted.is_symlink()
    assert target.is_file() and not target.is_symlink() and target.stat().st_size > 0


@pytest.mark.parametrize("dangling", [False, True], ids=["link", "dangling-link"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_target_that_is_a_link_is_refused_not_written_through(
    tmp_path: Path, command: str, dangling: bool
) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text(PRECIOUS)
    target = tmp_path / "out.txt"
    target.symlink_to(victim)
    line = one_line_error(run(*writing_commands(target)[command]))
    assert "symbolic link" in line and str(target) in line
    assert "remove the link" in line or "real file" in line  # says what to do
    assert target.is_symlink()
    assert victim.exists() is not dangling
    if not dangling:
        assert victim.read_text() == PRECIOUS
    assert leftovers(tmp_path, "victim.txt", "out.txt", "letter.txt") == []


def test_in_place_on_a_link_is_refused(tmp_path: Path) -> None:
    """--in-place used to swap the link itself for a regular file (and back up the target)."""
    real = tmp_path / "real.txt"
    shutil.copy(ANGRY, real)
    link = tmp_path / "draft.txt"
    link.symlink_to(real)
    line = one_line_error(run("rewrite", str(link), "--in-place"))
    assert "symbolic link" in line
    assert link.is_symlink() and real.read_bytes() == ANGRY.read_bytes()
    assert leftovers(tmp_path, "real.txt", "draft.txt") == []


@pytest.mark.parametrize("dangling", [False, True], ids=["link", "dangling-link"])
def test_a_backup_that_is_a_link_is_neither_written_through_nor_trusted(
    tmp_path: Path, dangling: bool
) -> None:
    """A dangling FILE.orig link was written through by shutil.copy2; a live one was
    trusted as 'the original' and the draft was overwritten."""
    draft = tmp_path / "draft.txt"
    shutil.copy(ANGRY, draft)
    elsewhere = tmp_path / "elsewhere.txt"
    if not dangling:
        elsewhere.write_text(PRECIOUS)
    backup = tmp_path / "draft.txt.orig"
    backup.symlink_to(elsewhere)
    line = one_line_error(run("rewrite", str(draft), "--in-place"))
    assert str(backup) in line and "symbolic link" in line and "move it away" in line.lower()
    assert draft.read_bytes() == ANGRY.read_bytes()
    assert backup.is_symlink()
    assert elsewhere.exists() is not dangling
    if not dangling:
        assert elsewhere.read_text() == PRECIOUS


def test_a_link_planted_at_a_merge_letter_name_is_refused_and_the_rest_written(
    tmp_path: Path,
) -> None:
    out = tmp_path / "letters"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text(PRECIOUS)
    first = run(
        "letter", "first-contact", "--facts", str(MERGE_BASE), "--csv", str(MERGE_CSV),
        "--out-dir", str(tmp_path / "probe"),
    )  # fmt: skip
    names = sorted(os.listdir(tmp_path / "probe"))
    assert len(names) >= 2, first.stderr
    (out / names[0]).symlink_to(victim)
    r = run(
        "letter", "first-contact", "--facts", str(MERGE_BASE), "--csv", str(MERGE_CSV),
        "--out-dir", str(out),
    )  # fmt: skip
    assert r.exit_code == 3, r.stderr
    assert "Traceback" not in r.stderr and "symbolic link" in r.stderr
    assert victim.read_text() == PRECIOUS and (out / names[0]).is_symlink()
    for name in names[1:]:
        assert (out / name).read_bytes() == (tmp_path / "probe" / name).read_bytes()


# ------------------------------------------------------------ the backup is verified


def test_in_place_keeps_permissions_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    shutil.copy(ANGRY, draft)
    draft.chmod(0o640)
    r = run("rewrite", str(draft), "--in-place")
    assert r.exit_code == 0, r.stderr
    backup = tmp_path / "draft.txt.orig"
    assert backup.read_bytes() == ANGRY.read_bytes()
    assert not backup.is_symlink() and backup.stat().st_mode & 0o777 == 0o640
    assert draft.stat().st_mode & 0o777 == 0o640
    assert draft.read_bytes() != ANGRY.read_bytes()
    assert leftovers(tmp_path, "draft.txt", "draft.txt.orig") == []


def test_an_empty_backup_of_a_non_empty_draft_is_not_trusted(tmp_path: Path) -> None:
    """An earlier backup that failed half-way left an empty FILE.orig; it used to be kept
    as 'the original' while the draft was overwritten, so the original was gone."""
    draft = tmp_path / "draft.txt"
    shutil.copy(ANGRY, draft)
    (tmp_path / "draft.txt.orig").write_bytes(b"")
    r = run("rewrite", str(draft), "--in-place")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "draft.txt.orig").read_bytes() == ANGRY.read_bytes()
    assert "was empty" in r.stderr
    assert leftovers(tmp_path, "draft.txt", "draft.txt.orig") == []


def test_a_folder_at_the_backup_name_is_refused(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    shutil.copy(ANGRY, draft)
    (tmp_path / "draft.txt.orig").mkdir()
    line = one_line_error(run("rewrite", str(draft), "--in-place"))
    assert "not a regular file" in line and "draft.txt was not changed" in line
    assert draft.read_bytes() == ANGRY.read_bytes()


def test_a_complete_backup_from_an_earlier_run_is_kept(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    shutil.copy(ANGRY, draft)
    assert run("rewrite", str(draft), "--in-place").exit_code == 0
    once = draft.read_bytes()
    r = run("rewrite", str(draft), "--in-place")
    assert r.exit_code == 0 and "already exists and was kept" in r.stderr
    assert (tmp_path / "draft.txt.orig").read_bytes() == ANGRY.read_bytes()
    assert draft.read_bytes() == once


# ------------------------------------------------------------ a full disk, a read-only folder


def _limited(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def run_child(
    args: list[str], *, limit: int | None = None, drop_caps: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m mailcoach`` in a child: under a file-size limit (a full disk for
    every write), or as root without the capabilities that let it ignore permissions."""
    command = [sys.executable, "-m", "mailcoach", *args]
    if drop_caps:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", "--bounding-set", caps, "--inh-caps", caps, *command]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=(lambda: _limited(limit)) if limit is not None else None,
        timeout=300,
    )


def child_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mailcoach: error: "), proc.stderr
    return lines[0]


def test_a_full_disk_while_backing_up_leaves_the_draft_and_no_partial_backup(
    tmp_path: Path,
) -> None:
    """shutil.copy2 used to leave a cut-off FILE.orig, which the next run trusted."""
    draft = tmp_path / "draft.txt"
    shutil.copy(ANGRY, draft)
    proc = run_child(["rewrite", str(draft), "--in-place"], limit=100)
    line = child_error(proc)
    assert "draft.txt.orig" in line and "draft.txt was not changed" in line
    assert draft.read_bytes() == ANGRY.read_bytes()
    assert leftovers(tmp_path, "draft.txt") == []
    # Space again: the next run makes a whole backup.
    assert run("rewrite", str(draft), "--in-place").exit_code == 0
    assert (tmp_path / "draft.txt.orig").read_bytes() == ANGRY.read_bytes()


def test_a_full_disk_while_writing_output_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    proc = run_child(["rewrite", str(ANGRY), "-o", str(out)], limit=100)
    assert str(out) in child_error(proc)
    assert out.read_text() == "old\n"
    assert leftovers(tmp_path, "out.txt") == []


def _setpriv_works() -> bool:
    if os.geteuid() != 0:
        return True  # an ordinary user meets permissions anyway
    if shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(
        ["setpriv", "--bounding-set", "-dac_override", "--inh-caps", "-dac_override", "true"],
        capture_output=True,
    )
    return probe.returncode == 0


needs_permissions = pytest.mark.skipif(
    not _setpriv_works(),
    reason="running as root without setpriv: permissions cannot be made to apply",
)


@needs_permissions
def test_in_place_in_a_read_only_folder_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    draft = folder / "draft.txt"
    shutil.copy(ANGRY, draft)
    folder.chmod(0o555)
    try:
        proc = run_child(["rewrite", str(draft), "--in-place"], drop_caps=True)
    finally:
        folder.chmod(0o755)
    line = child_error(proc)
    assert "Permission denied" in line and "draft.txt was not changed" in line
    assert draft.read_bytes() == ANGRY.read_bytes()
    assert leftovers(folder, "draft.txt") == []


@needs_permissions
def test_output_into_a_folder_without_search_permission_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "closed"
    folder.mkdir()
    folder.chmod(0o600)  # readable and writable, but it cannot be entered
    try:
        proc = run_child(["rewrite", str(ANGRY), "-o", str(folder / "out.txt")], drop_caps=True)
    finally:
        folder.chmod(0o755)
    assert "Permission denied" in child_error(proc)
    assert leftovers(folder) == []


@needs_permissions
def test_a_backup_that_cannot_be_read_is_not_trusted(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    shutil.copy(ANGRY, draft)
    backup = tmp_path / "draft.txt.orig"
    backup.write_text("an original nobody can read back\n")
    backup.chmod(0o000)
    try:
        proc = run_child(["rewrite", str(draft), "--in-place"], drop_caps=True)
    finally:
        backup.chmod(0o644)
    line = child_error(proc)
    assert "cannot read" in line and "draft.txt was not changed" in line
    assert draft.read_bytes() == ANGRY.read_bytes()
