"""Read a draft from a file, standard input or bytes and decode it into a Draft.

A draft is either a plain-text file (decoded as UTF-8 unless an encoding is given)
or an email message (``.eml``, or any data whose first lines are RFC 5322 headers).
For an email the text/plain part is used, else the text/html part converted to
text; transfer encodings and charsets are decoded and attachments are ignored.
The decoded body is then split into own text, quoted text and signature by
:func:`mailcoach.inputs.split.split_body`.

Every failure is an :class:`~mailcoach.errors.InputError` whose message is one
sentence: what is wrong, with which file, and what to do about it.
"""

from __future__ import annotations

import base64
import codecs
import os
import re
import stat
import sys
from collections.abc import Iterator
from email import errors as email_errors
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from mailcoach.errors import InputError
from mailcoach.inputs.htmltext import html_to_text
from mailcoach.inputs.split import split_body
from mailcoach.model import Draft, SegmentKind

#: Largest message mailcoach reads, in bytes.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: How much of the data is looked at to decide whether it is an email.
SNIFF_BYTES = 64 * 1024
#: How many distinct well-known header fields the header block must contain.
MIN_KNOWN_HEADERS = 2
#: Header fields that mark the start of the data as an email header block.
KNOWN_HEADERS = frozenset(
    {"from", "to", "subject", "date", "mime-version", "content-type", "message-id", "received"}
)
#: How much of a non-email file is inspected for binary content.
BINARY_SNIFF_BYTES = 8 * 1024
#: Share of control bytes (other than tab, newline, carriage return, form feed,
#: escape) above which data is treated as binary.
BINARY_CONTROL_RATIO = 0.3
#: How much of an HTML part is searched for a ``<meta charset>`` declaration.
META_CHARSET_SNIFF_BYTES = 4 * 1024
#: Charset labels that say "unknown" and are treated as if none were declared.
UNKNOWN_CHARSET_LABELS = frozenset({"unknown-8bit", "x-unknown", "unknown", "x-user-defined"})

EMPTY_NOTE = "nothing to check: the draft is empty"
NO_OWN_TEXT_NOTE = "nothing to check: the draft holds only quoted text and a signature"
HTML_NOTE = "the message has no plain-text part; its HTML part was converted to text"

_MIB = 1024 * 1024
_HEADER_LINE_RE = re.compile(r"([A-Za-z][A-Za-z0-9-]*)[ \t]*:")
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE
)
_BLANK_LINE_RE = re.compile(rb"(?:\A|\n)\r?\n")
#: What the email package's header parsers raise on malformed values.
_HEADER_ERRORS = (email_errors.MessageError, LookupError, ValueError, TypeError, AttributeError)
#: Starts of common binary files a user may pass by mistake, and what to call them.
_FILE_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Outlook .msg (or other Office) file"),
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a zip archive (or a .docx/.xlsx file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\f\x1b")
#: Every byte but the control bytes text does not use: deleting these from a file's
#: head leaves just those control bytes to count (in C, not byte by byte in Python).
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in _TEXT_CONTROL_BYTES)
_STRUCTURAL_DEFECTS: dict[type[email_errors.MessageDefect], str] = {
    email_errors.StartBoundaryNotFoundDefect: "its multipart boundary{boundary} never appears",
    email_errors.NoBoundaryInMultipartDefect: "it is declared multipart but names no boundary",
    email_errors.MultipartInvariantViolationDefect: "it is declared multipart but has no parts",
    email_errors.MissingHeaderBodySeparatorDefect: (
        "its headers run into the body without a blank line"
    ),
    email_errors.FirstHeaderLineIsContinuationDefect: (
        "its first header line is a continuation line"
    ),
}


