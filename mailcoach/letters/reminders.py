"""Follow-up reminders as an iCalendar file: one all-day event per dated follow-up.

Each event carries a display alarm at 09:00 on the day. UIDs are derived from the
letter's parties, the date and the follow-up, so writing the same letter twice
updates the reminders in a calendar instead of doubling them.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from icalendar import Alarm, Calendar, Event

from mailcoach.templating import render

if TYPE_CHECKING:
    from mailcoach.letters.compose import FollowUp, Letter

PRODID = "-//mailcoach//letter follow-ups//EN"
#: When on the day the reminder pops up.
ALARM_AFTER_MIDNIGHT = datetime.timedelta(hours=9)


def _text(letter: Letter, item: FollowUp, part: str) -> str:
    rendered = render(
        "letters",
        "_followup.j2",
        item=item,
        part=part,
        facts=letter.facts,
        kind=letter.kind,
        subject=letter.subject,
        to=letter.to,
        benchmark=letter.benchmark.text if letter.benchmark else None,
    )
    return " ".join(rendered.split())


def _uid(letter: Letter, item: FollowUp) -> str:
    key = "|".join(
        (letter.kind, letter.facts.sender.name, letter.to, item.date.isoformat(), item.source,
         item.what)
    )  # fmt: skip
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@mailcoach"


def build_calendar(
    letter: Letter | Iterable[Letter], *, now: datetime.datetime | None = None
) -> bytes:
    """Return an iCalendar file with a reminder for each follow-up of one or more letters."""
    from mailcoach.letters.compose import Letter

    letters = [letter] if isinstance(letter, Letter) else list(letter)
    stamp = now or datetime.datetime.now(datetime.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for one in letters:
        for item in one.follow_ups:
            event = Event()
            event.add("uid", _uid(one, item))
            event.add("dtstamp", stamp.astimezone(datetime.UTC))
            event.add("dtstart", item.date)
            event.add("dtend", item.date + datetime.timedelta(days=1))
            event.add("summary", _text(one, item, "summary"))
            event.add("description", _text(one, item, "description"))
            event.add("transp", "TRANSPARENT")
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _text(one, item, "summary"))
            alarm.add("trigger", ALARM_AFTER_MIDNIGHT)
            event.add_component(alarm)
            cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical
