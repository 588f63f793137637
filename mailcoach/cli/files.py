"""Write results safely: to stdout, or to a file replaced in one step once complete.

A file is written to a temporary file in the target's own folder, created by
:func:`tempfile.mkstemp` (an unpredictable name, opened with exclusive create, so a
link planted in its place cannot redirect the write), flushed to disk, then renamed
over the target. A target or backup that is a symbolic link is refused, never
followed. A device or FIFO (``/dev/null``, a pipe) is written directly, never
replaced. Every failure is one :class:`FatalError` line; the old file is left as it
was and no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NoReturn

from mailcoach.cli.common import FatalError

#: Opens without following a final symbolic link (0 where the system has no such flag).
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

#: How much of the target's name goes into a temporary file's name (NAME_MAX is 255).
TEMP_NAME_CHARS = 64


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _cannot_write(path: Path, exc: OSError, after: str = "") -> NoReturn:
    raise FatalError(f"cannot write {path}: {_reason(exc)}.{after}") from None


def _refuse_link(path: Path) -> NoReturn:
    raise FatalError(
        f"{path} is a symbolic link; mailcoach does not write through links. "
        "Give the real file's path, or remove the link and run again."
    )


def _lstat(path: Path) -> os.stat_result | None:
    """Return the status of ``path`` itself (a link is not followed), or None if absent."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _temp_file(path: Path, tag: str = "") -> tuple[int, str]:
    """Create an exclusive, unpredictably named temporary file beside ``path``."""
    prefix = f".{path.name[:TEMP_NAME_CHARS]}{tag}."
    return tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush a rename in ``folder`` to disk where the system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _new_file_mode() -> int:
    """Return the permissions a newly created file gets (0o666 less the umask)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


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

    ``path`` keeps its permissions (a new file gets the umask's); a device or FIFO
    is written directly, never replaced.

    Raises:
        FatalError: if ``path`` is a symbolic link or a folder, or cannot be written.
    """
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    try:
        status = _lstat(path)
    except OSError as exc:
        _cannot_write(path, exc)
    if status is not None and stat.S_ISLNK(status.st_mode):
        _refuse_link(path)
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise FatalError(f"cannot write {path}: it is a folder.")
    if status is not None and not stat.S_ISREG(status.st_mode):
        with _open_special(path, binary) as handle:
            yield handle
        return
    mode = stat.S_IMODE(status.st_mode) if status is not None else _new_file_mode()
    try:
        fd, temp = _temp_file(path)
    except OSError as exc:
        _cannot_write(path, exc)
    replaced = False
    try:
        with _wrap(fd, binary) as handle:
            yield handle
            handle.flush()
            os.fchmod(fd, mode)
            os.fsync(fd)
        os.replace(temp, path)  # a link put there meanwhile is replaced, not followed
        replaced = True
        _sync_folder(path.parent)
    except OSError as exc:
        _cannot_write(path, exc)
    finally:
        if not replaced:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _wrap(fd: int, binary: bool) -> IO[Any]:
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