def read_draft(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Draft:
    """Read and decode the draft at ``path`` ("-" reads standard input).

    Raises:
        InputError: if the file is missing, a folder, unreadable, binary, larger
            than ``max_bytes``, not decodable, or a malformed email.
    """
    data = read_bytes(path, max_bytes=max_bytes)
    return parse_bytes(data, str(path), encoding=encoding, max_bytes=max_bytes)


def read_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Return the raw bytes of the draft at ``path`` ("-" reads standard input).

    Raises:
        InputError: if the file is missing, a folder, unreadable or too large.
    """
    if not isinstance(path, str | os.PathLike):
        raise InputError(f"a draft's path is a str or a Path, not {type(path).__name__}.")
    if str(path) == "-":
        return _read_stdin(max_bytes)
    return _read_file(Path(os.fsdecode(path)), os.fsdecode(path), max_bytes)


def is_email(data: bytes, source: str = "-") -> bool:
    """Return whether ``data`` (read from ``source``) is parsed as an email message."""
    return _is_email(data, source)


def parse_bytes(
    data: bytes,
    source: str = "-",
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Draft:
    """Decode ``data`` (a plain-text draft or an email) into a Draft.

    ``encoding`` decodes a plain-text draft; for an email it is used only for text
    parts that declare no charset.

    Raises:
        InputError: if the data is too large, binary, not decodable or a malformed
            email with no usable text.
    """
    name = _display_name(source)
    if len(data) > max_bytes:
        raise InputError(_too_large(name, len(data), max_bytes))
    if encoding is not None:
        _check_encoding(encoding, name)
    if _is_email(data, source):
        return _parse_email(data, source, name, encoding)
    text, notes = _decode_plain(data, name, encoding)
    return _make_draft(text, source, notes=notes)


#: A lone surrogate: not a character, and no encoder (UTF-8 for output) accepts it.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def parse_text(text: str, source: str = "-") -> Draft:
    """Return the Draft for a plain-text draft that is already decoded.

    A lone surrogate (from text decoded with ``surrogateescape``) becomes U+FFFD,
    one character for one, with a note.
    """
    notes: list[str] = []
    if _SURROGATE_RE.search(text):
        text = _SURROGATE_RE.sub("\ufffd", text)
        notes.append(
            "the text held lone surrogates (bytes that were never decoded); "
            "each is read as U+FFFD, the replacement character"
        )
    return _make_draft(_normalise(text), source, notes=notes)


def looks_like_email(data: bytes) -> bool:
    """Return whether ``data`` starts with an RFC 5322 header block.

    The first line must be a header field (or an mbox ``From `` line), and the
    header lines before the first non-header line must include at least
    MIN_KNOWN_HEADERS of From, To, Subject, Date, MIME-Version, Content-Type,
    Message-ID and Received. A plain draft that starts "Subject: ..." alone is not
    an email.
    """
    known: set[str] = set()
    for name in _leading_header_names(data):
        if name in KNOWN_HEADERS:
            known.add(name)
            if len(known) >= MIN_KNOWN_HEADERS:
                return True
    return False


# -- reading ------------------------------------------------------------------------


def _read_stdin(max_bytes: int) -> bytes:
    """Return at most ``max_bytes`` from standard input, or fail if there is more."""
    try:
        data = sys.stdin.buffer.read(max_bytes + 1)
    except (OSError, AttributeError, ValueError) as exc:
        raise InputError(
            f"standard input could not be read ({exc}); pass the draft as a file instead."
        ) from exc
    if len(data) > max_bytes:
        raise InputError(_too_large("standard input", None, max_bytes))
    return data


def _read_file(path: Path, source: str, max_bytes: int) -> bytes:
    """Return the bytes of ``path`` after checking it is a readable, small enough file."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise InputError(f"{source} does not exist; check the path and try again.") from exc
    except PermissionError as exc:
        raise InputError(_permission_denied(source)) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{source} cannot be read ({_reason(exc)}); check the path.") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{source} is a folder, not a message; pass one file.")
    if info.st_size > max_bytes:
        raise InputError(_too_large(source, info.st_size, max_bytes))
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError as exc:
        raise InputError(_permission_denied(source)) from exc
    except IsADirectoryError as exc:
        raise InputError(f"{source} is a folder, not a message; pass one file.") from exc
    except OSError as exc:
        raise InputError(f"{source} cannot be read ({_reason(exc)}); check the file.") from exc
    if len(data) > max_bytes:  # it grew, or it is a device or pipe that reports no size
        raise InputError(_too_large(source, None, max_bytes))
    return data


