"""Turn the paths given to ``mailcoach review`` into a stream of messages.

An input is ``-`` (one message on standard input), a file, a directory or a
Maildir. A file holds one message, unless it is named ``*.mbox`` or its first
line is an mbox ``From_`` line, in which case it holds many. A directory is
walked recursively in path order, skipping hidden entries and files that are
plainly not messages (images, PDFs, archives, office documents); a Maildir found
on the way is read as a Maildir (``new/`` then ``cur/``; ``tmp/`` is ignored).

Every message comes out as a :class:`~mailcoach.model.Draft` or, if it cannot be
read, as an :class:`Unreadable` with a one-sentence reason; one bad message never
stops the batch. Messages are read one at a time: an mbox is split line by line
from its file handle, so memory stays flat however many messages it holds, and a
message over ``max_bytes`` is skipped without being kept in memory.

Each message has a stable id, built from the path as the user gave it:
``outbox.mbox#17`` (1-based position in an mbox), ``Maildir/cur/<name>`` and
``drafts/nested/a.eml``.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from mailcoach.errors import InputError
from mailcoach.inputs.parse import (
    DEFAULT_MAX_BYTES,
    is_text_encoding,
    looks_like_email,
    parse_bytes,
    read_draft,
)
from mailcoach.model import Draft

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MessageFile",
    "Unreadable",
    "is_mbox",
    "iter_mbox_range",
    "iter_messages",
    "mbox_starts",
    "read_files",
    "walk_inputs",
]

#: The input that stands for standard input.
STDIN = "-"
#: File name suffix that always marks an mbox file.
MBOX_SUFFIX = ".mbox"
#: How much of a file's first line is read to decide whether it is an mbox.
FROM_LINE_SNIFF_BYTES = 1024
#: Longest piece of an mbox line read at once; longer lines are read in pieces.
MBOX_READ_BYTES = 64 * 1024
#: Subfolders that make a folder a Maildir.
MAILDIR_SUBFOLDERS = frozenset({"cur", "new", "tmp"})
#: Maildir subfolders that are read, in this order (``tmp/`` holds unfinished mail).
MAILDIR_READ_ORDER = ("new", "cur")
#: File name suffixes (lower case) of files in a directory that are never messages.
NOT_MESSAGE_SUFFIXES = frozenset(
    {
        # images
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ico",
        ".heic", ".svg", ".psd",
        # documents
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods",
        ".odp", ".rtf", ".pages", ".numbers", ".key",
        # archives and binaries
        ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".jar", ".exe",
        ".dll", ".so", ".dylib", ".bin", ".db", ".sqlite",
        # audio and video
        ".mp3", ".wav", ".m4a", ".mp4", ".mov", ".avi", ".mkv",
    }
)  # fmt: skip

TRUNCATED_NOTE = "the mbox ends in the middle of this message, so its text may be incomplete"

_KIB = 1024
_MIB = 1024 * _KIB
#: An mbox ``From_`` line: "From <sender> <date>", the date with a month name, a
#: time and a year, as in "From sam@example.com Thu Nov  5 10:00:00 2026". A body
#: line such as "From now on, ..." that a careless writer left unescaped is not one.
_FROM_LINE_RE = re.compile(
    rb"From \S+ +"
    rb"(?=.*\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b)"
    rb"(?=.*\b\d{1,2}:\d{2})"
    rb"(?=.*\b(?:19|20)\d{2}\b)"
)
#: A body line escaped by the mbox writer: ">From ", ">>From ", ... (mboxrd).
_ESCAPED_FROM_RE = re.compile(rb">+From ")
_BLANK_LINES = frozenset({b"\n", b"\r\n"})
#: The blank line that ends a header block.
_HEADER_END_RE = re.compile(rb"(?:\A|\n)\r?\n")


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A message that could not be read, and why.

    ``source`` is the message's stable id (as for a Draft); ``error`` is one
    sentence that says what went wrong and what to do about it.
    """

    source: str
    error: str


