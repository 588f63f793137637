"""Locate the bundled ``lexicons/`` and ``templates/`` folders.

In an installed wheel they sit inside the package (force-included by the build);
in a source checkout they are top-level folders beside the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from mailcoach.errors import MailcoachError


def _bundled(name: str) -> Path:
    packaged = Path(str(files("mailcoach"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise MailcoachError(
        f"the bundled {name}/ folder is missing from this installation; reinstall mailcoach."
    )


def lexicon_dir() -> Path:
    """Return the folder of the bundled rule files."""
    return _bundled("lexicons")


def template_dir() -> Path:
    """Return the folder of the bundled Jinja2 templates."""
    return _bundled("templates")