def _reason(exc: BaseException) -> str:
    """Return the short reason an OS error gives, without the file name."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


def _permission_denied(source: str) -> str:
    """Return the message for a file the user may not read."""
    return (
        f"{source} cannot be read (permission denied); "
        "check its permissions or copy it somewhere you can read it."
    )


def _too_large(name: str, size: int | None, max_bytes: int) -> str:
    """Return the message for data over the size limit (``size`` None if unknown)."""
    is_size = "is" if size is None else f"is {size / _MIB:.1f} MB,"
    return (
        f"{name} {is_size} over the {max_bytes / _MIB:.1f} MB limit "
        "for one message; trim it to the message you want checked, or raise "
        "max-bytes in mailcoach.toml if it really is one message."
    )


def _display_name(source: str) -> str:
    """Return how messages name ``source``."""
    return "standard input" if source == "-" else source


def _check_encoding(encoding: str, name: str) -> None:
    """Fail unless ``encoding`` names a text codec Python knows."""
    if not is_text_encoding(encoding):
        raise InputError(
            f"cannot decode {name}: {encoding!r} is not a known text encoding; "
            "use a name such as utf-8, cp1252 or latin-1."
        )


def is_text_encoding(name: str) -> bool:
    """Return whether ``name`` is a text encoding Python can decode bytes with."""
    try:
        b"a".decode(name)
    except UnicodeDecodeError:
        return True  # a real codec that merely rejects this sample (e.g. UTF-16)
    except (LookupError, UnicodeError):
        return False  # unknown, not a text encoding (base64), or unusable ("undefined")
    return True


# -- plain text ---------------------------------------------------------------------


def _decode_plain(data: bytes, name: str, encoding: str | None) -> tuple[str, list[str]]:
    """Decode a plain-text draft, returning the text and any notes."""
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), []
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name} is not valid {encoding} (byte 0x{data[exc.start]:02X} at offset "
                f"{exc.start}); pass the --encoding it was saved in, or save it as UTF-8."
            ) from exc
        except UnicodeError as exc:
            raise InputError(
                f"{name} cannot be decoded as {encoding} ({exc}); "
                "pass the --encoding it was saved in, or save it as UTF-8."
            ) from exc
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
        try:
            return data.decode("utf-32"), ["the draft is UTF-32 (it starts with a byte-order mark)"]
        except UnicodeDecodeError:
            if data.startswith(codecs.BOM_UTF32_BE):
                raise InputError(
                    f"{name} starts with a UTF-32 byte-order mark but is not valid UTF-32; "
                    "save it as UTF-8."
                ) from None
            # FF FE 00 00 is also UTF-16 (little-endian) text that starts with U+0000
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ["the draft is UTF-16 (it starts with a byte-order mark)"]
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name} starts with a UTF-16 byte-order mark but is not valid UTF-16; "
                "save it as UTF-8."
            ) from exc
    _reject_binary(data, name)
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8"), []
    except UnicodeDecodeError as exc:
        offset = exc.start + bom
        raise InputError(
            f"{name} is not valid UTF-8 (byte 0x{data[offset]:02X} at offset {offset}); "
            f"save it as UTF-8 or pass --encoding {_guess_encoding(data)}."
        ) from exc


def _guess_encoding(data: bytes) -> str:
    """Return an encoding to suggest for data that is not UTF-8."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "with the encoding it was saved in"
    return "cp1252"


def _reject_binary(data: bytes, name: str) -> None:
    """Fail if ``data`` looks like a binary file rather than text."""
    head = data[:BINARY_SNIFF_BYTES]
    for magic, kind in _FILE_SIGNATURES:
        if head.startswith(magic):
            raise InputError(
                f"{name} is {kind}, not a text draft or an email; "
                "save the message as .eml or copy its text into a .txt file."
            )
    if b"\x00" in head:
        raise InputError(
            f"{name} looks like a binary file (it contains NUL bytes), not a text draft or "
            "an email; pass a .txt or .eml file."
        )
    controls = len(head.translate(None, _NOT_CONTROL_BYTES))  # the control bytes left
    if head and controls / len(head) > BINARY_CONTROL_RATIO:
        raise InputError(
            f"{name} looks like a binary file (mostly control bytes), not a text draft or "
            "an email; pass a .txt or .eml file."
        )