@dataclass(frozen=True, slots=True)
class _Options:
    """How every message in a batch is read."""

    max_bytes: int
    encoding: str | None


@dataclass(frozen=True, slots=True)
class _MboxEntry:
    """One message cut out of an mbox, without its ``From_`` line.

    ``data`` is None when the message is over the size limit; ``size`` is its
    length in bytes either way.
    """

    data: bytes | None
    size: int
    at_end: bool
    ends_mid_line: bool


def iter_messages(
    inputs: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> Iterator[Draft | Unreadable]:
    """Yield every message found in ``inputs``, in order, one at a time.

    Args:
        inputs: paths (files, mbox files, directories, Maildirs) and ``"-"`` for
            standard input, consumed lazily. A single ``str`` or ``Path`` is taken
            as one input, not as a sequence of characters.
        max_bytes: the largest single message read; a larger one is Unreadable.
        encoding: the encoding of plain-text drafts and of email parts that
            declare no charset.

    Yields:
        A Draft for each message, or an Unreadable (for a missing or unreadable
        path, a folder that cannot be listed, a message that is too large,
        binary, malformed or cut off). Nothing is raised for a bad message.

    Raises:
        InputError: at once, if ``max_bytes`` is not positive, ``encoding`` is not a
            known text encoding, or ``inputs`` is not an iterable of paths.
    """
    if not isinstance(max_bytes, int) or max_bytes < 1:
        raise InputError(f"max_bytes must be a positive number of bytes, not {max_bytes!r}.")
    if encoding is not None and not is_text_encoding(encoding):
        raise InputError(
            f"{encoding!r} is not a known text encoding; "
            "use a name such as utf-8, cp1252 or latin-1."
        )
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    elif not isinstance(inputs, Iterable) or isinstance(inputs, bytes | bytearray):
        raise InputError(
            f"iter_messages takes paths (a list of str or Path), not {type(inputs).__name__}."
        )
    return _iter_inputs(inputs, _Options(max_bytes=max_bytes, encoding=encoding))


def _iter_inputs(inputs: Iterable[str | Path], options: _Options) -> Iterator[Draft | Unreadable]:
    """Yield the messages of each input in turn."""
    for entry in walk_inputs(inputs):
        if isinstance(entry, Unreadable):
            yield entry
        else:
            yield from _read_file(entry, options)


@dataclass(frozen=True, slots=True)
class MessageFile:
    """A file that an input names or holds, found but not read yet.

    ``label`` is the path as the user gave it (``-`` for standard input); the ids
    of its messages start with it. ``single`` is True for standard input and for a
    Maildir entry, which hold one message whatever their first line looks like; any
    other file may turn out to be an mbox.
    """

    label: str
    single: bool = False


def walk_inputs(inputs: Iterable[str | Path]) -> Iterator[MessageFile | Unreadable]:
    """Yield the files the inputs name or hold, in reading order, without reading them.

    Folders are listed (lazily, as the walk reaches them) but no file is opened;
    a folder that cannot be listed, or that links back up the tree, is an
    Unreadable in its place, and so is a second ``-``. Reading each file with
    :func:`read_files` gives exactly what :func:`iter_messages` gives.
    """
    stdin_read = False
    for item in [inputs] if isinstance(inputs, str | Path) else inputs:
        label = str(item)
        if label == STDIN:
            if stdin_read:
                yield Unreadable(
                    STDIN, "standard input was already read; pass '-' only once per batch."
                )
            else:
                stdin_read = True
                yield MessageFile(STDIN, single=True)
            continue
        path = Path(label)
        if _is_dir(path):
            yield from _walk_directory(path, label, frozenset())
        else:
            yield MessageFile(label)


def read_files(
    entries: Iterable[MessageFile | Unreadable | Draft],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> Iterator[Draft | Unreadable]:
    """Read what :func:`walk_inputs` found: every message of each file, in order.

    Unreadable entries (and Drafts already read) pass through unchanged.
    """
    options = _Options(max_bytes=max_bytes, encoding=encoding)
    for entry in entries:
        if isinstance(entry, MessageFile):
            yield from _read_file(entry, options)
        else:
            yield entry


def _read_file(entry: MessageFile, options: _Options) -> Iterator[Draft | Unreadable]:
    """Yield the message of one file, or each message if it is an mbox."""
    if entry.single:
        yield _read_one(entry.label, options)
    else:
        yield from _iter_file(Path(entry.label), entry.label, options)


# -- single messages ----------------------------------------------------------------


def _read_one(label: str, options: _Options) -> Draft | Unreadable:
    """Read the one message at ``label`` (a path as given, or "-")."""
    return _guard(
        label,
        lambda: read_draft(label, max_bytes=options.max_bytes, encoding=options.encoding),
    )


def _guard(source: str, read: Callable[[], Draft]) -> Draft | Unreadable:
    """Return ``read()``, or an Unreadable if it fails."""
    try:
        return read()
    except InputError as exc:
        return Unreadable(source, str(exc))
    except Exception as exc:  # a bug must not end the batch; report it with the message
        name = "standard input" if source == STDIN else source
        return Unreadable(
            source,
            f"{name} could not be read because of an unexpected error "
            f"({type(exc).__name__}: {exc}); please report it with a copy of the message.",
        )


# -- files --------------------------------------------------------------------------


def _iter_file(path: Path, label: str, options: _Options) -> Iterator[Draft | Unreadable]:
    """Yield the message in a file, or each message if it is an mbox."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
        handle = path.open("rb") if regular else None
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        handle = None  # read_draft says what is wrong, in its own words
    if handle is None:
        yield _read_one(label, options)
        return
    with handle:
        if _sniff_mbox(path, handle):
            yield from _iter_mbox(handle, label, options)
            return
    yield _read_one(label, options)


def _sniff_mbox(path: Path, handle: BinaryIO) -> bool:
    """Return whether the file open in ``handle`` is an mbox (by name or first line).

    The handle is left at the start of the file.
    """
    try:
        first_line = handle.readline(FROM_LINE_SNIFF_BYTES)
        handle.seek(0)
    except OSError:
        return False  # read_draft reports the read error
    return path.suffix.lower() == MBOX_SUFFIX or _is_from_line(first_line)


def is_mbox(label: str) -> bool:
    """Return whether the file at ``label`` would be read as an mbox.

    Reads at most its first line; a missing or unreadable file is not an mbox
    (reading it reports why).
    """
    path = Path(label)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as handle:
            return _sniff_mbox(path, handle)
    except (OSError, ValueError):
        return False


def _is_from_line(line: bytes) -> bool:
    """Return whether ``line`` is an mbox ``From_`` line."""
    return _FROM_LINE_RE.match(line) is not None


# -- mbox ---------------------------------------------------------------------------


def _iter_mbox(
    handle: BinaryIO,
    label: str,
    options: _Options,
    *,
    start: int = 0,
    stop: int | None = None,
    first: int = 1,
) -> Iterator[Draft | Unreadable]:
    """Yield each message of the mbox open in ``handle``, ids ``<label>#<n>``.

    Only the messages that begin at byte ``start`` or later and before ``stop``
    are read (see :func:`_split_mbox`); ``first`` is the number of the first one.
    """
    index = first - 1
    entries = _split_mbox(handle, options.max_bytes, start=start, stop=stop)
    while True:
        try:
            _, entry = next(entries)
        except StopIteration:
            return
        except OSError as exc:
            yield Unreadable(f"{label}#{index + 1}", _unreadable_after(label, index, exc))
            return
        index += 1
        yield _mbox_message(entry, f"{label}#{index}", options)


def _unreadable_after(label: str, index: int, exc: OSError) -> str:
    """Return the message for an mbox that fails to read after message ``index``."""
    reason = exc.strerror.lower() if exc.strerror else str(exc)
    return (
        f"{label} could not be read after message {index} ({reason}); "
        "check the file or copy it somewhere readable."
    )


def iter_mbox_range(
    label: str,
    start: int,
    stop: int | None,
    first: int,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> Iterator[Draft | Unreadable]:
    """Yield the messages of the mbox at ``label`` that begin in bytes [start, stop).

    Messages are cut as :func:`iter_messages` cuts them and numbered from
    ``first`` (the 1-based position of the first one in the whole mbox), so the
    ranges of one mbox together give exactly what reading it whole gives. A
    message that begins in the range is read to its end, past ``stop`` if need
    be; ``stop`` None means the end of the file.
    """
    options = _Options(max_bytes=max_bytes, encoding=encoding)
    try:
        handle = Path(label).open("rb")  # noqa: SIM115 (closed below; its errors are rows)
    except (OSError, ValueError) as exc:
        error = exc if isinstance(exc, OSError) else OSError(str(exc))
        yield Unreadable(f"{label}#{first}", _unreadable_after(label, first - 1, error))
        return
    with handle:
        yield from _iter_mbox(handle, label, options, start=start, stop=stop, first=first)


def mbox_starts(label: str, start: int, stop: int | None) -> list[int]:
    """Return where the messages of the mbox at ``label`` that begin in [start, stop) begin.

    Byte offsets, found with the same rules that cut the messages (a ``From_``
    line at the start of the file or after a blank line; text before the first
    one, if any, is a message at offset 0). Nothing is kept but the offsets, so
    a large mbox can be indexed piece by piece, one piece per task.

    Raises:
        OSError: if the file cannot be read.
    """
    with Path(label).open("rb") as handle:
        return [at for at, _ in _split_mbox(handle, 0, start=start, stop=stop)]


def _split_mbox(
    handle: BinaryIO, max_bytes: int, *, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, _MboxEntry]]:
    """Cut the mbox in ``handle`` into messages, reading it line by line.

    A message starts at a ``From_`` line that begins the file or follows a blank
    line; that blank line is the separator and is not part of the message. Body
    lines escaped as ">From " (or ">>From ", mboxrd) lose one ">". Text before
    the first ``From_`` line, if any, is a message of its own. A message over
    ``max_bytes`` is counted but not kept (``max_bytes`` 0 keeps nothing).

    Yields each message with the byte offset where it begins (its ``From_``
    line; 0 for text before the first one). With ``start`` above 0, reading
    begins at the first line that starts at or after it, and whatever comes
    before the next ``From_`` line there belongs to an earlier message and is
    skipped. Reading stops at the first ``From_`` line at or after ``stop``.
    """
    if start > 0:
        position, after_blank = _line_start(handle, start)
        leading = False  # text before the first From_ line here ends an earlier message
    else:
        handle.seek(0)
        position, after_blank, leading = 0, True, True  # the file start follows a blank line
    buffer = bytearray()
    size = 0
    oversize = False
    started = False
    at = 0
    at_line_start = True
    in_from_line = False
    separator_at: int | None = None  # where a trailing blank line starts in buffer

    def entry(at_end: bool) -> tuple[int, _MboxEntry]:
        """Return the message read so far, without its trailing separator line."""
        if separator_at is not None and not oversize:
            del buffer[separator_at:]
        data = None if oversize else bytes(buffer)
        return at, _MboxEntry(data, size, at_end=at_end, ends_mid_line=not at_line_start)

    while piece := handle.readline(MBOX_READ_BYTES):
        here = position
        position += len(piece)
        line_start = at_line_start
        at_line_start = piece.endswith(b"\n")
        if in_from_line:  # the rest of an overlong From_ line
            in_from_line = not at_line_start
            continue
        if line_start and after_blank and _is_from_line(piece):
            if stop is not None and here >= stop:
                if started:
                    yield entry(at_end=False)
                return
            if started:
                yield entry(at_end=False)
            buffer = bytearray()
            size, oversize, started, separator_at, at = 0, False, True, None, here
            after_blank = False
            in_from_line = not at_line_start
            continue
        blank = line_start and piece in _BLANK_LINES
        after_blank = blank
        if not started and (blank or not leading):
            continue  # blank lines before the first message, or the end of an earlier one
        started = True
        if line_start and _ESCAPED_FROM_RE.match(piece):
            piece = piece[1:]
        size += len(piece)
        if oversize:
            continue
        separator_at = len(buffer) if blank else None
        buffer += piece
        if len(buffer) > max_bytes:
            oversize = True
            buffer = bytearray()
    if started:
        yield entry(at_end=True)


def _line_start(handle: BinaryIO, start: int) -> tuple[int, bool]:
    """Move ``handle`` to the first line that starts at or after ``start``.

    Returns that offset and whether the line before it is blank, judged as the
    line-by-line reading from the file start would judge it: a line that is
    only "\\n" or "\\r\\n" and starts a line.
    """
    handle.seek(start - 1)
    position = start - 1
    while piece := handle.readline(MBOX_READ_BYTES):
        position += len(piece)
        if piece.endswith(b"\n"):
            break
    before = max(0, position - 3)
    handle.seek(before)
    tail = handle.read(position - before)
    handle.seek(position)
    lf_line = tail.endswith(b"\n") and (position == 1 or tail[-2:] == b"\n\n")
    crlf_line = tail.endswith(b"\r\n") and (position == 2 or tail[-3:] == b"\n\r\n")
    return position, lf_line or crlf_line


def _mbox_message(entry: _MboxEntry, source: str, options: _Options) -> Draft | Unreadable:
    """Return the Draft for one mbox message, or why it cannot be read."""
    if entry.data is None:
        return Unreadable(
            source,
            f"{source} is {_size(entry.size)}, over the {_size(options.max_bytes)} limit for "
            "one message, so it was skipped; raise max-bytes in mailcoach.toml if it really "
            "is one message.",
        )
    data = entry.data
    if not data.strip():
        if entry.at_end:
            return Unreadable(
                source,
                f"{source} is empty because the mbox ends right after its From_ line; "
                "the file looks truncated, so re-export the mailbox.",
            )
        return Unreadable(
            source, f"{source} is empty (nothing between its From_ line and the next one)."
        )
    if entry.at_end and looks_like_email(data) and not _has_body(data):
        return Unreadable(
            source,
            f"{source} has headers but no body because the mbox ends before the message "
            "text; the file looks truncated, so re-export the mailbox or copy it again.",
        )
    result = _guard(
        source,
        lambda: parse_bytes(data, source, encoding=options.encoding, max_bytes=options.max_bytes),
    )
    if isinstance(result, Draft) and entry.at_end and entry.ends_mid_line:
        return replace(result, notes=(*result.notes, TRUNCATED_NOTE))
    return result


def _size(count: int) -> str:
    """Return a byte count for people: "12.5 MB" or "64 KB"."""
    if count >= _MIB:
        return f"{count / _MIB:.1f} MB"
    return f"{max(1, round(count / _KIB))} KB"


def _has_body(data: bytes) -> bool:
    """Return whether an email's header block ends and some text follows it."""
    end = _HEADER_END_RE.search(data)
    return end is not None and bool(data[end.end() :].strip())


# -- directories and Maildirs -------------------------------------------------------


def _walk_directory(
    path: Path, label: str, ancestors: frozenset[tuple[int, int]]
) -> Iterator[MessageFile | Unreadable]:
    """Yield the files under a directory (or Maildir), in path order.

    ``ancestors`` are the (device, inode) pairs of the folders above, so that a
    symbolic link back up the tree is not followed forever.
    """
    try:
        info = path.stat()
        if _is_maildir(path):
            yield from _walk_maildir(path, label)
            return
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield Unreadable(label, _unlistable(label, exc))
        return
    here = (info.st_dev, info.st_ino)
    if here in ancestors:
        yield Unreadable(
            label, f"{label} links back to a folder above it, so it was not read twice."
        )
        return
    inside = ancestors | {here}
    for item in entries:
        if item.name.startswith("."):
            continue
        child = os.path.join(label, item.name)
        try:
            is_dir = item.is_dir()
            is_file = item.is_file()
            is_link = item.is_symlink()
        except OSError:
            is_dir = is_file = False
            is_link = True  # let the read below say what is wrong
        if is_dir:
            yield from _walk_directory(Path(child), child, inside)
        elif (is_file or is_link) and not _is_not_message(item.name):
            # a broken link is reported (by the read); a socket or pipe is skipped
            yield MessageFile(child)


def _is_not_message(name: str) -> bool:
    """Return whether a file name's suffix marks it as plainly not a message."""
    return Path(name).suffix.lower() in NOT_MESSAGE_SUFFIXES


def _is_dir(path: Path) -> bool:
    """Return whether ``path`` is a directory; False if it cannot be looked at."""
    try:
        return path.is_dir()
    except OSError:  # e.g. permission denied on a folder above it
        return False


def _is_maildir(path: Path) -> bool:
    """Return whether ``path`` is a Maildir (it has ``cur/``, ``new/`` and ``tmp/``)."""
    return all(_is_dir(path / name) for name in MAILDIR_SUBFOLDERS)


def _walk_maildir(path: Path, label: str) -> Iterator[MessageFile | Unreadable]:
    """Yield the messages in a Maildir: ``new/`` then ``cur/``, each sorted by name."""
    for subfolder in MAILDIR_READ_ORDER:
        folder_label = os.path.join(label, subfolder)
        try:
            with os.scandir(path / subfolder) as listing:
                names = sorted(
                    e.name for e in listing if not e.name.startswith(".") and not e.is_dir()
                )
        except OSError as exc:
            yield Unreadable(folder_label, _unlistable(folder_label, exc))
            continue
        for name in names:
            yield MessageFile(os.path.join(folder_label, name), single=True)


def _unlistable(label: str, exc: OSError) -> str:
    """Return the message for a folder whose contents cannot be listed."""
    reason = exc.strerror.lower() if exc.strerror else str(exc)
    return f"{label} cannot be listed ({reason}); check its permissions."


# -- counting, for a progress bar's ETA -------------------------------------------------

#: Bytes scanned at a time when counting the messages of an mbox.
COUNT_READ_BYTES = 1024 * 1024


def count_messages(inputs: Iterable[str | Path]) -> int:
    """Return roughly how many messages ``iter_messages(inputs)`` will yield.

    Counts files in folders and Maildirs and ``From `` lines in mbox files, without
    parsing anything; unreadable entries count as one (they are reported as one).
    Meant for a progress bar's ETA, not for anything exact.
    """
    total = 0
    for item in [inputs] if isinstance(inputs, str | Path) else inputs:
        label = str(item)
        if label == STDIN:
            total += 1
        elif _is_dir(Path(label)):
            total += _count_directory(Path(label))
        else:
            total += _count_file(Path(label))
    return total


def _count_file(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            first = handle.readline(FROM_LINE_SNIFF_BYTES)
            if not (path.suffix.lower() == MBOX_SUFFIX or _is_from_line(first)):
                return 1
            count = 1 if first.startswith(b"From ") else 0
            tail = b""
            while block := handle.read(COUNT_READ_BYTES):
                chunk = tail + block
                count += chunk.count(b"\nFrom ")
                tail = chunk[-5:]
            return max(count, 1)
    except (OSError, ValueError):
        return 1


def _count_directory(path: Path) -> int:
    if _is_maildir(path):
        return sum(_count_listing(path / sub, files_only=True) for sub in MAILDIR_READ_ORDER)
    total = 0
    try:
        with os.scandir(path) as listing:
            entries = list(listing)
    except OSError:
        return 1
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                total += _count_directory(Path(entry.path))
            elif not _is_not_message(entry.name):
                total += _count_file(Path(entry.path))
        except OSError:
            total += 1
    return total


def _count_listing(folder: Path, *, files_only: bool) -> int:
    try:
        with os.scandir(folder) as listing:
            return sum(
                1 for e in listing if not e.name.startswith(".") and not (files_only and e.is_dir())
            )
    except OSError:
        return 1
