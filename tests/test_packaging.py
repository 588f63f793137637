"""The wheel carries lexicons/ and templates/, and finds them from any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mailcoach.model import Category

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("mailcoach-*.whl"))


def test_wheel_contains_rules_and_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for category in Category:
        assert f"mailcoach/lexicons/{category.value}.yml" in names
    assert "mailcoach/lexicons/coaching.yml" in names
    assert "mailcoach/templates/README.md" in names
    assert "mailcoach/py.typed" in names


def test_wheel_contains_the_serve_page(wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("index.html", "app.js", "app.css", "icon.svg"):
        assert f"mailcoach/server/static/{name}" in names, name
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import mailcoach.server.app as a; print(a.__file__); "
        "print(len(a._static('index.html'))); a.create_app()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(site)) and int(out[1]) > 1000


def test_unpacked_wheel_finds_its_lexicons_from_elsewhere(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "from mailcoach.resources import lexicon_dir, template_dir; "
        "from mailcoach.rules.load import load_rules; "
        "print(lexicon_dir()); print(template_dir()); print(len(load_rules()))"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env={"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0] == str(site / "mailcoach" / "lexicons")
    assert out[1] == str(site / "mailcoach" / "templates")
    assert int(out[2]) > 20