def _normalise(text: str) -> str:
    """Strip a leading BOM, turn CRLF and CR line ends into LF, and lone surrogates into �.

    A lone surrogate (``'\\udcff'``, left by ``surrogateescape`` decoding) is not text and
    cannot be encoded; U+FFFD takes its place one for one, so offsets stay true.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATE_RE.sub("\ufffd", text)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _make_draft(
    body: str,
    source: str,
    *,
    subject: str | None = None,
    to: str | None = None,
    sender: str | None = None,
    notes: list[str] | None = None,
) -> Draft:
    """Split ``body`` and wrap it with its headers and notes into a Draft."""
    body = _normalise(body)
    all_notes = list(notes or [])
    segments = split_body(body)
    if not body.strip():
        all_notes.append(EMPTY_NOTE)
    elif not any(body[s.start : s.end].strip() for s in segments if s.kind is SegmentKind.OWN):
        all_notes.append(NO_OWN_TEXT_NOTE)
    return Draft(
        body=body,
        segments=segments,
        source=source,
        subject=subject,
        to=to,
        sender=sender,
        notes=tuple(all_notes),
    )


# -- email --------------------------------------------------------------------------


def _leading_header_names(data: bytes) -> Iterator[str]:
    """Yield the lower-cased names of the header fields that start ``data``.

    Stops at the first line that is neither a header field nor a continuation line.
    """
    head = data[:SNIFF_BYTES].removeprefix(codecs.BOM_UTF8).decode("latin-1")
    lines = re.split(r"\r\n|\n|\r", head)
    if lines and lines[0].startswith("From "):
        lines = lines[1:]
    seen_field = False
    for line in lines:
        if not line:
            return
        if line[0] in " \t":
            if not seen_field:
                return
            continue
        match = _HEADER_LINE_RE.match(line)
        if match is None:
            return
        seen_field = True
        yield match.group(1).lower()


def _is_email(data: bytes, source: str) -> bool:
    """Return whether ``data`` is to be parsed as an email."""
    if looks_like_email(data):
        return True
    return source.lower().endswith(".eml") and next(_leading_header_names(data), None) is not None


def _parse_email(data: bytes, source: str, name: str, encoding: str | None) -> Draft:
    """Parse the email ``data`` and return its Draft."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        text, notes = _message_text(message, name, encoding)
        subject, to, sender = (_header(message, f) for f in ("subject", "to", "from"))
    except InputError:
        raise
    except Exception as exc:  # the email package raises many types on broken input
        raise InputError(
            f"{name} could not be parsed as an email ({type(exc).__name__}: {exc}); "
            "re-export it from your mail client or save its text as a .txt file."
        ) from exc
    if not text.strip() and not _BLANK_LINE_RE.search(data):
        raise InputError(
            f"{name} is a malformed email: it has headers but no blank line after them "
            "and no message text; check that the whole message was saved."
        )
    return _make_draft(
        text,
        source,
        subject=subject,
        to=to,
        sender=sender,
        notes=notes,
    )


def _message_text(message: Message, name: str, encoding: str | None) -> tuple[str, list[str]]:
    """Return the text to check in ``message`` and notes on how it was decoded."""
    plain: list[Message] = []
    html: list[Message] = []
    others: list[str] = []
    for part in _leaf_parts(message):
        content_type = part.get_content_type()
        if part.get_content_disposition() == "attachment":
            others.append(content_type)
        elif content_type == "text/plain":
            plain.append(part)
        elif content_type == "text/html":
            html.append(part)
        elif part.get_content_maintype() != "multipart":
            others.append(content_type)
    blank: tuple[str, list[str]] | None = None
    undecodable: list[str] = []
    for part in plain + html:
        try:
            text, notes = _decode_part(part, encoding)
        except _Undecodable as exc:
            undecodable.append(f"the {part.get_content_type()} part {exc}")
            continue
        if part.get_content_type() == "text/html":
            text = html_to_text(_normalise(text))
            notes.append(HTML_NOTE)
        skipped = [f"{why}, so it was not checked" for why in undecodable]
        if text.strip():
            return text, skipped + notes
        blank = blank or (text, skipped + notes)
    if undecodable:
        raise InputError(
            f"{name} could not be decoded: {undecodable[0]}; nothing was checked. "
            "Re-export it from your mail client or save its text as a .txt file."
        )
    if blank is not None:
        return blank
    defect = _structural_defect(message)
    if defect is not None:
        raise InputError(
            f"{name} is a malformed email: {defect}, so no text could be extracted; "
            "re-export it from your mail client or save its text as a .txt file."
        )
    listed = ", ".join(dict.fromkeys(others)) or "no parts at all"
    raise InputError(f"{name} has no text part to check (only: {listed}).")


