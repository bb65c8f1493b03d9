"""Dates the view tests can book, counted from the tests' frozen clock (tests/conftest.py).

The views read ``timezone.now()``, which every test has frozen at ``HIPCOACH_TEST_NOW`` (ticking
from there): "today" and "a week ahead" below are that instant's, never the machine's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.core.mail import EmailMessage
from django.utils import timezone

TOKYO = ZoneInfo("Asia/Tokyo")


def today() -> date:
    """The tests' today in the clinic's zone (Tokyo)."""
    return timezone.localtime(timezone.now(), TOKYO).date()


def next_weekday(weekday: int = 2) -> date:
    """That weekday 7 to 13 days after today in Tokyo (past the notice, inside the horizon)."""
    ahead = today() + timedelta(days=7)
    return ahead + timedelta(days=(weekday - ahead.weekday()) % 7)


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
