"""Write a rewritten body back into an email message, keeping its headers."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from mailcoach.errors import InputError


def replace_body(data: bytes, text: str, source: str = "-") -> tuple[bytes, list[str]]:
    """Return the message ``data`` with its text body replaced by ``text``.

    Headers (From, To, Subject, Date, Message-ID …) and attachments are kept. The
    text part is written as UTF-8 plain text; an HTML alternative of the old body
    would still carry the old wording, so it goes too, and a note says so.

    Returns:
        The new message bytes and notes for the user.

    Raises:
        InputError: if the message cannot be parsed or has no text body.
    """
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # the email package raises many types on broken input
        raise InputError(f"{source} could not be parsed as an email ({exc}).") from exc
    assert isinstance(message, EmailMessage)
    notes: list[str] = []
    target = _text_container(message)
    if target is None:
        raise InputError(f"{source} has no text body to replace.")
    if target.is_multipart() or target.get_content_type() == "text/html":
        notes.append("the HTML version of the message was replaced by the plain-text rewrite")
    target.set_content(text, charset="utf-8")
    linesep = "\r\n" if b"\r\n" in data else "\n"  # keep the message's own line ends
    return message.as_bytes(policy=policy.default.clone(linesep=linesep)), notes


def _text_container(message: EmailMessage) -> EmailMessage | None:
    """Return the part holding the message text: an alternative group or a text part."""
    if not message.is_multipart():
        return message
    for part in message.walk():
        assert isinstance(part, EmailMessage)
        if part.get_content_type() == "multipart/alternative":
            return part
    for part in message.walk():
        assert isinstance(part, EmailMessage)
        if part.get_content_maintype() == "text" and part.get_content_disposition() != "attachment":
            return part
    return None