def _leaf_parts(part: Message) -> Iterator[Message]:
    """Yield the non-multipart parts of ``part``, not descending into attached messages."""
    if part.get_content_maintype() == "message":
        yield part
        return
    payload = part.get_payload()
    if part.is_multipart() and isinstance(payload, list):
        for child in payload:
            if isinstance(child, Message):
                yield from _leaf_parts(child)
        return
    yield part


def _structural_defect(message: Message) -> str | None:
    """Return a phrase describing the first structural MIME defect, if any."""
    for part in message.walk():
        for defect in part.defects:
            for kind, phrase in _STRUCTURAL_DEFECTS.items():
                if isinstance(defect, kind):
                    boundary = part.get_boundary()
                    return phrase.format(boundary=f" {boundary!r}" if boundary else "")
    return None


class _Undecodable(Exception):
    """A text part whose transfer encoding is too broken to read (says why)."""


#: Transfer encodings whose payload is the text as it is.
_IDENTITY_ENCODINGS = frozenset({"", "7bit", "8bit", "binary"})
_BASE64_SPACE_RE = re.compile(rb"[ \t\r\n\f\v]+")
_BASE64_BAD_RE = re.compile(rb"[^A-Za-z0-9+/]")
_QP_BAD_ESCAPE_RE = re.compile(rb"=(?![0-9A-Fa-f]{2}|[ \t]*(?:\r?\n|\Z))")


def _decode_part(part: Message, fallback: str | None) -> tuple[str, list[str]]:
    """Decode the transfer encoding and charset of a text part.

    Raises:
        _Undecodable: the part's base64 is not base64, or yields no text.
    """
    raw, notes, cut_short = _transfer_decode(part)
    declared = part.get_content_charset()
    if declared is None and part.get_content_type() == "text/html":
        meta = _META_CHARSET_RE.search(raw[:META_CHARSET_SNIFF_BYTES])
        if meta:
            declared = meta.group(1).decode("ascii").lower()
    if cut_short and (declared or "utf-8").strip("\"' ").lower() in {"utf-8", "utf8"}:
        raw = _drop_partial_utf8(raw)
    text, more = decode_text(raw, declared, fallback)
    if cut_short and not text.strip():
        raise _Undecodable("is cut short: its base64 encoding ends before any text")
    return text, notes + more


def _payload_bytes(part: Message) -> bytes:
    """Return the part's payload as it stands in the message, still transfer-encoded."""
    payload = part.get_payload(decode=False)
    if isinstance(payload, bytes):
        return payload
    if not isinstance(payload, str):
        return b""
    try:
        return payload.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # a message built from str: real non-ASCII characters
        return payload.encode("utf-8", "surrogateescape")


def _transfer_decode(part: Message) -> tuple[bytes, list[str], bool]:
    """Undo the part's transfer encoding: the bytes, notes, and whether it was cut short.

    Base64 is decoded here rather than by the email package, which hands back the
    encoded text itself when the length is impossible and skips stray characters
    silently: a base64 payload with a character outside the base64 alphabet is
    undecodable; one that stops short of a whole 4-character group (RFC 2045 pads
    every group) is decoded as far as it goes and noted as cut short.
    """
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    if cte == "base64":
        return _decode_base64(_payload_bytes(part))
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        raw = b""
    if cte == "quoted-printable":
        bad = _QP_BAD_ESCAPE_RE.findall(_payload_bytes(part))
        if bad:
            return (
                raw,
                [
                    f"the text part's quoted-printable encoding has {len(bad)} malformed escape(s) "
                    "(an '=' not followed by two hex digits); they were checked as written"
                ],
                False,
            )
        return raw, [], False
    if cte not in _IDENTITY_ENCODINGS and cte not in {"x-uuencode", "uuencode", "uue", "x-uue"}:
        return (
            raw,
            [f"the text part's transfer encoding {cte!r} is unknown; it was checked as written"],
            False,
        )
    return raw, [], False


