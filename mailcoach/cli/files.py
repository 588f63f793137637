"""Write results safely: to stdout, or to a file replaced in one step once complete."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mailcoach.cli.common import FatalError


def keep_original(path: Path, notes: list[str]) -> None:
    """Copy ``path`` to ``path.orig`` once; an existing .orig is the true original."""
    import shutil

    if not path.is_file():
        raise FatalError(f"{path} is not a regular file; --in-place needs one.")
    backup = path.with_name(path.name + ".orig")
    if backup.exists():
        notes.append(f"{backup} already exists and was kept as the original")
        return
    try:
        shutil.copy2(path, backup)
    except OSError as exc:
        raise FatalError(f"cannot write {backup}: {exc.strerror or exc}.") from None
    notes.append(f"the original is kept in {backup}")


def write_bytes(path: Path | None, data: bytes) -> None:
    """Write ``data`` to stdout, or atomically to ``path`` (see :func:`open_output`)."""
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with open_output(path, binary=True) as handle:
        handle.write(data)


@contextmanager
def open_output(path: Path | None, *, binary: bool = False) -> Iterator[Any]:
    """Yield stdout, or a temporary file renamed to ``path`` once complete.

    ``path`` keeps its permissions; a device or FIFO (``/dev/null``) is written
    directly, never replaced.
    """
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    mode = "wb" if binary else "w"
    text_args: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    if path.exists() and not path.is_file():  # /dev/null, a FIFO: nothing to swap
        try:
            with path.open(mode, **text_args) as handle:
                yield handle
        except OSError as exc:
            raise FatalError(f"cannot write {path}: {exc.strerror or exc}.") from None
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with partial.open(mode, **text_args) as handle:
            yield handle
        if path.exists():
            os.chmod(partial, path.stat().st_mode & 0o7777)
        os.replace(partial, path)
    except OSError as exc:
        raise FatalError(f"cannot write {path}: {exc.strerror or exc}.") from None
    finally:
        partial.unlink(missing_ok=True)
