"""Dates the view tests can book: the views use the real clock, so pick days ahead of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.core.mail import EmailMessage

TOKYO = ZoneInfo("Asia/Tokyo")


def next_weekday(weekday: int = 2) -> date:
    """That weekday at least a week ahead in Tokyo (well past the notice, inside the horizon)."""
    today = datetime.now(TOKYO).date() + timedelta(days=7)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO).astimezone(UTC)


def ics_of(email: EmailMessage) -> icalendar.Calendar:
    """The calendar attached to ``email``, parsed back."""
    (attachment,) = email.attachments
    assert not isinstance(attachment, str)
    filename, content, mimetype = attachment  # type: ignore[misc]
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    raw = content if isinstance(content, bytes) else str(content).encode()
    return icalendar.Calendar.from_ical(raw)


def event_of(email: EmailMessage) -> icalendar.Event:
    (event,) = ics_of(email).walk("VEVENT")
    return event
