"""The letter as an email message: RFC 5322 headers, UTF-8 text, attached documents."""

from __future__ import annotations

import datetime
import mimetypes
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING

from mailcoach.errors import FactsError

if TYPE_CHECKING:
    from mailcoach.letters.compose import Letter
    from mailcoach.letters.facts import Person


def _address(person: Person, field: str, where: str) -> Address:
    """Return a person's address header value, or say which field is missing."""
    if not person.email or "@" not in person.email:
        raise FactsError(f"{where}: {field}.email: an email address is needed for --format eml.")
    local, _, domain = person.email.rpartition("@")
    try:
        return Address(display_name=person.name, username=local, domain=domain)
    except (ValueError, TypeError, IndexError, HeaderParseError):
        raise FactsError(
            f"{where}: {field}: {person.name!r} <{person.email}> cannot be written as an "
            "email address; give the name and address on one line each, without < > or quotes."
        ) from None


def build_message(letter: Letter, *, now: datetime.datetime | None = None) -> EmailMessage:
    """Build the message: From, To (and Cc), Subject, Date, Message-ID; text in UTF-8.

    An escalation goes to the manager; the counterpart is copied when they were not
    told beforehand. Documents with a ``file`` are attached.

    Raises:
        FactsError: if an email address the message needs is missing, or a name,
            address or the subject cannot be written in a mail header.
    """
    try:
        return _build(letter, now)
    except FactsError:
        raise
    except (ValueError, TypeError, IndexError, HeaderParseError) as exc:
        raise FactsError(
            f"{letter.source}: the letter cannot be written as an email ({exc}); "
            "check the names, addresses and references in the facts."
        ) from None


def _build(letter: Letter, now: datetime.datetime | None) -> EmailMessage:
    facts = letter.facts
    where = letter.source
    sender = _address(facts.sender, "sender", where)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    escalation = facts.escalation if letter.kind == "escalation" else None
    if escalation is not None:
        msg["To"] = _address(escalation.to, "escalation.to", where)
        if not escalation.counterpart_told and facts.recipient.email:
            msg["Cc"] = _address(facts.recipient, "recipient", where)
    else:
        msg["To"] = _address(facts.recipient, "recipient", where)
    msg["Subject"] = letter.subject
    moment = now or datetime.datetime.now(datetime.UTC).astimezone()
    if moment.date() != facts.today:
        # the header agrees with the letter's date, or its reply-by date looks passed
        moment = datetime.datetime.combine(facts.today, moment.timetz())
    msg["Date"] = format_datetime(moment)
    msg["Message-ID"] = make_msgid(domain=sender.domain)
    msg.set_content(letter.text, charset="utf-8", cte="quoted-printable")
    for document in facts.documents:
        if document.file is None:
            continue
        kind, _ = mimetypes.guess_type(document.file.name)
        maintype, _, subtype = (kind or "application/octet-stream").partition("/")
        msg.add_attachment(
            document.file.read_bytes(),
            maintype=maintype,
            subtype=subtype,
            filename=document.file.name,
        )
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """Return the message as bytes with CRLF line ends, as RFC 5322 asks."""
    return msg.as_bytes(policy=policy.SMTP)
