"""Weights files: learned models shipped as data, checked before they are trusted.

A weights file is one line of JSON saying what it is and where it came from
(``format``, ``about``, ``provenance``: training command, data and library
versions) with the sha256 of the rest of the file, then the model itself as JSON.
Numbers in bulk travel as one base64 string of little-endian doubles: parsing
tens of thousands of decimal numbers costs more than the rest of loading. A file
whose body does not match its hash does not load. The training tools in
``tools/`` write these files; nothing at run time does.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

#: How bulk numbers are stored: little-endian doubles.
DOUBLE = np.dtype("<f8")


def hashed_text(body: str, *, format: int, about: str, provenance: Mapping[str, Any]) -> str:
    """Return a weights file's text: the header line (with the body's sha256), then ``body``."""
    header = {
        "format": format,
        "about": about,
        "provenance": dict(provenance),
        "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
    }
    return json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n" + body


def read_header(path: Path) -> dict[str, Any]:
    """Return the header of a weights file (format, provenance, sha256), unchecked."""
    with path.open("rb") as handle:
        header: dict[str, Any] = json.loads(handle.readline())
    return header


def read_hashed(path: Path, *, format: int, retrain: str) -> Any:
    """Return the body of a weights file as JSON, once its format and hash check out.

    Args:
        path: the file.
        format: the format this mailcoach reads.
        retrain: what to do about a bad file, e.g. "reinstall mailcoach or retrain
            it with: python tools/train_model.py".

    Raises:
        LexiconError: if the file cannot be read, is not JSON, has another format,
            or its body does not match the sha256 in its header.
    """
    import srsly  # spaCy's own dependency: its JSON reader is about twice as fast

    from mailcoach.errors import LexiconError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"{path}: cannot be read ({exc.strerror or exc}); {retrain}") from None
    first, _, body = raw.partition(b"\n")
    try:
        header = srsly.json_loads(first)
        if not isinstance(header, dict) or header.get("format") != format:
            found = header.get("format") if isinstance(header, dict) else None
            raise LexiconError(f"{path}: format {found!r}; this mailcoach reads {format}.")
        if hashlib.sha256(body).hexdigest() != header.get("sha256"):
            raise LexiconError(
                f"{path}: its weights do not match the sha256 in its header (the file was "
                f"altered or damaged); {retrain}"
            )
        return srsly.json_loads(body)
    except ValueError as exc:
        raise LexiconError(f"{path}: not valid JSON ({exc}).") from None


def pack(matrix: np.ndarray[Any, Any]) -> str:
    """Return ``matrix``'s numbers as base64 of little-endian doubles, row after row."""
    return base64.b64encode(np.ascontiguousarray(matrix, dtype=DOUBLE).tobytes()).decode("ascii")


def unpack(text: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Return the flat array of doubles that :func:`pack` wrote.

    Raises:
        ValueError: if ``text`` is not base64 of whole doubles.
    """
    return np.frombuffer(base64.b64decode(text, validate=True), dtype=DOUBLE)
