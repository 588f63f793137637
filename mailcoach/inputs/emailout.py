"""Write a rewritten body back into an email message, keeping its headers and attachments."""

from __future__ import annotations

import html
import re
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from mailcoach.errors import InputError
from mailcoach.inputs.parse import _decode_part, _leaf_parts, _Undecodable

#: Headers the message had are written back as they were (never refolded), so a raw
#: UTF-8 header too long to fold is kept byte for byte instead of failing to encode.
_KEEP_HEADERS = policy.default.clone(refold_source="none")

#: Alternatives that are not the text itself (a calendar invitation) are kept as they are.
_KEPT_ALTERNATIVES = frozenset({"text/calendar"})

_PARAGRAPHS_RE = re.compile(r"\n[ \t]*\n+")

HTML_REBUILT_NOTE = (
    "the HTML version of the message was rebuilt from the rewritten text "
    "(plain paragraphs: its formatting is not kept)"
)
HTML_REPLACED_NOTE = "the HTML version of the message was replaced by the plain-text rewrite"


def replace_body(data: bytes, text: str, source: str = "-") -> tuple[bytes, list[str]]:
    """Return the message ``data`` with its text body replaced by ``text``.

    The part that was checked (the first text/plain part with text, else the
    first text/html part) gets ``text`` as UTF-8. In a multipart/alternative
    group every other text/plain version gets it too, and each HTML version is
    rebuilt from it (a note says so), so no version keeps the old wording; other
    text versions are left out, a calendar invitation is kept. A lone HTML body
    becomes plain text. Headers (From, To, Subject, Date, Message-ID …) are kept
    as they were and attachments are kept; a missing closing boundary is written.

    Returns:
        The new message bytes (with the message's own line ends) and notes.

    Raises:
        InputError: if the message cannot be parsed or written, or has no text body.
    """
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # the email package raises many types on broken input
        raise InputError(f"{source} could not be parsed as an email ({exc}).") from None
    assert isinstance(message, EmailMessage)
    notes: list[str] = []
    try:
        body = _body_part(message)
        if body is None:
            raise InputError(f"{source} has no text body to replace.")
        if (_decoded(body) or "").replace("\r\n", "\n").replace("\r", "\n") == text:
            return data, notes  # nothing was rewritten: the message stays byte for byte
        group = _alternative_group(message, body)
        if group is None:
            if body.get_content_type() == "text/html":
                notes.append(HTML_REPLACED_NOTE)
            _set_text(body, text, message)
        else:
            _rewrite_alternatives(group, text, message, notes)
        linesep = "\r\n" if b"\r\n" in data else "\n"  # keep the message's own line ends
        return message.as_bytes(policy=_KEEP_HEADERS.clone(linesep=linesep)), notes
    except InputError:
        raise
    except Exception as exc:  # the email package raises many types on broken input
        raise InputError(
            f"{source}: the rewritten message could not be written "
            f"({type(exc).__name__}: {exc}); use --format text with a .txt copy instead."
        ) from None


def html_from_text(text: str) -> str:
    """Return a plain HTML document of ``text``: paragraphs at blank lines, breaks at lines."""
    paragraphs = [p for p in _PARAGRAPHS_RE.split(text.strip("\n")) if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return (
        '<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n<body>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _body_part(message: EmailMessage) -> EmailMessage | None:
    """Return the part that was checked, chosen as the parser chooses it."""
    plain: list[Message] = []
    html_parts: list[Message] = []
    for part in _leaf_parts(message):
        if part.get_content_disposition() == "attachment":
            continue
        if part.get_content_type() == "text/plain":
            plain.append(part)
        elif part.get_content_type() == "text/html":
            html_parts.append(part)
    decodable = [p for p in plain + html_parts if _decoded(p) is not None]
    for part in decodable:
        if (_decoded(part) or "").strip():
            assert isinstance(part, EmailMessage)
            return part
    first = decodable[0] if decodable else None
    assert first is None or isinstance(first, EmailMessage)
    return first


def _decoded(part: Message) -> str | None:
    """Return a text part's text, or None when it cannot be decoded (the parser skips it)."""
    try:
        return _decode_part(part, None)[0]
    except _Undecodable:
        return None


def _alternative_group(message: EmailMessage, body: EmailMessage) -> EmailMessage | None:
    """Return the nearest multipart/alternative holding ``body``, if any."""
    parents: dict[int, EmailMessage] = {}
    for part in message.walk():
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            for child in payload:
                parents[id(child)] = part
    node: EmailMessage | None = parents.get(id(body))
    while node is not None:
        if node.get_content_type() == "multipart/alternative":
            return node
        node = parents.get(id(node))
    return None


def _rewrite_alternatives(
    group: EmailMessage, text: str, message: EmailMessage, notes: list[str]
) -> None:
    """Give every version in ``group`` the new text: plain as is, HTML rebuilt from it."""
    kept: list[EmailMessage] = []
    dropped: list[str] = []
    rebuilt = False
    for part in group.iter_parts():
        assert isinstance(part, EmailMessage)
        ctype = part.get_content_type()
        if ctype == "text/plain":  # the checked part is one of these two
            _set_text(part, text, message)
        elif ctype == "text/html":
            _set_html(part, text, message)
            rebuilt = True
        elif part.is_multipart():  # multipart/related: the HTML and its images
            for inner in part.walk():
                assert isinstance(inner, EmailMessage)
                if inner.get_content_type() == "text/plain":
                    _set_text(inner, text, message)
                elif inner.get_content_type() == "text/html":
                    _set_html(inner, text, message)
                    rebuilt = True
        elif part.get_content_maintype() == "text" and ctype not in _KEPT_ALTERNATIVES:
            dropped.append(ctype)
            continue
        kept.append(part)
    group.set_payload(kept)  # type: ignore[arg-type]
    if rebuilt:
        notes.append(HTML_REBUILT_NOTE)
    if dropped:
        notes.append(f"the {', '.join(dict.fromkeys(dropped))} version was left out")


def _set_text(part: EmailMessage, text: str, message: EmailMessage) -> None:
    _set(part, text, "plain", message)


def _set_html(part: EmailMessage, text: str, message: EmailMessage) -> None:
    _set(part, html_from_text(text), "html", message)


def _set(part: EmailMessage, content: str, subtype: str, message: EmailMessage) -> None:
    """Replace a leaf part's content, keeping its disposition and adding no MIME-Version."""
    had_version = "MIME-Version" in part
    part.set_content(content, subtype=subtype, charset="utf-8")
    if part is not message and not had_version:
        del part["MIME-Version"]