@contextmanager
def _open_special(path: Path, binary: bool) -> Iterator[Any]:
    """Yield a device or FIFO opened for writing, without creating or following anything."""
    try:
        fd = os.open(path, os.O_WRONLY | NOFOLLOW | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if NOFOLLOW and exc.errno == getattr(os, "ELOOP", None):
            _refuse_link(path)
        _cannot_write(path, exc)
    try:
        handle = _wrap(fd, binary)
    except BaseException:
        os.close(fd)
        raise
    try:
        with handle:
            if stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a file since we looked
                raise FatalError(f"cannot write {path}: it changed while it was opened; run again.")
            yield handle
    except OSError as exc:
        _cannot_write(path, exc)


# --------------------------------------------------------------------------- --in-place


def _read_regular(path: Path) -> bytes:
    """Read a regular file without following a link; OSError if it is anything else."""
    fd = os.open(path, os.O_RDONLY | NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise IsADirectoryError(0, "not a regular file")
        return handle.read()


def keep_original(path: Path, expected: bytes, notes: list[str]) -> None:
    """Make sure ``FILE.orig`` holds the original before ``path`` (FILE) is replaced.

    A new backup is written to a temporary file, flushed and read back; only when
    its size and SHA-256 equal the original's is it linked into place as
    ``FILE.orig`` (so it can neither clobber nor follow anything put there). An
    existing backup is kept as the original when it is a regular file that reads
    back whole and is not empty beside a non-empty FILE; an
    empty one beside a non-empty FILE is a backup that never completed and is made
    again; a link or anything else is refused.

    Args:
        path: the file being rewritten in place.
        expected: the bytes the rewrite was made from; FILE must still hold them.
        notes: where to say what happened to the backup.

    Raises:
        FatalError: if FILE or FILE.orig is a link or not a regular file, FILE
            changed meanwhile, or the backup cannot be written and verified. FILE
            is then unchanged.
    """
    unchanged = f" {path.name} was not changed."
    backup = path.with_name(path.name + ".orig")
    try:
        status = _lstat(path)
        if status is not None and stat.S_ISLNK(status.st_mode):
            raise FatalError(
                f"{path} is a symbolic link; --in-place rewrites only a regular file. "
                "Give the real file's path, or use -o."
            )
        if status is None or not stat.S_ISREG(status.st_mode):
            raise FatalError(f"{path} is not a regular file; --in-place needs one.")
        current = _read_regular(path)
    except OSError as exc:
        raise FatalError(f"cannot read {path}: {_reason(exc)}.") from None
    if current != expected:
        raise FatalError(f"{path} changed while it was being rewritten;{unchanged} Run again.")
    try:
        existing = _lstat(backup)
    except OSError as exc:
        raise FatalError(f"cannot check {backup}: {_reason(exc)}.{unchanged}") from None
    if existing is not None:
        if stat.S_ISLNK(existing.st_mode):
            raise FatalError(
                f"{backup} is a symbolic link: it is neither followed nor trusted as the "
                f"original;{unchanged} Move it away and run again."
            )
        if not stat.S_ISREG(existing.st_mode):
            raise FatalError(f"{backup} is not a regular file;{unchanged} Move it away.")
        if existing.st_size > 0 or not current:
            try:
                _read_regular(backup)  # a backup that cannot be read back is no backup
            except OSError as exc:
                raise FatalError(
                    f"cannot read {backup}: {_reason(exc)};{unchanged} Move it away and run again."
                ) from None
            notes.append(f"{backup} already exists and was kept as the original")
            return
        _make_backup(path, backup, current, status, unchanged, replace=True)
        notes.append(
            f"{backup} was empty (a backup that never completed); "
            f"it now holds a verified copy of {path.name}"
        )
        return
    _make_backup(path, backup, current, status, unchanged, replace=False)
    notes.append(f"the original is kept in {backup}")


def _make_backup(
    path: Path,
    backup: Path,
    data: bytes,
    status: os.stat_result,
    unchanged: str,
    *,
    replace: bool,
) -> None:
    """Write ``data`` to a temporary file, verify it, and put it in place as ``backup``."""
    try:
        fd, temp = _temp_file(path, ".orig")
    except OSError as exc:
        _cannot_write(backup, exc, unchanged)
    try:
        with os.fdopen(fd, "w+b") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(fd)
            handle.seek(0)
            copy = handle.read()
            size = os.fstat(fd).st_size
            os.fchmod(fd, stat.S_IMODE(status.st_mode))
        if size != len(data) or hashlib.sha256(copy).digest() != hashlib.sha256(data).digest():
            raise FatalError(f"the backup {backup} did not read back whole;{unchanged}")
        os.utime(temp, ns=(status.st_atime_ns, status.st_mtime_ns))
        if replace:
            os.replace(temp, backup)
        else:
            _link_new(temp, backup, unchanged)
        _sync_folder(path.parent)
    except OSError as exc:
        _cannot_write(backup, exc, unchanged)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _link_new(temp: str, backup: Path, unchanged: str) -> None:
    """Give ``temp`` the name ``backup``, which must not exist (nothing is clobbered)."""
    try:
        os.link(temp, backup, follow_symlinks=False)
    except FileExistsError:
        raise FatalError(
            f"{backup} appeared while the backup was being made;{unchanged} Run again."
        ) from None
    except OSError:  # a file system without hard links: rename, if the name is still free
        if _lstat(backup) is not None:
            raise FatalError(
                f"{backup} appeared while the backup was being made;{unchanged} Run again."
            ) from None
        os.replace(temp, backup)