def _decode_base64(encoded: bytes) -> tuple[bytes, list[str], bool]:
    """Decode a base64 payload strictly; see :func:`_transfer_decode`."""
    compact = _BASE64_SPACE_RE.sub(b"", encoded)
    core = compact.rstrip(b"=")
    padding = len(compact) - len(core)
    bad = _BASE64_BAD_RE.search(core)
    if bad is not None:
        char = bad.group().decode("latin-1")
        raise _Undecodable(
            f"is not valid base64 (it holds {char!r} at character {bad.start() + 1} of the "
            "encoded text)"
        )
    whole = len(compact) % 4 == 0 and padding == (-len(core)) % 4 and padding < 3
    usable = core[: len(core) - 1] if len(core) % 4 == 1 else core
    raw = base64.b64decode(usable + b"=" * (-len(usable) % 4))
    if whole:
        return raw, [], False
    return (
        raw,
        [
            "the text part is cut short: its base64 encoding stops part-way, so only the first "
            f"{len(raw):,} bytes could be decoded and checked"
        ],
        True,
    )


def _drop_partial_utf8(raw: bytes) -> bytes:
    """Return ``raw`` without a UTF-8 character that the end of the data cuts in two."""
    for back in range(1, min(4, len(raw)) + 1):
        byte = raw[-back]
        if byte & 0xC0 == 0x80:  # a continuation byte: look further back for the lead
            continue
        needs = 4 if byte >= 0xF0 else 3 if byte >= 0xE0 else 2 if byte >= 0xC0 else 1
        return raw[:-back] if needs > back else raw
    return raw


def decode_text(
    raw: bytes, declared: str | None, fallback: str | None = None
) -> tuple[str, list[str]]:
    """Decode ``raw`` bytes labelled with charset ``declared``; never fail.

    A known label is used strictly; ISO-8859-1 with bytes in 0x80-0x9F is read as
    Windows-1252 (as browsers do). An unknown label decodes as UTF-8 with
    replacement characters; a label that does not match the bytes decodes with
    replacement characters; "us-ascii" on 8-bit data and no label at all try
    ``fallback`` (if given), then UTF-8, then Windows-1252. Each fallback adds a
    note saying what was done.
    """
    label = (declared or "").strip().strip("\"'").lower()
    if not label or label in UNKNOWN_CHARSET_LABELS:
        return _decode_undeclared(raw, fallback, None)
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        codec = ""
    if not codec or not is_text_encoding(codec):
        text = raw.decode("utf-8", errors="replace")
        how = "UTF-8 with replacement characters" if "\ufffd" in text else "UTF-8"
        return text, [f"charset {declared!r} is unknown; decoded as {how}"]
    if codec == "iso8859-1" and re.search(rb"[\x80-\x9f]", raw):
        try:
            return raw.decode("cp1252"), []
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode(codec), []
    except UnicodeError:
        pass
    if codec == "ascii":
        return _decode_undeclared(raw, fallback, declared)
    try:
        text = raw.decode(codec, errors="replace")
    except UnicodeError:
        text = raw.decode("utf-8", errors="replace")
    note = (
        f"the text does not match its charset label {declared!r}; "
        "decoded with replacement characters"
    )
    return text, [note]


def _decode_undeclared(
    raw: bytes, fallback: str | None, declared: str | None
) -> tuple[str, list[str]]:
    """Decode bytes whose charset is missing, says "unknown" or is plain wrong (ASCII)."""
    why = (
        f"charset {declared!r} does not fit the 8-bit bytes in the message"
        if declared
        else "no charset is declared"
    )
    for candidate in (fallback, "utf-8"):
        if candidate is None:
            continue
        try:
            text = raw.decode(candidate)
        except UnicodeError:
            continue
        return text, [] if declared is None else [f"{why}; decoded as {candidate}"]
    return raw.decode("cp1252", errors="replace"), [
        f"{why} and the text is not UTF-8; decoded as Windows-1252"
    ]


def _header(message: Message, field: str) -> str | None:
    """Return the decoded value of header ``field``, or None if it is absent or empty."""
    try:
        value = message.get(field)
        text = None if value is None else str(value)
    except _HEADER_ERRORS:  # a malformed header can break the policy's header parser
        text = _raw_header(message, field)
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _raw_header(message: Message, field: str) -> str | None:
    """Return header ``field`` decoded without the policy's structured parser."""
    for key, value in message.raw_items():
        if key.lower() == field:
            try:
                return str(make_header(decode_header(str(value))))
            except _HEADER_ERRORS:  # undecodable encoded words: show them as they are
                return str(value)
    return None
